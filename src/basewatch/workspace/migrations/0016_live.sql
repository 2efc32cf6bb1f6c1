-- Watch mode (basewatch.live): feeds, their connections, micro-batches with provenance, receiver outages.
-- Each micro-batch is one `sources` row (input_format 'live-<format>') written in the same transaction
-- as its records; a record's row_no is its sequence number within its connection (for a followed
-- file: its line number in the file), so (feed, connection, sequence) is known for every record.
CREATE SEQUENCE IF NOT EXISTS live_connection_seq START 1;

CREATE TABLE live_connections (
    connection_id  INTEGER PRIMARY KEY DEFAULT nextval('live_connection_seq'),
    feed_id        VARCHAR NOT NULL,
    endpoint       VARCHAR NOT NULL,     -- tcp://host:port, udp://:port, file:///path
    opened_at      TIMESTAMPTZ NOT NULL,
    closed_at      TIMESTAMPTZ,
    close_reason   VARCHAR
);

CREATE TABLE live_batches (
    source_id      INTEGER PRIMARY KEY,  -- the batch's sources row
    feed_id        VARCHAR NOT NULL,
    connection_id  INTEGER NOT NULL,
    first_seq      BIGINT NOT NULL,      -- sequence numbers (row_no) of the batch's first and last unit
    last_seq       BIGINT NOT NULL,
    units          BIGINT NOT NULL,      -- lines or frames in the batch
    end_offset     BIGINT,               -- followed files: byte offset after the batch (resume point)
    first_arrival  TIMESTAMPTZ NOT NULL,
    last_arrival   TIMESTAMPTZ NOT NULL,
    committed_at   TIMESTAMPTZ NOT NULL
);

-- A feed that is down or silent: while it lasts, missing records mean no reception, not absence.
CREATE TABLE receiver_outages (
    feed_id     VARCHAR NOT NULL,
    endpoint    VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,        -- ais | adsb
    started_at  TIMESTAMPTZ NOT NULL,    -- last data received before it (or the watch start)
    ended_at    TIMESTAMPTZ,             -- first data after it; NULL while it lasts
    reason      VARCHAR NOT NULL
);

-- Counters per feed, replaced at each batch (what `basewatch watch` reports).
CREATE TABLE live_feed_stats (
    feed_id      VARCHAR PRIMARY KEY,
    endpoint     VARCHAR NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    stats        JSON NOT NULL
);
