"""Reading input files safely: gzip (damage reported, never half-read), UTF-8 lines, JSON with huge numbers.

Every reader takes its bytes from here, so that one damaged file gives one clear InputFormatError
whatever the format:
- a gzip file is decompressed whole or refused: "gzip stream damaged after N bytes; nothing kept"
  (N = the bytes that did decompress). The readable prefix of a damaged gzip is NOT ingested: a prefix
  cut at an arbitrary byte ends in half a record, and the file's sha256 would then stand for data the
  workspace does not hold. To keep the prefix, decompress it yourself (`gzip -dc FILE > part`) and ingest
  that file, which is then a complete file of its own.
- `utf8_lines` sets aside the lines that are not valid UTF-8 (so one bad byte is one rejected line with
  its number, not a refused file);
- `parse_json` reads integers beyond 64 bits as floats (a 10^20 altitude is then an out-of-range value
  of its row, checked like any other, instead of an overflow deep in Arrow or numpy).
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from basewatch.errors import InputFormatError

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
REASON_UTF8 = "not UTF-8 text"
# Integers of more digits than this may not fit 64 bits: they are read as floats.
_INT_DIGITS = 18


def is_gzip(head: bytes) -> bool:
    return head[:2] == GZIP_MAGIC


def _gunzip_chunks(raw: bytes, path: Path, limit: int | None = None) -> Iterator[bytes]:
    """Decompress every member of a gzip file held in memory; see gunzip_stream."""
    view = memoryview(raw)
    return gunzip_stream((view[i:i + _CHUNK] for i in range(0, len(view), _CHUNK)), path, limit)


def gunzip_stream(raw_chunks: Iterable[bytes | memoryview], path: Path, limit: int | None = None) -> Iterator[bytes]:
    """Decompress every member of a gzip stream given in raw chunks, in parts of at most _CHUNK * 16 bytes;
    InputFormatError on damage, a truncated end or garbage after a member (after `limit` bytes: stop).
    Trailing zero padding (tape, some loggers) ends the file."""
    done = 0
    d: Any = None       # the decompressor of the member being read; None between members
    chunks = iter(raw_chunks)
    for chunk in chunks:
        data: bytes | memoryview = chunk
        while len(data):
            if d is None:
                if not bytes(data).strip(b"\x00"):
                    return
                if len(data) < 2:  # a member's magic cut between two chunks: rare, not worth a buffer
                    data = bytes(data) + bytes(next(chunks, b""))
                if not is_gzip(bytes(data[:2])):
                    raise InputFormatError(path, f"garbage after the gzip stream (after {done:,} bytes); nothing kept")
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            saved = d.copy()
            try:
                part = d.decompress(data, _CHUNK * 16)
            except zlib.error as exc:
                done += _good_prefix(saved, memoryview(data))
                raise InputFormatError(path, f"gzip stream damaged after {done:,} bytes ({exc}); nothing kept") from exc
            done += len(part)
            if part:
                yield part
            if limit is not None and done >= limit:
                return
            if d.eof:
                data = d.unused_data
                d = None
            else:
                data = d.unconsumed_tail
    while d is not None and not d.eof:  # output held back by the size cap
        part = d.decompress(b"", _CHUNK * 16)
        if not part:
            raise InputFormatError(path, f"gzip stream damaged after {done:,} bytes (truncated); nothing kept")
        done += len(part)
        yield part


def open_stream(path: Path, read_size: int = _CHUNK * 4) -> Iterator[bytes]:
    """The file's bytes in parts, gunzipped when it is gzip (damage: InputFormatError, see gunzip_stream)."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputFormatError(path, f"cannot read: {exc.strerror or exc}") from exc
    with fh:
        raw = iter(lambda: fh.read(read_size), b"")
        first = next(raw, b"")
        chunks = _chain(first, raw)
        if is_gzip(first):
            yield from gunzip_stream(chunks, path)
        else:
            yield from chunks


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def _good_prefix(d: Any, chunk: memoryview) -> int:
    """How many bytes a decompressor gives from chunk before the damage (replayed in small steps)."""
    out = 0
    try:
        for start in range(0, len(chunk), 16):
            out += len(d.decompress(chunk[start:start + 16]))
    except zlib.error:
        pass
    return out


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it is gzip; a damaged gzip is an InputFormatError (nothing kept)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFormatError(path, f"cannot read: {exc.strerror or exc}") from exc
    if not is_gzip(raw):
        return raw
    return b"".join(_gunzip_chunks(raw, path))


