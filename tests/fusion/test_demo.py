"""The demo's fusion: simulated reports against the simulated sensors, every figure recomputed from the tables."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basewatch.demo.run import DemoResult
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

CIVIL = ("LCLK", "LLBG", "OLBA", "HECA", "LGAV", "LTAI", "OJAI")   # airliner bases and destinations of the scenario
ICD = ((0.05, "almost no chance"), (0.20, "very unlikely"), (0.45, "unlikely"), (0.55, "roughly even chance"),
       (0.80, "likely"), (0.95, "very likely"), (1.01, "almost certain"))


@pytest.fixture(scope="module")
def demo(demo_month: DemoResult) -> DemoResult:
    """The session's 20-day demo (tests/conftest.py), read-only here."""
    return demo_month


@pytest.fixture
def ws(demo: DemoResult) -> Iterator[Workspace]:
    w = Workspace(demo.workspace, read_only=True)
    try:
        yield w
    finally:
        w.close()


def statuses(ws: Workspace) -> list[tuple[str, dict[str, Any]]]:
    """(text, row) per claim (one sentence can hold two claims)."""
    return [(r["text"], r) for r in ws.claim_statuses().to_pylist()]


def test_claims_against_the_simulated_sensors(ws: Workspace) -> None:
    by_text = statuses(ws)
    cargo = [r for t, r in by_text if t.startswith("Flight records reveal Russian cargo planes")]
    assert cargo and all(r["status"] == "corroborated" for r in cargo)
    (denial,) = [r for t, r in by_text if "no Russian aircraft left Khmeimim" in t]
    assert denial["status"] == "contradicted"
    assert denial["credibility"] >= 4
    (intent,) = [r for t, r in by_text if "intends to keep its bases" in t]
    assert intent["status"] == "not-checkable"


def test_the_wire_story_is_one_story(ws: Workspace) -> None:
    wire = [r for t, r in statuses(ws) if "citing flight-tracking data" in t]
    assert len(wire) == 3
    assert len({r["story"] for r in wire}) == 1


def judgement(ws: Workspace, site: str) -> dict[str, dict[str, Any]]:
    return {a["as_of"]: a for a in ws.assessments(site=site, timeline=True)}


def test_khmeimim_drawdown_and_al_khadim_build_up_within_days_of_the_surge(ws: Workspace) -> None:
    # the simulated air bridge starts on 11-12 December (demo.scenario: aircraft join from the 11th)
    k, a = judgement(ws, "khmeimim"), judgement(ws, "al-khadim")
    assert all(k[f"2024-12-{d:02d}"]["hypothesis"] == "no-change" for d in range(1, 11))
    assert k["2024-12-17"]["hypothesis"] == "drawdown" and k["2024-12-17"]["likelihood"] >= 0.55
    assert a["2024-12-17"]["hypothesis"] == "build-up" and a["2024-12-17"]["likelihood"] >= 0.55
    assert k["2024-12-17"]["words"] in ("likely", "very likely", "almost certain")


def test_civil_airports_stay_at_no_change(ws: Workspace) -> None:
    for code in CIVIL:
        days = judgement(ws, code)
        assert days, code
        assert {d["hypothesis"] for d in days.values()} == {"no-change"}, code


def _window_count(ws: Workspace, place: str, first: str, last: str) -> int:
    row = ws.con.execute(
        "SELECT (SELECT count(*) FROM flights WHERE coalesce(origin_site, origin_airport) = $p "
        "AND CAST(start AS DATE) BETWEEN $a AND $b) + (SELECT count(*) FROM flights WHERE "
        "coalesce(destination_site, destination_airport) = $p AND CAST(\"end\" AS DATE) BETWEEN $a AND $b)",
        {"p": place, "a": dt.date.fromisoformat(first), "b": dt.date.fromisoformat(last)}).fetchone()
    assert row is not None
    return int(row[0])


def _words(p: float) -> str:
    return next(w for upper, w in ICD if p < upper or (w == "roughly even chance" and p <= upper))


@pytest.mark.parametrize(("site", "as_of"), [("khmeimim", "2024-12-18"), ("al-khadim", "2024-12-20"),
                                             ("LCLK", "2024-12-19"), ("tartus", "2024-12-16")])
