"""What a reader's sniff sees: the first bytes of a file, decompressed (a leaf module, no basewatch import)."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

SNIFF_BYTES = 65536


def read_head(path: Path, n: int = SNIFF_BYTES) -> bytes:
    """The first n bytes of the file, decompressed when it is gzip."""
    with path.open("rb") as fh:
        head = fh.read(n)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as gz:
                return gz.read(n)
        except (OSError, EOFError):  # truncated: sniff what decompresses, the reader reports the damage
            try:
                with path.open("rb") as fh:
                    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(fh.read(1 << 22), n)
            except zlib.error:
                return head
    return head
