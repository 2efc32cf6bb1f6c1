"""The ASGI app: API routes, the static page, and a guard in front of both.

The guard (plain ASGI, before any routing) lets only GET and HEAD through, refuses any request body and
over-long paths or query strings, checks the Host header (a page on another site cannot reach the API
through DNS rebinding), checks the access token when one is set, and adds the security headers to every
answer: a Content-Security-Policy of `default-src 'self'` (MapLibre's worker is a same-origin module
file, so no `blob:` is needed), no sniffing, no referrer, no framing.
"""

from __future__ import annotations

import gzip
import hmac
import mimetypes
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from basewatch.errors import BasewatchError, WorkspaceError
from basewatch.web import analysis, api, records
from basewatch.web.cache import AnswerCache
from basewatch.web.source import WorkspaceSource

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
MAX_PATH = 1024
MAX_QUERY = 4096
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
TOKEN_COOKIE = "basewatch_token"
DEFAULT_CACHE = 256
GZIP_MIN = 1024


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0] if ":" in host else host


class Guard:
    """Method, size, host and token checks; security headers on every answer."""

    def __init__(self, app: ASGIApp, *, token: str | None, local_only: bool) -> None:
        self.app = app
        self.token = token
        self.local_only = local_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)

    def _refusal(self, scope: Scope) -> Response | None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["method"] not in ("GET", "HEAD"):
            return Response("only GET and HEAD\n", 405, {"allow": "GET, HEAD"}, "text/plain")
        if headers.get("content-length", "0") != "0" or "transfer-encoding" in headers:
            return Response("no request body is accepted\n", 413, media_type="text/plain")
        if len(scope["path"]) > MAX_PATH or len(scope["query_string"]) > MAX_QUERY:
            return Response("request too long\n", 414, media_type="text/plain")
        if self.local_only and _host_name(headers.get("host", "")) not in LOCAL_HOSTS:
            return Response("unknown host\n", 421, media_type="text/plain")
        if self.token is not None:
            return self._check_token(scope, headers)
        return None

    def _check_token(self, scope: Scope, headers: dict[str, str]) -> Response | None:
        assert self.token is not None
        offered = ""
        auth = headers.get("authorization", "")
        if auth.startswith("Bearer "):
            offered = auth[7:]
        else:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(headers.get("cookie", ""))
            if TOKEN_COOKIE in cookie:
                offered = cookie[TOKEN_COOKIE].value
        if offered and hmac.compare_digest(offered.encode(), self.token.encode()):
            return None
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        if given and hmac.compare_digest(given[0].encode(), self.token.encode()):
            # the link printed at start-up: keep the token in a cookie and drop it from the address bar
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = scope["path"] + (f"?{rest}" if rest else "")
            return Response(status_code=303, headers={
                "location": location,
                "set-cookie": f"{TOKEN_COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/",
            })
        return Response("a valid token is needed (open the link printed by `basewatch serve`)\n", 401,
                        media_type="text/plain")


def _static_dir() -> str:
    return str(resources.files("basewatch.web") / "static")


def _page(request: Request) -> FileResponse:
    return FileResponse(f"{_static_dir()}/index.html", headers={"cache-control": "no-cache"})


async def _error(request: Request, exc: Exception) -> Response:
    status = 404 if isinstance(exc, api.NotFound) else 503 if isinstance(exc, WorkspaceError) else 400
    return api.JsonResponse({"error": str(exc)}, status)


async def _db_error(request: Request, exc: Exception) -> Response:
    """A query cut short, e.g. by the workspace file being replaced by a new snapshot meanwhile."""
    return api.JsonResponse({"error": f"workspace busy, retry ({type(exc).__name__})"}, 503,
                            {"retry-after": "1"})


Endpoint = Callable[[Request], Response]


def _index(request: Request) -> Response:
    """Every endpoint with what it answers (served at /api)."""
    return api.JsonResponse({"endpoints": {**api.ENDPOINTS, **records.ENDPOINTS, **analysis.ENDPOINTS}})


