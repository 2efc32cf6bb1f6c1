"""What a reader's sniff sees: the first bytes of a file, decompressed (imports only the leaf `ingest.files`)."""

from __future__ import annotations

from pathlib import Path

from basewatch.ingest import files

SNIFF_BYTES = 65536


def read_head(path: Path, n: int = SNIFF_BYTES) -> bytes:
    """The first n bytes of the file, decompressed when it is gzip (what decompresses, if it is damaged:
    sniffing may look at a damaged file; reading it then reports the damage)."""
    return files.read_head(path, n)
