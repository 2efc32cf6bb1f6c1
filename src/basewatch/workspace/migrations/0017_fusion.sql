-- Fusion (issue 11): claims checked against the sensors, source track records, assessments per place.
-- All three tables are products (basewatch.fusion.products): rebuilt as a whole when their inputs change.

CREATE TABLE claim_status (
    report_id     INTEGER NOT NULL,
    claim_no      INTEGER NOT NULL,
    status        VARCHAR NOT NULL,        -- corroborated | contradicted | unverified | not-checkable
    credibility   INTEGER NOT NULL,        -- Admiralty information credibility 1-6, from fusion
    reliability   VARCHAR NOT NULL,        -- Admiralty source reliability A-F, graded with the current table
    story         VARCHAR NOT NULL,        -- claims of one story (re-reports) share this id
    window_start  DATE,
    window_end    DATE,
    widened       VARCHAR NOT NULL,        -- how the window was set from the claim's dates
    places        VARCHAR[] NOT NULL,      -- the watched sites it was checked at
    observed      BIGINT,
    expected      DOUBLE,
    p_value       DOUBLE,
    covered_days  INTEGER,
    evidence      JSON NOT NULL,           -- [{"kind", "id"}, ...]: flights, port calls, alerts, observations
    why           VARCHAR NOT NULL,
    PRIMARY KEY (report_id, claim_no)
);

CREATE TABLE source_track (
    source         VARCHAR PRIMARY KEY,    -- canonical name (grading table entry, else the words as written)
    reliability    VARCHAR NOT NULL,
    claims         INTEGER NOT NULL,
    stories        INTEGER NOT NULL,
    corroborated   INTEGER NOT NULL,       -- stories, each counted once
    contradicted   INTEGER NOT NULL,
    unverified     INTEGER NOT NULL,
    not_checkable  INTEGER NOT NULL,
    factor         DOUBLE NOT NULL         -- weight multiplier from the track record (0.5-1)
);

CREATE TABLE assessments (
    assessment_id  VARCHAR PRIMARY KEY,    -- place|actor|as_of
    place          VARCHAR NOT NULL,       -- site id, else airport ICAO code or port name
    actor          VARCHAR,                -- NULL: all traffic
    as_of          DATE NOT NULL,
    window_start   DATE NOT NULL,
    window_end     DATE NOT NULL,
    hypothesis     VARCHAR NOT NULL,       -- the leading one: drawdown | build-up | rotation | no-change
    likelihood     DOUBLE NOT NULL,        -- its probability, 0-1
    words          VARCHAR NOT NULL,       -- ICD 203 phrase
    band_low       INTEGER NOT NULL,       -- ICD 203 band, percent
    band_high      INTEGER NOT NULL,
    confidence     VARCHAR NOT NULL,       -- low | moderate | high (quality and quantity of evidence)
    confidence_why VARCHAR NOT NULL,
    probabilities  JSON NOT NULL,          -- {hypothesis: probability}
    prior          JSON NOT NULL,
    evidence       JSON NOT NULL,          -- items: id, kind, group, text, lr, weight, reliability, refs, used
    sensitivity    JSON NOT NULL,
    indicators     JSON NOT NULL,
    notes          JSON NOT NULL
);
