"""`basewatch analyse`, `flights`, `activity`, `corridors`: the flight analytics commands.

Thin: each parses its options, calls `basewatch.Workspace` (which brings the products it reads up to
date) and writes the result with `basewatch.cli.options.emit`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli.app import open_workspace, working_on
from basewatch.cli.options import (
    TABLE_FORMATS,
    Actor,
    Limit,
    Out,
    Since,
    Site,
    TableFormat,
    Until,
    check_format,
    emit,
    window,
    write_text,
)
from basewatch.errors import UsageError

FLIGHT_FORMATS = ("table", "json", "csv", "geojson", "kml", "parquet")
CORRIDOR_FORMATS = ("table", "json", "csv", "geojson", "kml", "parquet")
FLIGHT_TABLE_COLUMNS = ["flight_id", "callsign", "start", "end", "origin_site", "origin_airport",
                        "destination_site", "destination_airport", "points", "actor"]


def register(app: typer.Typer) -> None:
    app.command("analyse")(analyse)
    app.command("flights")(flights)
    app.command("activity")(activity)
    app.command("corridors")(corridors)


def analyse(
    ctx: typer.Context,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (default) or spark.")] = "duckdb",
    spark_master: Annotated[str | None, typer.Option("--spark-master", envvar="BASEWATCH_SPARK_MASTER",
                                                     help="Spark master URL (default local[*]; SPARK_REMOTE "
                                                          "selects Spark Connect).")] = None,
    spark_workdir: Annotated[Path | None, typer.Option(
        "--spark-workdir", envvar="BASEWATCH_SPARK_WORKDIR",
        help="Folder for the Parquet Spark reads (on a cluster: one every worker can read). Default: a "
             "temporary folder.")] = None,
    gap_minutes: Annotated[float | None, typer.Option(
        "--gap-minutes", help="A silence this long ends a flight (default: as last time, else 15).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild every product, even those up to date.")] = False,
    product: Annotated[list[str] | None, typer.Option(
        "--product", help="Only this product and what it reads (repeatable; e.g. flights, maritime, alerts).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Bring every derived product (flights, visits, corridors; port calls, voyages, dark periods; ...)
    up to date with the workspace's records; only what is stale is rebuilt unless --force."""
    from basewatch.cli.output import print_json
    from basewatch.products import ensure_all

    check_format(fmt, ("table", "json"))
    if engine not in ("duckdb", "spark"):
        raise UsageError(f"--engine {engine!r}: use duckdb or spark")
    if gap_minutes is not None and gap_minutes <= 0:
        raise UsageError("--gap-minutes must be positive")
    with open_workspace(ctx) as ws, working_on("the analysis"):
        if gap_minutes is None and spark_workdir is None and not product:
            summaries = ws.analyse(engine=engine, master=spark_master, force=force)
        else:
            params: dict[str, object] = {
                "flights": _flight_params(ws, engine, spark_master, spark_workdir, gap_minutes),
                **ws.engine_params_on(engine, spark_master)}
            summaries = ensure_all(ws, params, force=force, names=product or None)
    if fmt == "json":
        print_json([s.as_json() for s in summaries])
        return
    for s in summaries:
        if not s.rebuilt:
            typer.echo(f"{s.product}: up to date")
            continue
        counts = ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in s.rows.items())
        details = {k: v for k, v in s.details.items() if k != "engine"}
        extra = "".join(f", {k} {v:,}" if isinstance(v, int) else f", {k} {v}" for k, v in details.items())
        typer.echo(f"{s.product}: {counts} in {s.seconds:.2f} s on {_ran_on(s.details, engine)}{extra}")


def _ran_on(details: Mapping[str, object], requested: str) -> str:
    """Where a build ran, as the user reads it: "spark", "duckdb", or "duckdb (no Spark form)"."""
    where = str(details.get("engine", "duckdb"))
    return f"{where} (no Spark form)" if where == "duckdb" and requested != "duckdb" else where


def _flight_params(ws: object, engine: str, master: str | None, workdir: Path | None,
                   gap_minutes: float | None) -> object:
    import dataclasses

    from basewatch.flights.products import FlightsBuild
    from basewatch.products import last_state
    from basewatch.workspace.core import Workspace

    assert isinstance(ws, Workspace)
    state = last_state(ws, "flights")
    params = FlightsBuild.from_json(dict(state.params)).params if state else FlightsBuild().params
    if gap_minutes is not None:
        params = dataclasses.replace(params, split=dataclasses.replace(params.split, gap_s=gap_minutes * 60.0))
    return FlightsBuild(params, engine, master, workdir)


