-- Imagery observations (STAC Items with the label extension) and before/after comparisons (basewatch.imagery).
CREATE TABLE imagery_observations (
    observation_id VARCHAR PRIMARY KEY,    -- 'obs-' + 16 hex of sha256(image sha256, site, time)
    site_id        VARCHAR NOT NULL,
    acquired_at    TIMESTAMPTZ NOT NULL,
    provider       VARCHAR,
    resolution_m   DOUBLE,                 -- ground sample distance
    licence        VARCHAR,
    image_path     VARCHAR,                -- where the picture is (absolute), not copied unless asked
    image_sha256   VARCHAR,
    analyst        VARCHAR,
    confidence     DOUBLE,                 -- 0..1, the analyst's
    counts         JSON,                   -- {class: int}
    item           JSON,                   -- the STAC Item (label extension), as written by `imagery list --format stac`
    added_at       TIMESTAMPTZ,
    source_url     VARCHAR,
    width          INTEGER,
    height         INTEGER,
    crs            VARCHAR,                -- e.g. 'EPSG:32618'; NULL for plain JPEG/PNG
    geotransform   JSON,                   -- [a, b, c, d, e, f] (rasterio order); NULL without georeference
    labels         JSON,                   -- GeoJSON FeatureCollection in pixel coordinates (properties.class)
    labels_path    VARCHAR                 -- the label file they were read from
);

CREATE TABLE imagery_changes (
    change_id      VARCHAR PRIMARY KEY,    -- 'chg-' + 16 hex of sha256(before_id, after_id, params)
    site_id        VARCHAR,
    before_id      VARCHAR,                -- imagery_observations.observation_id
    after_id       VARCHAR,
    before_at      TIMESTAMPTZ,
    after_at       TIMESTAMPTZ,
    counts_before  JSON,                   -- {class: int}: the before observation's counts
    counts_after   JSON,                   -- {class: estimate}: estimated; range and direction in result.count
    changed_fraction DOUBLE,               -- changed share of the overlap
    result         JSON,                   -- registration, regions, per-box calls, new objects, count
    added_at       TIMESTAMPTZ,
    params         JSON,                   -- CompareParams.as_json()
    regions_path   VARCHAR
);
