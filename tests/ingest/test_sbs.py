"""SBS-1 BaseStation logs: hand-made files with hand-computed values, and a write/read round trip."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basewatch.ingest.adsb.sbs import READER
from basewatch.ingest.registry import choose_reader, read_head

UTC = dt.UTC

LOG = """\
MSG,1,111,11111,4CA2D6,111111,2024/12/14,12:00:00.500,2024/12/14,12:00:00.510,RYR12AB ,,,,,,,,,,,0
MSG,3,111,11111,4CA2D6,111111,2024/12/14,12:00:01.123,2024/12/14,12:00:01.130,,37000,,,53.35001,-6.25002,,,0,0,0,0
MSG,4,111,11111,4CA2D6,111111,2024/12/14,12:00:02.000,2024/12/14,12:00:02.010,,,450,90.5,,,-1024,,,,,0

MSG,3,111,11111,4CA2D6,111111,2024/12/14,12:00:03.000,2024/12/14,12:00:03.010,,36975,,,53.36,-6.24,,,0,0,0,0
SEL,,333,22222,4CA2D6,22222,2024/12/14,12:00:03.000,2024/12/14,12:00:03.000,RYR12AB
MSG,3,111,11111,40621D,111111,2024/12/14,12:00:04.000,2024/12/14,12:00:04.010,,1000,,,95.0,-6.24,,,0,0,0,-1
MSG,3,111,11111
garbage line
MSG,3,111,11111,40621D,111111,2024/13/14,12:00:04.000,,,,1000,,,51.0,-6.24,,,0,0,0,-1
MSG,2,111,11111,40621D,111111,2024/12/14,12:00:05.000,2024/12/14,12:00:05.010,,,12,180,51.5,-0.5,,,,,,-1
MSG,6,111,11111,40621D,111111,2024/12/14,12:00:06.000,2024/12/14,12:00:06.010,,,,,,,,7700,0,1,0,0
MSG,3,111,11111,40621D,111111,2024/12/14,12:00:07.000,2024/12/14,12:00:07.010,,1500,,,51.51,-0.51,,,0,0,0,0
"""


def test_hand_made_log(tmp_path: Path) -> None:
    path = tmp_path / "feed.txt"  # no telling extension: sniffed from content
    path.write_text(LOG)
    assert choose_reader(path).name == "sbs"
    result = READER.read(path)
    pts = result.tables["aircraft_points"].to_pylist()
    assert [p["row_no"] for p in pts] == [2, 5, 11, 13]
    a, b, c, d = pts
    # Line 2: first position of 4ca2d6; callsign from the MSG,1 on line 1; 37000 ft = 11277.6 m; no speed yet.
    assert a["time"] == dt.datetime(2024, 12, 14, 12, 0, 1, 123000, tzinfo=UTC)
    assert (a["icao24"], a["lat"], a["lon"], a["callsign"]) == ("4ca2d6", 53.35001, -6.25002, "RYR12AB")
    assert a["alt_baro_m"] == pytest.approx(11277.6)
    assert a["gs_ms"] is None and a["on_ground"] is False
    # Line 5: speed/track/vertical rate from the MSG,4 on line 3: 450 kt = 231.5 m/s, -1024 ft/min = -5.20192 m/s.
    assert b["time"] == dt.datetime(2024, 12, 14, 12, 0, 3, tzinfo=UTC)
    assert b["alt_baro_m"] == pytest.approx(36975 * 0.3048)
    assert b["gs_ms"] == pytest.approx(231.5)
    assert b["track_deg"] == 90.5
    assert b["vrate_ms"] == pytest.approx(-5.20192)
    # Line 11: surface position (MSG,2) of 40621d: 12 kt = 6.17333 m/s, on the ground (-1); the altitude is the
    # latest one of known time (1000 ft on line 6, 1 s before; line 10 has an impossible date, so no age).
    assert (c["icao24"], c["lat"], c["lon"], c["on_ground"]) == ("40621d", 51.5, -0.5, True)
    assert c["gs_ms"] == pytest.approx(6.173333, abs=1e-6)
    assert c["alt_baro_m"] == pytest.approx(304.8)
    assert c["callsign"] is None
    # Line 13: squawk 7700 from the MSG,6 on line 12; airborne again.
    assert (d["squawk"], d["on_ground"], d["alt_baro_m"]) == ("7700", False, pytest.approx(1500 * 0.3048))
    assert result.rejects.counts == {
        "latitude outside [-90, 90]": 1,
        "MSG line with fewer than 22 fields": 1,
        "not an SBS line": 1,
        "missing or unreadable time": 1,
    }
    assert result.rejects.examples["latitude outside [-90, 90]"] == [7]
    assert result.rejects.examples["MSG line with fewer than 22 fields"] == [8]
    assert result.rejects.examples["not an SBS line"] == [9]
    assert result.rejects.examples["missing or unreadable time"] == [10]
    assert any("1 SEL/ID/AIR/STA/CLK" in n for n in result.notes)


def test_gzip_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "feed.sbs.gz"
    path.write_bytes(gzip.compress(LOG.replace("\n", "\r\n").encode()))
    assert READER.sniff(read_head(path), path)
    pts = READER.read(path).tables["aircraft_points"].to_pylist()
    assert [p["row_no"] for p in pts] == [2, 5, 11, 13]
    assert pts[0]["callsign"] == "RYR12AB" and pts[3]["squawk"] == "7700"


def _sbs_line(kind: int, hex_: str, t: dt.datetime, **fields: str) -> str:
    f = [""] * 22
    f[0], f[1], f[2], f[3], f[4], f[5] = "MSG", str(kind), "1", "1", hex_.upper(), "1"
    f[6], f[8] = t.strftime("%Y/%m/%d"), t.strftime("%Y/%m/%d")
    f[7] = f[9] = t.strftime("%H:%M:%S.") + f"{t.microsecond // 1000:03d}"
    names = {"callsign": 10, "alt": 11, "gs": 12, "track": 13, "lat": 14, "lon": 15, "vrate": 16, "ground": 21}
    for k, v in fields.items():
        f[names[k]] = v
    return ",".join(f)


@settings(max_examples=25, deadline=None)
@given(
    hex_=st.from_regex(r"[0-9a-f]{6}", fullmatch=True),
    ms=st.integers(0, 4_000_000_000_000),
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
    alt_ft=st.integers(-1000, 60000),
    gs_kt=st.integers(0, 700),
    vrate_fpm=st.integers(-6000, 6000),
    callsign=st.from_regex(r"[A-Z]{3}[0-9]{1,4}", fullmatch=True),
)
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory, hex_: str, ms: int, lat: float, lon: float, alt_ft: int,
    gs_kt: int, vrate_fpm: int, callsign: str,
) -> None:
    """Values written as SBS come back in SI units: ft * 0.3048, kt * 1852/3600, ft/min * 0.3048/60."""
    t = dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(milliseconds=ms)
    lines = [
        _sbs_line(1, hex_, t, callsign=callsign),
        _sbs_line(4, hex_, t, gs=str(gs_kt), track="12.5", vrate=str(vrate_fpm)),
        _sbs_line(3, hex_, t, alt=str(alt_ft), lat=repr(lat), lon=repr(lon), ground="0"),
    ]
    path = tmp_path_factory.mktemp("sbs") / "rt.sbs"
    path.write_text("\n".join(lines) + "\n")
    (p,) = READER.read(path).tables["aircraft_points"].to_pylist()
    assert p["time"] == t
    assert (p["icao24"], p["callsign"], p["row_no"]) == (hex_, callsign, 3)
    assert (p["lat"], p["lon"]) == (lat, lon)
    assert p["alt_baro_m"] == pytest.approx(alt_ft * 0.3048)
    assert p["gs_ms"] == pytest.approx(gs_kt * 1852 / 3600)
    assert p["vrate_ms"] == pytest.approx(vrate_fpm * 0.3048 / 60)
    assert p["track_deg"] == 12.5


def test_round_trip_with_the_demo_writer(tmp_path: Path) -> None:
    """The demo's BaseStation log (written from simulated truth) reads back as that truth."""
    import numpy as np

    from basewatch.demo.scenario import ScenarioConfig, build_scenario
    from basewatch.demo.writers import write_scenario

    scenario = build_scenario(ScenarioConfig(start=dt.date(2024, 12, 17), days=1))
    files = [w.path for w in write_scenario(scenario, tmp_path) if w.fmt == "sbs"]
    plans = scenario.plans
    fmt = np.array([p.airframe.fmt for p in plans])[scenario.points.flight]
    truth = scenario.points.take(fmt == "sbs")
    results = [READER.read(f) for f in files]
    assert all(r.rejects.total == 0 for r in results)
    points = [p for r in results for p in r.tables["aircraft_points"].to_pylist()]
    assert len(points) == truth.size  # one point per MSG,2/MSG,3 line, each a simulated report
    ms = np.round(truth.time_s * 1000).astype(np.int64)
    index = {(plans[f].airframe.icao24, int(t)): i for i, (f, t) in enumerate(zip(truth.flight, ms, strict=True))}
    order = np.lexsort((truth.time_s, truth.flight))
    previous = np.full(truth.size, -1)
    same_flight = truth.flight[order][1:] == truth.flight[order][:-1]
    previous[order[1:][same_flight]] = order[:-1][same_flight]
    callsigns = 0
    for p in points:
        i = index[(p["icao24"], round(p["time"].timestamp() * 1000))]
        assert p["lat"] == pytest.approx(truth.lat[i], abs=6e-6)  # written with 5 decimals
        assert p["lon"] == pytest.approx(truth.lon[i], abs=6e-6)
        assert p["on_ground"] == bool(truth.on_ground[i])
        if not truth.on_ground[i]:
            assert p["alt_baro_m"] == pytest.approx(truth.alt_baro_m[i], abs=12.5 * 0.3048 + 1e-6)  # 25 ft steps
            if previous[i] >= 0:  # speed comes from the MSG,4 of the previous report (whole knots)
                assert p["gs_ms"] == pytest.approx(truth.gs_ms[previous[i]], abs=0.5 * 1852 / 3600 + 1e-6)
        callsigns += p["callsign"] == plans[truth.flight[i]].callsign
    # MSG,1 follows the first position of a flight by 20 ms: only first points may lack (or carry an older) callsign.
    assert callsigns >= len(points) - len(set(truth.flight.tolist()))


