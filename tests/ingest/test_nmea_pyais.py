"""Real NMEA logs decoded by basewatch and by pyais (an independent decoder), compared field by field."""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from basewatch.ingest.ais import records
from basewatch.ingest.ais.decode import Payloads, bits, decode
from basewatch.ingest.ais.nmea import collect
from basewatch.ingest.ais.sentences import FileSource
from basewatch.units import KT_TO_MS
from tests.conftest import shared_file

pyais = pytest.importorskip("pyais")
from pyais.stream import FileReaderStream  # noqa: E402

FILES = [
    "ais/amsa_risky_ais.txt",
    "ais/aisdb_test_data_20211101.nm4",
    "ais/gpsd_sample.aivdm",
    "ais/gpsd_ais-nmea.log",
    "ais/libais_test.aivdm",
    "ais/pyais_tests/nmea_data_sample.txt",
]




def _raw_bits(payload: bytes, start: int, width: int) -> int:
    """A field of an armoured payload, decoded the slow obvious way (a string of '0'/'1')."""
    bits = "".join(format(c - 48 - (8 if c - 48 > 40 else 0), "06b") for c in payload)
    return int(bits[start:start + width], 2)


_FILL = re.compile(rb",(\d)\*[0-9A-Fa-f]{2}")


def _pyais_messages(path: Path) -> list[Any]:
    return list(FileReaderStream(str(path)))


def _by_payload(path: Path) -> dict[bytes, Any]:
    """payload -> pyais decoded message (only sentences pyais reads with their true fill bits)."""
    out: dict[bytes, Any] = {}
    for msg in _pyais_messages(path):
        fills = _FILL.findall(msg.raw)
        if msg.frag_cnt == 1 and fills and int(fills[-1]) != msg.fill_bits:
            continue  # fields after the checksum: pyais reads the last one as '<fill>*<checksum>', fill 0
        try:
            out[msg.payload] = msg.decode()
        except Exception:  # pyais refuses some types (e.g. 63); we count them as 'other'
            continue
    return out


@pytest.mark.parametrize("name", FILES)
def test_same_messages_as_pyais(name: str) -> None:
    path = shared_file(name)
    mine, _ = collect(FileSource(path))
    ours = Counter(p.as_py() for p in mine.payload)
    theirs = Counter(m.payload for m in _pyais_messages(path) if m.payload)
    # pyais also accepts lines without a checksum ('...,0' cut short) or two sentences spliced in one
    # line; we reject those as malformed. Nothing else may differ.
    extra_theirs = theirs - ours
    assert ours - theirs == Counter()
    assert sum(extra_theirs.values()) <= 2


def test_amsa_counts() -> None:
    """README: 34,013 sentences (messages) and 2,323 MMSI by pyais; two of its messages come from lines
    that have no checksum or are spliced (lines 12617 and 42268, read by hand)."""
    path = shared_file("ais/amsa_risky_ais.txt")
    mine, stream = collect(FileSource(path))
    assert mine.size == 34_013 - 2
    assert stream.stats.rejects["malformed AIS sentence"][:2] == [1168, 5828]
    lines = path.read_bytes().splitlines()
    for ln in stream.stats.rejects["malformed AIS sentence"]:
        assert b"*" not in lines[ln - 1] or lines[ln - 1].count(b"VDM") > 1
    # 851 lines carry a trailing epoch (grep '\*[0-9A-F]{2},[0-9]{10}'); pyais counts them as bad
    # checksums (855 in the README); their checksums are right: only the 2 others are bad... plus the
    # spliced/cut lines, which we reject before checksumming.
    assert stream.stats.bad_checksum == 2
    # MMSIs of every message (bits 8-37): README's 2,323 by pyais, plus the one message pyais refuses to
    # decode (line 'wa?NCnmBsOug?G?Vgm?4?w0', type 63, an MMSI seen nowhere else)
    p = Payloads.of(mine.payload, mine.fill)
    mmsi = set(bits(p.matrix(np.arange(p.size), 38), 8, 30).tolist())
    assert len(mmsi) == 2_323 + 1


def _close(a: float | None, b: float | None, tol: float = 1e-6) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, abs_tol=tol)


