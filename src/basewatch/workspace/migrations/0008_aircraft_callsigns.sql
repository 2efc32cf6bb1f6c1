-- One row per distinct (icao24, callsign) pair of aircraft_points, callsign as recorded (NULL kept, so
-- every icao24 with points has a row): how many points carry it and when it was first and last seen.
-- Ingest merges each file's new points into it in the same transaction (basewatch.identity.callsigns),
-- so identity never has to scan the points. The INSERT backfills workspaces created before version 8.
CREATE TABLE aircraft_callsigns (
    icao24      VARCHAR NOT NULL,
    callsign    VARCHAR,
    points      BIGINT NOT NULL,
    first_seen  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL
);

INSERT INTO aircraft_callsigns
SELECT icao24, callsign, count(*), min(time), max(time) FROM aircraft_points GROUP BY ALL;
