"""Run the dashboard with uvicorn: loopback by default, a token for any other address."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.errors import BasewatchError

if TYPE_CHECKING:
    import uvicorn

    from basewatch.web.source import WorkspaceSource

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_CONNECTIONS = 512     # beyond this uvicorn answers 503 instead of queueing without bound
MAX_HEADER_BYTES = 16_384  # h11's limit on a request's head (request line and headers)


@dataclass(frozen=True)
class ServeConfig:
    workspace: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    cache: int = 256  # API answers kept per workspace snapshot; 0 for none


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def effective_token(host: str, token: str | None) -> str | None:
    """The token in force: the given one; a fresh random one when the address is not loopback."""
    if token is not None:
        if len(token) < 16:
            raise BasewatchError("--token: at least 16 characters")
        return token
    return None if is_loopback(host) else secrets.token_urlsafe(24)


def make_server(config: ServeConfig, source: WorkspaceSource) -> tuple[uvicorn.Server, str]:
    """The uvicorn server for the dashboard over `source`, and the address to open (token included)."""
    import uvicorn

    from basewatch.web.app import create_app

    if not 0 < config.port < 65536:
        raise BasewatchError(f"--port: 1 to 65535, got {config.port}")
    token = effective_token(config.host, config.token)
    if config.cache < 0:
        raise BasewatchError(f"--cache: 0 or more, got {config.cache}")
    app = create_app(source, token=token, local_only=is_loopback(config.host), cache_size=config.cache)
    shown = f"[{config.host}]" if ":" in config.host else config.host
    url = f"http://{shown}:{config.port}/" + (f"?token={token}" if token else "")
    server = uvicorn.Server(uvicorn.Config(
        app, host=config.host, port=config.port, log_level="warning", access_log=False,
        limit_concurrency=MAX_CONNECTIONS, h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=5, lifespan="off",
    ))
    return server, url


def serve(config: ServeConfig, announce: Callable[[str], None]) -> None:
    """Serve until interrupted; announce() gets the address to open (with the token when there is one)."""
    from basewatch.web.source import WorkspaceSource

    source = WorkspaceSource(config.workspace)
    try:
        server, url = make_server(config, source)
        announce(url)
        server.run()
    finally:
        source.close()
