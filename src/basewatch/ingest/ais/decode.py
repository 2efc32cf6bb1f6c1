"""AIS payload decoding (ITU-R M.1371), vectorised over all messages of a kind at once.

One declarative schema per message kind (a `Layout` of `Field`s: bit offset, width, kind) drives the
decoding, as in pyais; the bits are cut out of a matrix of 6-bit values (one row per message) with numpy
shifts and masks, so no Python code runs per message. Fields the payload is too short to hold are null.
Values are raw integers (scaled and cleaned into SI units by `records.py`); text fields are 6-bit ASCII
with '@' padding and surrounding blanks removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.ingest.ais.reassembly import offsets_of

I64 = npt.NDArray[np.int64]
FieldKind = Literal["u", "i", "t"]   # unsigned, signed (two's complement), 6-bit text


@dataclass(frozen=True)
class Field:
    name: str
    start: int
    width: int
    kind: FieldKind = "u"

    @property
    def end(self) -> int:
        return self.start + self.width


@dataclass(frozen=True)
class Layout:
    """The fields of one kind of message (message types sharing a layout; type 24 by part number)."""

    name: str
    types: tuple[int, ...]
    fields: tuple[Field, ...]
    part: int | None = None  # type 24: 0 = part A, 1 = part B

    @property
    def bits(self) -> int:
        return max(f.end for f in self.fields)


_HEAD = (Field("msg_type", 0, 6), Field("repeat", 6, 2), Field("mmsi", 8, 30))

POSITION_A = Layout("position_a", (1, 2, 3), (
    *_HEAD, Field("status", 38, 4), Field("rot", 42, 8, "i"), Field("sog", 50, 10), Field("accuracy", 60, 1),
    Field("lon", 61, 28, "i"), Field("lat", 89, 27, "i"), Field("cog", 116, 12), Field("heading", 128, 9),
    Field("second", 137, 6), Field("maneuver", 143, 2), Field("raim", 148, 1),
))
POSITION_B = Layout("position_b", (18,), (
    *_HEAD, Field("sog", 46, 10), Field("accuracy", 56, 1), Field("lon", 57, 28, "i"), Field("lat", 85, 27, "i"),
    Field("cog", 112, 12), Field("heading", 124, 9), Field("second", 133, 6), Field("raim", 147, 1),
))
POSITION_B_EXT = Layout("position_b_ext", (19,), (
    *_HEAD, Field("sog", 46, 10), Field("accuracy", 56, 1), Field("lon", 57, 28, "i"), Field("lat", 85, 27, "i"),
    Field("cog", 112, 12), Field("heading", 124, 9), Field("second", 133, 6), Field("shipname", 143, 120, "t"),
    Field("shiptype", 263, 8), Field("to_bow", 271, 9), Field("to_stern", 280, 9), Field("to_port", 289, 6),
    Field("to_starboard", 295, 6), Field("epfd", 301, 4), Field("raim", 305, 1),
))
POSITION_LONG_RANGE = Layout("position_long_range", (27,), (
    *_HEAD, Field("accuracy", 38, 1), Field("raim", 39, 1), Field("status", 40, 4), Field("lon", 44, 18, "i"),
    Field("lat", 62, 17, "i"), Field("sog", 79, 6), Field("cog", 85, 9), Field("gnss", 94, 1),
))
STATIC_VOYAGE = Layout("static_voyage", (5,), (
    *_HEAD, Field("ais_version", 38, 2), Field("imo", 40, 30), Field("callsign", 70, 42, "t"),
    Field("shipname", 112, 120, "t"), Field("shiptype", 232, 8), Field("to_bow", 240, 9), Field("to_stern", 249, 9),
    Field("to_port", 258, 6), Field("to_starboard", 264, 6), Field("epfd", 270, 4), Field("month", 274, 4),
    Field("day", 278, 5), Field("hour", 283, 5), Field("minute", 288, 6), Field("draught", 294, 8),
    Field("destination", 302, 120, "t"), Field("dte", 422, 1),
))
STATIC_A = Layout("static_a", (24,), (*_HEAD, Field("partno", 38, 2), Field("shipname", 40, 120, "t")), part=0)
STATIC_B = Layout("static_b", (24,), (
    *_HEAD, Field("partno", 38, 2), Field("shiptype", 40, 8), Field("vendorid", 48, 18, "t"),
    Field("model", 66, 4), Field("serial", 70, 20), Field("callsign", 90, 42, "t"), Field("to_bow", 132, 9),
    Field("to_stern", 141, 9), Field("to_port", 150, 6), Field("to_starboard", 156, 6),
    Field("mothership_mmsi", 132, 30),
), part=1)

LAYOUTS: tuple[Layout, ...] = (
    POSITION_A, POSITION_B, POSITION_B_EXT, POSITION_LONG_RANGE, STATIC_VOYAGE, STATIC_A, STATIC_B,
)

# 6-bit de-armouring: '0'..'W' -> 0..39, '`'..'w' -> 40..63
_SIXBIT = np.zeros(256, dtype=np.uint8)
_SIXBIT[48:88] = np.arange(0, 40)
_SIXBIT[96:120] = np.arange(40, 64)
# 6-bit ASCII: 0..31 -> '@'..'_', 32..63 -> ' '..'?'
_ASCII6 = np.array([v + 64 if v < 32 else v for v in range(64)], dtype=np.uint8)


@dataclass(frozen=True)
class Payloads:
    """Armoured payloads as one byte buffer with offsets (from an Arrow binary array)."""

    data: npt.NDArray[np.uint8]     # 6-bit values of every payload character
    offsets: I64
    fill: npt.NDArray[np.int8]

    @staticmethod
    def of(payload: pa.BinaryArray, fill: npt.NDArray[np.int8]) -> Payloads:
        offsets = offsets_of(payload)
        buf = payload.buffers()[2]
        raw = np.frombuffer(buf, dtype=np.uint8) if buf is not None else np.zeros(0, np.uint8)
        return Payloads(_SIXBIT[raw], offsets, np.asarray(fill, dtype=np.int8))

    @property
    def size(self) -> int:
        return len(self.offsets) - 1

    @property
    def nbits(self) -> I64:
        return (self.offsets[1:] - self.offsets[:-1]) * 6 - self.fill

    def msg_type(self) -> I64:
        first = np.where(self.nbits >= 6, self.data[np.minimum(self.offsets[:-1], max(len(self.data) - 1, 0))], 0)
        return first.astype(np.int64)

    def matrix(self, rows: I64, width_bits: int) -> npt.NDArray[np.uint8]:
        """6-bit values of the given messages, zero-padded to width_bits (rows x chars)."""
        chars = -(-width_bits // 6)
        start = self.offsets[rows]
        length = self.offsets[rows + 1] - start
        padded = np.concatenate([self.data, np.zeros(chars, dtype=np.uint8)])
        windows = np.lib.stride_tricks.sliding_window_view(padded, chars)
        m = windows[start]  # a copy: one row of `chars` values per message
        short = np.flatnonzero(length < chars)
        if len(short):
            m[short] *= (np.arange(chars)[None, :] < length[short][:, None]).astype(np.uint8)
        return m


def bits(m: npt.NDArray[np.uint8], start: int, width: int) -> I64:
    """Unsigned big-endian field [start, start+width) of every row of a 6-bit matrix."""
    c0, c1 = start // 6, (start + width - 1) // 6
    acc = np.zeros(m.shape[0], dtype=np.int64)
    for c in range(c0, c1 + 1):
        acc = (acc << 6) | m[:, c]
    return (acc >> ((c1 + 1) * 6 - start - width)) & ((1 << width) - 1)


def signed(v: I64, width: int) -> I64:
    return np.where(v >= (1 << (width - 1)), v - (1 << width), v)


def text(m: npt.NDArray[np.uint8], start: int, width: int, nbits: I64) -> pa.Array:
    """6-bit ASCII text field, cut at the first '@' (ITU: no character) and at the payload's end, with
    surrounding blanks removed; null when the payload ends before the field starts."""
    n = width // 6
    codes = np.stack([bits(m, start + 6 * k, 6) for k in range(n)], axis=1)
    chars = _ASCII6[codes]
    at = chars == ord("@")
    cut = np.where(at.any(axis=1), at.argmax(axis=1), n)
    cut = np.minimum(cut, np.clip((nbits - start) // 6, 0, n))
    chars = np.where(np.arange(n)[None, :] < cut[:, None], chars, 32).astype(np.uint8)
    arr = pa.array(np.ascontiguousarray(chars).view(f"S{n}").ravel(), pa.binary()).cast(pa.string())
    return pc.if_else(pa.array(nbits > start), pc.utf8_trim_whitespace(arr), pa.scalar(None, pa.string()))


def decode_layout(p: Payloads, rows: I64, layout: Layout, only: frozenset[str] | None = None) -> pa.Table:
    """Decode the given messages with one layout: a table of raw fields plus `idx` (row in p).

    only: decode just these fields (all when None)."""
    fields = [f for f in layout.fields if only is None or f.name in only]
    m = p.matrix(rows, max((f.end for f in fields), default=6))
    nbits = p.nbits[rows]
    cols: dict[str, pa.Array] = {"idx": pa.array(rows, pa.int64())}
    for f in fields:
        if f.kind == "t":
            cols[f.name] = text(m, f.start, f.width, nbits)
            continue
        available = nbits >= f.end
        v = bits(m, f.start, f.width)
        if f.kind == "i":
            v = signed(v, f.width)
        cols[f.name] = pa.array(v, pa.int64(), mask=~available)
    return pa.table(cols)


def decode(
    payload: pa.BinaryArray, fill: npt.NDArray[np.int8], fields: frozenset[str] | None = None
) -> Mapping[str, pa.Table]:
    """Decode every message whose type has a layout; returns layout name -> table (with `idx`).

    fields: decode just these fields of each layout (all when None)."""
    p = Payloads.of(payload, fill)
    kinds = p.msg_type()
    out: dict[str, pa.Table] = {}
    part = np.zeros(p.size, dtype=np.int64)
    t24 = np.flatnonzero(kinds == 24)
    if len(t24):
        part[t24] = np.where(p.nbits[t24] >= 40, bits(p.matrix(t24, 40), 38, 2), -1)
    for layout in LAYOUTS:
        sel = np.isin(kinds, layout.types)
        if layout.part is not None:
            sel &= part == layout.part
        rows = np.flatnonzero(sel).astype(np.int64)
        out[layout.name] = decode_layout(p, rows, layout, fields)
    return out


def message_types(payload: pa.BinaryArray, fill: npt.NDArray[np.int8]) -> I64:
    """The message type of every payload (0 when the payload has fewer than 6 bits)."""
    offsets = offsets_of(payload)
    buf = payload.buffers()[2]
    if buf is None or len(offsets) < 2:
        return np.zeros(len(payload), dtype=np.int64)
    raw = np.frombuffer(buf, dtype=np.uint8)
    first = _SIXBIT[raw[np.minimum(offsets[:-1], len(raw) - 1)]].astype(np.int64)
    nbits = (offsets[1:] - offsets[:-1]) * 6 - np.asarray(fill, dtype=np.int64)
    return np.where(nbits >= 6, first, 0)
