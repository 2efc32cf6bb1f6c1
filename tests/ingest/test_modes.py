"""Shared Mode-S decoding (modes.py, cpr.py) checked against an independent scalar implementation of the
Annex 10 / "1090 MHz Riddle" formulas (cpr_reference.py), the Riddle's worked examples and real frames."""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from basewatch.ingest.adsb import capture, cpr, modes
from basewatch.ingest.base import Rejects
from tests.conftest import shared_file
from tests.ingest import cpr_reference as ref

# The Riddle's worked example (ch. "Airborne position"): an even and an odd frame of 40621d, 38000 ft,
# decoding (newest = even) to 52.25720214843750 N, 3.91937255859375 E.
RIDDLE_EVEN = "8D40621D58C382D690C8AC2863A7"
RIDDLE_ODD = "8D40621D58C386435CC412692AD6"
# From the Beast sample: an all-call reply (DF11) and a surveillance altitude reply (DF4) of 3981e4.
DF11_3981E4 = "5d3981e46dc8eb"
DF4_3981E4 = "20000ca8f70aa7"
T0 = 1457996400.0


def frames(rows: list[tuple[float | None, str]], icao: list[str | None] | None = None) -> pa.Table:
    n = len(rows)
    return pa.table(
        {
            "time_s": pa.array([t for t, _ in rows], pa.float64()),
            "hex": pa.array([h for _, h in rows], pa.string()),
            "row_no": pa.array(range(1, n + 1), pa.int64()),
            "icao24": pa.array(icao if icao is not None else [None] * n, pa.string()),
        }
    )


def test_riddle_pair_global_and_local() -> None:
    rejects = Rejects()
    result = modes.frames_to_points(frames([(T0, RIDDLE_ODD), (T0 + 2, RIDDLE_EVEN)]), rejects)
    assert rejects.total == 0
    pts = {p["row_no"]: p for p in result.points.to_pylist()}
    even = pts[2]
    assert even["icao24"] == "40621d"
    assert even["lat"] == pytest.approx(52.25720214843750, abs=1e-9)
    assert even["lon"] == pytest.approx(3.91937255859375, abs=1e-9)
    assert even["alt_baro_m"] == pytest.approx(38000 * 0.3048)
    assert even["on_ground"] is False
    assert even["time"].timestamp() == T0 + 2
    # The odd frame came first (no pair before it): decoded locally against the even one's position.
    odd = pts[1]
    lat, lon = ref.local_position(RIDDLE_ODD, even["lat"], even["lon"])
    assert (odd["lat"], odd["lon"]) == (pytest.approx(lat, abs=1e-9), pytest.approx(lon, abs=1e-9))
    assert ref.global_position(RIDDLE_EVEN, RIDDLE_ODD, newest_is_even=True) == (
        pytest.approx(even["lat"], abs=1e-9), pytest.approx(even["lon"], abs=1e-9))


def test_pair_too_far_apart_in_time_gives_no_position() -> None:
    # 11 s between the frames (> 10 s) and no other position: nothing can be resolved.
    result = modes.frames_to_points(frames([(T0, RIDDLE_ODD), (T0 + 11, RIDDLE_EVEN)]), Rejects())
    assert result.points.num_rows == 0
    assert "2 left without a position" in result.notes[0]


def test_input_order_does_not_matter() -> None:
    path = shared_file("adsb/rs1090_short_flights.csv")
    rows = [line.split(",") for line in path.read_text().split()]
    table = frames([(float(t), h) for t, h in rows])
    straight = modes.frames_to_points(table, Rejects()).points
    order = list(range(table.num_rows))
    random.Random(7).shuffle(order)
    shuffled = modes.frames_to_points(table.take(pa.array(order)), Rejects()).points
    key = lambda t: sorted(zip(t["row_no"].to_pylist(), t["lat"].to_pylist(), t["lon"].to_pylist(), strict=True))  # noqa: E731
    assert key(straight) == key(shuffled)
    assert straight.num_rows == 176  # 177 position frames, one lone surface frame left unresolved


def test_crc_checks() -> None:
    flipped = RIDDLE_EVEN[:10] + ("0" if RIDDLE_EVEN[10] != "0" else "1") + RIDDLE_EVEN[11:]
    assert ref.crc_remainder(RIDDLE_EVEN) == 0 and ref.crc_remainder(flipped) != 0
    # A DF11's low 7 parity bits may carry an interrogator code: corrupt the address instead.
    bad_df11 = "5d4981e46dc8eb"
    assert ref.crc_remainder(bad_df11) >= 0x80
    rejects = Rejects()
    result = modes.frames_to_points(
        frames([(T0, RIDDLE_ODD), (T0 + 1, flipped), (T0 + 2, RIDDLE_EVEN), (T0 + 3, bad_df11)]), rejects
    )
    assert rejects.as_json() == {"bad CRC": {"count": 2, "lines": [2, 4]}}
    assert sorted(result.points["row_no"].to_pylist()) == [1, 3]


