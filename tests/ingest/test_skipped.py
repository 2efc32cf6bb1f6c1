"""AIS messages that are valid but carry no vessel data (base stations, aids to navigation, binary and safety
messages) are skipped, not rejected (issue 9): counted apart, in the report, its JSON and the sources table."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from basewatch.ingest.pipeline import ingest_file
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

VESSEL_TYPES = {1, 2, 3, 5, 18, 19, 24, 27}


def test_nmea_base_stations_and_binary_messages_are_skipped(tmp_path: Path) -> None:
    from pyais.stream import FileReaderStream  # the peer decoder counts the message types

    path = shared_file("ais/gpsd_sample.aivdm")
    types = Counter(msg.decode().msg_type for msg in FileReaderStream(str(path)))
    other = sum(n for t, n in types.items() if t not in VESSEL_TYPES)
    with Workspace(tmp_path / "ws.duckdb") as ws:
        report = ingest_file(ws, path)
        stored = ws.con.execute("SELECT skipped, reasons FROM sources").fetchone()
    assert other > 0
    assert report.skipped == {"not vessel data": other}
    assert "not a vessel position or static report" not in report.reasons
    assert stored is not None and stored[0] == other
    assert "not a vessel position or static report" not in json.loads(stored[1])


def test_ais_csv_other_message_types_are_skipped_in_json_and_table(tmp_path: Path) -> None:
    path = shared_file("ais/aisdb_test_data_20210701_spire.csv")
    with path.open(newline="") as fh:
        other = sum(1 for row in csv.DictReader(fh) if int(row["Message_ID"]) not in VESSEL_TYPES)
    ws = tmp_path / "ws.duckdb"
    proc = subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), "ingest", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (entry,) = json.loads(proc.stdout)
    assert (entry["skipped"], entry["skipped_reasons"]) == (other, {"not vessel data": other})
    assert "not a vessel position or static report" not in entry["reasons"]
    again = subprocess.run([sys.executable, "-m", "basewatch", "-w", str(tmp_path / "ws2.duckdb"), "ingest",
                            str(path)], capture_output=True, text=True, timeout=300, env={"COLUMNS": "400",
                                                                                           "PATH": "/usr/bin"})
    assert again.returncode == 0, again.stderr
    assert f"skipped (not vessel data): {other}" in again.stdout
