"""The watch loop: sources -> framers -> micro-batches -> one writer thread -> workspace -> products, snapshot.

One asyncio loop reads every feed; units are cut into micro-batches per connection (closed after
`batch_seconds` or `batch_units`, whichever comes first) and put on a bounded queue; past its size a
batch is dropped and counted (overflow), never blocking the sockets. One writer thread owns the
workspace: it decodes each batch (decoders.py) and writes it in one transaction (store.py). At most every
`publish_every_s` it brings the derived products up to date through the product registry (`ensure`:
whole products, rebuilt when their inputs changed, so the results are those of a batch analyse); at most
every `snapshot_every_s` (and after each product update) it replaces the read-only snapshot that other
processes read while the watch holds the file, from the previous one plus what changed (snapshot.py).
A feed without data for `silent_after_s` is reported and recorded as a receiver outage until data
returns. Folders are polled: a file whose size and time stayed the same for one poll is ingested once
(by content hash), in one transaction, like `basewatch ingest`.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from basewatch.live.decoders import Batch, Decoder, decoder_for
from basewatch.live.framing import Framer, LineFramer, framer_for
from basewatch.live.sources import pause
from basewatch.live.spec import FeedSpec, LiveError, WatchParams

if TYPE_CHECKING:
    from basewatch.ingest.pipeline import IngestReport
    from basewatch.workspace.core import Workspace

T = TypeVar("T")
PRODUCTS = ("flights", "maritime", "alerts")  # ensured after batches, when registered
_SKIP_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload", "~")
LATENCY_WINDOW = 2000
OPEN_RETRY_S = 10.0


@dataclass
class FeedStats:
    """What one feed did since the watch started."""

    feed_id: str
    endpoint: str
    units: int = 0
    records: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    malformed: dict[str, int] = field(default_factory=dict)
    overflow_units: int = 0
    overflow_batches: int = 0
    failed_units: int = 0
    batches: int = 0
    connections: int = 0
    failures: int = 0
    outages: int = 0
    last_data: float | None = None
    in_outage: bool = False
    failing: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "units": self.units, "records": self.records, "duplicates": self.duplicates,
            "rejected": self.rejected, "reasons": dict(sorted(self.reasons.items())),
            "malformed": dict(sorted(self.malformed.items())), "overflow_units": self.overflow_units,
            "overflow_batches": self.overflow_batches, "failed_units": self.failed_units,
            "batches": self.batches, "connections": self.connections,
            "failures": self.failures, "outages": self.outages, "in_outage": self.in_outage,
        }


@dataclass
class _Conn:
    feed: FeedSpec
    connection_id: int
    framer: Framer
    decoder: Decoder
    next_seq: int
    units: list[bytes] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    started: float | None = None
    unit_ends: list[int] = field(default_factory=list)  # followed files: offset after each pending unit
    malformed_seen: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Committed:
    """One batch written (what the writer thread hands back)."""

    feed_id: str
    connection_id: int
    units: int
    records: int
    duplicates: int
    rejected: int
    reasons: dict[str, int]
    latency_s: float
    notes: tuple[str, ...]


def _merged(items: Sequence[tuple[Batch, Decoder, str]], limit: int) -> list[tuple[Batch, Decoder, str]]:
    """Consecutive batches of each connection joined (up to `limit` units), connections in the order of
    their first batch."""
    out: list[tuple[Batch, Decoder, str]] = []
    open_: dict[int, int] = {}  # connection -> index in out of its batch being merged
    for batch, decoder, endpoint in items:
        k = open_.get(batch.connection_id)
        if k is not None and len(out[k][0].units) + len(batch.units) <= limit:
            prev = out[k][0]
            out[k] = (Batch(prev.feed_id, prev.format, prev.connection_id, prev.first_seq,
                            [*prev.units, *batch.units], np.concatenate([prev.arrivals, batch.arrivals]),
                            batch.end_offset, batch.final), decoder, endpoint)
        else:
            open_[batch.connection_id] = len(out)
            out.append((batch, decoder, endpoint))
    return out


class Watcher:
    """Follow feeds and folders into one workspace until `stop` is set (see the module docstring)."""

    def __init__(
        self,
        workspace_path: Path,
        feeds: Sequence[FeedSpec] = (),
        params: WatchParams | None = None,
        *,
        folders: Sequence[Path] = (),
        report: Callable[[str], None] | None = None,
        products: Sequence[str] = PRODUCTS,
    ) -> None:
        ids = [f.feed_id for f in feeds]
        if len(set(ids)) != len(ids):
            raise LiveError(f"feed ids must be unique: {ids}")
        self.path = Path(workspace_path)
        self.feeds = list(feeds)
        self.params = params or WatchParams()
        self.folders = [Path(f) for f in folders]
        self.report = report or (lambda text: None)
        self.products = tuple(products)
        self.stats = {f.feed_id: FeedStats(f.feed_id, f.endpoint) for f in self.feeds}
        self.progress = asyncio.Event()
        self.latencies: deque[float] = deque(maxlen=LATENCY_WINDOW)
        self.snapshot_latencies: deque[float] = deque(maxlen=LATENCY_WINDOW)
        self.files_ingested: list[Path] = []
        self.folder_reports: list[IngestReport] = []
        self.units_by_connection: dict[int, int] = {}
        self.alerts_seen: set[str] = set()
        self._conns: dict[int, _Conn] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="basewatch-writer")
        self._queue: asyncio.Queue[tuple[Batch, Decoder, str] | None] | None = None
        self._ws: Workspace | None = None
        self._started = time.time()
        self._last_publish = 0.0
        self._last_products = 0.0
        self._snapshot_cost = 0.0  # seconds the last snapshot took
        self._dirty = False  # committed since the last snapshot
        self._snapshots = 0  # published by this process
        self._unpublished: list[float] = []  # median arrival of each batch committed since the last snapshot
        self._tasks: set[asyncio.Task[None]] = set()

    # -- the writer thread ----------------------------------------------------------------------
    async def _db(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _open(self) -> Workspace:
        import duckdb

        from basewatch.live.snapshot import is_lock_error
        from basewatch.workspace.core import Workspace

        deadline = time.monotonic() + OPEN_RETRY_S  # a reader may hold the file for a moment
        while self.path.exists():
            try:
                duckdb.connect(str(self.path)).close()
                break
            except duckdb.Error as exc:
                if not is_lock_error(exc) or time.monotonic() > deadline:
                    raise LiveError(f"{self.path}: cannot be opened for writing (another `basewatch watch`?): "
                                    f"{exc}") from exc
                time.sleep(0.2)
        ws = Workspace(self.path)
        if ws.read_only:
            ws.close()
            raise LiveError(f"{self.path}: another process holds this workspace (another `basewatch watch`?)")
        ws.cap_memory(self.params.memory_limit)
        return ws

    def _write(self, batch: Batch, decoder: Decoder, endpoint: str) -> Committed:
        from basewatch.errors import BasewatchError
        from basewatch.ingest.base import ReadResult, Rejects
        from basewatch.live.store import write_batch

        assert self._ws is not None
        try:
            result: ReadResult = decoder.decode(batch)
        except BasewatchError as exc:  # the reader refused the whole batch: its units are counted as rejected
            rejects = Rejects()
            rejects.add(getattr(exc, "reason", str(exc)), batch.first_seq, len(batch.units))
            result = ReadResult({}, rejects, ())
        stats = self.stats[batch.feed_id].as_json()
        rep = write_batch(self._ws, batch, result, stats, endpoint)
        now = time.time()
        latency = float(now - np.median(batch.arrivals)) if len(batch.arrivals) else 0.0
        return Committed(batch.feed_id, batch.connection_id, len(batch.units), rep.accepted, rep.duplicates,
                         rep.rejected, dict(result.rejects.counts), latency, result.notes)

    def _publish(self, products: bool) -> tuple[list[str], float]:
        """Ensure the registered products (when `products`), then replace the snapshot. Returns lines to
        report and the seconds the snapshot took."""
        from basewatch.errors import ProductError
        from basewatch.live.snapshot import publish
        from basewatch.products import ensure, get

        assert self._ws is not None
        lines: list[str] = []
        if products and self.params.products:
            for name in self.products:
                try:
                    get(name)
                except ProductError:
                    continue
                summary = ensure(self._ws, name, incremental=True)
                if summary.rebuilt:
                    how = "for what changed" if summary.details.get("incremental") else "whole"
                    lines.append(f"{name}: brought up to date ({how}) in {summary.seconds:.2f} s")
            lines.extend(self._new_alerts())
        took = 0.0
        if self.params.snapshot:
            t0 = time.perf_counter()
            publish(self._ws, incremental=self._snapshots > 0)
            self._snapshots += 1
            took = time.perf_counter() - t0
        return lines, took

    def _new_alerts(self) -> list[str]:
        assert self._ws is not None
        exists = self._ws.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'alerts' AND NOT temporary"
        ).fetchone()
        if not exists or not exists[0]:
            return []
        cur = self._ws.con.execute("SELECT * FROM alerts")
        names = [d[0] for d in cur.description or []]
        out: list[str] = []
        for row in cur.fetchall():
            text = json.dumps(dict(zip(names, row, strict=True)), default=str, sort_keys=True)
            if text not in self.alerts_seen:
                self.alerts_seen.add(text)
                out.append("ALERT " + ", ".join(f"{k}={v}" for k, v in zip(names, row, strict=True) if v is not None))
                out.extend(self._deliver(text))
        return out

    def _deliver(self, alert_json: str) -> list[str]:
        """Append a new alert to the JSONL file and POST it to the local webhook; problems are reported."""
        problems: list[str] = []
        if self.params.alerts_jsonl:
            try:
                with open(self.params.alerts_jsonl, "a", encoding="utf-8") as fh:
                    fh.write(alert_json + "\n")
            except OSError as exc:
                problems.append(f"alerts file {self.params.alerts_jsonl}: {exc.strerror or exc}")
        if self.params.alerts_webhook:
            import urllib.error
            import urllib.request

            req = urllib.request.Request(self.params.alerts_webhook, data=alert_json.encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:  # a checked local http URL
                    resp.read()
            except (urllib.error.URLError, OSError) as exc:
                problems.append(f"alert webhook {self.params.alerts_webhook}: {exc}")
        return problems

    # -- the sink (called by sources on the loop) -------------------------------------------------
    async def opened(self, feed: FeedSpec) -> int:
        from basewatch.live.store import open_connection, resume_point

        conn = await self._db(open_connection, self._require_ws(), feed.feed_id, feed.endpoint)
        next_seq = 1
        if feed.transport == "file":
            next_seq = (await self._db(resume_point, self._require_ws(), feed.endpoint))[1] + 1
        self._conns[conn] = _Conn(feed, conn, framer_for(feed.format),
                                  decoder_for(feed.format, self.params.receiver_position), next_seq)
        st = self.stats[feed.feed_id]
        st.connections += 1
        st.failing = False
        if feed.transport != "udp":
            self.report(f"{feed.feed_id}: connected to {feed.endpoint} (connection {conn})")
        else:
            self.report(f"{feed.feed_id}: listening on {feed.endpoint}")
        return conn

    def data(self, connection_id: int, data: bytes, arrival: float, end_offset: int | None = None) -> None:
        c = self._conns[connection_id]
        before = c.framer.pending
        units = c.framer.feed(data)
        st = self.stats[c.feed.feed_id]
        st.last_data = arrival
        if st.in_outage:
            st.in_outage = False
            self._spawn(self._end_outage(c.feed, arrival))
        if end_offset is not None and isinstance(c.framer, LineFramer):  # a followed file: exact resume points
            base = end_offset - len(data) - before
            c.unit_ends.extend(base + e for e in c.framer.last_ends)
        self._add_units(c, units, arrival)

    def _add_units(self, c: _Conn, units: list[bytes], arrival: float) -> None:
        room = self.params.batch_units
        while units:
            take = units[: room - len(c.units)]
            units = units[len(take):]
            if c.started is None:
                c.started = arrival
            c.units.extend(take)
            c.arrivals.extend([arrival] * len(take))
            if len(c.units) >= room:
                self._close_batch(c)

    async def closed(self, connection_id: int, reason: str) -> None:
        from basewatch.live.store import close_connection

        c = self._conns.pop(connection_id)
        self._add_units(c, c.framer.close(), time.time())
        self._close_batch(c, final=True)
        await self._db(close_connection, self._require_ws(), connection_id, reason)
        self.report(f"{c.feed.feed_id}: connection {connection_id} closed ({reason})")

    def failed(self, feed: FeedSpec, reason: str) -> None:
        st = self.stats[feed.feed_id]
        st.failures += 1
        if not st.failing:
            st.failing = True
            self.report(f"{feed.feed_id}: {reason}; retrying with backoff")

    def _close_batch(self, c: _Conn, final: bool = False) -> None:
        st = self.stats[c.feed.feed_id]
        for reason, n in c.framer.malformed.counts.items():
            new = n - c.malformed_seen.get(reason, 0)
            if new:
                st.malformed[reason] = st.malformed.get(reason, 0) + new
                c.malformed_seen[reason] = n
        if not c.units:
            return
        end_offset = c.unit_ends[len(c.units) - 1] if len(c.unit_ends) >= len(c.units) else None
        c.unit_ends = c.unit_ends[len(c.units):]
        batch = Batch(c.feed.feed_id, c.feed.format, c.connection_id, c.next_seq, c.units,
                      np.asarray(c.arrivals, dtype=np.float64), end_offset, final)
        c.next_seq += len(c.units)
        c.units, c.arrivals, c.started = [], [], None
        assert self._queue is not None
        try:
            self._queue.put_nowait((batch, c.decoder, c.feed.endpoint))
        except asyncio.QueueFull:
            st.overflow_units += len(batch.units)
            st.overflow_batches += 1
            self.report(f"{c.feed.feed_id}: writer behind, queue full: {len(batch.units)} units dropped "
                        f"({st.overflow_units} so far)")

    # -- outages --------------------------------------------------------------------------------
    async def _end_outage(self, feed: FeedSpec, at: float) -> None:
        from basewatch.live.store import end_outage

        await self._db(end_outage, self._require_ws(), feed.feed_id, at)
        self.report(f"{feed.feed_id}: data again; outage closed")

    async def _start_outage(self, feed: FeedSpec, since: float, reason: str) -> None:
        from basewatch.live.store import start_outage

        await self._db(start_outage, self._require_ws(), feed.feed_id, feed.endpoint, feed.kind, since, reason)

    def _check_silence(self, now: float) -> None:
        for feed in self.feeds:
            st = self.stats[feed.feed_id]
            since = st.last_data if st.last_data is not None else self._started
            if not st.in_outage and now - since >= self.params.silent_after_s:
                st.in_outage = True
                st.outages += 1
                what = "down (no connection)" if st.failing else "silent"
                reason = f"{what} for {now - since:.0f} s"
                self.report(f"{feed.feed_id}: {reason}: recorded as a receiver outage")
                self._spawn(self._start_outage(feed, since, reason))

    # -- tasks ----------------------------------------------------------------------------------
    def _spawn(self, coro: object) -> None:
        task = asyncio.ensure_future(coro)  # type: ignore[call-overload]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _require_ws(self) -> Workspace:
        assert self._ws is not None
        return self._ws

    async def _ticker(self, stop: asyncio.Event) -> None:
        step = min(0.1, self.params.batch_seconds / 4)
        while not stop.is_set():
            now = time.time()
            for c in list(self._conns.values()):
                if c.started is not None and now - c.started >= self.params.batch_seconds:
                    self._close_batch(c)
            self._check_silence(now)
            await pause(stop, step)

    async def _writer(self) -> None:
        """Write queued batches in order. When the writer is behind, the batches waiting for one connection
        are merged into one transaction (still one contiguous sequence range): the per-transaction cost is
        paid once for all of them, so a backlog shrinks instead of growing."""
        assert self._queue is not None
        while True:
            items: list[tuple[Batch, Decoder, str] | None] = [await self._queue.get()]
            while not self._queue.empty() and len(items) < self.params.queue_batches:
                items.append(self._queue.get_nowait())
            last = items[-1] is None
            for batch, decoder, endpoint in _merged([i for i in items if i is not None], self.params.merge_units):
                try:
                    done = await self._db(self._write, batch, decoder, endpoint)
                except Exception as exc:  # one bad batch must not stop the watch; it is reported
                    self.stats[batch.feed_id].failed_units += len(batch.units)
                    self.report(f"{batch.feed_id}: batch {batch.first_seq}-{batch.last_seq} NOT written: "
                                f"{type(exc).__name__}: {exc}")
                    continue
                self._account(done)
            await self._publish_due()
            self.progress.set()
            if last or None in items:
                return

    def _account(self, done: Committed) -> None:
        st = self.stats[done.feed_id]
        st.units += done.units
        st.records += done.records
        st.duplicates += done.duplicates
        st.rejected += done.rejected
        st.batches += 1
        self.units_by_connection[done.connection_id] = self.units_by_connection.get(done.connection_id, 0) + done.units
        for reason, n in done.reasons.items():
            st.reasons[reason] = st.reasons.get(reason, 0) + n
        self.latencies.append(done.latency_s)
        self._unpublished.append(time.time() - done.latency_s)
        self._dirty = True
        self.report(f"{done.feed_id}: {done.units} units -> {done.records} records ({done.duplicates} duplicates, "
                    f"{done.rejected} rejected), {done.latency_s:.2f} s after arrival")

    def _due(self) -> tuple[bool, bool]:
        """(products due, snapshot due) now."""
        now = time.time()
        products = self.params.products and now - self._last_products >= self.params.publish_every_s
        every = min(self.params.snapshot_every_s, self.params.publish_every_s)
        if every > 0:  # 0: after every batch
            every = max(every, 3 * self._snapshot_cost)
        snapshot = self.params.snapshot and self._dirty and now - self._last_publish >= every
        return products, products or snapshot

    async def _publish_due(self) -> None:
        products, snapshot = self._due()
        if snapshot:
            await self._publish_now(products)

    async def _publish_now(self, products: bool = True) -> None:
        if not (self.params.snapshot or self.params.products):
            return
        try:
            lines, self._snapshot_cost = await self._db(self._publish, products)
        except Exception as exc:  # a product that fails to build must not stop the watch: said, retried later
            lines = [f"derived products not brought up to date: {type(exc).__name__}: {exc}"]
        now = time.time()
        self._last_publish = now
        if products:
            self._last_products = now
        if self.params.snapshot:
            self.snapshot_latencies.extend(now - t for t in self._unpublished)
        self._unpublished.clear()
        self._dirty = False
        for line in lines:
            self.report(line)

    async def _folder(self, folder: Path, stop: asyncio.Event) -> None:
        from basewatch.errors import BasewatchError
        from basewatch.ingest.pipeline import ingest_file

        seen: dict[Path, tuple[int, int]] = {}
        done: dict[Path, tuple[int, int]] = {}
        self.report(f"folder {folder}: watching for new files")
        while not stop.is_set():
            for path in sorted(folder.iterdir()) if folder.is_dir() else []:
                if not path.is_file() or path.name.startswith(".") or path.name.endswith(_SKIP_SUFFIXES):
                    continue
                st = path.stat()
                key = (st.st_size, st.st_mtime_ns)
                if done.get(path) == key:
                    continue
                if seen.get(path) != key:  # new or still growing: wait one more poll
                    seen[path] = key
                    continue
                done[path] = key
                try:
                    rep = await self._db(ingest_file, self._require_ws(), path)
                except BasewatchError as exc:
                    self.report(f"folder: {exc}")
                    continue
                if rep.already_ingested:
                    continue
                self.files_ingested.append(path)
                self.folder_reports.append(rep)
                self.report(f"folder: {path.name}: {rep.accepted} records ({rep.input_format}), "
                            f"{rep.rejected} rejected, {rep.duplicates} duplicates")
                self._dirty = True
                await self._publish_due()
                self.progress.set()
            await pause(stop, self.params.folder_poll_s)

    async def run(self, stop: asyncio.Event) -> dict[str, FeedStats]:
        """Watch until stop is set; then close every batch, write it, publish once more, close."""
        from basewatch.live.sources import source_for
        from basewatch.live.store import resume_point

        self._queue = asyncio.Queue(maxsize=self.params.queue_batches)
        self._ws = await self._db(self._open)
        self._started = time.time()
        try:
            writer = asyncio.ensure_future(self._writer())
            ticker = asyncio.ensure_future(self._ticker(stop))
            runs = []
            for feed in self.feeds:
                offset = 0
                if feed.transport == "file":
                    offset = (await self._db(resume_point, self._ws, feed.endpoint))[0]
                runs.append(asyncio.ensure_future(source_for(feed, self.params, offset).run(self, stop)))
            runs.extend(asyncio.ensure_future(self._folder(f, stop)) for f in self.folders)
            await stop.wait()
            await asyncio.gather(*runs)
            await ticker
            for c in list(self._conns.values()):
                self._close_batch(c)
            if self._tasks:
                await asyncio.gather(*list(self._tasks))
            await self._queue.put(None)
            await writer
            await self._publish_now()
            for feed in self.feeds:
                from basewatch.live.store import put_stats

                await self._db(put_stats, self._ws, feed.feed_id, feed.endpoint, self.stats[feed.feed_id].as_json())
        finally:
            ws, self._ws = self._ws, None
            if ws is not None:
                await self._db(ws.close)
            self._executor.shutdown(wait=True)
        return self.stats

    # -- for callers that wait for progress (tests, the demo) ------------------------------------
    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> None:
        """Return once predicate() holds (checked after every committed batch); TimeoutError after timeout."""
        async def loop() -> None:
            while not predicate():
                await self.progress.wait()
                self.progress.clear()

        await asyncio.wait_for(loop(), timeout=timeout)

    def median_latency(self) -> float | None:
        """Median over the recent batches of (commit time - median arrival of the batch's units)."""
        return statistics.median(self.latencies) if self.latencies else None

    def median_snapshot_latency(self) -> float | None:
        """The same, up to the snapshot that made each batch visible to other processes."""
        return statistics.median(self.snapshot_latencies) if self.snapshot_latencies else None
