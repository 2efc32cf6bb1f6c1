"""Receiver outages explain vessel silences: a dead or silent feed creates no false dark periods.

A hand-built workspace (positions, the batches' live_batches rows and receiver_outages written directly)
and a real watch over two TCP feeds on 127.0.0.1 where one feed goes silent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import duckdb
from pyais import encode_dict

from basewatch.live.spec import FeedSpec, WatchParams
from basewatch.live.watcher import Watcher
from basewatch.maritime import DarkRules, MaritimeRules, build
from basewatch.products import ensure
from basewatch.workspace.core import Workspace
from tests.live.conftest import serve
from tests.maritime.conftest import T0, add_track, radial


def _regular(start_min: float, n: int, km: float) -> list[tuple[float, float, float | None]]:
    return [(start_min + i * 10.0, km, 12.0) for i in range(n)]


def _batch(ws: Workspace, source_id: int, feed_id: str) -> None:
    ws.con.execute(
        "INSERT INTO live_batches VALUES (?, ?, 1, 1, 1, 1, NULL, ?, ?, ?)",
        [source_id, feed_id, T0, T0, T0],
    )


def _outage(ws: Workspace, feed_id: str, start_min: float, end_min: float | None) -> None:
    end = None if end_min is None else T0 + dt.timedelta(minutes=end_min)
    ws.con.execute("INSERT INTO receiver_outages VALUES (?, 'tcp://127.0.0.1:1', 'ais', ?, ?, 'silent')",
                   [feed_id, T0 + dt.timedelta(minutes=start_min), end])


def _dark_mmsis(ws: Workspace) -> list[tuple[str, float]]:
    return [(str(m), float(d)) for m, d in
            ws.con.execute("SELECT mmsi, duration_s FROM dark_periods ORDER BY mmsi").fetchall()]


def test_a_gap_within_an_outage_of_its_receiver_is_not_dark(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        # A (feed a, batch 1): regular to minute 110, silent 8 h, back at 590. Feed a was out 100-500.
        add_track(ws, "273000001", radial([*_regular(0, 12, 50), (590, 250, 12)]), source_id=1)
        # B (feed b, batch 2): the same silence at the same time, but its own receiver was up: dark.
        add_track(ws, "273000002", radial([*_regular(0, 12, 60), (590, 260, 12)]), source_id=2)
        # C (feed b, batch 2): heard every 10 min from 0 to 600 (coverage, and feed b was up meanwhile).
        add_track(ws, "273000003", radial(_regular(0, 61, 400)), source_id=2)
        # D (feed a, batch 3): silent from minute 990 to 1500, after feed a's outage had ended: dark.
        add_track(ws, "273000004", radial([*_regular(900, 10, 70), (1500, 270, 12)]), source_id=3)
        # E (feed c, batch 4): last heard at 1090, feed c out since 1095 and still out: not dark either.
        add_track(ws, "273000005", radial(_regular(1000, 10, 80)), source_id=4)
        # F (feed d, batch 5): heard every 10 min from 1000 to 1500 (coverage of E's silence).
        add_track(ws, "273000006", radial(_regular(1000, 51, 410)), source_id=5)
        for source_id, feed in ((1, "a"), (2, "b"), (3, "a"), (4, "c"), (5, "d")):
            _batch(ws, source_id, feed)
        _outage(ws, "a", 100, 500)
        _outage(ws, "c", 1095, None)

        build(ws)
        # B: 110 -> 590 (8 h); D: 990 -> 1500 (8.5 h). Neither A nor E.
        assert _dark_mmsis(ws) == [("273000002", 8 * 3600.0), ("273000004", 8.5 * 3600.0)]

        # The control: without the recorded outages all four silences are dark periods
        # (E ongoing: from 1090 to the end of coverage at 1500, 410 min).
        ws.con.execute("DELETE FROM receiver_outages")
        build(ws)
        assert _dark_mmsis(ws) == [("273000001", 8 * 3600.0), ("273000002", 8 * 3600.0),
                                   ("273000004", 8.5 * 3600.0), ("273000005", 410 * 60.0)]


def test_an_outage_recorded_later_rebuilds_the_maritime_product(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        add_track(ws, "273000001", radial([*_regular(0, 12, 50), (590, 250, 12)]), source_id=1)
        _batch(ws, 1, "a")
        ensure(ws, "maritime")
        assert [m for m, _ in _dark_mmsis(ws)] == ["273000001"]
        _outage(ws, "a", 100, 500)  # the outage only: no new position
        assert ensure(ws, "maritime").rebuilt
        assert _dark_mmsis(ws) == []


# -- a real watch ------------------------------------------------------------------------------------

STEP_S = 0.1
RULES = MaritimeRules(dark=DarkRules(threshold_s=1.5, max_median_interval_s=1.0, coverage_slack_s=60.0))
X, Y, Z = 211000001, 211000002, 211000003  # X on feed a; Y and Z on feed b


def _sentence(mmsi: int, i: int) -> bytes:
    # open Atlantic, 10 kn east: no port, a new position each message
    fields = {"type": 1, "mmsi": mmsi, "lat": 30.0 + (mmsi % 10) * 0.1, "lon": -40.0 + i * 0.0005,
              "speed": 10.0, "course": 90.0, "status": 0}
    return "".join(s + "\n" for s in encode_dict(fields, talker_id="AI")).encode()


async def _play(writer: asyncio.StreamWriter, schedule: list[list[int]], done: asyncio.Event) -> None:
    """Each tick (STEP_S apart) sends one position of each vessel in it; an empty tick sends nothing."""
    start = time.monotonic()
    for tick, vessels in enumerate(schedule):
        writer.write(b"".join(_sentence(m, tick) for m in vessels))
        await writer.drain()
        await asyncio.sleep(max(0.0, start + (tick + 1) * STEP_S - time.monotonic()))
    done.set()
    await asyncio.Event().wait()


def test_a_feed_going_silent_is_an_outage_not_a_dark_period(tmp_path: Path) -> None:
    # ticks 0-11 all heard; 12-41 (3 s) feed a sends nothing and Z is silent on feed b; 42-53 all heard again.
    heard, quiet = range(12), range(12, 42)
    ticks = range(54)
    sched_a = [[] if t in quiet else [X] for t in ticks]
    sched_b = [[Y] if t in quiet else [Y, Z] for t in ticks]
    units = sum(len(v) for v in sched_a) + sum(len(v) for v in sched_b)
    assert len(heard) == 12
    path = tmp_path / "live.duckdb"
    with Workspace(path) as ws:
        ensure(ws, "maritime", RULES)  # the watch keeps the rules of the last build
    params = WatchParams(batch_seconds=0.2, batch_units=500, backoff_initial_s=0.05, backoff_max_s=0.1,
                         silent_after_s=0.6, publish_every_s=0.0, snapshot=False)

    async def scenario() -> Watcher:
        done_a, done_b = asyncio.Event(), asyncio.Event()
        async with serve(lambda n, w: _play(w, sched_a, done_a)) as a, \
                serve(lambda n, w: _play(w, sched_b, done_b)) as b:
            watcher = Watcher(path, [FeedSpec("a", "ais", "tcp", "127.0.0.1", a.port),
                                     FeedSpec("b", "ais", "tcp", "127.0.0.1", b.port)],
                              params, products=("maritime",))
            stop = asyncio.Event()
            run = asyncio.ensure_future(watcher.run(stop))
            await asyncio.wait_for(asyncio.gather(done_a.wait(), done_b.wait()), timeout=60)
            await watcher.wait_until(lambda: sum(watcher.units_by_connection.values()) >= units, timeout=60)
            stop.set()
            await run
        return watcher

    watcher = asyncio.run(scenario())
    assert watcher.stats["a"].outages >= 1
    con = duckdb.connect(str(path), read_only=True)
    try:
        outages = con.execute("SELECT feed_id, ended_at IS NOT NULL FROM receiver_outages "
                              "WHERE feed_id = 'a' ORDER BY started_at").fetchall()
        ended_b = con.execute("SELECT count(*) FROM receiver_outages WHERE feed_id = 'b' AND ended_at IS NOT NULL"
                              ).fetchone()
        dark = con.execute("SELECT mmsi, duration_s FROM dark_periods").fetchall()
        stored = con.execute("SELECT count(*) FROM ais_positions").fetchone()
    finally:
        con.close()
    assert stored == (units,)
    # the silence in the middle, ended when X came back (and, after the last tick, maybe one still open);
    # feed b was never out while it was sending (at most an outage opened after its last tick)
    assert ended_b == (0,)
    assert outages[0] == ("a", True)
    assert outages[1:] in ([], [("a", False)])
    # X and Z were both silent for 3 s (> 1.5 s); only Z's receiver was up meanwhile.
    assert [m for m, _ in dark] == [str(Z)]
    assert 2.5 < dark[0][1] < 4.5
