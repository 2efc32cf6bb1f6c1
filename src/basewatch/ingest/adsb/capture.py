"""Capture files: decompression, and wall-clock times for the relative 12 MHz MLAT counter of Beast and
dump1090 --mlat AVR captures."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from basewatch.ingest import files
from basewatch.ingest.base import MAX_EXAMPLES, Rejects

MLAT_HZ = 12e6
R_NO_COUNTER = "no MLAT counter (zero)"
R_BACKWARDS = "MLAT counter went back (receiver restart?)"
_EPOCH_IN_NAME = re.compile(r"(?<![0-9])(1[0-9]{9})(\.[0-9]+)?(?![0-9])")
_DATETIME_IN_NAME = re.compile(
    r"(?<![0-9])(20[0-9]{2})-?([01][0-9])-?([0-3][0-9])[T_ -]?([0-2][0-9])[:-]?([0-5][0-9])(?:[:-]?([0-5][0-9]))?"
)


def read_bytes(path: Path) -> bytes:
    """The whole file, decompressed when it is gzip (a damaged gzip is an InputFormatError: files.py)."""
    return files.read_bytes(path)


def wall_times(path: Path, counter_s: np.ndarray) -> tuple[np.ndarray, str]:
    """Wall-clock times (Unix s) for a 12 MHz MLAT counter, which only measures time relative to itself.

    The base comes from the file name when it holds a Unix time or a UTC date-time (taken as the time of
    the first frame, as e.g. `nc host 30005 > beast-1717664319.bin` or `..._20240606T0938Z.bin`), else from
    the file's modification time (taken as the time of the last frame, as when a capture stops).
    """
    if not len(counter_s):
        return counter_s, ""
    name = path.name
    epoch = _EPOCH_IN_NAME.search(name)
    when: datetime | None = None
    if epoch:
        base = float(epoch.group(1) + (epoch.group(2) or ""))
        return base + (counter_s - counter_s[0]), (
            f"frame times: 12 MHz MLAT counter relative to the Unix time {base:.3f} in the file name "
            "(taken as the first frame)"
        )
    stamp = _DATETIME_IN_NAME.search(name)
    if stamp:
        y, mo, d, h, mi, s = (int(x) if x else 0 for x in stamp.groups())
        try:
            when = datetime(y, mo, d, h, mi, s, tzinfo=UTC)
        except ValueError:
            when = None
    if when is not None:
        base = when.timestamp()
        return base + (counter_s - counter_s[0]), (
            f"frame times: 12 MHz MLAT counter relative to {when.isoformat()} from the file name "
            "(taken as the first frame)"
        )
    mtime = path.stat().st_mtime
    return mtime - (counter_s[-1] - counter_s), (
        "frame times are approximate: the 12 MHz MLAT counter is not wall time and the file name holds no "
        f"time, so the file's modification time ({datetime.fromtimestamp(mtime, UTC).isoformat()}) was taken "
        "as the time of the last frame; name the file with a Unix time or a UTC date-time of its first "
        "frame (e.g. capture-1717664319.bin) for exact times"
    )


def usable_counter(counter: np.ndarray, numbers: np.ndarray, rejects: Rejects) -> np.ndarray:
    """Frames (file order) whose 12 MHz counter can be used: non-zero (zero means "no MLAT data"), and
    not more than 1 s before a counter already seen (a receiver restart resets it; the gap is unknown)."""
    zero = counter == 0
    running = np.maximum.accumulate(np.where(zero, 0.0, counter)) if len(counter) else counter
    back = ~zero & (counter < running - MLAT_HZ)
    for reason, mask in ((R_NO_COUNTER, zero), (R_BACKWARDS, back)):
        bad = numbers[mask]
        for n in bad[:MAX_EXAMPLES].tolist():
            rejects.add(reason, n)
        if len(bad) > MAX_EXAMPLES:
            rejects.add(reason, int(bad[MAX_EXAMPLES]), len(bad) - MAX_EXAMPLES)
    return np.asarray(~zero & ~back)
