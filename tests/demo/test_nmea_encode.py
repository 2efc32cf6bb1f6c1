"""The demo's NMEA encoder against pyais (an independent decoder), on random field values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais.constants import ShipType
from pyais.messages import AISSentence, NMEASentenceFactory

from basewatch.demo.nmea_encode import PositionReport, StaticVoyage, armour, checksum, sentences, tag_block

SIXBIT_TEXT = st.text(alphabet=" ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-./", min_size=1, max_size=20).map(str.strip)


def _decode(lines: list[str]) -> object:
    parts = [NMEASentenceFactory.produce(line.encode()) for line in lines]
    assert all(isinstance(p, AISSentence) and p.is_valid for p in parts)
    return AISSentence.assemble_from_iterable(parts).decode() if len(parts) > 1 else parts[0].decode()  # type: ignore[arg-type,union-attr]


@settings(max_examples=200, deadline=None)
@given(
    mmsi=st.integers(0, 999_999_999),
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    sog=st.one_of(st.none(), st.floats(0, 102.2)),
    cog=st.one_of(st.none(), st.floats(0, 359.9)),
    heading=st.one_of(st.none(), st.integers(0, 359)),
    status=st.integers(0, 15),
    second=st.integers(0, 60),
)
def test_position_report_round_trip(mmsi: int, lat: float, lon: float, sog: float | None, cog: float | None,
                                    heading: int | None, status: int, second: int) -> None:
    m = _decode(sentences(PositionReport(mmsi, lat, lon, sog, cog, heading, status, second).bits()))
    assert (m.msg_type, m.mmsi, m.status, m.second) == (1, mmsi, status, second)  # type: ignore[attr-defined]
    assert m.lat == pytest.approx(lat, abs=1 / 600000) and m.lon == pytest.approx(lon, abs=1 / 600000)  # type: ignore[attr-defined]
    assert m.speed == (102.3 if sog is None else pytest.approx(sog, abs=0.05 + 1e-9))  # type: ignore[attr-defined]
    if cog is None:
        assert m.course == 360.0  # type: ignore[attr-defined]
    else:
        assert m.course == pytest.approx(round(cog * 10) % 3600 / 10)  # type: ignore[attr-defined]
    assert m.heading == (511 if heading is None else heading)  # type: ignore[attr-defined]


@settings(max_examples=100, deadline=None)
@given(mmsi=st.integers(0, 999_999_999), imo=st.integers(0, 2**30 - 1), callsign=SIXBIT_TEXT, name=SIXBIT_TEXT,
       dest=SIXBIT_TEXT, ship_type=st.sampled_from(sorted({int(t) for t in ShipType})),  # codes pyais names
       bow=st.integers(0, 511), port=st.integers(0, 63),
       draught=st.floats(0, 25.5))
def test_static_voyage_round_trip(mmsi: int, imo: int, callsign: str, name: str, dest: str, ship_type: int,
                                  bow: int, port: int, draught: float) -> None:
    msg = StaticVoyage(mmsi, imo, callsign[:7], name, ship_type, bow, 511 - bow, port, 63 - port, draught, dest)
    lines = sentences(msg.bits(), seq_id=5, group_id=1, station="x", unix_time=1)
    m = _decode(lines)
    assert (m.mmsi, m.imo, m.callsign, m.shipname, m.destination) == (  # type: ignore[attr-defined]
        mmsi, imo, callsign[:7].strip(), name, dest)
    assert int(m.ship_type) == ship_type and (m.to_bow, m.to_stern, m.to_port, m.to_starboard) == (  # type: ignore[attr-defined]
        bow, 511 - bow, port, 63 - port)
    assert m.draught == pytest.approx(draught, abs=0.05 + 1e-9)  # type: ignore[attr-defined]


def test_known_sentence_checksum_and_armouring() -> None:
    # Published example (gpsd AIVDM/AIVDO protocol decoding, "!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C"):
    # the checksum of its body is 5C, and re-armouring its payload bits gives the same characters.
    body = "AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0"
    assert checksum(body) == "5C"
    payload = "177KQJ5000G?tO`K>RA1wUbN0TKH"
    bits = "".join(format((ord(c) - 48) - (8 if ord(c) - 48 > 40 else 0), "06b") for c in payload)
    assert armour(bits) == (payload, 0)
    # Tag block from the AISdb test file: "\g:2-2-3454*5B\".
    assert tag_block([("g", "2-2-3454")]) == "\\g:2-2-3454*5B\\"
