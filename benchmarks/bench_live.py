"""Watch mode under a sustained mixed ADS-B + AIS stream: rate kept, arrival-to-queryable latency, peak RSS.

The stream: Beast frames (with 12 MHz counters) made from the jet1090 Toulouse recording's raw frames and
AIS NMEA lines of the AMSA log, interleaved half and half, sent by this process over two TCP connections
at RATE messages/s for SECONDS (env BENCH_LIVE_RATE, default 20,000; BENCH_LIVE_SECONDS, default 30).
Cases, each in its own process:
- basewatch watch: `basewatch watch --beast ... --ais-tcp ...` into a fresh workspace (2 s / 5,000-unit
  micro-batches, snapshot every 5 s, no products). Reported: messages committed per second of the run,
  median arrival-to-commit latency (per batch, from live_batches: committed_at minus the midpoint of its
  arrivals, weighted by units; committed = queryable by the watch process, and by other processes at the
  next snapshot, whose median latency the watcher prints), median arrival-to-queryable latency seen by
  another process (a thread polling the snapshot file, opening each new one read-only: now minus the
  midpoint of the arrivals of each batch it newly sees, weighted by units), peak RSS, and current RSS at
  each tenth of the run. BENCH_LIVE_WATCH_ONLY=1 runs only this case (long runs, to watch RSS).
- pyais + rs1090 loop: the same messages from the same TCP stream, read and decoded by a plain loop
  (rs1090.decode in batches, pyais.decode per sentence) and nothing stored: the peer.
- duckdb line scan: DuckDB counting the stream's NMEA and hex lines from a file: the floor for any DuckDB
  ingest.
No timing is asserted anywhere; figures are printed.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from harness import SHARED, Measurement, _vm_hwm_kb, measure, report

RATE = int(os.environ.get("BENCH_LIVE_RATE", "20000"))
SECONDS = float(os.environ.get("BENCH_LIVE_SECONDS", "30"))
JET = SHARED / "adsb" / "traffic_docs_tutorial_jet1090_toulouse.jsonl.gz"
AIS = SHARED / "ais" / "amsa_risky_ais.txt"
TICK = 0.02
WATCH_ONLY = os.environ.get("BENCH_LIVE_WATCH_ONLY") == "1"  # skip the peer and the scan (long RSS runs)
PROFILE = os.environ.get("BENCH_LIVE_PROFILE", "")  # a path: the watch case runs under `py-spy record` (raw)

PEER = r"""
import socket, sys, time
import pyais, rs1090
beast_port, ais_port, total = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
sb = socket.create_connection(("127.0.0.1", beast_port)); sa = socket.create_connection(("127.0.0.1", ais_port))
sb.setblocking(False); sa.setblocking(False)
tail_b = b""; tail_a = b""; done = 0; decoded = 0
while done < total:
    got = False
    for s in (sb, sa):
        try:
            data = s.recv(1 << 16)
        except BlockingIOError:
            continue
        got = True
        if s is sb:
            buf = tail_b + data; frames = buf.split(b"\x1a"); tail_b = b"\x1a" + frames[-1] if len(frames) > 1 else buf
            hexes = [f[8:].hex() for f in frames[1:-1] if f[:1] in (b"2", b"3") and len(f) in (15, 22)]
            decoded += sum(d is not None for d in rs1090.decode(hexes)) if hexes else 0
            done += len(frames) - 2 if len(frames) > 1 else 0
        else:
            buf = tail_a + data; lines = buf.split(b"\n"); tail_a = lines[-1]
            for line in lines[:-1]:
                done += 1
                try:
                    pyais.decode(line.strip())
                    decoded += 1
                except Exception:
                    pass
    if not got:
        time.sleep(0.001)
