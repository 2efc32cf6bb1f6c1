"""Cutting a byte stream into units (lines, Beast frames), keeping what is incomplete for the next read.

A framer is fed whatever a socket or file read returned and gives back complete units; bytes that can
never form a unit (overlong lines, bytes between Beast frames, a unit cut off by a disconnect) are
counted as malformed. Decoding the units is the ingest readers' work (see decoders.py), not this.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Protocol

from basewatch.ingest.adsb.beast import BODY_LENGTH

MAX_LINE = 8192
# 0x1a, a type byte, then anything but a lone 0x1a (a 0x1a inside a frame is doubled)
_BEAST = re.compile(rb"\x1a[1-4](?:[^\x1a]|\x1a\x1a)*", re.DOTALL)
_FRAME_LENGTH = {k[0]: v for k, v in BODY_LENGTH.items()} | {ord("4"): None}

R_LONG_LINE = f"line longer than {MAX_LINE} bytes"
R_CUT = "unit cut off by the end of the connection"
R_GARBAGE = "bytes outside any Beast frame"
R_BEAST_LENGTH = "Beast frame of the wrong length"


@dataclass
class Malformed:
    """Malformed pieces counted by reason."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, n: int = 1) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + n

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Framer(Protocol):
    malformed: Malformed

    @property
    def pending(self) -> int:
        """Bytes kept for the next feed (an incomplete unit)."""
        ...

    def feed(self, data: bytes) -> list[bytes]:
        """Complete units found in data (with what was kept from before)."""
        ...

    def close(self) -> list[bytes]:
        """End of stream: units still complete in the buffer (an incomplete one is counted)."""
        ...


class LineFramer:
    """Text lines, without the line end ('\\n' or '\\r\\n'). Blank lines are units too (they keep
    sequence numbers equal to line numbers). last_ends: after each feed, where each unit it returned ends
    (just past its newline), counted from the start of the bytes kept from before plus the data fed."""

    def __init__(self) -> None:
        self.malformed = Malformed()
        self._tail = b""
        self.last_ends: list[int] = []

    @property
    def pending(self) -> int:
        return len(self._tail)

    def feed(self, data: bytes) -> list[bytes]:
        buf = self._tail + data if self._tail else data
        cut = buf.rfind(b"\n") + 1
        self._tail = buf[cut:]
        if len(self._tail) > MAX_LINE:
            self.malformed.add(R_LONG_LINE)
            self._tail = b""
        self.last_ends = []
        if not cut:
            return []
        lines = buf[: cut - 1].split(b"\n")
        out = [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]
        ends = list(itertools.accumulate(len(ln) + 1 for ln in lines))
        if any(len(ln) > MAX_LINE for ln in out):
            keep = [i for i, ln in enumerate(out) if len(ln) <= MAX_LINE]
            self.malformed.add(R_LONG_LINE, len(out) - len(keep))
            out, ends = [out[i] for i in keep], [ends[i] for i in keep]
        self.last_ends = ends
        return out

    def close(self) -> list[bytes]:
        tail, self._tail = self._tail, b""
        if tail.strip():
            self.malformed.add(R_CUT)
        return []


class BeastFramer:
    """Beast binary frames, unescaped: type byte + 6-byte counter + signal + message. Mode-A/C and status
    frames are units too (their index counts, as in a Beast file)."""

    def __init__(self) -> None:
        self.malformed = Malformed()
        self._tail = b""

    @property
    def pending(self) -> int:
        return len(self._tail)

    def feed(self, data: bytes) -> list[bytes]:
        buf = self._tail + data if self._tail else data
        out: list[bytes] = []
        pos = 0
        last: re.Match[bytes] | None = None
        for m in _BEAST.finditer(buf):
            if last is not None:
                self._emit(last, out)
            if m.start() != pos:
                self.malformed.add(R_GARBAGE)
            pos = m.end()
            last = m
        if last is None:
            if len(buf) > 64:  # no frame start at all in a long stretch
                self.malformed.add(R_GARBAGE)
                buf = b""
            self._tail = buf
            return out
        body = last.group(0)[2:].replace(b"\x1a\x1a", b"\x1a")
        want = _FRAME_LENGTH.get(last.group(0)[1])
        trailing = buf[last.end():]
        if want is not None and len(body) >= want and not trailing:
            self._emit(last, out)  # complete: no need to wait for the next frame
            self._tail = b""
        else:
            self._tail = buf[last.start():]
        return out

    def _emit(self, m: re.Match[bytes], out: list[bytes]) -> None:
        raw = m.group(0)
        kind = raw[1]
        body = raw[2:].replace(b"\x1a\x1a", b"\x1a")
        want = _FRAME_LENGTH.get(kind)
        if want is not None and len(body) < want:
            self.malformed.add(R_BEAST_LENGTH)
            return
        if want is not None and len(body) > want:  # the frame, then bytes that belong to no frame
            self.malformed.add(R_GARBAGE)
            body = body[:want]
        out.append(raw[1:2] + body)

    def close(self) -> list[bytes]:
        tail, self._tail = self._tail, b""
        if not tail:
            return []
        m = _BEAST.fullmatch(tail)
        want = _FRAME_LENGTH.get(tail[1]) if len(tail) > 1 else None
        if m is not None and want is not None and len(tail[2:].replace(b"\x1a\x1a", b"\x1a")) >= want:
            out: list[bytes] = []
            self._emit(m, out)
            return out
        self.malformed.add(R_CUT)
        return []


def framer_for(fmt: str) -> Framer:
    return BeastFramer() if fmt == "beast" else LineFramer()
