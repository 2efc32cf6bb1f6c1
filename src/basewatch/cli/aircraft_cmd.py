"""`basewatch aircraft import FILE`, `basewatch aircraft show HEX`, `basewatch aircraft list`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from basewatch.cli.app import open_workspace, working_on
from basewatch.cli.options import TABLE_FORMATS, Actor, Limit, Out, TableFormat, check_format, emit
from basewatch.cli.output import console, err_console, print_json, print_table, to_jsonable

aircraft_app = typer.Typer(
    help="Aircraft identity: import aircraft databases, show what is known.", no_args_is_help=True
)

FormatOption = Annotated[str, typer.Option("--format", help="table or json")]


def register(app: typer.Typer) -> None:
    app.add_typer(aircraft_app, name="aircraft")


def _check_format(fmt: str) -> None:
    check_format(fmt, ("table", "json"))


@aircraft_app.command("import")
def import_cmd(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Aircraft database files (OpenSky, tar1090-db, ...).")],
    input_format: Annotated[
        str, typer.Option("--input-format", help="auto, opensky-db, tar1090-db, tar1090-extract or ru-registry")
    ] = "auto",
    fmt: FormatOption = "table",
) -> None:
    """Import aircraft databases into the workspace (registration, type, operator per origin)."""
    from basewatch.identity.aircraftdb import choose_reader, import_aircraft_db

    _check_format(fmt)
    for f in files:  # refuse before writing anything if one file is of no known layout
        choose_reader(f, input_format)
    reports = []
    with open_workspace(ctx, create=True) as ws:
        for f in files:
            with err_console().status(f"importing {f}"), working_on(str(f)):
                reports.append(import_aircraft_db(ws, f, input_format))
    if fmt == "json":
        print_json([r.as_json() for r in reports])
        return
    rows = [
        {
            **r.as_json(),
            "reasons": "; ".join(f"{k}: {v['count']} (lines {v['lines']})" for k, v in r.reasons.items()),
            "note": "already imported" if r.already_ingested else "",
        }
        for r in reports
    ]
    print_table(
        rows,
        ["path", "input_format", "accepted", "rejected", "duplicates", "reasons", "note"],
        title="aircraft import",
    )


@aircraft_app.command("show")
def show_cmd(
    ctx: typer.Context,
    icao24: Annotated[str, typer.Argument(help="ICAO 24-bit address, hex (e.g. 154076).")],
    fmt: FormatOption = "table",
) -> None:
    """Everything known of one aircraft and which actor rules match it, and why."""
    from basewatch.identity.describe import describe_aircraft

    _check_format(fmt)
    with open_workspace(ctx) as ws:
        info = describe_aircraft(ws, icao24)
    if fmt == "json":
        print_json(info)
        return
    _print_description(info)


def _print_description(info: dict[str, Any]) -> None:
    country = info["country"]
    where = f"{country['name']} ({country['iso2'] or '-'}), block {country['block']}" if country else "no State block"
    console().print(f"[bold]{info['icao24']}[/]  {where}", highlight=False)
    pts = info["points"]
    console().print(
        f"points: {pts['count']} from {pts['sources']} source(s); first {to_jsonable(pts['first_seen'])}, "
        f"last {to_jsonable(pts['last_seen'])}",
        highlight=False,
    )
    if info["callsigns"]:
        console().print("callsigns: " + ", ".join(info["callsigns"]), highlight=False)
    if info["records"]:
        print_table(
            info["records"],
            ["origin", "registration", "typecode", "type_desc", "operator", "military", "source"],
            title="records",
        )
    if info["watchlist"]:
        print_table(info["watchlist"], ["actor_id", "registration", "typecode", "operator"], title="watchlist facts")
    if info["actors"]:
        print_table(info["actors"], ["actor_id", "actor_name", "reason"], title="actor matches")
    else:
        console().print("no actor rule matches", highlight=False)


@aircraft_app.command("list")
def list_cmd(
    ctx: typer.Context,
    actor: Actor = None,
    fmt: TableFormat = "table",
    limit: Limit = None,
    out: Out = None,
) -> None:
    """Every aircraft in the workspace with its country, best-known identity and actor."""
    import pyarrow.compute as pc

    from basewatch.identity.actors import aircraft_identity

    check_format(fmt, TABLE_FORMATS)
    with open_workspace(ctx) as ws:
        table = aircraft_identity(ws)
    if actor is not None:
        table = table.filter(pc.equal(table["actor_id"], actor))
    emit(table, fmt, out, title="aircraft", limit=limit)