def test_every_figure_recomputes_from_the_stored_inputs(ws: Workspace, site: str, as_of: str) -> None:
    a = judgement(ws, site)[as_of]
    for e in a["evidence"]:
        f = e.get("figures")
        if f is None or e["kind"] != "movements":
            continue
        assert _window_count(ws, site, a["window"]["start"], a["window"]["end"]) == f["observed"]
        base = _window_count(ws, site, f["baseline_first"], f["baseline_last"])
        assert base == f["baseline_count"]
        days = (dt.date.fromisoformat(f["baseline_last"]) - dt.date.fromisoformat(f["baseline_first"])).days + 1
        assert f["expected"] == pytest.approx(max(base / days, 0.05) * 7, rel=1e-5)
    cap = 10.0
    odds = {h: a["prior"][h] / a["prior"]["no-change"] for h in ("drawdown", "build-up", "rotation")}
    groups = [e for e in a["evidence"] if e["used"]]
    assert len(groups) == len({e["group"] for e in a["evidence"]})
    for e in groups:
        for h in odds:
            odds[h] *= min(max(e["lr"][h] ** e["weight"], 1 / cap), cap)
    total = 1 + sum(odds.values())
    for h, o in odds.items():
        assert a["probabilities"][h] == pytest.approx(o / total, abs=2e-6)
    assert a["probabilities"]["no-change"] == pytest.approx(1 / total, abs=2e-6)
    assert a["likelihood"] == pytest.approx(max(a["probabilities"].values()), abs=2e-6)
    assert a["words"] == _words(a["likelihood"])


def test_the_contradicted_claims_figures_recompute(ws: Workspace) -> None:
    (d,) = [r for t, r in statuses(ws) if "no Russian aircraft left Khmeimim" in t]
    row = ws.con.execute("SELECT count(*) FROM flights WHERE origin_site = 'khmeimim' AND actor IS NOT NULL "
                         "AND CAST(start AS DATE) BETWEEN ? AND ?", [d["window_start"], d["window_end"]]).fetchone()
    assert row is not None and row[0] == d["observed"]
    ids = {e["id"] for e in json.loads(d["evidence"]) if e["kind"] == "flight"}
    assert len(ids) == d["observed"]


def test_stix_bundle(ws: Workspace) -> None:
    import stix2

    from basewatch.fusion.api import stix_bundle

    docs = ws.assessments(site="khmeimim")
    text = stix_bundle(ws, docs)
    assert stix_bundle(ws, docs) == text          # same workspace, same bundle (ids and times derived)
    parsed = stix2.parse(text, allow_custom=True)
    kinds = [o["type"] for o in parsed["objects"]]
    assert kinds.count("report") == 1 and kinds.count("location") == 1
    assert kinds.count("note") == len(docs[0]["evidence"])
    report = next(o for o in parsed["objects"] if o["type"] == "report")
    assert report["x_basewatch_likelihood"] == pytest.approx(docs[0]["likelihood"])
    assert report["spec_version"] == "2.1"
    location = next(o for o in parsed["objects"] if o["type"] == "location")
    assert math.isclose(location["latitude"], 35.4, abs_tol=0.1)


def test_cli(demo: DemoResult, capsys: pytest.CaptureFixture[str]) -> None:
    from basewatch.cli.app import main

    main(["-w", str(demo.workspace), "assess", "--site", "khmeimim", "--as-of", "2024-12-18", "--format", "json"])
    (doc,) = json.loads(capsys.readouterr().out)
    assert doc["as_of"] == "2024-12-18" and doc["hypothesis"] == "drawdown"
    used = [e for e in doc["evidence"] if e["used"] and e["kind"] == "movements"]
    assert used and Path(used[0]["rows"][0]["first"]["file"]).exists()
    main(["-w", str(demo.workspace), "claims", "--status", "contradicted", "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in rows] == ["contradicted"]
    with pytest.raises(SystemExit) as exc:
        main(["-w", str(demo.workspace), "claims", "--status", "maybe"])
    assert exc.value.code == 2
    assert "--status must be one of" in capsys.readouterr().err


def test_brief_opens_with_key_judgements(demo: DemoResult) -> None:
    html = demo.brief.read_text(encoding="utf-8")
    assert html.index("<h1>") < html.index("Key judgements") < html.index("Records ingested")
    assert "drawdown under way" in html and "Claims against the sensors" in html


def test_the_real_founding_report(demo: DemoResult, tmp_path: Path) -> None:
    """The real seed report, dated within the simulated surge: its cargo-flight claim is corroborated and
    the Kremlin's wish to stay in touch is not checkable."""
    import shutil

    from basewatch.fusion.api import ensure_fused
    from basewatch.reports.ingest import add_files

    seed = shared_file("reports/seed.txt")
    copy = tmp_path / "ws.duckdb"
    shutil.copy(demo.workspace, copy)
    with Workspace(copy) as w:
        add_files(w, [seed], date=dt.date(2024, 12, 18))
        ensure_fused(w)
        by_text = statuses(w)
    (cargo,) = [r for t, r in by_text if t.startswith("Flight records and satellite imagery reveal")
                and r["event"] == "transport"]
    assert cargo["status"] == "corroborated"
    peskov = [r for t, r in by_text if "stay in touch" in t]
    assert peskov and all(r["status"] == "not-checkable" for r in peskov)
