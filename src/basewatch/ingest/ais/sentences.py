"""NMEA 0183 AIS sentences: line scanning, checksums and reception times, vectorised.

A Source yields blocks of complete lines (a file is one source; a socket can be another, through
`complete_lines`). A `SentenceStream` scans each block with numpy over the raw bytes and Arrow regular
expressions over short slices (no Python work per line), carries the reception clock and the pending
multipart fragments (`reassembly.py`) from block to block, and returns whole AIS messages (payload + fill
bits) in columns.

Reception time of a message, in order of preference:
1. its own line: a tag block `c:` (unix seconds, or milliseconds when >= 1e11), a trailing epoch after
   the checksum (`...*hh,1234567890`, also after a station field: `...*hh,b003669794,1272412827`), or a
   leading timestamp before the sentence (`1609459200.5 !AIVDM...`, `2021-01-01 00:00:00 !AIVDM...`, UTC);
2. the latest clock seen on an earlier line of the stream: any earlier own time, a Gatehouse `$PGHP`
   wrapper, or a `$--ZDA` / `$--RMC` sentence of the receiver's GPS (carried forward);
3. none: the message cannot be placed in time (the reader rejects positions without a time).
Times outside 1980-2100 are treated as absent.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.errors import InputFormatError
from basewatch.ingest.ais.reassembly import Fragments, Messages, Reassembler, offsets_of

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
BOOL = npt.NDArray[np.bool_]

BLOCK_SIZE = 1 << 24
MIN_TIME = 315532800.0      # 1980-01-01
MAX_TIME = 4102444800.0     # 2100-01-01

# time source codes (per message)
TIME_NONE, TIME_TAG, TIME_EPOCH, TIME_CLOCK, TIME_PREFIX = 0, 1, 2, 3, 4
TIME_CODES = {TIME_TAG: "tag", TIME_EPOCH: "epoch", TIME_PREFIX: "prefix", TIME_CLOCK: "clock"}  # stored
TIME_SOURCE_NAMES = {
    TIME_NONE: "none", TIME_TAG: "tag block c:", TIME_EPOCH: "trailing epoch", TIME_PREFIX: "leading timestamp",
    TIME_CLOCK: "latest clock line carried forward (earlier timestamp, $PGHP, $--ZDA or $--RMC)",
}

# reasons a sentence line is rejected
MALFORMED = "malformed AIS sentence"
BAD_CHECKSUM = "bad checksum"
EMPTY_PAYLOAD = "empty payload"
BAD_PAYLOAD = "invalid payload character"
NOT_NMEA = "not an NMEA sentence"
INCOMPLETE = "incomplete multipart message"

_BACKSLASH, _BANG, _DOLLAR, _HASH, _COMMA, _STAR = 92, 33, 36, 35, 44, 42

# payload armouring: valid characters are '0'-'W' and '`'-'w'
_PAYLOAD_BAD = np.ones(256, dtype=np.uint8)
_PAYLOAD_BAD[48:88] = 0
_PAYLOAD_BAD[96:120] = 0
_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789ABCDEF"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    _HEX[_c] = 10 + _i

_TAG_TIME = r"(?:^|,)c:(?P<c>\d+(?:\.\d*)?)"
_TRAILING_EPOCH = r",(?P<t>\d{9,13}(?:\.\d*)?)\s*$"


class Source(Protocol):
    """Where NMEA bytes come from: blocks of complete lines (a block may hold one or many)."""

    def read(self) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class FileSource:
    """A file (plain or gzip) read in large blocks cut at line ends."""

    path: Path
    block_size: int = BLOCK_SIZE

    def read(self) -> Iterator[bytes]:
        with self.path.open("rb") as raw:
            gz = raw.read(2) == b"\x1f\x8b"
        opener = gzip.open if gz else open
        done = 0
        try:
            with opener(self.path, "rb") as fh:
                for block in complete_lines(iter(lambda: fh.read(self.block_size), b"")):
                    done += len(block)
                    yield block
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:  # the same words as ingest.files
            raise InputFormatError(self.path,
                                   f"gzip stream damaged after {done:,} bytes ({exc}); nothing kept") from exc


@dataclass(frozen=True)
class ChunkSource:
    """Any iterable of byte chunks cut anywhere (socket receives, a pipe), regrouped into whole lines."""

    chunks: Iterable[bytes]

    def read(self) -> Iterator[bytes]:
        yield from complete_lines(self.chunks)


def complete_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Regroup arbitrary chunks (file reads, socket receives) into blocks of whole lines; the last
    line is given even without its newline when the chunks end."""
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        cut = data.rfind(b"\n") + 1
        tail = data[cut:]
        if cut:
            yield data[:cut]
    if tail:
        yield tail


