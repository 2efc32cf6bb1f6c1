"""The `alerts` product: reads the flights and maritime products' tables, owns `alerts` and the carried
state (`alert_state`, `alert_state_meta`) that lets a build compute only the days after the last one."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


class AlertsProduct:
    name = "alerts"
    inputs: tuple[str, ...] = ("flights", "maritime")
    tables: tuple[str, ...] = ("alerts", "alert_state", "alert_state_meta")

    def default_params(self) -> AlertParams:
        return AlertParams()

    def fingerprint(self, ws: Workspace, params: AlertParams) -> str:
        row = ws.con.execute(FINGERPRINT_SQL).fetchone()
        return "|".join("" if v is None else str(v) for v in (row or ()))

    def build(self, ws: Workspace, params: AlertParams) -> BuildSummary:
        from basewatch.alerts.build import build_alerts

        return build_alerts(ws, params)


PRODUCT = register(AlertsProduct())

