"""Helpers for the browser tests: the dashboard served on 127.0.0.1 in a thread, and Debian's chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from basewatch.web.server import ServeConfig, make_server
from basewatch.web.source import WorkspaceSource

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(source: WorkspaceSource, workspace: Path) -> Iterator[str]:
    """The dashboard on a real socket on 127.0.0.1 for the block; yields its base address."""
    server, url = make_server(ServeConfig(workspace, "127.0.0.1", free_port()), source)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dashboard server did not start")
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class PageLog:
    """What a page asked for and complained about."""

    origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert self.requests, "the page made no request at all"
        assert not self.foreign, f"requests to other addresses: {self.foreign}"
        assert not self.errors, f"page errors or CSP violations: {self.errors}"


def open_page(pg: Any, url: str) -> None:
    pg.goto(url)
    pg.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)


def rerendered(pg: Any, before: str) -> None:
    """Wait until the page has rendered a new state and the map is idle again (its ready mark changes).

    Polled from here: wait_for_function's string predicates need eval, which the page's CSP forbids.
    """
    for _ in range(1200):
        if pg.evaluate("document.body.dataset.ready") != before:
            return
        pg.wait_for_timeout(50)
    raise AssertionError("the page did not render the new state")


def after_click(pg: Any, selector: str) -> None:
    before = pg.evaluate("document.body.dataset.ready")
    pg.click(selector)
    rerendered(pg, before)


def rendered(pg: Any, layer: str) -> list[dict[str, Any]]:
    props: list[dict[str, Any]] = pg.evaluate(
        "(layer) => window.basewatch.map().queryRenderedFeatures({layers: [layer]}).map(f => f.properties)", layer)
    return props
