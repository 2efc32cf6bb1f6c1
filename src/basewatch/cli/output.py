"""Shared output for commands: tables, JSON, CSV (times as UTC ISO 8601), and the one-line messages.

Every `--format json` output is one JSON array of objects: one object per row, and an array of one
object for commands that report one thing (`analyse`, `info`, `demo`). Tables are plain text: ids are
never cut (whatever the width), other columns are shortened with an ellipsis only on a terminal too
narrow for them; piped, nothing is cut. Rendering is linear in the rows (rich's tables are not: 5,000
rows took 10 s).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from basewatch.jsonable import to_jsonable

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["error_line", "json_text", "note_line", "print_csv", "print_json", "print_table", "table_text",
           "to_jsonable"]

# columns never shortened: ids and the first column of every table
ID_COLUMNS = ("id", "mmsi", "icao24", "imo", "hex", "path", "sha256", "site", "port", "origin", "destination")
MIN_WIDTH = 6


@functools.cache
def console() -> Console:
    """The rich console on standard output (rich is imported on first use: it is slow to import)."""
    from rich.console import Console

    return Console()


@functools.cache
def err_console() -> Console:
    """The rich console on standard error: progress and status."""
    from rich.console import Console

    return Console(stderr=True)


class _NoProgress:
    """Stands for a rich Progress when none is shown (rich's disabled Progress still writes a newline)."""

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: float | None = None, **fields: Any) -> int:
        return 0

    def update(self, task: int, **fields: Any) -> None:
        return None

    def advance(self, task: int, advance: float = 1) -> None:
        return None


def progress_bar(*columns: Any, enabled: bool = True, stderr: bool = True) -> Any:
    """A transient rich Progress on stderr (or stdout), or a stand-in doing nothing when disabled or when
    that stream is not a terminal (piped output stays clean)."""
    stream = sys.stderr if stderr else sys.stdout
    if not enabled or not stream.isatty():
        return _NoProgress()
    from rich.progress import Progress

    return Progress(*columns, transient=True, console=err_console() if stderr else console())


def one_line(text: object) -> str:
    """The text on one line (newlines and tabs become spaces)."""
    return " ".join(str(text).split())


def error_line(message: object) -> None:
    """A user error: one line on standard error, never wrapped (rich wraps at 80 columns when piped)."""
    sys.stderr.write(f"error: {one_line(message)}\n")
    sys.stderr.flush()


def note_line(message: object) -> None:
    sys.stderr.write(f"note: {one_line(message)}\n")
    sys.stderr.flush()


def json_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """The one JSON shape of every command: an array of objects."""
    return json.dumps([to_jsonable(dict(r)) for r in rows], ensure_ascii=False) + "\n"


def print_json(rows: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> None:
    """Write `rows` (or one object, as an array of one) as a JSON array to standard output."""
    sys.stdout.write(json_text([rows] if isinstance(rows, Mapping) else rows))


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c), ";") for c in columns])
    return buf.getvalue()


def print_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    sys.stdout.write(csv_text(rows, columns))


def _cell(value: Any, sep: str = ", ") -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return sep.join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"
    return one_line(to_jsonable(value))


def _is_id(name: str, index: int) -> bool:
    return index == 0 or name in ID_COLUMNS or name.endswith(("_id", "_ids", "_site", "_port", "_airport"))


def terminal_width() -> int | None:
    """The width to fit, or None when standard output is not a terminal (then nothing is shortened)."""
    if os.environ.get("COLUMNS", "").isdigit() and sys.stdout.isatty():
        return int(os.environ["COLUMNS"])
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def _fit(widths: list[int], names: Sequence[str], total: int | None) -> list[int]:
    """Column widths within `total` characters (two spaces between columns), ids kept whole."""
    if total is None:
        return widths
    fitted = list(widths)
    room = total - 2 * (len(widths) - 1)
    flexible = [i for i, n in enumerate(names) if not _is_id(n, i)]
    while sum(fitted) > room:
        widest = max(flexible, key=lambda i: fitted[i], default=None)
        if widest is None or fitted[widest] <= MIN_WIDTH:
            break
        fitted[widest] -= 1
    return fitted


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def table_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], title: str | None = None,
               width: int | None = None) -> str:
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    widths = _fit(widths, columns, width)
    lines = [title] if title else []
    lines.append("  ".join(_clip(c, w).ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(_clip(v, w).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


def print_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], title: str | None = None) -> None:
    sys.stdout.write(table_text(rows, columns, title, terminal_width()))
