"""One series code, two engines: DuckDB and PySpark (local[2]) give identical alerts on the demo's data."""

from __future__ import annotations

import shutil
from pathlib import Path
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


PRODUCT_TABLES = ("flights", "visits", "flight_corridors", "port_calls", "voyages", "dark_periods", "alerts")


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with Workspace(path, read_only=True) as ws:
        out = {}
        for table in PRODUCT_TABLES:
            rows = ws.con.execute(f"SELECT * FROM {table}").fetchall()
            out[table] = sorted((tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows),
                                key=repr)
        return out


def test_analyse_engine_spark_gives_the_tables_of_analyse(alerts_demo: DemoResult, spark: Any,
                                                          tmp_path: Path) -> None:
    """`basewatch analyse --engine spark` (the Spark session of this process: the test's) rebuilds the
    flights, port calls, voyages, dark periods and alerts on Spark, says so, and stores the same rows as
    `basewatch analyse`."""
    from typer.testing import CliRunner

    from basewatch.cli.app import _register_all, app

    _register_all()
    ws = tmp_path / "ws.duckdb"
    shutil.copyfile(alerts_demo.workspace, ws)
    tables, outputs = [], []
    for extra in ([], ["--engine", "spark"]):
        done = CliRunner().invoke(app, ["-w", str(ws), "analyse", "--force", *extra])
        assert done.exit_code == 0, done.output
        outputs.append({line.split(":")[0]: line for line in done.stdout.splitlines()})
        tables.append(_tables(ws))
    for product in ("flights", "maritime", "alerts"):
        assert " on duckdb" in outputs[0][product] and " on spark" in outputs[1][product], product
    assert all(tables[0][t] for t in PRODUCT_TABLES)
    for t in PRODUCT_TABLES:
        assert tables[1][t] == tables[0][t], t
