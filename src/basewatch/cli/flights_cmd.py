"""`basewatch analyse`, `flights`, `activity`, `corridors`: the flight analytics commands."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import print_json, print_table
from basewatch.errors import BasewatchError

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.flights import export, query
    from basewatch.flights.params import AttributeParams, FlightParams, SplitParams
    from basewatch.workspace.core import Workspace
else:  # imported when a command runs: registering the commands loads neither pyarrow nor DuckDB
    from basewatch.cli.lazy import lazy

    export = lazy("basewatch.flights.export")
    query = lazy("basewatch.flights.query")
    AttributeParams = lazy("basewatch.flights.params", "AttributeParams")
    FlightParams = lazy("basewatch.flights.params", "FlightParams")
    SplitParams = lazy("basewatch.flights.params", "SplitParams")
    Workspace = lazy("basewatch.workspace.core", "Workspace")

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S"]
FLIGHT_FORMATS = ("table", "json", "csv", "geojson", "kml", "parquet")
CORRIDOR_FORMATS = ("table", "json", "csv", "geojson", "kml", "parquet")
TABLE_FORMATS = ("table", "json", "csv", "parquet")
FLIGHT_TABLE_COLUMNS = ["flight_id", "callsign", "start", "end", "origin_site", "origin_airport",
                        "destination_site", "destination_airport", "points", "actor"]

Since = Annotated[dt.datetime | None, typer.Option("--since", formats=DATE_FORMATS, help="From this UTC date/time.")]
Until = Annotated[dt.datetime | None, typer.Option("--until", formats=DATE_FORMATS,
                                                   help="Up to this UTC date/time (a date includes that day).")]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of standard output.")]


class UsageError(BasewatchError):
    """A bad combination of options."""


def register(app: typer.Typer) -> None:
    app.command("analyse")(analyse)
    app.command("flights")(flights)
    app.command("activity")(activity)
    app.command("corridors")(corridors)


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise UsageError(f"--format must be one of {', '.join(allowed)} (got {fmt!r})")


def _emit(data: bytes | str, out: Path | None) -> None:
    if out is not None:
        out.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        typer.echo(f"wrote {out}", err=True)
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


def _emit_table(table: pa.Table, fmt: str, out: Path | None, columns: list[str] | None = None,
                title: str | None = None) -> None:
    if fmt == "parquet":
        if out is None:
            raise UsageError("--format parquet needs --out FILE")
        export.write_parquet(table, out)
        typer.echo(f"wrote {out} ({table.num_rows} rows)", err=True)
    elif fmt == "csv":
        _emit(export.csv_text(table), out)
    elif fmt == "json":
        _emit(json.dumps(export.to_jsonable(table.to_pylist()), ensure_ascii=False) + "\n", out)
    else:
        print_table(table.to_pylist(), columns or table.column_names, title=title)


def _ensure_maritime(ws: Workspace) -> None:
    """Bring port calls and voyages up to date too (when the maritime analytics are installed)."""
    try:
        from basewatch.maritime import ensure_built
    except ImportError:
        return
    ensure_built(ws, on_build=lambda: typer.echo("analysing ship positions ...", err=True))


def _ensure_built(ws: Workspace) -> None:
    """Rebuild the flight tables (DuckDB, last parameters) when points arrived after the last build."""
    from basewatch.flights.store import build_flights

    if not query.is_stale(ws):
        return
    build = query.last_build(ws)
    params = FlightParams.from_json(build["params"]) if build else FlightParams()
    report = build_flights(ws, "duckdb", params=params)
    typer.echo(f"analysed {report.points:,} points: {report.flights:,} flights, {report.visits:,} visits",
               err=True)


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
    gap_minutes: Annotated[float, typer.Option("--gap-minutes", help="A silence this long ends a flight.")] = 15.0,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """(Re)compute flights, site visits and corridors from all flight records in the workspace."""
    from basewatch.flights.store import build_flights

    if gap_minutes <= 0:
        raise UsageError("--gap-minutes must be positive")
    params = FlightParams(SplitParams(gap_s=gap_minutes * 60.0), AttributeParams())
    with Workspace(workspace_path(ctx)) as ws:
        report = build_flights(ws, engine, spark_master, params, spark_workdir)
    if fmt == "json":
        print_json(report.as_json())
    else:
        typer.echo(f"{report.engine}: {report.points:,} points -> {report.flights:,} flights, "
                   f"{report.visits:,} visits, {report.corridor_rows:,} corridor-days in {report.seconds:.2f} s")


def flights(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="Flights from or to this site id.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Flights of this actor id.")] = None,
    since: Since = None,
    until: Until = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv, geojson, kml or parquet")] = "table",
    out: Out = None,
) -> None:
    """List flights with where they took off and landed (and how that was decided)."""
    _check_format(fmt, FLIGHT_FORMATS)
    with Workspace(workspace_path(ctx)) as ws:
        _ensure_built(ws)
        table = query.flights(ws, site, actor, query.Window.of(since, until))
        if fmt in ("geojson", "kml"):
            rows = table.to_pylist()
            tracks = export.flight_tracks(ws, [r["flight_id"] for r in rows])
            if fmt == "geojson":
                _emit(json.dumps(export.flights_geojson(rows, tracks)) + "\n", out)
            else:
                _emit(export.flights_kml(rows, tracks), out)
            return
    _emit_table(table, fmt, out, FLIGHT_TABLE_COLUMNS, title="flights")


def activity(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help="Site id (see `basewatch sites`).")],
    by: Annotated[str, typer.Option("--by", help="total (default) or day")] = "total",
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's aircraft.")] = None,
    since: Since = None,
    until: Until = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or parquet")] = "table",
    out: Out = None,
) -> None:
    """Arrivals, departures, aircraft on the ground (ships in port) and dwell time at a site."""
    _check_format(fmt, TABLE_FORMATS)
    if by not in ("total", "day"):
        raise UsageError("--by must be total or day")
    with Workspace(workspace_path(ctx)) as ws:
        _ensure_built(ws)
        _ensure_maritime(ws)
        table = query.activity(ws, site, by == "day", query.Window.of(since, until), actor)
    _emit_table(table, fmt, out, title=f"activity at {site}")


def corridors(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's movements.")] = None,
    typecode: Annotated[str | None, typer.Option("--type", help="Only this aircraft type (ICAO, e.g. A124).")] = None,
    by: Annotated[str, typer.Option("--by", help="day (default) or total")] = "day",
    known: Annotated[bool, typer.Option("--known/--all", help="Only pairs with both ends known.")] = False,
    unknown: Annotated[bool, typer.Option("--unknown", help="Also movements with neither end known.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv, geojson, kml or parquet")] = "table",
    out: Out = None,
) -> None:
    """Ordered origin -> destination pairs with movements per day (air, and sea when voyages exist)."""
    _check_format(fmt, CORRIDOR_FORMATS)
    if by not in ("total", "day"):
        raise UsageError("--by must be day or total")
    with Workspace(workspace_path(ctx)) as ws:
        _ensure_built(ws)
        _ensure_maritime(ws)
        window = query.Window.of(since, until)
        if fmt in ("geojson", "kml"):
            table = query.corridors(ws, window, actor, typecode, True, known, unknown)
            totals = export.corridor_totals(table.to_pylist())
            names = sorted({n for t in totals for n in (t["origin"], t["destination"]) if n})
            places = query.place_coordinates(ws, names)
            data: Any = (json.dumps(export.corridors_geojson(totals, places)) + "\n" if fmt == "geojson"
                         else export.corridors_kml(totals, places))
            _emit(data, out)
            return
        table = query.corridors(ws, window, actor, typecode, by == "day", known, unknown)
    _emit_table(table, fmt, out, title="corridors")
