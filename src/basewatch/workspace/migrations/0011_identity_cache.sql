-- The bulk aircraft identity (basewatch.identity.cache) is kept in `aircraft_identity_cache`, created on
-- first use with the columns of basewatch.identity.actors.IDENTITY_COLUMNS, and rebuilt only when what it
-- is computed from (callsigns seen, the aircraft table, the watchlist's actors) changes.
CREATE TABLE aircraft_identity_state (
    fingerprint  VARCHAR NOT NULL,   -- sha256 over counts and hashes of its inputs
    built_at     TIMESTAMPTZ NOT NULL
);