def test_extended_lines_with_more_fields(tmp_path: Path) -> None:
    # Some feeds append fields after the 22 standard ones; the first 22 are read as usual.
    path = tmp_path / "extended.sbs"
    path.write_text(
        "MSG,3,1,1,3C6586,1,2024/12/14,23:59:59.999,2024/12/14,23:59:59.999,,5000,,,50.0,8.5,,,0,0,0,0\n"
        "MSG,3,1,1,3C6586,1,2024/12/15,00:00:01.000,2024/12/15,00:00:01.000,,5100,,,50.01,8.51,,,0,0,0,0,-35.5,x\n"
    )
    a, b = READER.read(path).tables["aircraft_points"].to_pylist()
    assert a["time"] == dt.datetime(2024, 12, 14, 23, 59, 59, 999000, tzinfo=UTC)
    assert (b["row_no"], b["lat"], b["lon"]) == (2, 50.01, 8.51)
    assert b["time"] == dt.datetime(2024, 12, 15, 0, 0, 1, tzinfo=UTC)
    assert b["alt_baro_m"] == pytest.approx(5100 * 0.3048)


STALE_LOG = """\
MSG,1,111,11111,154076,111111,2024/12/14,12:00:00.000,2024/12/14,12:00:00.000,RFF7021 ,,,,,,,,,,,0
MSG,3,111,11111,154076,111111,2024/12/14,12:00:01.000,2024/12/14,12:00:01.000,,33000,,,33.0,30.0,,,0,0,0,0
MSG,4,111,11111,154076,111111,2024/12/14,12:00:02.000,2024/12/14,12:00:02.000,,,420,250.0,,,0,,,,,0
MSG,3,111,11111,154076,111111,2024/12/14,12:00:31.000,2024/12/14,12:00:31.000,,,,,32.9,29.9,,,0,0,0,0
MSG,2,111,11111,154076,111111,2024/12/15,06:00:00.000,2024/12/15,06:00:00.000,,,,,31.9985,21.1918,,,,,,
"""


def test_state_is_not_carried_past_its_age_limit(tmp_path: Path) -> None:
    """A landing out of coverage: the next day's surface position must not inherit cruise altitude."""
    path = tmp_path / "stale.sbs"
    path.write_text(STALE_LOG)
    a, b, c = READER.read(path).tables["aircraft_points"].to_pylist()
    # Line 4, 30 s after the altitude (line 2) and 29 s after the speed (line 3): both still carried.
    assert b["alt_baro_m"] == pytest.approx(33000 * 0.3048)
    assert b["gs_ms"] == pytest.approx(420 * 1852 / 3600)
    # Line 5, 18 hours later: no altitude, speed or ground flag carried; the callsign (18 h old) neither.
    assert (c["alt_baro_m"], c["gs_ms"], c["on_ground"], c["callsign"]) == (None, None, None, None)
    assert a["callsign"] == "RFF7021"
