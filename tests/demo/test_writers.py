"""The scenario's files parse with independent tools and have the real formats' columns and types."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from basewatch.demo.scenario import Scenario, ScenarioConfig, build_scenario
from basewatch.demo.writers import WrittenFile, write_scenario
from tests.conftest import shared_file

FT = 0.3048
KT = 1852.0 / 3600.0


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, list[WrittenFile]]:
    scenario = build_scenario(ScenarioConfig(start=dt.date(2024, 12, 17), days=2))
    folder = tmp_path_factory.mktemp("scenario")
    return scenario, write_scenario(scenario, folder)


def _files(written: tuple[Scenario, list[WrittenFile]], fmt: str) -> list[Path]:
    return [w.path for w in written[1] if w.fmt == fmt]


def test_every_point_is_written_once(written: tuple[Scenario, list[WrittenFile]]) -> None:
    scenario, files = written
    assert {w.fmt for w in files} == {"opensky", "readsb", "sbs"}
    points = sum(w.rows for w in files if w.fmt != "sbs")
    points += sum(1 for p in _files(written, "sbs") for line in p.read_text().splitlines()
                  if line.startswith(("MSG,2,", "MSG,3,")))
    assert points == scenario.points.size


@pytest.mark.parametrize(
    "real", ["EDW24_20240406", "EZY158T_20170205", "RYR_20220202"]
)
def test_opensky_parquet_has_the_real_export_schema(written: tuple[Scenario, list[WrittenFile]], real: str) -> None:
    real_schema = pq.read_schema(shared_file(f"adsb/opensky_trino_state_vectors_data4_{real}.parquet"))
    for path in _files(written, "opensky"):
        ours = pq.read_schema(path)
        assert b"SIMULATED" in ours.metadata[b"basewatch"]
        assert ours.names == real_schema.names
        assert [f.type for f in ours] == [f.type for f in real_schema]


def test_opensky_rows_are_plausible_state_vectors(written: tuple[Scenario, list[WrittenFile]]) -> None:
    table = pq.read_table(_files(written, "opensky")[0])
    rows = table.to_pylist()
    times = [r["time"] for r in rows]
    assert times == sorted(times)
    for r in rows[:2000]:
        assert r["time"].microsecond == 0 and r["time"].tzinfo is not None
        assert r["hour"] == r["time"].replace(minute=0, second=0)
        assert r["lastposupdate"] <= r["time"].timestamp() <= r["lastposupdate"] + 1.0
        assert len(r["icao24"]) == 6 and int(r["icao24"], 16) >= 0
        if r["onground"]:
            assert r["baroaltitude"] is None
        else:
            assert 0 < r["baroaltitude"] < 12_500 and r["geoaltitude"] is not None
        assert r["serials"]


def test_readsb_traces_parse_with_json(written: tuple[Scenario, list[WrittenFile]]) -> None:
    for path in _files(written, "readsb"):
        doc = json.loads(path.read_text())
        assert path.name == f"trace_full_{doc['icao']}.json"
        assert {"icao", "r", "t", "dbFlags", "desc", "timestamp", "trace"} <= set(doc)
        assert "SIMULATED" in doc["simulated"]
        assert doc["dbFlags"] & 1
        trace = doc["trace"]
        assert all(len(p) == 14 for p in trace)
        dts = [p[0] for p in trace]
        assert dts[0] == 0 and dts == sorted(dts)
        for p in trace:
            assert p[3] == "ground" or isinstance(p[3], int)
            assert p[9] == "adsb_icao"
            if p[3] == "ground":
                assert p[7] is None
        assert day_of(doc["timestamp"]) == path.parent.name


def day_of(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d")


def test_readsb_values_match_the_simulated_points(written: tuple[Scenario, list[WrittenFile]]) -> None:
    scenario, _ = written
    path = _files(written, "readsb")[0]
    doc = json.loads(path.read_text())
    pts = scenario.points
    mine = np.array([scenario.plans[f].airframe.icao24 == doc["icao"] for f in pts.flight])
    t = pts.time_s[mine]
    k = next(i for i, p in enumerate(doc["trace"]) if p[3] != "ground")
    p = doc["trace"][k]
    j = int(np.argmin(np.abs(t - (doc["timestamp"] + p[0]))))
    assert p[1] == pytest.approx(pts.lat[mine][j], abs=1e-6)
    assert p[3] == pytest.approx(pts.alt_baro_m[mine][j] / FT, abs=12.5)     # feet, to 25 ft
    assert p[4] == pytest.approx(pts.gs_ms[mine][j] / KT, abs=0.05)          # knots
    legs = sum(1 for p in doc["trace"] if p[6] & 2)
    assert legs >= 1


def test_sbs_parses_with_csv(written: tuple[Scenario, list[WrittenFile]]) -> None:
    kinds: set[str] = set()
    for path in _files(written, "sbs"):
        with path.open(newline="") as fh:
            rows = list(csv.reader(fh))
        assert all(len(r) == 22 and r[0] == "MSG" for r in rows)
        stamps = [dt.datetime.strptime(r[6] + " " + r[7] + "+0000", "%Y/%m/%d %H:%M:%S.%f%z") for r in rows]
        assert stamps == sorted(stamps)
        for r in rows:
            kinds.add(r[1])
            assert len(r[4]) == 6 and r[4] == r[4].upper()
            if r[1] == "3":
                assert -90 <= float(r[14]) <= 90 and r[11] != "" and r[21] == "0"
            if r[1] == "2":
                assert r[11] == "" and r[21] == "-1"
            if r[1] == "1":
                assert r[10].strip()
    assert kinds == {"1", "2", "3", "4", "6"}


def test_files_are_byte_identical_for_the_same_seed(
    written: tuple[Scenario, list[WrittenFile]], tmp_path: Path
) -> None:
    again = write_scenario(build_scenario(ScenarioConfig(start=dt.date(2024, 12, 17), days=2)), tmp_path)
    first = written[1]
    assert [w.path.name for w in again] == [w.path.name for w in first]
    for a, b in zip(first, again, strict=True):
        assert a.path.read_bytes() == b.path.read_bytes(), a.path.name


def test_aircraft_database_in_tar1090_layout(written: tuple[Scenario, list[WrittenFile]], tmp_path: Path) -> None:
    from basewatch.demo.writers import write_aircraft_db

    scenario, _ = written
    path = write_aircraft_db(scenario, tmp_path / "aircraft.csv")
    with path.open(newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert all(len(r) == 7 for r in rows)
    by_hex = {r[0]: r for r in rows}
    assert by_hex["154076"][1:4] == ["RA-82038", "A124", "10"]        # the watchlist's An-124
    assert len(by_hex) == len({p.airframe.icao24 for p in scenario.plans})
    assert all(r[3] in ("10", "00") for r in rows)
