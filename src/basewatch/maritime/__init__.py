"""Maritime analytics over ais_positions: port calls, voyages and dark periods.

`build(ws)` recomputes the tables port_calls, voyages and dark_periods in one transaction;
`ensure_built(ws)` does so only when the positions, sites or rules changed since the last build (through
the product registry: the product `maritime`, `basewatch.maritime.products`). Importing this package
loads DuckDB but neither PyArrow nor pandas (`basewatch analyse` checks whether the product is fresh).
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

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

_T = TypeVar("_T")
_TEMP_TABLES = ("_pos", "_places", "_place_cells", "_calls", "_voyages", "_dark", "_labels")


@dataclass(frozen=True)
class MaritimeRules:
    port_calls: PortCallRules = field(default_factory=PortCallRules)
    dark: DarkRules = field(default_factory=DarkRules)
    voyages: VoyageRules = field(default_factory=VoyageRules)
    engine: str = "duckdb"  # where calls, voyages, dark periods are computed: duckdb or spark (engine_run)
    master: str | None = None  # Spark master URL (None: local[*], or SPARK_REMOTE)

    def as_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MaritimeRules:
        """Rules as stored by an earlier build; fields this version no longer has are ignored."""
        return _from_json(cls, data)


def _from_json(cls: type[_T], data: dict[str, Any]) -> _T:
    """A (nested) frozen dataclass from its asdict() form, keeping only the fields `cls` has."""
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        value, kind = data[f.name], hints.get(f.name)
        if isinstance(value, dict) and isinstance(kind, type) and dataclasses.is_dataclass(kind):
            value = _from_json(kind, value)
        kwargs[f.name] = value
    return cls(**kwargs)


@dataclass(frozen=True)
class BuildReport:
    positions: int
    port_calls: int
    voyages: int
    dark_periods: int
    rebuilt: bool = True


def fingerprint(ws: Workspace) -> str:
    """What the maritime tables depend on: the positions (count, sources), ais_static, and the context
    (`context_fingerprint`)."""
    row = ws.con.execute(
        """
        SELECT (SELECT count(*) FROM ais_positions) || '|' ||
               (SELECT coalesce(string_agg(CAST(source_id AS VARCHAR), ',' ORDER BY source_id), '')
                  FROM (SELECT DISTINCT source_id FROM ais_positions)) || '|' ||
               (SELECT count(*) FROM ais_static)
        """
    ).fetchone()
    return (str(row[0]) if row else "") + "|" + context_fingerprint(ws)


def context_fingerprint(ws: Workspace) -> str:
    """What every vessel's result depends on besides its own positions: sites, actors and the AIS
    receivers' recorded outages (a change rebuilds everything; new positions alone allow an incremental
    build, `basewatch.maritime.incremental`)."""
    row = ws.con.execute(
        """
        SELECT (SELECT coalesce(md5(string_agg(concat_ws(';', site_id, kind, lat, lon, radius_km, polygon),
                                               ',' ORDER BY site_id)), '') FROM sites) || '|' ||
               (SELECT coalesce(md5(string_agg(CAST(rules AS VARCHAR), ',' ORDER BY actor_id)), '')
                  FROM actors) || '|' ||
               (SELECT coalesce(md5(string_agg(concat_ws(';', feed_id, started_at, ended_at), ','
                                               ORDER BY feed_id, started_at)), '')
                  FROM receiver_outages WHERE kind = 'ais')
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
        if rules.engine == "duckdb":
            n_calls = compute_port_calls(con, rules.port_calls)
            n_voy = compute_voyages(con, rules.voyages)
            n_dark = compute_dark_periods(con, rules.dark)
        else:
            n_calls, n_voy, n_dark = _elsewhere(ws, rules)
        for table, tmp in (("port_calls", "_calls"), ("voyages", "_voyages"), ("dark_periods", "_dark")):
            _replace(con, table, tmp)
        con.execute("DELETE FROM maritime_state")
        con.execute(
            "INSERT INTO maritime_state VALUES (now(), ?, ?)",
            [fingerprint(ws), json.dumps(rules.as_json(), sort_keys=True)],
        )
        for tmp in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS {tmp}")
    return BuildReport(n_pos, n_calls, n_voy, n_dark)


def _elsewhere(ws: Workspace, rules: MaritimeRules) -> tuple[int, int, int]:
    """Temp tables _calls, _voyages and _dark computed on rules.engine (Spark): the same rows as the
    DuckDB build (`basewatch.maritime.engine_run`)."""
    from basewatch.maritime.engine_run import load_result, maritime_on

    result = maritime_on(ws, rules)
    return (load_result(ws.con, result["calls"], "_calls"), load_result(ws.con, result["voyages"], "_voyages"),
            load_result(ws.con, result["dark"], "_dark"))


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
    """Build unless the tables already reflect the current data, watchlist and `rules` (default rules when
    None); `on_build` is called just before a build (e.g. to tell the user)."""
    from basewatch.products import ensure

    summary = ensure(ws, "maritime", rules or MaritimeRules(),
                     on_build=None if on_build is None else lambda _product: on_build())
    rows = summary.rows
    positions = int(summary.details.get("positions", -1)) if summary.rebuilt else -1
    return BuildReport(positions, rows.get("port_calls", 0), rows.get("voyages", 0), rows.get("dark_periods", 0),
                       rebuilt=summary.rebuilt)