@dataclass
class StreamStats:
    """What the stream saw, for the reader's counts and notes."""

    lines: int = 0
    candidates: int = 0                 # lines that look like AIS sentences (!--VDM / !--VDO)
    sentences: int = 0                  # AIS sentences (fragments) well formed
    other_nmea: int = 0                 # other NMEA sentences ($GPGGA, $PGHP...)
    comments: int = 0                   # blank lines and '#' comments
    bad_checksum: int = 0               # well-formed sentences whose checksum is wrong
    rejects: dict[str, list[int]] = field(default_factory=dict)  # reason -> line numbers

    def reject(self, reason: str, lines: I64) -> None:
        if len(lines):
            self.rejects.setdefault(reason, []).extend(int(x) for x in lines)


def slices(buf: bytes | memoryview, data: U8, start: I64, end: I64) -> pa.BinaryArray:
    """The byte ranges [start, end) of buf as one contiguous Arrow binary array (copied)."""
    lengths = np.maximum(end - start, 0)
    offsets = np.zeros(len(start) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    total = int(offsets[-1])
    if total:
        shift = (start - offsets[:-1]).astype(np.int32)
        idx = np.arange(total, dtype=np.int32) + np.repeat(shift, lengths)
        body = data[idx].tobytes()
    else:
        body = b""
    return pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(start), [None, pa.py_buffer(offsets), pa.py_buffer(body)]
    ).cast(pa.binary())


