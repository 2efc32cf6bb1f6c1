"""The known readers, in sniffing order (most specific first)."""

from __future__ import annotations

from pathlib import Path

from basewatch.errors import InputFormatError
from basewatch.ingest import files
from basewatch.ingest.base import Reader

SNIFF_BYTES = 65536


def all_readers() -> list[Reader]:
    """Every reader, most specific sniff first. Imports are local: no import-time work."""
    readers: list[Reader] = []
    # Each format module exposes READER; a missing module just means that format is not built yet.
    import importlib

    for module in (
        "basewatch.ingest.adsb.opensky",
        "basewatch.ingest.adsb.readsb",
        "basewatch.ingest.adsb.trafficjson",
        "basewatch.ingest.adsb.jet1090",
        "basewatch.ingest.adsb.beast",
        "basewatch.ingest.adsb.sbs",
        "basewatch.ingest.ais.csv",  # before avr: needs an MMSI and a time column, avr's column sniff does not
        "basewatch.ingest.adsb.avr",
        "basewatch.ingest.ais.nmea",
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        readers.extend(getattr(mod, "READERS", [getattr(mod, "READER", None)]) or [])
    return [r for r in readers if r is not None]


def reader_names() -> list[str]:
    return [r.name for r in all_readers()]


def read_head(path: Path, n: int = SNIFF_BYTES) -> bytes:
    """The first n bytes of the file, decompressed when it is gzip (see files.read_head)."""
    return files.read_head(path, n)


def choose_reader(path: Path, input_format: str = "auto") -> Reader:
    readers = all_readers()
    if input_format != "auto":
        for r in readers:
            if r.name == input_format:
                return r
        raise InputFormatError(path, f"unknown input format {input_format!r}; known: {', '.join(reader_names())}")
    head = read_head(path)
    if not head.strip():
        _damaged_gzip(path)
        raise InputFormatError(path, "file is empty")
    for r in readers:
        if r.sniff(head, path):
            return r
    _damaged_gzip(path)
    raise InputFormatError(path, "not a recognised format (looked for: " + ", ".join(reader_names()) + ")")


def _damaged_gzip(path: Path) -> None:
    """Raise the gzip damage of a file no reader recognised, if it is a damaged gzip (the real cause)."""
    with path.open("rb") as fh:
        if files.is_gzip(fh.read(2)):
            files.read_bytes(path)
