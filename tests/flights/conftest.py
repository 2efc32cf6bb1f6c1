"""A single local SparkSession for the whole test session (skipped cleanly without Java or pyspark)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: runs PySpark in local mode (needs Java)")


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
