"""One new day from the stored state (`basewatch.alerts.incremental`) gives the alerts a whole backfill gives.

A small workspace of flights over 100 days (2024-01-01 .. 2024-04-09), every count fixed by hand:

* alpha -> beta, all traffic: 5 departures a day, 40 on the last day (a surge on the new day);
* eta -> theta, 4 a day to day 95, then 9 a day (a sustained shift whose change point, day 96, lies
  before the new day: the stored CUSUM sums must carry it);
* delta -> gamma by actor "ru", 3 a day; on the last day also one epsilon -> gamma by "ru" (a corridor
  new since the data begins).

The workspace is first built on days 0-98, then the last day's flights are added and the alerts
updated; a fresh backfill of the same data must give the same alerts.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from basewatch.alerts.build import build_alerts, compute_alerts
from basewatch.demo.run import DemoResult
from basewatch.workspace.core import Workspace

DAY0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
DAYS = 100
LAST = (DAY0 + dt.timedelta(days=DAYS - 1)).date()


def _flights(day_range: range) -> pa.Table:
    rows: list[tuple[str, str, str | None, dt.datetime]] = []
    for d in day_range:
        base = DAY0 + dt.timedelta(days=d)
        per_day = [("alpha", "beta", None, 40 if d == DAYS - 1 else 5), ("eta", "theta", None, 4 if d < 96 else 9),
                   ("delta", "gamma", "ru", 3)]
        if d == DAYS - 1:
            per_day.append(("epsilon", "gamma", "ru", 1))
        for origin, dest, actor, n in per_day:
            rows += [(origin, dest, actor, base + dt.timedelta(hours=6, minutes=10 * i)) for i in range(n)]
        rows.append(("zeta", "kappa", None, base + dt.timedelta(hours=19)))  # every day reaches 20:00
    ids = [f"f{d.strftime('%Y%m%d%H%M')}{o}{i}" for i, (o, _, _, d) in enumerate(rows)]
    return pa.table({"flight_id": ids, "origin": [r[0] for r in rows], "destination": [r[1] for r in rows],
                     "actor": pa.array([r[2] for r in rows], pa.string()),
                     "start": pa.array([r[3] for r in rows], pa.timestamp("us", tz="UTC"))})


def _insert(ws: Workspace, table: pa.Table) -> None:
    ws.con.register("_t_flights", table)
    ws.con.execute(
        "INSERT INTO flights (flight_id, icao24, start, \"end\", origin_site, destination_site, origin_method, "
        "destination_method, origin_note, destination_note, points, actor, source_ids) SELECT flight_id, "
        "'abcdef', start, start + INTERVAL 1 HOUR, origin, destination, 'ground', 'ground', '', '', 10, actor, [1] "
        "FROM _t_flights")
    ws.con.unregister("_t_flights")


def _by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["alert_id"]: r for r in rows}


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    path = tmp_path_factory.mktemp("incremental") / "ws.duckdb"
    with Workspace(path) as ws:
        _insert(ws, _flights(range(DAYS - 1)))
        first = build_alerts(ws, incremental=False)
        _insert(ws, _flights(range(DAYS - 1, DAYS)))
        second = build_alerts(ws)
    return path, list(first.notes), list(second.notes)


def test_the_new_day_is_computed_from_the_stored_state(updated: tuple[Path, list[str], list[str]]) -> None:
    _, first, second = updated
    assert first[0] == "computed: backfill"
    assert second[0] == "computed: update"


def test_update_equals_a_whole_backfill(updated: tuple[Path, list[str], list[str]]) -> None:
    path, _, _ = updated
    with Workspace(path, read_only=True) as ws:
        stored = _by_id(ws.con.execute("SELECT * FROM alerts").fetch_arrow_table().to_pylist())
        full = _by_id(compute_alerts(ws).to_pylist())
    assert set(stored) == set(full)
    on_last = [r for r in full.values() if r["day"] == LAST]
    assert {r["kind"] for r in on_last} >= {"surge", "shift", "new-corridor"}
    for key, want in full.items():
        got = stored[key]
        for column, value in want.items():
            if isinstance(value, float):  # sums carried from the state are added in another order
                assert math.isclose(got[column], value, rel_tol=1e-9), (key, column)
            elif column == "evidence":
                assert json.loads(got[column]) == json.loads(value)
            else:
                assert got[column] == value, (key, column)


def test_the_new_day_figures_by_hand(updated: tuple[Path, list[str], list[str]]) -> None:
    path, _, _ = updated
    with Workspace(path, read_only=True) as ws:
        rows = ws.con.execute("SELECT * FROM alerts WHERE day = $d", {"d": LAST}).fetch_arrow_table().to_pylist()
    # traffic of no watched actor is all of it at alpha and eta: reported once, in the "other" series
    surge = next(r for r in rows if r["kind"] == "surge" and r["series"] == "air departures alpha | other")
    # the same weekday's days of the window (days t-58 .. t-3): 8 days of 5 flights; Jeffreys level (S + 1/2)/n
    assert surge["observed"] == 40
    assert surge["expected"] == pytest.approx((8 * 5 + 0.5) / 8)
    shift = next(r for r in rows if r["kind"] == "shift" and r["series"] == "air departures eta | other")
    # change point day 96 (2024-04-06), carried from the stored state; 9 a day from then to day 99, each
    # day expecting (8 x 4 + 1/2) / 8 (its same-weekday window days all before day 96)
    assert shift["start_time"] == DAY0 + dt.timedelta(days=96)
    assert shift["observed"] == 4 * 9
    assert shift["expected"] == pytest.approx(4 * (8 * 4 + 0.5) / 8)
    corridor = next(r for r in rows if r["kind"] == "new-corridor")
    assert corridor["series"] == "air movements epsilon -> gamma | ru"


DEMO_TABLES = ("flights", "port_calls", "voyages", "aircraft_points", "ais_positions")


def test_the_demo_s_last_day_from_the_stored_state(alerts_demo: DemoResult, tmp_path: Path) -> None:
    """Flights and ships: the demo less its last day, built, then the last day back and updated."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(alerts_demo.workspace, path)
    cut = "TIMESTAMPTZ '2024-12-20 00:00:00+00'"
    with Workspace(path) as ws:
        ws.con.execute(f"ATTACH '{alerts_demo.workspace}' AS orig (READ_ONLY)")
        ws.con.execute(f"DELETE FROM flights WHERE least(start, \"end\") >= {cut}")
        ws.con.execute(f"DELETE FROM port_calls WHERE arrival >= {cut}")
        ws.con.execute(f"UPDATE port_calls SET departure = NULL WHERE departure >= {cut}")  # in port then
        ws.con.execute(f"DELETE FROM voyages WHERE departure >= {cut}")
        for table in ("aircraft_points", "ais_positions"):
            ws.con.execute(f"DELETE FROM {table} WHERE time >= {cut}")
        assert build_alerts(ws, incremental=False).notes[0] == "computed: backfill"
        for table in DEMO_TABLES:
            ws.con.execute(f"DELETE FROM {table}")
            ws.con.execute(f"INSERT INTO {table} SELECT * FROM orig.{table}")
        assert build_alerts(ws).notes[0] == "computed: update"
        stored = _by_id(ws.con.execute("SELECT * FROM alerts").fetch_arrow_table().to_pylist())
        full = _by_id(compute_alerts(ws).to_pylist())
    assert {r["mode"] for r in full.values()} == {"air", "sea"}
    assert set(stored) == set(full)
    last_day = dt.date(2024, 12, 20)
    # (the demo raises no count alert on its last day: the new-day alerts are the synthetic test's)
    # Earlier days are the stored backfill's, and equal a whole rerun's to the last figure: a series
    # first seen on the new day is in no earlier day's BH family (when it was, earlier q-values differed)
    assert any(r["day"] != last_day for r in full.values())
    for key, want in full.items():
        for column, value in want.items():
            if isinstance(value, float):
                assert math.isclose(stored[key][column], value, rel_tol=1e-9), (key, column)
            elif column != "evidence":
                assert stored[key][column] == value, (key, column)


