"""The `basewatch` command. Subcommands live in small modules that each expose register(app)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from basewatch.cli.output import error_line
from basewatch.errors import BasewatchError

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

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
    "basewatch.cli.info_cmd",
    "basewatch.cli.imagery_cmd",
    "basewatch.cli.alerts_cmd",
    "basewatch.cli.live_cmd",

    "basewatch.cli.web_cmd",

    "basewatch.cli.fusion_cmd",
)

def _version(value: bool) -> None:
    if value:
        from basewatch import __version__

        typer.echo(f"basewatch {__version__}")
        raise typer.Exit()


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
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    wait: Annotated[float | None, typer.Option(
        "--wait", min=0.0, metavar="SECONDS",
        help="How long to wait for a workspace another command is using (default $BASEWATCH_WAIT or 60; "
             "0: stop at once).")] = None,
) -> None:
    from basewatch.workspace import lock

    lock.set_wait(wait)
    ctx.obj = {"workspace": workspace or Path("basewatch.duckdb")}


def workspace_path(ctx: typer.Context) -> Path:
    obj = ctx.find_root().obj or {}
    path = obj.get("workspace")
    return Path(path) if path else Path("basewatch.duckdb")


def open_workspace(ctx: typer.Context, *, create: bool = False, read_only: bool = False) -> Workspace:
    """The -w workspace. Commands that only read pass neither flag: a missing workspace is an error (a
    typo in -w must not silently create an empty one); commands that store records pass create=True."""
    from basewatch.workspace.core import Workspace

    return Workspace.open(workspace_path(ctx), create=create, read_only=read_only)


# what the running command would lose if interrupted (shown in the Ctrl-C line), innermost last
_WORK: list[str] = []
_INTERRUPTED: list[str] = []


@contextmanager
def working_on(what: str) -> Iterator[None]:
    """Name what is being written, for the line Ctrl-C prints ("interrupted; nothing of WHAT was kept")."""
    _WORK.append(what)
    try:
        yield
    except KeyboardInterrupt:
        _INTERRUPTED.append(what)
        raise
    finally:
        _WORK.pop()


def _interrupted() -> None:
    what = _INTERRUPTED[0] if _INTERRUPTED else None
    sys.stderr.write(f"interrupted; nothing of {what} was kept\n" if what else "interrupted\n")
    sys.exit(130)


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


_GLOBAL_WITH_VALUE = ("-w", "--workspace", "--wait")


def _name_command(argv: list[str]) -> None:
    """What this run does, for the workspace's lock file ("ingest day.sbs"): the words without global options."""
    from basewatch.workspace import lock

    words: list[str] = []
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _GLOBAL_WITH_VALUE:
            skip = True
        elif not word.startswith(tuple(f"{g}=" for g in _GLOBAL_WITH_VALUE[1:])):
            words.append(word)
    lock.set_command(words or ["basewatch"])


def main(argv: list[str] | None = None) -> None:
    """Entry point: a user error prints one line on stderr and exits 2 (Ctrl-C: one line, exit 130),
    never a traceback."""
    import click

    _register_all()
    _name_command(sys.argv[1:] if argv is None else argv)
    try:
        # click returns typer.Exit codes here, not raises (typer turns Ctrl-C into code 130)
        code = app(args=argv, prog_name="basewatch", standalone_mode=False)
        if code == 130:
            _interrupted()
        if isinstance(code, int) and code:
            sys.exit(code)
    except BasewatchError as exc:
        error_line(exc)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort, click.exceptions.Abort):
        _interrupted()
    except click.UsageError as exc:  # unknown option, missing argument, bad value
        command = exc.ctx.command_path if exc.ctx is not None else "basewatch"
        error_line(f"{exc.format_message()} (see `{command} --help`)")
        sys.exit(2)
    except click.ClickException as exc:
        error_line(exc.format_message())
        sys.exit(exc.exit_code)
    except Exception as exc:  # a full disk or a read-only file system, met by DuckDB or by Python
        from basewatch.cli.faults import storage_fault

        message = storage_fault(exc)
        if message is None:
            raise
        error_line(message)
        sys.exit(2)
