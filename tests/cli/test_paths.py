"""A session from a 200-character-deep folder at COLUMNS=80: ingest, analyse, flights, brief (HTML and
PDF) through the real command, every path relative to that folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.workspace.test_notebook import ais_csv, sbs_log


def _deep(base: Path, depth: int = 200) -> Path:
    folder = base
    while len(str(folder)) < len(str(base)) + depth:
        folder = folder / ("deep-folder-" + str(len(folder.parts)))
    folder.mkdir(parents=True)
    return folder


def test_a_session_in_a_deep_folder_at_80_columns(tmp_path: Path) -> None:
    here = _deep(tmp_path)
    assert len(str(here)) - len(str(tmp_path)) >= 200
    (here / "feed.sbs").write_text(sbs_log())
    (here / "ships.csv").write_text(ais_csv())
    env = {**os.environ, "COLUMNS": "80"}

    def bw(*args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run([sys.executable, "-m", "basewatch", "-w", "ws.duckdb", *args], cwd=here, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        return proc

    bw("ingest", "feed.sbs", "ships.csv")
    bw("analyse")
    (flight,) = json.loads(bw("flights", "--site", "khmeimim", "--format", "json").stdout)
    assert flight["origin_site"] == "khmeimim"
    table = bw("flights").stdout
    assert flight["flight_id"] in table  # piped at 80 columns: the id is whole
    bw("brief", "--out", "brief.html")
    bw("brief", "--out", "brief.pdf")
    assert (here / "brief.pdf").read_bytes().startswith(b"%PDF-") and "Khmeimim" in (here / "brief.html").read_text()
    (source, _) = json.loads(bw("sources", "--format", "json").stdout)
    assert source["path"] == str(here / "feed.sbs")
