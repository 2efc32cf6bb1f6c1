"""`Workspace.alerts(...)`: the alerts, brought up to date first (product `alerts`), filtered."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from basewatch.errors import AlertsError as AlertsError  # re-exported: raised here

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

KINDS = ("surge", "drawdown", "shift", "new-corridor", "dark")




def alerts(ws: Workspace, *, site: str | None = None, actor: str | None = None, kind: str | None = None,
           since: dt.date | dt.datetime | None = None, until: dt.date | dt.datetime | None = None,
           level: float = 0.01) -> pa.Table:
    """Alerts (one row each, columns of the `alerts` table), rebuilt first when their inputs changed.

    `level`: surges and drawdowns whose Benjamini-Hochberg q-value is at most this. A level above the
    default rebuilds at that level (a looser level can add alerts); a stricter one only filters.
    A read-only workspace is not rebuilt: what is stored is returned.
    """
    from basewatch.alerts.params import AlertParams
    from basewatch.alerts.store import query_alerts

    if kind is not None and kind not in KINDS:
        raise AlertsError(f"unknown alert kind {kind!r} (choose from {', '.join(KINDS)})")
    if not 0.0 < level < 1.0:
        raise AlertsError(f"the level must lie strictly between 0 and 1, got {level}")
    if not ws.read_only:
        from basewatch.products.registry import ensure

        default = AlertParams()
        ensure(ws, "alerts", AlertParams(level=level) if level > default.level else None)
    return query_alerts(ws, site=site, actor=actor, kind=kind, since=since, until=until, level=level)
