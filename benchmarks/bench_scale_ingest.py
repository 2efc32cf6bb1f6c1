"""Ingest at scale: peak RSS and throughput of `basewatch ingest` on 1 M, 10 M (and 50 M) lines of SBS,
OpenSky CSV and AIS NMEA, against a bare DuckDB `read_csv` of the same file into a table, same run.

    python benchmarks/bench_scale_ingest.py            # 1 M and 10 M lines of each format
    python benchmarks/bench_scale_ingest.py 1e6 1e7 5e7
    python benchmarks/bench_scale_ingest.py 1e7 opensky   # one format

Files are generated in /tmp (streamed out in chunks), each case runs in its own process (peak RSS is the
child's VmHWM, see harness.py), and every file and workspace is deleted afterwards. Target (issue 16):
peak RSS of ingest <= 1.5 GB at any size, lines/s not falling with size. Nothing is asserted.

Content: SBS, one MSG,3 position per line, 2,000 aircraft each reporting every 5 s; OpenSky, the same
points as a state-vector CSV with a header; NMEA, 1,000 vessels' type-1 position reports (payloads
encoded here), each line with its own tag-block time, so every line is a distinct record.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import ROOT, Measurement, measure

CHUNK = 1_000_000
AIRCRAFT = 2_000
VESSELS = 1_000
T0 = 1_733_000_000
DEFAULT_SIZES = (1_000_000, 10_000_000)


def _chunks(n: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, CHUNK):
        yield start, min(n, start + CHUNK)


def _points(start: int, stop: int) -> pa.Table:
    """Points start..stop: aircraft i % AIRCRAFT, time T0 + 5 s per round of all aircraft."""
    i = np.arange(start, stop)
    ac = i % AIRCRAFT
    rng = np.random.default_rng(start)
    return pa.table({
        "time": T0 + i // AIRCRAFT * 5, "icao24": pa.array([f"{0x100000 + a * 37:06x}" for a in range(AIRCRAFT)])
        .take(pa.array(ac)),
        "lat": np.round(30 + rng.random(len(i)) * 10, 5), "lon": np.round(20 + rng.random(len(i)) * 20, 5),
        "velocity": np.round(rng.random(len(i)) * 250, 1), "heading": np.round(rng.random(len(i)) * 360, 1),
        "vertrate": np.round(rng.normal(0, 5, len(i)), 2),
        "callsign": pa.array(np.char.add("RFF", (ac % 900 + 100).astype(str))),
        "onground": rng.random(len(i)) < 0.05, "baroaltitude": np.round(rng.random(len(i)) * 12000, 1),
    })


def write_opensky(path: Path, n: int) -> None:
    with path.open("wb") as fh:
        for k, (start, stop) in enumerate(_chunks(n)):
            pacsv.write_csv(_points(start, stop), fh, pacsv.WriteOptions(include_header=k == 0, quoting_style="none"))


def write_sbs(path: Path, n: int) -> None:
    with path.open("wb") as fh:
        for start, stop in _chunks(n):
            t = _points(start, stop)
            stamp = pc.strftime(pc.cast(pc.cast(t.column("time"), pa.timestamp("s")), pa.timestamp("s", tz="UTC")),
                                format="%Y/%m/%d,%H:%M:%S.000")
            alt_ft = pc.cast(pc.round(pc.divide(t.column("baroaltitude"), 0.3048)), pa.int64())
            fields = [pa.scalar("MSG,3,1,1"), pc.utf8_upper(t.column("icao24")), pa.scalar("1"), stamp, stamp,
                      pa.scalar(""), pc.cast(alt_ft, pa.string()), pa.scalar(","),
                      pc.cast(t.column("lat"), pa.string()), pc.cast(t.column("lon"), pa.string()),
                      pa.scalar(",,0,0,0,0\n")]
            line = pc.binary_join_element_wise(*fields, ",")
            fh.write(_joined(line))


def _joined(text: pa.Array) -> bytes:
    """The strings of a text array (no nulls) one after another: its data buffer between the offsets."""
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset:text.offset + len(text) + 1]
    return text.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]


def _armour(bits: str) -> str:
    return "".join(chr(v + 48 if v < 40 else v + 56) for v in (int(bits[k:k + 6], 2) for k in range(0, len(bits), 6)))


def _type1_payload(mmsi: int, lon: float, lat: float) -> str:
    """An AIS message type 1 (168 bits): position, speed 10 kn, course 90, heading 90, second 0."""
    def u(v: int, w: int) -> str:
        return format(v & ((1 << w) - 1), f"0{w}b")

    bits = (u(1, 6) + u(0, 2) + u(mmsi, 30) + u(0, 4) + u(0, 8) + u(100, 10) + u(0, 1)
            + u(round(lon * 600000), 28) + u(round(lat * 600000), 27) + u(900, 12) + u(90, 9) + u(0, 6)
            + u(0, 2) + u(0, 3) + u(0, 1) + u(0, 19))
    return _armour(bits)


def _checksum(text: str) -> str:
    c = 0
    for ch in text:
        c ^= ord(ch)
    return f"{c:02X}"


def write_nmea(path: Path, n: int) -> None:
    sentences = []
    for v in range(VESSELS):
        body = f"AIVDM,1,1,,A,{_type1_payload(244_000_000 + v, 3.0 + v / 1000, 51.0 + v / 2000)},0"
        sentences.append(f"!{body}*{_checksum(body)}")
    with path.open("w", encoding="ascii") as fh:
        for start, stop in _chunks(n):
            lines = []
            for i in range(start, stop):
                tag = f"c:{T0 + i}"
                lines.append(f"\\{tag}*{_checksum(tag)}\\{sentences[i % VESSELS]}\n")
            fh.write("".join(lines))


FORMATS: dict[str, tuple[Callable[[Path, int], None], str, str]] = {
    # name: (writer, suffix, DuckDB read_csv options for the bare read)
    "sbs": (write_sbs, ".sbs", "header = false, all_varchar = true, delim = ','"),
    "opensky": (write_opensky, ".csv", "header = true"),
    "nmea": (write_nmea, ".nmea", "header = false, columns = {'line': 'VARCHAR'}, delim = '\\t', quote = ''"),
}


def _ingest(name: str, path: Path, ws: Path, lines: int) -> Measurement:
    argv = [sys.executable, "-m", "basewatch", "-w", str(ws), "ingest", "--format", "json", str(path)]
    return measure(name, argv, lines, env={"PYTHONPATH": str(ROOT / "src")})


def _bare(name: str, path: Path, db: Path, options: str, lines: int) -> Measurement:
    code = ("import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
            f"con.execute(\"CREATE TABLE t AS SELECT * FROM read_csv('{path}', {options})\"); "
            "print(con.execute('SELECT count(*) FROM t').fetchone())")
    return measure(name, [sys.executable, "-c", code, str(db)], lines)


def main(sizes: tuple[int, ...] = DEFAULT_SIZES, formats: tuple[str, ...] = ()) -> None:
    rows: list[tuple[str, int, Measurement, Measurement]] = []
    work = Path(tempfile.mkdtemp(prefix="bw_scale_", dir="/tmp"))
    try:
        for n in sizes:  # every format at one size before the next size
            for fmt, (writer, suffix, options) in FORMATS.items():
                if formats and fmt not in formats:
                    continue
                path = work / f"{fmt}_{n}{suffix}"
                writer(path, n)
                ingest = _ingest(f"{fmt} ingest", path, work / "ws.duckdb", n)
                bare = _bare(f"{fmt} duckdb", path, work / "bare.duckdb", options, n)
                rows.append((fmt, n, ingest, bare))
                print(f"{fmt:8} {n:>11,} lines {path.stat().st_size / 1e6:8.0f} MB: ingest {ingest.seconds:7.1f} s "
                      f"{ingest.peak_rss_mb:6.0f} MB; bare DuckDB {bare.seconds:6.1f} s {bare.peak_rss_mb:6.0f} MB",
                      flush=True)
                for p in (path, work / "ws.duckdb", work / "ws.duckdb.wal", work / "bare.duckdb"):
                    p.unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _table(rows)


def _table(rows: list[tuple[str, int, Measurement, Measurement]]) -> None:
    print("\n## Ingest at scale: basewatch ingest vs bare DuckDB read_csv into a table (same file, same run)")
    print(f"{'format':<8} {'lines':>11} {'ingest s':>9} {'lines/s':>10} {'peak MB':>8} "
          f"{'duckdb s':>9} {'lines/s':>10} {'peak MB':>8} {'ingest/duckdb':>13}")
    for fmt, n, ing, bare in rows:
        print(f"{fmt:<8} {n:>11,} {ing.seconds:>9.1f} {ing.per_second:>10,.0f} {ing.peak_rss_mb:>8.0f} "
              f"{bare.seconds:>9.1f} {bare.per_second:>10,.0f} {bare.peak_rss_mb:>8.0f} "
              f"{ing.per_second / bare.per_second:>13.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    names = tuple(a for a in sys.argv[1:] if a in FORMATS)  # e.g. `... 1e7 opensky`: that format only
    main(tuple(int(float(a)) for a in sys.argv[1:] if a not in FORMATS) or DEFAULT_SIZES, names)
