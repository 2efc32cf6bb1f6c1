"""Evidence on the map, in Debian's chromium on twenty demo days: an alert's flights drawn as tracks, its dark
periods drawn dashed with their ends marked, and the pages of a dark period and a port call with their source
files and rows.

Each test loads a page, waits for the map's idle (the page's ready mark) and reads the map's own rendered
features; expected values come from SQL on the workspace's tables. Every page may ask only its own server on
127.0.0.1 (the `page` fixture aborts and records anything else; `log.check()` fails on it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from basewatch.web.source import WorkspaceSource
from tests.web.conftest import source_rows as _sql

from .browser import CHROMIUM, PageLog, after_click, open_page, rendered

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")




def _cells(pg: Any, selector: str) -> list[list[str]]:
    rows: list[list[str]] = pg.eval_on_selector_all(selector, "rs => rs.map(r => [...r.cells].map(c => c.textContent))")
    return rows


def _files(source: WorkspaceSource, mmsi: str, since: Any, until: Any) -> list[tuple[str, int, int, int]]:
    found = _sql(source, "SELECT s.path, min(p.row_no), max(p.row_no), count(*) FROM ais_positions p JOIN sources s "
                         "USING (source_id) WHERE p.mmsi = ? AND p.lat IS NOT NULL AND p.lon IS NOT NULL AND p.time "
                         "BETWEEN ? AND coalesce(?, TIMESTAMPTZ '9999-01-01') GROUP BY s.path", [mmsi, since, until])
    return sorted((p, int(a), int(b), int(n)) for p, a, b, n in found)


def _shown_files(pg: Any) -> list[tuple[str, int, int, int]]:
    header = pg.eval_on_selector_all("#panel h3:text('Source files') + p + table thead th",
                                     "hs => hs.map(h => h.textContent)")
    col = {name: i for i, name in enumerate(header)}
    return sorted((r[col["path"]], int(r[col["first_row"]]), int(r[col["last_row"]]), int(r[col["points"]]))
                  for r in _cells(pg, "#panel h3:text('Source files') + p + table tbody tr"))


def test_a_flight_alert_draws_its_flights_as_tracks(page: tuple[Any, PageLog], base_url: str,
                                                    month_source: WorkspaceSource) -> None:
    pg, log = page
    ((alert_id, evidence),) = _sql(month_source, "SELECT alert_id, evidence FROM alerts WHERE kind = 'surge' "
                                                 "ORDER BY len(evidence) DESC, alert_id LIMIT 1")
    want = {r["id"] for r in json.loads(evidence) if r["kind"] == "flight"}
    open_page(pg, f"{base_url}?view=alert&id={alert_id}")
    drawn = {p["flight_id"] for p in rendered(pg, "evidence-track")}
    assert drawn == want and len(want) > 1
    links = pg.eval_on_selector_all("#panel h3:text('Where it came from') + p a", "as => as.map(a => a.textContent)")
    assert sorted(links) == sorted(f"flight {f}" for f in want)  # every evidence id is a link
    log.check()


def test_a_dark_alert_draws_the_gap_dashed_and_its_ends(page: tuple[Any, PageLog], base_url: str,
                                                        month_source: WorkspaceSource) -> None:
    pg, log = page
    ((alert_id, evidence),) = _sql(month_source, "SELECT alert_id, evidence FROM alerts WHERE kind = 'dark' "
                                                 "ORDER BY alert_id LIMIT 1")
    refs = json.loads(evidence)
    ((dark_id,),) = [(int(r["id"]),) for r in refs if r["kind"] == "dark_period"]
    ((mmsi, start, end, s_src, s_row, e_src, e_row),) = _sql(
        month_source, "SELECT mmsi, start_time, end_time, start_source_id, start_row_no, end_source_id, end_row_no "
                      "FROM dark_periods WHERE dark_id = ?", [dark_id])
    open_page(pg, f"{base_url}?view=alert&id={alert_id}")
    assert {p["dark_id"] for p in rendered(pg, "evidence-gap")} == {dark_id}
    assert pg.evaluate("window.basewatch.map().getPaintProperty('evidence-gap', 'line-dasharray')")  # dashed
    ends = {(p["dark_id"], p["role"]) for p in rendered(pg, "evidence-ends") if "dark_id" in p}
    assert ends == {(dark_id, "start"), (dark_id, "end")}
    links = pg.eval_on_selector_all("#panel h3:text('Where it came from') + p a", "as => as.map(a => a.textContent)")
    assert sorted(links) == sorted(f"{r['kind']} {r['id']}" for r in refs)
    # the dark period's own page: its two ends as received, with file and row
    after_click(pg, f"#panel h3:text('Where it came from') + p a:text-is('dark_period {dark_id}')")
    assert (pg.text_content("#panel h2") or "").startswith("Dark period")
    paths = dict(_sql(month_source, "SELECT source_id, path FROM sources"))
    header = pg.eval_on_selector_all("#panel h3:text('Last position before') + table thead th",
                                     "hs => hs.map(h => h.textContent)")
    got = [(r[header.index("role")], r[header.index("path")], int(r[header.index("row_no")]))
           for r in _cells(pg, "#panel h3:text('Last position before') + table tbody tr")]
    assert got == [("start", paths[s_src], s_row), ("end", paths[e_src], e_row)]
    six_hours = dt.timedelta(hours=6)  # the page shows the vessel's positions 6 h either side of the silence
    assert _shown_files(pg) == _files(month_source, mmsi, start - six_hours, (end or start) + six_hours)
    assert {p["dark_id"] for p in rendered(pg, "evidence-gap")} == {dark_id}
    log.check()


def test_a_port_call_page_from_the_list(page: tuple[Any, PageLog], base_url: str,
                                        month_source: WorkspaceSource) -> None:
    pg, log = page
    open_page(pg, f"{base_url}?view=port_calls")
    first = pg.text_content("#panel table.rows tbody tr:first-child a[href*='view=port_call&']") or ""
    after_click(pg, "#panel table.rows tbody tr:first-child a[href*='view=port_call&']")
    call_id = int(re.search(r"[?&]id=(\d+)", pg.url).group(1))  # type: ignore[union-attr]
    assert str(call_id) == first
    ((mmsi, arrival, departure),) = _sql(month_source, "SELECT mmsi, arrival, departure FROM port_calls "
                                                       "WHERE call_id = ?", [call_id])
    assert (pg.text_content("#panel h2") or "").startswith("Port call")
    assert _shown_files(pg) == _files(month_source, mmsi, arrival, departure)
    assert {p["call_id"] for p in rendered(pg, "evidence-ends") if p["role"] == "call"} == {call_id}
    assert {p["call_id"] for p in rendered(pg, "evidence-track")} == {call_id}
    log.check()
