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
row_no: the 1-based line number. Read in blocks of lines (ingest.stream: memory of one block, whatever
the file's size; each aircraft's state is carried from block to block). Parsed with pyarrow's CSV
reader and Arrow kernels; the state is carried forward with numpy over rows sorted by aircraft: no
Python loop per line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import InputFormatError
from basewatch.ingest import files
from basewatch.ingest.adsb.common import (
    REASON_POSITION,
    AnyArray,
    blank_rows,
    build_points,
    clean_text,
    count_rejects,
    epoch_seconds,
    forward_fill,
    normalise_icao,
    read_csv_rows,
    to_bool,
    to_float,
)
from basewatch.ingest.base import AIRCRAFT_POINTS_SCHEMA, ReadResult, Rejects
from basewatch.ingest.stream import Block, Stream, collect, line_blocks
from basewatch.units import FPM_TO_MS, FT_TO_M, KT_TO_MS

MSG_FIELDS = 22
OTHER_TYPES = ("SEL", "ID", "AIR", "STA", "CLK")
REASON_SHORT = f"MSG line with fewer than {MSG_FIELDS} fields"
REASON_NOT_SBS = "not an SBS line"

FIELD_NAMES = [f"f{i}" for i in range(1, MSG_FIELDS + 1)]
# Aircraft state carried from earlier messages of the same aircraft.
_STATE_COLUMNS = ("callsign", "alt_ft", "gs_kt", "track_deg", "vrate_fpm", "squawk", "on_ground")
# How long a reported value may be carried to later positions: kinematic state goes stale within a
# minute (a landing out of coverage must not lend cruise altitude to the next day's ground positions);
# identity (callsign, squawk) holds for a leg.
_KINEMATIC_MAX_AGE_S = 60.0
_MAX_AGE_S = {
    "callsign": 1800.0, "squawk": 1800.0, "alt_ft": _KINEMATIC_MAX_AGE_S, "gs_kt": _KINEMATIC_MAX_AGE_S,
    "track_deg": _KINEMATIC_MAX_AGE_S, "vrate_fpm": _KINEMATIC_MAX_AGE_S, "on_ground": _KINEMATIC_MAX_AGE_S,
}


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
        return collect(self.stream(path))

    def stream(self, path: Path, max_lines: int | None = None) -> Stream:
        """The file's points in batches of at most max_lines lines' worth (see ingest.stream)."""
        rejects = Rejects()
        notes: list[str] = []
        return Stream(_batches(path, max_lines, rejects, notes), rejects, ("aircraft_points",),
                      {"aircraft_points": AIRCRAFT_POINTS_SCHEMA}, notes)


@dataclass
class _FileState:
    """What one block's reading leaves for the next: counts, the first stray line, the aircraft state."""

    n_msg: int = 0
    n_other: int = 0
    first_stray: int | None = None
    text_seen: bool = False
    carry: pa.Table | None = None  # the latest value (and its time) of each state column per aircraft
    newest_s: float = float("-inf")


def _batches(path: Path, max_lines: int | None, rejects: Rejects, notes: list[str]) -> Iterator[dict[str, pa.Table]]:
    state = _FileState()
    for block in line_blocks(path, max_lines):
        if not state.text_seen and block.data.isspace():
            continue
        state.text_seen = True
        yield {"aircraft_points": _read_block(block, path, rejects, state)}
    if not state.text_seen:
        raise InputFormatError(path, "file is empty")
    if not state.n_msg and not state.n_other:
        raise InputFormatError(path, "not an SBS-1 (BaseStation) log: no MSG lines", state.first_stray)
    if state.n_other:
        notes.append(f"{state.n_other} SEL/ID/AIR/STA/CLK lines carry no position; skipped")


