"""Derived products brought up to date incrementally while watching equal a batch analyse.

A real AIS recording is replayed over a real TCP socket on 127.0.0.1 in micro-batches; after each batch
the maritime product is updated for the vessels touched (ensure(..., incremental=True)). The resulting
port calls, voyages and dark periods are compared row for row with (1) a whole rebuild of the same
workspace and (2) one file ingest + analyse of the same file (there without the columns that name
sources and row numbers, which differ by construction: one file against many batches).

(2) needs a recording whose every line carries its reception time (aisdb's tag blocks): in the AMSA
log the lines before its first clock sentence have no time, so live they are stamped at arrival (as
issue 14 asks) while a file ingest dates them from the file; that log is compared with (1) only.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from basewatch.ingest.pipeline import ingest_file
from basewatch.live.spec import FeedSpec, WatchParams
from basewatch.live.watcher import Watcher
from basewatch.maritime import DarkRules, MaritimeRules
from basewatch.products import ensure
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.live.conftest import send_in_pieces, serve

# AMSA: 2 h off Newcastle (NSW), many receivers; dark rules scaled to it (a 2 min silence after reception
# at most 30 s apart), so it has dark periods at all; coverage slack 2 h: one covered span.
# aisdb: one minute of tag-blocked lines (99 port calls; too short for any dark period).
CASES = [
    ("ais/amsa_risky_ais.txt", MaritimeRules(dark=DarkRules(threshold_s=120.0, max_median_interval_s=30.0,
                                                            coverage_slack_s=7200.0)), False, 100, 1),
    ("ais/aisdb_test_data_20211101.nm4", MaritimeRules(), True, 90, 0),
]
PROVENANCE = ("source_ids", "first_source_id", "first_row_no", "last_source_id", "last_row_no",
              "start_source_id", "start_row_no", "end_source_id", "end_row_no")
ORDER = {"port_calls": "call_id", "voyages": "voyage_id", "dark_periods": "dark_id"}


def _tables(ws: Workspace, drop: tuple[str, ...] = ()) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table, key in ORDER.items():
        cols = [str(r[0]) for r in ws.con.execute(f"DESCRIBE {table}").fetchall() if r[0] not in drop]
        out[table] = ws.con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {key}").fetchall()
    return out


@pytest.mark.parametrize(("recording", "rules", "against_file", "min_calls", "min_dark"), CASES)
def test_incremental_maritime_while_watching_equals_batch_analyse(
    tmp_path: Path, recording: str, rules: MaritimeRules, against_file: bool, min_calls: int, min_dark: int
) -> None:
    log = shared_file(recording)
    data = log.read_bytes()
    lines = data.count(b"\n")
    path = tmp_path / "live.duckdb"
    with Workspace(path) as ws:
        ensure(ws, "maritime", rules)  # the watch keeps these rules
    reports: list[str] = []
    unit = max(100, lines // 12)
    params = WatchParams(batch_seconds=0.2, batch_units=unit, merge_units=unit, publish_every_s=0.0,
                         snapshot=False)

    async def handler(n: int, writer: asyncio.StreamWriter) -> None:
        await send_in_pieces(writer, data, piece=len(data) // 40 + 1)
        await asyncio.Event().wait()

    async def scenario() -> Watcher:
        async with serve(handler) as server:
            watcher = Watcher(path, [FeedSpec("ais", "ais", "tcp", "127.0.0.1", server.port)], params,
                              report=reports.append, products=("maritime",))
            stop = asyncio.Event()
            run = asyncio.ensure_future(watcher.run(stop))
            await watcher.wait_until(lambda: watcher.stats["ais"].units >= lines, timeout=300)
            stop.set()
            await run
        return watcher

    watcher = asyncio.run(scenario())
    assert watcher.stats["ais"].batches >= 5
    incremental_updates = [r for r in reports if r.startswith("maritime: brought up to date (for what changed)")]
    assert len(incremental_updates) >= 2, reports

    with Workspace(path) as ws:
        live = _tables(ws)
        assert ensure(ws, "maritime", force=True).rebuilt  # the whole product from scratch
        whole = _tables(ws)
        live_no_prov = _tables(ws, PROVENANCE)
    assert len(whole["port_calls"]) >= min_calls and len(whole["dark_periods"]) >= min_dark
    _same(live, whole)
    if against_file:
        with Workspace(tmp_path / "file.duckdb") as ws:
            ingest_file(ws, log)
            ensure(ws, "maritime", rules)
            _same(live_no_prov, _tables(ws, PROVENANCE))


def _same(got: dict[str, list[tuple[object, ...]]], want: dict[str, list[tuple[object, ...]]]) -> None:
    for table in ORDER:
        extra = [r for r in got[table] if r not in want[table]][:3]
        missing = [r for r in want[table] if r not in got[table]][:3]
        assert got[table] == want[table], f"{table}: extra {extra}, missing {missing}"
