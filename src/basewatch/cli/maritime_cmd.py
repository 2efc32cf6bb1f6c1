"""`basewatch portcalls`, `basewatch voyages`, `basewatch dark`: maritime tables, rebuilt when stale."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import print_csv, print_json, print_table
from basewatch.errors import BasewatchError, WorkspaceError
from basewatch.geo import haversine_sql

if TYPE_CHECKING:
    from basewatch.maritime import MaritimeRules
    from basewatch.workspace.core import Workspace

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_S = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "": 3600.0}

FormatOpt = Annotated[str, typer.Option("--format", help="table, json or csv")]
EnterOpt = Annotated[float, typer.Option(
    "--enter-km", help="Port zone entry radius (km); a watchlist port with a radius uses its own.")]
ExitOpt = Annotated[float, typer.Option(
    "--exit-km", help="Port zone exit radius (km); for a watchlist port: its radius + (exit - enter).")]
ThresholdOpt = Annotated[str, typer.Option("--threshold", help="Dark-period silence, e.g. 6h, 90m, 1d.")]
ActorOpt = Annotated[str | None, typer.Option("--actor", help="Only vessels of this watchlist actor.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="From this UTC date or time (ISO 8601).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to this UTC date (inclusive) or time.")]

CALL_COLUMNS = ("call_id", "mmsi", "vessel_name", "actor", "site", "port", "port_country", "arrival", "departure",
                "arrival_observed", "first_stop", "stops", "port_gaps", "min_distance_km", "positions", "source_ids",
                "first_source_id", "first_row_no", "last_source_id", "last_row_no")
VOYAGE_COLUMNS = ("voyage_id", "mmsi", "vessel_name", "actor", "origin_site", "origin_port", "destination_site",
                  "destination_port", "departure", "arrival", "distance_km", "positions")
DARK_COLUMNS = ("dark_id", "mmsi", "vessel_name", "actor", "start_time", "end_time", "hours", "ongoing",
                "start_lat", "start_lon", "end_lat", "end_lon", "jump_km", "implied_speed_ms", "near_site",
                "near_site_km", "start_site", "start_site_km", "end_site", "end_site_km", "prior_messages",
                "prior_median_interval_s", "start_source_id", "start_row_no", "end_source_id", "end_row_no")


def register(app: typer.Typer) -> None:
    app.command("portcalls")(portcalls)
    app.command("voyages")(voyages)
    app.command("dark")(dark)


def parse_duration(text: str) -> float:
    """Seconds in '6h', '90m', '3600s', '1.5d' (a bare number is hours)."""
    m = _DURATION.match(text)
    if not m or float(m.group(1)) <= 0:
        raise BasewatchError(f"invalid duration {text!r}: use a positive number with s, m, h or d (e.g. 6h)")
    return float(m.group(1)) * _UNIT_S[m.group(2)]


def parse_time(text: str | None, *, end: bool = False) -> dt.datetime | None:
    """An ISO 8601 date or date-time as UTC (naive means UTC). A bare date as an end means the day's end."""
    if text is None:
        return None
    try:
        if len(text.strip()) == 10:
            day = dt.date.fromisoformat(text.strip())
            value = dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time(), tzinfo=dt.UTC)
        else:
            value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise BasewatchError(f"invalid date or time {text!r}: use ISO 8601, e.g. 2024-12-10 or "
                             "2024-12-10T06:00Z") from exc
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _check_actor(ws: Workspace, actor: str | None) -> None:
    if actor is not None and ws.con.execute("SELECT 1 FROM actors WHERE actor_id = ?", [actor]).fetchone() is None:
        raise BasewatchError(f"unknown actor {actor!r} (see `basewatch actors`)")


def _filters(time_col: str, actor: str | None, since: str | None, until: str | None) -> tuple[str, list[Any]]:
    """SQL conditions (and their parameters) shared by the commands: actor and a time window on time_col."""
    start, stop = parse_time(since), parse_time(until, end=True)
    sql = (f"(CAST(? AS VARCHAR) IS NULL OR actor = ?) AND (CAST(? AS TIMESTAMPTZ) IS NULL OR {time_col} >= ?) "
           f"AND (CAST(? AS TIMESTAMPTZ) IS NULL OR {time_col} < ?)")
    return sql, [actor, actor, start, start, stop, stop]


