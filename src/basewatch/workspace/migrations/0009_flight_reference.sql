-- Reference data of the flight pipeline, kept so `basewatch analyse` need not rebuild it on every run
-- (basewatch.flights.plan.ensure_references). Derived from airportsdata and the watchlist's sites; rebuilt
-- (CREATE OR REPLACE, columns as basewatch.flights.attribute builds them) when the fingerprint changes.
CREATE TABLE flight_reference_state (
    fingerprint   VARCHAR NOT NULL,     -- sha256 of airportsdata's version, the sites, the columns
    airportsdata  VARCHAR NOT NULL,     -- version of the airportsdata package the airfields came from
    built_at      TIMESTAMPTZ NOT NULL
);

-- Airports with an ICAO code, plus watched airbases whose code airportsdata lacks.
CREATE TABLE flight_reference_airfields (
    code    VARCHAR,
    af_lat  DOUBLE,
    af_lon  DOUBLE,
    elev_m  DOUBLE                      -- metres; NULL when unknown
);

-- Watched sites with a position (centroid of the polygon when there is no centre).
CREATE TABLE flight_reference_sites (
    site_id      VARCHAR,
    kind_rank    BIGINT,                -- 0 airbase/port, 1 region: a base wins over a region around it
    site_lat     DOUBLE,
    site_lon     DOUBLE,
    radius_km    DOUBLE,
    has_polygon  BOOLEAN,
    site_icao    VARCHAR,
    site_elev_m  DOUBLE
);

-- Edges of the sites' polygons (lon/lat), for point-in-polygon tests.
CREATE TABLE flight_reference_site_edges (
    site_id  VARCHAR,
    x1       DOUBLE,
    y1       DOUBLE,
    x2       DOUBLE,
    y2       DOUBLE
);
