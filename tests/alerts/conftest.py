"""Fixtures: the demo run once for the alert tests (1-20 December, flights and ships); Spark is in tests/conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.demo.run import DemoResult, run_demo
from basewatch.demo.scenario import ScenarioConfig

DEMO_CONFIG = ScenarioConfig(start=dt.date(2024, 12, 1), days=20)


@pytest.fixture(scope="session")
def alerts_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """The demo's own run (its alerts step included), as `basewatch demo` does it."""
    return run_demo(tmp_path_factory.mktemp("alerts-demo"), DEMO_CONFIG)