def read_head(path: Path, n: int) -> bytes:
    """The first n bytes of the file, decompressed when it is gzip (what decompresses, if it is damaged:
    sniffing may look at a damaged file; reading it then reports the damage)."""
    with path.open("rb") as fh:
        head = fh.read(n)
    if not is_gzip(head):
        return head
    with path.open("rb") as fh:
        raw = fh.read(max(n, 1 << 22))
    out = bytearray()
    try:
        for part in _gunzip_chunks(raw, path, limit=n):
            out += part
    except InputFormatError:
        pass
    return bytes(out[:n]) if out else head


def first_line(data: bytes) -> bytes:
    """The first line, whichever line end the file uses (\\n, \\r\\n or a lone \\r, as the CSV parser reads them)."""
    return _LINE_END.split(data, maxsplit=1)[0]


_LINE_END = re.compile(rb"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """Lines split at \\n, \\r\\n and a lone \\r only (str.splitlines also splits at \\x85, \\u2028 and
    others, which would shift line numbers against the CSV parser's and cut records apart)."""
    lines = _LINE_END_TEXT.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


_LINE_END_TEXT = re.compile(r"\r\n|\r|\n")


def utf8_lines(data: bytes) -> tuple[bytes, tuple[int, ...]]:
    """The data with every line that is not valid UTF-8 emptied (line numbers hold), and the 1-based numbers
    of those lines. Lines end at \\n, \\r\\n or a lone \\r; when a line is emptied every line end becomes
    \\n (an emptied line between a lone \\r and a \\n would otherwise join them into one \\r\\n, and every
    later line number would be one too low). Linear in the size."""
    try:
        data.decode("utf-8")
        return data, ()
    except UnicodeDecodeError:
        pass
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    view = memoryview(data)
    parts: list[bytes | memoryview] = []
    bad: list[int] = []
    pos = 0        # start of the part not yet checked (always the start of a line)
    line_no = 1    # line number at pos
    while pos < len(data):
        try:
            str(view[pos:], "utf-8")
            parts.append(view[pos:])
            break
        except UnicodeDecodeError as exc:
            at = pos + exc.start
        begin = data.rfind(b"\n", pos, at) + 1
        if begin == 0 or begin < pos:
            begin = pos
        line_no += data.count(b"\n", pos, begin)
        end = data.find(b"\n", at)
        end = end if end >= 0 else len(data)
        parts.append(view[pos:begin])
        bad.append(line_no)
        if end >= len(data):
            break
        parts.append(b"\n")  # the line end stays: numbering holds
        pos = end + 1
        line_no += 1
    return b"".join(parts), tuple(bad)


def _json_int(text: str) -> int | float:
    """A JSON integer: an int when it fits 64 bits, else a float (infinity beyond 1e308)."""
    if len(text) <= _INT_DIGITS:
        return int(text)
    if len(text) <= _INT_DIGITS + 2:
        value = int(text)
        if -(1 << 63) <= value < (1 << 63):
            return value
    return float(text)


def parse_json(data: bytes | str) -> Any:
    """json.loads, with integers beyond 64 bits read as floats (and beyond 1e308 as infinity), and lone
    UTF-16 surrogates (an escape such as \\ud800 without its pair: not Unicode text) replaced by U+FFFD."""
    doc = json.loads(data, parse_int=_json_int)
    probe = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    return _scrub(doc) if _SURROGATE.search(probe) else doc


# a surrogate escaped (\\ud800) or raw (json.loads decodes bytes with surrogatepass)
_SURROGATE = re.compile(rb"\\[uU][dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _clean_text(text: str) -> str:
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _scrub(doc: Any) -> Any:
    """The document with every string (keys too) made valid Unicode; iterative, any depth."""
    root: list[Any] = [doc]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        holder, key = stack.pop()
        value = holder[key]
        if isinstance(value, str):
            holder[key] = _clean_text(value)
        elif isinstance(value, list):
            stack.extend((value, i) for i in range(len(value)))
        elif isinstance(value, dict):
            cleaned = {(_clean_text(k) if isinstance(k, str) else k): v for k, v in value.items()}
            value.clear()
            value.update(cleaned)
            stack.extend((value, k) for k in value)
    return root[0]
