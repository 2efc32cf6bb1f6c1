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

import duckdb
import numpy as np
import pyarrow as pa

from basewatch.errors import InputFormatError
from basewatch.ingest.adsb.common import AnyArray, build_points, count_rejects, read_bytes
from basewatch.ingest.base import ReadResult, Rejects
from basewatch.units import FPM_TO_MS, FT_TO_M, KT_TO_MS

MSG_FIELDS = 22
OTHER_TYPES = ("SEL", "ID", "AIR", "STA", "CLK")
REASON_SHORT = f"MSG line with fewer than {MSG_FIELDS} fields"
REASON_NOT_SBS = "not an SBS line"
REASON_POSITION = "unreadable latitude/longitude"

# Line classes computed in SQL: 0 blank, 1 MSG, 2 other SBS type, 3 short MSG, 4 not SBS.
_CLASSIFY = f"""
CREATE TEMP TABLE classified AS
SELECT line_no, f, CASE
    WHEN trim(line) = '' THEN 0
    WHEN trim(f[1]) = 'MSG' AND len(f) >= {MSG_FIELDS} THEN 1
    WHEN trim(f[1]) IN {OTHER_TYPES!r} THEN 2
    WHEN trim(f[1]) = 'MSG' THEN 3
    ELSE 4 END AS cls
FROM (SELECT line_no, rtrim(line, chr(13) || chr(10)) AS line,
             string_split(rtrim(line, chr(13) || chr(10)), ',') AS f FROM lines)
"""

_STATE = """
WITH msg AS (
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
    FROM classified WHERE cls = 1
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
        con = duckdb.connect()
        try:
            con.register("lines", split_lines(data))
            con.execute(_CLASSIFY)
            counts = dict(con.execute("SELECT cls, count(*) FROM classified GROUP BY cls").fetchall())
            if not counts.get(1) and not counts.get(2):
                first = con.execute("SELECT min(line_no) FROM classified WHERE cls IN (3, 4)").fetchone()
                raise InputFormatError(path, "not an SBS-1 (BaseStation) log: no MSG lines",
                                       int(first[0]) if first and first[0] is not None else None)
            for cls, reason in ((3, REASON_SHORT), (4, REASON_NOT_SBS)):
                if counts.get(cls):
                    bad = con.execute("SELECT line_no FROM classified WHERE cls = ? ORDER BY line_no",
                                      [cls]).fetch_arrow_table()
                    count_rejects(rejects, reason, bad.column("line_no"))
            table = con.execute(_STATE, [FT_TO_M, KT_TO_MS, FPM_TO_MS]).fetch_arrow_table()
        except duckdb.Error as exc:
            raise InputFormatError(path, f"unreadable SBS log ({exc})") from exc
        finally:
            con.close()
        points = _points(table, rejects)
        notes: tuple[str, ...] = ()
        if counts.get(2):
            notes = (f"{counts[2]} SEL/ID/AIR/STA/CLK lines carry no position; skipped",)
        return ReadResult(tables={"aircraft_points": points}, rejects=rejects, counted=("aircraft_points",),
                          notes=notes)


def split_lines(data: bytes) -> pa.Table:
    """The bytes as a table (line_no, line) without copying the text: one row per line, 1-based."""
    buf = np.frombuffer(data, dtype=np.uint8)
    offsets = np.r_[0, np.flatnonzero(buf == 10) + 1].astype(np.int64)
    if offsets[-1] != len(data):
        offsets = np.r_[offsets, len(data)]
    n = len(offsets) - 1
    lines = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))
    return pa.table({"line_no": pa.array(np.arange(1, n + 1, dtype=np.int64)), "line": lines})


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
