"""NMEA AIS reader on crafted lines: times, checksums, multipart, bad input; sentences made with pyais."""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basewatch.errors import InputFormatError
from basewatch.ingest.ais.nmea import READER, collect
from basewatch.ingest.ais.sentences import ChunkSource, FileSource, SentenceStream
from basewatch.ingest.pipeline import ingest_file
from basewatch.ingest.registry import choose_reader
from basewatch.units import KT_TO_MS
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

pyais = pytest.importorskip("pyais")

UTC = dt.UTC
T0 = 1_700_000_000  # 2023-11-14 22:13:20 UTC
T0_DT = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def checksum(body: str) -> str:
    return f"{functools.reduce(lambda a, c: a ^ ord(c), body, 0):02X}"


def tag(fields: str) -> str:
    return f"\\{fields}*{checksum(fields)}\\"


def position(mmsi: int = 273123456, **fields: object) -> str:
    data = {"type": 1, "mmsi": mmsi, "lat": 34.9, "lon": 35.86, "speed": 12.5, "course": 90.5, "heading": 91,
            "status": 0}
    data.update(fields)
    return str(pyais.encode_dict(data, talker_id="AI", sentence_type="VDM", radio_channel="A")[0])


def static(mmsi: int = 273123456, seq_id: int = 3, channel: str = "A") -> list[str]:
    data = {"type": 5, "mmsi": mmsi, "shipname": "SPARTA IV", "callsign": "UBCI4", "imo": 9160011,
            "ship_type": 70, "to_bow": 100, "to_stern": 20, "to_port": 10, "to_starboard": 8, "draught": 6.5,
            "destination": "TARTUS"}
    sentences = pyais.encode_dict(data, talker_id="AI", sentence_type="VDM", radio_channel=channel, seq_id=seq_id)
    return [str(s) for s in sentences]


