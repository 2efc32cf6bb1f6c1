"""Raw hex text layouts and OpenSky raw data, on the real files, checked against facts read from the files
themselves (their own address and type-code columns), the reference formulas, rs1090 as a peer decoder,
and OpenSky's state vectors of the same flight."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import rs1090

from basewatch.errors import InputFormatError
from basewatch.ingest.adsb import modes
from basewatch.ingest.adsb.avr import READERS
from basewatch.ingest.adsb.beast import READER as BEAST
from basewatch.ingest.base import Rejects
from basewatch.ingest.pipeline import ingest_file
from basewatch.ingest.registry import choose_reader
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.ingest import cpr_reference as ref
from tests.ingest.test_beast import plain_parse

AVR, OPENSKY_RAW = READERS
UTC = dt.UTC


def type_code(hex_msg: str) -> int:
    return int(ref.bits(hex_msg)[32:37], 2)


def downlink_format(hex_msg: str) -> int:
    return int(ref.bits(hex_msg)[:5], 2)


def test_rs1090_csv(tmp_path: Path) -> None:
    path = shared_file("adsb/rs1090_short_flights.csv")
    rows = [line.split(",") for line in path.read_text().splitlines()]
    assert len(rows) == 486
    assert choose_reader(path).name == "avr"
    result = AVR.read(path)
    assert result.rejects.total == 0
    pts = result.tables["aircraft_points"].to_pylist()
    airborne = {h[2:8].lower() for _, h in rows if downlink_format(h) == 17 and 9 <= type_code(h) <= 18}
    surface = [h for _, h in rows if downlink_format(h) == 17 and 5 <= type_code(h) <= 8]
    assert {p["icao24"] for p in pts} == airborne
    # One lone surface frame (a426e0, no airborne position of its own, no even/odd partner): left unresolved.
    assert [h[2:8] for h in surface] == ["A426E0"]
    assert "1 left without a position" in result.notes[-1]
    times = [float(t) for t, _ in rows]
    assert min(p["time"] for p in pts) >= dt.datetime.fromtimestamp(min(times), UTC)
    assert max(p["time"] for p in pts) <= dt.datetime.fromtimestamp(max(times), UTC)
    # rs1090's own stateful decoder as a peer: every position it resolves, we resolve identically.
    peer = rs1090.decode([h for _, h in rows], times)
    assert len(peer) == len(rows)
    ours = {p["row_no"]: (p["lat"], p["lon"]) for p in pts}
    resolved = [(i + 1, m) for i, m in enumerate(peer) if "latitude" in m]
    assert len(resolved) == 163
    for row, m in resolved:
        assert ours[row] == (pytest.approx(m["latitude"], abs=1e-9), pytest.approx(m["longitude"], abs=1e-9))
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = ingest_file(ws, path, "avr")
        assert (report.accepted, report.rejected, report.duplicates) == (len(pts), 0, 0)


def test_pymodes_adsb_csv() -> None:
    path = shared_file("adsb/pymodes_sample_data_adsb.csv")
    rows = [[f.strip('"') for f in line.split(",")] for line in path.read_text().splitlines()]
    assert len(rows) == 2000
    result = AVR.read(path)
    assert result.rejects.total == 0
    pts = result.tables["aircraft_points"].to_pylist()
    # The file's own type-code column: every position message (TC 5-18) gave a point, and only those.
    position_lines = [i + 1 for i, r in enumerate(rows) if 5 <= int(r[3]) <= 18]
    assert sorted(p["row_no"] for p in pts) == position_lines
    # The file's own address column agrees with every point.
    for p in pts:
        assert p["icao24"] == rows[p["row_no"] - 1][2].lower()
    assert "layout: Unix time in column 1, frame in column 2, address in column 3" in result.notes


def test_pymodes_commb_csv() -> None:
    """Comm-B replies only (no positions); three lines whose stated address is not the frame's parity."""
    path = shared_file("adsb/pymodes_sample_data_commb_df20.csv")
    text = path.read_text(encoding="utf-8-sig")
    rows = [line.split(",") for line in text.splitlines()]
    assert len(rows) == 5000
    mismatched = [i + 1 for i, (_, icao, h) in enumerate(rows) if ref.crc_remainder(h) != int(icao, 16)]
    assert mismatched == [540, 2365, 2864]
    result = AVR.read(path)
    assert result.rejects.as_json() == {modes.R_ADDRESS: {"count": 3, "lines": mismatched}}
    assert result.tables["aircraft_points"].num_rows == 0
    assert any("no ADS-B position frames" in n for n in result.notes)


