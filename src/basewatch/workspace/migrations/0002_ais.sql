-- Ship records: AIS positions and static/voyage data, with provenance.
CREATE TABLE ais_positions (
    mmsi         VARCHAR NOT NULL,     -- 9 digits as text (leading zeros kept)
    time         TIMESTAMPTZ NOT NULL, -- reception time (UTC)
    lat          DOUBLE,
    lon          DOUBLE,
    sog_ms       DOUBLE,               -- speed over ground, m/s
    cog_deg      DOUBLE,
    heading_deg  DOUBLE,
    nav_status   INTEGER,
    msg_type     INTEGER,
    source_id    INTEGER NOT NULL,
    row_no       BIGINT NOT NULL       -- line (NMEA: line of the last fragment) or row number
);

CREATE TABLE ais_static (
    mmsi         VARCHAR NOT NULL,
    time         TIMESTAMPTZ,
    imo          VARCHAR,
    name         VARCHAR,
    callsign     VARCHAR,
    ship_type    INTEGER,
    length_m     DOUBLE,
    beam_m       DOUBLE,
    draught_m    DOUBLE,
    destination  VARCHAR,
    msg_type     INTEGER,
    source_id    INTEGER NOT NULL,
    row_no       BIGINT NOT NULL
);