def _decoded_records(path: Path) -> tuple[Any, Any, Any]:
    mine, _ = collect(FileSource(path))
    decoded = decode(mine.payload, mine.fill)
    ctx = records.Context(time=np.zeros(mine.size), row_no=np.arange(mine.size, dtype=np.int64))
    return mine, records.positions(decoded, ctx).table, records.statics(decoded, ctx).table


@pytest.mark.parametrize("name", FILES)
def test_positions_field_by_field(name: str) -> None:
    path = shared_file(name)
    mine, pos, _ = _decoded_records(path)
    ref = _by_payload(path)
    payloads = mine.payload.to_pylist()
    checked = 0
    for row in pos.to_pylist():
        theirs = ref.get(payloads[row["row_no"]])
        if theirs is None:
            continue
        checked += 1
        assert row["mmsi"] == f"{theirs.mmsi:09d}"
        assert row["msg_type"] == theirs.msg_type
        assert _close(row["lat"], theirs.lat) and _close(row["lon"], theirs.lon), row
        if theirs.msg_type == 27:
            assert (row["sog_ms"] is None) == (theirs.speed == 63)
            if row["sog_ms"] is not None:
                assert _close(row["sog_ms"] / KT_TO_MS, theirs.speed)
            assert (row["cog_deg"] is None) == (theirs.course >= 360)  # 511 = not available
        else:
            assert (row["sog_ms"] is None) == (theirs.speed >= 102.3)
            if row["sog_ms"] is not None:
                assert _close(row["sog_ms"] / KT_TO_MS, theirs.speed)
            assert (row["cog_deg"] is None) == (theirs.course >= 360)
            if row["cog_deg"] is not None:
                assert _close(row["cog_deg"], theirs.course)
            assert (row["heading_deg"] is None) == (theirs.heading >= 360)
            if row["heading_deg"] is not None:
                assert row["heading_deg"] == theirs.heading
        if theirs.msg_type in (1, 2, 3, 27):
            assert row["nav_status"] == int(theirs.status)
    assert checked > 0.6 * pos.num_rows  # the rest: lines whose fill bits pyais misreads


@pytest.mark.parametrize("name", FILES)
def test_static_field_by_field(name: str) -> None:
    path = shared_file(name)
    mine, _, sta = _decoded_records(path)
    ref = _by_payload(path)
    payloads = mine.payload.to_pylist()
    checked = 0
    for row in sta.to_pylist():
        theirs = ref.get(payloads[row["row_no"]])
        if theirs is None:
            continue
        checked += 1
        assert row["mmsi"] == f"{theirs.mmsi:09d}"

        def text(value: Any) -> str | None:
            # '@' is ITU's "no character": the text ends there (pyais keeps what follows an inner '@')
            return value.split("@")[0].strip() or None if isinstance(value, str) else None

        truncated = getattr(theirs, "msg_type", 0) == 5 and theirs.destination is None
        if hasattr(theirs, "shipname") and truncated:
            # payload cut short inside the name: pyais reads the fill bits as one more character
            assert (text(theirs.shipname) or "").startswith(row["name"] or ""), row
        elif hasattr(theirs, "shipname"):
            assert row["name"] == text(theirs.shipname), row
        if hasattr(theirs, "callsign"):
            assert row["callsign"] == text(theirs.callsign), row
        if getattr(theirs, "ship_type", None) is not None:
            # pyais folds codes into enum buckets (39 -> 0, 86 -> 85): read the 8 bits by hand instead
            start = {5: 232, 19: 263, 24: 40}[theirs.msg_type]
            assert row["ship_type"] == (_raw_bits(payloads[row["row_no"]], start, 8) or None)
        if getattr(theirs, "imo", None) is not None:
            assert row["imo"] == (str(theirs.imo) if theirs.imo else None)
        if hasattr(theirs, "destination"):
            assert row["destination"] == text(theirs.destination)
        if getattr(theirs, "draught", None) is not None:
            assert _close(row["draught_m"], theirs.draught or None)
        if getattr(theirs, "to_bow", None) is not None and not row["mmsi"].startswith("98"):
            length = theirs.to_bow + theirs.to_stern
            assert _close(row["length_m"], float(length) if length else None), row
    assert checked > 0.6 * sta.num_rows
