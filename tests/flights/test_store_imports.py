"""`basewatch analyse` on DuckDB runs precompiled SQL: once the reference tables are kept in the
workspace, a run imports neither Ibis, pandas, PyArrow nor airportsdata (real subprocesses, real ingest)."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

HEAVY = ("ibis", "pandas", "pyarrow", "airportsdata")
LFPG = (49.0128, 2.55)  # airportsdata's reference point of Paris-Charles de Gaulle


def sbs_log(start: dt.datetime) -> str:
    """One aircraft: 2 minutes on the ground at LFPG (surface positions), then 10 minutes climbing east."""

    def stamp(t: dt.datetime) -> str:
        return t.strftime("%Y/%m/%d,%H:%M:%S.000")

    lines = []
    for i in range(13):  # MSG,2: surface position, 5 kt, on the ground (-1)
        t = start + dt.timedelta(seconds=10 * i)
        lines.append(f"MSG,2,1,1,3C6444,1,{stamp(t)},{stamp(t)},,,5,90,{LFPG[0]:.5f},{LFPG[1]:.5f},,,,,,-1")
    for i in range(61):  # MSG,3: airborne position, 1,000 ft -> 20,000 ft, 2.57 E -> 3.17 E
        t = start + dt.timedelta(seconds=130 + 10 * i)
        alt_ft = 1000 + i * 19000 // 60
        lines.append(f"MSG,3,1,1,3C6444,1,{stamp(t)},{stamp(t)},,{alt_ft},,,49.01280,{2.57 + i * 0.01:.5f},,,0,0,0,0")
    return "\n".join(lines) + "\n"


def _basewatch(ws: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@dataclass(frozen=True)
class SecondRun:
    report: list[dict[str, Any]]  # `analyse --format json`: one object per product
    flights: list[tuple[Any, ...]]
    loaded: list[str]  # HEAVY modules the second `analyse` left in sys.modules


@pytest.fixture(scope="module")
def second_run(tmp_path_factory: pytest.TempPathFactory) -> SecondRun:
    """Ingest a small SBS log, analyse once (builds the reference tables), then analyse again in a probe."""
    tmp = tmp_path_factory.mktemp("imports")
    log = tmp / "feed.sbs"
    log.write_text(sbs_log(dt.datetime(2024, 12, 14, 6, 0, tzinfo=dt.UTC)))
    ws = tmp / "ws.duckdb"
    _basewatch(ws, "ingest", str(log))
    _basewatch(ws, "analyse")
    probe = (
        "import sys\nfrom basewatch.cli.app import main\n"
        f"main(['-w', {str(ws)!r}, 'analyse', '--product', 'flights', '--force', '--format', 'json'])\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    *out, loaded = proc.stdout.strip().splitlines()
    with duckdb.connect(str(ws), read_only=True) as con:
        flights = con.execute(
            "SELECT origin_airport, origin_method, destination_airport, points FROM flights").fetchall()
    return SecondRun(json.loads("\n".join(out)), flights, ast.literal_eval(loaded))


def test_second_analyse_finds_the_flight(second_run: SecondRun) -> None:
    (report,) = [r for r in second_run.report if r["product"] == "flights"]
    assert report["rebuilt"]  # --force: the flights were built again in the probe
    assert (report["engine"], report["points"], report["rows"]["flights"]) == ("duckdb", 13 + 61, 1)
    # took off from LFPG (its last ground point is there), last seen climbing: no destination;
    # 61 airborne points + the ground point of the take-off
    assert second_run.flights == [("LFPG", "ground", None, 62)]


def test_second_analyse_imports_neither_ibis_nor_airportsdata(second_run: SecondRun) -> None:
    assert not {"ibis", "airportsdata"} & set(second_run.loaded)


def test_second_analyse_imports_no_heavy_library(second_run: SecondRun) -> None:
    assert second_run.loaded == []
