"""The known readers, in sniffing order (most specific first): flight records, ship positions and
aircraft databases (`basewatch.identity.aircraftdb`) behind the one `Reader` protocol, one sniffing
rule and one `read_head` (gzip decompressed, a truncated gzip sniffed on what decompresses)."""

from __future__ import annotations

from pathlib import Path

from basewatch.errors import InputFormatError
from basewatch.ingest.base import Reader
from basewatch.ingest.sniff import SNIFF_BYTES, read_head

__all__ = ["SNIFF_BYTES", "all_readers", "choose_reader", "read_head", "reader_names"]


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
        "basewatch.identity.aircraftdb",  # aircraft databases: header rows or ';'-separated hex records
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        readers.extend(getattr(mod, "READERS", [getattr(mod, "READER", None)]) or [])
    return [r for r in readers if r is not None]


def reader_names(kinds: tuple[str, ...] | None = None) -> list[str]:
    return [r.name for r in all_readers() if kinds is None or r.kind in kinds]


def choose_reader(path: Path, input_format: str = "auto", kinds: tuple[str, ...] | None = None,
                  what: str = "format") -> Reader:
    """The reader named by `input_format`, else the first (of `kinds`, default all) whose sniff accepts
    the file's first bytes. `what` names the kind of file in the error ("aircraft database")."""
    readers = [r for r in all_readers() if kinds is None or r.kind in kinds]
    names = ", ".join(r.name for r in readers)
    if input_format != "auto":
        for r in readers:
            if r.name == input_format:
                return r
        raise InputFormatError(path, f"unknown input format {input_format!r}; known: {names}")
    if not path.is_file():
        raise InputFormatError(path, "no such file")
    head = read_head(path)
    if not head.strip():
        raise InputFormatError(path, "file is empty")
    for r in readers:
        if r.sniff(head, path):
            return r
    raise InputFormatError(path, f"not a recognised {what} (looked for: {names})")
