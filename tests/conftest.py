"""Shared fixtures: real data from ../shared (skipped cleanly when absent), temporary workspaces."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