def _rules(enter_km: float, exit_km: float, threshold: str) -> MaritimeRules:
    from basewatch.maritime import DarkRules, MaritimeRules, PortCallRules, PortZones

    try:
        zones = PortZones(enter_km=enter_km, exit_km=exit_km)
    except ValueError as exc:
        raise BasewatchError(str(exc)) from exc
    return MaritimeRules(port_calls=PortCallRules(zones=zones), dark=DarkRules(threshold_s=parse_duration(threshold)))


def _open(ctx: typer.Context) -> Workspace:
    from basewatch.workspace.core import Workspace

    path = Path(workspace_path(ctx))
    if not path.exists():
        raise WorkspaceError(f"{path}: no workspace here (run `basewatch ingest` or `basewatch demo`)")
    return Workspace(path)


def _check_site(ws: Workspace, site: str | None, *, port: bool = False) -> tuple[float, float] | None:
    if site is None:
        return None
    row = ws.con.execute("SELECT lat, lon, kind FROM sites WHERE site_id = ?", [site]).fetchone()
    if row is None:
        raise BasewatchError(f"unknown site {site!r} (see `basewatch watchlist`)")
    if port and row[2] != "port":
        raise BasewatchError(f"site {site!r} is of kind {row[2]}, not port: vessels call only at ports")
    if row[0] is None or row[1] is None:
        raise BasewatchError(f"site {site!r} has no position")
    return float(row[0]), float(row[1])


def _ensure(ws: Workspace, rules: MaritimeRules) -> None:
    """Bring the maritime tables up to date, telling the user (on stderr) when that takes a build."""
    from basewatch.maritime import ensure_built

    row = ws.con.execute("SELECT count(*) FROM ais_positions").fetchone()
    positions = int(row[0]) if row else 0
    if positions == 0:
        typer.echo("note: no AIS positions in this workspace (ingest NMEA or AIS CSV files first)", err=True)
    ensure_built(ws, rules, on_build=None if positions == 0 else lambda: typer.echo(
        f"analysing {positions:,} AIS positions (port calls, voyages, dark periods)...", err=True))


def _rows(ws: Workspace, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = ws.con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _emit(rows: list[dict[str, Any]], columns: tuple[str, ...], brief: tuple[str, ...], fmt: str, title: str) -> None:
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(rows, columns)
    elif fmt == "table":
        print_table(rows, brief, title=title)
    else:
        raise BasewatchError(f"unknown --format {fmt!r}: use table, json or csv")


def portcalls(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="Only calls at this watchlist site.")] = None,
    port: Annotated[str | None, typer.Option("--port", help="Only calls at this World Port Index port.")] = None,
    mmsi: Annotated[str | None, typer.Option("--mmsi", help="Only this vessel.")] = None,
    actor: ActorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    enter_km: EnterOpt = 3.0,
    exit_km: ExitOpt = 4.0,
    threshold: ThresholdOpt = "6h",
    fmt: FormatOpt = "table",
) -> None:
    """Port calls (arrival to departure) at watchlist ports and World Port Index ports."""
    where, params = _filters("arrival", actor, since, until)
    rules = _rules(enter_km, exit_km, threshold)
    with _open(ctx) as ws:
        _check_site(ws, site, port=True)
        _check_actor(ws, actor)
        _ensure(ws, rules)
        rows = _rows(
            ws,
            f"SELECT {', '.join('site_id AS site' if c == 'site' else c for c in CALL_COLUMNS)} "
            "FROM port_calls WHERE (? IS NULL OR site_id = ?) AND (? IS NULL OR lower(port) = lower(?)) "
            f"AND (? IS NULL OR mmsi = ?) AND {where} ORDER BY arrival, mmsi",
            [site, site, port, port, mmsi, mmsi, *params],
        )
    _emit(rows, CALL_COLUMNS, ("mmsi", "vessel_name", "site", "port", "arrival", "departure", "stops"), fmt,
          f"{len(rows)} port calls")