def test_a_changed_history_is_redone_whole(tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        _insert(ws, _flights(range(60)))
        build_alerts(ws, incremental=False)
        ws.con.execute("UPDATE flights SET actor = 'ru' WHERE flight_id = (SELECT min(flight_id) FROM flights)")
        _insert(ws, _flights(range(60, 61)))
        assert build_alerts(ws).notes[0] == "computed: backfill"


def test_a_series_joins_the_day_s_family_from_its_first_count() -> None:
    """Series a: 5 a day for 80 days, 40 on day 70; series b: no count before day 79. On day 70 the family
    is a's two tests (surge, and drawdown: P(X = 0) ~ e^-5, half of it below the level), not b's as well:
    its all-zero days raise nothing, and counting them made earlier days' families grow when b appeared."""
    import numpy as np

    from basewatch.alerts.detect import detect
    from basewatch.alerts.frame import frame_from_counts
    from basewatch.alerts.params import AlertParams

    x = np.zeros((2, 80))
    x[0] = 5.0
    x[0, 70] = 40.0
    x[1, 79] = 5.0
    found = detect(frame_from_counts(x, ["a", "b"], 19000), AlertParams())
    surge = [i for i in range(found.size) if found.kind[i] == "surge" and int(found.day[i]) == 70]
    assert len(surge) == 1 and int(found.row[surge[0]]) == 0
    assert found.tests[surge[0]] == 2
