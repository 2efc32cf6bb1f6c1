"""Compact Position Reporting (CPR) decoding, vectorised with numpy.

Formulas of ICAO Annex 10 vol. IV (and "The 1090 MHz Riddle", ch. 5 and 6): NZ = 15 latitude zones per
quadrant; airborne positions use a 360 degree cycle, surface positions a 90 degree cycle. Inputs are
the raw 17-bit CPR counts (0..131071) and the CPR format bit (0 even, 1 odd).

Also the per-group "last/next row with a property" index helpers used to pair frames of one aircraft
without a Python loop (rows must be sorted by group, then time).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

NZ = 15
CPR_SCALE = float(1 << 17)
AIRBORNE_CYCLE = 360.0
SURFACE_CYCLE = 90.0


def nl(lat: FloatArray) -> IntArray:
    """Number of longitude zones at a latitude (the NL function), for an array of latitudes."""
    a = np.abs(np.asarray(lat, dtype=np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        cos_lat = np.cos(np.radians(np.minimum(a, 87.0)))
        inner = 1.0 - (1.0 - np.cos(np.pi / (2 * NZ))) / (cos_lat * cos_lat)
        zones = np.floor(2.0 * np.pi / np.arccos(np.clip(inner, -1.0, 1.0)))
    zones = np.where(a >= 87.0, np.where(a == 87.0, 2.0, 1.0), zones)
    zones = np.clip(np.nan_to_num(zones, nan=1.0), 1.0, 4.0 * NZ - 1.0)
    result: IntArray = zones.astype(np.int64)
    return result


def _wrap_lon(lon: FloatArray) -> FloatArray:
    return np.where(lon >= 180.0, lon - 360.0, lon)


def global_airborne(
    lat_even: IntArray, lon_even: IntArray, lat_odd: IntArray, lon_odd: IntArray, latest_odd: BoolArray
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Globally unambiguous airborne positions from even/odd pairs.

    The position is that of the most recent frame of each pair (odd when latest_odd). Returns
    (lat, lon, ok); ok is False where the two frames lie in different latitude zones.
    """
    yz_e = np.asarray(lat_even, dtype=np.float64) / CPR_SCALE
    yz_o = np.asarray(lat_odd, dtype=np.float64) / CPR_SCALE
    xz_e = np.asarray(lon_even, dtype=np.float64) / CPR_SCALE
    xz_o = np.asarray(lon_odd, dtype=np.float64) / CPR_SCALE
    j = np.floor(59.0 * yz_e - 60.0 * yz_o + 0.5)
    lat_e = (AIRBORNE_CYCLE / 60.0) * (np.mod(j, 60.0) + yz_e)
    lat_o = (AIRBORNE_CYCLE / 59.0) * (np.mod(j, 59.0) + yz_o)
    lat_e = np.where(lat_e >= 270.0, lat_e - 360.0, lat_e)
    lat_o = np.where(lat_o >= 270.0, lat_o - 360.0, lat_o)
    nl_e = nl(lat_e)
    nl_o = nl(lat_o)
    lat = np.where(latest_odd, lat_o, lat_e)
    nl_lat = np.where(latest_odd, nl_o, nl_e)
    ni = np.maximum(nl_lat - latest_odd.astype(np.int64), 1)
    m = np.floor(xz_e * (nl_lat - 1) - xz_o * nl_lat + 0.5)
    xz = np.where(latest_odd, xz_o, xz_e)
    lon = _wrap_lon((AIRBORNE_CYCLE / ni) * (np.mod(m, ni) + xz))
    ok = (nl_e == nl_o) & (np.abs(lat) <= 90.0)
    return lat, lon, ok


def local_decode(
    lat_cpr: IntArray, lon_cpr: IntArray, odd: BoolArray, ref_lat: FloatArray, ref_lon: FloatArray, surface: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Locally unambiguous positions: the solution nearest to a reference position.

    Valid only when the reference is within half a zone of the true position (about 180 NM airborne,
    45 NM on the surface).
    """
    cycle = np.where(surface, SURFACE_CYCLE, AIRBORNE_CYCLE)
    i = odd.astype(np.int64)
    yz = np.asarray(lat_cpr, dtype=np.float64) / CPR_SCALE
    xz = np.asarray(lon_cpr, dtype=np.float64) / CPR_SCALE
    dlat = cycle / (4 * NZ - i)
    # floor(r/d) + floor(mod(r, d)/d - z + 1/2) of the standard, written as one floor: the same value,
    # without the rounding of mod() for tiny negative references (mod(-1e-300, d) == d).
    j = np.floor(ref_lat / dlat - yz + 0.5)
    lat = dlat * (j + yz)
    ni = np.maximum(nl(lat) - i, 1)
    dlon = cycle / ni
    m = np.floor(ref_lon / dlon - xz + 0.5)
    lon = dlon * (m + xz)
    lon = np.mod(lon + 180.0, 360.0) - 180.0
    return lat, lon


def last_index(group: IntArray, mask: BoolArray) -> IntArray:
    """For each row, the index of the last row at or before it in the same group where mask holds, else -1.

    Rows must be sorted by group.
    """
    n = len(group)
    idx = np.where(mask, np.arange(n, dtype=np.int64), -1)
    idx = np.maximum.accumulate(idx) if n else idx
    safe = np.maximum(idx, 0)
    return np.where((idx >= 0) & (group[safe] == group), idx, -1)


def next_index(group: IntArray, mask: BoolArray) -> IntArray:
    """For each row, the index of the first row at or after it in the same group where mask holds, else -1."""
    n = len(group)
    idx = np.where(mask, np.arange(n, dtype=np.int64), n)
    idx = np.minimum.accumulate(idx[::-1])[::-1] if n else idx
    safe = np.minimum(idx, max(n - 1, 0))
    return np.where((idx < n) & (group[safe] == group), idx, -1)


def haversine_km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Great-circle distance in km (spherical Earth, mean radius), element-wise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    result: FloatArray = 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return result
