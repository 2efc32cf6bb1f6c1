"""Where bytes come from: small strategies behind one Protocol (TCP client, UDP receiver, followed file).

A source runs until `stop` is set and reports to a `Sink`: a connection opened, bytes with their arrival
time, a connection closed, a connection attempt that failed. TCP reconnects with exponential backoff
(reset after a connection that delivered data); a followed file resumes at the committed offset and
starts again from the beginning if it is truncated (log rotation).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from basewatch.live.spec import FeedSpec, WatchParams

READ_SIZE = 1 << 16
FILE_POLL_S = 0.2


class Sink(Protocol):
    async def opened(self, feed: FeedSpec) -> int:
        """A connection is up; returns its connection id."""
        ...

    def data(self, connection_id: int, data: bytes, arrival: float, end_offset: int | None = None) -> None: ...

    async def closed(self, connection_id: int, reason: str) -> None: ...

    def failed(self, feed: FeedSpec, reason: str) -> None: ...


class Source(Protocol):
    feed: FeedSpec

    async def run(self, sink: Sink, stop: asyncio.Event) -> None: ...


async def pause(stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds` or until stop; True if stop was set."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


@dataclass
class TcpSource:
    """We connect to a receiver's TCP port (readsb 30003/30005/30002, AIS-catcher, jet1090)."""

    feed: FeedSpec
    params: WatchParams

    async def run(self, sink: Sink, stop: asyncio.Event) -> None:
        delay = self.params.backoff_initial_s
        while not stop.is_set():
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.feed.host, self.feed.port), timeout=10.0
                )
            except (OSError, TimeoutError) as exc:
                sink.failed(self.feed, f"cannot connect: {exc.strerror or exc}" if isinstance(exc, OSError)
                            else "cannot connect: timed out")
                if await pause(stop, delay):
                    return
                delay = min(delay * 2, self.params.backoff_max_s)
                continue
            conn = await sink.opened(self.feed)
            reason = "closed by the feed"
            got = False
            try:
                while True:
                    read = asyncio.ensure_future(reader.read(READ_SIZE))
                    halt = asyncio.ensure_future(stop.wait())
                    done, _ = await asyncio.wait({read, halt}, return_when=asyncio.FIRST_COMPLETED)
                    if read not in done:
                        read.cancel()
                        reason = "watch stopped"
                        break
                    halt.cancel()
                    data = read.result()
                    if not data:
                        break
                    got = True
                    sink.data(conn, data, time.time())
            except OSError as exc:
                reason = f"connection lost: {exc.strerror or exc}"
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
            await sink.closed(conn, reason)
            if got:
                delay = self.params.backoff_initial_s
            if stop.is_set() or await pause(stop, delay):
                return
            delay = min(delay * 2, self.params.backoff_max_s)


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, sink: Sink, conn: int) -> None:
        self.sink = sink
        self.conn = conn

    def datagram_received(self, data: bytes, addr: tuple[str | object, int]) -> None:
        if not data.endswith(b"\n"):
            data += b"\n"  # one datagram holds whole sentences
        self.sink.data(self.conn, data, time.time())


@dataclass
class UdpSource:
    """We listen on a UDP port (AIS-catcher / rtl-ais send NMEA datagrams, 10110 by convention)."""

    feed: FeedSpec
    params: WatchParams

    async def run(self, sink: Sink, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        conn = await sink.opened(self.feed)
        try:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Datagrams(sink, conn), local_addr=(self.feed.host, self.feed.port)
            )
        except OSError as exc:
            sink.failed(self.feed, f"cannot listen: {exc.strerror or exc}")
            await sink.closed(conn, "cannot listen")
            return
        try:
            await stop.wait()
        finally:
            transport.close()
        await sink.closed(conn, "watch stopped")


@dataclass
class FileSource:
    """A growing file (jet1090 or readsb writing JSON lines / SBS / NMEA to disk), followed like tail -F."""

    feed: FeedSpec
    params: WatchParams
    start_offset: int = 0

    async def run(self, sink: Sink, stop: asyncio.Event) -> None:
        path = Path(self.feed.path or "")
        offset = self.start_offset
        conn = await sink.opened(self.feed)
        reason = "watch stopped"
        while not stop.is_set():
            try:
                size = path.stat().st_size
            except OSError:
                sink.failed(self.feed, f"{path}: not there (yet)")
                if await pause(stop, FILE_POLL_S * 5):
                    break
                continue
            if size < offset:  # truncated or replaced: start again
                offset = 0
            if size == offset:
                if await pause(stop, FILE_POLL_S):
                    break
                continue
            with path.open("rb") as fh:
                fh.seek(offset)
                while not stop.is_set():
                    data = fh.read(READ_SIZE)
                    if not data:
                        break
                    offset += len(data)
                    sink.data(conn, data, time.time(), end_offset=offset)
                    await asyncio.sleep(0)
        await sink.closed(conn, reason)


def source_for(feed: FeedSpec, params: WatchParams, start_offset: int = 0) -> Source:
    if feed.transport == "tcp":
        return TcpSource(feed, params)
    if feed.transport == "udp":
        return UdpSource(feed, params)
    return FileSource(feed, params, start_offset)
