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
from basewatch.live.spec import WatchParams
from basewatch.maritime import DarkRules, MaritimeRules
from basewatch.products import ensure
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.live.conftest import watch_tcp
from tests.maritime.conftest import add_track, radial

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

    watcher = asyncio.run(watch_tcp(path, "ais", data, lines, params, piece=len(data) // 40 + 1, timeout=300,
                                    report=reports.append, products=("maritime",)))
    assert watcher.stats["feed1"].batches >= 5
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


# -- vessels with no new position whose result still changes (hand-built, times in minutes) -------------

def _dark(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.con.execute("SELECT dark_id, mmsi, start_time, end_time, duration_s, ongoing FROM dark_periods "
                          "ORDER BY dark_id").fetchall()


def _step(ws: Workspace, track: tuple[str, list[tuple[float, float, float | None]], int]) -> None:
    mmsi, points, source_id = track
    add_track(ws, mmsi, radial(points), source_id=source_id)
    summary = ensure(ws, "maritime", incremental=True)
    assert summary.details.get("incremental") == 1


def _regular(start_min: float, n: int, km: float) -> list[tuple[float, float, float | None]]:
    return [(start_min + i * 10.0, km, 12.0) for i in range(n)]


def test_coverage_growing_at_its_end_makes_an_untouched_vessel_dark(tmp_path: Path) -> None:
    with Workspace(tmp_path / "inc.duckdb") as inc, Workspace(tmp_path / "whole.duckdb") as whole:
        tracks = [("273000001", _regular(0, 10, 50), 1),     # V: heard 0-90, then nothing
                  ("273000002", _regular(0, 10, 60), 2),     # W: 0-90 (coverage ends at 90: V not dark)
                  ("273000002", _regular(100, 50, 60), 3)]   # W again 100-590: V silent 500 min, ongoing
        ensure(inc, "maritime")
        for track in tracks:
            _step(inc, track)
            add_track(whole, track[0], radial(track[1]), source_id=track[2])
        ensure(whole, "maritime")
        # V: ongoing from minute 90 to the end of coverage at 590 (500 min), though V sent nothing new
        assert [(r[1], r[4], r[5]) for r in _dark(inc)] == [("273000001", 500 * 60.0, True)]
        assert _dark(inc) == _dark(whole)


def test_coverage_bridged_by_a_new_recording_makes_an_untouched_gap_dark(tmp_path: Path) -> None:
    with Workspace(tmp_path / "inc.duckdb") as inc, Workspace(tmp_path / "whole.duckdb") as whole:
        tracks = [("273000001", _regular(0, 11, 50), 1),    # U: 0-100 (recording 1)
                  ("273000001", _regular(800, 2, 52), 2),   # U: 800-810 (recording 2, 700 min later)
                  ("273000002", _regular(90, 73, 60), 3)]   # W: 90-810, one recording bridging both
        ensure(inc, "maritime")
        for track in tracks[:2]:
            _step(inc, track)
            add_track(whole, track[0], radial(track[1]), source_id=track[2])
        assert _dark(inc) == []  # U's silence spans two recordings: no dark period (yet)
        _step(inc, tracks[2])
        add_track(whole, tracks[2][0], radial(tracks[2][1]), source_id=tracks[2][2])
        ensure(whole, "maritime")
        # now one covered span 0-810: U silent from 100 to 800 although U sent nothing new
        assert [(r[1], r[4], r[5]) for r in _dark(inc)] == [("273000001", 700 * 60.0, False)]
        assert _dark(inc) == _dark(whole)


def test_a_changed_watchlist_or_rules_rebuild_the_whole_product(tmp_path: Path) -> None:
    from basewatch.watchlist.model import Site, Watchlist
    from basewatch.watchlist.store import store_watchlist

    with Workspace(tmp_path / "ws.duckdb") as ws:
        ensure(ws, "maritime")
        _step(ws, ("273000001", [*_regular(0, 12, 50), (590, 250, 12.0)], 1))
        assert [r[1] for r in _dark(ws)] == ["273000001"]
        site = Site(id="testport", name="Test port", kind="port", country="XX", lat=0.0, lon=-30.0, radius_km=3.0)
        store_watchlist(ws, Watchlist(sites=(site,)), "<test>", "")
        summary = ensure(ws, "maritime", incremental=True)
        assert summary.rebuilt and "incremental" not in summary.details  # the context changed: whole
        assert ws.con.execute("SELECT start_site FROM dark_periods").fetchall() == [("testport",)]
        rules = MaritimeRules(dark=DarkRules(threshold_s=9 * 3600.0))
        summary = ensure(ws, "maritime", rules, incremental=True)
        assert summary.rebuilt and "incremental" not in summary.details  # other rules: whole
        assert _dark(ws) == []  # an 8 h silence is under the 9 h threshold