def test_opensky_raw_against_state_vectors(tmp_path: Path) -> None:
    path = shared_file("adsb/opensky_trino_rawdata_EDW24_20240406.parquet")
    sv = pq.read_table(shared_file("adsb/opensky_trino_state_vectors_data4_EDW24_20240406.parquet")).to_pylist()
    assert choose_reader(path).name == "opensky-raw"
    raw = pq.read_table(path)
    assert raw.num_rows == 2283
    result = OPENSKY_RAW.read(path)
    # This extract holds only Mode-S replies (DF4/5/20/21), no ADS-B position: nothing to place.
    assert {downlink_format(h) for h in raw["rawmsg"].to_pylist()} == {4, 5, 20, 21}
    assert result.rejects.total == 0
    assert result.tables["aircraft_points"].num_rows == 0
    # The decoded replies agree with OpenSky's state vectors of the same flight.
    frames = pa.table(
        {"time_s": raw["mintime"], "hex": raw["rawmsg"], "row_no": pa.array(range(1, 2284), pa.int64()),
         "icao24": raw["icao24"]}
    )
    messages, decoded = modes.decode_frames(frames, Rejects())
    assert decoded == 2283
    assert set(messages["icao24"].to_pylist()) == {s["icao24"] for s in sv} == {"4b1901"}
    assert set(messages["callsign"].drop_null().to_pylist()) == {s["callsign"] for s in sv} == {"EDW24"}
    squawks = [(t, q) for t, q in zip(messages["time_s"].to_pylist(), messages["squawk"].to_pylist(), strict=True) if q]
    assert {q for _, q in squawks} == {"3016", "3261"}
    (t_3261,) = [t for t, q in squawks if q == "3261"]
    (sv_3261,) = [s["lastcontact"] for s in sv if s["squawk"] == "3261"]
    assert abs(t_3261 - sv_3261) < 1.0
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = ingest_file(ws, path)
        assert (report.input_format, report.accepted, report.rejected) == ("opensky-raw", 0, 0)


def test_mlat_avr_lines_match_beast(tmp_path: Path) -> None:
    """The Beast sample written as dump1090 --mlat lines ('@' + counter) and Beast-AVR ('<' + counter + signal)."""
    data = shared_file("adsb/traffic_sample_dump1090.bin").read_bytes()
    frames = [(c, m) for k, c, m in plain_parse(data)]
    beast_copy = tmp_path / "beast-1581501900.bin"
    beast_copy.write_bytes(data)
    expected = BEAST.read(beast_copy).tables["aircraft_points"].to_pylist()
    at = tmp_path / "mlat-1581501900.txt"
    at.write_text("".join(f"@{c:012X}{m.hex().upper()};\n" for c, m in frames))
    lt = tmp_path / "beastavr-1581501900.txt"
    lt.write_text("".join(f"<{c:012x}ff{m.hex()};\n" for c, m in frames))
    for path in (at, lt):
        assert choose_reader(path).name == "avr"
        got = AVR.read(path)
        assert got.rejects.total == 0
        pts = got.tables["aircraft_points"].to_pylist()
        assert [(p["row_no"], p["time"], p["lat"], p["lon"]) for p in pts] == [
            (p["row_no"], p["time"], p["lat"], p["lon"]) for p in expected
        ]
        assert any("Unix time 1581501900.000 in the file name" in n for n in got.notes)


def test_bare_avr_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bare.avr"
    path.write_text("*8D40621D58C382D690C8AC2863A7;\n*8D40621D58C386435CC412692AD6;\n")
    assert choose_reader(path).name == "avr"
    with pytest.raises(InputFormatError, match="without reception times"):
        AVR.read(path)


def test_crafted_csv(tmp_path: Path) -> None:
    path = tmp_path / "frames.csv"
    path.write_text(
        "timestamp,message\n"  # 1 header
        "1457996400,8D40621D58C386435CC412692AD6\n"  # 2 odd
        "\n"  # 3 blank: skipped
        "# comment\n"  # 4 skipped
        "1457996401,8D40621D58C38XXXXXXXXXXXXXXX\n"  # 5 not hex
        "yesterday,8D40621D58C382D690C8AC2863A7\n"  # 6 bad time
        "hello\n"  # 7 layout
        "1457996402,8D40621D58C382D690C8AC2863A7\n"  # 8 even: pairs with line 2
        "99,8D40621D58C382D690C8AC2863A7\n"  # 9 1970
    )
    assert choose_reader(path).name == "avr"
    result = AVR.read(path)
    assert result.rejects.as_json() == {
        "line does not fit the file's layout": {"count": 1, "lines": [7]},
        modes.R_NOT_HEX: {"count": 1, "lines": [5]},
        modes.R_TIME: {"count": 2, "lines": [6, 9]},
    }
    pts = {p["row_no"]: p for p in result.tables["aircraft_points"].to_pylist()}
    assert sorted(pts) == [2, 8]
    assert (pts[8]["lat"], pts[8]["lon"]) == (pytest.approx(52.2572021484375), pytest.approx(3.91937255859375))
    assert pts[8]["time"] == dt.datetime(2016, 3, 14, 23, 0, 2, tzinfo=UTC)


