"""Seed inputs for fuzzing, cut from the real samples in ../shared/data (small, so each input reads fast).

Each seed is (format, file suffix, bytes); the format is the --input-format the file is read as ("auto" for
sniffing). Parquet seeds also keep their Arrow table so that mutations can work on columns.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tests.conftest import SHARED

LINES = 60


@dataclass(frozen=True)
class Seed:
    name: str
    fmt: str                  # reader name, or "report" for claims extraction
    suffix: str
    data: bytes
    table: pa.Table | None = None  # for Parquet seeds


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
        out.append(Seed("beast", "beast", ".bin", p.read_bytes()[:4096]))
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
        out.append(Seed("nmea", "nmea", ".nmea", _head_lines(p, 120, keep_header=False)))
    if p := have("ais/aisdb_test_data_20211101.nm4"):
        out.append(Seed("nmea-nm4", "nmea", ".nm4", _head_lines(p, 120, keep_header=False)))
    if p := have("reports/seed.txt"):
        out.append(Seed("report", "report", ".txt", p.read_bytes()))
    return tuple(out)


def formats() -> list[str]:
    return sorted({s.name for s in seeds()})