def read(tmp_path: Path, lines: list[str], strict: bool = False, name: str = "x.nmea"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    reader = READER.with_options(strict=strict) if strict else READER
    return reader.read(path)


def test_checksum_helper_matches_a_real_line() -> None:
    line = "!AIVDM,1,1,,A,17P@<J?P00blFWmjG@5a5?v62<10,0*27"  # amsa_risky_ais.txt line 3
    assert checksum(line[1:line.index("*")]) == "27"


def test_tag_block_time(tmp_path: Path) -> None:
    r = read(tmp_path, [tag(f"s:test,c:{T0}") + position()])
    pos = r.tables["ais_positions"].to_pylist()
    assert len(pos) == 1 and pos[0]["time"] == T0_DT
    assert pos[0]["mmsi"] == "273123456"
    assert pos[0]["lat"] == pytest.approx(34.9, abs=1e-6) and pos[0]["lon"] == pytest.approx(35.86, abs=1e-6)
    assert pos[0]["sog_ms"] == pytest.approx(12.5 * 1852 / 3600)
    assert pos[0]["cog_deg"] == pytest.approx(90.5) and pos[0]["heading_deg"] == 91
    assert any("tag block c:: 1" in n for n in r.notes)


def test_tag_block_milliseconds_and_trailing_epoch(tmp_path: Path) -> None:
    r = read(tmp_path, [tag(f"c:{T0}123") + position(1), position(2) + f",{T0 + 60}"])
    times = {p["mmsi"]: (p["time"], p["time_source"]) for p in r.tables["ais_positions"].to_pylist()}
    assert times["000000001"] == (T0_DT + dt.timedelta(milliseconds=123), "tag")
    assert times["000000002"] == (T0_DT + dt.timedelta(seconds=60), "epoch")


def test_leading_timestamps(tmp_path: Path) -> None:
    lines = [f"{T0}.25 " + position(1), "2023-11-14 22:13:21;" + tag("s:x") + position(2),
             "2023-11-14T22:13:22Z," + position(3), "12 " + position(4)]
    path = tmp_path / "lead.nmea"
    path.write_text("\n".join(lines) + "\n")
    assert choose_reader(path).name == "nmea"
    r = READER.read(path)
    times = {p["mmsi"]: p["time"] for p in r.tables["ais_positions"].to_pylist()}
    assert times == {"000000001": T0_DT + dt.timedelta(milliseconds=250), "000000002": T0_DT + dt.timedelta(seconds=1),
                     "000000003": T0_DT + dt.timedelta(seconds=2)}
    assert r.rejects.counts == {"not an NMEA sentence": 1}  # '12 !AIVDM...': 12 is no time
    assert set(r.tables["ais_positions"].column("time_source").to_pylist()) == {"prefix"}
    assert any("leading timestamp: 3" in n for n in r.notes)


def test_dollar_start_character(tmp_path: Path) -> None:
    """Some devices write $AIVDM: the checksum (which excludes the start character) is the same."""
    r = read(tmp_path, [tag(f"c:{T0}") + "$" + position()[1:]])
    assert r.tables["ais_positions"].num_rows == 1 and r.rejects.total == 0
    assert not any("checksum" in n for n in r.notes)


def test_clock_lines_carry_forward(tmp_path: Path) -> None:
    zda = "GPZDA,114702.51,27,01,2012,,"
    lines = [position(1), f"${zda}*{checksum(zda)}", position(2), position(3)]
    r = read(tmp_path, lines)
    times = {p["mmsi"]: (p["time"], p["time_source"]) for p in r.tables["ais_positions"].to_pylist()}
    clock = dt.datetime(2012, 1, 27, 11, 47, 2, 510000, tzinfo=UTC)
    assert times == {"000000002": (clock, "clock"), "000000003": (clock, "clock")}
    assert r.rejects.counts == {"no reception time": 1}
    assert r.rejects.examples["no reception time"] == [1]


def test_gatehouse_wrapper_time() -> None:
    r = READER.read(shared_file("ais/pyais_tests/gatehouse.nmea"))
    first = min(r.tables["ais_positions"].to_pylist(), key=lambda p: p["row_no"])
    # line 1: $PGHP,1,2008,5,9,0,0,0,10,... = 2008-05-09 00:00:00.010
    assert first["row_no"] == 2
    assert first["time"] == dt.datetime(2008, 5, 9, 0, 0, 0, 10000, tzinfo=UTC)


def test_no_time_rejects_positions_keeps_static(tmp_path: Path) -> None:
    r = read(tmp_path, [position(), *static()])
    assert r.tables["ais_positions"].num_rows == 0
    assert r.rejects.counts == {"no reception time": 1}
    sta = r.tables["ais_static"].to_pylist()
    assert len(sta) == 1 and sta[0]["time"] is None
    assert any("carries no reception time" in n for n in r.notes)


def test_static_voyage_fields(tmp_path: Path) -> None:
    r = read(tmp_path, [tag(f"c:{T0}") + static()[0], static()[1]])
    (row,) = r.tables["ais_static"].to_pylist()
    assert row == {
        "mmsi": "273123456", "time": T0_DT, "imo": "9160011", "name": "SPARTA IV", "callsign": "UBCI4",
        "ship_type": 70, "length_m": 120.0, "beam_m": 18.0, "draught_m": 6.5, "destination": "TARTUS",
        "msg_type": 5, "row_no": 2,
    }


def test_not_available_values(tmp_path: Path) -> None:
    lines = [
        tag(f"c:{T0}") + position(1, speed=102.3, course=360, heading=511),
        tag(f"c:{T0}") + position(2, lat=91, lon=181),
        tag(f"c:{T0}") + position(0),
    ]
    r = read(tmp_path, lines)
    (row,) = r.tables["ais_positions"].to_pylist()
    assert row["mmsi"] == "000000001"
    assert row["sog_ms"] is None and row["cog_deg"] is None and row["heading_deg"] is None
    assert r.rejects.counts == {"position not available (lat 91 / lon 181)": 1, "invalid MMSI": 1}


def test_class_b_and_long_range(tmp_path: Path) -> None:
    b = pyais.encode_dict({"type": 18, "mmsi": 273000001, "lat": -33.5, "lon": 151.25, "speed": 5.0,
                           "course": 10.0, "heading": 12}, talker_id="AI", sentence_type="VDM")[0]
    lr = pyais.encode_dict({"type": 27, "mmsi": 273000002, "lat": 35.5, "lon": 35.75, "speed": 11,
                            "course": 200, "status": 0}, talker_id="AI", sentence_type="VDM")[0]
    r = read(tmp_path, [tag(f"c:{T0}") + b, tag(f"c:{T0}") + lr])
    rows = {p["mmsi"]: p for p in r.tables["ais_positions"].to_pylist()}
    assert rows["273000001"]["msg_type"] == 18
    assert rows["273000001"]["sog_ms"] == pytest.approx(5.0 * KT_TO_MS)
    assert rows["273000001"]["lat"] == pytest.approx(-33.5, abs=1e-6)
    assert rows["273000002"]["msg_type"] == 27
    assert rows["273000002"]["lat"] == pytest.approx(35.5, abs=1 / 600)  # 1/10 minute resolution
    assert rows["273000002"]["sog_ms"] == pytest.approx(11 * KT_TO_MS)
    assert rows["273000002"]["cog_deg"] == 200


def test_bad_checksum_lenient_then_strict(tmp_path: Path) -> None:
    good = tag(f"c:{T0}") + position(1)
    body, _ = position(2).rsplit("*", 1)
    bad = tag(f"c:{T0}") + body + "*00"
    lenient = read(tmp_path, [good, bad])
    assert lenient.tables["ais_positions"].num_rows == 2
    assert any("1 sentences with a bad checksum" in n for n in lenient.notes)
    strict = read(tmp_path, [good, bad], strict=True, name="y.nmea")
    assert strict.tables["ais_positions"].column("mmsi").to_pylist() == ["000000001"]
    assert strict.rejects.counts == {"bad checksum": 1}
    assert strict.rejects.examples["bad checksum"] == [2]


def test_multipart_interleaved_truncated_and_orphan(tmp_path: Path) -> None:
    a1, a2 = static(273000001, seq_id=1, channel="A")
    b1, b2 = static(273000002, seq_id=1, channel="B")
    c1, _ = static(273000003, seq_id=2, channel="A")
    _, d2 = static(273000004, seq_id=4, channel="A")
    lines = [tag(f"c:{T0}") + a1, b1, a2, b2, d2, c1]
    r = read(tmp_path, lines)
    sta = {s["mmsi"]: s for s in r.tables["ais_static"].to_pylist()}
    assert set(sta) == {"273000001", "273000002"}
    assert sta["273000001"]["row_no"] == 3 and sta["273000002"]["row_no"] == 4
    assert sta["273000001"]["name"] == "SPARTA IV"
    assert r.rejects.counts == {"incomplete multipart message": 2}
    assert sorted(r.rejects.examples["incomplete multipart message"]) == [5, 6]


def test_garbage_and_malformed_lines(tmp_path: Path) -> None:
    lines = ["# a comment", "", "IamNotAnAisMessage1111", "!AIVDM,1,1,,A,3", "$GPGGA,1,2,3*00",
             "!AIVDM,1,1,,A,,0*26", tag(f"c:{T0}") + position()]
    r = read(tmp_path, lines)
    assert r.tables["ais_positions"].num_rows == 1
    assert r.rejects.counts == {"not an NMEA sentence": 1, "malformed AIS sentence": 1, "empty payload": 1}
    assert r.rejects.examples == {"not an NMEA sentence": [3], "malformed AIS sentence": [4],
                                  "empty payload": [6]}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("!AIVDM,1,1,,A,,0*26", "empty payload"),
        ("!AIVDM,1,1,,A,1xx,0*26", "invalid payload character"),
        ("!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
         "incomplete multipart message"),
    ],
)
def test_a_file_of_bad_sentences_is_still_ais(tmp_path: Path, line: str, reason: str) -> None:
    r = read(tmp_path, [line])
    assert r.rejects.counts == {reason: 1} and r.rejects.examples[reason] == [1]
    assert r.tables["ais_positions"].num_rows == 0


