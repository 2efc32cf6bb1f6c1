"""Tables never cut ids, whatever the width; one JSON shape; `basewatch --version`, `sources`, `info`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import basewatch
from basewatch.cli.output import json_text, table_text
from tests.workspace.test_notebook import ais_csv, sbs_log

ROWS = [{"flight_id": "155abc-20241214T060200Z", "callsign": "RFF7021", "origin_site": "khmeimim",
         "note": "took off: last ground point 0.3 km from OSLK, a long explanation of how it was decided"},
        {"flight_id": "155abc-20241214T060200Z-2", "callsign": None, "origin_site": None, "note": "x"}]
COLUMNS = ["flight_id", "callsign", "origin_site", "note"]


@pytest.mark.parametrize("width", [30, 60, 80, None])
def test_ids_are_never_cut(width: int | None) -> None:
    text = table_text(ROWS, COLUMNS, "flights", width)
    lines = text.splitlines()
    assert lines[0] == "flights" and lines[1].startswith("flight_id")
    assert lines[3].startswith("155abc-20241214T060200Z  ") and lines[4].startswith("155abc-20241214T060200Z-2")
    assert "khmeimim" in lines[3]
    if width is None:  # piped: nothing is cut
        assert ROWS[0]["note"] in lines[3]
        assert lines[1].split() == COLUMNS
    elif width == 80:
        assert max(len(line) for line in lines) <= 80 and lines[3].endswith("…")
        assert lines[1].split() == COLUMNS


def test_one_json_shape_is_an_array_of_objects() -> None:
    assert json.loads(json_text(ROWS)) == ROWS
    assert json_text([]) == "[]\n"


def _run(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "COLUMNS": "80"})


def test_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "basewatch", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == f"basewatch {basewatch.__version__}\n"


def test_sources_and_info(tmp_path: Path) -> None:
    (tmp_path / "feed.sbs").write_text(sbs_log())
    (tmp_path / "ships.csv").write_text(ais_csv())
    ws = tmp_path / "ws.duckdb"
    assert _run(ws, "ingest", str(tmp_path / "feed.sbs"), str(tmp_path / "ships.csv")).returncode == 0
    sources = json.loads(_run(ws, "sources", "--format", "json").stdout)
    assert [(s["source_id"], s["path"], s["input_format"], s["accepted"]) for s in sources] == [
        (1, str(tmp_path / "feed.sbs"), "sbs", 74), (2, str(tmp_path / "ships.csv"), "ais-csv", 61)]
    import hashlib

    assert sources[0]["sha256"] == hashlib.sha256((tmp_path / "feed.sbs").read_bytes()).hexdigest()
    table = _run(ws, "sources").stdout  # piped at COLUMNS=80: the 64-hex paths and ids whole
    assert str(tmp_path / "ships.csv") in table
    (info,) = json.loads(_run(ws, "info", "--format", "json").stdout)
    assert (info["aircraft_positions"], info["ship_positions"], info["source_files"]) == (74, 60, 2)
    assert info["first_time"] == "2024-12-14T06:00:00Z" and info["last_time"] == "2024-12-14T15:50:00Z"
    assert info["products"]["flights"] == {"built_at": None, "fresh": False}
    assert _run(ws, "analyse").returncode == 0
    (info,) = json.loads(_run(ws, "info", "--format", "json").stdout)
    assert info["products"]["flights"]["fresh"] and info["flights"] == 1
    text = _run(ws, "info").stdout
    assert re.search(r"aircraft positions +74\b", text) and "product flights" in text


JSON_COMMANDS = [("ingest", "{dir}/feed.sbs"), ("analyse",), ("flights",), ("activity", "--site", "khmeimim"),
                 ("corridors",), ("portcalls",), ("voyages",), ("dark",), ("vessels",), ("sites",), ("actors",),
                 ("sources",), ("info",), ("claims",), ("reports", "list"), ("aircraft", "list"),
                 ("aircraft", "show", "155abc"), ("vessels", "--why", "273111222")]


def test_every_json_output_is_an_array_of_objects(tmp_path: Path) -> None:
    (tmp_path / "feed.sbs").write_text(sbs_log())
    (tmp_path / "ships.csv").write_text(ais_csv())
    ws = tmp_path / "ws.duckdb"
    assert _run(ws, "ingest", str(tmp_path / "ships.csv")).returncode == 0
    for command in JSON_COMMANDS:
        proc = _run(ws, *(a.format(dir=tmp_path) for a in command), "--format", "json")
        assert proc.returncode == 0, (command, proc.stderr)
        value = json.loads(proc.stdout)
        assert isinstance(value, list) and all(isinstance(v, dict) for v in value), command
        assert value or command[0] in ("claims", "reports", "voyages", "dark", "corridors"), command


def test_limit_is_honoured(tmp_path: Path) -> None:
    (tmp_path / "ships.csv").write_text(ais_csv())
    ws = tmp_path / "ws.duckdb"
    assert _run(ws, "ingest", str(tmp_path / "ships.csv")).returncode == 0
    sites = json.loads(_run(ws, "sites", "--format", "json").stdout)
    assert len(sites) > 3
    assert json.loads(_run(ws, "sites", "--format", "json", "--limit", "3").stdout) == sites[:3]
    table = _run(ws, "sites", "--limit", "2").stdout.splitlines()
    assert len(table) == 2 + 3  # title, header, rule, two rows


SINCE_COMMANDS = [("flights",), ("activity", "--site", "tartus"), ("corridors",), ("portcalls",), ("voyages",),
                  ("dark",), ("brief", "--out", "{dir}/b.html")]


@pytest.mark.parametrize("since", ["2024-12-14", "2024-12-14T06:00Z", "2024-12-14T08:00+02:00", "2024-12-14 06:00"])
def test_every_since_until_takes_the_same_forms(tmp_path: Path, since: str) -> None:
    (tmp_path / "ships.csv").write_text(ais_csv())
    ws = tmp_path / "ws.duckdb"
    assert _run(ws, "ingest", str(tmp_path / "ships.csv")).returncode == 0
    for command in SINCE_COMMANDS:
        args = [a.format(dir=tmp_path) for a in command]
        proc = _run(ws, *args, "--since", since, "--until", "2024-12-14")
        assert proc.returncode == 0, (command, proc.stderr)
    calls = json.loads(_run(ws, "portcalls", "--since", since, "--until", "2024-12-14", "--format", "json").stdout)
    assert len(calls) == 1  # arrived 08:00 on the 14th: inside every window above
    late = json.loads(_run(ws, "portcalls", "--since", "2024-12-14T08:00:01Z", "--format", "json").stdout)
    assert late == []
