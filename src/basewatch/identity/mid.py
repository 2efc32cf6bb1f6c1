"""Flag state from an MMSI: the Maritime Identification Digits (ITU-R M.585, ITU MID table).

The MID sits at a different place depending on what the MMSI identifies (ITU-R M.585 annex 1):

| MMSI form  | what                                       | MID digits |
|------------|--------------------------------------------|------------|
| MIDxxxxxx  | ship station (first digit 2-7)             | 1-3        |
| 0MIDxxxxx  | group of ship stations                     | 2-4        |
| 00MIDxxxx  | coast station                              | 3-5        |
| 111MIDxxx  | SAR aircraft                               | 4-6        |
| 8MIDxxxxx  | handheld VHF with DSC/GNSS                 | 2-4        |
| 98MIDxxxx  | craft associated with a parent ship        | 3-5        |
| 99MIDxxxx  | aid to navigation                          | 3-5        |
| 970/972/974| AIS-SART, MOB device, EPIRB-AIS            | none (no flag) |

The table ships as `data/mid.csv` (built by scripts/make_mid.py from the ITU list): mid, flag (ISO 3166
alpha-2), country, allocated_to.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pyarrow as pa

# (form name, regular expression over the 9-digit MMSI, 0-based start of the MID); first match wins
MMSI_FORMS: tuple[tuple[str, str, int], ...] = (
    ("ship", r"^[2-7][0-9]{8}$", 0),
    ("coast station", r"^00[2-7][0-9]{6}$", 2),
    ("group of ships", r"^0[2-7][0-9]{7}$", 1),
    ("SAR aircraft", r"^111[2-7][0-9]{5}$", 3),
    ("handheld VHF", r"^8[2-7][0-9]{7}$", 1),
    ("craft of a parent ship", r"^98[2-7][0-9]{6}$", 2),
    ("aid to navigation", r"^99[2-7][0-9]{6}$", 2),
    ("SART, MOB or EPIRB", r"^97[024][0-9]{6}$", -1),
)
_COMPILED = tuple((name, re.compile(rx), start) for name, rx, start in MMSI_FORMS)


@dataclass(frozen=True)
class Flag:
    mid: str
    flag: str        # ISO 3166 alpha-2
    country: str


@lru_cache(maxsize=1)
def mid_rows() -> tuple[Flag, ...]:
    text = (resources.files("basewatch.identity") / "data" / "mid.csv").read_text(encoding="utf-8")
    return tuple(Flag(r["mid"], r["flag"], r["country"]) for r in csv.DictReader(text.splitlines()))


def mid_table() -> pa.Table:
    """The MID table as Arrow (mid, flag, country) for joins in SQL."""
    rows = mid_rows()
    return pa.table({
        "mid": pa.array([r.mid for r in rows], pa.string()),
        "flag": pa.array([r.flag for r in rows], pa.string()),
        "country": pa.array([r.country for r in rows], pa.string()),
    })


def normalise_mmsi(mmsi: str | int) -> str | None:
    """9-digit text of an MMSI (leading zeros restored), or None if it is not one."""
    text = str(mmsi).strip()
    if not text.isdigit() or len(text) > 9 or int(text) == 0:
        return None
    return text.zfill(9)


def mmsi_form(mmsi: str | int) -> str | None:
    """What kind of station the MMSI identifies (see the table above), or None."""
    text = normalise_mmsi(mmsi)
    if text is None:
        return None
    return next((name for name, rx, _ in _COMPILED if rx.match(text)), None)


def mid_of(mmsi: str | int) -> str | None:
    """The MID digits of an MMSI, or None (no MID in this form of MMSI)."""
    text = normalise_mmsi(mmsi)
    if text is None:
        return None
    for _, rx, start in _COMPILED:
        if rx.match(text):
            return text[start:start + 3] if start >= 0 else None
    return None


def flag_of(mmsi: str | int) -> Flag | None:
    """The flag state of an MMSI by its MID, or None (no MID, or a MID not allocated)."""
    mid = mid_of(mmsi)
    if mid is None:
        return None
    return next((r for r in mid_rows() if r.mid == mid), None)


def mid_sql(column: str) -> str:
    """A SQL expression giving the MID of a 9-digit MMSI text column (NULL when it has none)."""
    whens = " ".join(
        f"WHEN regexp_matches({column}, '{rx}') THEN " + (f"substr({column}, {start + 1}, 3)" if start >= 0 else "NULL")
        for _, rx, start in MMSI_FORMS
    )
    return f"(CASE {whens} END)"