def test_broken_gzip_is_an_input_format_error(tmp_path: Path) -> None:
    path = tmp_path / "x.nmea.gz"
    path.write_bytes(b"\x1f\x8b" + position().encode())
    with pytest.raises(InputFormatError, match="gzip stream damaged after"):
        READER.read(path)


def test_not_ais_is_an_input_format_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputFormatError, match="no AIS sentences"):
        READER.read(path)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=999), min_size=1, max_size=8))
def test_blocks_of_any_size_give_the_same_messages(cuts: list[int]) -> None:
    """A socket may deliver lines in any grouping: split the file at arbitrary line counts."""
    path = shared_file("ais/aisdb_test_data_20211101.nm4")
    whole, _ = collect(FileSource(path))
    lines = path.read_bytes().splitlines(keepends=True)
    blocks, at = [], 0
    for c in sorted(set(cuts)):
        blocks.append(b"".join(lines[at:c]))
        at = c
    blocks.append(b"".join(lines[at:]))
    stream = SentenceStream()
    parts = [stream.feed(b) for b in blocks if b]
    stream.finish()
    assert whole.payload.to_pylist() == [p for b in parts for p in b.payload.to_pylist()]
    assert np.array_equal(whole.line_no, np.concatenate([b.line_no for b in parts]))
    assert np.array_equal(whole.time, np.concatenate([b.time for b in parts]), equal_nan=True)


