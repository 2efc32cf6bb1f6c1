"""`basewatch watchlist load FILE`, `basewatch sites`."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import print_json, print_table

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
    from basewatch.workspace.core import Workspace

    wl = load_watchlist(file)
    with Workspace(workspace_path(ctx)) as ws:
        n_sites, n_actors = store_watchlist(ws, wl, str(file), file.read_text(encoding="utf-8"))
    typer.echo(f"loaded {n_sites} sites and {n_actors} actors from {file}")


def sites(
    ctx: typer.Context, fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table"
) -> None:
    """List the watched sites."""
    from basewatch.watchlist.store import read_sites
    from basewatch.workspace.core import Workspace

    with Workspace(workspace_path(ctx)) as ws:
        all_sites = read_sites(ws)
    rows = [dataclasses.asdict(s) for s in all_sites]
    if fmt == "json":
        print_json(rows)
    else:
        print_table(rows, ["id", "name", "kind", "country", "lat", "lon", "radius_km", "icao"], title="sites")


def actors(
    ctx: typer.Context, fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table"
) -> None:
    """List the watched actors with their rules and known airframes."""
    from basewatch.watchlist.store import read_actors
    from basewatch.workspace.core import Workspace

    with Workspace(workspace_path(ctx)) as ws:
        all_actors = read_actors(ws)
    rows = [dataclasses.asdict(a) for a in all_actors]
    if fmt == "json":
        print_json(rows)
        return
    summary = [
        {
            "id": a.id,
            "name": a.name,
            "rules": len(a.rules),
            "aircraft": ", ".join(k.registration or k.icao24 for k in a.aircraft),
            "vessels": ", ".join(v.name or v.mmsi for v in a.vessels),
        }
        for a in all_actors
    ]
    print_table(summary, ["id", "name", "rules", "aircraft", "vessels"], title="actors")
