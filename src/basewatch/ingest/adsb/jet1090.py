"""jet1090 / rs1090 JSON lines (gzip or not), e.g. `{"timestamp": 1717664319.14, "frame": "8c3461ce...", ...}`.

Two flavours, chosen from the first record:
- with the raw frame (`frame`, or `rawmsg`/`hex`, plus `timestamp`): the frames are decoded again with
  rs1090 and checked like every raw Mode-S input (CRC, address confirmation, our own CPR resolution);
  the decoded fields in the file are ignored.
- decoded only (`icao24`, `timestamp`, and `latitude`/`longitude`, `altitude`, `groundspeed`, `track`,
  `vertical_rate`, `callsign`, `squawk`...): taken as given (no CRC to check); CPR fields without a
  position (`lat_cpr`, `lon_cpr`, `parity`) are resolved like raw frames.
row_no is the 1-based line number. Units in the file are feet, knots and ft/min.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.json as pa_json

from basewatch.errors import InputFormatError
from basewatch.ingest import files
from basewatch.ingest.adsb import capture, modes
from basewatch.ingest.base import ReadResult, Rejects
from basewatch.ingest.files import parse_json

FRAME_KEYS = ("frame", "rawmsg", "hex")
NUMERIC_KEYS = ("latitude", "longitude", "altitude", "groundspeed", "track", "vertical_rate", "geo_minus_baro",
                "lat_cpr", "lon_cpr")
CPR_KEYS = ("lat_cpr", "lon_cpr")
CPR_LIMIT = 1 << 17
_ICAO = re.compile(r"^[0-9a-f]{6}$")

R_JSON = "not a JSON object"
R_NO_FRAME = "record without a frame"
R_ICAO = "missing or malformed icao24"
R_FIELD = "field of the wrong type"
R_LATLON = "latitude or longitude out of range"
R_CPR = "CPR field out of range (17 bits)"


def _first_record(text: str) -> dict[str, Any] | None:
    for line in files.split_lines(text):
        if line.strip():
            try:
                value = parse_json(line)
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None


def _frame_key(record: dict[str, Any]) -> str | None:
    return next((k for k in FRAME_KEYS if isinstance(record.get(k), str)), None)


@dataclass(frozen=True)
class Jet1090Reader:
    name: str = "jet1090"
    kind: str = "adsb"

    def sniff(self, head: bytes, path: Path) -> bool:
        text = head.decode("utf-8", errors="replace")
        if not text.lstrip().startswith("{"):
            return False
        first = _first_record(text.split("\n", 1)[0] if "\n" in text else text)
        return first is not None and "timestamp" in first and (_frame_key(first) is not None or "icao24" in first)

    def read(self, path: Path) -> ReadResult:
        data, not_utf8 = files.utf8_lines(capture.read_bytes(path))  # a line that is not UTF-8: one reject
        text = data.decode("utf-8")
        first = _first_record(text)
        if first is None or "timestamp" not in first:
            raise InputFormatError(path, "not jet1090 JSON lines (first record is not an object with a timestamp)", 1)
        rejects = Rejects()
        for line in not_utf8:
            rejects.add(files.REASON_UTF8, line)
        key = _frame_key(first)
        if key is None:
            return _read_decoded(text, rejects)
        frames = _fast_frames(data, key)
        if frames is None:
            frames = _slow_frames(text, key, rejects)
        result = modes.frames_to_points(frames, rejects)
        return ReadResult(
            tables={"aircraft_points": result.points}, rejects=rejects, counted=("aircraft_points",),
            notes=(f"raw frames ('{key}') decoded again with rs1090; the decoded fields of the file are not used",
                   *result.notes),
        )


def _records(text: str, rejects: Rejects) -> tuple[list[dict[str, Any]], list[int]]:
    records: list[dict[str, Any]] = []
    numbers: list[int] = []
    for no, line in enumerate(files.split_lines(text), start=1):
        if not line.strip():
            continue
        try:
            value = parse_json(line)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            rejects.add(R_JSON, no)
            continue
        records.append(value)
        numbers.append(no)
    return records, numbers


def _time(record: dict[str, Any]) -> float | None:
    t = record.get("timestamp")
    return float(t) if isinstance(t, (int, float)) and not isinstance(t, bool) else None


def _fast_frames(data: bytes, key: str) -> pa.Table | None:
    """Timestamps and frames parsed by Arrow's JSON reader, when every line is a clean record (else None)."""
    if not data.strip() or b"\n\n" in data or b"\r" in data or data.startswith(b"\n"):
        return None
    schema = pa.schema([("timestamp", pa.float64()), (key, pa.string())])
    try:
        table = pa_json.read_json(
            pa.BufferReader(data),
            parse_options=pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if table.num_rows != lines or table[key].null_count or table["timestamp"].null_count:
        return None
    return pa.table(
        {
            "time_s": table["timestamp"],
            "hex": table[key],
            "row_no": pa.array(np.arange(1, lines + 1, dtype=np.int64)),
            "icao24": pa.nulls(lines, pa.string()),
        }
    )


def _slow_frames(text: str, key: str, rejects: Rejects) -> pa.Table:
    """Line by line, so that each bad line is counted with its number."""
    records, numbers = _records(text, rejects)
    times, hexes, rows = [], [], []
    for record, no in zip(records, numbers, strict=True):
        frame = record.get(key)
        if not isinstance(frame, str):
            rejects.add(R_NO_FRAME, no)
            continue
        times.append(_time(record))
        hexes.append(frame)
        rows.append(no)
    return pa.table(
        {
            "time_s": pa.array(times, pa.float64()),
            "hex": pa.array(hexes, pa.string()),
            "row_no": pa.array(rows, pa.int64()),
            "icao24": pa.nulls(len(rows), pa.string()),
        }
    )


def _bad_field(record: dict[str, Any]) -> bool:
    for k in NUMERIC_KEYS:
        v = record.get(k)
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)):
            return True
    return any(record.get(k) is not None and not isinstance(record.get(k), str) for k in ("callsign", "squawk"))