def _read_block(block: Block, path: Path, rejects: Rejects, state: _FileState) -> pa.Table:
    rows = read_csv_rows(block.data, path, names=FIELD_NAMES, header=False, quoting=False).shifted(block.first_line - 1)
    count_rejects(rejects, files.REASON_UTF8, pa.array(rows.not_utf8, pa.int64()))
    table = rows.table
    kind = pc.utf8_trim_whitespace(table.column("f1"))
    is_msg = pc.fill_null(pc.equal(kind, "MSG"), False)
    is_other = pc.fill_null(pc.is_in(kind, value_set=pa.array(OTHER_TYPES)), False)
    stray = pc.invert(pc.or_(pc.or_(is_msg, is_other), blank_rows(table)))
    lines_by_class = _classify_bad_lines(rows.bad)
    state.n_msg += (pc.sum(pc.cast(is_msg, pa.int64())).as_py() or 0) + len(lines_by_class["long"])
    state.n_other += (pc.sum(pc.cast(is_other, pa.int64())).as_py() or 0) + len(lines_by_class["other"])
    not_sbs = np.sort(np.concatenate([pc.filter(rows.line_no, stray).to_numpy(),
                                      np.array(lines_by_class["not_sbs"], dtype=np.int64)]))
    if state.first_stray is None:
        first = sorted([*not_sbs[:1].tolist(), *lines_by_class["short"][:1]])
        state.first_stray = first[0] if first else None
    for reason, lines in ((REASON_SHORT, lines_by_class["short"]), (REASON_NOT_SBS, not_sbs)):
        count_rejects(rejects, reason, pa.array(lines, pa.int64()))
    msg_rows = table.filter(is_msg).append_column("line_no", pc.filter(rows.line_no, is_msg))
    if lines_by_class["long"]:  # extended feeds append fields after the 22 standard ones: ignored
        long_lines = set(lines_by_class["long"])
        extra = {ln: text for ln, text in rows.bad if ln in long_lines}
        msg_rows = pa.concat_tables([msg_rows, _first_fields(extra).cast(msg_rows.schema)])
    msgs = _messages(msg_rows)
    merged, carry = merge_state_carried(msgs, state.carry)
    newest = pc.max(msgs.column("time_s")).as_py()
    if newest is not None and np.isfinite(newest):
        state.newest_s = max(state.newest_s, float(newest))
    state.carry = _prune(carry, state.newest_s)
    return _points(merged, rejects)


def _classify_bad_lines(bad: tuple[tuple[int, str], ...]) -> dict[str, list[int]]:
    """Lines without 22 fields: other SBS types (SEL, ID, ...), short or long MSG, blank, or not SBS."""
    out: dict[str, list[int]] = {"other": [], "short": [], "long": [], "not_sbs": []}
    for line, text in bad:
        fields = text.split(",")
        kind = fields[0].strip()
        if not text.strip():
            continue
        if kind == "MSG":
            out["short" if len(fields) < MSG_FIELDS else "long"].append(line)
        elif kind in OTHER_TYPES:
            out["other"].append(line)
        else:
            out["not_sbs"].append(line)
    return out


def _clock_seconds(date: AnyArray, clock: AnyArray) -> AnyArray:
    """'2024/12/14' + '12:00:01.123' (UTC) to float epoch seconds; null when unreadable."""
    whole = pc.binary_join_element_wise(
        pc.utf8_trim_whitespace(date), pc.utf8_slice_codeunits(pc.utf8_trim_whitespace(clock), 0, 8), " "
    )
    base = pc.strptime(whole, format="%Y/%m/%d %H:%M:%S", unit="s", error_is_null=True)
    fraction = to_float(pc.binary_join_element_wise("0", pc.utf8_slice_codeunits(pc.utf8_trim_whitespace(clock), 8),
                                                    ""))
    return pc.add(epoch_seconds(pc.assume_timezone(base, "UTC")), pc.fill_null(fraction, 0.0))


def _first_fields(lines: dict[int, str]) -> pa.Table:
    """MSG lines with more than 22 fields, as rows of their first 22 (few lines: plain Python)."""
    split = [text.rstrip("\r\n").split(",")[:MSG_FIELDS] for text in lines.values()]
    columns = {name: pa.array([f[i] or None for f in split], pa.string()) for i, name in enumerate(FIELD_NAMES)}
    return pa.table({**columns, "line_no": pa.array(list(lines), pa.int64())})


def _message_time(msg: pa.Table) -> AnyArray:
    """The generated time, else (only computed when needed) the logged time."""
    generated = _clock_seconds(msg.column("f7"), msg.column("f8"))
    if generated.null_count == 0:
        return generated
    return pc.coalesce(generated, _clock_seconds(msg.column("f9"), msg.column("f10")))


def _messages(msg: pa.Table) -> pa.Table:
    """The MSG rows with their fields converted (text that is not a number becomes null)."""
    lat_text, lon_text = clean_text(msg.column("f15")), clean_text(msg.column("f16"))
    return pa.table({
        "line_no": msg.column("line_no"),
        "icao24": normalise_icao(msg.column("f5")),
        "time_s": _message_time(msg),
        "callsign": clean_text(msg.column("f11")),
        "alt_ft": to_float(msg.column("f12")),
        "gs_kt": to_float(msg.column("f13")),
        "track_deg": to_float(msg.column("f14")),
        "has_position": pc.and_(pc.is_valid(lat_text), pc.is_valid(lon_text)),
        "lat": to_float(lat_text),
        "lon": to_float(lon_text),
        "vrate_fpm": to_float(msg.column("f17")),
        "squawk": clean_text(msg.column("f18")),
        "on_ground": to_bool(msg.column("f22")),
    })


def merge_state(msgs: pa.Table) -> pa.Table:
    """Position rows carrying the latest state of their aircraft, in line order (see merge_state_carried)."""
    return merge_state_carried(msgs, None)[0]


