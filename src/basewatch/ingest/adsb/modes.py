"""Raw Mode-S frames (reception time, hex) -> aircraft points, decoded with rs1090 (MIT licence).

Shared by the beast, avr, opensky-raw and jet1090 readers. All steps are columnar (Arrow, numpy);
rs1090 decodes the frames in batches in Rust.

What is checked, and what counts (documented for users in the ingest notes):
- Rejected (counted by reason, with line/frame numbers): text that is not 14 or 28 hex digits; a length
  that does not fit the downlink format; a missing or implausible time; a bad CRC (DF11/17/18, whose
  parity is checked here); frames rs1090 cannot decode; Mode-S replies (DF0/4/5/16/20/21, whose
  parity is overlaid with the address and so cannot be checked) from an address that no checked frame
  of the file (DF11/17/18) nor the file's own address column confirms; an address that differs from
  the file's address column.
- Accepted: one point per resolved position (ADS-B airborne BDS0,5 or surface BDS0,6). Other frames
  (velocity, identification, squawk, altitude) are not records of their own: their state is merged
  into the points of the same aircraft and they are counted in the notes.
- Airborne positions: global decoding of an even/odd pair of the same aircraft no more than 10 s apart;
  the remaining frames are decoded locally against the nearest (in time, before or after, within 180 s)
  globally decoded position of the aircraft, and kept only if the implied speed is plausible.
- Surface positions need a reference: the nearest airborne position of the same aircraft within
  30 minutes, else the airborne position below 5000 ft of any aircraft nearest in time (within 30
  minutes: an aircraft on approach or departure near the same airport), else the receiver reference
  given by the reader. A surface decode more than 40 km from its reference is refused, and one made
  against a reference other than the aircraft's own must agree with an even/odd partner frame within
  10 s (a reference more than 45 NM off gives disagreeing solutions). Frames left without a position
  are counted in the notes.
- Merged state: velocity (BDS0,9) within 30 s, callsign and squawk last seen at or before the point.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import rs1090

from basewatch.ingest.adsb import cpr
from basewatch.ingest.base import AIRCRAFT_POINTS_SCHEMA, MAX_EXAMPLES, Rejects
from basewatch.units import FPM_TO_MS, FT_TO_M, KT_TO_MS

# Frames as readers hand them over: reception time (Unix seconds, UTC), hex text, 1-based line or frame
# number, and the aircraft address the file itself states (or null).
FRAME_SCHEMA = pa.schema(
    [("time_s", pa.float64()), ("hex", pa.string()), ("row_no", pa.int64()), ("icao24", pa.string())]
)

# Decoded messages: one row per usable frame (also built directly from pre-decoded jet1090 JSON).
# kind: 0 state only, 1 airborne position, 2 surface position.
MESSAGE_SCHEMA = pa.schema(
    [
        ("time_s", pa.float64()),
        ("row_no", pa.int64()),
        ("icao24", pa.string()),
        ("kind", pa.int8()),
        ("odd", pa.bool_()),
        ("lat_cpr", pa.int64()),
        ("lon_cpr", pa.int64()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("alt_ft", pa.float64()),
        ("alt_gnss", pa.bool_()),
        ("gs_kt", pa.float64()),
        ("track_deg", pa.float64()),
        ("vrate_fpm", pa.float64()),
        ("gmb_ft", pa.float64()),
        ("callsign", pa.string()),
        ("squawk", pa.string()),
    ]
)

MIN_TIME_S = 315532800.0  # 1980-01-01
MAX_TIME_S = 4102444800.0  # 2100-01-01
PAIR_MAX_S = 10.0
LOCAL_REF_MAX_S = 180.0
SURFACE_REF_MAX_S = 1800.0
STATE_MAX_AGE_S = 30.0
MAX_SPEED_KM_S = 0.6  # about Mach 1.8: faster implied motion means a wrong local decode
SURFACE_REF_MAX_KM = 40.0
SURFACE_MAX_KM_S = 0.05  # 100 kt: faster than any taxiing aircraft
LOW_FIX_MAX_FT = 5000.0  # airborne fixes this low are near an airport (a surface reference of last resort)
DECODE_BATCH = 5000
DECODE_CHUNK = 25000

SHORT_DF = frozenset({0, 4, 5, 11})
CHECKED_DF = frozenset({11, 17, 18})
REPLY_DF = frozenset({0, 4, 5, 16, 20, 21})

_HEX6 = re.compile(r"^[0-9a-fA-F]{6}$")

R_NOT_HEX = "not a Mode-S frame (14 or 28 hex digits)"
R_LENGTH = "frame length does not match its downlink format"
R_TIME = "missing or implausible time"
R_CRC = "bad CRC"
R_UNDECODABLE = "frame not decodable (rs1090)"
R_UNCONFIRMED = "reply from an address no checked frame confirms"
R_ADDRESS = "address differs from the file's icao24 column"


@dataclass(frozen=True)
class ModesResult:
    points: pa.Table
    notes: tuple[str, ...]


@dataclass(frozen=True)
class PositionStats:
    position_frames: int
    given: int
    global_pairs: int
    local: int
    surface: int
    unresolved: int
    state_frames: int


def reject_rows(rejects: Rejects, reason: str, rows: Sequence[int] | np.ndarray) -> None:
    """Count rejected rows under one reason, keeping the first few row numbers as examples."""
    ordered = np.sort(np.asarray(rows, dtype=np.int64))
    if not len(ordered):
        return
    for r in ordered[:MAX_EXAMPLES].tolist():
        rejects.add(reason, r)
    if len(ordered) > MAX_EXAMPLES:
        rejects.add(reason, int(ordered[MAX_EXAMPLES]), len(ordered) - MAX_EXAMPLES)


def frames_to_points(
    frames: pa.Table, rejects: Rejects, *, reference: tuple[float, float] | None = None
) -> ModesResult:
    """Check, decode and resolve a batch of frames (FRAME_SCHEMA) into AIRCRAFT_POINTS_SCHEMA points."""
    messages, decoded = decode_frames(frames, rejects)
    points, stats = messages_to_points(messages, reference=reference)
    notes = (
        f"{frames.num_rows} frames, {decoded} passed the checks; {messages.num_rows} decoded with rs1090 (the "
        "others, all-call, altitude and Comm-B replies, carry nothing a point uses); " + describe(stats),
    )
    return ModesResult(points, notes)


def describe(stats: PositionStats) -> str:
    if stats.position_frames == 0:
        return (
            f"no ADS-B position frames (BDS0,5/0,6) among them: nothing can be placed, no points; "
            f"{stats.state_frames} frames carried state only (altitude, identity, squawk, Comm-B)"
        )
    return (
        f"{stats.position_frames} position frames: "
        + (f"{stats.given} resolved by the producer, " if stats.given else "")
        + f"{stats.global_pairs} from even/odd pairs, "
        f"{stats.local} decoded locally, {stats.surface} on the surface, {stats.unresolved} left without "
        f"a position (no pair within {PAIR_MAX_S:g} s nor a reference); {stats.state_frames} frames carried "
        "state only (velocity, identity, squawk, altitude), merged into the points, not counted as records"
    )


# ----------------------------------------------------------------------------------------------- checks


def decode_frames(frames: pa.Table, rejects: Rejects) -> tuple[pa.Table, int]:
    """Check frames and decode the useful good ones with rs1090. Returns (messages, frames that passed)."""
    frames = frames.select(FRAME_SCHEMA.names).cast(FRAME_SCHEMA)
    rows = frames["row_no"].to_numpy()
    hex_col = pc.utf8_lower(pc.utf8_trim_whitespace(frames["hex"]))
    length = pc.utf8_length(hex_col)
    is_hex = pc.fill_null(
        pc.and_(pc.match_substring_regex(hex_col, "^[0-9a-f]+$"), pc.is_in(length, pa.array([14, 28]))), False
    )
    time_s = frames["time_s"]
    good_time = pc.fill_null(
        pc.and_(pc.greater_equal(time_s, MIN_TIME_S), pc.less(time_s, MAX_TIME_S)), False
    )
    hex_ok = is_hex.to_numpy(zero_copy_only=False)
    time_ok = good_time.to_numpy(zero_copy_only=False)
    reject_rows(rejects, R_NOT_HEX, rows[~hex_ok])
    reject_rows(rejects, R_TIME, rows[hex_ok & ~time_ok])
    keep = hex_ok & time_ok
    table = pa.table(
        {
            "time_s": time_s,
            "hex": hex_col,
            "row_no": frames["row_no"],
            "icao24": pc.utf8_lower(frames["icao24"]),
        }
    ).filter(pa.array(keep))
    hexes: list[str] = table["hex"].to_pylist()
    df, syndrome, address, mb0 = frame_fields(hexes)
    rows = table["row_no"].to_numpy()
    long_frame = np.array([len(h) == 28 for h in hexes], dtype=bool)
    length_ok = np.where(long_frame, ~np.isin(df, list(SHORT_DF)), np.isin(df, list(SHORT_DF)))
    crc_ok = np.where(np.isin(df, [17, 18]), syndrome == 0, True) & np.where(df == 11, syndrome < 0x80, True)
    reject_rows(rejects, R_LENGTH, rows[~length_ok])
    reject_rows(rejects, R_CRC, rows[length_ok & ~crc_ok])
    ok = length_ok & crc_ok
    ok &= _confirmed(df, address, table["icao24"], rows, ok, rejects)
    # Only frames that feed a point go through rs1090: ADS-B, squawk replies (DF5/21) and Comm-B
    # identification (DF20 with BDS2,0). All-call, altitude and other Comm-B replies are checked, not used.
    useful = ok & (np.isin(df, [5, 17, 18, 21]) | ((df == 20) & (mb0 == 0x20)))
    table = table.filter(pa.array(useful))
    parts = [_decode_chunk(table.slice(i, DECODE_CHUNK), rejects) for i in range(0, table.num_rows, DECODE_CHUNK)]
    messages = pa.concat_tables(parts) if parts else MESSAGE_SCHEMA.empty_table()
    return messages, int(ok.sum()) - (table.num_rows - messages.num_rows)


def _decode_chunk(table: pa.Table, rejects: Rejects) -> pa.Table:
    """rs1090 on one chunk of frames (it returns pickled Python objects: chunks bound the memory)."""
    decoded: list[Any] = rs1090.decode(table["hex"].to_pylist(), batch=DECODE_BATCH)
    got = np.array([d is not None for d in decoded], dtype=bool)
    reject_rows(rejects, R_UNDECODABLE, table["row_no"].to_numpy()[~got])
    table = table.filter(pa.array(got))
    return message_columns([d for d in decoded if d is not None], table["time_s"], table["row_no"])


@functools.cache
def _crc_table() -> tuple[int, ...]:
    """Byte-wise table of the Mode-S CRC-24 (generator 0x1FFF409), most significant bit first."""
    table = []
    for byte in range(256):
        c = byte << 16
        for _ in range(8):
            c = ((c << 1) ^ 0xFFF409) if c & 0x800000 else (c << 1)
            c &= 0xFFFFFF
        table.append(c)
    return tuple(table)


def frame_fields(hexes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: downlink format, CRC syndrome (parity field XOR computed CRC), address, first MB byte.

    The address is the AA field of DF11/17/18 and the syndrome of replies (their parity is overlaid
    with the address).
    """
    n = len(hexes)
    df, syndrome, address, mb0 = (np.zeros(n, dtype=np.int64) for _ in range(4))
    table = np.array(_crc_table(), dtype=np.int64)
    lengths = np.array([len(h) for h in hexes], dtype=np.int64)
    for nchars in (14, 28):
        sel = np.flatnonzero(lengths == nchars)
        if not len(sel):
            continue
        data = np.frombuffer(bytes.fromhex("".join(hexes[i] for i in sel)), dtype=np.uint8)
        data = data.reshape(len(sel), nchars // 2).astype(np.int64)
        first = data[:, 0] >> 3
        df[sel] = np.where(first >= 24, 24, first)
        crc = np.zeros(len(sel), dtype=np.int64)
        for k in range(nchars // 2 - 3):
            crc = ((crc << 8) & 0xFFFFFF) ^ table[((crc >> 16) ^ data[:, k]) & 0xFF]
        parity = (data[:, -3] << 16) | (data[:, -2] << 8) | data[:, -1]
        syndrome[sel] = crc ^ parity
        aa = (data[:, 1] << 16) | (data[:, 2] << 8) | data[:, 3]
        address[sel] = np.where(np.isin(df[sel], list(CHECKED_DF)), aa, syndrome[sel])
        mb0[sel] = data[:, 4]
    return df, syndrome, address, mb0


def _confirmed(
    df: np.ndarray, address: np.ndarray, stated: pa.ChunkedArray, rows: np.ndarray, ok: np.ndarray,
    rejects: Rejects,
) -> np.ndarray:
    """Frames whose address holds: it agrees with the file's address column, and a reply's address is
    confirmed by a checked frame (DF11/17/18) of the file or by that column."""
    stated_int = np.array(
        [int(a, 16) if a and _HEX6.match(a) else -1 for a in stated.to_pylist()], dtype=np.int64
    )
    has_stated = stated_int >= 0
    mismatch = ok & has_stated & (stated_int != address)
    reject_rows(rejects, R_ADDRESS, rows[mismatch])
    confirmed = np.union1d(address[ok & np.isin(df, list(CHECKED_DF)) & ~mismatch], stated_int[has_stated])
    unconfirmed = ok & ~mismatch & np.isin(df, list(REPLY_DF)) & ~np.isin(address, confirmed)
    reject_rows(rejects, R_UNCONFIRMED, rows[unconfirmed])
    return np.asarray(~mismatch & ~unconfirmed)


def message_columns(
    decoded: list[dict[str, Any]], time_s: pa.ChunkedArray | pa.Array, row_no: pa.ChunkedArray | pa.Array
) -> pa.Table:
    """The fields basewatch uses, from rs1090's (or jet1090's) dictionaries, as a MESSAGE_SCHEMA table.

    Positions already resolved by the producer (latitude/longitude, as in jet1090 output) are kept.
    """

    def col(key: str) -> list[Any]:
        return [d.get(key) for d in decoded]

    bds = col("bds")
    dfs = col("df")
    adsb = [x in ("17", "18", None) for x in dfs]
    lats, lons = col("latitude"), col("longitude")
    kind = [
        2 if a and b == "06" else 1 if (a and b == "05") or (b is None and la is not None) else 0
        for a, b, la in zip(adsb, bds, lats, strict=True)
    ]
    source = col("source")
    callsign = [
        d.get("callsign") or (d["bds20"].get("callsign") if isinstance(d.get("bds20"), dict) else None)
        for d in decoded
    ]
    altitude = [a if k == 1 else None for a, k in zip(col("altitude"), kind, strict=True)]
    table = pa.table(
        {
            "time_s": time_s,
            "row_no": row_no,
            "icao24": pa.array(col("icao24"), pa.string()),
            "kind": pa.array(kind, pa.int8()),
            "odd": pa.array([None if p is None else p == "odd" for p in col("parity")], pa.bool_()),
            "lat_cpr": pa.array(col("lat_cpr"), pa.int64()),
            "lon_cpr": pa.array(col("lon_cpr"), pa.int64()),
            "lat": pa.array(lats, pa.float64()),
            "lon": pa.array(lons, pa.float64()),
            "alt_ft": pa.array(altitude, pa.float64()),
            "alt_gnss": pa.array([s == "GNSS" for s in source], pa.bool_()),
            "gs_kt": pa.array(col("groundspeed"), pa.float64()),
            "track_deg": pa.array(col("track"), pa.float64()),
            "vrate_fpm": pa.array(col("vertical_rate"), pa.float64()),
            "gmb_ft": pa.array(col("geo_minus_baro"), pa.float64()),
            "callsign": clean_callsign(pa.array(callsign, pa.string())),
            "squawk": pa.array(col("squawk"), pa.string()),
        }
    )
    return table


def clean_callsign(values: pa.Array) -> pa.Array:
    """Callsigns without padding; empty ones and ones with undefined characters ('#') become null."""
    trimmed = pc.utf8_trim(values, " _#")
    bad = pc.or_(pc.equal(trimmed, ""), pc.match_substring(trimmed, "#"))
    return pc.if_else(pc.fill_null(bad, True), pa.scalar(None, pa.string()), trimmed)


# -------------------------------------------------------------------------------------------- positions


def messages_to_points(
    messages: pa.Table, *, reference: tuple[float, float] | None = None
) -> tuple[pa.Table, PositionStats]:
    """Resolve CPR positions (where lat/lon are not already given), merge state, emit one point each."""
    messages = messages.select(MESSAGE_SCHEMA.names).cast(MESSAGE_SCHEMA)
    group = pc.dictionary_encode(messages["icao24"]).combine_chunks().indices.to_numpy(zero_copy_only=False)
    t = _np(messages["time_s"])
    order = np.lexsort((_np(messages["row_no"]), t, group)) if messages.num_rows else np.array([], np.int64)
    m = messages.take(pa.array(order, pa.int64()))
    g = group[order].astype(np.int64)
    t = t[order]
    kind = _np(m["kind"], 0).astype(np.int64)
    lat, lon = _np(m["lat"]), _np(m["lon"])
    given = ~np.isnan(lat) & ~np.isnan(lon)
    has_cpr = ~np.isnan(_np(m["lat_cpr"])) & ~np.isnan(_np(m["lon_cpr"])) & m["odd"].is_valid().to_numpy(
        zero_copy_only=False
    )
    odd = _np(m["odd"], False).astype(bool)
    lat_cpr = _np(m["lat_cpr"], 0).astype(np.int64)
    lon_cpr = _np(m["lon_cpr"], 0).astype(np.int64)
    air = (kind == 1) & has_cpr & ~given
    n_global, n_local = _resolve_airborne(g, t, air, odd, lat_cpr, lon_cpr, lat, lon)
    alt = _np(m["alt_ft"])
    surf = (kind == 2) & has_cpr & ~given
    n_surface = _resolve_surface(g, t, surf, odd, lat_cpr, lon_cpr, lat, lon, kind == 1, alt, reference)
    positions = (kind > 0) & ~np.isnan(lat)
    stats = PositionStats(
        position_frames=int((kind > 0).sum()),
        given=int(((kind > 0) & given).sum()),
        global_pairs=n_global,
        local=n_local,
        surface=n_surface,
        unresolved=int(((kind > 0) & np.isnan(lat)).sum()),
        state_frames=int((kind == 0).sum()),
    )
    return _points(m, g, t, kind, lat, lon, positions), stats


def _np(col: pa.ChunkedArray | pa.Array, fill: Any = None) -> np.ndarray:
    """A numeric/boolean column as numpy; nulls become NaN (or `fill`)."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if fill is not None:
        arr = pc.fill_null(arr, fill)
    elif pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        arr = arr.cast(pa.float64())
    return np.array(arr.to_numpy(zero_copy_only=False))  # a writable copy


def _resolve_airborne(
    g: np.ndarray, t: np.ndarray, air: np.ndarray, odd: np.ndarray, lat_cpr: np.ndarray, lon_cpr: np.ndarray,
    lat: np.ndarray, lon: np.ndarray,
) -> tuple[int, int]:
    """Fill lat/lon (in place) of airborne frames: global pairs first, then local decoding."""
    last_even = cpr.last_index(g, air & ~odd)
    last_odd = cpr.last_index(g, air & odd)
    partner = np.where(odd, last_even, last_odd)
    pair = air & (partner >= 0)
    p = np.maximum(partner, 0)
    pair &= (t - t[p]) <= PAIR_MAX_S
    even_i = np.where(odd, p, np.arange(len(g)))
    odd_i = np.where(odd, np.arange(len(g)), p)
    glat, glon, ok = cpr.global_airborne(lat_cpr[even_i], lon_cpr[even_i], lat_cpr[odd_i], lon_cpr[odd_i], odd)
    fixed = pair & ok
    lat[fixed], lon[fixed] = glat[fixed], glon[fixed]
    todo = air & ~fixed
    ref = _nearest(g, t, fixed, LOCAL_REF_MAX_S)
    use = todo & (ref >= 0)
    r = np.maximum(ref, 0)
    llat, llon = cpr.local_decode(lat_cpr, lon_cpr, odd, lat[r], lon[r], np.zeros(len(g), dtype=bool))
    dist = cpr.haversine_km(lat[r], lon[r], llat, llon)
    use &= dist <= 5.0 + MAX_SPEED_KM_S * np.abs(t - t[r])
    lat[use], lon[use] = llat[use], llon[use]
    return int(fixed.sum()), int(use.sum())


def _nearest(g: np.ndarray, t: np.ndarray, known: np.ndarray, max_s: float) -> np.ndarray:
    """Index of the nearest row in time (same group) where `known` holds, within max_s seconds, else -1."""
    before = cpr.last_index(g, known)
    after = cpr.next_index(g, known)
    dt_before = np.where(before >= 0, t - t[np.maximum(before, 0)], np.inf)
    dt_after = np.where(after >= 0, t[np.maximum(after, 0)] - t, np.inf)
    best = np.where(dt_before <= dt_after, before, after)
    return np.where(np.minimum(dt_before, dt_after) <= max_s, best, -1)


def _resolve_surface(
    g: np.ndarray, t: np.ndarray, surf: np.ndarray, odd: np.ndarray, lat_cpr: np.ndarray, lon_cpr: np.ndarray,
    lat: np.ndarray, lon: np.ndarray, airborne: np.ndarray, alt: np.ndarray, reference: tuple[float, float] | None,
) -> int:
    """Fill lat/lon (in place) of surface frames, decoded locally against a reference position."""
    if not surf.any():
        return 0
    known_air = airborne & ~np.isnan(lat)
    own = _nearest(g, t, known_air, SURFACE_REF_MAX_S)
    r = np.maximum(own, 0)
    ref_lat = np.where(own >= 0, lat[r], np.nan)
    ref_lon = np.where(own >= 0, lon[r], np.nan)
    low = np.flatnonzero(known_air & (alt <= LOW_FIX_MAX_FT))
    if len(low):
        low = low[np.argsort(t[low], kind="stable")]
        k = _nearest_in_time(t[low], t)
        near = np.abs(t[low[k]] - t) <= SURFACE_REF_MAX_S
        ref_lat = np.where(np.isnan(ref_lat) & near, lat[low[k]], ref_lat)
        ref_lon = np.where(np.isnan(ref_lon) & near, lon[low[k]], ref_lon)
    if reference is not None:
        ref_lat = np.where(np.isnan(ref_lat), reference[0], ref_lat)
        ref_lon = np.where(np.isnan(ref_lon), reference[1], ref_lon)
    use = surf & ~np.isnan(ref_lat)
    slat, slon = cpr.local_decode(
        lat_cpr, lon_cpr, odd, np.nan_to_num(ref_lat), np.nan_to_num(ref_lon), np.ones(len(g), dtype=bool)
    )
    use &= cpr.haversine_km(np.nan_to_num(ref_lat), np.nan_to_num(ref_lon), slat, slon) <= SURFACE_REF_MAX_KM
    # A reference that is not the aircraft's own may be more than half a zone (45 NM) away, giving a wrong
    # solution: the even and odd frames (zones of 90/60 and 90/59 degrees) then disagree by kilometres.
    use &= (own >= 0) | _pair_agrees(g, t, use, odd, slat, slon)
    lat[use], lon[use] = slat[use], slon[use]
    return int(use.sum())


def _pair_agrees(
    g: np.ndarray, t: np.ndarray, ok: np.ndarray, odd: np.ndarray, slat: np.ndarray, slon: np.ndarray
) -> np.ndarray:
    """Rows whose decode agrees with that of an opposite-parity frame of the aircraft within PAIR_MAX_S."""
    agrees = np.zeros(len(g), dtype=bool)
    for find in (cpr.last_index, cpr.next_index):
        other = np.where(odd, find(g, ok & ~odd), find(g, ok & odd))
        o = np.maximum(other, 0)
        dt = np.abs(t - t[o])
        close = (other >= 0) & (dt <= PAIR_MAX_S)
        agrees |= close & (cpr.haversine_km(slat, slon, slat[o], slon[o]) <= 0.2 + SURFACE_MAX_KM_S * dt)
    return agrees


def _nearest_in_time(sorted_t: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Index into sorted_t (non-empty, ascending) of the time nearest to each t."""
    right = np.clip(np.searchsorted(sorted_t, t), 0, len(sorted_t) - 1)
    left = np.maximum(right - 1, 0)
    return np.where(np.abs(sorted_t[left] - t) <= np.abs(sorted_t[right] - t), left, right)


# ------------------------------------------------------------------------------------------- the points


def _points(
    m: pa.Table, g: np.ndarray, t: np.ndarray, kind: np.ndarray, lat: np.ndarray, lon: np.ndarray,
    positions: np.ndarray,
) -> pa.Table:
    """One AIRCRAFT_POINTS_SCHEMA row per resolved position, with the aircraft's state merged in."""
    gs, track, vrate, gmb = _np(m["gs_kt"]), _np(m["track_deg"]), _np(m["vrate_fpm"]), _np(m["gmb_ft"])
    velocity = (kind == 0) & ~np.isnan(gs)
    v = cpr.last_index(g, velocity)
    vi = np.maximum(v, 0)
    fresh = (v >= 0) & (t - t[vi] <= STATE_MAX_AGE_S)
    surface = kind == 2
    gs_kt = np.where(surface, gs, np.where(fresh, gs[vi], np.nan))
    track_deg = np.where(surface, track, np.where(fresh, track[vi], np.nan))
    vrate_fpm = np.where(fresh & ~surface, vrate[vi], np.nan)
    alt = _np(m["alt_ft"])
    gnss = _np(m["alt_gnss"], False).astype(bool)
    baro_ft = np.where(gnss, np.nan, alt)
    gmb_fresh = np.where(fresh, gmb[vi], np.nan)
    geom_ft = np.where(gnss, alt, baro_ft + gmb_fresh)
    callsign = _last_string(m["callsign"], g)
    squawk = _last_string(m["squawk"], g)
    sel = np.flatnonzero(positions)
    take = pa.array(sel, pa.int64())
    micros = np.round(t[sel] * 1e6).astype(np.int64)
    return pa.table(
        {
            "icao24": m["icao24"].take(take),
            "time": pa.array(micros, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
            "lat": _float(lat[sel]),
            "lon": _float(lon[sel]),
            "alt_baro_m": _float(baro_ft[sel] * FT_TO_M),
            "alt_geom_m": _float(geom_ft[sel] * FT_TO_M),
            "gs_ms": _float(gs_kt[sel] * KT_TO_MS),
            "track_deg": _float(track_deg[sel]),
            "vrate_ms": _float(vrate_fpm[sel] * FPM_TO_MS),
            "callsign": callsign.take(take),
            "squawk": squawk.take(take),
            "on_ground": pa.array(surface[sel], pa.bool_()),
            "new_leg": pa.nulls(len(sel), pa.bool_()),
            "row_no": m["row_no"].take(take),
        },
        schema=AIRCRAFT_POINTS_SCHEMA,
    )


def _float(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.float64(), from_pandas=True)


def _last_string(col: pa.ChunkedArray, g: np.ndarray) -> pa.Array:
    """For each row, the last non-null value of a string column at or before it in the same group."""
    valid = col.is_valid().to_numpy(zero_copy_only=False)
    idx = cpr.last_index(g, valid)
    values = col.combine_chunks().take(pa.array(np.maximum(idx, 0), pa.int64())) if len(g) else col.combine_chunks()
    return pc.if_else(pa.array(idx >= 0), values, pa.scalar(None, pa.string()))
