"""The analysis pages in Debian's chromium on twenty demo days: a site's expected bands with alert markers,
an alert's evidence page, claims with their fusion status, and hostile report text shown as text.

Expected values come from SQL on the workspace's tables, not from the page's own code; every page may ask
only its own server on 127.0.0.1 (the `page` fixture aborts and records anything else).
"""

from __future__ import annotations

from typing import Any

import pytest

from basewatch.web.source import WorkspaceSource
from tests.web.conftest import source_rows as _sql

from .browser import CHROMIUM, PageLog, after_click, open_page
from .conftest import HOSTILE_TITLE, MonthDemo

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")
ACTOR = "ru-mod-transport"




def test_site_page_draws_the_expected_band_and_alert_markers(
        page: tuple[Any, PageLog], base_url: str, month_source: WorkspaceSource) -> None:
    pg, log = page
    open_page(pg, f"{base_url}?view=site&id=khmeimim&actor={ACTOR}&mode=air")
    charts = pg.eval_on_selector_all("svg.band-chart", "cs => cs.map(c => c.getAttribute('aria-label'))")
    assert charts == [f"air arrivals khmeimim | {ACTOR}", f"air departures khmeimim | {ACTOR}"]
    chart = "svg.band-chart[aria-label='air arrivals khmeimim | ru-mod-transport']"
    assert pg.eval_on_selector_all(f"{chart} polygon.band", "ps => ps.length") >= 1
    tips = pg.eval_on_selector_all(f"{chart} rect.bar.observed title", "ts => ts.map(t => t.textContent)")
    got = {t.split(":")[0]: int(t.split(": ")[1].split(" ")[0]) for t in tips}
    want = dict(_sql(month_source, "SELECT strftime(\"end\", '%Y-%m-%d'), count(*) FROM flights WHERE "
                                   "destination_site = 'khmeimim' AND actor = ? GROUP BY 1", [ACTOR]))
    assert {d: n for d, n in got.items() if n} == want
    alerted = _sql(month_source, "SELECT strftime(day, '%Y-%m-%d') FROM alerts WHERE series = ? AND kind IN "
                                 "('surge', 'drawdown', 'shift') AND (q_value IS NULL OR q_value <= 0.01)",
                   [f"air arrivals khmeimim | {ACTOR}"])
    marks = pg.eval_on_selector_all(f"{chart} a.alert-marker title", "ts => ts.map(t => t.textContent)")
    assert sorted(m.split(" ")[-1] for m in marks) == sorted(a[0] for a in alerted) and marks
    assert pg.text_content(".assessment .judgement")  # the site's ICD 203 judgement is shown
    # a marker leads to its alert's page, whose band marks the same day
    after_click(pg, f"{chart} a.alert-marker")
    assert "view=alert" in pg.url
    heading = pg.text_content("#panel h2") or ""
    assert heading.endswith(f"alert: air arrivals khmeimim | {ACTOR}")
    log.check()


def test_alert_page_links_the_flights_it_came_from(
        page: tuple[Any, PageLog], base_url: str, month_source: WorkspaceSource) -> None:
    pg, log = page
    ((alert_id, day),) = _sql(month_source, "SELECT alert_id, day FROM alerts WHERE kind = 'new-corridor' AND "
                                            "origin = 'khmeimim' AND destination = 'al-khadim' AND actor = ?", [ACTOR])
    open_page(pg, f"{base_url}?view=alert&id={alert_id}")
    want = sorted(r[0] for r in _sql(month_source, "SELECT flight_id FROM flights WHERE origin_site = 'khmeimim' AND "
                                                   "destination_site = 'al-khadim' AND actor = ? AND "
                                                   "CAST(start AS DATE) = ?", [ACTOR, day]))
    links = pg.eval_on_selector_all("#panel h3:text('Flights') + table a[href*='view=flight&id=']",
                                    "as => as.map(a => a.textContent)")
    assert sorted(links) == want
    after_click(pg, "#panel h3:text('Flights') + table a[href*='view=flight&id=']")
    assert (pg.text_content("#panel h2") or "").startswith("Flight ")
    assert pg.query_selector("#panel h3:text('Source files')") is not None
    log.check()


def test_claims_show_fusion_status_and_hostile_text_as_text(
        page: tuple[Any, PageLog], base_url: str, month_source: WorkspaceSource) -> None:
    pg, log = page
    open_page(pg, f"{base_url}?view=claims&q=Khmeimim")
    rows = pg.eval_on_selector_all("#panel table.rows tbody tr",
                                   "rs => rs.map(r => [...r.cells].map(c => c.textContent))")
    header = pg.eval_on_selector_all("#panel table.rows thead th", "hs => hs.map(h => h.textContent)")
    status, text = header.index("fusion_status"), header.index("text")
    denial = [r for r in rows if "no russian aircraft left khmeimim" in r[text].lower()]
    assert denial and all(r[status] == "contradicted" for r in denial)
    hostile = [r for r in rows if r[header.index("title")].startswith(HOSTILE_TITLE)]
    assert hostile  # the title is there as text ...
    assert pg.evaluate("document.scripts.length") == 1  # ... and made no script element
    assert pg.query_selector("#panel img") is None
    log.check()  # no alert dialog was opened


def test_comparison_page_shows_before_and_after(page: tuple[Any, PageLog], base_url: str,
                                                month_demo: MonthDemo) -> None:
    if month_demo.change_id is None:
        pytest.skip("real data not available: the Airbus pair in ../shared")
    pg, log = page
    open_page(pg, f"{base_url}?view=change&id={month_demo.change_id}")
    for _ in range(200):  # the pictures load after the page's ready mark
        sizes = pg.eval_on_selector_all(".pair img.picture", "is => is.map(i => [i.complete, i.naturalWidth])")
        if len(sizes) == 2 and all(done for done, _ in sizes):
            break
        pg.wait_for_timeout(50)
    assert len(sizes) == 2 and all(done and width > 0 for done, width in sizes)
    assert pg.query_selector(f"#panel a[href*='id={month_demo.before_id}']") is not None
    log.check()


def test_assessment_evidence_links_each_claim_to_its_place_in_the_report(
        page: tuple[Any, PageLog], base_url: str, month_source: WorkspaceSource) -> None:
    """Every id is a link: a claim the judgement rests on opens its report with that claim marked."""
    import json

    pg, log = page
    ((evidence,),) = _sql(month_source, "SELECT evidence FROM assessments WHERE place = 'khmeimim' AND actor = ? "
                                        "ORDER BY as_of DESC LIMIT 1", [ACTOR])
    want = sorted(f"claim {r['id']}" for item in json.loads(evidence) for r in item["refs"][:6]
                  if r["kind"] == "claim")
    assert want  # the demo's Khmeimim judgement rests on claims (the denial it contradicts among them)
    open_page(pg, f"{base_url}?view=site&id=khmeimim&actor={ACTOR}&mode=air")
    links = pg.eval_on_selector_all(".assessment a[href*='view=report']", "as => as.map(a => a.textContent)")
    assert sorted(links) == want
    report_id, claim_no = want[0].removeprefix("claim C").split("-")
    ((text,),) = _sql(month_source, "SELECT text FROM claims WHERE report_id = ? AND claim_no = ?",
                      [int(report_id), int(claim_no)])
    after_click(pg, f".assessment a:text-is('{want[0]}')")
    assert "view=report" in pg.url
    marked = pg.text_content("mark.claim.current") or ""
    assert marked and (marked in text or text in marked)
    log.check()
