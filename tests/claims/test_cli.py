"""The commands in real subprocesses, on a real workspace file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import shared_file

REPORT = ("source: https://example.org/x\nJets leave Hmeimim (Example Wire) | 2025-01-15\n\n"
          "Russian transport aircraft left Hmeimim last week, flight-tracking data showed.\n"
          "The Kremlin denied that its forces were leaving Tartus.\n")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "basewatch", *args], capture_output=True, text=True, timeout=120,
                          env=env)


def test_extract_prints_jsonl_with_offsets(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(REPORT, encoding="utf-8")
    out = run("-w", str(tmp_path / "none.duckdb"), "claims", "extract", str(p))
    assert out.returncode == 0, out.stderr
    claims = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(c["event"], c["certainty"], c["source_kind"]) for c in claims] == [
        ("withdrawal", "asserted", "tracking"), ("withdrawal", "denied", "official")]
    assert REPORT[claims[0]["start"]:claims[0]["end"]] == claims[0]["text"]
    assert claims[0]["date"] == {"start": "2025-01-06", "end": "2025-01-12", "text": "last week"}
    assert not (tmp_path / "none.duckdb").exists()  # extract does not create a workspace


def test_reports_add_then_list_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(REPORT, encoding="utf-8")
    ws = str(tmp_path / "w.duckdb")
    first = run("-w", ws, "reports", "add", str(p), "--format", "json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)[0]["claims"] == 2
    listed = run("-w", ws, "claims", "--site", "tartus", "--format", "json")
    assert [r["certainty"] for r in json.loads(listed.stdout)] == ["denied"]
    bad = run("-w", ws, "claims", "extract", str(p), "--date", "2025-02-30")
    assert bad.returncode == 2 and "--date must be YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr


def test_eval_on_shared_dev_reports(tmp_path: Path) -> None:
    gold = shared_file("reports/dev/gold.jsonl")
    out = run("-w", str(tmp_path / "none.duckdb"), "claims", "eval", str(gold), str(gold.parent), "--format", "json")
    assert out.returncode == 0, out.stderr
    (total,) = [row for row in json.loads(out.stdout) if row["file"] == "TOTAL"]
    assert total["gold"] == 21 and set(total) >= {"recall", "precision", "event", "certainty", "source"}
