"""`basewatch watchlist load FILE`, `basewatch sites`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli.app import open_workspace
from basewatch.cli.options import TABLE_FORMATS, Limit, Out, TableFormat, check_format, emit

watchlist_app = typer.Typer(help="Manage the watchlist of sites and actors.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(watchlist_app, name="watchlist")
    app.command("sites")(sites)
    app.command("actors")(actors)


@watchlist_app.command("load")
def load(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="Watchlist TOML file.")]) -> None:
    """Add or replace (by id) the sites and actors of a TOML watchlist."""
    from basewatch.watchlist.load import load_watchlist
    from basewatch.watchlist.store import store_watchlist

    wl = load_watchlist(file)
    with open_workspace(ctx, create=True) as ws:
        n_sites, n_actors = store_watchlist(ws, wl, str(file), file.read_text(encoding="utf-8"))
    typer.echo(f"loaded {n_sites} sites and {n_actors} actors from {file}")


def sites(
    ctx: typer.Context,
    fmt: TableFormat = "table",
    out: Out = None,
    limit: Limit = None,
) -> None:
    """List the watched sites."""
    check_format(fmt, TABLE_FORMATS)
    with open_workspace(ctx, read_only=True) as ws:
        table = ws.sites()
    emit(table, fmt, out, columns=["site_id", "name", "kind", "country", "lat", "lon", "radius_km", "icao"],
         title="sites", limit=limit)


def actors(
    ctx: typer.Context,
    fmt: TableFormat = "table",
    out: Out = None,
    limit: Limit = None,
) -> None:
    """List the watched actors: number of rules, airframes and vessels listed for each."""
    check_format(fmt, TABLE_FORMATS)
    with open_workspace(ctx, read_only=True) as ws:
        table = ws.actors()
    emit(table, fmt, out, title="actors", limit=limit)
