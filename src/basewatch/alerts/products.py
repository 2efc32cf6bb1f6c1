"""The `alerts` product: reads the flights and maritime products' tables, owns `alerts` and the carried
state (`alert_state`, `alert_state_meta`) that lets a build compute only the days after the last one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from basewatch.alerts.params import AlertParams
from basewatch.products.base import BuildSummary
from basewatch.products.registry import register

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

# What the alerts depend on, cheap to compute: row counts, time extents and an order-free hash of the
# identifying columns (and actors: a watchlist change re-attributes records) of each input table.
FINGERPRINT_SQL = """
SELECT
 (SELECT concat_ws(',', count(*), bit_xor(hash(flight_id, origin_site, destination_site, origin_airport,
   destination_airport, actor, start, "end"))) FROM flights),
 (SELECT concat_ws(',', count(*), bit_xor(hash(call_id, site_id, actor, arrival, departure,
   arrival_observed))) FROM port_calls),
 (SELECT concat_ws(',', count(*), bit_xor(hash(voyage_id, origin_site, destination_site, origin_port,
   destination_port, actor, departure))) FROM voyages),
 (SELECT concat_ws(',', count(*), bit_xor(hash(dark_id, mmsi, actor, start_time, end_time, start_site,
   start_site_km, end_site, end_site_km))) FROM dark_periods),
 (SELECT concat_ws(',', min(time), max(time)) FROM aircraft_points),
 (SELECT concat_ws(',', min(time), max(time)) FROM ais_positions)
"""


@dataclass(frozen=True)
class AlertsBuild:
    """The alerts' parameters and where the count series run (`analyse --engine spark`). The engine is
    not part of the stored parameters: both engines give identical alerts (checked in CI)."""

    params: AlertParams = field(default_factory=AlertParams)
    engine: str = "duckdb"
    master: str | None = None

    def as_json(self) -> dict[str, Any]:
        return self.params.as_json()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AlertsBuild:
        return cls(AlertParams.from_json(data))


class AlertsProduct:
    name = "alerts"
    inputs: tuple[str, ...] = ("flights", "maritime")
    tables: tuple[str, ...] = ("alerts", "alert_state", "alert_state_meta")

    def default_params(self) -> AlertParams:
        return AlertParams()

    def fingerprint(self, ws: Workspace, params: AlertParams | AlertsBuild) -> str:
        row = ws.con.execute(FINGERPRINT_SQL).fetchone()
        return "|".join("" if v is None else str(v) for v in (row or ()))

    def build(self, ws: Workspace, params: AlertParams | AlertsBuild) -> BuildSummary:
        from basewatch.alerts.build import build_alerts

        if isinstance(params, AlertsBuild):
            return build_alerts(ws, params.params, engine=params.engine, master=params.master)
        return build_alerts(ws, params)


PRODUCT = register(AlertsProduct())

