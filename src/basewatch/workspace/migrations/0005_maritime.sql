-- Maritime analytics derived from ais_positions: port calls, voyages between them, dark periods.
-- These tables are recomputed as a whole by basewatch.maritime.build(ws); maritime_state records
-- which data and rules the current contents were computed from.

CREATE TABLE port_calls (
    call_id          BIGINT PRIMARY KEY,
    mmsi             VARCHAR NOT NULL,
    vessel_name      VARCHAR,
    actor            VARCHAR,              -- watchlist actor id of the vessel, or NULL
    site_id          VARCHAR,              -- watchlist site of kind port, or NULL
    port             VARCHAR,              -- World Port Index main name, or NULL
    port_country     VARCHAR,              -- ISO 3166 alpha-2
    port_lat         DOUBLE,
    port_lon         DOUBLE,
    arrival          TIMESTAMPTZ NOT NULL, -- first position within the enter radius
    departure        TIMESTAMPTZ,          -- last position within the exit radius; NULL if still in port
    arrival_observed BOOLEAN NOT NULL,     -- false when the vessel's first position was already inside
    first_stop       TIMESTAMPTZ,          -- first position below the stop-start speed, NULL if none
    stops            INTEGER NOT NULL,
    port_gaps        INTEGER NOT NULL,     -- silences of at least the in-port gap while in port
    min_distance_km  DOUBLE NOT NULL,
    positions        BIGINT NOT NULL,
    source_ids       INTEGER[] NOT NULL,
    first_source_id  INTEGER NOT NULL,
    first_row_no     BIGINT NOT NULL,
    last_source_id   INTEGER NOT NULL,
    last_row_no      BIGINT NOT NULL
);

CREATE TABLE voyages (
    voyage_id          BIGINT PRIMARY KEY,
    mmsi               VARCHAR NOT NULL,
    vessel_name        VARCHAR,
    actor              VARCHAR,
    origin_call_id     BIGINT NOT NULL,
    destination_call_id BIGINT NOT NULL,
    origin_site        VARCHAR,
    origin_port        VARCHAR,
    origin_country     VARCHAR,
    destination_site   VARCHAR,
    destination_port   VARCHAR,
    destination_country VARCHAR,
    departure          TIMESTAMPTZ NOT NULL,
    arrival            TIMESTAMPTZ NOT NULL,
    distance_km        DOUBLE,               -- great circle between the two places
    positions          BIGINT NOT NULL       -- positions received between departure and arrival
);

CREATE TABLE dark_periods (
    dark_id               BIGINT PRIMARY KEY,
    mmsi                  VARCHAR NOT NULL,
    vessel_name           VARCHAR,
    actor                 VARCHAR,
    start_time            TIMESTAMPTZ NOT NULL,  -- last position before the silence
    end_time              TIMESTAMPTZ,           -- first position after it; NULL if still silent
    duration_s            DOUBLE NOT NULL,       -- to end_time, or to the end of the data when ongoing
    ongoing               BOOLEAN NOT NULL,
    start_lat             DOUBLE NOT NULL,
    start_lon             DOUBLE NOT NULL,
    end_lat               DOUBLE,
    end_lon               DOUBLE,
    jump_km               DOUBLE,
    implied_speed_ms      DOUBLE,                -- jump_km over the silence, m/s
    start_sog_ms          DOUBLE,
    prior_messages        INTEGER NOT NULL,      -- positions in the regularity window
    prior_median_interval_s DOUBLE NOT NULL,
    near_site             VARCHAR,               -- watched site nearest to either end
    near_site_km          DOUBLE,
    start_site            VARCHAR,
    start_site_km         DOUBLE,
    end_site              VARCHAR,
    end_site_km           DOUBLE,
    start_source_id       INTEGER NOT NULL,
    start_row_no          BIGINT NOT NULL,
    end_source_id         INTEGER,
    end_row_no            BIGINT
);

CREATE TABLE maritime_state (
    built_at     TIMESTAMPTZ NOT NULL,
    fingerprint  VARCHAR NOT NULL,   -- positions, sources and sites the tables were computed from
    rules        JSON NOT NULL
);
