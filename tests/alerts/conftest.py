"""Fixtures: the alert tests read the session's 20-day demo (tests/conftest.py `demo_month`: 1-20 December,
flights and ships, its alerts step included, as `basewatch demo` does it); Spark is in tests/conftest.py."""

from __future__ import annotations

import pytest

from basewatch.demo.run import DemoResult


@pytest.fixture(scope="session")
def alerts_demo(demo_month: DemoResult) -> DemoResult:
    """Read-only: tests that change a workspace copy the file first."""
    return demo_month
