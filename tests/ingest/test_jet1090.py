"""jet1090 JSON lines: the Toulouse tutorial file (raw frames plus jet1090's own decoding, used here as a
peer's answer), a decoded-only variant of it, and crafted bad files."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from basewatch.errors import InputFormatError
from basewatch.ingest.adsb import jet1090, modes
from basewatch.ingest.adsb.jet1090 import READER
from basewatch.ingest.base import ReadResult
from basewatch.ingest.pipeline import ingest_file
from basewatch.ingest.registry import choose_reader
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

UTC = dt.UTC
TOULOUSE = "adsb/traffic_docs_tutorial_jet1090_toulouse.jsonl.gz"


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    with gzip.open(shared_file(TOULOUSE), "rt") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def result() -> ReadResult:
    return READER.read(shared_file(TOULOUSE))


def test_toulouse_facts(records: list[dict[str, Any]], result: ReadResult) -> None:
    assert len(records) == 71939
    assert len({r["icao24"] for r in records}) == 17
    days = {dt.datetime.fromtimestamp(r["timestamp"], UTC).date() for r in records}
    assert days == {dt.date(2024, 6, 6)}
    pts = result.tables["aircraft_points"].to_pylist()
    assert {p["time"].date() for p in pts} == {dt.date(2024, 6, 6)}
    # Replies (DF20/21) from addresses that never send a checked frame in the file are refused.
    squitter = {r["icao24"] for r in records if r["df"] == "17"}
    lonely = [i + 1 for i, r in enumerate(records) if r["df"] in ("20", "21") and r["icao24"] not in squitter]
    assert len(lonely) == 11
    assert result.rejects.as_json() == {modes.R_UNCONFIRMED: {"count": 11, "lines": lonely[:5]}}


def test_toulouse_positions_agree_with_jet1090(records: list[dict[str, Any]], result: ReadResult) -> None:
    pts = result.tables["aircraft_points"].to_pylist()
    theirs = {i + 1: r for i, r in enumerate(records) if "latitude" in r}
    assert len(theirs) == 13465
    for p in pts:
        r = theirs[p["row_no"]]  # every point of ours is a position jet1090 resolved too
        assert (p["lat"], p["lon"]) == (pytest.approx(r["latitude"], abs=1e-9), pytest.approx(r["longitude"], abs=1e-9))
        assert p["icao24"] == r["icao24"]
        assert p["on_ground"] == (r["bds"] == "06")
    # Most of jet1090's positions are ours too; the rest are surface frames of aircraft that never fly in
    # the file (no reference of their own; a low aircraft's position is used only when an even/odd pair
    # confirms the decode), and 4 airborne frames jet1090 left unresolved too: refused, not guessed.
    flying = {r["icao24"] for r in records if r.get("bds") == "05" and "latitude" in r}
    missing = [theirs[k] for k in set(theirs) - {p["row_no"] for p in pts}]
    assert len(pts) > 0.98 * len(theirs)
    assert all(r["bds"] == "06" and r["icao24"] not in flying for r in missing)
    assert {p["icao24"] for p in pts} <= {r["icao24"] for r in theirs.values()}
    # BAW3AK (400f99) flies from Toulouse-Blagnac: its first surface positions are at LFBO.
    first = next(p for p in pts if p["icao24"] == "400f99" and p["on_ground"])
    assert first["lat"] == pytest.approx(43.63, abs=0.02) and first["lon"] == pytest.approx(1.37, abs=0.02)
    assert {p["callsign"] for p in pts if p["icao24"] == "400f99"} >= {"BAW3AK"}


def test_decoded_only_variant(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = tmp_path / "decoded.jsonl"
    sample = records[:6000]
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "frame"}) + "\n" for r in sample))
    assert choose_reader(path).name == "jet1090"
    got = READER.read(path)
    assert got.rejects.total == 0
    pts = {p["row_no"]: p for p in got.tables["aircraft_points"].to_pylist()}
    with_position = [i + 1 for i, r in enumerate(sample) if "latitude" in r]
    assert sorted(pts) == with_position
    # An airborne point: altitude in ft -> m; ground speed and vertical rate from the latest BDS0,9 line of
    # the same aircraft within 30 s (found here by a plain scan).
    last_velocity: dict[str, dict[str, Any]] = {}  # plain forward scan: latest BDS0,9 line per aircraft
    found: tuple[int, dict[str, Any]] | None = None
    for i, r in enumerate(sample):
        v = last_velocity.get(r["icao24"])
        if r.get("bds") == "05" and "latitude" in r and v is not None and r["timestamp"] - v["timestamp"] <= 30:
            found = (i + 1, v)
            break
        if r.get("bds") == "09":
            last_velocity[r["icao24"]] = r
    assert found is not None
    row, velocity = found
    r = sample[row - 1]
    p = pts[row]
    assert p["alt_baro_m"] == pytest.approx(r["altitude"] * 0.3048)
    assert p["gs_ms"] == pytest.approx(velocity["groundspeed"] * 1852 / 3600)
    assert p["vrate_ms"] == pytest.approx(velocity["vertical_rate"] * 0.3048 / 60)
    assert (p["lat"], p["lon"]) == (r["latitude"], r["longitude"])


def test_crafted_raw_lines(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    lines = [
        {"timestamp": 1457996400.0, "frame": "8D40621D58C386435CC412692AD6"},  # 1
        "this is not json",  # 2
        [1, 2, 3],  # 3
        {"timestamp": "noon", "frame": "8D40621D58C382D690C8AC2863A7"},  # 4 bad time
        {"timestamp": 1457996401.0, "frame": "nothex"},  # 5
        {"timestamp": 1457996401.5},  # 6 no frame
        {"timestamp": 1457996402.0, "frame": "8D40621D58C382D690C8AC2863A7"},  # 7
    ]
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    got = READER.read(path)
    assert got.rejects.as_json() == {
        jet1090.R_JSON: {"count": 2, "lines": [2, 3]},
        jet1090.R_NO_FRAME: {"count": 1, "lines": [6]},
        modes.R_NOT_HEX: {"count": 1, "lines": [5]},
        modes.R_TIME: {"count": 1, "lines": [4]},
    }
    pts = {p["row_no"]: p for p in got.tables["aircraft_points"].to_pylist()}
    assert sorted(pts) == [1, 7]
    assert pts[7]["lat"] == pytest.approx(52.2572021484375)


def test_crafted_decoded_lines(tmp_path: Path) -> None:
    path = tmp_path / "decoded.jsonl"
    base = {"timestamp": 1717664319.0, "icao24": "3461ce", "df": "17", "bds": "05", "altitude": 1000}
    lines = [
        {**base, "latitude": 43.6, "longitude": 1.37},  # 1 good
        {**base, "icao24": "xyz", "latitude": 43.6, "longitude": 1.37},  # 2
        {**base, "latitude": 95.0, "longitude": 1.37},  # 3
        {**base, "altitude": "high", "latitude": 43.6, "longitude": 1.37},  # 4
        {**base, "timestamp": 5, "latitude": 43.6, "longitude": 1.37},  # 5
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    got = READER.read(path)
    assert got.rejects.as_json() == {
        jet1090.R_ICAO: {"count": 1, "lines": [2]},
        jet1090.R_LATLON: {"count": 1, "lines": [3]},
        jet1090.R_FIELD: {"count": 1, "lines": [4]},
        modes.R_TIME: {"count": 1, "lines": [5]},
    }
    (p,) = got.tables["aircraft_points"].to_pylist()
    assert (p["row_no"], p["lat"], p["alt_baro_m"]) == (1, 43.6, pytest.approx(304.8))


def test_sniff_and_errors(tmp_path: Path) -> None:
    array = tmp_path / "traffic.json"
    array.write_text('[{"timestamp": 1, "icao24": "3461ce"}]')
    assert not READER.sniff(array.read_bytes(), array)
    nots = tmp_path / "x.jsonl"
    nots.write_text('{"hello": 1}\n')
    assert not READER.sniff(nots.read_bytes(), nots)
    with pytest.raises(InputFormatError, match="not jet1090 JSON lines"):
        READER.read(nots)


def test_ingest_through_pipeline(tmp_path: Path, result: ReadResult) -> None:
    path = shared_file(TOULOUSE)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = ingest_file(ws, path)
        assert report.input_format == "jet1090"
        assert report.accepted + report.duplicates == result.tables["aircraft_points"].num_rows
        assert report.rejected == 11
        n = ws.con.execute("SELECT count(DISTINCT icao24) FROM aircraft_points").fetchone()
        assert n == (len(set(result.tables["aircraft_points"]["icao24"].to_pylist())),)


def test_decoded_cpr_fields_are_resolved(tmp_path: Path) -> None:
    """Decoded records that carry CPR fields but no position (as decode1090 writes them) get one."""
    path = tmp_path / "cpr.jsonl"
    base = {"icao24": "40621d", "df": "17", "bds": "05", "altitude": 38000, "source": "barometric"}
    lines = [
        {**base, "timestamp": 1457996400.0, "parity": "odd", "lat_cpr": 74158, "lon_cpr": 50194},
        {**base, "timestamp": 1457996402.0, "parity": "even", "lat_cpr": 93000, "lon_cpr": 51372},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    (odd, even) = READER.read(path).tables["aircraft_points"].to_pylist()
    # The Riddle's worked example (the CPR counts are those of its two frames).
    assert (even["lat"], even["lon"]) == (pytest.approx(52.2572021484375), pytest.approx(3.91937255859375))
    assert odd["lat"] == pytest.approx(52.26578, abs=1e-4)