def _regex_number(values: pa.BinaryArray, pattern: str) -> F64:
    """The number captured by the pattern's one group in each value (0 where it does not match)."""
    found = pc.extract_regex(values, pattern)
    text = pc.if_else(found.is_valid(), found.field(0), pa.scalar(b"0", pa.binary()))
    text = pc.if_else(pc.equal(text, b""), pa.scalar(b"0", pa.binary()), text)
    return np.asarray(pc.cast(pc.cast(text, pa.string()), pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def _digit(data: U8, pos: I64) -> I64:
    v = data[pos].astype(np.int64) - 48
    return np.where((v >= 0) & (v <= 9), v, -1)


def _to_seconds(values: F64) -> F64:
    ms = values >= 1e11
    out = np.where(ms, values / 1000.0, values)
    return np.where((out >= MIN_TIME) & (out < MAX_TIME), out, np.nan)


class SentenceStream:
    """Turns blocks of NMEA lines into whole AIS messages; state carries across blocks."""

    def __init__(self) -> None:
        self.stats = StreamStats()
        self._clock = np.nan
        self._reassembler = Reassembler()
        self._next_line = 1

    # -- public ---------------------------------------------------------------------------------
    def feed(self, block: bytes) -> Messages:
        """Scan one block of complete lines; returns the messages completed in it."""
        first_line = self._next_line
        data = np.frombuffer(block, dtype=np.uint8)
        starts, ends = _line_bounds(data)
        self._next_line += len(starts)
        self.stats.lines += len(starts)
        return self._scan(block, data, starts, ends, first_line)

    def finish(self) -> None:
        """End of stream: fragments still waiting are incomplete messages."""
        self.stats.reject(INCOMPLETE, self._reassembler.finish())

    def messages(self, source: Source) -> Iterator[Messages]:
        for block in source.read():
            yield self.feed(block)
        self.finish()

    # -- scanning -------------------------------------------------------------------------------
    def _scan(self, block: bytes, data: U8, starts: I64, ends: I64, first_line: int) -> Messages:
        n = len(starts)
        line_no = np.arange(first_line, first_line + n, dtype=np.int64)
        size = len(data)
        pad = np.concatenate([data, np.zeros(16, dtype=np.uint8)])  # safe look-ahead
        own_time = np.full(n, np.nan)
        own_src = np.zeros(n, dtype=np.int8)
        starts = _leading_timestamps(block, data, pad, starts, ends, own_time, own_src)
        first = np.where(ends > starts, pad[starts], 0)

        # tag blocks: \...\ before the sentence
        sent = starts.copy()
        tag_ok = np.ones(n, dtype=bool)
        tagged = np.flatnonzero(first == _BACKSLASH)
        if len(tagged):
            bs = np.concatenate([np.flatnonzero(data == _BACKSLASH), [size + 8] * 2]).astype(np.int64)
            k = np.searchsorted(bs, starts[tagged] + 1)
            close = bs[k]
            good = close < ends[tagged]
            tagged, close = tagged[good], close[good]
            sent[tagged] = close + 1
            tag_time, tag_ok[tagged] = _parse_tags(block, data, starts[tagged] + 1, close)
            has_tag_time = ~np.isnan(tag_time)
            own_time[tagged[has_tag_time]] = tag_time[has_tag_time]
            own_src[tagged[has_tag_time]] = TIME_TAG
        lead = np.where(sent < ends, pad[np.minimum(sent, size)], 0)

        # AIS-looking lines: !ccVDM / !ccVDO (a few devices start them with '$')
        looks_ais = (
            ((lead == _BANG) | (lead == _DOLLAR)) & (pad[sent + 3] == ord("V")) & (pad[sent + 4] == ord("D"))
            & np.isin(pad[sent + 5], (ord("M"), ord("O")))
        )
        blank = (ends <= starts) | (first == _HASH)
        nmea = (lead == _BANG) | (lead == _DOLLAR)
        self.stats.comments += int(blank.sum())
        self.stats.other_nmea += int((nmea & ~looks_ais).sum())
        self.stats.reject(NOT_NMEA, line_no[~blank & ~nmea])
        clock_time = self._clock_lines(block, pad, sent, ends, lead)

        cand = np.flatnonzero(looks_ais)
        self.stats.candidates += len(cand)
        frags = self._parse_ais(block, data, pad, sent[cand], ends[cand], line_no[cand], own_time[cand],
                                own_src[cand], tag_ok[cand])
        # the clock: every own time and clock line, carried forward (from the previous block too)
        line_time = np.where(np.isnan(own_time), clock_time, own_time)
        frag_lines = frags.line_no - first_line
        has_own = ~np.isnan(frags.time)
        line_time[frag_lines[has_own]] = frags.time[has_own]
        has = ~np.isnan(line_time)
        idx = np.where(has, np.arange(n), -1)
        np.maximum.accumulate(idx, out=idx)
        prev = np.concatenate([[-1], idx[:-1]])  # the latest clock strictly before each line
        carried = np.where(prev >= 0, line_time[np.maximum(prev, 0)], self._clock)
        if n and idx[-1] >= 0:
            self._clock = float(line_time[idx[-1]])
        no_own = ~has_own
        time = np.where(no_own, carried[frag_lines], frags.time)
        source = np.where(no_own, np.where(np.isnan(time), TIME_NONE, TIME_CLOCK), frags.time_source)
        frags = replace(frags, time=time, time_source=source.astype(np.int8))
        messages, dropped = self._reassembler.add(frags)
        self.stats.reject(INCOMPLETE, dropped)
        return messages

    def _clock_lines(self, block: bytes, pad: U8, sent: I64, ends: I64, lead: U8) -> F64:
        """Times of $PGHP, $--ZDA and $--RMC lines (NaN elsewhere)."""
        out = np.full(len(sent), np.nan)
        dollar = lead == _DOLLAR
        code = [pad[sent + i] for i in range(1, 6)]
        zda = dollar & (code[2] == ord("Z")) & (code[3] == ord("D")) & (code[4] == ord("A"))
        rmc = dollar & (code[2] == ord("R")) & (code[3] == ord("M")) & (code[4] == ord("C"))
        ghp = dollar & (code[0] == ord("P")) & (code[1] == ord("G")) & (code[2] == ord("H")) & (code[3] == ord("P"))
        for mask, pattern in ((zda, _ZDA), (rmc, _RMC), (ghp, _PGHP)):
            i = np.flatnonzero(mask)
            if len(i):
                out[i] = _clock_times(slices(block, pad, sent[i], ends[i]), pattern)
        return out

    def _parse_ais(
        self, block: bytes, data: U8, pad: U8, s: I64, e: I64, line_no: I64, own_time: F64,
        own_src: npt.NDArray[np.int8], tag_ok: BOOL,
    ) -> Fragments:
        size = len(data)
        commas = np.concatenate([np.flatnonzero(data == _COMMA), [size + 8] * 7]).astype(np.int64)
        k0 = np.searchsorted(commas, s)
        c = [commas[np.minimum(k0 + i, len(commas) - 1)] for i in range(6)]
        total = _digit(pad, c[0] + 1)
        num = _digit(pad, c[1] + 1)
        seq_len = c[3] - c[2] - 1
        seq = np.where(seq_len == 0, -1, _digit(pad, c[2] + 1))
        seq = np.where(seq_len == 2, seq * 10 + _digit(pad, c[2] + 2), seq)
        chan_len = c[4] - c[3] - 1
        fill = _digit(pad, c[5] + 1)
        star = c[5] + 2
        hi, lo = _HEX[pad[star + 1]], _HEX[pad[star + 2]]
        ok = (
            (c[0] - s == 6) & (c[1] == c[0] + 2) & (c[2] == c[1] + 2) & (total >= 1) & (num >= 1)
            & (num <= total) & (seq_len >= 0) & (seq_len <= 2) & ((seq_len == 0) | (seq >= 0))
            & (chan_len >= 0) & (chan_len <= 1)
            & (fill >= 0) & (fill <= 5) & (pad[star] == _STAR) & (hi < 16) & (lo < 16) & (star + 3 <= e)
        )
        keep: slice | I64 = slice(None)  # most logs are clean: no copies then
        if not ok.all():
            self.stats.reject(MALFORMED, line_no[~ok])
            keep = np.flatnonzero(ok)
            s, e, line_no, own_time, tag_ok = s[keep], e[keep], line_no[keep], own_time[keep], tag_ok[keep]
            own_src = own_src[keep]
            c = [x[keep] for x in c]
            total, num, seq, fill, star = total[keep], num[keep], seq[keep], fill[keep], star[keep]
            hi, lo = hi[keep], lo[keep]
        chan = np.where(chan_len[keep] == 1, pad[c[3] + 1], 0).astype(np.int64)
        # payload: non-empty and armoured characters only
        p0, p1 = c[4] + 1, c[5]
        empty = p1 <= p0
        self.stats.reject(EMPTY_PAYLOAD, line_no[empty])
        nonempty = np.flatnonzero(~empty)
        payload = slices(block, data, p0[nonempty], p1[nonempty])
        buf = payload.buffers()[2]
        pbytes = np.frombuffer(buf, dtype=np.uint8) if buf is not None else np.zeros(0, dtype=np.uint8)
        badchar = np.zeros(len(nonempty), dtype=bool)
        if len(nonempty):
            badchar = np.maximum.reduceat(_PAYLOAD_BAD[pbytes], offsets_of(payload)[:-1]) > 0
        self.stats.reject(BAD_PAYLOAD, line_no[nonempty[badchar]])
        good: slice | I64 = slice(None)
        if badchar.any() or len(nonempty) < len(s):
            good = nonempty[~badchar]
            payload = payload.filter(pa.array(~badchar))
        # checksum over the bytes between the start character and '*'
        cx = np.bitwise_xor.accumulate(data)
        given = (hi[good].astype(np.int64) << 4) | lo[good]
        sg, stg = s[good], star[good]
        computed = cx[stg - 1] ^ cx[sg]
        cs_ok = (computed == given) & tag_ok[good]
        self.stats.sentences += len(sg)
        self.stats.bad_checksum += int((~cs_ok).sum())
        # trailing epoch after the checksum
        t = own_time[good]
        src = own_src[good].copy()
        rest = np.flatnonzero((stg + 3 < e[good]) & np.isnan(t))
        if len(rest):
            tails = slices(block, data, stg[rest] + 3, e[good][rest])
            val = _to_seconds(_regex_number(tails, _TRAILING_EPOCH))
            t[rest] = val
            src[rest] = np.where(np.isnan(val), TIME_NONE, TIME_EPOCH)
        talker = (pad[sg + 1].astype(np.int64) << 16) | (pad[sg + 2].astype(np.int64) << 8) | pad[sg + 5]
        key = (((talker * 256 + chan[good]) * 100 + (seq[good] + 1)) * 10) + total[good]
        return Fragments(
            key=key, num=num[good], total=total[good], line_no=line_no[good], time=t, time_source=src,
            checksum_ok=cs_ok, fill=fill[good].astype(np.int8), payload=payload,
        )

_PREFIX_EPOCH = r"^(?P<t>\d{9,13}(?:\.\d*)?)[\s,;|:]*$"
_PREFIX_ISO = (r"^(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)[T ](?P<h>\d\d):(?P<mi>\d\d):(?P<s>\d\d(?:\.\d*)?)"
               r"(?:Z|[+-]00:?00)?[\s,;|]*$")


def _leading_timestamps(
    block: bytes, data: U8, pad: U8, starts: I64, ends: I64, own_time: F64, own_src: npt.NDArray[np.int8]
) -> I64:
    """Lines that begin with a time (unix seconds or ISO 8601 UTC) then the sentence ('1609459200.5 !AIVDM..',
    '2021-01-01 00:00:00;\\s:..\\!AIVDM..'): the time becomes the line's own, the line starts at the sentence."""
    first = np.where(ends > starts, pad[starts], 0)
    cand = np.flatnonzero((first >= 48) & (first <= 57))
    if len(cand) == 0:
        return starts
    marks = np.concatenate([np.flatnonzero((data == _BANG) | (data == _BACKSLASH)), [len(data) + 8]])
    pos = marks[np.searchsorted(marks, starts[cand])]
    inside = pos < ends[cand]
    cand, pos = cand[inside], pos[inside]
    prefix = slices(block, data, starts[cand], pos)
    t = _to_seconds(_regex_number(prefix, _PREFIX_EPOCH))
    iso = np.isnan(t)
    if iso.any():
        t[iso] = _clock_times(prefix.filter(pa.array(iso)), _PREFIX_ISO)
    ok = ~np.isnan(t)
    out = starts.copy()
    out[cand[ok]] = pos[ok]
    own_time[cand[ok]] = t[ok]
    own_src[cand[ok]] = TIME_PREFIX
    return out


def _line_bounds(data: U8) -> tuple[I64, I64]:
    """Start and end (exclusive, without CR/LF and trailing blanks) of every line."""
    nl = np.flatnonzero(data == 10).astype(np.int64)
    size = len(data)
    if size and (len(nl) == 0 or nl[-1] != size - 1):
        nl = np.concatenate([nl, [size]])
    starts = np.concatenate([[0], nl[:-1] + 1]).astype(np.int64)
    ends = nl.copy()
    pad = np.concatenate([data, np.zeros(1, dtype=np.uint8)])
    for _ in range(2):  # leading and trailing blanks, CR
        trim = (ends > starts) & np.isin(data[np.maximum(ends - 1, 0)], (13, 32, 9))
        ends -= trim
        starts += (ends > starts) & np.isin(pad[starts], (32, 9))
    return starts, ends


def _parse_tags(block: bytes, data: U8, start: I64, end: I64) -> tuple[F64, BOOL]:
    """Tag block contents [start, end): the c: time and whether the tag checksum is right."""
    tags = slices(block, data, start, end)
    times = _to_seconds(_regex_number(tags, _TAG_TIME))
    star = np.asarray(pc.find_substring(tags, "*").to_numpy(zero_copy_only=False), dtype=np.int64)
    ok = np.ones(len(start), dtype=bool)
    has = (star >= 0) & (start + star + 2 < end + 1)
    if has.any():
        cx = np.bitwise_xor.accumulate(data)
        pos = start + star  # position of '*'
        i = np.flatnonzero(has)
        computed = cx[pos[i] - 1] ^ np.where(start[i] > 0, cx[start[i] - 1], 0)
        pad = np.concatenate([data, np.zeros(4, np.uint8)])
        given = (_HEX[pad[pos[i] + 1]].astype(np.int64) << 4) | _HEX[pad[pos[i] + 2]]
        ok[i] = computed == given
    return times, ok


_ZDA = (r"^\$..ZDA,(?P<h>\d\d)(?P<mi>\d\d)(?P<s>\d\d(?:\.\d*)?),(?P<d>\d\d),(?P<mo>\d\d),(?P<y>\d{4})")
_RMC = (r"^\$..RMC,(?P<h>\d\d)(?P<mi>\d\d)(?P<s>\d\d(?:\.\d*)?),(?:[^,]*,){7}"
        r"(?P<d>\d\d)(?P<mo>\d\d)(?P<y>\d\d),")
_PGHP = (r"^\$PGHP,1,(?P<y>\d{4}),(?P<mo>\d{1,2}),(?P<d>\d{1,2}),(?P<h>\d{1,2}),(?P<mi>\d{1,2}),"
         r"(?P<s>\d{1,2}),(?P<ms>\d{1,3}),")


def _clock_times(lines: pa.BinaryArray, pattern: str) -> F64:
    """Unix times of $--ZDA, $--RMC or $PGHP sentences (NaN where a line does not parse)."""
    found = pc.extract_regex(lines, pattern)
    ok = np.asarray(found.is_valid().to_numpy(zero_copy_only=False), dtype=bool)

    def num(name: str) -> F64:
        col = pc.if_else(found.is_valid(), found.field(name), pa.scalar(b"0", pa.binary()))
        return np.asarray(pc.cast(pc.cast(col, pa.string()), pa.float64()).to_numpy(zero_copy_only=False),
                          dtype=float)

    y, mo, d, h, mi, sec = (num(k) for k in ("y", "mo", "d", "h", "mi", "s"))
    if "(?P<ms>" in pattern:
        sec = sec + num("ms") / 1000.0
    y = np.where(y < 100, y + 2000, y)
    ok &= (mo >= 1) & (mo <= 12) & (d >= 1) & (d <= 31) & (h < 24) & (mi < 60) & (sec < 61) & (y >= 1970)
    months = np.where(ok, (y - 1970) * 12 + mo - 1, 0).astype("int64").astype("datetime64[M]")
    days = (months.astype("datetime64[D]").astype(np.int64) + d - 1).astype(float)
    t = days * 86400.0 + h * 3600.0 + mi * 60.0 + sec
    return np.where(ok, _to_seconds(t), np.nan)
