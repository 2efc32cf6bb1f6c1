"""Play a recording as a live feed: `basewatch replay FILE --to tcp://127.0.0.1:PORT [--speed N]`.

tcp: we listen on PORT, as a receiver does, and send the recording to each client that connects;
udp: we send each line as a datagram to HOST:PORT (as AIS-catcher does). Pacing follows the recording's
own times (SBS generated time, NMEA tag block c: or trailing epoch, jet1090 timestamp, time,hex CSV,
Beast 12 MHz counter) divided by the speed; speed 0 sends as fast as the connection takes it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from basewatch.live.framing import BeastFramer, LineFramer
from basewatch.live.spec import LiveError, parse_host_port

# ingest reader name -> live feed format
READER_FORMATS = {"sbs": "sbs", "beast": "beast", "avr": "avr", "jet1090": "jet1090", "nmea": "ais"}
_TAG_C = re.compile(rb"(?:^\\|,)c:(\d+(?:\.\d*)?)")
_TRAILING = re.compile(rb"\*[0-9A-Fa-f]{2}(?:,[^,]*)?,(\d{9,13}(?:\.\d*)?)\s*$")
_JSON_T = re.compile(rb'"timestamp"\s*:\s*([0-9]+(?:\.[0-9]*)?)')
_CSV_T = re.compile(rb"^\s*([0-9]{9,10}(?:\.[0-9]*)?)\s*,")
_AVR_MLAT = re.compile(rb"^\s*[@<]([0-9A-Fa-f]{12})")


@dataclass(frozen=True)
class Target:
    transport: str  # tcp | udp
    host: str
    port: int


def parse_target(text: str) -> Target:
    parts = urlsplit(text)
    if parts.scheme not in ("tcp", "udp") or not parts.netloc:
        raise LiveError(f"{text!r}: expected tcp://HOST:PORT or udp://HOST:PORT")
    host, port = parse_host_port(parts.netloc)
    return Target(parts.scheme, host, port)


def _sbs_time(unit: bytes) -> float | None:
    f = unit.split(b",")
    if len(f) < 10 or f[0] != b"MSG":
        return None
    for day, clock in ((f[6], f[7]), (f[8], f[9])):
        try:
            base = dt.datetime.strptime(day.decode() + " " + clock.decode()[:8] + " +0000", "%Y/%m/%d %H:%M:%S %z")
            frac = float("0" + clock.decode()[8:]) if len(clock) > 8 else 0.0
        except ValueError:
            continue
        return base.timestamp() + frac
    return None


def _regex_time(pattern: re.Pattern[bytes], scale: float = 1.0) -> Callable[[bytes], float | None]:
    def get(unit: bytes) -> float | None:
        m = pattern.search(unit)
        if not m:
            return None
        v = float(m.group(1))
        return v / 1000.0 if v >= 1e11 else v / scale

    return get


def _beast_time(unit: bytes) -> float | None:
    counter = int.from_bytes(unit[1:7], "big") if unit[:1] in (b"1", b"2", b"3") else 0
    return counter / 12e6 if counter else None


def _avr_time(unit: bytes) -> float | None:
    m = _AVR_MLAT.match(unit)
    if m:
        c = int(m.group(1), 16)
        return c / 12e6 if c else None
    return _regex_time(_CSV_T)(unit)


TIME_OF: dict[str, Callable[[bytes], float | None]] = {
    "sbs": _sbs_time,
    "ais": lambda u: _regex_time(_TAG_C)(u) or _regex_time(_TRAILING)(u),
    "jet1090": _regex_time(_JSON_T),
    "avr": _avr_time,
    "beast": _beast_time,
}


def schedule(times: Sequence[float | None], speed: float) -> list[float]:
    """Seconds after the start at which each unit is sent: its time since the first known time divided
    by speed, never earlier than the unit before (units without a time go with the one before)."""
    out: list[float] = []
    first: float | None = None
    last = 0.0
    for t in times:
        if t is not None and speed > 0:
            if first is None:
                first = t
            last = max(last, (t - first) / speed)
        out.append(last)
    return out


def recording(path: Path, fmt: str | None = None) -> tuple[str, list[bytes]]:
    """The recording's live format and its units (lines, or Beast frames re-escaped for sending)."""
    from basewatch.ingest.adsb.capture import read_bytes
    from basewatch.ingest.registry import choose_reader

    if fmt is None:
        name = choose_reader(path, "auto").name
        if name not in READER_FORMATS:
            raise LiveError(f"{path}: {name} files cannot be replayed as a feed (SBS, Beast, AVR, jet1090, NMEA can)")
        fmt = READER_FORMATS[name]
    data = read_bytes(path)
    if fmt == "beast":
        framer = BeastFramer()
        units = framer.feed(data) + framer.close()
        return fmt, [b"\x1a" + u[:1] + u[1:].replace(b"\x1a", b"\x1a\x1a") for u in units]
    lines = LineFramer()
    return fmt, [u + b"\n" for u in lines.feed(data if data.endswith(b"\n") else data + b"\n")]


