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


def wall_times(path: Path, counter_s: np.ndarray, time_base: float | None = None) -> tuple[np.ndarray, str]:
    """Wall-clock times (Unix s) for a 12 MHz MLAT counter, which only measures time relative to itself.

    The base (the time of the first frame) is the user's `time_base` (`--time-base`), else a Unix time or
    UTC date-time in the file name (as `nc host 30005 > beast-1717664319.bin` or `..._20240606T0938Z.bin`).
    Without either it cannot be known (a file's modification time says when it was last copied, not
    recorded: a 2016 capture came out dated 2026): the frames are then kept undated, on a time base of
    1980-01-01T00:00:00Z (UNDATED_BASE), apart from every dated record, and the note says so.
    """
    if not len(counter_s):
        return counter_s, ""
    relative = counter_s - counter_s[0]
    if time_base is not None:
        when = datetime.fromtimestamp(time_base, UTC).isoformat()
        return time_base + relative, f"frame times: 12 MHz MLAT counter relative to --time-base {when} (first frame)"
    name = path.name
    epoch = _EPOCH_IN_NAME.search(name)
    stamp_time: datetime | None = None
    if epoch:
        base = float(epoch.group(1) + (epoch.group(2) or ""))
        return base + relative, (
            f"frame times: 12 MHz MLAT counter relative to the Unix time {base:.3f} in the file name "
            "(taken as the first frame)"
        )
    stamp = _DATETIME_IN_NAME.search(name)
    if stamp:
        y, mo, d, h, mi, s = (int(x) if x else 0 for x in stamp.groups())
        try:
            stamp_time = datetime(y, mo, d, h, mi, s, tzinfo=UTC)
        except ValueError:
            stamp_time = None
    if stamp_time is not None:
        return stamp_time.timestamp() + relative, (
            f"frame times: 12 MHz MLAT counter relative to {stamp_time.isoformat()} from the file name "
            "(taken as the first frame)"
        )
    return UNDATED_BASE + relative, UNDATED_NOTE


UNDATED_BASE = 315532800.0  # 1980-01-01T00:00:00Z, the earliest time Mode-S decoding accepts (modes.MIN_TIME_S)
UNDATED_NOTE = (
    "UNDATED: the time base cannot be known (the 12 MHz MLAT counter is not wall time; the file name holds "
    "no time): frames are kept on a time base of 1980-01-01T00:00:00Z, apart from dated records; give "
    "--time-base 2016-05-19T10:00:00Z (the first frame's UTC time), or name the file with it "
    "(capture-1463652000.bin), for real times"
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