def test_aisdb_tag_block_times() -> None:
    """Line 1 of the AISdb file: \\s:42809,c:1635731889,t:1635731965*6A\\ = 2021-11-01 01:58:09 UTC."""
    path = shared_file("ais/aisdb_test_data_20211101.nm4")
    msgs, _ = collect(FileSource(path))
    assert msgs.line_no[0] == 1 and msgs.time[0] == 1635731889
    assert dt.datetime.fromtimestamp(1635731889, UTC) == dt.datetime(2021, 11, 1, 1, 58, 9, tzinfo=UTC)
    assert not np.isnan(msgs.time).any()


def test_ingest_idempotent_and_deduplicated(workspace: Workspace) -> None:
    path = shared_file("ais/aisdb_test_data_20211101.nm4")
    first = ingest_file(workspace, path)
    assert first.input_format == "nmea" and first.accepted > 900
    again = ingest_file(workspace, path)
    assert again.already_ingested and again.accepted == 0
    sources = workspace.con.execute("SELECT DISTINCT time_source FROM ais_positions").fetchall()
    assert sources == [("tag",)]  # every AISdb line has a tag block with c:
    n = workspace.con.execute("SELECT count(*) FROM ais_positions").fetchone()
    assert n is not None and n[0] + workspace.con.execute("SELECT count(*) FROM ais_static").fetchone()[0] == \
        first.accepted


