"""SBS-1 BaseStation (port 30003) CSV logs, gzip or plain.

A MSG line has 22 fields: MSG, transmission type (1-8), session id, aircraft id, hex ident, flight
id, date generated (2024/12/14), time generated (12:00:01.123), date logged, time logged, callsign,
altitude (ft), ground speed (kt), track (deg), latitude, longitude, vertical rate (ft/min), squawk,
alert, emergency, SPI, is on ground (-1 = yes, 0 = no). Each message carries only some fields
(MSG,1 callsign; MSG,3 position and altitude; MSG,4 speed, track and vertical rate; ...).
Times are taken as UTC (the generated time; the logged time when the generated one is missing).

One point per MSG line with a position (latitude and longitude present: in practice MSG,3 airborne
and MSG,2 surface positions). Each point carries the latest callsign, altitude, speed, track,
vertical rate, squawk and ground flag of the same aircraft known at that line (this line included),
in file order. Messages without a position (MSG,1/4/5/6/7/8) only feed that state: they make no
point of their own, so they are neither accepted nor rejected. Other SBS line types (SEL, ID, AIR,
STA, CLK) are skipped with a note; any other non-blank line is rejected.
row_no: the 1-based line number. The whole file is parsed in DuckDB, no Python loop per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from basewatch.errors import InputFormatError
from basewatch.ingest.adsb.common import REASON_POSITION, AnyArray, build_points, count_rejects, read_bytes
from basewatch.ingest.base import ReadResult, Rejects
from basewatch.units import FPM_TO_MS, FT_TO_M, KT_TO_MS

MSG_FIELDS = 22
OTHER_TYPES = ("SEL", "ID", "AIR", "STA", "CLK")
REASON_SHORT = f"MSG line with fewer than {MSG_FIELDS} fields"
REASON_NOT_SBS = "not an SBS line"

# Line classes: 0 blank, 1 MSG, 2 other SBS type, 3 short MSG, 4 not SBS (computed with numpy on the bytes).
BLANK, MSG, OTHER, SHORT, NOT_SBS = range(5)
_MSG_LINES = "SELECT line_no, string_split(rtrim(line, chr(13) || chr(10)), ',') AS f FROM lines"

_STATE = f"""
WITH msg_lines AS ({_MSG_LINES}), msg AS (
    SELECT line_no,
        lower(trim(f[5])) AS hex,
        coalesce(
            epoch_us(TRY_CAST(replace(trim(f[7]), '/', '-') || ' ' || trim(f[8]) AS TIMESTAMP)),
            epoch_us(TRY_CAST(replace(trim(f[9]), '/', '-') || ' ' || trim(f[10]) AS TIMESTAMP))
        ) / 1e6 AS time_s,
        nullif(trim(f[11]), '') AS callsign,
        TRY_CAST(nullif(trim(f[12]), '') AS DOUBLE) AS alt_ft,
        TRY_CAST(nullif(trim(f[13]), '') AS DOUBLE) AS gs_kt,
        TRY_CAST(nullif(trim(f[14]), '') AS DOUBLE) AS track,
        nullif(trim(f[15]), '') AS lat_text,
        nullif(trim(f[16]), '') AS lon_text,
        TRY_CAST(nullif(trim(f[17]), '') AS DOUBLE) AS vrate_fpm,
        nullif(trim(f[18]), '') AS squawk,
        CASE trim(f[22]) WHEN '-1' THEN true WHEN '1' THEN true WHEN '0' THEN false END AS on_ground
    FROM msg_lines
), state AS (
    SELECT line_no, hex, time_s, lat_text, lon_text,
        last_value(callsign IGNORE NULLS) OVER w AS callsign,
        last_value(alt_ft IGNORE NULLS) OVER w AS alt_ft,
        last_value(gs_kt IGNORE NULLS) OVER w AS gs_kt,
        last_value(track IGNORE NULLS) OVER w AS track,
        last_value(vrate_fpm IGNORE NULLS) OVER w AS vrate_fpm,
        last_value(squawk IGNORE NULLS) OVER w AS squawk,
        last_value(on_ground IGNORE NULLS) OVER w AS on_ground
    FROM msg
    WINDOW w AS (PARTITION BY hex ORDER BY line_no ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT line_no, hex AS icao24, time_s,
    TRY_CAST(lat_text AS DOUBLE) AS lat, TRY_CAST(lon_text AS DOUBLE) AS lon,
    alt_ft * ? AS alt_baro_m, gs_kt * ? AS gs_ms, track AS track_deg, vrate_fpm * ? AS vrate_ms,
    callsign, squawk, on_ground
FROM state WHERE lat_text IS NOT NULL AND lon_text IS NOT NULL
ORDER BY line_no
"""


def _is_sbs_line(line: str) -> bool:
    fields = line.split(",")
    kind = fields[0].strip()
    return (kind == "MSG" and len(fields) >= MSG_FIELDS) or (kind in OTHER_TYPES and len(fields) >= 5)


@dataclass(frozen=True)
class SbsReader:
    name: str = "sbs"
    kind: str = "adsb"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = head.decode("utf-8", errors="replace")
        lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
        if len(lines) > 1 and not text.endswith("\n"):
            lines = lines[:-1]  # the head may cut the last line short
        if not lines:
            return False
        sbs = [_is_sbs_line(ln) for ln in lines]
        has_msg = any(ln.startswith("MSG,") for ln, ok in zip(lines, sbs, strict=True) if ok)
        return has_msg and sum(sbs) * 2 >= len(lines)

    def read(self, path: Path) -> ReadResult:
        data = read_bytes(path)
        if not data.strip():
            raise InputFormatError(path, "file is empty")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data = data.decode("utf-8", errors="replace").encode("utf-8")
        rejects = Rejects()
        offsets = line_offsets(data)
        lines = split_lines(data, offsets)
        cls = classify(data, offsets)
        counts = np.bincount(cls, minlength=5)
        line_no = np.arange(1, len(cls) + 1, dtype=np.int64)
        if not counts[MSG] and not counts[OTHER]:
            bad = line_no[(cls == SHORT) | (cls == NOT_SBS)]
            raise InputFormatError(path, "not an SBS-1 (BaseStation) log: no MSG lines",
                                   int(bad[0]) if len(bad) else None)
        for kind, reason in ((SHORT, REASON_SHORT), (NOT_SBS, REASON_NOT_SBS)):
            count_rejects(rejects, reason, pa.array(line_no[cls == kind]))
        is_msg = cls == MSG
        msg = pa.table({"line_no": pa.array(line_no[is_msg]), "line": lines.filter(pa.array(is_msg))})
        con = duckdb.connect()
        try:
            con.register("lines", msg)
            table = con.execute(_STATE, [FT_TO_M, KT_TO_MS, FPM_TO_MS]).fetch_arrow_table()
        except duckdb.Error as exc:
            raise InputFormatError(path, f"unreadable SBS log ({exc})") from exc
        finally:
            con.close()
        points = _points(table, rejects)
        notes: tuple[str, ...] = ()
        if counts[OTHER]:
            notes = (f"{counts[OTHER]} SEL/ID/AIR/STA/CLK lines carry no position; skipped",)
        return ReadResult(tables={"aircraft_points": points}, rejects=rejects, counted=("aircraft_points",),
                          notes=notes)


def split_lines(data: bytes, offsets: np.ndarray[Any, np.dtype[np.int64]]) -> pa.LargeStringArray:
    """The bytes as one string per line (with its line end), without copying the text."""
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))


def line_offsets(data: bytes) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Start offset of every line, then the end of the data."""
    buf = np.frombuffer(data, dtype=np.uint8)
    parts = [np.zeros(1, dtype=np.int64), (np.flatnonzero(buf == ord("\n")) + 1).astype(np.int64)]
    if not data.endswith(b"\n"):
        parts.append(np.array([len(data)], dtype=np.int64))
    return np.concatenate(parts)


def classify(data: bytes, offsets: np.ndarray[Any, np.dtype[np.int64]]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The class of every line (BLANK, MSG, OTHER, SHORT, NOT_SBS), from prefixes and comma counts."""
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, lengths = offsets[:-1], np.diff(offsets)
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    fields = _count_per_line(buf == ord(","), starts, lengths) + 1
    visible = _count_per_line(buf > ord(" "), starts, lengths)

    def prefix(p: bytes) -> np.ndarray[Any, np.dtype[np.bool_]]:
        ok = lengths >= len(p)
        for j, ch in enumerate(p):
            ok &= buf[np.minimum(starts + j, len(buf) - 1)] == ch
        return ok

    other = np.zeros(len(starts), dtype=np.bool_)
    for kind in OTHER_TYPES:
        other |= prefix(kind.encode() + b",")
    is_msg = prefix(b"MSG,")
    cls = np.full(len(starts), NOT_SBS, dtype=np.int64)
    cls[is_msg] = SHORT
    cls[is_msg & (fields >= MSG_FIELDS)] = MSG
    cls[other] = OTHER
    cls[visible == 0] = BLANK
    return cls


def _count_per_line(
    mask: np.ndarray[Any, np.dtype[np.bool_]], starts: np.ndarray[Any, np.dtype[np.int64]],
    lengths: np.ndarray[Any, np.dtype[np.int64]],
) -> np.ndarray[Any, np.dtype[np.int64]]:
    """True bytes of `mask` in each line. Summed in uint8 (fast; a widening reduceat is 20x slower), then
    lines of 256 bytes or more, where that can wrap, are recounted exactly."""
    counts = np.add.reduceat(mask.view(np.uint8), starts).astype(np.int64)
    for i in np.flatnonzero(lengths > 255).tolist():
        counts[i] = int(np.count_nonzero(mask[starts[i]:starts[i] + lengths[i]]))
    return counts


def _points(table: pa.Table, rejects: Rejects) -> pa.Table:
    import pyarrow.compute as pc

    lat, lon = table.column("lat"), table.column("lon")
    readable = pc.and_(pc.is_valid(lat), pc.is_valid(lon))
    count_rejects(rejects, REASON_POSITION, pc.filter(table.column("line_no"), pc.invert(readable)))
    table = table.filter(readable)
    names = ("icao24", "lat", "lon", "alt_baro_m", "gs_ms", "track_deg", "vrate_ms", "callsign", "squawk",
             "on_ground")
    columns: dict[str, AnyArray] = {k: table.column(k) for k in names}
    return build_points(columns, table.column("time_s"), table.column("line_no"), rejects)


READER = SbsReader()
