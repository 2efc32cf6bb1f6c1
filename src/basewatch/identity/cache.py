"""The bulk aircraft identity kept in the workspace, rebuilt only when its inputs change.

`create_identity_table` matches every aircraft against the watchlist's actor rules with bound
parameters (regular expressions, id lists). Binding any parameter makes DuckDB's Python client import
pandas (about 0.3 s), which would dominate `basewatch analyse` on a small workspace. So the result is
stored in `aircraft_identity_cache` together with a fingerprint of its inputs - the callsigns seen
(`aircraft_callsigns`), the `aircraft` table, the actors of the watchlist and the number of points -
computed by a query with no parameters. Ingest refreshes it in the file's transaction; anything else
that changes an input (a watchlist load, an aircraft-database import) leaves it stale, and the next
`identity_table` call rebuilds it.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

IDENTITY_FORMAT = 1  # bump when create_identity_table's result changes for the same inputs
TABLE = "aircraft_identity_cache"
STATE = "aircraft_identity_state"
_BUILD = "_bw_identity_build"
_HEX = re.compile(r"^[0-9a-f]{64}$")

_INPUTS_SQL = """
SELECT
    (SELECT count(*) FROM aircraft_points),
    (SELECT count(*) FROM aircraft_callsigns),
    (SELECT coalesce(sum(hash(icao24, callsign, points)), 0) FROM aircraft_callsigns),
    (SELECT count(*) FROM aircraft),
    (SELECT coalesce(sum(hash(icao24, registration, typecode, type_desc, operator, military, origin)), 0)
     FROM aircraft),
    (SELECT coalesce(string_agg(md5(actor_id || '|' || name || '|' || CAST(rules AS VARCHAR)), ','
                                ORDER BY actor_id), '') FROM actors)
"""


def fingerprint(ws: Workspace) -> str:
    """sha256 of the identity's inputs (no bound parameters, so no pandas import)."""
    row = ws.con.execute(_INPUTS_SQL).fetchone()
    text = f"{IDENTITY_FORMAT}|{duckdb.__version__}|{row!r}"
    return hashlib.sha256(text.encode()).hexdigest()


def _stored(ws: Workspace) -> str | None:
    row = ws.con.execute(f"SELECT max(fingerprint) FROM {STATE}").fetchone()
    return str(row[0]) if row and row[0] is not None else None


def _cache_exists(ws: Workspace) -> bool:
    row = ws.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE NOT temporary AND table_name = 'aircraft_identity_cache'"
    ).fetchone()
    return bool(row and row[0])


def identity_table(ws: Workspace) -> str:
    """The name of a table holding the current bulk identity (the columns of IDENTITY_COLUMNS).

    Rebuilds `aircraft_identity_cache` when stale. On a read-only workspace it computes a temporary
    table instead (and says so by its name: drop it when done if it is not TABLE).
    """
    from basewatch.identity.actors import create_identity_table

    fp = fingerprint(ws)
    if _stored(ws) == fp and _cache_exists(ws):
        return TABLE
    create_identity_table(ws, _BUILD)
    if ws.read_only:
        return _BUILD
    assert _HEX.match(fp)
    try:
        # state first: a run stopped half-way leaves no fingerprint, so the next call rebuilds
        ws.con.execute(f"DELETE FROM {STATE}")
        ws.con.execute(f"DELETE FROM {TABLE}")  # the table is created by migration 0006
        ws.con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM {_BUILD}")
        ws.con.execute(f"INSERT INTO {STATE} VALUES ('{fp}', now())")
    finally:
        ws.con.execute(f"DROP TABLE IF EXISTS temp.{_BUILD}")
    return TABLE

