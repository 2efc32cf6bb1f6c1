-- Which sources' points are summarised as atoms in `aircraft_atoms` (basewatch.flights.summary), and
-- under which splitting parameters. `aircraft_atoms` itself is created on first use, with the columns
-- basewatch.flights.atoms.source_atoms produces: one row per atom (a group of points of one aircraft,
-- source, time cell and phase, or one point), so `basewatch analyse` need not re-read every point.
CREATE TABLE atom_sources (
    source_id    INTEGER PRIMARY KEY,
    fingerprint  VARCHAR NOT NULL,   -- sha256 of the parameters the atoms depend on
    atoms        BIGINT NOT NULL,
    built_at     TIMESTAMPTZ NOT NULL
);