def flights(
    ctx: typer.Context,
    site: Site = None,
    actor: Actor = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv, geojson, kml or parquet")] = "table",
    out: Out = None,
) -> None:
    """List flights (take-off in the window) with where they took off and landed, and how that was decided."""
    from basewatch.flights import export

    check_format(fmt, FLIGHT_FORMATS)
    start, stop = window(since, until)
    with open_workspace(ctx) as ws:
        table = ws.flights(site=site, actor=actor, since=start, until=stop, limit=limit)
        if fmt in ("geojson", "kml"):
            rows = table.to_pylist()
            tracks = export.flight_tracks(ws, [r["flight_id"] for r in rows])
            with working_on(str(out) if out else "the output"):
                if fmt == "geojson":
                    write_text(json.dumps(export.flights_geojson(rows, tracks)) + "\n", out)
                else:
                    write_text(export.flights_kml(rows, tracks), out)
            return
    emit(table, fmt, out, columns=FLIGHT_TABLE_COLUMNS, title="flights")


def activity(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help="Site id (see `basewatch sites`).")],
    by: Annotated[str, typer.Option("--by", help="total (default) or day")] = "total",
    actor: Actor = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = None,
    fmt: TableFormat = "table",
    out: Out = None,
) -> None:
    """Arrivals, departures, aircraft on the ground (ships in port) and dwell time at a site."""
    from basewatch.flights import query

    check_format(fmt, TABLE_FORMATS)
    if by not in ("total", "day"):
        raise UsageError(f"--by {by!r}: use total or day")
    start, stop = window(since, until)
    with open_workspace(ctx) as ws:
        if by == "day":
            table = ws.activity(site, since=start, until=stop, actor=actor)
        else:
            ws.ensure("flights")
            ws.ensure("maritime")
            table = query.activity(ws, site, False, query.Window.of(start, stop), actor)
    emit(table, fmt, out, title=f"activity at {site}", limit=limit)


def corridors(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    actor: Actor = None,
    typecode: Annotated[str | None, typer.Option("--type", help="Only this aircraft type (ICAO, e.g. A124).")] = None,
    mode: Annotated[str | None, typer.Option("--mode", help="air or sea (default: both).")] = None,
    by: Annotated[str, typer.Option("--by", help="day (default) or total")] = "day",
    known: Annotated[bool, typer.Option("--known/--all", help="Only pairs with both ends known.")] = False,
    unknown: Annotated[bool, typer.Option("--unknown", help="Also movements with neither end known.")] = False,
    limit: Limit = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv, geojson, kml or parquet")] = "table",
    out: Out = None,
) -> None:
    """Ordered origin -> destination pairs with movements per day (air, and sea when voyages exist)."""
    import pyarrow.compute as pc

    from basewatch.flights import export, query

    check_format(fmt, CORRIDOR_FORMATS)
    if by not in ("total", "day"):
        raise UsageError(f"--by {by!r}: use day or total")
    if mode not in (None, "air", "sea"):
        raise UsageError(f"--mode {mode!r}: use air or sea")
    start, stop = window(since, until)
    with open_workspace(ctx) as ws:
        ws.ensure("flights")
        ws.ensure("maritime")
        win = query.Window.of(start, stop)
        geo = fmt in ("geojson", "kml")
        table = query.corridors(ws, win, actor, typecode, geo or by == "day", known, unknown)
        if mode is not None:
            table = table.filter(pc.equal(table["mode"], mode))
        if geo:
            totals = export.corridor_totals(table.to_pylist())
            names = sorted({n for t in totals for n in (t["origin"], t["destination"]) if n})
            places = query.place_coordinates(ws, names)
            with working_on(str(out) if out else "the output"):
                if fmt == "geojson":
                    write_text(json.dumps(export.corridors_geojson(totals, places)) + "\n", out)
                else:
                    write_text(export.corridors_kml(totals, places), out)
            return
    emit(table, fmt, out, title="corridors", limit=limit)

