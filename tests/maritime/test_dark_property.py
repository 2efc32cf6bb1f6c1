"""Property: the SQL dark-period detector agrees with a direct reading of its definition on random tracks."""

from __future__ import annotations

import statistics
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basewatch.maritime import build
from basewatch.workspace.core import Workspace
from tests.maritime.conftest import T0, add_track, radial

THRESHOLD_MIN, WINDOW, MIN_INTERVALS, MAX_MEDIAN_MIN = 360.0, 10, 5, 30.0


def reference(times: list[float], data_end: float) -> list[tuple[float, float | None]]:
    """(start, end or None) of each dark period, in minutes, straight from the definition."""
    out: list[tuple[float, float | None]] = []
    for i, t in enumerate(times):
        nxt = times[i + 1] if i + 1 < len(times) else None
        silence = (nxt if nxt is not None else data_end) - t
        prior = [times[j] - times[j - 1] for j in range(max(1, i - WINDOW + 1), i + 1)]
        if silence >= THRESHOLD_MIN and len(prior) >= MIN_INTERVALS and statistics.median(prior) <= MAX_MEDIAN_MIN:
            out.append((t, nxt))
    return out


@pytest.fixture(scope="module")
def dark_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace(tmp_path_factory.mktemp("darkprop") / "ws.duckdb")
    yield ws
    ws.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(st.sampled_from([1.0, 5.0, 10.0, 29.0, 31.0, 60.0, 359.0, 360.0, 600.0]), min_size=1,
                   max_size=40),
    tail=st.sampled_from([0.0, 200.0, 400.0]),
)
def test_sql_dark_periods_match_the_definition(dark_ws: Workspace, steps: list[float], tail: float) -> None:
    dark_ws.con.execute("DELETE FROM ais_positions")
    times, t = [0.0], 0.0
    for s in steps:
        t += s
        times.append(t)
    # The vessel at sea 500 km from anything watched; a second vessel heard every 10 min keeps the receiver
    # demonstrably up and marks the end of the recording.
    add_track(dark_ws, "273000001", radial([(m, 500.0, 10.0) for m in times]))
    end = times[-1] + tail
    add_track(dark_ws, "273000002", radial([(10.0 * k, 900.0, 10.0) for k in range(int(end // 10) + 1)] +
                                           ([(end, 900.0, 10.0)] if end % 10 else [])))
    build(dark_ws)
    got = dark_ws.con.execute(
        "SELECT epoch(start_time) - epoch(?), epoch(end_time) - epoch(?) FROM dark_periods "
        "WHERE mmsi = '273000001' ORDER BY start_time",
        [T0, T0],
    ).fetchall()
    minutes = [(s / 60.0, None if e is None else e / 60.0) for s, e in got]
    assert minutes == reference(times, times[-1] + tail)
