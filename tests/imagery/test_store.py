"""The imagery tables: the contract columns of migration 0015, one row per observation, clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from basewatch.errors import BasewatchError
from basewatch.workspace.core import Workspace

CONTRACT = {
    "imagery_observations": {
        "observation_id": "VARCHAR", "site_id": "VARCHAR", "acquired_at": "TIMESTAMP WITH TIME ZONE",
        "provider": "VARCHAR", "resolution_m": "DOUBLE", "licence": "VARCHAR", "image_path": "VARCHAR",
        "image_sha256": "VARCHAR", "analyst": "VARCHAR", "confidence": "DOUBLE", "counts": "JSON", "item": "JSON",
        "added_at": "TIMESTAMP WITH TIME ZONE"},
    "imagery_changes": {
        "change_id": "VARCHAR", "site_id": "VARCHAR", "before_id": "VARCHAR", "after_id": "VARCHAR",
        "before_at": "TIMESTAMP WITH TIME ZONE", "after_at": "TIMESTAMP WITH TIME ZONE", "counts_before": "JSON",
        "counts_after": "JSON", "changed_fraction": "DOUBLE", "result": "JSON", "added_at": "TIMESTAMP WITH TIME ZONE"},
}


def test_contract_columns(workspace: Workspace) -> None:
    for table, columns in CONTRACT.items():
        got = dict(workspace.con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table]).fetchall())
        assert {c: got.get(c) for c in columns} == columns


def test_same_picture_site_and_time_is_one_observation(tmp_path: Path, workspace: Workspace) -> None:
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "p.png")
    t = dt.datetime(2024, 12, 3, 8, 15, tzinfo=dt.UTC)
    first = workspace.add_observation(tmp_path / "p.png", site="khmeimim", acquired_at=t, counts={"aircraft": 3})
    again = workspace.add_observation(tmp_path / "p.png", site="khmeimim", acquired_at=t, counts={"aircraft": 4})
    assert first.observation_id == again.observation_id
    rows = workspace.imagery().to_pylist()
    assert len(rows) == 1 and rows[0]["counts"] == '{"aircraft": 4}' and rows[0]["acquired_at"] == t


def test_naive_time_and_bad_confidence_are_refused(tmp_path: Path, workspace: Workspace) -> None:
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "p.png")
    with pytest.raises(BasewatchError, match="no time zone"):
        workspace.add_observation(tmp_path / "p.png", site="khmeimim", acquired_at=dt.datetime(2024, 12, 3))  # noqa: DTZ001
    with pytest.raises(BasewatchError, match="between 0 and 1"):
        workspace.add_observation(tmp_path / "p.png", site="khmeimim", acquired_at=dt.date(2024, 12, 3), confidence=2)
    assert workspace.imagery().num_rows == 0