print(done, decoded)
"""


def _stream() -> tuple[list[bytes], list[bytes]]:
    """Beast frames and NMEA lines (with line ends), enough for RATE * SECONDS messages in all."""
    need = int(RATE * SECONDS / 2) + 1
    beast: list[bytes] = []
    t0: float | None = None
    with gzip.open(JET, "rt") as fh:
        records = [json.loads(line) for line in fh]
    i = 0
    while len(beast) < need:
        r = records[i % len(records)]
        i += 1
        if t0 is None:
            t0 = r["timestamp"]
        hexframe = r.get("frame") or ""
        if len(hexframe) not in (14, 28):
            continue
        counter = int((r["timestamp"] - t0 + (i // len(records)) * 3600) * 12e6) + 1
        body = counter.to_bytes(6, "big") + b"\x00" + bytes.fromhex(hexframe)
        kind = b"3" if len(hexframe) == 28 else b"2"
        beast.append(b"\x1a" + kind + body.replace(b"\x1a", b"\x1a\x1a"))
    lines = [ln + b"\n" for ln in AIS.read_bytes().splitlines() if ln.strip()]
    nmea = [lines[k % len(lines)] for k in range(need)]
    return beast, nmea


async def _send(beast: list[bytes], nmea: list[bytes], started: asyncio.Event, ports: list[int]) -> None:
    per_tick = max(1, int(RATE * TICK / 2))

    async def serve(units: list[bytes], port_slot: int) -> asyncio.AbstractServer:
        async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            started.set()
            begin = time.monotonic()
            try:
                for k in range(0, len(units), per_tick):
                    writer.write(b"".join(units[k:k + per_tick]))
                    await writer.drain()
                    due = begin + (k // per_tick + 1) * TICK
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                await asyncio.sleep(3600)
            except (asyncio.CancelledError, ConnectionError):
                pass

        srv = await asyncio.start_server(client, "127.0.0.1", 0)
        ports[port_slot] = srv.sockets[0].getsockname()[1]
        return srv

    await serve(beast, 0)
    await serve(nmea, 1)


def _run_case(argv_for: Callable[[list[int]], list[str]], beast: list[bytes], nmea: list[bytes],
              ) -> tuple[float, float, list[float], subprocess.Popen[bytes]]:
    """Serve the stream, start the child (argv_for(ports)), sample its RSS; (seconds, peak MB, samples MB)."""
    ports = [0, 0]

    async def main() -> tuple[float, float, list[float], subprocess.Popen[bytes]]:
        started = asyncio.Event()
        await _send(beast, nmea, started, ports)
        proc = subprocess.Popen(argv_for(ports), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        t0 = time.perf_counter()
        peak = 0
        samples: list[float] = []
        marks = [SECONDS * k / 10 for k in range(1, 11)]
        while proc.poll() is None:
            hwm = _vm_hwm_kb(proc.pid)
            if hwm:
                peak = max(peak, hwm)
            if marks and time.perf_counter() - t0 >= marks[0]:
                marks.pop(0)
                samples.append(_vm_rss_kb(proc.pid) / 1024)
            await asyncio.sleep(0.05)
        return time.perf_counter() - t0, peak / 1024, samples, proc

    return asyncio.run(main())


def _vm_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class SnapshotReader(threading.Thread):
    """Another process's view, measured from outside the watcher: poll the snapshot file every 0.1 s;
    when it was replaced, open it read-only and note, for each batch newly visible, now minus the
    midpoint of its arrivals (weighted by units)."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.seen: list[tuple[float, int]] = []
        self.opens = 0

    def run(self) -> None:
        import duckdb

        last: tuple[int, int] | None = None
        newest = -1
        while not self.stop.wait(0.1):
            try:
                st = self.path.stat()
                key = (st.st_ino, st.st_mtime_ns)
                if key == last:
                    continue
                con = duckdb.connect(str(self.path), read_only=True)
                rows = con.execute(
                    "SELECT source_id, (epoch(first_arrival) + epoch(last_arrival)) / 2, units FROM live_batches "
                    "WHERE source_id > ?", [newest]).fetchall()
                con.close()
            except (OSError, duckdb.Error):
                continue
            now = time.time()
            last = key
            self.opens += 1
            for sid, mid, units in rows:
                newest = max(newest, int(sid))
                self.seen.append((now - float(mid), int(units)))

    def median(self) -> float:
        return _weighted_median(self.seen)


def _weighted_median(pairs: list[tuple[float, int]]) -> float:
    weighted = sorted(pairs)
    half = sum(n for _, n in weighted) / 2
    acc = 0
    for lat, n in weighted:
        acc += n
        if acc >= half:
            return lat
    return float("nan")


