"""Readers in bounded batches: a file read as blocks of whole lines, and a reader's result as a stream.

A streaming reader returns a `Stream`: its batches (table name -> Arrow table, each of at most one block
of lines) are written one after another by the ingest pipeline inside the file's one transaction, so a
file of any size takes memory for one block, and a fatal error late in the file (a damaged gzip tail,
a file that turns out not to be of its format) still leaves nothing. The rejects, notes and skipped
counts are complete once the batches are exhausted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from basewatch.ingest import files
from basewatch.ingest.base import ReadResult, Rejects

# Lines per block (so rows per batch at most) and bytes per block (cut at the last whole line before).
BATCH_LINES = 250_000
BATCH_BYTES = 64 << 20

Batch = Mapping[str, pa.Table]


@dataclass(frozen=True)
class Stream:
    """A reader's result in batches; rejects, notes and skipped fill in as the batches are read."""

    batches: Iterator[Batch]
    rejects: Rejects
    counted: tuple[str, ...]
    schemas: Mapping[str, pa.Schema]       # every table the batches may hold, with its schema
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    late: dict[str, int] = field(default_factory=dict)  # counts known only at the end ("duplicates")

    @property
    def total_duplicates(self) -> int:
        """Duplicates the reader found (complete once the batches are exhausted)."""
        return self.duplicates + self.late.get("duplicates", 0)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def from_result(result: ReadResult) -> Stream:
    """A whole-file result as a stream of one batch."""
    return Stream(iter([result.tables]), result.rejects, result.counted,
                  {name: t.schema for name, t in result.tables.items()}, list(result.notes),
                  dict(result.skipped), result.duplicates)


def collect(stream: Stream) -> ReadResult:
    """Every batch of a stream concatenated (for callers that want the whole file at once)."""
    parts: dict[str, list[pa.Table]] = {name: [] for name in stream.schemas}
    for batch in stream.batches:
        for name, table in batch.items():
            parts.setdefault(name, []).append(table)
    tables = {name: (pa.concat_tables(ts).combine_chunks() if ts else stream.schemas[name].empty_table())
              for name, ts in parts.items()}
    return ReadResult(tables=tables, rejects=stream.rejects, counted=stream.counted, notes=tuple(stream.notes),
                      skipped=dict(stream.skipped), duplicates=stream.total_duplicates)


@dataclass(frozen=True)
class Block:
    """Whole lines of a file: `data` starts at 1-based line `first_line`."""

    first_line: int
    data: bytes


def batch_lines(max_lines: int | None) -> int:
    """max_lines, or BATCH_LINES as it is at the call (tests lower it to see many batches)."""
    return max_lines if max_lines else BATCH_LINES


def line_blocks(path: Path, max_lines: int | None = None, max_bytes: int = BATCH_BYTES) -> Iterator[Block]:
    """The file (gunzipped when gzip) in blocks of at most max_lines lines, cut after a \\n.

    A block also ends at the last \\n before max_bytes (or, when no line end lies before, at the next one).
    Lines that end in a lone \\r (old Mac text) count as lines of their block but do not cut it. The last
    line is given even without its line end."""
    first = 1
    for data in _cut_blocks(files.open_stream(path), batch_lines(max_lines), max_bytes):
        yield Block(first, data)
        first += physical_lines(data)


def _cut_blocks(chunks: Iterable[bytes], max_lines: int, max_bytes: int) -> Iterator[bytes]:
    pending: list[bytes] = []
    size = 0       # bytes in pending
    lines = 0      # \n in pending
    for chunk in chunks:
        ends = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
        start = 0  # chunk[:start] has been given out already
        taken = 0  # ends[:taken] lie before start
        while taken < len(ends):
            by_lines = taken + (max_lines - lines) - 1           # the end that completes max_lines
            budget_end = start + (max_bytes - size)  # the block may take chunk[:budget_end]
            by_bytes = (int(np.searchsorted(ends, budget_end, side="left")) - 1 if budget_end <= len(chunk)
                        else len(ends))
            cut_at = min(by_lines, by_bytes)
            if cut_at >= len(ends):
                break
            cut_at = max(cut_at, taken)  # no whole line fits the byte limit: the block ends at the next line end
            stop = int(ends[cut_at]) + 1
            pending.append(chunk[start:stop])
            yield b"".join(pending)
            pending, size, lines = [], 0, 0
            start, taken = stop, cut_at + 1
        rest = chunk[start:]
        if rest:
            pending.append(rest)
            size += len(rest)
            lines += len(ends) - taken
    if pending:
        yield b"".join(pending)


def physical_lines(data: bytes) -> int:
    """Lines as the CSV parser counts them (\\n, \\r\\n and a lone \\r end a line)."""
    if not data:
        return 0
    ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    return ends + (0 if data.endswith((b"\n", b"\r")) else 1)
