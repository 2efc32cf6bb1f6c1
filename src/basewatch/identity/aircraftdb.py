"""Import aircraft databases into the workspace `aircraft` table (registration, type, operator).

Layouts, sniffed from content (not from the file name), gzip or not:
- OpenSky `aircraftDatabase.csv` / `aircraft-database-complete-YYYY-MM.csv`: header row with
  icao24, registration, typecode, model, manufacturername, operator, owner... quoted with `"` (old)
  or `'` (recent dumps). origin 'opensky-db'.
- tar1090-db `aircraft.csv(.gz)` (wiedehopf/tar1090-db, as readsb reads it): no header, `;`-separated
  `hex;registration;typecode;dbFlags;type description;year;owner/operator`. dbFlags is a string of
  '0'/'1' where character i is bit i (bit 0: military). origin 'tar1090-db'.
- A tar1090-db extract with header `icao24,registration,typecode,dbflags,desc`. origin 'tar1090-db'.
- The SQLite Russian aircraft registry (table `aircraftdb`: icao_24bit_address, registration,
  aircraft_type, model, operator, ...). origin 'ru-registry'.

Each reader returns a `ReadResult` (the ingest contract) and is one of the ingest registry's readers, so
`basewatch ingest aircraft.csv` sniffs and imports it like any other file; `import_aircraft_db` does the
same among the aircraft-database readers only: one transaction, idempotent by sha256, upsert on
(icao24, origin), rejects counted.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from basewatch.errors import InputFormatError
from basewatch.ingest import files
from basewatch.ingest.base import AIRCRAFT_SCHEMA, Reader, ReadResult, Rejects
from basewatch.ingest.sniff import read_head

if TYPE_CHECKING:
    from basewatch.ingest.pipeline import IngestReport
    from basewatch.workspace.core import Workspace

AIRCRAFT_DB_SCHEMA = AIRCRAFT_SCHEMA.append(pa.field("row_no", pa.int64()))
BAD_ICAO = "icao24 is not 1-6 hex digits"
EMPTY_RECORD = "no registration, type, operator or military flag"
BAD_LINE = "malformed line (wrong number of fields)"
NOT_UTF8 = "line not UTF-8"
_OPENSKY_NEEDED = ("icao24", "registration", "typecode")
_OPENSKY_COLUMNS = ("icao24", "registration", "typecode", "manufacturername", "model", "operator", "owner")
_SQLITE_MAGIC = b"SQLite format 3\x00"


# ---- shared helpers ------------------------------------------------------------------------------


def _first_line(head: bytes) -> str:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    return text.split("\n", 1)[0].strip("\r\n ")


def _header_names(line: str, quote: str) -> list[str]:
    return [c.strip().strip(quote).strip().lower() for c in line.split(",")]


@dataclass(frozen=True)
class _Csv:
    table: pa.Table  # every column a string
    line_no: np.ndarray  # 1-based line of each row
    rejects: Rejects


def _read_csv(
    path: Path,
    *,
    delimiter: str,
    quote: str | None,
    names: list[str],
    skip_rows: int,
    include: list[str] | None = None,
) -> _Csv:
    """Read a CSV of string columns; malformed lines become rejects, each row keeps its line number. A line
    that is not UTF-8 is emptied first (files.utf8_lines), then rejected as such: one bad byte costs its line."""
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise InputFormatError(path, f"the header names column {twice[0]!r} more than once")
    rejects = Rejects()
    bad_lines: list[int] = []
    data, not_utf8 = files.utf8_lines(files.read_bytes(path))  # a damaged gzip: one clear line
    emptied = set(not_utf8)

    def on_invalid(row: Any) -> str:
        line = int(row.number)  # known: one thread
        bad_lines.append(line)
        rejects.add(NOT_UTF8 if line in emptied else BAD_LINE, line)
        return "skip"

    try:
        with pa.BufferReader(data) as stream:
            table = pacsv.read_csv(
                stream,
                read_options=pacsv.ReadOptions(use_threads=False, column_names=names, skip_rows=skip_rows),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter,
                    quote_char=quote if quote else False,
                    double_quote=True,
                    ignore_empty_lines=False,
                    newlines_in_values=False,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=False,
                    include_columns=include,
                ),
            )
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise InputFormatError(path, f"cannot read as CSV: {exc}") from exc
    first = skip_rows + 1
    all_lines = np.arange(first, first + table.num_rows + len(bad_lines), dtype=np.int64)
    line_no = np.setdiff1d(all_lines, np.array(bad_lines, dtype=np.int64), assume_unique=True)[: table.num_rows]
    if emptied:  # an emptied line read as a blank row: rejected as not UTF-8, not skipped as blank
        gone = np.isin(line_no, np.array(sorted(emptied), dtype=np.int64))
        for line in line_no[gone].tolist():
            rejects.add(NOT_UTF8, int(line))
        table, line_no = table.filter(pa.array(~gone)), line_no[~gone]
    return _Csv(table, line_no, rejects)


def _clean(col: pa.Array | pa.ChunkedArray, nulls: tuple[str, ...] = ("", "-")) -> pa.Array:
    """Trimmed strings, null where empty or a placeholder."""
    s = pc.utf8_trim_whitespace(col)
    empty = pc.is_in(s, value_set=pa.array(list(nulls), pa.string()))
    return pc.if_else(pc.fill_null(empty, True), pa.scalar(None, pa.string()), s)


def _build(
    path: Path,
    origin: str,
    columns: dict[str, pa.Array | pa.ChunkedArray],
    line_no: np.ndarray,
    rejects: Rejects,
    blank: np.ndarray | None = None,
) -> ReadResult:
    """Validate and normalise the columns into the aircraft table; count rejects by reason."""
    n = len(line_no)
    raw_icao = pc.utf8_trim_whitespace(columns["icao24"])
    is_blank = np.zeros(n, dtype=bool) if blank is None else blank
    ok_icao = pc.fill_null(pc.match_substring_regex(raw_icao, r"^[0-9A-Fa-f]{1,6}$"), False).to_numpy(
        zero_copy_only=False
    )
    icao = pc.utf8_lower(pc.utf8_lpad(raw_icao, 6, "0"))
    reg = _clean(columns["registration"])
    typ = pc.utf8_upper(_clean(columns["typecode"]))
    desc = _clean(columns["type_desc"])
    op = _clean(columns["operator"])
    military = columns.get("military")
    has_fact = (
        pc.is_valid(reg).to_numpy(zero_copy_only=False)
        | pc.is_valid(typ).to_numpy(zero_copy_only=False)
        | pc.is_valid(op).to_numpy(zero_copy_only=False)
    )
    if military is not None:  # a military flag alone is worth keeping
        has_fact |= pc.fill_null(military, False).to_numpy(zero_copy_only=False)
    bad_icao = ~ok_icao & ~is_blank
    empty = ok_icao & ~has_fact & ~is_blank
    for reason, mask in ((BAD_ICAO, bad_icao), (EMPTY_RECORD, empty)):
        lines = line_no[mask]
        for line in lines[:5]:
            rejects.add(reason, int(line))
        if len(lines) > 5:
            rejects.add(reason, int(lines[5]), n=len(lines) - 5)
    keep = pa.array(ok_icao & has_fact & ~is_blank)
    table = pa.table(
        {
            "icao24": icao,
            "registration": reg,
            "typecode": typ,
            "type_desc": desc,
            "operator": op,
            "military": military if military is not None else pa.nulls(n, pa.bool_()),
            "origin": pa.repeat(pa.scalar(origin, pa.string()), n),
            "row_no": pa.array(line_no, pa.int64()),
        },
        schema=AIRCRAFT_DB_SCHEMA,
    ).filter(keep)
    if table.num_rows == 0 and rejects.total > 0:
        raise InputFormatError(
            path, f"no valid aircraft record ({rejects.total} rejected, e.g. {_first_reason(rejects)})"
        )
    return ReadResult(tables={"aircraft": table}, rejects=rejects, counted=("aircraft",))


def _first_reason(rejects: Rejects) -> str:
    reason = max(rejects.counts, key=lambda r: rejects.counts[r])
    return f"{reason} at line {rejects.examples[reason][0]}"


def _blank_rows(table: pa.Table) -> np.ndarray:
    """Rows whose every field is empty (blank lines): skipped, not rejected."""
    mask = np.ones(table.num_rows, dtype=bool)
    for col in table.columns:
        mask &= pc.equal(pc.utf8_trim_whitespace(col), "").to_numpy(zero_copy_only=False)
    return mask


# ---- readers -------------------------------------------------------------------------------------


class OpenSkyDbReader:
    """OpenSky Network aircraft database CSV (old double-quoted and recent single-quoted dumps)."""

    name = "opensky-db"
    kind = "aircraft-db"
    origin = "opensky-db"

    def _quote(self, line: str) -> str:
        return "'" if line.startswith("'") else '"'

    def sniff(self, head: bytes, path: Path) -> bool:
        line = _first_line(head)
        names = _header_names(line, self._quote(line))
        return all(n in names for n in _OPENSKY_NEEDED) and ("model" in names or "operator" in names)

    def read(self, path: Path) -> ReadResult:
        line = _first_line(read_head(path))
        quote = self._quote(line)
        names = _header_names(line, quote)
        if not self.sniff(line.encode(), path):
            raise InputFormatError(
                path, "not an OpenSky aircraft database (header needs icao24, registration, typecode)"
            )
        names = [n if n else f"_col{i}" for i, n in enumerate(names)]
        wanted = [n for n in _OPENSKY_COLUMNS if n in names]
        csv = _read_csv(path, delimiter=",", quote=quote, names=names, skip_rows=1, include=wanted)
        t = csv.table

        def col(name: str) -> pa.ChunkedArray:
            return t.column(name) if name in t.column_names else pa.chunked_array([pa.nulls(t.num_rows, pa.string())])

        maker = _clean(col("manufacturername"))
        model = _clean(col("model"))
        desc = pc.if_else(
            pc.and_(pc.is_valid(maker), pc.is_valid(model)),
            pc.binary_join_element_wise(maker, model, " "),
            pc.coalesce(model, maker),
        )
        columns = {
            "icao24": col("icao24"),
            "registration": col("registration"),
            "typecode": col("typecode"),
            "type_desc": pc.fill_null(desc, ""),
            "operator": pc.coalesce(_clean(col("operator")), _clean(col("owner")), pa.scalar("")),
        }
        return _build(path, self.origin, columns, csv.line_no, csv.rejects, _blank_rows(t))


class Tar1090DbReader:
    """wiedehopf/tar1090-db `aircraft.csv`: `hex;reg;type;dbFlags;desc;year;ownOp`, no header."""

    name = "tar1090-db"
    kind = "aircraft-db"
    origin = "tar1090-db"
    _fields = ("icao24", "registration", "typecode", "dbflags", "type_desc", "year", "operator")

    def sniff(self, head: bytes, path: Path) -> bool:
        lines = [ln for ln in head.decode("utf-8", errors="replace").splitlines()[:20] if ln.strip()]
        if not lines:
            return False
        good = 0
        for ln in lines:
            parts = ln.split(";")
            if len(parts) >= 5 and 1 <= len(parts[0]) <= 6 and all(c in "0123456789abcdefABCDEF" for c in parts[0]):
                good += 1
        return good >= max(1, (len(lines) * 4) // 5)

    def read(self, path: Path) -> ReadResult:
        # One string per line (no quoting, a delimiter that does not occur), split on ';' in Arrow.
        csv = _read_csv(path, delimiter="\x1f", quote=None, names=["line"], skip_rows=0)
        lines = csv.table.column("line")
        n_fields = pc.list_value_length(pc.split_pattern(lines, ";")).to_numpy(zero_copy_only=False)
        padded = pc.split_pattern(pc.binary_join_element_wise(lines, ";;;;;;;", ""), ";")
        field = {name: pc.list_element(padded, i) for i, name in enumerate(self._fields)}
        blank = pc.equal(pc.utf8_trim_whitespace(lines), "").to_numpy(zero_copy_only=False)
        short = (n_fields < 5) & ~blank
        rejects = csv.rejects
        for line in csv.line_no[short][:5]:
            rejects.add(BAD_LINE, int(line))
        if short.sum() > 5:
            rejects.add(BAD_LINE, int(csv.line_no[short][5]), n=int(short.sum()) - 5)
        flags = field["dbflags"]
        columns: dict[str, pa.Array | pa.ChunkedArray] = {
            **{k: field[k] for k in ("icao24", "registration", "typecode", "type_desc", "operator")},
            "military": pc.starts_with(pc.utf8_trim_whitespace(flags), "1"),
        }
        return _build(path, self.origin, columns, csv.line_no, rejects, blank | short)


class Tar1090ExtractReader:
    """A tar1090-db extract with header `icao24,registration,typecode,dbflags,desc`."""

    name = "tar1090-extract"
    kind = "aircraft-db"
    origin = "tar1090-db"
    _header = ("icao24", "registration", "typecode", "dbflags")

    def sniff(self, head: bytes, path: Path) -> bool:
        return tuple(_header_names(_first_line(head), '"')[:4]) == self._header

    def read(self, path: Path) -> ReadResult:
        line = _first_line(read_head(path))
        names = _header_names(line, '"')
        if tuple(names[:4]) != self._header:
            raise InputFormatError(path, "not a tar1090-db extract (header icao24,registration,typecode,dbflags)")
        csv = _read_csv(path, delimiter=",", quote='"', names=names, skip_rows=1)
        t = csv.table
        empty = pa.chunked_array([pa.array([""] * t.num_rows, pa.string())])
        columns: dict[str, pa.Array | pa.ChunkedArray] = {
            "icao24": t.column("icao24"),
            "registration": t.column("registration"),
            "typecode": t.column("typecode"),
            "type_desc": t.column("desc") if "desc" in names else empty,
            "operator": t.column("ownop") if "ownop" in names else empty,
            "military": pc.starts_with(pc.utf8_trim_whitespace(t.column("dbflags")), "1"),
        }
        return _build(path, self.origin, columns, csv.line_no, csv.rejects, _blank_rows(t))


class RuRegistryReader:
    """SQLite registry of Russian aircraft (table aircraftdb, one row per registration)."""

    name = "ru-registry"
    kind = "aircraft-db"
    origin = "ru-registry"
    _columns = ("icao_24bit_address", "registration", "aircraft_type", "model", "operator")

    def sniff(self, head: bytes, path: Path) -> bool:
        return head.startswith(_SQLITE_MAGIC)

    def read(self, path: Path) -> ReadResult:
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise InputFormatError(path, f"cannot open SQLite file: {exc}") from exc
        con.text_factory = lambda raw: raw.decode("utf-8", "replace")  # one bad byte is not a refused file
        try:
            cols = {r[1] for r in con.execute("PRAGMA table_info(aircraftdb)")}
            missing = [c for c in self._columns if c not in cols]
            if missing:
                raise InputFormatError(path, f"SQLite file has no table aircraftdb with columns {', '.join(missing)}")
            rows = con.execute(
                "SELECT rowid, coalesce(icao_24bit_address, ''), coalesce(registration, ''), "
                "coalesce(aircraft_type, ''), coalesce(model, ''), coalesce(operator, '') "
                "FROM aircraftdb ORDER BY rowid"
            ).fetchall()
        except sqlite3.Error as exc:
            raise InputFormatError(path, f"cannot read SQLite file: {exc}") from exc
        finally:
            con.close()
        names = ("row_no", "icao24", "registration", "typecode", "type_desc", "operator")
        data = {
            name: pa.array([r[i] for r in rows], pa.int64() if i == 0 else pa.string()) for i, name in enumerate(names)
        }
        line_no = data.pop("row_no").to_numpy()
        return _build(path, self.origin, data, line_no, Rejects())


READERS: tuple[Reader, ...] = (RuRegistryReader(), Tar1090ExtractReader(), OpenSkyDbReader(), Tar1090DbReader())


def reader_names() -> list[str]:
    return [r.name for r in READERS]


def choose_reader(path: Path, input_format: str = "auto") -> Reader:
    """The aircraft-database reader for the file: the one named, or the first whose sniff accepts it
    (the ingest registry's rule, among the aircraft-database readers)."""
    from basewatch.ingest import registry

    return registry.choose_reader(path, input_format, kinds=("aircraft-db",), what="aircraft database")


def import_aircraft_db(ws: Workspace, path: Path | str, input_format: str = "auto") -> IngestReport:
    """Import one aircraft database file: one transaction, nothing added when already imported."""
    from basewatch.ingest.pipeline import IngestReport, file_sha256, write_result

    p = Path(path)
    reader = choose_reader(p, input_format)
    digest = file_sha256(p)
    row = ws.con.execute("SELECT source_id FROM sources WHERE sha256 = ?", [digest]).fetchone()
    if row is not None:
        return IngestReport(str(p), reader.name, 0, 0, 0, already_ingested=True, source_id=int(row[0]))
    return write_result(ws, p, digest, reader.name, reader.read(p))