def test_replies_need_a_confirmed_address() -> None:
    # The parity of a DF4 reply is overlaid with the address: the remainder *is* the address.
    assert ref.crc_remainder(DF4_3981E4) == 0x3981E4
    rejects = Rejects()
    modes.frames_to_points(frames([(T0, DF4_3981E4)]), rejects)
    assert rejects.as_json() == {modes.R_UNCONFIRMED: {"count": 1, "lines": [1]}}
    rejects = Rejects()
    modes.frames_to_points(frames([(T0, DF11_3981E4), (T0 + 1, DF4_3981E4)]), rejects)
    assert rejects.total == 0
    # ... or the file's own address column confirms it; a contradicting column is an error of its own.
    rejects = Rejects()
    modes.frames_to_points(frames([(T0, DF4_3981E4), (T0, DF4_3981E4)], ["3981E4", "3981e5"]), rejects)
    assert rejects.as_json() == {modes.R_ADDRESS: {"count": 1, "lines": [2]}}


def test_malformed_frames_and_times_are_counted() -> None:
    rejects = Rejects()
    rows = [
        (T0, "ZZ40621D58C382D690C8AC2863A7"),  # 1 not hex
        (T0, RIDDLE_EVEN[:-1]),  # 2 27 digits
        (T0, RIDDLE_EVEN[:14]),  # 3 a DF17 cut to 14 digits
        (None, RIDDLE_EVEN),  # 4 no time
        (float("nan"), RIDDLE_EVEN),  # 5
        (12.0, RIDDLE_EVEN),  # 6 1970
        (T0, " " + RIDDLE_ODD.lower() + " "),  # 7 fine
    ]
    result = modes.frames_to_points(frames(rows), rejects)
    assert rejects.as_json() == {
        modes.R_NOT_HEX: {"count": 2, "lines": [1, 2]},
        modes.R_LENGTH: {"count": 1, "lines": [3]},
        modes.R_TIME: {"count": 3, "lines": [4, 5, 6]},
    }
    assert result.points.num_rows == 0


def test_state_merged_into_points_in_si_units() -> None:
    """rs1090_short_flights.csv line 18 (ada526, even) after the BDS0,9 of line 3: values from the bits."""
    path = shared_file("adsb/rs1090_short_flights.csv")
    lines = path.read_text().split()
    rows = [(float(t), h) for t, h in (line.split(",") for line in lines)]
    pts = {p["row_no"]: p for p in modes.frames_to_points(frames(rows), Rejects()).points.to_pylist()}
    p18 = pts[18]
    assert p18["icao24"] == "ada526"
    assert rows[2][1].startswith("8DADA52699")  # line 3: BDS0,9 of ada526, 1.9 s before line 18
    gs_kt, track, vrate_fpm, gnss_minus_baro = ref.velocity(rows[2][1])
    alt_ft = ref.airborne_altitude_ft(rows[17][1])
    assert p18["alt_baro_m"] == pytest.approx(alt_ft * 0.3048)
    assert p18["alt_geom_m"] == pytest.approx((alt_ft + gnss_minus_baro) * 0.3048)
    assert p18["gs_ms"] == pytest.approx(gs_kt * 1852 / 3600)
    assert p18["track_deg"] == pytest.approx(track)
    assert p18["vrate_ms"] == pytest.approx(vrate_fpm * 0.3048 / 60)
    # Line 1 is the aircraft's first frame: no velocity known yet.
    assert pts[1]["gs_ms"] is None and pts[1]["callsign"] is None
    # Line 18 is even; the latest odd position frame of ada526 before it is line 9 (0.97 s before).
    assert ref.cpr_fields(rows[17][1])[0] == 0 and ref.cpr_fields(rows[8][1])[0] == 1
    lat, lon = ref.global_position(rows[17][1], rows[8][1], newest_is_even=True)
    assert (p18["lat"], p18["lon"]) == (pytest.approx(lat, abs=1e-9), pytest.approx(lon, abs=1e-9))
    # Lines 1 and 9 (both odd, before any pair): decoded locally against that first global fix.
    for row in (1, 9):
        lat, lon = ref.local_position(rows[row - 1][1], p18["lat"], p18["lon"])
        assert (pts[row]["lat"], pts[row]["lon"]) == (pytest.approx(lat, abs=1e-9), pytest.approx(lon, abs=1e-9))


