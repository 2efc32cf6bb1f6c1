"""`basewatch serve`: the web dashboard over a workspace (read-only), on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli.output import console


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", "-w", help="Workspace file (default: the global -w).")
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on. Any address but loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="BASEWATCH_TOKEN",
                     help="Access token (16+ characters); generated and printed when --host is not loopback."),
    ] = None,
    cache: Annotated[
        int, typer.Option("--cache", help="API answers kept until the workspace file changes (0: none).")
    ] = 256,
) -> None:
    """Serve the dashboard (map, timelines, claims, evidence) over the workspace, read-only, until Ctrl-C.

    Open the printed address in a browser. Nothing is fetched from the network: the map, its basemap and
    the scripts are shipped in the package. The API is documented at /api.
    """
    from basewatch.cli.app import workspace_path
    from basewatch.web.server import ServeConfig
    from basewatch.web.server import serve as run

    path = workspace or workspace_path(ctx)

    def announce(url: str) -> None:
        console().print(f"basewatch: serving {path} (read-only) at {url}  (Ctrl-C stops)", highlight=False,
                      soft_wrap=True)

    run(ServeConfig(path, host, port, token, cache), announce)
