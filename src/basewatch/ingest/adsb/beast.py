"""Beast binary (dump1090/readsb port 30005, Mode-S Beast, Radarcape in 12 MHz mode) read with rs1090.

A frame is 0x1a, a type byte ('1' Mode-A/C, '2' Mode-S short, '3' Mode-S long, '4' status), a 6-byte
big-endian 12 MHz MLAT counter, one signal byte and the message; a 0x1a inside a frame is doubled.
row_no is the 1-based index of the frame in the file. The counter is not wall time: see
capture.wall_times for how a time base is chosen (--time-base, the file name, else UNDATED); the notes say which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pyarrow as pa

from basewatch.errors import InputFormatError
from basewatch.ingest.adsb import capture, modes
from basewatch.ingest.base import ReadResult, Rejects

# type byte -> length of the unescaped frame body (counter + signal + message)
BODY_LENGTH = {b"1": 6 + 1 + 2, b"2": 6 + 1 + 7, b"3": 6 + 1 + 14}
_FRAME = re.compile(rb"\x1a([1-4])((?:[^\x1a]|\x1a\x1a)*)", re.DOTALL)

R_GARBAGE = "bytes outside any Beast frame"
R_TRUNCATED = "truncated or overlong Beast frame"
R_NO_COUNTER = capture.R_NO_COUNTER
R_BACKWARDS = capture.R_BACKWARDS


@dataclass(frozen=True)
class BeastFrames:
    """Mode-S frames found in a Beast stream (file order), and what else was seen."""

    counter: np.ndarray  # 12 MHz ticks
    hexes: list[str]
    frame_no: np.ndarray  # 1-based index among all frames in the file
    mode_ac: int
    status: int


def split_frames(data: bytes, rejects: Rejects) -> BeastFrames:
    """Unescape and split a Beast byte stream; malformed pieces are counted in `rejects`."""
    counters: list[int] = []
    hexes: list[str] = []
    numbers: list[int] = []
    mode_ac = status = 0
    pos = 0
    index = 0
    for match in _FRAME.finditer(data):
        index += 1
        if match.start() != pos:
            rejects.add(R_GARBAGE, index)
        pos = match.end()
        kind = match.group(1)
        body = match.group(2).replace(b"\x1a\x1a", b"\x1a")
        if kind == b"4":
            status += 1
            continue
        if len(body) != BODY_LENGTH[kind]:
            rejects.add(R_TRUNCATED, index)
            continue
        if kind == b"1":
            mode_ac += 1
            continue
        counters.append(int.from_bytes(body[:6], "big"))
        hexes.append(body[7:].hex())
        numbers.append(index)
    if pos != len(data):
        rejects.add(R_GARBAGE, index + 1)
    return BeastFrames(np.array(counters, dtype=np.float64), hexes, np.array(numbers, dtype=np.int64), mode_ac, status)


@dataclass(frozen=True)
class BeastReader:
    name: str = "beast"
    kind: str = "adsb"
    time_base: float | None = None  # Unix time of the first frame (--time-base); else see capture.wall_times

    def with_options(self, *, time_base: float | None = None, **_: object) -> BeastReader:
        return replace(self, time_base=time_base)

    def sniff(self, head: bytes, path: Path) -> bool:
        if len(head) < 11 or head[0] != 0x1A or head[1:2] not in BODY_LENGTH:
            return False
        probe = Rejects()
        frames = split_frames(head[:4096], probe)
        return len(frames.hexes) + frames.mode_ac >= 1 and probe.counts.get(R_GARBAGE, 0) <= 1

    def read(self, path: Path) -> ReadResult:
        data = capture.read_bytes(path)
        rejects = Rejects()
        frames = split_frames(data, rejects)
        if not frames.hexes:
            raise InputFormatError(path, "no Beast Mode-S frames found (expected 0x1a '2'/'3' frames)")
        broken = rejects.counts.get(R_GARBAGE, 0) + rejects.counts.get(R_TRUNCATED, 0)
        if broken > len(frames.hexes) + frames.mode_ac:
            raise InputFormatError(
                path, f"mostly not Beast: {broken} broken pieces for {len(frames.hexes)} Mode-S frames"
            )
        good = capture.usable_counter(frames.counter, frames.frame_no, rejects)
        times, time_note = capture.wall_times(path, frames.counter[good] / capture.MLAT_HZ, self.time_base)
        table = pa.table(
            {
                "time_s": pa.array(times, pa.float64()),
                "hex": pa.array([h for h, ok in zip(frames.hexes, good, strict=True) if ok], pa.string()),
                "row_no": pa.array(frames.frame_no[good], pa.int64()),
                "icao24": pa.nulls(int(good.sum()), pa.string()),
            }
        )
        result = modes.frames_to_points(table, rejects)
        notes = [time_note, *result.notes]
        if frames.mode_ac or frames.status:
            notes.append(f"{frames.mode_ac} Mode-A/C and {frames.status} status frames carry no address: not used")
        return ReadResult(
            tables={"aircraft_points": result.points}, rejects=rejects, counted=("aircraft_points",),
            notes=tuple(n for n in notes if n),
        )


READER = BeastReader()
