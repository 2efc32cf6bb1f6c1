"""Maritime analytics over ais_positions: port calls, voyages and dark periods.

`build(ws)` recomputes the tables port_calls, voyages and dark_periods in one transaction;
`ensure_built(ws)` does so only when the positions, sites or rules changed since the last build.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from basewatch.maritime.dark import DarkRules, compute_dark_periods
from basewatch.maritime.labels import create_labels
from basewatch.maritime.portcalls import PortCallRules, compute_port_calls
from basewatch.maritime.ports import PortZones, create_places
from basewatch.maritime.sequence import create_position_sequence
from basewatch.maritime.voyages import VoyageRules, compute_voyages
from basewatch.watchlist.store import read_sites

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

__all__ = ["BuildReport", "DarkRules", "MaritimeRules", "PortCallRules", "PortZones", "VoyageRules", "build",
           "ensure_built"]

_TEMP_TABLES = ("_pos", "_places", "_place_cells", "_calls", "_voyages", "_dark", "_labels")


@dataclass(frozen=True)
class MaritimeRules:
    port_calls: PortCallRules = field(default_factory=PortCallRules)
    dark: DarkRules = field(default_factory=DarkRules)
    voyages: VoyageRules = field(default_factory=VoyageRules)

    def as_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)


@dataclass(frozen=True)
class BuildReport:
    positions: int
    port_calls: int
    voyages: int
    dark_periods: int
    rebuilt: bool = True


def fingerprint(ws: Workspace) -> str:
    """What the maritime tables depend on: the positions (count, sources), sites and actors."""
    row = ws.con.execute(
        """
        SELECT (SELECT count(*) FROM ais_positions) || '|' ||
               (SELECT coalesce(string_agg(CAST(source_id AS VARCHAR), ',' ORDER BY source_id), '')
                  FROM (SELECT DISTINCT source_id FROM ais_positions)) || '|' ||
               (SELECT count(*) FROM ais_static) || '|' ||
               (SELECT coalesce(md5(string_agg(concat_ws(';', site_id, kind, lat, lon, radius_km, polygon),
                                               ',' ORDER BY site_id)), '') FROM sites) || '|' ||
               (SELECT coalesce(md5(string_agg(CAST(rules AS VARCHAR), ',' ORDER BY actor_id)), '') FROM actors)
        """
    ).fetchone()
    return str(row[0]) if row else ""


# The build's temporary tables and cached position blocks stay in memory up to DuckDB's limit (80 % of
# RAM by default); capped, they spill to disk and peak RSS stays flat as the workspace grows.
MEMORY_LIMIT = "1GB"


def build(ws: Workspace, rules: MaritimeRules | None = None) -> BuildReport:
    """(Re)compute port_calls, voyages and dark_periods from ais_positions and the watchlist."""
    rules = rules or MaritimeRules()
    sites = read_sites(ws)
    create_labels(ws)
    with ws.memory_capped(MEMORY_LIMIT), ws.transaction() as con:
        n_pos = create_position_sequence(con)
        create_places(con, sites, rules.port_calls.zones)
        n_calls = compute_port_calls(con, rules.port_calls)
        n_voy = compute_voyages(con, rules.voyages)
        n_dark = compute_dark_periods(con, rules.dark)
        for table, tmp in (("port_calls", "_calls"), ("voyages", "_voyages"), ("dark_periods", "_dark")):
            _replace(con, table, tmp)
        con.execute("DELETE FROM maritime_state")
        con.execute(
            "INSERT INTO maritime_state VALUES (now(), ?, ?)", [fingerprint(ws), rules.as_json()]
        )
        for tmp in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {tmp}")
    return BuildReport(n_pos, n_calls, n_voy, n_dark)


def _replace(con: object, table: str, tmp: str) -> None:
    """Replace a maritime table's rows with those of temp table `tmp` (matching columns, labels joined)."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    sel = ", ".join(f"l.{c}" if c in ("vessel_name", "actor") else f"t.{c}" for c in cols)
    con.execute(f"DELETE FROM {table}")
    con.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {sel} FROM {tmp} t LEFT JOIN _labels l USING (mmsi)"
    )


def ensure_built(
    ws: Workspace, rules: MaritimeRules | None = None, on_build: Callable[[], None] | None = None
) -> BuildReport:
    """Build unless the tables already reflect the current data, watchlist and rules (on_build is called
    just before a build, e.g. to tell the user)."""
    rules = rules or MaritimeRules()
    row = ws.con.execute("SELECT fingerprint, CAST(rules AS VARCHAR) FROM maritime_state").fetchone()
    if row is not None and row[0] == fingerprint(ws) and json.loads(row[1]) == json.loads(rules.as_json()):
        counts = ws.con.execute(
            "SELECT (SELECT count(*) FROM port_calls), (SELECT count(*) FROM voyages), "
            "(SELECT count(*) FROM dark_periods)"
        ).fetchone()
        assert counts is not None
        return BuildReport(-1, int(counts[0]), int(counts[1]), int(counts[2]), rebuilt=False)
    if on_build is not None:
        on_build()
    return build(ws, rules)
