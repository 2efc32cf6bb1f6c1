"""Per-source atoms kept in the workspace, so analysis reads a summary instead of every point.

`basewatch.flights.atoms.source_atoms` depends only on one source's points and a few splitting
parameters, so it runs once per source: at ingest (`add_sources` inside the ingest transaction) or,
for sources that have none yet (a workspace from an older basewatch, points loaded by other means),
at the next analysis. `aircraft_atoms` holds the atoms; `atom_sources` records which sources they
cover and under which parameters (`fingerprint`). Analysis then merges the stored atoms across
sources (`atoms.merge_atoms`), which only re-reads the points of cells several sources disagree on.

The SQL is compiled from the Ibis expression once per process (Ibis is imported only then).
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.flights.columns import ATOMS_TABLE, POINTS_SCHEMA, POINTS_SQL
from basewatch.flights.params import FlightParams, SplitParams

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

ATOMS_FORMAT = 2  # bump when source_atoms' output changes (2: end points carry gs_ms and vrate_ms)
TABLE = ATOMS_TABLE
SOURCE_POINTS_VIEW = "bw_source_points"


def fingerprint(params: FlightParams) -> str:
    """What the atoms depend on: cell width, ground classification, end-window buckets, format."""
    sp = params.split
    key = {
        "format": ATOMS_FORMAT,
        "cell_us": int(sp.effective_cell_s * 1_000_000),
        "ground_max_speed_ms": sp.ground_max_speed_ms,
        "ground_max_alt_m": sp.ground_max_alt_m,
        "taxi_speed_ms": sp.taxi_speed_ms,
        "window_s": min(params.attribute.end_window_s, sp.effective_cell_s),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


DATA_FILE = "source_atoms_default.sql"


@functools.cache
def compile_source_atoms_sql(split: SplitParams, window_s: float) -> str:
    """Compile `atoms.source_atoms` over the view `bw_source_points` to DuckDB SQL (imports Ibis)."""
    import ibis

    from basewatch.flights.atoms import source_atoms

    points = ibis.table(POINTS_SCHEMA, name=SOURCE_POINTS_VIEW)
    return str(ibis.to_sql(source_atoms(points, split, window_s), dialect="duckdb"))


def shipped_sql_path() -> Path:
    return Path(str(resources.files("basewatch.flights") / "data" / DATA_FILE))


def shipped_text(params: FlightParams) -> str:
    """The shipped file's content for the default parameters: a fingerprint line, then the SQL."""
    sql = compile_source_atoms_sql(params.split, params.attribute.end_window_s)
    return f"-- fingerprint: {fingerprint(params)}\n{sql}\n"


@functools.cache
def _shipped() -> tuple[str, str] | None:
    try:
        text = shipped_sql_path().read_text(encoding="utf-8")
    except OSError:
        return None
    first, _, sql = text.partition("\n")
    return first.removeprefix("-- fingerprint: ").strip(), sql


def source_atoms_sql(params: FlightParams) -> str:
    """DuckDB SQL computing the atoms of the points in the view `bw_source_points`.

    The default parameters' SQL ships with the package (so ingest need not import Ibis); regenerate
    it with `python -m basewatch.flights.summary --write` after changing `atoms.source_atoms`.
    """
    shipped = _shipped()
    if shipped is not None and shipped[0] == fingerprint(params):
        return shipped[1]
    return compile_source_atoms_sql(params.split, params.attribute.end_window_s)


def _ids(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def missing_sources(ws: Workspace, params: FlightParams) -> list[int]:
    """Sources with points whose atoms are not stored under these parameters."""
    fp = fingerprint(params)
    rows = ws.con.execute(
        "SELECT s.source_id FROM sources s WHERE NOT EXISTS ("
        f"SELECT 1 FROM atom_sources a WHERE a.source_id = s.source_id AND a.fingerprint = '{fp}') "
        "AND EXISTS (SELECT 1 FROM aircraft_points p WHERE p.source_id = s.source_id) ORDER BY 1"
    ).fetchall()
    return [int(r[0]) for r in rows]


def add_sources(ws: Workspace, source_ids: list[int], params: FlightParams | None = None) -> int:
    """Compute and store the atoms of these sources (replacing any they had); returns atoms added.

    Runs inside the caller's transaction when there is one (ingest), so points and atoms land together.
    """
    params = params or FlightParams()
    if not source_ids:
        return 0
    con = ws.con
    fp = fingerprint(params)
    ids = _ids(source_ids)

    con.execute(f"CREATE OR REPLACE TEMP VIEW {SOURCE_POINTS_VIEW} AS "
                f"SELECT * FROM ({POINTS_SQL}) WHERE source_id IN ({ids})")
    try:
        sql = source_atoms_sql(params)
        con.execute(f"DELETE FROM {TABLE} WHERE source_id IN ({ids})")
        before = _count(ws)
        # the table is created by migration 0006 (its columns are those of this SQL, checked by a test).
        # Not sorted on the way in: every reader of the atoms orders them itself, and sorting a large
        # source's atoms inside the ingest transaction held them all in memory (10 M OpenSky points of the
        # benchmark's worst case: 3.1 GB peak with the sort; 6 M: 2.0 GB with it, 0.95 GB without)
        con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM ({sql})")
        added = _count(ws) - before
        con.execute(f"DELETE FROM atom_sources WHERE source_id IN ({ids})")
        con.execute(
            "INSERT INTO atom_sources SELECT s.source_id, "
            f"'{fp}', (SELECT count(*) FROM {TABLE} a WHERE a.source_id = s.source_id), now() "
            f"FROM sources s WHERE s.source_id IN ({ids})"
        )
    finally:
        con.execute(f"DROP VIEW IF EXISTS {SOURCE_POINTS_VIEW}")
    return added


def _count(ws: Workspace) -> int:
    row = ws.con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
    return int(row[0]) if row else 0


def ensure_atoms(ws: Workspace, params: FlightParams) -> bool:
    """Make the stored atoms cover every source, if these parameters are the stored ones' (the
    defaults). Returns True when `aircraft_atoms` can be used for an analysis with `params`."""
    if fingerprint(params) != fingerprint(FlightParams()):
        return False
    missing = missing_sources(ws, params)
    if missing:
        with ws.transaction():
            add_sources(ws, missing, params)
    return True


def main(argv: list[str] | None = None) -> int:
    """`python -m basewatch.flights.summary --write`: regenerate the shipped SQL of the defaults."""
    args = sys.argv[1:] if argv is None else argv
    text = shipped_text(FlightParams())
    if args == ["--write"]:
        shipped_sql_path().write_text(text, encoding="utf-8")
        print(f"wrote {shipped_sql_path()}")
        return 0
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
