"""One series code, two engines: DuckDB and PySpark (local[2]) give identical alerts on the demo's data."""

from __future__ import annotations

from typing import Any

import pytest

from basewatch.alerts.build import compute_alerts
from basewatch.demo.run import DemoResult
from basewatch.workspace.core import Workspace

pytestmark = pytest.mark.spark


def _canonical(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    def value(v: Any) -> Any:
        return round(v, 9) if isinstance(v, float) else v

    return sorted((tuple(value(r[c]) for c in sorted(r)) for r in rows), key=repr)


def test_duckdb_and_spark_give_the_same_alerts(alerts_demo: DemoResult, spark: Any) -> None:
    with Workspace(alerts_demo.workspace, read_only=True) as ws:
        duck = compute_alerts(ws, engine="duckdb").to_pylist()
        sparked = compute_alerts(ws, engine="spark", session=spark).to_pylist()
    kinds = {r["kind"] for r in duck}
    assert {"shift", "new-corridor", "dark"} <= kinds
    assert sum(r["evidence"] != "[]" for r in duck) == len(duck)
    assert _canonical(duck) == _canonical(sparked)