def test_vectorised_cpr_matches_reference_on_real_pairs() -> None:
    path = shared_file("adsb/pymodes_sample_data_adsb.csv")
    msgs = [line.split(",")[1].strip('"') for line in path.read_text().splitlines()]
    pos = [m for m in msgs if 9 <= int(ref.bits(m)[32:37], 2) <= 18]
    pairs = [(a, b) for a, b in itertools.pairwise(pos) if a[2:8] == b[2:8]
             and ref.cpr_fields(a)[0] != ref.cpr_fields(b)[0]]
    assert len(pairs) > 300
    even = [a if ref.cpr_fields(a)[0] == 0 else b for a, b in pairs]
    odd = [b if ref.cpr_fields(a)[0] == 0 else a for a, b in pairs]
    latest_odd = np.array([ref.cpr_fields(b)[0] == 1 for _, b in pairs])
    fe = np.array([ref.cpr_fields(m)[1:] for m in even])
    fo = np.array([ref.cpr_fields(m)[1:] for m in odd])
    lat, lon, ok = cpr.global_airborne(fe[:, 0], fe[:, 1], fo[:, 0], fo[:, 1], latest_odd)
    checked = 0
    for i, (e, o) in enumerate(zip(even, odd, strict=True)):
        try:
            want = ref.global_position(e, o, newest_is_even=not latest_odd[i])
        except AssertionError:
            assert not ok[i]
            continue
        assert ok[i]
        assert (lat[i], lon[i]) == (pytest.approx(want[0], abs=1e-9), pytest.approx(want[1], abs=1e-9))
        checked += 1
    assert checked > 300


@given(st.floats(min_value=-90, max_value=90, allow_nan=False))
def test_nl_matches_reference(lat: float) -> None:
    assert int(cpr.nl(np.array([lat]))[0]) == ref.nl(lat)


@given(
    st.floats(min_value=-80, max_value=80), st.floats(min_value=-179.9, max_value=179.9),
    st.floats(min_value=-0.5, max_value=0.5), st.floats(min_value=-0.5, max_value=0.5), st.booleans(),
)
def test_local_decode_recovers_an_encoded_position(lat: float, lon: float, dlat: float, dlon: float, odd: bool) -> None:
    """Encode a position to CPR with the Annex 10 encoding formulas, decode it near a reference."""
    i = int(odd)
    d_lat = 360 / (60 - i)
    yz = math.floor(131072 * (lat % d_lat) / d_lat + 0.5)
    rlat = d_lat * (yz / 131072 + math.floor(lat / d_lat))
    d_lon = 360 / max(ref.nl(rlat) - i, 1)
    xz = math.floor(131072 * (lon % d_lon) / d_lon + 0.5)
    yz, xz = yz % 131072, xz % 131072
    got_lat, got_lon = cpr.local_decode(
        np.array([yz]), np.array([xz]), np.array([odd]), np.array([lat + dlat]), np.array([lon + dlon]),
        np.array([False]),
    )
    assert got_lat[0] == pytest.approx(lat, abs=0.0005)
    # CPR longitude cells widen as 1/cos(latitude) (fewer zones towards the poles): scale the tolerance.
    lon_tol = 0.0005 / max(math.cos(math.radians(lat)), 0.05)
    assert (got_lon[0] - lon + 180) % 360 - 180 == pytest.approx(0, abs=lon_tol)


def test_group_index_helpers() -> None:
    group = np.array([0, 0, 0, 1, 1, 2])
    mask = np.array([True, False, False, False, True, False])
    assert cpr.last_index(group, mask).tolist() == [0, 0, 0, -1, 4, -1]
    assert cpr.next_index(group, mask).tolist() == [0, -1, -1, 4, 4, -1]


def test_wall_times_from_time_base_name_else_undated(tmp_path: Path) -> None:
    counter = np.array([30.0, 31.5, 54.0])
    named = tmp_path / "capture-1581501900.bin"
    named.write_bytes(b"x")
    times, note = capture.wall_times(named, counter)
    assert times.tolist() == [1581501900.0, 1581501901.5, 1581501924.0]
    assert "file name" in note
    assert capture.wall_times(named, counter, 1463652000.0)[0].tolist() == [1463652000.0, 1463652001.5, 1463652024.0]
    iso = tmp_path / "beast_20200212T1007Z.bin"
    iso.write_bytes(b"x")
    assert capture.wall_times(iso, counter)[0][0] == 1581502020.0  # 2020-02-12 10:07:00 UTC
    plain = tmp_path / "capture.bin"
    plain.write_bytes(b"x")
    import os

    os.utime(plain, (1700000000, 1700000000))  # the modification time is not used
    times, note = capture.wall_times(plain, counter)
    assert times.tolist() == [315532800.0, 315532801.5, 315532824.0]  # 1980-01-01T00:00:00Z + 0, 1.5, 24 s
    assert capture.UNDATED_BASE == modes.MIN_TIME_S
    assert note.startswith("UNDATED") and "--time-base" in note


