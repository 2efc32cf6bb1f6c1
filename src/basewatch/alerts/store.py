"""The `alerts` table: the data's extent, replacing the alerts (one transaction), reading them back."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from basewatch.alerts.assemble import COLUMNS
from basewatch.alerts.frame import Extent
from basewatch.alerts.params import AlertParams

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

DAY_S = 86400
EXTENT_SQL = {
    "air": "SELECT epoch_us(min(time)), epoch_us(max(time)) FROM aircraft_points",
    "air-flights": "SELECT epoch_us(min(start)), epoch_us(max(\"end\")) FROM flights",
    "sea": "SELECT epoch_us(min(time)), epoch_us(max(time)) FROM ais_positions",
}
KINDS = ("surge", "drawdown", "shift", "new-corridor", "dark")
_RETRACTION = "retracted: later messages filled the gap (the period is no longer found)"
_RETRACTED_SELECT = ", ".join(
    "'retracted'" if c == "status"
    else f"CASE WHEN status = 'retracted' THEN note ELSE concat_ws('; ', note, '{_RETRACTION}') END"
    if c == "note" else c
    for c in COLUMNS
)


def extent_of(first_us: int, last_us: int, params: AlertParams) -> Extent:
    """Days covered from the first to the last record; the last one testable only if reached late enough."""
    first, last = first_us // (DAY_S * 10**6), last_us // (DAY_S * 10**6)
    hour = (last_us / 1e6 - last * DAY_S) / 3600.0
    return Extent(int(first), int(last), int(last if hour >= params.last_day_min_hour else last - 1))


def data_extents(ws: Workspace, params: AlertParams) -> dict[str, Extent]:
    out: dict[str, Extent] = {}
    for mode, sqls in (("air", ("air", "air-flights")), ("sea", ("sea",))):
        for name in sqls:
            row = ws.con.execute(EXTENT_SQL[name]).fetchone()
            if row is not None and row[0] is not None:
                out[mode] = extent_of(int(row[0]), int(row[1]), params)
                break
    return out


def write_alerts(ws: Workspace, alerts: pa.Table, keep: str | None = None) -> int:
    """Replace the alerts; a dark alert that is no longer found is kept, marked retracted.

    keep: a fixed SQL condition (no user text) on stored alerts that stay as they are (an update keeps
    the count alerts of the days its stored state covers: neither read back nor rewritten)."""
    cols = ", ".join(COLUMNS)
    with ws.transaction() as con:
        con.register("_bw_new_alerts", alerts)
        try:
            con.execute(
                "CREATE TEMP TABLE _bw_retracted AS SELECT * FROM alerts a WHERE a.kind = 'dark' "
                "AND a.alert_id NOT IN (SELECT alert_id FROM _bw_new_alerts)"
            )
            con.execute("DELETE FROM alerts" if keep is None else f"DELETE FROM alerts WHERE NOT ({keep})")
            con.execute(f"INSERT INTO alerts ({cols}) SELECT {cols} FROM _bw_new_alerts")
            con.execute(f"INSERT INTO alerts ({cols}) SELECT {_RETRACTED_SELECT} FROM _bw_retracted")
        finally:
            con.execute("DROP TABLE IF EXISTS _bw_retracted")
            con.unregister("_bw_new_alerts")
    row = ws.con.execute("SELECT count(*) FROM alerts").fetchone()
    return int(row[0]) if row else 0


def _day(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date()
    return value


def query_alerts(ws: Workspace, *, site: str | None = None, actor: str | None = None, kind: str | None = None,
                 since: dt.date | dt.datetime | None = None, until: dt.date | dt.datetime | None = None,
                 level: float = 0.01) -> pa.Table:
    """Alerts, filtered. `site` matches the site or either corridor end; `level`: surges and drawdowns
    with q <= level (a stricter level than the build's drops some; a looser one cannot add any)."""
    where: list[str] = ["(q_value IS NULL OR q_value <= $level)"]
    args: dict[str, object] = {"level": level}
    if site is not None:
        where.append("(site = $site OR origin = $site OR destination = $site)")
        args["site"] = site
    if actor is not None:
        where.append("actor = $actor")
        args["actor"] = actor
    if kind is not None:
        where.append("kind = $kind")
        args["kind"] = kind
    if since is not None:
        where.append("coalesce(day, CAST(start_time AS DATE)) >= $since")
        args["since"] = _day(since)
    if until is not None:
        where.append("coalesce(day, CAST(start_time AS DATE)) <= $until")
        args["until"] = _day(until)
    # the stored table by its full name: a temporary object named `alerts` (a view a caller registered on
    # this connection) would otherwise shadow it
    row = ws.con.execute("SELECT current_database()").fetchone()
    table_name = '"' + str(row[0] if row else "memory").replace('"', '""') + '".main.alerts'
    sql = (f"SELECT {', '.join(COLUMNS)} FROM {table_name} WHERE {' AND '.join(where)} "
           "ORDER BY day, kind, actor IS NULL, series")
    table: pa.Table = ws.con.execute(sql, args).fetch_arrow_table()
    return table
