"""Reader `nmea`: AIS NMEA 0183 logs (!--VDM/!--VDO, tag blocks, Gatehouse $PGHP, trailing epochs).

What becomes a record:
- positions: message types 1, 2, 3 (class A), 18 (class B), 19 (class B extended), 27 (long range);
- static and voyage data: types 5, 24 (parts A and B) and the static part of 19.
Other message types (base stations, aids to navigation, binary, safety...) are valid messages that carry
no vessel data: counted as skipped ('not vessel data'), not rejected, with a per-type note.

Reception time: see `sentences.py`. A position without any reception time is rejected ('no reception
time'): it cannot be placed on a track. Static reports are kept without a time.

Checksums: lenient by default (a sentence with a wrong checksum is decoded, and the count is noted);
`strict=True` rejects such messages ('bad checksum').
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from basewatch.errors import InputFormatError
from basewatch.ingest.ais import records
from basewatch.ingest.ais.decode import decode, message_types
from basewatch.ingest.ais.reassembly import Messages
from basewatch.ingest.ais.sentences import (
    BAD_CHECKSUM,
    TIME_CODES,
    TIME_NONE,
    TIME_SOURCE_NAMES,
    FileSource,
    SentenceStream,
    Source,
)
from basewatch.ingest.base import SKIPPED_NOT_VESSEL, ReadResult, Rejects
from basewatch.ingest.stream import Batch, Stream
from basewatch.ingest.stream import collect as collect_stream

OTHER_TYPE = "not a vessel position or static report"
POSITION_TYPES = (1, 2, 3, 18, 19, 27)
STATIC_TYPES = (5, 24)
_SNIFF = re.compile(rb"(?:^|[\n\\\s,;|])[!$][A-Z0-9=]{2}VD[MO],\d,\d,\d*,[^,]*,[0-9:;<=>?@A-W`a-w]*,\d\*[0-9A-Fa-f]{2}")


@dataclass(frozen=True)
class NmeaReader:
    name: str = "nmea"
    kind: str = "ais"
    strict: bool = False

    def sniff(self, head: bytes, path: Path) -> bool:
        return _SNIFF.search(head) is not None

    def with_options(self, strict: bool = False, columns: Mapping[str, str] | None = None) -> NmeaReader:
        return replace(self, strict=strict)

    def read(self, path: Path) -> ReadResult:
        return read_source(FileSource(path), path, strict=self.strict)

    def stream(self, path: Path) -> Stream:
        """The file's records in batches, one per block of FileSource (16 MiB of lines at most)."""
        return stream_source(FileSource(path), path, strict=self.strict)


def collect(source: Source) -> tuple[Messages, SentenceStream]:
    """All messages of a source (concatenated), with the stream that saw them."""
    stream = SentenceStream()
    batches = list(stream.messages(source))
    if not batches:
        empty = np.zeros(0)
        return Messages(pa.array([], pa.binary()), empty.astype(np.int8), empty.astype(np.int64), empty,
                        empty.astype(np.int8), empty.astype(bool)), stream
    return Messages(
        pa.concat_arrays([b.payload for b in batches]),
        np.concatenate([b.fill for b in batches]),
        np.concatenate([b.line_no for b in batches]),
        np.concatenate([b.time for b in batches]),
        np.concatenate([b.time_source for b in batches]),
        np.concatenate([b.checksum_ok for b in batches]),
    ), stream


@dataclass(frozen=True)
class Decoded:
    """Records of one batch of messages, with what was left out."""

    positions: pa.Table
    statics: pa.Table
    rejected: Mapping[str, npt.NDArray[np.int64]]   # reason -> lines
    other_types: Counter[int]
    time_sources: Counter[int]