def test_cli_strict_and_not_ais(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    body, _ = position(2).rsplit("*", 1)
    nmea = tmp_path / "bad.nmea"
    nmea.write_text(tag(f"c:{T0}") + position(1) + "\n" + tag(f"c:{T0}") + body + "*00\n")
    run = [sys.executable, "-m", "basewatch", "-w", str(ws), "ingest", "--format", "json"]
    out = subprocess.run([*run, "--strict", str(nmea)], capture_output=True, text=True, check=True)
    assert '"bad checksum": {"count": 1, "lines": [2]}' in out.stdout
    other = tmp_path / "notes.txt"
    other.write_text("hello\nworld\n")
    bad = subprocess.run([*run, "--input-format", "nmea", str(other)], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "no AIS sentences" in bad.stderr and "Traceback" not in bad.stderr


@settings(max_examples=60, deadline=None)
@given(
    mmsi=st.integers(min_value=200_000_000, max_value=799_999_999),
    lat=st.integers(min_value=-90 * 600_000, max_value=90 * 600_000),
    lon=st.integers(min_value=-180 * 600_000, max_value=180 * 600_000),
    speed=st.integers(min_value=0, max_value=1022),
    course=st.integers(min_value=0, max_value=3599),
    heading=st.integers(min_value=0, max_value=359),
    msg_type=st.sampled_from([1, 18]),  # pyais encodes types 2 and 3 as type 1
)
def test_position_roundtrip(mmsi: int, lat: int, lon: int, speed: int, course: int, heading: int,
                            msg_type: int) -> None:
    """Whatever pyais encodes (values on the wire's own grid), we decode to the same numbers."""
    data = {"type": msg_type, "mmsi": mmsi, "lat": lat / 600_000, "lon": lon / 600_000, "speed": speed / 10,
            "course": course / 10, "heading": heading}
    line = tag(f"c:{T0}") + pyais.encode_dict(data, talker_id="AI", sentence_type="VDM")[0]
    stream = SentenceStream()
    msgs = stream.feed(line.encode() + b"\n")
    from basewatch.ingest.ais import records
    from basewatch.ingest.ais.decode import decode

    built = records.positions(decode(msgs.payload, msgs.fill), records.Context(msgs.time, msgs.line_no))
    (row,) = built.table.to_pylist()
    assert row["mmsi"] == f"{mmsi:09d}" and row["msg_type"] == msg_type
    assert row["lat"] == pytest.approx(lat / 600_000, abs=1e-9) and row["lon"] == pytest.approx(lon / 600_000, abs=1e-9)
    assert row["sog_ms"] == pytest.approx(speed / 10 * KT_TO_MS)
    assert row["cog_deg"] == pytest.approx(course / 10) and row["heading_deg"] == heading
    assert row["time"] == T0_DT


def test_gzip_and_leading_blanks(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "x.nmea.gz"
    path.write_bytes(gzip.compress(("  " + tag(f"c:{T0}") + position() + "\r\n").encode()))
    r = READER.read(path)
    assert r.tables["ais_positions"].column("time").to_pylist() == [T0_DT]
    assert r.rejects.total == 0


def test_chunks_cut_anywhere_like_a_socket() -> None:
    """4 KiB receives split lines (and multipart messages) anywhere: the same messages come out."""
    path = shared_file("ais/amsa_risky_ais.txt")
    whole, _ = collect(FileSource(path))
    data = path.read_bytes()
    chunked, stream = collect(ChunkSource(data[i:i + 4096] for i in range(0, len(data), 4096)))
    assert chunked.payload.equals(whole.payload)
    assert np.array_equal(chunked.line_no, whole.line_no)
    assert np.array_equal(chunked.time, whole.time, equal_nan=True)
    assert sorted(stream.stats.rejects["incomplete multipart message"]) == [14127, 14663, 32913, 34222]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(
    st.binary(max_size=90),
    st.text(alphabet="!$\\,*0123456789ABCDEFGHIVDMOPZ:;<=>?@`abcw .c", max_size=70).map(str.encode),
).filter(lambda b: b"\n" not in b and b"\r" not in b), max_size=12))
def test_garbage_lines_never_break_the_good_ones(tmp_path_factory: pytest.TempPathFactory, junk: list[bytes]) -> None:
    """Random bytes between valid sentences: no crash, the valid positions come through unchanged."""
    good = [tag(f"c:{T0 + i}") + position(273000000 + i) for i in range(3)]
    lines: list[bytes] = [b"# fuzz"]
    for i, g in enumerate(good):
        lines += [*junk[i::3], g.encode()]
    path = tmp_path_factory.mktemp("fuzz") / "f.nmea"
    path.write_bytes(b"\n".join(lines) + b"\n")
    r = READER.read(path)
    got = {p["mmsi"]: p["time"] for p in r.tables["ais_positions"].to_pylist()}
    for i in range(3):
        assert got.get(f"{273000000 + i:09d}") == T0_DT + dt.timedelta(seconds=i)
