"""Shared fixtures: real data from ../shared (skipped cleanly when absent), temporary workspaces, and one
local SparkSession for the whole test session (skipped cleanly without Java or pyspark)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from basewatch.workspace.core import Workspace

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file under ../shared/data, or skip the test when it is not there."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"real data not available: {path}")
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace(tmp_path / "ws.duckdb")
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture(autouse=True)
def _products_registry_restored() -> Iterator[None]:
    """The product registry is process-wide: a stand-in product a test registers (and the tables it would
    own) must not survive into later tests, where every `analyse` would build it (an order-dependent
    failure, found twice)."""
    from basewatch.products import scoped

    with scoped():
        yield


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: runs PySpark in local mode (needs Java)")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.skip("Java is not installed: Spark tests skipped")
    pytest.importorskip("pyspark")
    from basewatch.engine import spark_session

    session = spark_session("local[2]")
    try:
        yield session
    finally:
        session.stop()
