"""Fixtures: the demo run once for the alert tests (1-20 December, flights and ships), and local Spark."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from basewatch.demo.run import DemoResult, run_demo
from basewatch.demo.scenario import ScenarioConfig

DEMO_CONFIG = ScenarioConfig(start=dt.date(2024, 12, 1), days=20)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: runs PySpark in local mode (needs Java)")


@pytest.fixture(scope="session")
def alerts_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """The demo's own run (its alerts step included), as `basewatch demo` does it."""
    return run_demo(tmp_path_factory.mktemp("alerts-demo"), DEMO_CONFIG)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.skip("Java is not installed: Spark tests skipped")
    pytest.importorskip("pyspark")
    from basewatch.flights.engine import spark_session

    session = spark_session("local[2]")
    try:
        yield session
    finally:
        session.stop()
