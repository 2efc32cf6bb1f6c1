"""Seed inputs for fuzzing, cut from the real samples in ../shared/data (small, so each input reads fast).

Each seed is (format, file suffix, bytes); the format is the --input-format the file is read as ("auto" for
sniffing). Parquet seeds also keep their Arrow table so that mutations can work on columns.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tests.conftest import SHARED

LINES = 24  # small seeds: most defects live in one value of one record, and small inputs read fast


@dataclass(frozen=True)
class Seed:
    name: str
    fmt: str                  # reader name, or "report" for claims extraction
    suffix: str
    data: bytes
    table: pa.Table | None = None  # for Parquet seeds
    columns: str | None = None     # an AIS CSV column mapping (`--columns`), mutated with the file


def _head_lines(path: Path, n: int = LINES, *, keep_header: bool = True) -> bytes:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return b"".join(raw.splitlines(keepends=True)[: n + (1 if keep_header else 0)])


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _parquet_seed(name: str, fmt: str, path: Path, rows: int = LINES) -> Seed:
    table = pq.read_table(path).slice(0, rows)
    return Seed(name, fmt, ".parquet", parquet_bytes(table), table)


def _csv_of(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    scalar = [f.name for f in table.schema if not pa.types.is_nested(f.type)]
    pacsv.write_csv(table.select(scalar), sink)
    return sink.getvalue()


@lru_cache(maxsize=1)
def seeds() -> tuple[Seed, ...]:
    """Every seed whose real sample is present (none when ../shared/data is absent)."""
    d = SHARED
    out: list[Seed] = []

    def have(rel: str) -> Path | None:
        p = d / rel
        return p if p.exists() else None

    if p := have("adsb/opensky_trino_state_vectors_data4_RYR_20220202.parquet"):
        seed = _parquet_seed("opensky-parquet", "opensky", p)
        out += [seed, Seed("opensky-csv", "opensky", ".csv", _csv_of(seed.table))]  # type: ignore[arg-type]
    if p := have("adsb/opensky_trino_rawdata_EDW24_20240406.parquet"):
        out.append(_parquet_seed("opensky-raw", "opensky-raw", p))
    if p := have("adsb/traffic_readsb_trace_full_ac671b.json"):
        import json

        doc = json.loads(p.read_bytes())
        doc["trace"] = doc["trace"][:LINES]
        out.append(Seed("readsb", "readsb", ".json", json.dumps(doc).encode()))
    if p := have("adsb/traffic_quickstart_paris_20211007.json.gz"):
        import json

        doc = json.loads(gzip.decompress(p.read_bytes()))
        records = doc[:LINES] if isinstance(doc, list) else doc
        out.append(Seed("traffic-json", "traffic-json", ".json", json.dumps(records).encode()))
    if p := have("adsb/traffic_docs_tutorial_jet1090_toulouse.jsonl.gz"):
        out.append(Seed("jet1090", "jet1090", ".jsonl", _head_lines(p, keep_header=False)))
    if p := have("bad-inputs/05_jet1090_bigint_cpr.jsonl"):
        out.append(Seed("jet1090-decoded", "jet1090", ".jsonl", p.read_bytes().splitlines(keepends=True)[0] * 20))
    if p := have("adsb/rs1090_short_flights.csv"):
        out.append(Seed("avr-csv", "avr", ".csv", _head_lines(p)))
    if p := have("adsb/pymodes_sample_data_adsb.csv"):
        out.append(Seed("avr-pymodes", "avr", ".csv", _head_lines(p)))
    if p := have("adsb/traffic_sample_dump1090.bin"):
        out.append(Seed("beast", "beast", ".bin", p.read_bytes()[:2048]))
    if p := have("bad-inputs/10_sbs_year_2624.csv"):
        lines = p.read_bytes().splitlines(keepends=True)[:3]
        body = b"".join(line.replace(b"4CA216", f"4CA2{i:02X}".encode()).replace(b":39.", f":{i % 60:02d}.".encode())
                        for i in range(20) for line in lines[:1])
        out.append(Seed("sbs", "sbs", ".sbs", body))
    if p := have("ais/aisdb_test_data_noaa_20230101.csv"):
        out.append(Seed("ais-csv-noaa", "ais-csv", ".csv", _head_lines(p)))
    if p := have("ais/aisdb_test_data_20210701_spire.csv"):
        out.append(Seed("ais-csv-spire", "ais-csv", ".csv", _head_lines(p, 30)))
    if p := have("ais/gpsd_sample.aivdm"):
        out.append(Seed("nmea", "nmea", ".nmea", _head_lines(p, 60, keep_header=False)))
    if p := have("ais/aisdb_test_data_20211101.nm4"):
        out.append(Seed("nmea-nm4", "nmea", ".nm4", _head_lines(p, 60, keep_header=False)))
    out += _more_seeds(have)
    return tuple(out)


def _more_seeds(have: Callable[[str], Path | None]) -> list[Seed]:
    """The other parsers: more real samples of the flight and ship formats, CSV column mappings, reports
    (text, HTML, RSS, Atom), the watchlist TOML and the aircraft databases."""
    import json

    out: list[Seed] = []
    if p := have("adsb/opensky_trino_state_vectors_data4_EZY158T_20170205.parquet"):
        out.append(_parquet_seed("opensky-parquet-ezy", "opensky", p))
    if p := have("adsb/traffic_military_aircraft_carrier.json.gz"):
        doc = json.loads(gzip.decompress(p.read_bytes()))
        out.append(Seed("traffic-json-mil", "traffic-json", ".json", json.dumps(doc[:LINES]).encode()))
    if p := have("adsb/pymodes_sample_data_commb_df20.csv"):
        out.append(Seed("avr-commb", "avr", ".csv", _head_lines(p)))
    for name, rel in (("nmea-libais", "ais/libais_test.aivdm"), ("nmea-gpsd-log", "ais/gpsd_ais-nmea.log"),
                      ("nmea-amsa", "ais/amsa_risky_ais.txt")):
        if p := have(rel):
            out.append(Seed(name, "nmea", ".nmea", _head_lines(p, 60, keep_header=False)))
    if p := have("ais/aisdb_test_data_20210701_spire.csv"):
        head = _head_lines(p, 12)
        mapping = "mmsi=MMSI,time=Time,millisecond=Millisecond,lat=Latitude,lon=Longitude,name=Vessel_Name"
        out.append(Seed("ais-csv-columns", "ais-csv", ".csv", head, columns=mapping))
    out += _report_seeds(have)
    out += _aircraft_db_seeds(have)
    from basewatch.watchlist.load import default_watchlist_text

    out.append(Seed("watchlist-toml", "watchlist", ".toml", default_watchlist_text().encode()))
    return out


def _report_seeds(have: Callable[[str], Path | None]) -> list[Seed]:
    out: list[Seed] = []
    text = b""
    if p := have("reports/seed.txt"):
        text = p.read_bytes()
        out.append(Seed("report", "report", ".txt", text))
    if p := have("reports/dev/01.txt"):
        out.append(Seed("report-dev", "report", ".txt", p.read_bytes()[:3000]))
    if p := have("bad-inputs/19_report_html.html"):
        out.append(Seed("report-html", "report", ".html", p.read_bytes()[:6000]))
    if text:  # the real report's paragraphs as the items of a feed
        from xml.sax.saxutils import escape

        paras = [escape(t.decode("utf-8", "replace")).encode() for t in text.split(b"\n\n") if t.strip()][:4]
        items = b"".join(b"<item><title>Item %d</title><pubDate>Tue, 10 Dec 2024 08:00:00 GMT</pubDate>"
                         b"<description>%s</description></item>" % (i, t) for i, t in enumerate(paras))
        out.append(Seed("report-rss", "report", ".xml",
                        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>' + items +
                        b"</channel></rss>"))
        entries = b"".join(b"<entry><title>Item %d</title><updated>2024-12-10T08:00:00Z</updated>"
                           b"<content type=\"html\">%s</content></entry>" % (i, t) for i, t in enumerate(paras))
        out.append(Seed("report-atom", "report", ".xml",
                        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>' +
                        entries + b"</feed>"))
    return out


def _aircraft_db_seeds(have: Callable[[str], Path | None]) -> list[Seed]:
    """The real tar1090 extract, and its records in the tar1090-db and OpenSky database layouts; a small
    copy of the real Russian registry (SQLite)."""
    out: list[Seed] = []
    if p := have("reference/tar1090db_RU_SY_LY_transport_watchlist.csv"):
        head = _head_lines(p)
        out.append(Seed("aircraftdb-extract", "tar1090-extract", ".csv", head))
        rows = [line.split(b",") for line in head.splitlines()[1:]]
        semi = b"".join(b";".join([r[0], r[1], r[2], r[3], *r[4:5], b"", b""]) + b"\n" for r in rows if len(r) >= 5)
        out.append(Seed("aircraftdb-tar1090", "tar1090-db", ".csv", semi))
        osky = b"icao24,registration,manufacturername,model,typecode,operator,owner\n" + b"".join(
            b",".join([r[0], r[1], b"", r[4] if len(r) > 4 else b"", r[2], b"", b""]) + b"\n" for r in rows)
        out.append(Seed("aircraftdb-opensky", "opensky-db", ".csv", osky))
    if p := have("reference/ru_aircraft_registry.sqlite3"):
        out.append(Seed("aircraftdb-ru-sqlite", "ru-registry", ".sqlite3", _small_sqlite(p)))
    return out


def _small_sqlite(path: Path, rows: int = 40) -> bytes:
    """The registry's first rows in a fresh SQLite file (the bytes of a real, small database)."""
    import sqlite3
    import tempfile

    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = src.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name='aircraftdb'").fetchone()[0]
        data = src.execute(f"SELECT * FROM aircraftdb LIMIT {rows}").fetchall()
    finally:
        src.close()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "small.sqlite3"
        dst = sqlite3.connect(out)
        dst.execute(schema)
        if data:
            dst.executemany(f"INSERT INTO aircraftdb VALUES ({','.join('?' * len(data[0]))})", data)
        dst.commit()
        dst.close()
        return out.read_bytes()


def formats() -> list[str]:
    return sorted({s.name for s in seeds()})