def _read_decoded(text: str, rejects: Rejects) -> ReadResult:
    records, numbers = _records(text, rejects)
    good: list[dict[str, Any]] = []
    times: list[float | None] = []
    rows: list[int] = []
    for record, no in zip(records, numbers, strict=True):
        icao = record.get("icao24")
        t = _time(record)
        if not isinstance(icao, str) or not _ICAO.match(icao.lower()):
            rejects.add(R_ICAO, no)
        elif t is None or not modes.MIN_TIME_S <= t < modes.MAX_TIME_S:
            rejects.add(modes.R_TIME, no)
        elif _bad_field(record):
            rejects.add(R_FIELD, no)
        elif not _cpr_ok(record):
            rejects.add(R_CPR, no)
        elif not _latlon_ok(record):
            rejects.add(R_LATLON, no)
        else:
            record["icao24"] = icao.lower()
            record["df"] = str(record["df"]) if record.get("df") is not None else None
            good.append(record)
            times.append(t)
            rows.append(no)
    messages = modes.message_columns(good, pa.array(times, pa.float64()), pa.array(rows, pa.int64()))
    points, stats = modes.messages_to_points(messages)
    return ReadResult(
        tables={"aircraft_points": points}, rejects=rejects, counted=("aircraft_points",),
        notes=(f"{len(records)} decoded records taken as given (no frame to check); " + modes.describe(stats),),
    )


def _cpr_ok(record: dict[str, Any]) -> bool:
    """CPR fields are 17-bit integers (0 to 131071) when present."""
    for k in CPR_KEYS:
        v = record.get(k)
        if v is not None and not (isinstance(v, int) and not isinstance(v, bool) and 0 <= v < CPR_LIMIT):
            return False
    return True


def _latlon_ok(record: dict[str, Any]) -> bool:
    lat, lon = record.get("latitude"), record.get("longitude")
    return (lat is None or -90.0 <= lat <= 90.0) and (lon is None or -180.0 <= lon <= 180.0)


READER = Jet1090Reader()