def test_not_raw_text(tmp_path: Path) -> None:
    junk = tmp_path / "junk.dat"
    junk.write_bytes(bytes(range(256)) * 8)
    assert not AVR.sniff(junk.read_bytes(), junk)
    with pytest.raises(InputFormatError):
        choose_reader(junk)
    prose = tmp_path / "notes.txt"
    prose.write_text("these are not frames\nnor times\n")
    assert not AVR.sniff(prose.read_bytes(), prose)
    with pytest.raises(InputFormatError, match="not raw Mode-S text"):
        AVR.read(prose)
    named_only = tmp_path / "named.csv"  # the right column names, the wrong content
    named_only.write_text("timestamp,mmsi,message\n1717664319,244123456,hello world\n1717664320,244123456,bye\n")
    assert not AVR.sniff(named_only.read_bytes(), named_only)
    state_vectors = shared_file("adsb/opensky_trino_state_vectors_data4_EDW24_20240406.parquet")
    assert not OPENSKY_RAW.sniff(state_vectors.read_bytes()[:65536], state_vectors)


def test_iso_and_millisecond_times(tmp_path: Path) -> None:
    """The rs1090 file rewritten with ISO 8601 and millisecond times gives the same points."""
    src = shared_file("adsb/rs1090_short_flights.csv")
    rows = [line.split(",") for line in src.read_text().splitlines()]
    expected = AVR.read(src).tables["aircraft_points"].to_pylist()
    iso = tmp_path / "iso.csv"
    iso.write_text(
        "".join(f"{dt.datetime.fromtimestamp(float(t), UTC).isoformat(timespec='microseconds')[:-6]}Z,{h}\n"
                for t, h in rows)
        + "2025-02-30T10:00:00Z,8DADA5265851E6616376C2EB4463\n"  # line 487: no such day
    )
    ms = tmp_path / "ms.csv"
    ms.write_text("when,hex\n" + "".join(f"{round(float(t) * 1000)},{h}\n" for t, h in rows))
    for path, kind, tolerance in ((iso, "ISO 8601 UTC time", 2e-6), (ms, "Unix time in ms", 1e-3)):
        assert choose_reader(path).name == "avr"
        result = AVR.read(path)
        assert any(kind in n for n in result.notes)
        got = result.tables["aircraft_points"].to_pylist()
        shift = 1 if path == ms else 0  # the header line
        assert [p["row_no"] - shift for p in got] == [p["row_no"] for p in expected]
        for a, b in zip(got, expected, strict=True):
            assert abs(a["time"].timestamp() - b["time"].timestamp()) <= tolerance
    assert AVR.read(iso).rejects.as_json() == {modes.R_TIME: {"count": 1, "lines": [487]}}


def test_mlat_counter_restart(tmp_path: Path) -> None:
    path = tmp_path / "mlat-1581501900.txt"
    path.write_text(
        "@000000000000" "8D40621D58C386435CC412692AD6;\n"  # 1 counter 0: no MLAT data
        "@0000016E3600" "8D40621D58C386435CC412692AD6;\n"  # 2 odd at 2.0 s (0x16E3600 = 24,000,000 ticks)
        "@00000225510008D40621D58C382D690C8AC2863A7;\n"  # 3 one digit too many: a 29-digit frame
        "@000002255100" "8D40621D58C382D690C8AC2863A7;\n"  # 4 even at 3.0 s (36,000,000 ticks)
        "@000000B71B00" "8D40621D58C382D690C8AC2863A7;\n"  # 5 at 1.0 s: before line 4 by 2 s, a restart
    )
    result = AVR.read(path)
    assert result.rejects.as_json() == {
        "MLAT counter went back (receiver restart?)": {"count": 1, "lines": [5]},
        modes.R_NOT_HEX: {"count": 1, "lines": [3]},
        "no MLAT counter (zero)": {"count": 1, "lines": [1]},
    }
    pts = {p["row_no"]: p for p in result.tables["aircraft_points"].to_pylist()}
    assert sorted(pts) == [2, 4]
    assert pts[4]["time"] == dt.datetime.fromtimestamp(1581501901, UTC)  # 1 s after line 2, the first timed
    assert pts[4]["lat"] == pytest.approx(52.2572021484375)


def test_gzip_csv_is_sniffed_and_read(tmp_path: Path) -> None:
    import gzip

    src = shared_file("adsb/pymodes_sample_data_adsb.csv")
    packed = tmp_path / "frames.dat.gz"
    packed.write_bytes(gzip.compress(src.read_bytes()))
    assert choose_reader(packed).name == "avr"
    a = AVR.read(packed).tables["aircraft_points"]
    b = AVR.read(src).tables["aircraft_points"]
    assert a.equals(b)
