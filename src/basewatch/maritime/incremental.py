"""The maritime product brought up to date for the vessels touched since its last build.

A build records a watermark (`Watermark`: the highest source_id and the number of positions it read, and
the context fingerprint: sites, actors, receiver outages). When only positions were added since (sources
above the watermark; the rows at or below it unchanged, the context unchanged), port calls, voyages and
dark periods are recomputed for the touched vessels only:

* every vessel with a new position;
* where new sources changed the coverage (maritime.dark): when a covered span only grew at its end,
  the vessels whose last position lies in it and is now `threshold_s` or more before its end (their
  silence may have become, or is, an ongoing dark period); when spans merged or one began earlier,
  every vessel heard within the new span (its gaps and regularity windows are judged anew).

The coverage and the receivers' own outages still come from all positions. Untouched vessels' rows are
kept; the ids (call_id, voyage_id, dark_id) are renumbered as a whole build numbers them, and names and
actors joined anew, so the tables equal those of a whole build (the live tests compare both). Anything
else (a context change, positions removed) returns None: the caller builds the whole product.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from basewatch.maritime import MEMORY_LIMIT, BuildReport, MaritimeRules, context_fingerprint
from basewatch.maritime.dark import compute_dark_periods
from basewatch.maritime.labels import create_labels
from basewatch.maritime.portcalls import compute_port_calls
from basewatch.maritime.ports import create_places
from basewatch.maritime.sequence import VALID, create_position_sequence
from basewatch.maritime.voyages import compute_voyages
from basewatch.watchlist.store import read_sites

if TYPE_CHECKING:
    import duckdb

    from basewatch.workspace.core import Workspace

_TEMPS = ("_pos", "_places", "_place_cells", "_calls", "_voyages", "_dark", "_labels", "_touched",
          "_pc_all", "_vo_all", "_dk_all")
# table -> (temp table of the touched vessels' rows, its id column, the order a whole build numbers ids in)
_ORDER = {"port_calls": "mmsi, arrival, site_id, port", "dark_periods": "mmsi, start_time"}


@dataclass(frozen=True)
class Watermark:
    """What a maritime build had read (stored in its product_state details)."""

    max_source_id: int
    positions: int
    context: str

    def as_details(self) -> dict[str, int | str]:
        return {"max_source_id": self.max_source_id, "raw_positions": self.positions, "context": self.context}

    @classmethod
    def from_details(cls, details: Mapping[str, object]) -> Watermark | None:
        try:
            return cls(int(str(details["max_source_id"])), int(str(details["raw_positions"])),
                       str(details["context"]))
        except (KeyError, ValueError):
            return None


def watermark(ws: Workspace) -> Watermark:
    row = ws.con.execute("SELECT count(*), coalesce(max(source_id), 0) FROM ais_positions").fetchone()
    assert row is not None
    return Watermark(int(row[1]), int(row[0]), context_fingerprint(ws))


def _groups(spans: str, slack_s: float) -> str:
    """SQL: the covered spans (gs, ge) from a relation of per-source spans (source_id, s, e), as dark.py
    merges them."""
    return f"""
        SELECT min(s) AS gs, max(e) AS ge FROM (
            SELECT *, sum(CASE WHEN prev_e IS NULL OR epoch(s) > epoch(prev_e) + {float(slack_s)!r}
                               THEN 1 ELSE 0 END) OVER (ORDER BY s, source_id) AS g
            FROM (SELECT *, max(e) OVER (ORDER BY s, source_id
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_e
                  FROM {spans})
        ) GROUP BY g"""


def _touched(con: duckdb.DuckDBPyConnection, since: int, rules: MaritimeRules) -> int:
    """Create temp table _touched (mmsi) of the vessels whose rows may differ (see the module docstring)."""
    slack, thr = rules.dark.coverage_slack_s, float(rules.dark.threshold_s)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _touched AS
        WITH spans AS (SELECT source_id, min(time) AS s, max(time) AS e FROM _pos_all GROUP BY source_id),
        old_spans AS (SELECT * FROM spans WHERE source_id <= {int(since)}),
        new_g AS ({_groups("spans", slack)}),
        old_g AS ({_groups("old_spans", slack)}),
        changed AS (
            SELECT n.gs, n.ge,
                   (SELECT count(*) FROM old_g o WHERE o.gs >= n.gs AND o.ge <= n.ge) AS olds,
                   (SELECT max(o.ge) FROM old_g o WHERE o.gs = n.gs) AS old_end
            FROM new_g n WHERE NOT EXISTS (SELECT 1 FROM old_g o WHERE o.gs = n.gs AND o.ge = n.ge)
        ),
        last AS (SELECT mmsi, max(time) AS t FROM _pos_all GROUP BY mmsi)
        SELECT DISTINCT mmsi FROM ais_positions WHERE source_id > {int(since)}
        UNION
        SELECT p.mmsi FROM _pos_all p JOIN changed c ON p.time BETWEEN c.gs AND c.ge
        WHERE c.old_end IS NULL OR c.olds <> 1
        UNION
        SELECT l.mmsi FROM last l JOIN changed c ON l.t BETWEEN c.gs AND c.ge
        WHERE c.old_end IS NOT NULL AND c.olds = 1 AND epoch(c.ge) - epoch(l.t) >= {thr!r}
          AND (epoch(c.old_end) - epoch(l.t) < {thr!r}
               OR l.mmsi IN (SELECT mmsi FROM dark_periods WHERE ongoing))
        """
    )
    row = con.execute("SELECT count(*) FROM _touched").fetchone()
    return int(row[0]) if row else 0


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [str(r[0]) for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _kept_plus_new(con: duckdb.DuckDBPyConnection, table: str, tmp: str, all_: str) -> None:
    """Temp table `all_`: the untouched vessels' rows of `table` and the touched ones' from `tmp`, with
    is_new and old_id (the row's id in its own numbering)."""
    cols = _columns(con, table)
    key, rest = cols[0], [c for c in cols[1:] if c not in ("vessel_name", "actor")]
    body = ", ".join(rest)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {all_} AS "
        f"SELECT false AS is_new, {key} AS old_id, {body} FROM {table} WHERE mmsi NOT IN (SELECT mmsi FROM _touched) "
        f"UNION ALL SELECT true, {key}, {body} FROM {tmp}"
    )


