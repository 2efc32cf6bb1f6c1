"""kill -9 of real basewatch processes at chosen moments of ingest, analyse, the maritime build, the brief and
the demo: the workspace opens, holds what was committed before the kill and nothing of the killed step, and
running the command again completes it (the same result as an uninterrupted run)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from basewatch.workspace import lock
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

SBS_LINE = "MSG,3,1,1,{hex},1,2024/12/14,12:00:{s:02d}.000,2024/12/14,12:00:{s:02d}.000,,1000,,,{lat},8.0,,,0,0,0,0"
RYR = "adsb/opensky_trino_state_vectors_data4_RYR_20220202.parquet"
AIS = "ais/aisdb_test_data_noaa_20230101.csv"

# Runs the basewatch CLI; at the HOLD_CALL-th call (default 1) of the function HOLD_AT names
# ("module:attr" or "module:Class.attr") prints AT and blocks, so the parent kills it right there.
KILLABLE = textwrap.dedent(
    """
    import importlib, os, sys, time
    module_name, attr = os.environ["HOLD_AT"].split(":")
    owner = importlib.import_module(module_name)
    *path, name = attr.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    target = int(os.environ.get("HOLD_CALL", "1"))
    calls = [0]

    def held(*args, **kwargs):
        calls[0] += 1
        if calls[0] == target:
            print("AT", flush=True)
            time.sleep(600)
        return original(*args, **kwargs)

    setattr(owner, name, held)
    from basewatch.cli.app import main
    main(sys.argv[1:])
    """
)


def _env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k != lock.ENV_WAIT}, "PYTHONUNBUFFERED": "1"}


def _kill_at(tmp_path: Path, hold_at: str, *args: str, call: int = 1) -> None:
    """Run `basewatch ARGS`, kill -9 it at the `call`-th call of `hold_at`."""
    script = tmp_path / "killable.py"
    script.write_text(KILLABLE)
    proc = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**_env(), "HOLD_AT": hold_at, "HOLD_CALL": str(call)})
    assert proc.stdout is not None and proc.stderr is not None
    line = proc.stdout.readline()
    while line and line != "AT\n":  # the command's own output before the marker
        line = proc.stdout.readline()
    assert line == "AT\n", proc.stderr.read()
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "basewatch", *args], capture_output=True, text=True, env=_env(),
                          check=False, timeout=900)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def _rows(ws: Path, sql: str) -> list[tuple[object, ...]]:
    with Workspace(ws, read_only=True) as w:
        return [tuple(r) for r in w.con.execute(sql).fetchall()]


def _sbs(path: Path, hex_id: str, n: int) -> Path:
    path.write_text("\n".join(SBS_LINE.format(hex=hex_id, s=s, lat=40 + s / 10) for s in range(n)) + "\n")
    return path


def test_kill_between_files_of_one_ingest_keeps_the_first(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    a, b = _sbs(tmp_path / "a.sbs", "3C0001", 5), _sbs(tmp_path / "b.sbs", "3C0002", 7)
    _kill_at(tmp_path, "basewatch.ingest.pipeline:_insert", "-w", str(ws), "ingest", str(a), str(b), call=2)
    # file a committed (its one _insert call), b killed inside its transaction: nothing of b
    assert _rows(ws, "SELECT path, accepted FROM sources") == [(str(a.resolve()), 5)]
    assert _rows(ws, "SELECT count(*) FROM aircraft_points") == [(5,)]
    _run("-w", str(ws), "ingest", str(a), str(b))  # a is skipped as already ingested, b completes
    assert _rows(ws, "SELECT path, accepted FROM sources ORDER BY source_id") == [
        (str(a.resolve()), 5), (str(b.resolve()), 7)]
    assert _rows(ws, "SELECT count(*) FROM aircraft_points") == [(12,)]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A workspace with the RYR flight and 2000 AIS rows, ingested, and the counts an uninterrupted
    `analyse` gives on it (compared with after kill and rerun)."""
    folder = tmp_path_factory.mktemp("analysed")
    ws = folder / "clean.duckdb"
    _run("-w", str(ws), "ingest", str(shared_file(RYR)), str(shared_file(AIS)))
    pristine = folder / "ingested.duckdb"
    shutil.copyfile(ws, pristine)
    _run("-w", str(ws), "analyse")
    return pristine, _counts(ws)


