"""AIS NMEA decode + ingest throughput on the AMSA log (amsa_risky_ais.txt) repeated to >= 1 M messages.

Cases, each in its own process (wall time includes interpreter start and imports):
- basewatch decode: the `nmea` reader alone (sentences, times, reassembly, decoding, Arrow tables);
- basewatch ingest: `basewatch ingest` into a fresh workspace, end to end (dedupe and DuckDB insert);
- pyais decode: pyais 3 FileReaderStream + decode() of every message (pure Python, the test peer);
- aiscat decode: aiscat (AIS-catcher's C++ decoder, GPL-3.0) from_file() into dicts, run from its own venv
  under benchmarks/.cache (created with `pip install aiscat` when missing; skipped if that fails);
- duckdb line scan: DuckDB reading the file's lines (count), the floor for any DuckDB-based ingest.
Items are the messages basewatch assembles from the file (one per complete AIS message). Each case runs
REPEAT times and the fastest run is reported (the machine is shared; the slower runs measure the neighbours).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from harness import CACHE, SHARED, Measurement, measure, report  # benchmarks/run.py puts benchmarks/ on sys.path

SOURCE = SHARED / "ais" / "amsa_risky_ais.txt"
TARGET_MESSAGES = 1_000_000
AISCAT_VENV = CACHE / "aiscat-venv"
AISCAT_VERSION = "0.68.16"
REPEAT = int(os.environ.get("BENCH_AIS_REPEAT", "3"))


def _best(name: str, argv: list[str], items: int, env: dict[str, str] | None = None,
          before: Callable[[], None] | None = None) -> Measurement:
    runs = []
    for _ in range(REPEAT):
        if before is not None:
            before()
        runs.append(measure(name, argv, items, env))
    return min(runs, key=lambda m: m.seconds)


def _input() -> tuple[Path, int]:
    """The repeated file and its message count."""
    from basewatch.ingest.ais.nmea import collect
    from basewatch.ingest.ais.sentences import FileSource

    per_copy = collect(FileSource(SOURCE))[0].size
    copies = -(-TARGET_MESSAGES // per_copy)
    path = CACHE / f"amsa_x{copies}.nmea"
    if not path.exists() or path.stat().st_size != SOURCE.stat().st_size * copies:
        data = SOURCE.read_bytes()
        with path.open("wb") as fh:
            for _ in range(copies):
                fh.write(data)
    return path, per_copy * copies


def _aiscat_python() -> Path | None:
    python = AISCAT_VENV / "bin" / "python"
    if not python.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(AISCAT_VENV)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "-q", f"aiscat=={AISCAT_VERSION}"], check=True)
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"aiscat not available ({exc}); skipping its case")
            return None
    return python


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    if not SOURCE.exists():
        print(f"skipping AIS benchmark: {SOURCE} not found")
        return
    path, n = _input()
    print(f"load average before the AIS cases: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    py = sys.executable
    rows: list[Measurement] = []
    decode = (
        "import sys; from pathlib import Path; from basewatch.ingest.ais.nmea import READER; "
        "r = READER.read(Path(sys.argv[1])); print({k: v.num_rows for k, v in r.tables.items()})"
    )
    rows.append(_best("basewatch decode", [py, "-c", decode, str(path)], n))
    ws = CACHE / "bench_ais.duckdb"

    def fresh() -> None:
        for p in (ws, Path(str(ws) + ".wal")):
            p.unlink(missing_ok=True)

    rows.append(_best("basewatch ingest (end to end)", [py, "-m", "basewatch", "-w", str(ws), "ingest",
                                                       "--format", "json", str(path)], n, before=fresh))
    fresh()
    pyais = (
        "import sys; from pyais.stream import FileReaderStream\n"
        "n = 0\n"
        "for m in FileReaderStream(sys.argv[1]):\n"
        "    try:\n        m.decode(); n += 1\n    except Exception:\n        pass\n"
        "print(n)"
    )
    rows.append(_best("pyais decode", [py, "-c", pyais, str(path)], n))
    aiscat_py = _aiscat_python()
    if aiscat_py is not None:
        aiscat = "import sys, aiscat\nn = sum(1 for _ in aiscat.from_file(sys.argv[1]))\nprint(n)"
        rows.append(_best("aiscat decode", [str(aiscat_py), "-c", aiscat, str(path)], n, env={"PYTHONPATH": ""}))
    scan = (
        "import sys, duckdb\n"
        "f = sys.argv[1].replace(\"'\", \"''\")\n"
        "print(duckdb.execute(f\"SELECT count(*) FROM read_csv('{f}', columns={{'line': 'VARCHAR'}}, header=false, \"\n"
        "    \"delim=chr(1), quote='', escape='', strict_mode=false, new_line='\\\\n')\").fetchone())"
    )
    rows.append(_best("duckdb line scan", [py, "-c", scan, str(path)], n))
    size_mb = os.path.getsize(path) / 1e6
    report(f"AIS NMEA: {n:,} messages, best of {REPEAT} ({path.name}, {size_mb:.0f} MB)", rows, "pyais decode")
