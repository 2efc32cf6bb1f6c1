"""`basewatch aircraft show` and `aircraft list` as a user runs them (real subprocesses)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from basewatch.workspace.core import Workspace
from tests.conftest import shared_file


def _cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "basewatch", "-w", str(ws), *args], capture_output=True, text=True, timeout=120
    )


def test_show_and_list(tmp_path: Path) -> None:
    extract = shared_file("reference/tar1090db_RU_SY_LY_transport_watchlist.csv")
    ws_path = tmp_path / "w.duckdb"
    with Workspace(ws_path) as ws:
        ws.con.execute(
            "INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates) "
            "VALUES ('pts', 'x', 'test', now(), 3, 0, 0)"
        )
        ws.con.execute(
            "INSERT INTO aircraft_points (icao24, time, callsign, source_id, row_no) VALUES "
            "('154076', '2024-12-10 08:00:00+00', 'RFF7032', 1, 1), "
            "('154076', '2024-12-10 09:30:00+00', NULL, 1, 2), "
            "('154076', '2024-12-11 07:15:00+00', 'RFF7032 ', 1, 3)"
        )
    assert _cli(ws_path, "aircraft", "import", str(extract)).returncode == 0
    done = _cli(ws_path, "aircraft", "show", "154076", "--format", "json")
    assert done.returncode == 0, done.stderr
    (info,) = json.loads(done.stdout)
    assert info["country"] == {"name": "Russian Federation", "iso2": "RU", "block": "100000-1fffff"}
    assert info["points"] == {
        "count": 3,
        "first_seen": "2024-12-10T08:00:00Z",
        "last_seen": "2024-12-11T07:15:00Z",
        "sources": 1,
    }
    assert info["callsigns"] == ["RFF7032"]
    assert [r["origin"] for r in info["records"]] == ["tar1090-db"]
    assert info["records"][0]["registration"] == "RA-82038" and info["records"][0]["military"] is True
    assert info["watchlist"][0]["registration"] == "RA-82038"  # the default watchlist lists it
    reasons = {m["rule_index"]: m for m in info["actors"]}
    assert set(reasons) == {None, 0, 1}  # listed; Russian block + A124; RFF callsign
    assert {c["field"] for c in reasons[0]["conditions"]} == {"icao_ranges", "typecodes"}
    assert reasons[1]["conditions"][0]["value"] == "RFF7032"

    table = _cli(ws_path, "aircraft", "show", "154076")
    assert table.returncode == 0 and "RA-82038" in table.stdout and "rule 0" in table.stdout

    listed = json.loads(_cli(ws_path, "aircraft", "list", "--actor", "ru-mod-transport", "--format", "json").stdout)
    by_hex = {r["icao24"]: r for r in listed}
    assert by_hex["154076"]["typecode"] == "A124"
    assert all(r["actor_id"] == "ru-mod-transport" for r in listed)

    bad = _cli(ws_path, "aircraft", "show", "RA-82038")
    assert bad.returncode == 2 and "not an ICAO 24-bit address" in bad.stderr and "Traceback" not in bad.stderr
