"""`basewatch portcalls`, `basewatch voyages`, `basewatch dark`: the maritime tables.

The queries live in `basewatch.maritime.query`; the tables are brought up to date by the product
registry (product `maritime`), with the rules given here or, when none is given, those of the last build.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from basewatch.cli.app import open_workspace
from basewatch.cli.options import (
    TABLE_FORMATS,
    Actor,
    Limit,
    Out,
    Since,
    TableFormat,
    Until,
    check_format,
    emit,
    window,
)
from basewatch.errors import UsageError

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    import pyarrow as pa

    from basewatch.maritime import MaritimeRules
    from basewatch.workspace.core import Workspace

    When = dt.date | dt.datetime | None

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_S = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "": 3600.0}
EnterOpt = Annotated[float | None, typer.Option(
    "--enter-km", help="Port zone entry radius (km, default 3); a watchlist port with a radius uses its own.")]
ExitOpt = Annotated[float | None, typer.Option(
    "--exit-km", help="Port zone exit radius (km, default 4); for a watchlist port: its radius + (exit - enter).")]
ThresholdOpt = Annotated[str | None, typer.Option(
    "--threshold", help="Dark-period silence, e.g. 6h (default), 90m, 1d.")]
MmsiOpt = Annotated[str | None, typer.Option("--mmsi", help="Only this vessel.")]

CALL_TABLE = ("mmsi", "vessel_name", "site", "port", "arrival", "departure", "stops")
VOYAGE_TABLE = ("mmsi", "vessel_name", "origin_site", "origin_port", "destination_site", "destination_port",
                "departure", "arrival")
DARK_TABLE = ("mmsi", "vessel_name", "start_time", "end_time", "hours", "jump_km", "implied_speed_ms", "near_site",
              "near_site_km")


def register(app: typer.Typer) -> None:
    app.command("portcalls")(portcalls)
    app.command("voyages")(voyages)
    app.command("dark")(dark)


def parse_duration(text: str) -> float:
    """Seconds in '6h', '90m', '3600s', '1.5d' (a bare number is hours)."""
    m = _DURATION.match(text)
    if not m or float(m.group(1)) <= 0:
        raise UsageError(f"invalid duration {text!r}: use a positive number with s, m, h or d (e.g. 6h)")
    return float(m.group(1)) * _UNIT_S[m.group(2)]


def _rules(ws: Workspace, enter_km: float | None, exit_km: float | None, threshold: str | None,
           *, max_leg: str | None = None, site_km: float | None = None) -> MaritimeRules | None:
    """The rules asked for (the last build's for what is not given), or None when nothing is given."""
    import dataclasses

    from basewatch.maritime import MaritimeRules
    from basewatch.products import last_state

    if all(v is None for v in (enter_km, exit_km, threshold, max_leg, site_km)):
        return None
    state = last_state(ws, "maritime")
    rules = MaritimeRules.from_json(dict(state.params)) if state else MaritimeRules()
    zones = rules.port_calls.zones
    try:
        zones = dataclasses.replace(zones, enter_km=zones.enter_km if enter_km is None else enter_km,
                                    exit_km=zones.exit_km if exit_km is None else exit_km)
        dark = rules.dark if threshold is None else dataclasses.replace(rules.dark,
                                                                        threshold_s=parse_duration(threshold))
        if site_km is not None:
            dark = dataclasses.replace(dark, site_radius_km=site_km)
        voyages = rules.voyages if max_leg is None else dataclasses.replace(
            rules.voyages, max_duration_s=parse_duration(max_leg))
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return dataclasses.replace(rules, port_calls=dataclasses.replace(rules.port_calls, zones=zones), dark=dark,
                               voyages=voyages)


def _ensure(ws: Workspace, rules: MaritimeRules | None) -> None:
    """Bring the maritime tables up to date, telling the user (on stderr) when that takes a build."""
    from basewatch.cli.output import note_line
    from basewatch.products import ensure

    row = ws.con.execute("SELECT count(*) FROM ais_positions").fetchone()
    positions = int(row[0]) if row else 0
    if positions == 0:
        note_line("no AIS positions in this workspace (ingest NMEA or AIS CSV files first)")
    ensure(ws, "maritime", rules, on_build=None if positions == 0 else lambda _p: typer.echo(
        f"analysing {positions:,} AIS positions (port calls, voyages, dark periods)...", err=True))



def _show(ctx: typer.Context, fmt: str, out: Path | None, limit: int | None, *, site: str | None, port_site: bool,
          since: str | None, until: str | None, rules: Callable[[Workspace], MaritimeRules | None],
          read: Callable[[Workspace, When, When], pa.Table], columns: tuple[str, ...], title: str) -> None:
    """What every maritime listing does: check the options, bring the tables up to date with the rules
    asked for, read, write."""
    from basewatch.maritime import query

    check_format(fmt, TABLE_FORMATS)
    start, stop = window(since, until)
    with open_workspace(ctx) as ws:
        query.site_position(ws, site, port=port_site)
        _ensure(ws, rules(ws))
        table = read(ws, start, stop)
    emit(table, fmt, out, columns=columns, title=title, limit=limit)


def portcalls(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="Only calls at this watchlist site.")] = None,
    port: Annotated[str | None, typer.Option("--port", help="Only calls at this World Port Index port.")] = None,
    mmsi: MmsiOpt = None,
    actor: Actor = None,
    since: Since = None,
    until: Until = None,
    enter_km: EnterOpt = None,
    exit_km: ExitOpt = None,
    threshold: ThresholdOpt = None,
    limit: Limit = None,
    fmt: TableFormat = "table",
    out: Out = None,
) -> None:
    """Port calls (arrival to departure) at watchlist ports and World Port Index ports."""
    from basewatch.maritime import query

    _show(ctx, fmt, out, limit, site=site, port_site=True, since=since, until=until,
          rules=lambda ws: _rules(ws, enter_km, exit_km, threshold),
          read=lambda ws, start, stop: query.port_calls(ws, site, actor, start, stop, port=port, mmsi=mmsi),
          columns=CALL_TABLE, title="port calls")


