-- Core schema: sources (provenance), flight-record points, aircraft identity, watchlist.
CREATE SEQUENCE IF NOT EXISTS source_id_seq START 1;

CREATE TABLE sources (
    source_id     INTEGER PRIMARY KEY DEFAULT nextval('source_id_seq'),
    path          VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL UNIQUE,
    input_format  VARCHAR NOT NULL,
    ingested_at   TIMESTAMPTZ NOT NULL,
    accepted      BIGINT NOT NULL,
    rejected      BIGINT NOT NULL,
    duplicates    BIGINT NOT NULL,
    reasons       JSON
);

-- One position (or state) of one aircraft. Units: metres, m/s, degrees; time UTC.
CREATE TABLE aircraft_points (
    icao24       VARCHAR NOT NULL,     -- 6 lowercase hex digits
    time         TIMESTAMPTZ NOT NULL,
    lat          DOUBLE,
    lon          DOUBLE,
    alt_baro_m   DOUBLE,
    alt_geom_m   DOUBLE,
    gs_ms        DOUBLE,
    track_deg    DOUBLE,
    vrate_ms     DOUBLE,
    callsign     VARCHAR,
    squawk       VARCHAR,
    on_ground    BOOLEAN,
    new_leg      BOOLEAN,
    source_id    INTEGER NOT NULL,
    row_no       BIGINT NOT NULL       -- 1-based line (text) or row (table) number in the source file
);

-- What is known of an aircraft, from an aircraft database or from the records themselves.
CREATE TABLE aircraft (
    icao24        VARCHAR NOT NULL,
    registration  VARCHAR,
    typecode      VARCHAR,
    type_desc     VARCHAR,
    operator      VARCHAR,
    military      BOOLEAN,
    origin        VARCHAR NOT NULL,    -- where the facts came from: readsb, opensky-db, tar1090-db, watchlist
    source_id     INTEGER,
    PRIMARY KEY (icao24, origin)
);

CREATE TABLE sites (
    site_id    VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    aliases    VARCHAR[] NOT NULL,
    kind       VARCHAR NOT NULL,       -- airbase | port | region
    country    VARCHAR,
    lat        DOUBLE,
    lon        DOUBLE,
    radius_km  DOUBLE,
    polygon    JSON,                   -- [[lon, lat], ...] ring, or NULL
    icao       VARCHAR                 -- airport code where the site is an airfield
);

CREATE TABLE actors (
    actor_id  VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    rules     JSON NOT NULL            -- serialised basewatch.watchlist.model.Actor
);

CREATE TABLE watchlist_files (
    loaded_at  TIMESTAMPTZ NOT NULL,
    path       VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL,
    text       VARCHAR NOT NULL
);
