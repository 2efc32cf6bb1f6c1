"""Raw Mode-S hex with reception times, decoded with rs1090: text lines and OpenSky raw data tables.

Text layouts (sniffed from the first lines; row_no is the 1-based line number):
- comma-separated with a time (Unix seconds, Unix milliseconds, or ISO 8601 in UTC with or without 'Z')
  and a 14/28-digit hex frame in any column order, optionally quoted,
  optionally with the aircraft address (6 hex digits) and other columns, with or without a header:
  `1753827785.80,8DADA526...` (rs1090), `1457996400,"8D406B90...","406B90",19` (pyModeS),
  `1495353600,4D010D,A00015B7...` (pyModeS Comm-B), `mintime,rawmsg,icao24` (OpenSky raw data as CSV).
- AVR lines with a 12 MHz MLAT counter: `@0123456789AB8D4840D6...;` (dump1090 --mlat) or
  `<0123456789ABss8D48...;` (Beast-AVR with signal). The counter is relative: the wall-clock base comes
  from --time-base or the file name, else the frames are kept UNDATED (see capture.wall_times, said in the
  notes). Bare `*8D...;` lines
  carry no time at all and cannot be placed in time: such a file is refused with a clear error.
A stated address column is checked against the frame's own address (see modes).

opensky-raw: Parquet with the OpenSky Trino `rawdata` columns mintime (Unix s), rawmsg (hex) and icao24;
row_no is the 1-based row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import InputFormatError
from basewatch.ingest import files, parquet
from basewatch.ingest.adsb import capture, modes
from basewatch.ingest.adsb.common import clean_text, epoch_seconds
from basewatch.ingest.base import ReadResult, Rejects

SAMPLE_LINES = 50
TIME_NAMES = ("mintime", "timestamp", "time", "ts", "t", "epoch")
HEX_NAMES = ("rawmsg", "msg", "message", "hex", "frame", "raw", "data")
ICAO_NAMES = ("icao24", "icao", "address")
_FRAME_HEX = re.compile(r"^([0-9A-Fa-f]{14}|[0-9A-Fa-f]{28})$")
_EPOCH = re.compile(r"^[0-9]{9,10}(\.[0-9]*)?$")
_EPOCH_MS = re.compile(r"^[0-9]{12,13}$")
_ISO = r"^\s*(?P<base>[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2})(?P<frac>\.[0-9]+)?Z?\s*$"
_ICAO = re.compile(r"^[0-9A-Fa-f]{6}$")
_MLAT_AVR = r"^\s*(?:@(?P<mlat>[0-9A-Fa-f]{12})|<(?P<mlat2>[0-9A-Fa-f]{12})[0-9A-Fa-f]{2})(?P<hex>[0-9A-Fa-f]*);?\s*$"
_BARE_AVR = re.compile(r"^\s*\*[0-9A-Fa-f]+;\s*$")
_NUMBER = r"^\s*[0-9]+(\.[0-9]*)?\s*$"

R_LAYOUT = "line does not fit the file's layout"


@dataclass(frozen=True)
class CsvLayout:
    """Where the time, frame and (optionally) address are among comma-separated fields."""

    time_col: int
    hex_col: int
    icao_col: int | None
    header: bool
    time_kind: str = "s"  # "s" Unix seconds, "ms" Unix milliseconds, "iso" ISO 8601 in UTC

    def describe(self) -> str:
        address = f", address in column {self.icao_col + 1}" if self.icao_col is not None else ""
        unit = {"s": "Unix time", "ms": "Unix time in ms", "iso": "ISO 8601 UTC time"}[self.time_kind]
        return (
            f"layout: {'header line, ' if self.header else ''}{unit} in column {self.time_col + 1}, "
            f"frame in column {self.hex_col + 1}{address}"
        )

    def pattern(self) -> str:
        names = {self.time_col: "t", self.hex_col: "hex"}
        if self.icao_col is not None:
            names[self.icao_col] = "icao"
        fields = [
            rf'\s*"?(?P<{names[i]}>[^,"]*)"?\s*' if i in names else r"[^,]*" for i in range(max(names) + 1)
        ]
        return "^" + ",".join(fields) + r"(?:,.*)?$"


def _fields(line: str) -> list[str]:
    return [f.strip().strip('"').strip() for f in line.split(",")]


def _time_kind(value: str) -> str | None:
    if _EPOCH.match(value):
        return "s"
    if _EPOCH_MS.match(value):
        return "ms"
    return "iso" if re.match(_ISO, value) else None


def _header_layout(line: str, data: str | None) -> CsvLayout | None:
    names = [f.lower() for f in _fields(line)]

    def find(options: tuple[str, ...]) -> int | None:
        return next((names.index(o) for o in options if o in names), None)

    t, h, i = find(TIME_NAMES), find(HEX_NAMES), find(ICAO_NAMES)
    if t is None or h is None:
        return None
    fields = _fields(data) if data is not None else []
    kind = _time_kind(fields[t]) if t < len(fields) else None
    return CsvLayout(t, h, i, header=True, time_kind=kind or "s")


def _guess_layout(lines: list[str]) -> CsvLayout | None:
    """Columns of a headerless CSV: the one holding Mode-S frames, the one holding times."""
    votes: dict[tuple[int, int, int | None, str], int] = {}
    for line in lines:
        fields = _fields(line)
        hexes = [i for i, f in enumerate(fields) if _FRAME_HEX.match(f)]
        times = [(i, k) for i, f in enumerate(fields) if (k := _time_kind(f)) is not None]
        icaos = [i for i, f in enumerate(fields) if _ICAO.match(f)]
        if hexes and times:
            key = (times[0][0], hexes[0], icaos[0] if icaos else None, times[0][1])
            votes[key] = votes.get(key, 0) + 1
    if not votes:
        return None
    (t, h, i, kind), n = max(votes.items(), key=lambda kv: kv[1])
    return CsvLayout(t, h, i, header=False, time_kind=kind) if n * 2 >= len(lines) else None


def _content_lines(text: str) -> list[tuple[int, str]]:
    out = []
    for no, line in enumerate(files.split_lines(text), start=1):
        s = line.strip()
        if s and not s.startswith("#"):
            out.append((no, line))
        if len(out) >= SAMPLE_LINES:
            break
    return out


def detect(text: str) -> CsvLayout | str | None:
    """The layout of a text file: a CsvLayout, "mlat" (AVR with counter), "bare" (AVR without time)."""
    sample = _content_lines(text)
    if not sample or sample[0][1].lstrip().startswith(("{", "[", "MSG,")):
        return None
    lines = [s for _, s in sample]
    if sum(bool(re.match(_MLAT_AVR, s)) for s in lines) * 2 >= len(lines):
        return "mlat"
    if sum(bool(_BARE_AVR.match(s)) for s in lines) * 2 >= len(lines):
        return "bare"
    header = _header_layout(lines[0], lines[1] if len(lines) > 1 else None)
    if header is not None and _confirmed_by_content(header, lines[1:]):
        return header
    return _guess_layout(lines)


def _confirmed_by_content(layout: CsvLayout, lines: list[str]) -> bool:
    """Column names alone prove nothing: a third of the rows at least must hold a Mode-S frame and a time
    where the header says."""
    good = 0
    for line in lines:
        fields = _fields(line)
        if max(layout.time_col, layout.hex_col) < len(fields):
            good += bool(_FRAME_HEX.match(fields[layout.hex_col])) and _time_kind(fields[layout.time_col]) is not None
    return good >= 1 and good * 3 >= len(lines)


@dataclass(frozen=True)
class AvrReader:
    name: str = "avr"
    kind: str = "adsb"
    time_base: float | None = None  # Unix time of the first MLAT frame (--time-base); see capture.wall_times

    def with_options(self, *, time_base: float | None = None, **_: object) -> AvrReader:
        return replace(self, time_base=time_base)

    def sniff(self, head: bytes, path: Path) -> bool:
        try:
            text = head.decode("utf-8-sig")
        except UnicodeDecodeError:
            return False
        complete = text.rsplit("\n", 1)[0] if len(head) >= 65536 else text
        return detect(complete) is not None

    def read(self, path: Path) -> ReadResult:
        text = capture.read_bytes(path).decode("utf-8-sig", errors="replace")
        layout = detect(text)
        if layout is None:
            raise InputFormatError(path, "not raw Mode-S text (no time and 14/28-digit hex frame columns, no AVR)")
        if layout == "bare":
            raise InputFormatError(
                path, "AVR lines without reception times ('*8D...;'): frames cannot be placed in time; "
                "record with timestamps (e.g. dump1090 --mlat '@...' lines, or 'time,hex' CSV)"
            )
        lines = pa.array(files.split_lines(text), pa.string())
        numbers = np.arange(1, len(lines) + 1, dtype=np.int64)
        content = pc.invert(
            pc.or_(pc.equal(pc.utf8_trim_whitespace(lines), ""), pc.starts_with(pc.utf8_trim_whitespace(lines), "#"))
        )
        if isinstance(layout, CsvLayout) and layout.header:
            first = int(np.flatnonzero(content.to_numpy(zero_copy_only=False))[0])
            content = pc.and_(content, pa.array(numbers != first + 1))
        keep = content.to_numpy(zero_copy_only=False)
        lines = lines.filter(pa.array(keep))
        numbers = numbers[keep]
        rejects = Rejects()
        notes: list[str] = []
        if layout == "mlat":
            frames = _mlat_frames(path, lines, numbers, rejects, notes, self.time_base)
        else:
            assert isinstance(layout, CsvLayout)
            frames = _csv_frames(layout, lines, numbers, rejects)
            notes.append(layout.describe())
        result = modes.frames_to_points(frames, rejects)
        return ReadResult(
            tables={"aircraft_points": result.points}, rejects=rejects, counted=("aircraft_points",),
            notes=(*notes, *result.notes),
        )


def _matched(parts: pa.StructArray, numbers: np.ndarray, rejects: Rejects) -> np.ndarray:
    ok = parts.is_valid().to_numpy(zero_copy_only=False)
    modes.reject_rows(rejects, R_LAYOUT, numbers[~ok])
    return np.asarray(ok)


def _csv_frames(layout: CsvLayout, lines: pa.Array, numbers: np.ndarray, rejects: Rejects) -> pa.Table:
    parts = pc.extract_regex(lines, layout.pattern())
    ok = _matched(parts, numbers, rejects)
    parts = parts.filter(pa.array(ok))
    time_s = _times(pc.utf8_trim_whitespace(parts.field("t")), layout.time_kind)
    icao = parts.field("icao") if layout.icao_col is not None else pa.nulls(len(parts), pa.string())
    return pa.table(
        {"time_s": time_s, "hex": parts.field("hex"), "row_no": pa.array(numbers[ok]), "icao24": icao}
    )


def _times(t: pa.Array, kind: str) -> pa.Array:
    """Unix seconds from time text; null where the text is not a time of the layout's kind."""
    if kind == "iso":
        parts = pc.extract_regex(t, _ISO)
        base = pc.replace_substring(parts.field("base"), " ", "T")
        stamp = pc.strptime(base, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
        # strptime rolls impossible dates over (31 February -> 2 March): keep only exact round trips.
        exact = pc.equal(pc.strftime(stamp, format="%Y-%m-%dT%H:%M:%S"), base)
        stamp = pc.if_else(pc.fill_null(exact, False), stamp, pa.scalar(None, pa.timestamp("s")))
        frac_text = parts.field("frac")
        frac = pc.if_else(pc.equal(frac_text, ""), "0", pc.binary_join_element_wise("0", frac_text, ""))
        return pc.add(stamp.cast(pa.int64()).cast(pa.float64()), frac.cast(pa.float64()))
    numeric = pc.match_substring_regex(t, _NUMBER)
    values = pc.if_else(numeric, t, pa.scalar(None, pa.string())).cast(pa.float64())
    return pc.divide(values, 1000.0) if kind == "ms" else values


def _mlat_frames(
    path: Path, lines: pa.Array, numbers: np.ndarray, rejects: Rejects, notes: list[str], time_base: float | None
) -> pa.Table:
    parts = pc.extract_regex(lines, _MLAT_AVR)
    ok = _matched(parts, numbers, rejects)
    parts = parts.filter(pa.array(ok))
    counter_hex = pc.coalesce(
        pc.if_else(pc.equal(parts.field("mlat"), ""), pa.scalar(None, pa.string()), parts.field("mlat")),
        parts.field("mlat2"),
    )
    counter = np.array([int(h, 16) for h in counter_hex.to_pylist()], dtype=np.float64)
    good = capture.usable_counter(counter, numbers[ok], rejects)
    times, note = capture.wall_times(path, counter[good] / capture.MLAT_HZ, time_base)
    notes.append(note)
    return pa.table(
        {
            "time_s": pa.array(times, pa.float64()),
            "hex": parts.field("hex").filter(pa.array(good)),
            "row_no": pa.array(numbers[ok][good]),
            "icao24": pa.nulls(int(good.sum()), pa.string()),
        }
    )


@dataclass(frozen=True)
class OpenSkyRawReader:
    name: str = "opensky-raw"
    kind: str = "adsb"

    def sniff(self, head: bytes, path: Path) -> bool:
        if head[:4] != b"PAR1":
            return False
        try:
            names = set(parquet.schema_names(path))
        except InputFormatError:
            return False
        return {"mintime", "rawmsg"} <= names

    def read(self, path: Path) -> ReadResult:
        names = parquet.schema_names(path)
        if not {"mintime", "rawmsg"} <= set(names):
            raise InputFormatError(path, "Parquet without the OpenSky raw data columns mintime and rawmsg")
        table = parquet.read_columns(path, [c for c in ("mintime", "rawmsg", "icao24") if c in names])
        kind = table["mintime"].type
        if not (pa.types.is_timestamp(kind) or pa.types.is_floating(kind) or pa.types.is_integer(kind)):
            raise InputFormatError(path, f"column 'mintime' is {kind}, not a Unix time")
        if not (pa.types.is_string(table["rawmsg"].type) or pa.types.is_large_string(table["rawmsg"].type)):
            raise InputFormatError(path, f"column 'rawmsg' is {table['rawmsg'].type}, not hex text")
        mintime = epoch_seconds(table["mintime"], "s")
        n = table.num_rows
        frames = pa.table(
            {
                "time_s": mintime,
                "hex": table["rawmsg"].cast(pa.string()),
                "row_no": pa.array(np.arange(1, n + 1, dtype=np.int64)),
                "icao24": clean_text(table["icao24"]) if "icao24" in table.column_names else pa.nulls(n, pa.string()),
            }
        )
        rejects = Rejects()
        result = modes.frames_to_points(frames, rejects)
        return ReadResult(
            tables={"aircraft_points": result.points}, rejects=rejects, counted=("aircraft_points",),
            notes=result.notes,
        )


READERS = (AvrReader(), OpenSkyRawReader())