def voyages(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="Only voyages from or to this site.")] = None,
    mmsi: MmsiOpt = None,
    actor: Actor = None,
    since: Since = None,
    until: Until = None,
    enter_km: EnterOpt = None,
    exit_km: ExitOpt = None,
    threshold: ThresholdOpt = None,
    max_leg: Annotated[str | None, typer.Option(
        "--max-leg", help="Longest departure-to-arrival of a voyage (default 30d).")] = None,
    limit: Limit = None,
    fmt: TableFormat = "table",
    out: Out = None,
) -> None:
    """Voyages: legs between consecutive port calls of a vessel."""
    from basewatch.maritime import query

    _show(ctx, fmt, out, limit, site=site, port_site=True, since=since, until=until,
          rules=lambda ws: _rules(ws, enter_km, exit_km, threshold, max_leg=max_leg),
          read=lambda ws, start, stop: query.voyages(ws, site, actor, start, stop, mmsi=mmsi),
          columns=VOYAGE_TABLE, title="voyages")


def dark(
    ctx: typer.Context,
    near: Annotated[str | None, typer.Option("--near", help="Only periods starting or ending near this site.")] = None,
    within_km: Annotated[float, typer.Option("--within-km", help="Distance for --near (km).")] = 100.0,
    mmsi: MmsiOpt = None,
    actor: Actor = None,
    since: Since = None,
    until: Until = None,
    threshold: ThresholdOpt = None,
    enter_km: EnterOpt = None,
    exit_km: ExitOpt = None,
    site_km: Annotated[float | None, typer.Option(
        "--site-km", min=0, help="Name a watched site only this close (km, default 100).")] = None,
    limit: Limit = None,
    fmt: TableFormat = "table",
    out: Out = None,
) -> None:
    """Dark periods: silences longer than the threshold after regular reception."""
    from basewatch.maritime import query

    _show(ctx, fmt, out, limit, site=near, port_site=False, since=since, until=until,
          rules=lambda ws: _rules(ws, enter_km, exit_km, threshold, site_km=site_km),
          read=lambda ws, start, stop: query.dark_periods(ws, near, actor, start, stop, within_km=within_km,
                                                          mmsi=mmsi),
          columns=DARK_TABLE, title="dark periods")