def _write(con: duckdb.DuckDBPyConnection, table: str, select: str) -> int:
    """Replace `table` with `select` (its own columns but names and actors; labels joined)."""
    cols = _columns(con, table)
    sel = ", ".join(f"l.{c}" if c in ("vessel_name", "actor") else f"t.{c}" for c in cols)
    con.execute(f"DELETE FROM {table}")
    con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {sel} FROM ({select}) t "
                "LEFT JOIN _labels l USING (mmsi)")
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _merge(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    _kept_plus_new(con, "port_calls", "_calls", "_pc_all")
    con.execute("CREATE OR REPLACE TEMP TABLE _pc_all AS SELECT *, row_number() OVER "
                f"(ORDER BY {_ORDER['port_calls']}) AS call_id FROM _pc_all")
    calls = _write(con, "port_calls", "SELECT * FROM _pc_all")
    _kept_plus_new(con, "voyages", "_voyages", "_vo_all")
    voyages = _write(con, "voyages", """
        SELECT row_number() OVER (ORDER BY v.mmsi, v.departure, o.call_id) AS voyage_id,
               v.* EXCLUDE (origin_call_id, destination_call_id),
               o.call_id AS origin_call_id, d.call_id AS destination_call_id
        FROM _vo_all v
        JOIN _pc_all o ON o.is_new = v.is_new AND o.old_id = v.origin_call_id
        JOIN _pc_all d ON d.is_new = v.is_new AND d.old_id = v.destination_call_id""")
    _kept_plus_new(con, "dark_periods", "_dark", "_dk_all")
    dark = _write(con, "dark_periods", "SELECT row_number() OVER "
                  f"(ORDER BY {_ORDER['dark_periods']}) AS dark_id, * FROM _dk_all")
    return calls, voyages, dark


def build_incremental(ws: Workspace, rules: MaritimeRules, since: Watermark) -> BuildReport | None:
    """Bring port_calls, voyages and dark_periods up to date for the vessels touched since `since`, in one
    transaction; None when that cannot give a whole build's result (then build the whole product)."""
    import json

    from basewatch.maritime import fingerprint

    now = watermark(ws)
    if now.context != since.context or now.max_source_id < since.max_source_id:
        return None
    row = ws.con.execute(f"SELECT count(*) FROM ais_positions WHERE source_id <= {int(since.max_source_id)}"
                         ).fetchone()
    if row is None or int(row[0]) != since.positions:
        return None
    sites = read_sites(ws)
    create_labels(ws)
    with ws.memory_capped(MEMORY_LIMIT), ws.transaction() as con:
        con.execute(f"CREATE OR REPLACE TEMP VIEW _pos_all AS SELECT mmsi, time, source_id FROM ais_positions "
                    f"WHERE {VALID}")
        _touched(con, since.max_source_id, rules)
        n_pos = create_position_sequence(con, only="_touched")
        create_places(con, sites, rules.port_calls.zones)
        compute_port_calls(con, rules.port_calls)
        compute_voyages(con, rules.voyages)
        compute_dark_periods(con, rules.dark, universe="_pos_all")
        calls, voyages, dark = _merge(con)
        con.execute("DELETE FROM maritime_state")
        con.execute("INSERT INTO maritime_state VALUES (now(), ?, ?)",
                    [fingerprint(ws), json.dumps(rules.as_json(), sort_keys=True)])
        for tmp in _TEMPS:
            con.execute(f"DROP TABLE IF EXISTS {tmp}")
        con.execute("DROP VIEW IF EXISTS _pos_all")
    return BuildReport(n_pos, calls, voyages, dark)