def decode_messages(msgs: Messages, strict: bool = False) -> Decoded:
    """Positions and static reports of a batch of messages (see the module docstring for the rules)."""
    rejected: dict[str, list[npt.NDArray[np.int64]]] = {}
    keep = np.ones(msgs.size, dtype=bool)
    if strict:
        bad = ~msgs.checksum_ok
        rejected[BAD_CHECKSUM] = [msgs.line_no[bad]]
        keep &= ~bad
    types = message_types(msgs.payload, msgs.fill)
    other = keep & ~np.isin(types, POSITION_TYPES + STATIC_TYPES)  # skipped: counted in other_types
    keep &= ~other
    sel = np.flatnonzero(keep)
    payload = msgs.payload.take(pa.array(sel, pa.int64()))
    decoded = decode(payload, msgs.fill[sel], records.FIELDS)
    ctx = records.Context(time=msgs.time[sel], row_no=msgs.line_no[sel],
                          time_source=_time_source_text(msgs.time_source[sel]))
    pos = records.positions(decoded, ctx)
    sta = records.statics(decoded, ctx)
    for built in (pos, sta):
        for reason, rows in built.rejected.items():
            rejected.setdefault(reason, []).append(rows)
    return Decoded(
        pos.table, sta.table, {r: np.concatenate(v) for r, v in rejected.items()},
        Counter(types[other].tolist()), Counter(msgs.time_source[sel].tolist()),
    )


def read_source(source: Source, path: Path, strict: bool = False) -> ReadResult:
    """Read a whole source, decoding block by block (see stream_source)."""
    return collect_stream(stream_source(source, path, strict))


def stream_source(source: Source, path: Path, strict: bool = False) -> Stream:
    """A source's records in batches, one per block of messages (memory: one block at a time)."""
    rejects = Rejects()
    notes: list[str] = []
    skipped: dict[str, int] = {}
    schemas = {"ais_positions": records.POSITIONS_SCHEMA, "ais_static": records.STATIC_SCHEMA}
    return Stream(_batches(source, path, strict, rejects, notes, skipped), rejects,
                  ("ais_positions", "ais_static"), schemas, notes, skipped)


def _batches(source: Source, path: Path, strict: bool, rejects: Rejects, notes: list[str],
             skipped: dict[str, int]) -> Iterator[Batch]:
    stream = SentenceStream()
    other: Counter[int] = Counter()
    time_sources: Counter[int] = Counter()
    for batch in stream.messages(source):
        part = decode_messages(batch, strict)
        for reason, rows in part.rejected.items():
            _add(rejects, reason, rows)
        other += part.other_types
        time_sources += part.time_sources
        yield {"ais_positions": part.positions, "ais_static": part.statics}
    st = stream.stats
    if st.candidates == 0:
        raise InputFormatError(path, "no AIS sentences (!--VDM / !--VDO) found: not an NMEA AIS file")
    for reason, lines in st.rejects.items():
        _add(rejects, reason, np.asarray(lines, dtype=np.int64))
    if st.bad_checksum and not strict:
        notes.append(f"{st.bad_checksum:,} sentences with a bad checksum were decoded anyway "
                     "(lenient; --strict rejects them)")
    if other:
        notes.append(f"{sum(other.values()):,} messages skipped (not vessel data): "
                     + ", ".join(f"type {t}: {c:,}" for t, c in sorted(other.items())))
        skipped[SKIPPED_NOT_VESSEL] = sum(other.values())
    notes.extend(_time_notes(time_sources))
    if st.other_nmea:
        notes.append(f"{st.other_nmea:,} other NMEA sentences skipped")


def _time_source_text(codes: npt.NDArray[np.int8]) -> pa.Array:
    """Time source codes as dictionary-encoded text (null where a message has no time)."""
    names = [TIME_CODES.get(code) for code in range(max(TIME_CODES) + 1)]
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int8(), mask=codes == TIME_NONE), pa.array(names))


def _add(rejects: Rejects, reason: str, lines: npt.NDArray[np.int64]) -> None:
    if len(lines) == 0:
        return
    for ln in np.sort(lines)[:5]:
        rejects.add(reason, int(ln), 0)
    rejects.counts[reason] = rejects.counts.get(reason, 0) + len(lines)


def _time_notes(counts: Counter[int]) -> list[str]:
    if not counts:
        return []
    parts = [f"{TIME_SOURCE_NAMES[k]}: {v:,}" for k, v in sorted(counts.items())]
    notes = ["reception times of messages: " + "; ".join(parts)]
    if counts.get(TIME_NONE) and counts[TIME_NONE] == sum(counts.values()):
        notes.append("the file carries no reception time (no tag blocks, trailing or leading timestamps, $PGHP or "
                     "$--ZDA/RMC): positions cannot be placed in time and are rejected; static reports are kept")
    return notes


READER = NmeaReader()
