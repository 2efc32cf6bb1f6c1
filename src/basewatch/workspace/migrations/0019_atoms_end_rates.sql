-- Atoms format 2 (basewatch.flights.summary.ATOMS_FORMAT): an atom's first and last points carry their
-- ground speed and vertical rate, which the projection of steep flight ends reads. Atoms of the earlier
-- layout are dropped with the record of which sources they covered, so the next analyse recomputes them
-- from the points (exactly as ingest would have).
DROP TABLE IF EXISTS aircraft_atoms;
DELETE FROM atom_sources;
CREATE TABLE aircraft_atoms (
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
    "first"    STRUCT(t_us BIGINT, row_no BIGINT, lat DOUBLE, lon DOUBLE, alt_m DOUBLE, track_deg DOUBLE,
                      gs_ms DOUBLE, vrate_ms DOUBLE),
    "last"     STRUCT(t_us BIGINT, row_no BIGINT, lat DOUBLE, lon DOUBLE, alt_m DOUBLE, track_deg DOUBLE,
                      gs_ms DOUBLE, vrate_ms DOUBLE),
    alt_b0     DOUBLE,
    alt_b1     DOUBLE,
    alt_b2     DOUBLE,
    alt_b3     DOUBLE,
    alt_b4     DOUBLE
);
