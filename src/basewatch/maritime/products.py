"""The `maritime` product: port calls, voyages and dark periods from the AIS positions and the watchlist."""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING, Any

from basewatch.maritime import MaritimeRules, build, fingerprint
from basewatch.products.base import BuildSummary
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
        assert isinstance(params, MaritimeRules)
        started = time.perf_counter()
        row = ws.con.execute("SELECT count(*) FROM ais_positions").fetchone()
        if not row or not row[0]:  # nothing to analyse: empty tables, and no PyArrow imported for it
            with ws.transaction() as con:
                for table in self.tables:
                    con.execute(f"DELETE FROM {table}")
            return BuildSummary(self.name, dict.fromkeys(self.tables, 0), time.perf_counter() - started,
                                details={"positions": 0})
        report = build(ws, params)
        rows = {"port_calls": report.port_calls, "voyages": report.voyages, "dark_periods": report.dark_periods}
        return BuildSummary(self.name, rows, time.perf_counter() - started, details={"positions": report.positions})


register(MaritimeProduct())