def _counts(ws: Path) -> dict[str, int]:
    names = ("flights", "visits", "port_calls", "voyages", "dark_periods", "product_state")
    return {n: int(_rows(ws, f"SELECT count(*) FROM {n}")[0][0]) for n in names}  # type: ignore[call-overload]


FLIGHTS = ("flights", "visits")
MARITIME = ("port_calls", "voyages", "dark_periods")


@pytest.mark.parametrize(("moment", "untouched"), [
    # flights computed, killed inside the transaction that writes them: no derived table changed
    ("basewatch.flights.store:_replace_tables", FLIGHTS + MARITIME),
    # flights committed; port calls replaced, voyages not yet, in the maritime transaction: no ship table changed
    ("basewatch.maritime:_replace:2", MARITIME),
])
def test_kill_during_analyse_then_rerun(tmp_path: Path, analysed: tuple[Path, dict[str, int]], moment: str,
                                        untouched: tuple[str, ...]) -> None:
    pristine, clean = analysed
    ws = tmp_path / "ws.duckdb"
    shutil.copyfile(pristine, ws)
    before = _counts(ws)
    module, attr, *call = moment.split(":")
    _kill_at(tmp_path, f"{module}:{attr}", "-w", str(ws), "analyse", call=int(call[0]) if call else 1)
    after = _counts(ws)
    assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}
    if untouched == MARITIME:  # the flights transaction before it did commit
        assert {k: after[k] for k in FLIGHTS} == {k: clean[k] for k in FLIGHTS}
    _run("-w", str(ws), "analyse")
    assert _counts(ws) == clean


def test_kill_between_products_then_rerun(tmp_path: Path, analysed: tuple[Path, dict[str, int]]) -> None:
    # one product built and recorded, the next built but killed before its state was recorded
    pristine, clean = analysed
    ws = tmp_path / "ws.duckdb"
    shutil.copyfile(pristine, ws)
    _kill_at(tmp_path, "basewatch.products.registry:_record", "-w", str(ws), "analyse", call=2)
    assert _counts(ws)["product_state"] == 1
    _run("-w", str(ws), "analyse")
    assert _counts(ws) == clean


def test_kill_while_writing_the_brief(tmp_path: Path, analysed: tuple[Path, dict[str, int]]) -> None:
    pristine, _ = analysed
    ws = tmp_path / "ws.duckdb"
    shutil.copyfile(pristine, ws)
    out = tmp_path / "brief.html"
    out.write_text("the previous brief")
    # killed after the new brief was written to its temporary file, before it replaced the old one
    _kill_at(tmp_path, "pathlib:Path.replace", "-w", str(ws), "brief", "--out", str(out))
    assert out.read_text() == "the previous brief"  # never a half-written brief under the real name
    _run("-w", str(ws), "brief", "--out", str(out))
    assert out.read_text().lstrip().lower().startswith("<!doctype html")
    assert not out.with_name(out.name + ".partial").exists()


def test_kill_during_demo_then_rerun(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    args = ("demo", "--out", str(out), "--start", "2024-12-17", "--days", "1", "--format", "json")
    # killed as it begins the third recorder file: two committed, nothing analysed
    _kill_at(tmp_path, "basewatch.demo.run:ingest_file", *args, call=3)
    ws = out / "basewatch.duckdb"
    assert _rows(ws, "SELECT count(*) FROM sources") == [(2,)]
    assert _rows(ws, "SELECT count(*) FROM flights") == [(0,)]
    summary = json.loads(_run(*args).stdout)[0]
    # what an uninterrupted `basewatch demo` of this window and the default seed gives (run 2026-12-08)
    assert (summary["files"], summary["records"], summary["rejected"], summary["flights"]) == (9, 67007, 0, 34)
    assert _rows(ws, "SELECT count(*) FROM flights") == [(34,)]
    assert (out / "brief.html").exists()
