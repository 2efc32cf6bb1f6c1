-- Derived flight tables, rebuilt by `basewatch analyse` (basewatch.flights.store.build_flights).
-- Provenance: (first_source_id, first_row_no) and (last_source_id, last_row_no) are the raw records
-- of the flight's first and last points; source_ids lists every source file that contributed points.
CREATE TABLE flights (
    flight_id                VARCHAR PRIMARY KEY,  -- icao24-YYYYMMDDTHHMMSSZ (start)
    icao24                   VARCHAR NOT NULL,
    callsign                 VARCHAR,
    start                    TIMESTAMPTZ NOT NULL, -- take-off (last ground point) or first airborne point
    "end"                    TIMESTAMPTZ NOT NULL, -- landing (first ground point) or last airborne point
    origin_site              VARCHAR,
    origin_airport           VARCHAR,              -- ICAO code, or NULL when no take-off is in the data
    destination_site         VARCHAR,
    destination_airport      VARCHAR,
    origin_method            VARCHAR NOT NULL,     -- ground | low | ground-no-airfield | airborne
    destination_method       VARCHAR NOT NULL,
    origin_note              VARCHAR NOT NULL,     -- why/how, in words
    destination_note         VARCHAR NOT NULL,
    origin_distance_km       DOUBLE,
    destination_distance_km  DOUBLE,
    first_lat                DOUBLE,
    first_lon                DOUBLE,
    first_alt_m              DOUBLE,
    last_lat                 DOUBLE,
    last_lon                 DOUBLE,
    last_alt_m               DOUBLE,
    points                   BIGINT NOT NULL,
    actor                    VARCHAR,
    typecode                 VARCHAR,
    registration             VARCHAR,
    country                  VARCHAR,
    military                 BOOLEAN,
    source_ids               INTEGER[] NOT NULL,
    first_source_id          INTEGER,
    first_row_no             BIGINT,
    last_source_id           INTEGER,
    last_row_no              BIGINT
);

-- An aircraft at a watched site: from landing to the next take-off from the same site.
CREATE TABLE visits (
    site_id              VARCHAR NOT NULL,
    icao24               VARCHAR NOT NULL,
    arrival              TIMESTAMPTZ,          -- NULL: the take-off is seen, the landing is not
    departure            TIMESTAMPTZ,          -- NULL: no later take-off from the site in the data
    dwell_s              DOUBLE,               -- departure - arrival, seconds
    arrival_flight_id    VARCHAR,
    departure_flight_id  VARCHAR,
    actor                VARCHAR,
    typecode             VARCHAR
);

-- Air movements per UTC day (of take-off) per ordered pair of places (site id, else airport ICAO).
CREATE TABLE flight_corridors (
    origin       VARCHAR,                      -- NULL: not known (first seen airborne)
    destination  VARCHAR,                      -- NULL: not known (last seen airborne)
    day          DATE NOT NULL,
    actor        VARCHAR,
    typecode     VARCHAR,
    movements    BIGINT NOT NULL,
    aircraft     BIGINT NOT NULL
);

-- One row per (re)build of the tables above.
CREATE TABLE flight_builds (
    built_at   TIMESTAMPTZ NOT NULL,
    engine     VARCHAR NOT NULL,
    points     BIGINT NOT NULL,
    flights    BIGINT NOT NULL,
    visits     BIGINT NOT NULL,
    seconds    DOUBLE NOT NULL,
    params     JSON NOT NULL
);
