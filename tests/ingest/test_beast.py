"""Beast binary: the real dump1090 sample (traffic), parsed again here by a plain byte loop, and crafted files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basewatch.errors import InputFormatError
from basewatch.ingest.adsb import beast
from basewatch.ingest.adsb.beast import READER
from basewatch.ingest.base import Rejects
from basewatch.ingest.pipeline import ingest_file
from basewatch.ingest.registry import choose_reader
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.ingest import cpr_reference as ref

UTC = dt.UTC
LENGTHS = {0x31: 2, 0x32: 7, 0x33: 14}


def plain_parse(data: bytes) -> list[tuple[int, int, bytes]]:
    """(type, counter, message) of each frame, by a byte-at-a-time state machine (no regex)."""
    out = []
    i = 0
    while i < len(data):
        assert data[i] == 0x1A
        kind = data[i + 1]
        i += 2
        body = bytearray()
        while i < len(data) and not (data[i] == 0x1A and (i + 1 >= len(data) or data[i + 1] != 0x1A)):
            if data[i] == 0x1A:  # doubled escape
                i += 1
            body.append(data[i])
            i += 1
        assert len(body) == 6 + 1 + LENGTHS[kind]
        out.append((kind, int.from_bytes(body[:6], "big"), bytes(body[7:])))
    return out


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """The sample under a name carrying its time base (2020-02-12 10:07 UTC, the time traffic's test uses)."""
    dest = tmp_path / "dump1090_20200212T1007Z.bin"
    shutil.copy(shared_file("adsb/traffic_sample_dump1090.bin"), dest)
    return dest


def test_sample_frames_match_independent_parse(sample: Path) -> None:
    data = sample.read_bytes()
    frames = plain_parse(data)
    assert len(frames) == 239
    assert sum(1 for k, _, _ in frames if k == 0x33) == 54  # the "54 rows" of long frames
    # Frame 2 has an escaped 0x1a in its counter: read by hand from the hex dump,
    # 1a 32 | 00 00 15 be 1a1a 0c | 0f | 02 e1 8c a8 f1 d2 ed
    assert frames[1] == (0x32, 0x000015BE1A0C, bytes.fromhex("02e18ca8f1d2ed"))
    got = beast.split_frames(data, Rejects())
    assert got.hexes == [m.hex() for _, _, m in frames]
    assert got.counter.tolist() == [float(c) for _, c, _ in frames]
    assert got.frame_no.tolist() == list(range(1, 240))


def test_sample_points(sample: Path) -> None:
    assert choose_reader(sample).name == "beast"
    frames = plain_parse(sample.read_bytes())
    result = READER.read(sample)
    assert result.rejects.total == 0
    pts = result.tables["aircraft_points"].to_pylist()
    # Long frames: DF17 of 48520a only; the other aircraft (3981e4) sends Mode-S replies only.
    addresses = {m.hex()[2:8] for k, _, m in frames if k == 0x33 and m[0] >> 3 == 17}
    assert addresses == {"48520a"}
    # Two aircraft: all but 3 frames come from two addresses (AA field of all-calls/squitters, parity of
    # replies); 44ce69 and 440062 are heard twice and once.
    heard: dict[int, int] = {}
    for _, _, m in frames:
        address = int(m[1:4].hex(), 16) if m[0] >> 3 in (11, 17) else ref.crc_remainder(m.hex())
        heard[address] = heard.get(address, 0) + 1
    assert {f"{a:06x}": n for a, n in heard.items()} == {"48520a": 144, "3981e4": 92, "44ce69": 2, "440062": 1}
    assert {p["icao24"] for p in pts} == {"48520a"}
    positions = [i + 1 for i, (_, _, m) in enumerate(frames) if m[0] >> 3 == 17 and 9 <= m[4] >> 3 <= 18]
    assert [p["row_no"] for p in pts] == positions == [51, 61, 71, 108]
    # Frame 61 (odd) pairs with the even frame 51 (within 10 s); its time = base + counter delta / 12 MHz.
    by_row = {p["row_no"]: p for p in pts}
    even, odd = frames[50][2].hex(), frames[60][2].hex()
    assert ref.cpr_fields(even)[0] == 0 and ref.cpr_fields(odd)[0] == 1
    lat, lon = ref.global_position(even, odd, newest_is_even=False)
    p = by_row[61]
    assert (p["lat"], p["lon"]) == (pytest.approx(lat, abs=1e-9), pytest.approx(lon, abs=1e-9))
    assert 43.5 < lat < 43.8 and 1.2 < lon < 1.3  # north of Toulouse-Blagnac
    base = dt.datetime(2020, 2, 12, 10, 7, tzinfo=UTC).timestamp()
    expected = base + (frames[60][1] - frames[0][1]) / 12e6
    assert p["time"].timestamp() == pytest.approx(expected, abs=1e-6)
    assert p["alt_baro_m"] == pytest.approx(ref.airborne_altitude_ft(odd) * 0.3048)
    assert any("2020-02-12T10:07:00+00:00 from the file name" in n for n in result.notes)


def test_without_a_time_base_frames_are_undated_not_dated_by_mtime(tmp_path: Path) -> None:
    # issue 16: the file's mtime dated a 2016 recording 2026; an unknowable base is stated and kept apart
    dest = tmp_path / "capture.bin"
    shutil.copy(shared_file("adsb/traffic_sample_dump1090.bin"), dest)
    os.utime(dest, (1700000000, 1700000000))
    frames = plain_parse(dest.read_bytes())
    result = READER.read(dest)
    points = result.tables["aircraft_points"].to_pylist()
    assert [p["row_no"] for p in points] == [51, 61, 71, 108]
    # on the undated base: 1980-01-01T00:00:00Z is the first frame
    relative = (frames[107][1] - frames[0][1]) / 12e6
    assert points[-1]["time"].timestamp() == pytest.approx(315532800 + relative, abs=1e-6)
    assert all(p["time"].year == 1980 for p in points)
    assert any(n.startswith("UNDATED") and "--time-base" in n for n in result.notes)


def test_time_base_given_by_the_user_dates_the_frames(tmp_path: Path) -> None:
    dest = tmp_path / "capture.bin"
    shutil.copy(shared_file("adsb/traffic_sample_dump1090.bin"), dest)
    frames = plain_parse(dest.read_bytes())
    base = dt.datetime(2016, 5, 19, 10, 0, tzinfo=UTC).timestamp()
    result = READER.with_options(time_base=base).read(dest)
    last = result.tables["aircraft_points"].to_pylist()[-1]
    assert last["time"].timestamp() == pytest.approx(base + (frames[107][1] - frames[0][1]) / 12e6, abs=1e-6)
    assert any("--time-base 2016-05-19T10:00:00+00:00" in n for n in result.notes)


def test_time_base_option_of_the_command(tmp_path: Path) -> None:
    import subprocess
    import sys

    dest = tmp_path / "capture.bin"
    shutil.copy(shared_file("adsb/traffic_sample_dump1090.bin"), dest)
    ws = tmp_path / "w.duckdb"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), "ingest", *args],
                              capture_output=True, text=True, timeout=300)

    bad = run(str(dest), "--time-base", "yesterday")
    assert bad.returncode == 2 and "--time-base" in bad.stderr and "Traceback" not in bad.stderr
    ok = run(str(dest), "--time-base", "2016-05-19T10:00:00Z", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    with Workspace(ws) as w:
        days = w.con.execute("SELECT DISTINCT CAST(time AT TIME ZONE 'UTC' AS DATE) FROM aircraft_points").fetchall()
    assert [str(d[0]) for d in days] == ["2016-05-19"]


def test_ingest_through_pipeline(sample: Path, tmp_path: Path) -> None:
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = ingest_file(ws, sample)
        assert (report.input_format, report.accepted, report.rejected) == ("beast", 4, 0)
        rows = ws.con.execute(
            "SELECT p.row_no, s.input_format FROM aircraft_points p JOIN sources s USING (source_id) ORDER BY 1"
        ).fetchall()
        assert rows == [(51, "beast"), (61, "beast"), (71, "beast"), (108, "beast")]
        assert ingest_file(ws, sample).accepted == 0  # same sha256


def test_crafted_damage(tmp_path: Path) -> None:
    data = shared_file("adsb/traffic_sample_dump1090.bin").read_bytes()
    frames = plain_parse(data)
    assert len(frames) == 239
    # Garbage in front, a frame truncated at the end.
    damaged = tmp_path / "damaged_1581501900.bin"
    damaged.write_bytes(b"\x00\x01garbage" + data + b"\x1a\x33\x00\x00\x00")
    result = READER.read(damaged)
    assert result.rejects.as_json() == {
        beast.R_GARBAGE: {"count": 1, "lines": [1]},
        beast.R_TRUNCATED: {"count": 1, "lines": [240]},
    }
    assert result.tables["aircraft_points"].num_rows == 4
    # A frame with a zero counter (no MLAT data) cannot be timed.
    zero = tmp_path / "zero_1581501900.bin"
    zero.write_bytes(b"\x1a\x32" + bytes(6) + b"\x0f" + bytes.fromhex("02e18ca8f1d2ed") + data)
    assert READER.read(zero).rejects.as_json() == {beast.R_NO_COUNTER: {"count": 1, "lines": [1]}}
    # The counter jumping back (a receiver restart) makes the following frames untimeable.
    restart = tmp_path / "restart_1581501900.bin"
    restart.write_bytes(data + data[:33])  # frames 1 and 2 (16 + 17 bytes) again, their counters ~24 s before frame 239
    assert READER.read(restart).rejects.as_json() == {beast.R_BACKWARDS: {"count": 2, "lines": [240, 241]}}


def test_not_beast(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    assert not READER.sniff(junk.read_bytes(), junk)
    with pytest.raises(InputFormatError, match="no Beast Mode-S frames"):
        READER.read(junk)
    noise = tmp_path / "noise.bin"  # noise with frame starts in it, then one good frame
    good = bytes.fromhex("1a32000015a8877e0d20000ca8f70aa7")
    noise.write_bytes(b"".join(bytes(range(i, 256)) + b"\x1a3" + bytes(range(7)) for i in range(0, 250, 10)) + good)
    with pytest.raises(InputFormatError, match="mostly not Beast"):
        READER.read(noise)
    text = tmp_path / "t.csv"
    text.write_text("1753827785.8,8DADA5265851E6616376C2EB4463\n")
    assert not READER.sniff(text.read_bytes(), text)


_BYTE = st.one_of(st.just(0x1A), st.integers(0, 255))


@given(
    st.lists(
        st.tuples(
            st.booleans(), st.lists(_BYTE, min_size=6, max_size=6), _BYTE, st.lists(_BYTE, min_size=14, max_size=14)
        ),
        min_size=1, max_size=20,
    )
)
def test_escaping_round_trip(frames: list[tuple[bool, list[int], int, list[int]]]) -> None:
    """Frames written with every 0x1a doubled (as the Beast protocol says) come back byte for byte."""
    stream = b""
    for long, counter, signal, message in frames:
        body = bytes(counter) + bytes([signal]) + bytes(message[: 14 if long else 7])
        stream += b"\x1a" + (b"3" if long else b"2") + body.replace(b"\x1a", b"\x1a\x1a")
    rejects = Rejects()
    got = beast.split_frames(stream, rejects)
    assert rejects.total == 0
    assert got.hexes == [bytes(m[: 14 if long else 7]).hex() for long, _, _, m in frames]
    assert got.counter.tolist() == [float(int.from_bytes(bytes(c), "big")) for _, c, _, _ in frames]


def test_cli_json_and_clear_error(sample: Path, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    ws = str(tmp_path / "cli.duckdb")
    out = subprocess.run(
        [sys.executable, "-m", "basewatch", "-w", ws, "ingest", "--format", "json", str(sample)],
        capture_output=True, text=True, check=True,
    )
    (entry,) = json.loads(out.stdout)
    assert entry == {"path": str(sample), "input_format": "beast", "accepted": 4, "rejected": 0,
                     "duplicates": 0, "skipped": 0, "reasons": {}, "skipped_reasons": {}}
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x1a\x33" + bytes(range(200)))
    bad = subprocess.run(
        [sys.executable, "-m", "basewatch", "-w", ws, "ingest", "--input-format", "beast", str(junk)],
        capture_output=True, text=True,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert f"error: {junk}: no Beast Mode-S frames found" in bad.stderr
