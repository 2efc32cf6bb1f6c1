"""`basewatch portcalls / voyages / dark` in a real subprocess on a workspace with hand-made tracks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from basewatch.cli.maritime_cmd import parse_duration
from basewatch.errors import BasewatchError
from basewatch.watchlist.model import Site, Watchlist
from basewatch.watchlist.store import store_watchlist
from basewatch.workspace.core import Workspace
from tests.maritime.conftest import PORT_LAT, PORT_LON, add_track, radial


def _run(ws_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws_path), *args],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "COLUMNS": "250"})


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "ws.duckdb"
    with Workspace(path) as ws:
        site = Site(id="testport", name="Test port", kind="port", lat=PORT_LAT, lon=PORT_LON)  # default radii
        store_watchlist(ws, Watchlist(sites=(site,)), "<test>", "")
        # In port 0-60 min (stopped), leaves, regular reports every 10 min until 180, silent 5 h, reappears.
        track = [(0, 1, 0.0), (30, 1, 0.0), (60, 1, 0.0), *[(70 + 10 * i, 5 + 2 * i, 10) for i in range(12)],
                 (180 + 300, 100, 10), (490, 102, 10)]
        add_track(ws, "273000001", radial(track))
    return path


def _json(proc: subprocess.CompletedProcess[str]) -> Any:
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_portcalls_json(ws_path: Path) -> None:
    calls = _json(_run(ws_path, "portcalls", "--format", "json"))
    assert [(c["mmsi"], c["site"], c["arrival"], c["departure"]) for c in calls] == [
        ("273000001", "testport", "2024-12-01T00:00:00Z", "2024-12-01T01:00:00Z")
    ]
    assert calls[0]["source_ids"] == [1] and (calls[0]["first_row_no"], calls[0]["last_row_no"]) == (1, 3)
    assert _json(_run(ws_path, "portcalls", "--since", "2024-12-02", "--format", "json")) == []


def test_dark_threshold_and_near(ws_path: Path) -> None:
    # The silence is 5 h (below the default 6 h); it starts 27 km from the port (5 + 2 * 11 km north).
    rows = _json(_run(ws_path, "dark", "--threshold", "4h", "--near", "testport", "--within-km", "30",
                      "--format", "json"))
    assert [(r["start_time"], r["end_time"], r["hours"], r["start_row_no"], r["end_row_no"]) for r in rows] == [
        ("2024-12-01T03:00:00Z", "2024-12-01T08:00:00Z", 5.0, 15, 16)
    ]


def test_user_errors_exit_2_with_one_line(ws_path: Path, tmp_path: Path) -> None:
    proc = _run(ws_path, "dark", "--threshold", "six hours")
    assert proc.returncode == 2 and "invalid duration 'six hours'" in proc.stderr and "Traceback" not in proc.stderr
    proc = _run(tmp_path / "missing.duckdb", "voyages")
    assert proc.returncode == 2 and "no workspace here" in proc.stderr
    assert not (tmp_path / "missing.duckdb").exists()


@pytest.mark.parametrize(("text", "seconds"), [("6h", 21600.0), ("90m", 5400.0), ("45s", 45.0), ("1.5d", 129600.0),
                                               ("7", 25200.0)])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0h", "-1h", "6 hours", "h"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(BasewatchError, match="invalid duration"):
        parse_duration(text)