def merge_state_carried(msgs: pa.Table, carry: pa.Table | None) -> tuple[pa.Table, pa.Table]:
    """Position rows carrying the latest state of their aircraft, in line order, and the state to carry on.

    msgs: every MSG line of a block in line order; carry: what an earlier block returned (or None). Rows
    are sorted by (aircraft, line), each state column is forward-filled within its aircraft (up to its
    age limit, _MAX_AGE_S), then the rows with a position are kept and put back in line order. The
    carry holds, per aircraft and state column, a row with the last value given (with a known time) and
    that time, placed before the block's lines: a file read block by block gets the points it would
    whole.
    """
    if carry is not None and carry.num_rows:
        msgs = pa.concat_tables([carry.cast(msgs.schema), msgs])
    codes = pc.dictionary_encode(msgs.column("icao24")).combine_chunks().indices
    codes_np = pc.fill_null(codes, -1).to_numpy(zero_copy_only=False)
    order = np.lexsort((msgs.column("line_no").to_numpy(), codes_np))
    ordered = msgs.take(pa.array(order))
    codes_sorted = codes_np[order]
    group_start = np.r_[True, codes_sorted[1:] != codes_sorted[:-1]] if len(order) else np.zeros(0, np.bool_)
    times = pc.fill_null(ordered.column("time_s"), np.nan).to_numpy(zero_copy_only=False).astype(np.float64)
    new_carry = _carry(ordered, codes_sorted, times)
    filled = forward_fill(
        {c: ordered.column(c) for c in _STATE_COLUMNS}, group_start, times=times, max_age_s=_MAX_AGE_S
    )
    for name, values in filled.items():
        ordered = ordered.set_column(ordered.schema.get_field_index(name), name, values)
    positions = ordered.filter(pc.fill_null(ordered.column("has_position"), False))
    return positions.take(pc.sort_indices(positions.column("line_no"))), new_carry


_CARRY_LINE = -1  # carried rows come before every line of the block


def _carry(ordered: pa.Table, codes: np.ndarray[Any, np.dtype[np.int64]],
           times: np.ndarray[Any, np.dtype[np.float64]]) -> pa.Table:
    """Per aircraft and state column, the row of its last value with a known time (rows in aircraft, line
    order), as rows holding only that column, that time and the aircraft."""
    known_time = np.isfinite(times)
    parts: list[pa.Table] = []
    for name in _STATE_COLUMNS:
        valid = pc.is_valid(ordered.column(name)).to_numpy(zero_copy_only=False) & known_time
        idx = np.flatnonzero(valid)
        if not len(idx):
            continue
        last = idx[np.r_[codes[idx][1:] != codes[idx][:-1], True]]
        take = pa.array(last)
        n = len(last)
        cols = {c: (ordered.column(c).take(take) if c in ("icao24", "time_s", name)
                    else pa.nulls(n, ordered.schema.field(c).type)) for c in ordered.column_names}
        cols["line_no"] = pa.array(np.full(n, _CARRY_LINE, np.int64))
        cols["has_position"] = pa.array(np.zeros(n, np.bool_))
        parts.append(pa.table(cols, schema=ordered.schema))
    return pa.concat_tables(parts) if parts else ordered.schema.empty_table()


# Carried values older than this before the newest time seen are dropped (a file's times may step back
# a little, not by a day): the carry stays the size of the aircraft of a day, however long the log.
_CARRY_HORIZON_S = 86_400.0


def _prune(carry: pa.Table, newest_s: float) -> pa.Table:
    if not carry.num_rows or not np.isfinite(newest_s):
        return carry
    return carry.filter(pc.greater_equal(carry.column("time_s"), newest_s - _CARRY_HORIZON_S))


def _points(table: pa.Table, rejects: Rejects) -> pa.Table:
    """Points of the merged position rows (merge_state_carried), bad ones rejected."""
    lat, lon = table.column("lat"), table.column("lon")
    readable = pc.and_(pc.is_valid(lat), pc.is_valid(lon))
    count_rejects(rejects, REASON_POSITION, pc.filter(table.column("line_no"), pc.invert(readable)))
    table = table.filter(readable)
    columns: dict[str, AnyArray] = {
        "icao24": table.column("icao24"), "lat": table.column("lat"), "lon": table.column("lon"),
        "alt_baro_m": pc.multiply(table.column("alt_ft"), FT_TO_M),
        "gs_ms": pc.multiply(table.column("gs_kt"), KT_TO_MS),
        "track_deg": table.column("track_deg"),
        "vrate_ms": pc.multiply(table.column("vrate_fpm"), FPM_TO_MS),
        "callsign": table.column("callsign"), "squawk": table.column("squawk"),
        "on_ground": table.column("on_ground"),
    }
    return build_points(columns, table.column("time_s"), table.column("line_no"), rejects)


READER = SbsReader()
