"""Identity at scale: aircraft_identity over a synthetic workspace (10k aircraft, 20 M points), the
vectorised address-block lookup and the nearest-airport lookup on 1 M points.

Baseline for aircraft_identity: one plain DuckDB pass over the points (distinct icao24, callsign), the
least work an identity that reads the points must do. Since migration 0008 identity reads the
(icao24, callsign) summary that ingest keeps instead; the same statement over a scan of the points
(the way before 0008) is measured too. Each case is a fresh process (imports included); the in-process
time of each form, in a warm process, is printed after the table.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from harness import CACHE, measure, report  # benchmarks/run.py puts benchmarks/ on sys.path

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

N_AIRCRAFT = 10_000
N_POINTS = 20_000_000
N_LOOKUPS = 1_000_000


def _build(path: Path) -> None:
    from basewatch.workspace.core import Workspace

    with Workspace(path) as ws:
        con = ws.con
        con.execute(
            "INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates) "
            "VALUES ('synthetic', 'synthetic', 'bench', now(), 0, 0, 0)"
        )
        # addresses spread over the Russian, Syrian, US and German blocks; a few callsigns each
        con.execute(
            f"""
            INSERT INTO aircraft_points (icao24, time, lat, lon, callsign, source_id, row_no)
            SELECT printf('%06x', [1048576, 7831552, 10485760, 3932160][1 + (a % 4)] + a),
                   TIMESTAMPTZ '2024-12-01 00:00:00+00' + to_seconds(i),
                   35.0 + (i % 1000) / 1000.0, 36.0,
                   CASE WHEN i % 7 = 0 THEN NULL
                        WHEN a % 50 = 0 THEN 'RFF' || (a % 900 + (i % 3))
                        ELSE 'ABC' || (a % 9000 + (i % 4)) END,
                   1, i + 1
            FROM (SELECT i, (i * 7919) % {N_AIRCRAFT} AS a FROM range({N_POINTS}) t(i))
            """
        )
        for origin, types in (("tar1090-db", "['A124','IL76','B738','A320']"), ("opensky-db", "['IL76','B738']")):
            con.execute(
                f"""
                INSERT INTO aircraft (icao24, registration, typecode, operator, military, origin)
                SELECT printf('%06x', [1048576, 7831552, 10485760, 3932160][1 + (a % 4)] + a),
                       'REG-' || a, {types}[1 + (a % len({types}))], 'op ' || (a % 40), a % 5 = 0, ?
                FROM range({N_AIRCRAFT}) t(a)
                """,
                [origin],
            )
        # points written by SQL, not by ingest: bring the callsign summary up to date as ingest would
        from basewatch.identity.callsigns import rebuild_callsigns

        rebuild_callsigns(con)


def _prepare(path: Path) -> None:
    """Build the workspace once; bring an older cached one to the current schema (0008 backfill)."""
    from basewatch.identity.callsigns import refresh_callsigns
    from basewatch.workspace.core import Workspace

    if not path.exists():
        _build(path)
    with Workspace(path) as ws:
        refresh_callsigns(ws)


_SCAN_FORM = (
    "from basewatch.identity import actors as a; from basewatch.identity.callsigns import SCAN_PAIRS_SQL;"
    "from basewatch.watchlist.store import read_actors; p = [];"
    "ws.con.execute(a._identity_sql('bw_identity', SCAN_PAIRS_SQL, read_actors(ws), p), p);"
)
_FORMS = {
    "aircraft_identity (Arrow)": "from basewatch.identity.actors import aircraft_identity; aircraft_identity(ws);",
    "create_identity_table (SQL)": (
        "from basewatch.identity.actors import create_identity_table; create_identity_table(ws, 'bw_identity');"
    ),
    "same SQL over a points scan (pre-0008)": _SCAN_FORM,
}


def _scan_form(ws: Workspace) -> None:
    from basewatch.identity import actors
    from basewatch.identity.callsigns import SCAN_PAIRS_SQL
    from basewatch.watchlist.store import read_actors

    params: list[object] = []
    ws.con.execute(actors._identity_sql("bw_identity", SCAN_PAIRS_SQL, read_actors(ws), params), params)


def _in_process(ws_path: Path) -> None:
    """Seconds per call of each form in a warm process (imports and first-call costs excluded)."""
    from basewatch.identity.actors import aircraft_identity, create_identity_table
    from basewatch.workspace.core import Workspace

    forms: dict[str, Callable[[Workspace], object]] = {
        "aircraft_identity (Arrow)": aircraft_identity,
        "create_identity_table (SQL)": lambda ws: create_identity_table(ws, "bw_identity"),
        "same SQL over a points scan (pre-0008)": _scan_form,
    }
    with Workspace(ws_path) as ws:
        for name, form in forms.items():
            form(ws)
            start = time.perf_counter()
            for _ in range(5):
                form(ws)
            print(f"in process, warm: {name:<40} {(time.perf_counter() - start) / 5:.3f} s per call")


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    ws_path = CACHE / "identity_20M.duckdb"
    _prepare(ws_path)
    py = sys.executable
    opening = f"from basewatch.workspace.core import Workspace; ws = Workspace({str(ws_path)!r});"
    check = f"assert ws.con.execute('SELECT count(*) FROM bw_identity').fetchone() == ({N_AIRCRAFT},)"
    base = (
        "import duckdb; con = duckdb.connect(" + repr(str(ws_path)) + ", read_only=True);"
        "con.execute('SELECT count(*) FROM (SELECT DISTINCT icao24, callsign FROM aircraft_points)').fetchall()"
    )
    cases = [measure("distinct (icao24, callsign) scan", [py, "-c", base], N_POINTS)]
    for name, code in _FORMS.items():
        tail = "" if name.startswith("aircraft_identity") else check
        cases.append(measure(name, [py, "-c", opening + code + tail], N_POINTS))
    report(
        "aircraft_identity, 10k aircraft / 20 M points (items = points; fresh process each)",
        cases,
        baseline="distinct (icao24, callsign) scan",
    )
    _in_process(ws_path)
    addresses = (
        "import duckdb; a = duckdb.sql("
        f"\"SELECT printf('%06x', (i * 2654435761) % 16777216) AS h FROM range({N_LOOKUPS}) t(i)\""
        ").fetch_arrow_table().column('h');"
    )
    blocks = addresses + "from basewatch.identity.icao_blocks import countries_of; countries_of(a)"
    blocks_py = (
        addresses + "from basewatch.identity.icao_blocks import country_of; [country_of(x) for x in a.to_pylist()]"
    )
    report(
        f"ICAO address -> State, {N_LOOKUPS:,} addresses",
        [
            measure("country_of (per address, bisect)", [py, "-c", blocks_py], N_LOOKUPS),
            measure("countries_of (vectorised)", [py, "-c", blocks], N_LOOKUPS),
        ],
        baseline="country_of (per address, bisect)",
    )
    near = (
        "import numpy as np; from basewatch.identity.airports import nearest_airports;"
        f"r = np.random.default_rng(1); n = {N_LOOKUPS};"
        "nearest_airports(r.uniform(25, 60, n), r.uniform(-10, 50, n), 30000)"
    )
    report(
        f"nearest airport within 30 km, {N_LOOKUPS:,} points (Europe / Middle East box)",
        [measure("nearest_airports (3-D grid)", [py, "-c", near], N_LOOKUPS)],
        baseline="nearest_airports (3-D grid)",
    )


if __name__ == "__main__":
    main()
