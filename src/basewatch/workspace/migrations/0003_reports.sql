-- Reports (articles, statements, feed items) and the claims extracted from them.
CREATE SEQUENCE IF NOT EXISTS report_id_seq START 1;

CREATE TABLE reports (
    report_id    INTEGER PRIMARY KEY DEFAULT nextval('report_id_seq'),
    sha256       VARCHAR NOT NULL UNIQUE,  -- of the UTF-8 text; the same report is stored once
    path         VARCHAR NOT NULL,
    item_no      INTEGER NOT NULL,         -- 1-based item in a feed; 1 for a single document
    format       VARCHAR NOT NULL,         -- text | html | rss | atom
    title        VARCHAR,
    publisher    VARCHAR,
    url          VARCHAR,
    report_date  DATE,
    body_start   INTEGER NOT NULL,         -- offset where the body begins after a metadata header
    text         VARCHAR NOT NULL,         -- claim offsets index into this text (Python str indices)
    added_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE claims (
    report_id    INTEGER NOT NULL,
    claim_no     INTEGER NOT NULL,         -- 1-based, in order of the text
    text         VARCHAR NOT NULL,
    start_char   INTEGER NOT NULL,
    end_char     INTEGER NOT NULL,
    event        VARCHAR NOT NULL,         -- withdrawal | deployment | transport | basing | strike | other
    actors       VARCHAR[] NOT NULL,
    places       JSON NOT NULL,            -- [{name, site_id, country, kind}, ...] as written
    site_ids     VARCHAR[] NOT NULL,
    countries    VARCHAR[] NOT NULL,
    source       VARCHAR NOT NULL,
    source_kind  VARCHAR NOT NULL,         -- official | intelligence | imagery | tracking | media | expert | anonymous | reporter
    certainty    VARCHAR NOT NULL,         -- asserted | hedged | denied
    date_start   DATE,
    date_end     DATE,
    date_text    VARCHAR,
    reliability  VARCHAR NOT NULL,         -- Admiralty source reliability A-F (F: cannot be judged)
    credibility  INTEGER NOT NULL,         -- Admiralty information credibility 1-6 (6 until fusion judges it)
    extractor    VARCHAR NOT NULL,
    PRIMARY KEY (report_id, claim_no)
);
