"""Many random tracks in one build: the flight count is 1 + the number of silences longer than the gap.

The expected count is computed from the generated silences alone, whatever the time cells of the
pipeline (silences are drawn around the 15-minute threshold and at random offsets from cell edges).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from basewatch.flights.store import build_flights
from basewatch.workspace.core import Workspace
from tests.flights.builders import T0, Track, insert, points_table

GAP_S = 15 * 60


def random_track(rng: random.Random, icao24: str) -> tuple[Track, int]:
    t = Track(icao24, "RND1")
    start = T0 + dt.timedelta(seconds=rng.uniform(0, 3600))
    lat = rng.uniform(44.0, 47.0)
    splits = 0
    for leg in range(rng.randint(1, 6)):
        step = rng.choice((1.0, 5.0, 10.0, 15.0))
        seconds = step * rng.randint(10, 120)
        a, b = (lat, 0.5 + leg * 0.4), (lat, 0.8 + leg * 0.4)
        if leg == 0:
            t.leg(start, seconds, step, a, b, (11000.0, 11000.0), track=90.0)
            continue
        silence = rng.choice((rng.uniform(60, 3000), rng.uniform(GAP_S - 60, GAP_S + 60), GAP_S, GAP_S + 1))
        silence = round(silence, 3)
        splits += silence > GAP_S
        t.then(silence, seconds, step, a, b, (11000.0, 11000.0), track=90.0)
    return t, 1 + splits


def test_flight_count_matches_the_silences(tmp_path: Path) -> None:
    rng = random.Random(20241214)
    tracks, expected = [], {}
    for i in range(60):
        t, n = random_track(rng, f"ee{i:04x}")
        tracks.append(t)
        expected[t.icao24] = n
    ws = Workspace(tmp_path / "ws.duckdb")
    try:
        insert(ws, points_table(tracks))
        build_flights(ws)
        got = dict(ws.con.execute("SELECT icao24, count(*) FROM flights GROUP BY 1").fetchall())
        points = dict(ws.con.execute("SELECT icao24, sum(points) FROM flights GROUP BY 1").fetchall())
    finally:
        ws.close()
    assert got == expected
    assert points == {t.icao24: len(t.rows) for t in tracks}
