"""A short demo workspace (two simulated days with ships) plus two reports, one with a hostile title."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient

from basewatch.demo.run import DemoResult
from basewatch.reports.ingest import add_files
from basewatch.web.app import create_app
from basewatch.web.source import WorkspaceSource
from basewatch.workspace.core import Workspace
from tests.conftest import copy_demo

if TYPE_CHECKING:
    from .browser import PageLog

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_BODY = 'Officials said <img src=x onerror="alert(2)"> Russian forces withdrew from Khmeimim air base.'
REPORT = (
    "Russia pulls aircraft out of Syria (Example Wire) | 2024-12-18\n\n"
    "Russian transport aircraft flew from Khmeimim air base to Libya on Wednesday, a Syrian official said. "
    "The Kremlin denied that Russia was withdrawing from Tartus.\n"
)


@pytest.fixture(scope="session")
def demo_ws(demo_short: DemoResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's 17-18 December demo (tests/conftest.py) with the two reports added."""
    out = tmp_path_factory.mktemp("webdemo")
    result = copy_demo(demo_short, out)
    reports = out / "reports"
    reports.mkdir()
    (reports / "wire.txt").write_text(REPORT, encoding="utf-8")
    (reports / "hostile.txt").write_text(f"{HOSTILE_TITLE} (Nobody) | 2024-12-18\n\n{HOSTILE_BODY}\n",
                                         encoding="utf-8")
    with Workspace(result.workspace) as ws:
        add_files(ws, sorted(reports.iterdir()))
    return result.workspace


@pytest.fixture(scope="session")
def source(demo_ws: Path) -> Iterator[WorkspaceSource]:
    src = WorkspaceSource(demo_ws)
    yield src
    src.close()


@pytest.fixture(scope="session")
def client(source: WorkspaceSource) -> TestClient:
    return TestClient(create_app(source), base_url="http://127.0.0.1:8765")


AIRBUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "imagery" / "airbus_airport"


@dataclass(frozen=True)
class MonthDemo:
    workspace: Path
    truth: Path
    change_id: str | None      # the Airbus before/after comparison (None without ../shared)
    before_id: str | None
    after_id: str | None


@pytest.fixture(scope="session")
def month_demo(demo_month: DemoResult, tmp_path_factory: pytest.TempPathFactory) -> MonthDemo:
    """Twenty demo days (a copy of the session's `demo_month`, tests/conftest.py: alerts and fusion built by
    the demo), the hostile report fused in, and the real Airbus pair recorded and compared at Khmeimim when
    ../shared is there."""
    out = tmp_path_factory.mktemp("webmonth")
    result = copy_demo(demo_month, out)
    reports = out / "hostile"
    reports.mkdir()
    (reports / "hostile.txt").write_text(f"{HOSTILE_TITLE} (Nobody) | 2024-12-18\n\n{HOSTILE_BODY}\n",
                                         encoding="utf-8")
    ids: tuple[str | None, str | None, str | None] = (None, None, None)
    with Workspace(result.workspace) as ws:
        add_files(ws, sorted(reports.iterdir()))
        ws.fuse()
        if (AIRBUS / "annotations.csv").is_file():
            a = ws.add_observation(AIRBUS / "date_a.jpg", site="khmeimim",
                                   acquired_at=dt.datetime(2024, 12, 1, 9, tzinfo=dt.UTC),
                                   labels=AIRBUS / "annotations.csv", provider="Airbus", resolution_m=0.5)
            b = ws.add_observation(AIRBUS / "date_b.jpg", site="khmeimim",
                                   acquired_at=dt.datetime(2024, 12, 20, 9, tzinfo=dt.UTC), counts={"Airplane": 23})
            ws.compare_imagery(a.observation_id, b.observation_id)
            change = ws.imagery_changes()["change_id"].to_pylist()[0]
            ids = (change, a.observation_id, b.observation_id)
    return MonthDemo(result.workspace, result.truth, *ids)


@pytest.fixture(scope="session")
def month_source(month_demo: MonthDemo) -> Iterator[WorkspaceSource]:
    src = WorkspaceSource(month_demo.workspace)
    yield src
    src.close()


@pytest.fixture(scope="session")
def month_client(month_source: WorkspaceSource) -> TestClient:
    return TestClient(create_app(month_source), base_url="http://127.0.0.1:8765")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless (base_url: the month demo served, unless a module serves another)."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any, base_url: str) -> Iterator[tuple[Any, PageLog]]:
    """A fresh page that may ask only base_url's server for anything; what it asked and any error are logged."""
    from .browser import PageLog

    log = PageLog(base_url.rstrip("/"))
    context = browser.new_context(viewport={"width": 1400, "height": 850})

    def route(r: Any) -> None:
        url = r.request.url
        log.requests.append(url)
        if url.startswith(log.origin + "/") or url.startswith("data:"):
            r.continue_()
        else:
            log.foreign.append(url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("pageerror", lambda e: log.errors.append(str(e)))
    pg.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    pg.on("dialog", lambda d: (log.errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg, log
    context.close()


def source_rows(source: WorkspaceSource, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of a query on the served workspace, to check the API and the pages against."""
    return source.workspace().con.execute(sql, params or []).fetchall()


def get_json(client: TestClient, url: str) -> Any:
    """The JSON of a GET that must answer 200."""
    r = client.get(url)
    assert r.status_code == 200, (url, r.text)
    return r.json()


@pytest.fixture(scope="module")
def base_url(month_source: WorkspaceSource, month_demo: MonthDemo) -> Iterator[str]:
    """`basewatch serve` over the month demo, per browser test module (test_browser.py serves the short one)."""
    from .browser import serving

    with serving(month_source, month_demo.workspace) as url:
        yield url
