"""The dashboard in a real browser (Debian's chromium driven by Playwright) on the demo workspace.

Each page may ask only its own server on 127.0.0.1 for anything: every other request is aborted and fails
the test, as does any script error or Content-Security-Policy violation. The map is checked through its own
rendered features (queryRenderedFeatures) after its 'idle' event; expected values come from SQL on the
workspace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basewatch.web.source import WorkspaceSource
from tests.web.conftest import source_rows as _sql

from .browser import CHROMIUM, PageLog, after_click, open_page, rendered, rerendered, serving
from .conftest import HOSTILE_TITLE

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def base_url(source: WorkspaceSource, demo_ws: Path) -> Iterator[str]:
    with serving(source, demo_ws) as url:
        yield url



def test_the_map_draws_sites_and_corridors(page: tuple[Any, PageLog], base_url: str, tmp_path: Path) -> None:
    pg, log = page
    open_page(pg, base_url)
    sites = {p["site_id"] for p in rendered(pg, "sites")}
    assert {"khmeimim", "al-khadim", "benina", "tartus"} <= sites
    pairs = {(p["origin"], p["destination"], p["mode"]) for p in rendered(pg, "corridors")}
    assert ("khmeimim", "al-khadim", "air") in pairs
    assert any(mode == "sea" for _, _, mode in pairs)
    assert rendered(pg, "port_calls") and rendered(pg, "dark-ends")
    # every site label is text: the marker holds the site's name and no element
    names = pg.eval_on_selector_all(".site-label", "els => els.map(e => [e.textContent, e.children.length])")
    assert ["Khmeimim Air Base", 0] in names
    shot = tmp_path / "dashboard.png"
    pg.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    log.check()


def test_a_corridor_click_reaches_a_flight_and_its_source_rows(
        page: tuple[Any, PageLog], base_url: str, source: WorkspaceSource) -> None:
    pg, log = page
    open_page(pg, base_url + "?mode=air")
    # a point of the Khmeimim -> al-Khadim great circle where no other corridor is drawn, in screen pixels
    point = pg.evaluate("""async () => {
        const m = window.basewatch.map();
        const all = await fetch('/api/corridors?format=geojson&mode=air').then(r => r.json());
        const f = all.features.find(f => f.properties.origin === 'khmeimim'
                                         && f.properties.destination === 'al-khadim');
        const cs = f.geometry.coordinates;
        m.jumpTo({center: cs[Math.floor(cs.length / 2)], zoom: 6});
        await new Promise(done => m.once('idle', done));
        const ends = new Set(['khmeimim', 'al-khadim']);
        const r = m.getCanvas().getBoundingClientRect();
        for (const c of cs.slice(1, -1)) {
            const p = m.project(c);
            if (p.x < 5 || p.y < 5 || p.x > r.width - 5 || p.y > r.height - 5) continue;
            const hit = m.queryRenderedFeatures(p, {layers: m.getStyle().layers.map(l => l.id)
                                                    .filter(id => ['corridors', 'sites', 'voyages', 'port_calls',
                                                                   'dark-gap', 'dark-ends'].includes(id))});
            if (hit.length && hit.every(h => h.layer.id === 'corridors' && ends.has(h.properties.origin)
                                              && ends.has(h.properties.destination))) {
                return [r.left + p.x, r.top + p.y];
            }
        }
        return null;
    }""")
    assert point is not None, "no clear point on the corridor"
    before = pg.evaluate("document.body.dataset.ready")
    pg.mouse.click(point[0], point[1])
    rerendered(pg, before)
    heading = pg.text_content("#panel h2") or ""
    # the reverse corridor runs along the same great circle: either may be on top
    assert re.match(r"^(khmeimim → al-khadim|al-khadim → khmeimim) air$", heading), heading
    origin, destination = heading.split(" air")[0].split(" → ")
    n = _sql(source, "SELECT count(*) FROM flights WHERE coalesce(origin_site, origin_airport) = ? "
                     "AND coalesce(destination_site, destination_airport) = ?", [origin, destination])[0][0]
    assert len(pg.query_selector_all("#panel table.rows tbody tr")) == n > 0
    assert "view=corridor" in pg.url and f"origin={origin}" in pg.url
    after_click(pg, "#panel table.rows tbody tr:first-child a[href*='view=flight']")
    flight_id = re.search(r"[?&]id=([^&]+)", pg.url).group(1)  # type: ignore[union-attr]
    files = pg.eval_on_selector_all(
        "#panel h3:text('Source files') + p + table tbody tr",
        "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    want = _sql(source, "SELECT s.path, min(p.row_no), max(p.row_no), count(*) FROM flights f "
                        "JOIN aircraft_points p ON p.icao24 = f.icao24 AND p.time BETWEEN f.start AND f.\"end\" "
                        "JOIN sources s USING (source_id) WHERE f.flight_id = ? GROUP BY s.path", [flight_id])
    assert sorted((r[1], int(r[3]), int(r[4]), int(r[5])) for r in files) == sorted(
        (w[0], int(w[1]), int(w[2]), int(w[3])) for w in want)
    assert rendered(pg, "track")  # the flight's track is on the map
    log.check()


def test_a_hostile_report_shows_as_text(page: tuple[Any, PageLog], base_url: str, source: WorkspaceSource) -> None:
    pg, log = page
    report_id = _sql(source, "SELECT report_id FROM reports WHERE starts_with(title, ?)", [HOSTILE_TITLE])[0][0]
    open_page(pg, f"{base_url}?view=report&id={report_id}&claim=1")
    assert (pg.text_content("#panel h2") or "").startswith(HOSTILE_TITLE)
    assert pg.evaluate("document.scripts.length") == 1  # main.js only: the title made no script element
    assert pg.query_selector("#panel img") is None
    claim = _sql(source, "SELECT text FROM claims WHERE report_id = ? AND claim_no = 1", [report_id])[0][0]
    assert pg.text_content("mark.claim.current") == claim
    assert '<img src=x onerror="alert(2)">' in (pg.text_content(".report-text") or "")
    log.check()  # includes: no alert dialog was opened


def test_site_timeline_bars_are_the_daily_arrivals(
        page: tuple[Any, PageLog], base_url: str, source: WorkspaceSource) -> None:
    pg, log = page
    open_page(pg, f"{base_url}?view=site&id=al-khadim")
    tips = pg.eval_on_selector_all("svg.timeline rect.bar.air.arrivals title", "ts => ts.map(t => t.textContent)")
    got = {t.split(" ")[0]: int(t.split(": ")[1].split(" ")[0]) for t in tips}
    want = dict(_sql(source, "SELECT strftime(arrival, '%Y-%m-%d'), count(*) FROM visits WHERE site_id = 'al-khadim' "
                             "AND arrival IS NOT NULL GROUP BY 1"))
    assert {d: n for d, n in got.items() if n} == want
    log.check()


def test_lists_are_paged_and_searchable_in_the_address(page: tuple[Any, PageLog], base_url: str,
                                                        source: WorkspaceSource) -> None:
    pg, log = page
    total = _sql(source, "SELECT count(*) FROM flights")[0][0]
    open_page(pg, f"{base_url}?view=flights")
    assert pg.text_content("#panel .pager .count") == f"1–50 of {total}"
    after_click(pg, "#panel .pager a:text('next ›')")
    assert "offset=50" in pg.url and pg.text_content("#panel .pager .count") == f"51–{min(100, total)} of {total}"
    pg.fill("#panel input[name=q]", "RA-82")
    before = pg.evaluate("document.body.dataset.ready")
    pg.press("#panel input[name=q]", "Enter")
    rerendered(pg, before)
    n = _sql(source, "SELECT count(*) FROM flights WHERE registration ILIKE '%RA-82%'")[0][0]
    assert "q=RA-82" in pg.url and "offset" not in pg.url
    assert len(pg.query_selector_all("#panel table.rows tbody tr")) == n > 0
    log.check()


def test_a_request_to_another_address_fails_the_page_check(page: tuple[Any, PageLog], base_url: str) -> None:
    """The guard the other browser tests rely on: any request off 127.0.0.1's dashboard fails log.check()."""
    pg, log = page
    open_page(pg, base_url + "?view=sources")
    log.check()  # the dashboard itself asked only its own server
    for url in ("http://192.0.2.1/tile.png", base_url.replace("127.0.0.1", "localhost") + "/api"):
        pg.evaluate("(url) => fetch(url).then(() => 'sent', () => 'refused')", url)
        with pytest.raises(AssertionError, match=r"192\.0\.2\.1|localhost"):
            log.check()  # blocked by the page's CSP (a console error) or aborted by the route: either fails
        log.errors.clear()
        log.foreign.clear()
