"""Options every command shares, declared once, and the one way a command writes an Arrow table.

- `--format` (`Format`): checked against what the command can write (`check_format`);
- `-o/--out FILE` (`Out`): write there instead of standard output;
- `--since/--until` (`Since`, `Until`): the same ISO 8601 forms everywhere (`parse_when`);
- `--site`, `--actor`, `--limit`.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from basewatch.errors import UsageError

if TYPE_CHECKING:
    import pyarrow as pa

Format = Annotated[str, typer.Option("--format", help="Output format (table, json, csv, ...: see above).")]
TABLE_FORMATS = ("table", "json", "csv", "parquet")
TableFormat = Annotated[str, typer.Option("--format", help="table, json, csv or parquet")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of standard output.")]
Since = Annotated[str | None, typer.Option(
    "--since", help="From this UTC date or time, ISO 8601 (2024-12-10, 2024-12-10T06:00Z).")]
Until = Annotated[str | None, typer.Option(
    "--until", help="Up to this UTC date (that day included) or time, ISO 8601.")]
Site = Annotated[str | None, typer.Option("--site", help="Only this watched site (id, see `basewatch sites`).")]
Actor = Annotated[str | None, typer.Option("--actor", help="Only this watched actor (id, see `basewatch actors`).")]
Limit = Annotated[int | None, typer.Option("--limit", help="At most this many rows.", min=0)]

_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE)


def parse_when(text: str | None, option: str = "--since") -> dt.date | dt.datetime | None:
    """A date (2024-12-10) or a UTC date-time (2024-12-10T06:00Z, ...T06:00:00, ...T06:00+02:00; no zone
    means UTC). A date given to --until includes that day (the library's rule)."""
    if text is None:
        return None
    value = text.strip()
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        if not _TIME.match(value):
            raise ValueError(value)
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{option} {text!r}: use an ISO 8601 date or UTC time, e.g. 2024-12-10 or "
                         "2024-12-10T06:00Z") from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def window(since: str | None, until: str | None) -> tuple[dt.date | dt.datetime | None, dt.date | dt.datetime | None]:
    return parse_when(since, "--since"), parse_when(until, "--until")


def check_format(fmt: str, allowed: Sequence[str]) -> str:
    if fmt not in allowed:
        raise UsageError(f"--format {fmt!r}: this command writes {', '.join(allowed)}")
    return fmt


def check_limit(limit: int | None) -> int | None:
    if limit is not None and limit < 0:
        raise UsageError(f"--limit must be 0 or more, got {limit}")
    return limit


def write_text(data: str | bytes, out: Path | None) -> None:
    """To `out` (all or nothing: a temporary file renamed into place) or to standard output."""
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    partial = out.with_name(out.name + ".partial")
    try:
        if isinstance(data, bytes):
            partial.write_bytes(data)
        else:
            partial.write_text(data, encoding="utf-8")
        partial.replace(out)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    sys.stderr.write(f"wrote {out}\n")


def emit(table: pa.Table, fmt: str, out: Path | None, *, columns: Sequence[str] | None = None,
         title: str | None = None, limit: int | None = None) -> None:
    """Write an Arrow table as table (the chosen `columns`), json or csv (every column), or parquet."""
    from basewatch.cli.output import csv_text, json_text, table_text, terminal_width

    total = table.num_rows
    if limit is not None:
        table = table.slice(0, limit)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        if out is None:
            raise UsageError("--format parquet needs -o FILE (--out FILE)")
        partial = out.with_name(out.name + ".partial")
        try:
            pq.write_table(table, partial)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
        sys.stderr.write(f"wrote {out} ({table.num_rows} rows)\n")
        return
    rows = table.to_pylist()
    if fmt == "json":
        write_text(json_text(rows), out)
    elif fmt == "csv":
        write_text(csv_text(rows, table.column_names), out)
    else:
        shown = [c for c in (columns or table.column_names) if c in table.column_names]
        count = f"{len(rows)} of {total}, --limit" if len(rows) < total else f"{len(rows)}"
        heading = f"{title} ({count})" if title else None
        write_text(table_text(rows, shown, heading, None if out else terminal_width()), out)
