"""The `maritime` product: port calls, voyages and dark periods from the AIS positions and the watchlist."""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, Any

from basewatch.maritime import BuildReport, MaritimeRules, build, fingerprint
from basewatch.products.base import BuildSummary, ProductState
from basewatch.products.registry import register

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

# Bump when the build's result changes for the same inputs and rules (every workspace rebuilds).
MARITIME_FORMAT = 1


class MaritimeProduct:
    name = "maritime"
    inputs: tuple[str, ...] = ("ais_positions", "ais_static", "sites", "actors")
    tables: tuple[str, ...] = ("port_calls", "voyages", "dark_periods")

    def default_params(self) -> MaritimeRules:
        return MaritimeRules()

    def fingerprint(self, ws: Workspace, params: Any) -> str:
        return hashlib.sha256(f"{MARITIME_FORMAT}|{fingerprint(ws)}".encode()).hexdigest()

    def build(self, ws: Workspace, params: Any) -> BuildSummary:
        from basewatch.maritime.incremental import watermark

        assert isinstance(params, MaritimeRules)
        started = time.perf_counter()
        mark = watermark(ws).as_details()
        row = ws.con.execute("SELECT count(*) FROM ais_positions").fetchone()
        if not row or not row[0]:  # nothing to analyse: empty tables, and no PyArrow imported for it
            with ws.transaction() as con:
                for table in self.tables:
                    con.execute(f"DELETE FROM {table}")
            return BuildSummary(self.name, dict.fromkeys(self.tables, 0), time.perf_counter() - started,
                                details={"positions": 0, **mark, "engine": params.engine})
        report = build(ws, params)
        return self._summary(report, started, {**mark, "engine": params.engine})

    def build_incremental(self, ws: Workspace, params: Any, state: ProductState) -> BuildSummary | None:
        """Port calls, voyages and dark periods recomputed for the vessels touched since the last build
        only (basewatch.maritime.incremental); None when only a whole build can be right."""
        from basewatch.maritime.incremental import Watermark, build_incremental, watermark

        assert isinstance(params, MaritimeRules)
        if params.engine != "duckdb":  # the incremental build is DuckDB SQL: on Spark, the whole build
            return None
        since = Watermark.from_details(state.summary.get("details", {}))
        if since is None:
            return None
        started = time.perf_counter()
        mark = watermark(ws).as_details()
        report = build_incremental(ws, params, since)
        if report is None:
            return None
        return self._summary(report, started, {**mark, "incremental": 1, "engine": "duckdb"})

    def _summary(self, report: BuildReport, started: float, details: dict[str, int | str]) -> BuildSummary:
        rows = {"port_calls": report.port_calls, "voyages": report.voyages, "dark_periods": report.dark_periods}
        return BuildSummary(self.name, rows, time.perf_counter() - started,
                            details={"positions": report.positions, **details})


register(MaritimeProduct())
