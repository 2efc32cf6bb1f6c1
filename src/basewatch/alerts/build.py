"""Compute every alert of a workspace and store them (the `alerts` product's build)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from basewatch.alerts.params import AlertParams
from basewatch.products.base import BuildSummary

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace


def compute_alerts(ws: Workspace, params: AlertParams | None = None, *, engine: str = "duckdb",
                   session: Any = None) -> pa.Table:
    """All alerts (count alerts on the chosen engine, dark alerts from the workspace), not stored."""
    import pyarrow as pa

    from basewatch.alerts.dark import dark_alerts
    from basewatch.alerts.engine import duckdb_alert_engine, spark_alert_engine
    from basewatch.alerts.pipeline import count_alerts
    from basewatch.alerts.store import data_extents

    params = params or AlertParams()
    extents = data_extents(ws, params)
    eng = (spark_alert_engine(ws, session=session) if engine == "spark" else duckdb_alert_engine(ws))
    try:
        counted = count_alerts(eng, extents, params)
    finally:
        eng.close()
    return pa.concat_tables([counted, dark_alerts(ws, params)])


def build_alerts(ws: Workspace, params: AlertParams | None = None, *, engine: str = "duckdb",
                 session: Any = None, incremental: bool = True, master: str | None = None) -> BuildSummary:
    """Compute and store every alert. `incremental`: from the stored state (`basewatch.alerts.incremental`)
    when it still holds, so only the days after it are computed; else (and always on Spark) the whole history.

    The alerts are written before the state: if the process dies between the two, the next update
    redoes the same days from the older state (their alerts are replaced, not added twice)."""
    import pyarrow as pa

    from basewatch.alerts.dark import dark_alerts
    from basewatch.alerts.engine import duckdb_alert_engine, spark_alert_engine
    from basewatch.alerts.incremental import backfill, kept_condition, update, write_state
    from basewatch.alerts.store import write_alerts

    t0 = time.perf_counter()
    params = params or AlertParams()
    eng = (spark_alert_engine(ws, session=session, master=master) if engine == "spark"
           else duckdb_alert_engine(ws))
    try:
        run = update(ws, eng, params) if incremental and engine == "duckdb" else None
        mode = "update" if run is not None else "backfill"
        if run is None:
            run = backfill(ws, eng, params)
    finally:
        eng.close()
    table = pa.concat_tables([run.rows, dark_alerts(ws, params)])
    keep = kept_condition(run.kept_through) if run.kept_through is not None else None
    total = write_alerts(ws, table, keep)
    write_state(ws, run.frame, run.carry, run.extents, params, run.history)
    kinds = ws.con.execute("SELECT kind, count(*) FROM alerts WHERE status IS DISTINCT FROM 'retracted' "
                           "GROUP BY kind ORDER BY kind").fetchall()
    notes = (f"computed: {mode}", *(f"{k}: {n}" for k, n in kinds))
    return BuildSummary("alerts", {"alerts": total}, time.perf_counter() - t0, notes=notes,
                        details={"engine": engine})
