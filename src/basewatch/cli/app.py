"""The `basewatch` command. Subcommands live in small modules that each expose register(app)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli.output import err_console
from basewatch.errors import BasewatchError

app = typer.Typer(
    name="basewatch",
    help="Detect military force-posture changes from flight records, ship positions, imagery and reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Modules that add commands; each has register(app: typer.Typer) -> None.
COMMAND_MODULES = (
    "basewatch.cli.ingest_cmd",
    "basewatch.cli.watchlist_cmd",
    "basewatch.cli.aircraft_cmd",
    "basewatch.cli.flights_cmd",
    "basewatch.cli.demo_cmd",
    "basewatch.cli.ais_cmd",
    "basewatch.cli.maritime_cmd",
    "basewatch.cli.claims_cmd",
    "basewatch.cli.fusion_cmd",
    "basewatch.cli.alerts_cmd",
    "basewatch.cli.imagery_cmd",
)

@app.callback()
def _global_options(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            envvar="BASEWATCH_WORKSPACE",
            help="Workspace file (DuckDB). Default ./basewatch.duckdb.",
        ),
    ] = None,
) -> None:
    ctx.obj = {"workspace": workspace or Path("basewatch.duckdb")}


def workspace_path(ctx: typer.Context) -> Path:
    obj = ctx.find_root().obj or {}
    path = obj.get("workspace")
    return Path(path) if path else Path("basewatch.duckdb")


_registered: set[str] = set()


def _register_all() -> None:
    """Add every command module's commands to `app` (once each: calling this again adds nothing)."""
    for name in COMMAND_MODULES:
        if name in _registered:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(app)
        _registered.add(name)


def main(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes print one clear line and exit 2, never a traceback."""
    _register_all()
    try:
        code = app(args=argv, standalone_mode=False)  # click returns typer.Exit codes here, not raises
        if isinstance(code, int) and code:
            sys.exit(code)
    except BasewatchError as exc:
        err_console().print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console().print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err_console().print("interrupted")
        sys.exit(130)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
