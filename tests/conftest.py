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


# The demo runs shared by several test packages, each generated once a session (a 20-day demo takes about
# two minutes). Read them read-only, or take a copy of the workspace file with `copy_demo` before changing it.
DEMO_MONTH = (2024, 12, 1, 20)   # 1-20 December: long enough for the alerts' baselines
DEMO_SHORT = (2024, 12, 17, 2)   # 17-18 December


def _run_demo(factory: pytest.TempPathFactory, name: str, spec: tuple[int, int, int, int]) -> Any:
    import datetime as dt

    from basewatch.demo.run import run_demo
    from basewatch.demo.scenario import ScenarioConfig

    y, m, d, days = spec
    return run_demo(factory.mktemp(name), ScenarioConfig(start=dt.date(y, m, d), days=days))


@pytest.fixture(scope="session")
def demo_month(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`basewatch demo` over 1-20 December (flights, ships, alerts and fusion), as a DemoResult."""
    return _run_demo(tmp_path_factory, "demo-month", DEMO_MONTH)


@pytest.fixture(scope="session")
def demo_short(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`basewatch demo` over 17-18 December, as a DemoResult."""
    return _run_demo(tmp_path_factory, "demo-short", DEMO_SHORT)


def copy_demo(result: Any, folder: Path) -> Any:
    """The DemoResult with its workspace file copied into `folder` (the recorded files stay where they are,
    so the copy's sources still point at them)."""
    import dataclasses

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / result.workspace.name
    shutil.copyfile(result.workspace, target)
    wal = result.workspace.with_name(result.workspace.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return dataclasses.replace(result, workspace=target)
