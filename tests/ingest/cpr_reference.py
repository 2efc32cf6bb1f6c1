"""An independent, scalar, bit-string implementation of the Mode-S formulas, for checking basewatch's
vectorised code: CRC by long division and CPR global/local decoding, written straight from
"The 1090 MHz Riddle" (Sun, 2nd ed., ch. 3 and 5) / ICAO Annex 10 vol. IV, one message at a time.
"""

from __future__ import annotations

import math

GENERATOR = "1111111111111010000001001"  # 0x1FFF409


def bits(hex_msg: str) -> str:
    return "".join(f"{int(c, 16):04b}" for c in hex_msg)


def crc_remainder(hex_msg: str) -> int:
    """Remainder of the whole message (data and parity) divided by the generator: 0 when intact."""
    n = int(hex_msg, 16)
    g = int(GENERATOR, 2)
    for i in range(len(hex_msg) * 4 - 1, 23, -1):
        if n >> i & 1:
            n ^= g << (i - 24)
    return n


def cpr_fields(hex_msg: str) -> tuple[int, int, int]:
    """(odd flag, lat_cpr, lon_cpr) of a DF17 airborne or surface position: ME bits 22, 23-39, 40-56."""
    b = bits(hex_msg)
    me = b[32:88]
    return int(me[21]), int(me[22:39], 2), int(me[39:56], 2)


def nl(lat: float) -> int:
    if lat == 0:
        return 59
    if abs(lat) == 87:
        return 2
    if abs(lat) > 87:
        return 1
    nz = 15
    a = 1 - math.cos(math.pi / (2 * nz))
    b = math.cos(math.pi / 180 * abs(lat)) ** 2
    return math.floor(2 * math.pi / math.acos(1 - a / b))


def global_position(even_hex: str, odd_hex: str, newest_is_even: bool) -> tuple[float, float]:
    _, lat_e, lon_e = cpr_fields(even_hex)
    _, lat_o, lon_o = cpr_fields(odd_hex)
    yz_e, yz_o = lat_e / 131072, lat_o / 131072
    xz_e, xz_o = lon_e / 131072, lon_o / 131072
    j = math.floor(59 * yz_e - 60 * yz_o + 0.5)
    rlat_e = 360 / 60 * (j % 60 + yz_e)
    rlat_o = 360 / 59 * (j % 59 + yz_o)
    if rlat_e >= 270:
        rlat_e -= 360
    if rlat_o >= 270:
        rlat_o -= 360
    assert nl(rlat_e) == nl(rlat_o), "pair spans two latitude zones"
    if newest_is_even:
        lat = rlat_e
        n = nl(lat)
        ni = max(n, 1)
        m = math.floor(xz_e * (n - 1) - xz_o * n + 0.5)
        lon = 360 / ni * (m % ni + xz_e)
    else:
        lat = rlat_o
        n = nl(lat)
        ni = max(n - 1, 1)
        m = math.floor(xz_e * (n - 1) - xz_o * n + 0.5)
        lon = 360 / ni * (m % ni + xz_o)
    if lon >= 180:
        lon -= 360
    return lat, lon


def local_position(hex_msg: str, ref_lat: float, ref_lon: float, surface: bool = False) -> tuple[float, float]:
    odd, lat_c, lon_c = cpr_fields(hex_msg)
    span = 90.0 if surface else 360.0
    d_lat = span / (60 - odd)
    yz = lat_c / 131072
    j = math.floor(ref_lat / d_lat) + math.floor((ref_lat % d_lat) / d_lat - yz + 0.5)
    lat = d_lat * (j + yz)
    d_lon = span / max(nl(lat) - odd, 1)
    xz = lon_c / 131072
    m = math.floor(ref_lon / d_lon) + math.floor((ref_lon % d_lon) / d_lon - xz + 0.5)
    lon = d_lon * (m + xz)
    if lon >= 180:
        lon -= 360
    return lat, lon


def airborne_altitude_ft(hex_msg: str) -> int:
    """Barometric altitude of a DF17 airborne position (25 ft steps, Q bit set)."""
    me = bits(hex_msg)[32:88]
    alt_bits = me[8:20]
    assert alt_bits[7] == "1", "only Q=1 (25 ft) altitudes here"
    n = int(alt_bits[:7] + alt_bits[8:], 2)
    return n * 25 - 1000


def velocity(hex_msg: str) -> tuple[float, float, int, int]:
    """(ground speed kt, track deg, vertical rate ft/min, GNSS minus baro ft) of a BDS0,9 subtype 1."""
    me = bits(hex_msg)[32:88]
    assert int(me[:5], 2) == 19 and int(me[5:8], 2) == 1
    v_ew = int(me[14:24], 2) - 1
    v_ns = int(me[25:35], 2) - 1
    vx = -v_ew if me[13] == "1" else v_ew
    vy = -v_ns if me[24] == "1" else v_ns
    speed = math.hypot(vx, vy)
    track = math.degrees(math.atan2(vx, vy)) % 360
    vr = (int(me[37:46], 2) - 1) * 64 * (-1 if me[36] == "1" else 1)
    dif = (int(me[49:56], 2) - 1) * 25 * (-1 if me[48] == "1" else 1)
    return speed, track, vr, dif


def encode_position(icao: str, lat: float, lon: float, odd: bool, surface: bool = False, alt_ft: int = 0) -> str:
    """A DF17 position frame (TC 11 airborne, Q=1 altitude; TC 7 surface, no movement) with a valid CRC."""
    i = int(odd)
    span = 90.0 if surface else 360.0
    d_lat = span / (60 - i)
    yz = math.floor(131072 * (lat % d_lat) / d_lat + 0.5)
    rlat = d_lat * (yz / 131072 + math.floor(lat / d_lat))
    d_lon = span / max(nl(rlat) - i, 1)
    xz = math.floor(131072 * (lon % d_lon) / d_lon + 0.5)
    cpr = f"{i:01b}{yz % 131072:017b}{xz % 131072:017b}"
    if surface:
        me = f"{7:05b}" + "0000001" + "0" + "0000000" + "0" + cpr  # TC, movement 1 (stopped), no track, T
    else:
        n = f"{(alt_ft + 1000) // 25:011b}"
        me = f"{11:05b}" + "00" + "0" + n[:7] + "1" + n[7:] + "0" + cpr
    assert len(me) == 56
    data = f"{0x8D:08b}" + f"{int(icao, 16):024b}" + me
    data_hex = f"{int(data, 2):022X}"
    parity = crc_remainder(data_hex + "000000")
    return data_hex + f"{parity:06X}"
