"""Web dashboard: map idle time in headless chromium, and the API under bounded concurrent load.

`python benchmarks/run.py web`. Builds a demo workspace (BENCH_WEB_DAYS simulated days from 1 December
2024, default the month, with ships), then:

1. map idle: `basewatch serve` in its own process; Debian's chromium (Playwright, software WebGL) opens the
   dashboard BENCH_WEB_LOADS times in fresh contexts; the time from navigation to the page's ready mark (set
   at the map's 'idle' once the first view's layers are drawn; lakes, rivers and the full-detail land load
   after it), on the page's own clock, is reported (median and worst), with the wall time until Playwright
   noticed the mark beside it. BENCH_WEB_PARTS=map runs this part alone, =load the API part alone.
2. API load: BENCH_WEB_CLIENTS concurrent keep-alive clients (default 200) for BENCH_WEB_SECONDS (default
   60) each against (a) `basewatch serve` (its answers kept per snapshot, so repeated URLs are answered
   from memory), (a') `basewatch serve --cache 0` (every request runs its queries) and (b) a bare Starlette
   app on uvicorn running the same filters as one DuckDB query each (json.dumps of the rows), in
   the same run: the peer is about the least an ASGI server over this DuckDB file can do per request.
   Requests cycle over site and flight queries. Reported: requests/s, p50/p95/p99 latency, errors. Client
   and servers are separate processes on the same 2 cores.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DAYS = int(os.environ.get("BENCH_WEB_DAYS", "31"))
LOADS = int(os.environ.get("BENCH_WEB_LOADS", "5"))
CLIENTS = int(os.environ.get("BENCH_WEB_CLIENTS", "200"))
SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "60"))
PARTS = set(os.environ.get("BENCH_WEB_PARTS", "map,load").split(","))  # map: map idle only; load: API load only
QUERIES = ("/api/sites?limit=100", "/api/flights?site=khmeimim&limit=100", "/api/flights?site=al-khadim&limit=100",
           "/api/flights?site=benina&since=2024-12-10&limit=100")

PEER_SQL = {
    "sites": "SELECT site_id, name, kind, country, lat, lon, radius_km, icao, aliases FROM sites ORDER BY site_id "
             "LIMIT ?",
    "flights": "SELECT * EXCLUDE (source_ids) FROM flights WHERE (origin_site = ? OR destination_site = ?) "
               "AND start >= ? ORDER BY start, icao24 LIMIT ?",
}


# -- the bare peer: Starlette + DuckDB, no basewatch --------------------------------------------------------
def peer_app(workspace: str) -> object:
    import datetime as dt
    import threading

    import duckdb
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    con = duckdb.connect(workspace, read_only=True)
    local = threading.local()

    def cursor() -> duckdb.DuckDBPyConnection:
        if not hasattr(local, "cur"):
            local.cur = con.cursor()
            local.cur.execute("SET TimeZone = 'UTC'")
        return local.cur

    def rows(sql: str, params: list[object]) -> Response:
        cur = cursor().execute(sql, params)
        names = [d[0] for d in cur.description]
        data = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        return Response(json.dumps({"rows": data}, default=str), media_type="application/json")

    def sites(request: Request) -> Response:
        return rows(PEER_SQL["sites"], [int(request.query_params.get("limit", "100"))])

    def flights(request: Request) -> Response:
        q = request.query_params
        since = dt.datetime.fromisoformat(q.get("since", "1970-01-01")).replace(tzinfo=dt.UTC)
        site = q.get("site")
        return rows(PEER_SQL["flights"], [site, site, since, int(q.get("limit", "100"))])

    return Starlette(routes=[Route("/api/sites", sites), Route("/api/flights", flights)])


def serve_peer(workspace: str, port: int) -> None:
    import uvicorn

    uvicorn.run(peer_app(workspace), host="127.0.0.1", port=port, log_level="warning", access_log=False,  # type: ignore[arg-type]
                limit_concurrency=512, timeout_keep_alive=5, lifespan="off")


# -- load client: plain HTTP/1.1 keep-alive over asyncio streams --------------------------------------------
async def _client(port: int, deadline: float, offset: int, latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = offset
    try:
        while time.perf_counter() < deadline:
            path = QUERIES[i % len(QUERIES)]
            i += 1
            t = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t)
            if status != 200:
                errors.append(str(status))
    except (OSError, asyncio.IncompleteReadError) as exc:
        errors.append(type(exc).__name__)
    finally:
        writer.close()


async def _load(port: int, clients: int, seconds: float) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    await asyncio.gather(*(_client(port, start + seconds, k, latencies, errors) for k in range(clients)))
    return latencies, errors, time.perf_counter() - start


def _wait_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    import socket

    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("server did not start")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(argv: list[str], port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(HERE)])}
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_port(port, proc)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(10)


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def _line(name: str, latencies: list[float], errors: list[str], seconds: float) -> str:
    ms = [v * 1000 for v in latencies]
    return (f"{name:<28} {len(ms):>9,} {len(ms) / seconds:>9,.0f} {_percentile(ms, 50):>8.1f} "
            f"{_percentile(ms, 95):>8.1f} {_percentile(ms, 99):>8.1f} {len(errors):>7}")


def _cpu() -> float:
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _map_idle(url: str) -> tuple[list[float], list[float]]:
    """Per load: navigation start to the page's ready mark on the page's own clock, and the wall time until
    Playwright notices the mark (its polling lags while the page loads the deferred basemap detail)."""
    from playwright.sync_api import sync_playwright

    times, walls = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(LOADS):
            context = browser.new_context(viewport={"width": 1400, "height": 850})
            page = context.new_page()
            t = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-ready]", state="attached", timeout=120_000)
            walls.append(time.perf_counter() - t)
            times.append(page.evaluate("performance.getEntriesByName('bw:ready')[0].startTime") / 1000)
            marks = page.evaluate("performance.getEntriesByType('mark').filter(m => m.name.startsWith('bw:'))"
                                  ".map(m => [m.name, m.startTime, m.detail ? m.detail.frames : null])")
            print("  in the page: " + ", ".join(f"{name[3:]} {ms / 1000:.2f} s" + (f" ({n} frames)" if n else "")
                                               for name, ms, n in marks), flush=True)
            context.close()
        browser.close()
    return times, walls


def main() -> None:
    if not Path(CHROMIUM).exists():
        print("\n## web: skipped (no /usr/bin/chromium)")
        return
    import datetime as dt

    from basewatch.demo.run import run_demo
    from basewatch.demo.scenario import ScenarioConfig

    with tempfile.TemporaryDirectory(prefix="bench_web_") as tmp:
        print(f"\n## web: building a demo workspace of {DAYS} days", flush=True)
        t = time.perf_counter()
        result = run_demo(Path(tmp), ScenarioConfig(start=dt.date(2024, 12, 1), days=DAYS))
        ws = str(result.workspace)
        print(f"  demo built in {time.perf_counter() - t:.1f} s ({result.flights} flights)", flush=True)
        port = _free_port()
        server = _start([sys.executable, "-m", "basewatch", "serve", "-w", ws, "--port", str(port)], port)
        try:
            if "map" in PARTS:
                cpu0, wall0 = _cpu(), time.perf_counter()
                idle, walls = _map_idle(f"http://127.0.0.1:{port}/")
                print(f"map idle in headless chromium (software WebGL), {LOADS} loads, navigation to ready: "
                      f"median {statistics.median(idle):.2f} s, worst {max(idle):.2f} s (as Playwright saw it: "
                      f"median {statistics.median(walls):.2f} s, worst {max(walls):.2f} s; "
                      f"all loads: wall {time.perf_counter() - wall0:.1f} s, CPU of this process and children "
                      f"{_cpu() - cpu0:.1f} s, 1-min load average {os.getloadavg()[0]:.2f})", flush=True)
            if "load" not in PARTS:
                return
            basewatch = asyncio.run(_load(port, CLIENTS, SECONDS))
        finally:
            _stop(server)
        port = _free_port()
        server = _start([sys.executable, "-m", "basewatch", "serve", "-w", ws, "--port", str(port), "--cache", "0"],
                        port)
        try:
            uncached = asyncio.run(_load(port, CLIENTS, SECONDS))
        finally:
            _stop(server)
        peer_port = _free_port()
        peer = _start([sys.executable, str(Path(__file__)), "peer", ws, str(peer_port)], peer_port)
        try:
            bare = asyncio.run(_load(peer_port, CLIENTS, SECONDS))
        finally:
            _stop(peer)
    print(f"API load: {CLIENTS} keep-alive clients x {SECONDS:.0f} s each, queries cycling over {len(QUERIES)} "
          "site/flight URLs")
    print(f"{'server':<28} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    print(_line("basewatch serve", *basewatch))
    print(_line("basewatch serve --cache 0", *uncached))
    print(_line("bare Starlette + DuckDB", *bare))
    for name, run in (("basewatch serve", basewatch), ("basewatch serve --cache 0", uncached)):
        ratio = (len(run[0]) / run[2]) / (len(bare[0]) / bare[2])
        print(f"{name} throughput = {ratio:.2f}x the bare peer", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "peer":
        serve_peer(sys.argv[2], int(sys.argv[3]))
    else:
        main()
