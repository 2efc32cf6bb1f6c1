"""The reader contract: a reader turns one file into Arrow tables plus counted rejects.

Readers know nothing of the workspace; the ingest pipeline (pipeline.py) writes what they return.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyarrow as pa

MAX_EXAMPLES = 5
SKIPPED_NOT_VESSEL = "not vessel data"

# Arrow schema of flight-record points as readers return them (the pipeline adds source_id).
AIRCRAFT_POINTS_SCHEMA = pa.schema(
    [
        ("icao24", pa.string()),
        ("time", pa.timestamp("us", tz="UTC")),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("alt_baro_m", pa.float64()),
        ("alt_geom_m", pa.float64()),
        ("gs_ms", pa.float64()),
        ("track_deg", pa.float64()),
        ("vrate_ms", pa.float64()),
        ("callsign", pa.string()),
        ("squawk", pa.string()),
        ("on_ground", pa.bool_()),
        ("new_leg", pa.bool_()),
        ("row_no", pa.int64()),
    ]
)

# Facts about aircraft carried by the records themselves (readsb r/t/desc/dbFlags).
AIRCRAFT_SCHEMA = pa.schema(
    [
        ("icao24", pa.string()),
        ("registration", pa.string()),
        ("typecode", pa.string()),
        ("type_desc", pa.string()),
        ("operator", pa.string()),
        ("military", pa.bool_()),
        ("origin", pa.string()),
    ]
)


@dataclass
class Rejects:
    """Rejected records counted by reason, with the first few line/row numbers of each."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)

    def add(self, reason: str, line: int, n: int = 1) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + n
        ex = self.examples.setdefault(reason, [])
        if len(ex) < MAX_EXAMPLES:
            ex.append(line)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_json(self) -> dict[str, dict[str, object]]:
        return {r: {"count": c, "lines": self.examples.get(r, [])} for r, c in sorted(self.counts.items())}


@dataclass(frozen=True)
class ReadResult:
    """What a reader produced from one file.

    tables: workspace table name -> Arrow table (every table has a row_no column, the 1-based line or
    row in the file). counted: the tables whose rows are the file's records (accepted = their rows
    after duplicates are removed); the others are side facts (e.g. aircraft identity).
    notes: remarks for the user (e.g. 'no reception time in file; used ...').
    skipped: records that are valid but not data of this kind, by reason (AIS base stations and binary
    messages: SKIPPED_NOT_VESSEL), neither accepted nor rejected.
    """

    tables: Mapping[str, pa.Table]
    rejects: Rejects
    counted: tuple[str, ...]
    notes: tuple[str, ...] = ()
    skipped: Mapping[str, int] = field(default_factory=dict)
    duplicates: int = 0  # records the reader itself kept once (e.g. identical AIS static reports)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


class Reader(Protocol):
    """A strategy that reads one input format."""

    name: str          # the --input-format value
    kind: str          # "adsb" | "ais" | ...

    def sniff(self, head: bytes, path: Path) -> bool:
        """True if the file's first bytes (up to 64 KiB, decompressed) look like this format."""
        ...

    def read(self, path: Path) -> ReadResult:
        """Read the whole file. Raise InputFormatError if it is not of this format at all."""
        ...
