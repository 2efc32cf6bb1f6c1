-- Where each AIS position's reception time comes from (NULL in rows written before this migration):
-- 'tag' = NMEA tag block c:, 'epoch' = unix time after the checksum, 'prefix' = timestamp before the
-- sentence, 'clock' = the latest earlier clock of the log carried forward ($PGHP, $--ZDA, $--RMC or an
-- earlier timestamped line), 'file' = the time column of a decoded CSV.
ALTER TABLE ais_positions ADD COLUMN time_source VARCHAR;