def _raw_time(fmt: str, unit: bytes) -> float | None:
    if fmt == "beast":  # the unit as sent: 0x1a + type + escaped body
        return _beast_time(unit[1:].replace(b"\x1a\x1a", b"\x1a"))
    return TIME_OF[fmt](unit)


async def _paced(units: Sequence[bytes], offsets: Sequence[float], send: Callable[[bytes], object],
                 drain: Callable[[], object] | None = None) -> None:
    start = time.monotonic()
    batch: list[bytes] = []
    for unit, at in zip(units, offsets, strict=True):
        wait = at - (time.monotonic() - start)
        if wait > 0.002:
            if batch:
                send(b"".join(batch))
                batch = []
                if drain is not None:
                    await drain()  # type: ignore[misc]
            await asyncio.sleep(wait)
        batch.append(unit)
        if len(batch) >= 256:
            send(b"".join(batch))
            batch = []
            if drain is not None:
                await drain()  # type: ignore[misc]
            else:
                await asyncio.sleep(0)
    if batch:
        send(b"".join(batch))
        if drain is not None:
            await drain()  # type: ignore[misc]


async def replay(path: Path, target: Target, speed: float = 1.0, *, fmt: str | None = None,
                 once: bool = False, ready: Callable[[int], None] | None = None,
                 stop: asyncio.Event | None = None, hold: bool = False) -> int:
    """Replay until stop (or, with once, after the first client got everything). Returns clients served.
    hold: keep each connection open after the recording until stop (a receiver does not hang up)."""
    fmt, units = recording(path, fmt)
    offsets = schedule([_raw_time(fmt, u) for u in units], speed)
    stop = stop or asyncio.Event()
    if target.transport == "udp":
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol,
                                                           remote_addr=(target.host, target.port))
        try:
            if ready is not None:
                ready(target.port)
            start = time.monotonic()
            for unit, at in zip(units, offsets, strict=True):  # one datagram per line
                wait = at - (time.monotonic() - start)
                await asyncio.sleep(max(wait, 0.0))  # at least a yield: the receiver must keep up
                transport.sendto(unit)
        finally:
            transport.close()
        return 1
    served = 0
    finished = asyncio.Event()

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal served
        try:
            await _paced(units, offsets, writer.write, writer.drain)
            served += 1
            if hold:
                await stop.wait()
        except ConnectionError:
            pass
        finally:
            writer.close()
            if once:
                finished.set()

    server = await asyncio.start_server(client, target.host, target.port)
    port = server.sockets[0].getsockname()[1]
    if ready is not None:
        ready(port)
    try:
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(finished.wait())]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for w in waits:
            w.cancel()
    finally:
        server.close()
        await server.wait_closed()
    return served