def _latency(ws: Path) -> tuple[float, int]:
    import duckdb

    con = duckdb.connect(str(ws), read_only=True)
    rows = con.execute(
        "SELECT epoch(committed_at) - (epoch(first_arrival) + epoch(last_arrival)) / 2, units FROM live_batches"
    ).fetchall()
    con.close()
    weighted = sorted((float(lat), int(n)) for lat, n in rows)
    half = sum(n for _, n in weighted) / 2
    acc = 0
    for lat, n in weighted:
        acc += n
        if acc >= half:
            return lat, sum(n for _, n in weighted)
    return float("nan"), 0


def main() -> None:
    if not JET.exists() or not AIS.exists():
        print("bench_live: real data not available, skipped")
        return
    beast, nmea = _stream()
    total = len(beast) + len(nmea)
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp:
        ws = Path(tmp) / "ws.duckdb"
        run_for = SECONDS + 8.0  # the stream, then the last batches and the final snapshot

        def watch_argv(ports: list[int]) -> list[str]:
            spy = str(Path(sys.executable).with_name("py-spy"))
            wrap = [spy, "record", "-r", "50", "-f", "raw", "-o", PROFILE, "--"] if PROFILE else []
            return [*wrap, sys.executable, "-m", "basewatch", "-w", str(ws), "watch",
                    "--beast", f"127.0.0.1:{ports[0]}",
                    "--ais-tcp", f"127.0.0.1:{ports[1]}", "--duration", str(run_for), "--no-products",
                    "--silent-after", "600"]

        reader = SnapshotReader(Path(tmp) / "ws.duckdb.snapshot")
        reader.start()
        _, peak, samples, proc = _run_case(watch_argv, beast, nmea)
        reader.stop.set()
        reader.join()
        out = proc.stdout.read().decode() if proc.stdout else ""
        latency, committed = _latency(ws)
        snap = [ln for ln in out.splitlines() if "median latency" in ln]
        # the watch runs for a fixed time: its rate is what it committed over the stream's duration
        watch = Measurement("basewatch watch (committed)", committed, SECONDS, peak)

        if WATCH_ONLY:
            _print_watch(committed, total, latency, reader, peak, samples, snap)
            return

        def peer_argv(ports: list[int]) -> list[str]:
            return [sys.executable, "-c", PEER, str(ports[0]), str(ports[1]), str(total)]

        p_seconds, p_peak, _, p_proc = _run_case(peer_argv, beast, nmea)
        peer_out = (p_proc.stdout.read().decode() if p_proc.stdout else "").split()
        peer = Measurement("pyais + rs1090 loop", int(peer_out[0]) if peer_out else 0, p_seconds, p_peak)

        lines_file = Path(tmp) / "stream.txt"
        with lines_file.open("wb") as fh:
            fh.writelines(nmea)
            fh.writelines(b.hex().encode() + b"\n" for b in beast)
        scan = measure("duckdb line scan", [sys.executable, "-c",
                       "import duckdb,sys; duckdb.sql(\"SELECT count(*) FROM read_csv(?, columns={'l':'VARCHAR'}, "
                       "header=false, delim='\\x01', quote='')\", params=[sys.argv[1]]).fetchall()",
                       str(lines_file)], total)
    report(f"live: {RATE:,} msg/s target for {SECONDS:g} s ({total:,} messages, half Beast, half AIS NMEA)",
           [watch, peer, scan], "pyais + rs1090 loop")
    _print_watch(committed, total, latency, reader, peak, samples, snap)
    print(f"peer loop: {peer.items:,} messages read and decoded in {p_seconds:.1f} s (it keeps up when about "
          f"{SECONDS:g} s), peak RSS {p_peak:.0f} MB")


def _print_watch(committed: int, total: int, latency: float, reader: SnapshotReader, peak: float,
                 samples: list[float], snap: list[str]) -> None:
    print(f"basewatch watch: {committed:,} of {total:,} messages committed; sustained "
          f"{committed / SECONDS:,.0f} msg/s against {RATE:,} sent; median arrival-to-commit latency "
          f"{latency:.2f} s; median arrival-to-queryable by another process (reader polling the snapshot, "
          f"{reader.opens} snapshots opened) {reader.median():.2f} s; peak RSS {peak:.0f} MB; RSS at each "
          "tenth of the run: " + ", ".join(f"{s:.0f}" for s in samples) + " MB")
    for line in snap:
        print("  watcher: " + line.strip())


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
