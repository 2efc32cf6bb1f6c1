from __future__ import annotations

import datetime as dt
from pathlib import Path

from basewatch.reports.ingest import add_files
from basewatch.reports.store import list_claims, list_reports
from basewatch.workspace.core import Workspace

TEXT = ("source: https://example.org/x\nRussians leave Tartus (Example Wire) | 2025-01-15\n\n"
        "Two Russian frigates left Tartus on Monday, ship-tracking data showed. "
        "US aircraft struck ISIS camps in central Syria on Sunday, the Pentagon said.\n")


def test_add_twice_stores_once(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(TEXT, encoding="utf-8")
    [first] = add_files(workspace, [p])
    assert first.added and first.claims == 2
    [again] = add_files(workspace, [p])
    assert not again.added and again.report_id == first.report_id
    assert workspace.con.execute("SELECT count(*) FROM reports").fetchone() == (1,)
    assert workspace.con.execute("SELECT count(*) FROM claims").fetchone() == (2,)


def test_claims_are_stored_with_offsets_and_listed_by_site_and_event(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(TEXT, encoding="utf-8")
    add_files(workspace, [p])
    rows = list_claims(workspace)
    assert [r["event"] for r in rows] == ["withdrawal", "strike"]
    first = rows[0]
    assert TEXT[first["start_char"]:first["end_char"]] == first["text"]
    assert first["site_ids"] == ["tartus"] and first["source_kind"] == "tracking"
    assert first["date_start"] == dt.date(2025, 1, 13) and first["report_date"] == dt.date(2025, 1, 15)
    assert first["reliability"] == "F" and rows[0]["places"][0]["site_id"] == "tartus"
    assert [r["event"] for r in list_claims(workspace, site="tartus")] == ["withdrawal"]
    assert [r["event"] for r in list_claims(workspace, event="strike")] == ["strike"]
    assert list_claims(workspace, site="khmeimim") == []


def test_date_flag_applies_to_the_report(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text("Russian troops left Hmeimim yesterday, officials said.\n", encoding="utf-8")
    add_files(workspace, [p], date=dt.date(2025, 1, 10))
    [row] = list_claims(workspace)
    assert (row["date_start"], row["site_ids"]) == (dt.date(2025, 1, 9), ["khmeimim"])


def test_persisted_across_reopen(tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(TEXT, encoding="utf-8")
    with Workspace(tmp_path / "w.duckdb") as ws:
        add_files(ws, [p])
    with Workspace(tmp_path / "w.duckdb", read_only=True) as ws:
        assert len(list_claims(ws)) == 2


def test_list_reports_counts_claims(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(TEXT, encoding="utf-8")
    add_files(workspace, [p])
    [row] = list_reports(workspace)
    assert (row["claims"], row["url"], row["report_date"], row["publisher"]) == (
        2, "https://example.org/x", dt.date(2025, 1, 15), "Example Wire")


def test_claims_keep_the_cue_words_behind_their_fields(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "r.txt"
    p.write_text(TEXT, encoding="utf-8")
    add_files(workspace, [p])
    first, second = list_claims(workspace)
    # "frigates left" (warships leaving) and "left Tartus" decided withdrawal, "showed" the source; nothing
    # hedged it
    assert first["why"] == {"event": ["frigates left", "left Tartus"], "certainty": [], "source": ["showed"]}
    assert second["why"]["event"] == ["struck"] and second["why"]["source"] == ["said"]