def voyages(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="Only voyages from or to this site.")] = None,
    mmsi: Annotated[str | None, typer.Option("--mmsi", help="Only this vessel.")] = None,
    actor: ActorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    enter_km: EnterOpt = 3.0,
    exit_km: ExitOpt = 4.0,
    threshold: ThresholdOpt = "6h",
    max_leg: Annotated[str, typer.Option("--max-leg", help="Longest departure-to-arrival of a voyage.")] = "30d",
    fmt: FormatOpt = "table",
) -> None:
    """Voyages: legs between consecutive port calls of a vessel."""
    from basewatch.maritime import VoyageRules

    where, params = _filters("departure", actor, since, until)
    rules = _rules(enter_km, exit_km, threshold)
    rules = dataclasses.replace(rules, voyages=VoyageRules(max_duration_s=parse_duration(max_leg)))
    with _open(ctx) as ws:
        _check_site(ws, site, port=True)
        _check_actor(ws, actor)
        _ensure(ws, rules)
        rows = _rows(
            ws,
            f"SELECT {', '.join(VOYAGE_COLUMNS)} FROM voyages "
            "WHERE (? IS NULL OR origin_site = ? OR destination_site = ?) AND (? IS NULL OR mmsi = ?) "
            f"AND {where} ORDER BY departure, mmsi",
            [site, site, site, mmsi, mmsi, *params],
        )
    _emit(rows, VOYAGE_COLUMNS, ("mmsi", "vessel_name", "origin_site", "origin_port", "destination_site",
                                 "destination_port", "departure", "arrival"), fmt, f"{len(rows)} voyages")


def dark(
    ctx: typer.Context,
    near: Annotated[str | None, typer.Option("--near", help="Only periods starting or ending near this site.")] = None,
    within_km: Annotated[float, typer.Option("--within-km", help="Distance for --near (km).")] = 100.0,
    mmsi: Annotated[str | None, typer.Option("--mmsi", help="Only this vessel.")] = None,
    actor: ActorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    threshold: ThresholdOpt = "6h",
    enter_km: EnterOpt = 3.0,
    exit_km: ExitOpt = 4.0,
    site_km: Annotated[float, typer.Option("--site-km", min=0, help="Name a site only this close (km).")] = 100.0,
    fmt: FormatOpt = "table",
) -> None:
    """Dark periods: silences longer than the threshold after regular reception."""
    where, params = _filters("start_time", actor, since, until)
    rules = _rules(enter_km, exit_km, threshold)
    rules = dataclasses.replace(rules, dark=dataclasses.replace(rules.dark, site_radius_km=site_km))
    with _open(ctx) as ws:
        centre = _check_site(ws, near)
        _check_actor(ws, actor)
        _ensure(ws, rules)
        lat, lon = centre if centre else (None, None)
        d_start = haversine_sql("start_lat", "start_lon", "c.lat", "c.lon")
        d_end = haversine_sql("end_lat", "end_lon", "c.lat", "c.lon")
        cols = ", ".join("round(duration_s / 3600.0, 2) AS hours" if c == "hours" else c for c in DARK_COLUMNS)
        rows = _rows(
            ws,
            f"WITH c AS (SELECT CAST(? AS DOUBLE) AS lat, CAST(? AS DOUBLE) AS lon) "
            f"SELECT {cols} FROM dark_periods, c WHERE (? IS NULL OR mmsi = ?) AND "
            f"(c.lat IS NULL OR {d_start} <= ? OR (end_lat IS NOT NULL AND {d_end} <= ?)) AND {where} "
            "ORDER BY start_time, mmsi",
            [lat, lon, mmsi, mmsi, within_km, within_km, *params],
        )
    _emit(rows, DARK_COLUMNS, ("mmsi", "vessel_name", "start_time", "end_time", "hours", "jump_km",
                               "implied_speed_ms", "near_site", "near_site_km"), fmt, f"{len(rows)} dark periods")

