"""Property: the SQL port-call detector agrees with a plain sequential state machine on random tracks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basewatch.maritime import build
from basewatch.watchlist.model import Site, Watchlist
from basewatch.watchlist.store import store_watchlist
from basewatch.workspace.core import Workspace
from tests.maritime.conftest import PORT_LAT, PORT_LON, T0, add_track, radial

ENTER, EXIT, SLOW, FAST, GAP_MIN = 3.0, 4.0, 0.2, 0.5, 240.0

Step = tuple[float, float, float | None]  # minutes since the previous report, km from the port, knots


def reference_calls(steps: list[Step]) -> list[tuple[float, float | None, int, int, int]]:
    """(arrival min, departure min or None, stops, port gaps, positions), written as two state machines."""
    times, t = [], 0.0
    for dt_min, _, _ in steps:
        t += dt_min
        times.append(t)
    calls = []  # (island start, first inside, last index, still in port)
    island, inside, start = None, False, 0
    for i, (_, km, _) in enumerate(steps):
        if km > EXIT:
            if inside:
                calls.append((island, start, i - 1, False))
            island, inside = None, False
            continue
        if island is None:
            island = i
        if not inside and km <= ENTER:
            inside, start = True, i
    if inside:
        calls.append((island, start, len(steps) - 1, True))
    out = []
    for isl, a, b, still_in in calls:
        stopped, stops, gaps = False, 0, 0
        for i in range(isl, b + 1):
            kn = steps[i][2]
            was = stopped
            if kn is not None and kn < SLOW:
                stopped = True
            elif kn is not None and kn > FAST:
                stopped = False
            if i >= a and stopped and (not was or i == a):
                stops += 1
            if i > a and times[i] - times[i - 1] >= GAP_MIN:
                gaps += 1
        if stops or gaps:
            out.append((times[a], None if still_in else times[b], stops, gaps, b - a + 1))
    return out


@pytest.fixture(scope="module")
def prop_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace(tmp_path_factory.mktemp("prop") / "ws.duckdb")
    store_watchlist(ws, Watchlist(sites=(Site(id="testport", name="Test port", kind="port", lat=PORT_LAT,
                                              lon=PORT_LON, radius_km=ENTER),)), "<test>", "")
    yield ws
    ws.close()


steps_strategy = st.lists(
    st.tuples(
        st.sampled_from([1.0, 10.0, 30.0, 300.0]),
        st.sampled_from([0.5, 2.9, 2.99, 3.01, 3.5, 3.99, 4.01, 9.0]),  # no ties with the radii
        st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.5, 0.6, 8.0])),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps_strategy)
def test_sql_port_calls_match_the_state_machine(prop_ws: Workspace, steps: list[Step]) -> None:
    prop_ws.con.execute("DELETE FROM ais_positions")
    t, pts = 0.0, []
    for dt_min, km, kn in steps:
        t += dt_min
        pts.append((t, km, kn))
    add_track(prop_ws, "273000001", radial(pts))
    build(prop_ws)
    got = prop_ws.con.execute(
        "SELECT arrival, departure, stops, port_gaps, positions FROM port_calls ORDER BY arrival"
    ).fetchall()

    def minutes(x: dt.datetime | None) -> float | None:
        return None if x is None else (x - T0).total_seconds() / 60.0

    assert [(minutes(a), minutes(d), s, g, n) for a, d, s, g, n in got] == reference_calls(steps)