def test_surface_positions_and_their_references() -> None:
    """Crafted frames (valid CRC, encoded with the Annex 10 formulas) around Toulouse-Blagnac (LFBO)."""
    lfbo = (43.6293, 1.3678)
    enc = ref.encode_position
    t = 1717664319.0
    rows = [
        # aaaaaa: lands at LFBO: airborne pair at 2000 ft 5 km out, then one surface frame 60 s later.
        (t, enc("aaaaaa", 43.66, 1.40, False, alt_ft=2000)),  # 1
        (t + 1, enc("aaaaaa", 43.661, 1.401, True, alt_ft=2000)),  # 2
        (t + 60, enc("aaaaaa", *lfbo, False, surface=True)),  # 3 own reference: alone is enough
        # bbbbbb: only on the ground at LFBO: decoded against aaaaaa's low position, as a confirmed pair.
        (t + 30, enc("bbbbbb", 43.6280, 1.3660, False, surface=True)),  # 4
        (t + 32, enc("bbbbbb", 43.6280, 1.3660, True, surface=True)),  # 5
        # cccccc: a lone surface frame, no reference of its own: not guessed.
        (t + 40, enc("cccccc", 43.6300, 1.3700, False, surface=True)),  # 6
        # dddddd: on the ground at Bordeaux (200 km away): any solution near LFBO is wrong and refused.
        (t + 30, enc("dddddd", 44.8283, -0.7156, False, surface=True)),  # 7
        (t + 31, enc("dddddd", 44.8283, -0.7156, True, surface=True)),  # 8
    ]
    result = modes.frames_to_points(frames(rows), Rejects())
    pts = {p["row_no"]: p for p in result.points.to_pylist()}
    assert sorted(pts) == [1, 2, 3, 4, 5]
    for row, (lat, lon) in ((3, lfbo), (4, (43.6280, 1.3660)), (5, (43.6280, 1.3660))):
        assert pts[row]["on_ground"] is True and pts[row]["alt_baro_m"] is None
        assert (pts[row]["lat"], pts[row]["lon"]) == (pytest.approx(lat, abs=2e-4), pytest.approx(lon, abs=2e-4))
    assert "3 on the surface, 3 left without a position" in result.notes[0]
    # With a receiver reference at Bordeaux the pair of dddddd resolves there.
    near_bordeaux = modes.frames_to_points(frames(rows[6:]), Rejects(), reference=(44.83, -0.70)).points
    assert near_bordeaux["lat"].to_pylist() == [pytest.approx(44.8283, abs=2e-4)] * 2


@given(st.floats(min_value=-86, max_value=86), st.floats(min_value=-180, max_value=179.999), st.booleans())
def test_global_decode_recovers_an_encoded_pair(lat: float, lon: float, latest_odd: bool) -> None:
    """Even and odd frames of one position (Annex 10 encoding), decoded globally: the position again."""
    even, odd = (ref.encode_position("abcdef", lat, lon, o) for o in (False, True))
    (_, lat_e, lon_e), (_, lat_o, lon_o) = ref.cpr_fields(even), ref.cpr_fields(odd)
    got_lat, got_lon, ok = cpr.global_airborne(
        np.array([lat_e]), np.array([lon_e]), np.array([lat_o]), np.array([lon_o]), np.array([latest_odd])
    )
    try:  # right on a latitude-zone boundary the two quantised latitudes may fall in different zones
        ref.global_position(even, odd, newest_is_even=not latest_odd)
    except AssertionError:
        assert not ok[0]
        return
    assert ok[0]
    assert got_lat[0] == pytest.approx(lat, abs=0.0005)
    # CPR longitude cells widen as 1/cos(latitude) (fewer zones towards the poles): scale the tolerance.
    lon_tol = 0.0005 / max(math.cos(math.radians(lat)), 0.05)
    assert (got_lon[0] - lon + 180) % 360 - 180 == pytest.approx(0, abs=lon_tol)
