-- Caches the flights product reads, kept up to date at ingest (each in the file's transaction):
-- the per-source atoms (basewatch.flights.summary: the compiled atoms SQL of the default parameters;
-- tests/workspace/test_migrations.py checks these columns against it) and the bulk aircraft identity
-- (basewatch.identity.cache: identity.actors.IDENTITY_COLUMNS). IF NOT EXISTS: workspaces made before
-- this migration have them already (their code created them).
CREATE TABLE IF NOT EXISTS aircraft_atoms (
    icao24     VARCHAR,
    source_id  INTEGER,
    cell       BIGINT,
    t0         BIGINT,
    t1         BIGINT,
    n          BIGINT,
    ground     BOOLEAN,
    leg        BOOLEAN,
    row_no     BIGINT,
    callsign   VARCHAR,
    lat_min    DOUBLE,
    lat_max    DOUBLE,
    lon_min    DOUBLE,
    lon_max    DOUBLE,
    "first"    STRUCT(t_us BIGINT, row_no BIGINT, lat DOUBLE, lon DOUBLE, alt_m DOUBLE, track_deg DOUBLE),
    "last"     STRUCT(t_us BIGINT, row_no BIGINT, lat DOUBLE, lon DOUBLE, alt_m DOUBLE, track_deg DOUBLE),
    alt_b0     DOUBLE,
    alt_b1     DOUBLE,
    alt_b2     DOUBLE,
    alt_b3     DOUBLE,
    alt_b4     DOUBLE
);

CREATE TABLE IF NOT EXISTS aircraft_identity_cache (
    icao24        VARCHAR,
    country       VARCHAR,   -- ISO alpha-2 of the address block
    registration  VARCHAR,
    typecode      VARCHAR,
    operator      VARCHAR,
    military      BOOLEAN,
    actor_id      VARCHAR
);