def _cached(endpoint: Endpoint, cache: AnswerCache, zipped: AnswerCache) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint with its successful answers kept for the current workspace snapshot.

    A kept answer is sent from the event loop itself (no worker thread); only a miss runs the endpoint in
    the thread pool. Answers over GZIP_MIN bytes go gzipped to clients that accept it, compressed once.
    """

    async def answer(request: Request) -> Response:
        source: WorkspaceSource = request.app.state.source
        key = (source.current_generation(), request.url.path, request.url.query)  # notices a replaced file
        body = cache.get(key)
        if body is None:
            response = await run_in_threadpool(endpoint, request)
            if response.status_code != 200:
                return response
            body = bytes(response.body)
            cache.put(key, body)
        if len(body) < GZIP_MIN or "gzip" not in request.headers.get("accept-encoding", ""):
            return Response(body, media_type="application/json", headers={"vary": "Accept-Encoding"})
        packed = zipped.get(key)
        if packed is None:
            packed = gzip.compress(body, compresslevel=5, mtime=0)
            zipped.put(key, packed)
        return Response(packed, media_type="application/json",
                        headers={"content-encoding": "gzip", "vary": "Accept-Encoding"})

    return answer


def _routes(cache: AnswerCache, zipped: AnswerCache) -> list[Route | Mount]:
    endpoints: list[tuple[str, Endpoint]] = [
        ("/api", _index), ("/api/meta", api.meta), ("/api/sites", api.sites), ("/api/actors", api.actors),
        ("/api/sources", api.sources), ("/api/flights", api.flights), ("/api/flights/{flight_id}", api.flight),
        ("/api/flights/{flight_id}/points", api.flight_points), ("/api/activity", api.activity),
        ("/api/corridors", api.corridors), ("/api/port_calls", api.port_calls), ("/api/voyages", api.voyages),
        ("/api/dark_periods", api.dark_periods), ("/api/port_calls/{call_id}", records.port_call),
        ("/api/voyages/{voyage_id}", records.voyage), ("/api/dark_periods/{dark_id}", records.dark_period),
        ("/api/vessels", api.vessels), ("/api/vessels/{mmsi}", api.vessel),
        ("/api/claims", api.claims), ("/api/reports/{report_id}", api.report),
        ("/api/alerts", analysis.alerts), ("/api/alerts/{alert_id}", analysis.alert), ("/api/bands", analysis.bands),
        ("/api/assessments", analysis.assessments), ("/api/claim_statuses", analysis.claim_statuses),
        ("/api/imagery", analysis.imagery), ("/api/imagery/{observation_id}", analysis.observation),
        ("/api/imagery_changes", analysis.imagery_changes),
        ("/api/imagery_changes/{change_id}", analysis.imagery_change),
    ]
    routes: list[Route | Mount] = [Route("/", _page)]
    routes += [Route(path, _cached(fn, cache, zipped) if cache.size > 0 else fn) for path, fn in endpoints]
    routes.append(Route("/api/imagery/{observation_id}/image", analysis.image))  # a picture: not kept as JSON
    return [*routes, Mount("/static", StaticFiles(directory=_static_dir()), name="static")]


def create_app(source: WorkspaceSource, *, token: str | None = None, local_only: bool = True,
               cache_size: int = DEFAULT_CACHE) -> ASGIApp:
    """The dashboard over `source`. local_only: answer only requests addressed to 127.0.0.1/localhost.

    cache_size: API answers kept per workspace snapshot (0: none).
    """
    mimetypes.add_type("text/javascript", ".mjs")
    import duckdb

    cache = AnswerCache(cache_size)
    handlers = {BasewatchError: _error, duckdb.Error: _db_error}
    app = Starlette(routes=_routes(cache, AnswerCache(cache_size)), exception_handlers=handlers)
    app.state.source = source
    app.state.cache = cache
    guarded: ASGIApp = Guard(app, token=token, local_only=local_only)
    return guarded
