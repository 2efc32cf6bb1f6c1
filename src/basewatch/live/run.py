"""Running a watch from a front end: feeds from command-line endpoints, signals, an optional duration."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
from collections.abc import Callable, Sequence
from pathlib import Path

from basewatch.live.spec import FeedSpec, LiveError, WatchParams, file_feed, tcp_feed, udp_feed
from basewatch.live.watcher import Watcher


def build_feeds(*, sbs: Sequence[str] = (), beast: Sequence[str] = (), avr: Sequence[str] = (),
                ais_tcp: Sequence[str] = (), ais_udp: Sequence[str] = (), jet1090: Sequence[str] = (),
                follow: Sequence[Path] = ()) -> list[FeedSpec]:
    """Feed ids name format and endpoint (`sbs@127.0.0.1:30003`), so they stay the same across restarts."""
    feeds: list[FeedSpec] = []
    for fmt, endpoints in (("sbs", sbs), ("beast", beast), ("avr", avr), ("ais", ais_tcp), ("jet1090", jet1090)):
        for text in endpoints:
            spec = tcp_feed("", fmt, text)
            feeds.append(tcp_feed(f"{fmt}@{spec.host}:{spec.port}", fmt, text))
    for text in ais_udp:
        spec = udp_feed("", "ais", text)
        feeds.append(udp_feed(f"ais-udp@{spec.host}:{spec.port}", "ais", text))
    for path in follow:
        feeds.append(file_feed(f"file@{path.resolve()}", _sniff_format(path), path))
    return feeds


def _sniff_format(path: Path) -> str:
    from basewatch.live.replay import READER_FORMATS

    if not path.is_file():
        raise LiveError(f"{path}: no such file (to follow a file it must exist; it may be empty)")
    if path.stat().st_size == 0:
        raise LiveError(f"{path}: empty: its format cannot be told yet")
    from basewatch.ingest.registry import choose_reader

    name = choose_reader(path, "auto").name
    if name not in READER_FORMATS or name == "beast":
        raise LiveError(f"{path}: {name} files cannot be followed (SBS, NMEA, AVR, jet1090 JSON lines can)")
    return READER_FORMATS[name]


def _stamp(report: Callable[[str], None]) -> Callable[[str], None]:
    def out(text: str) -> None:
        report(f"{dt.datetime.now(dt.UTC).strftime('%H:%M:%S')} {text}")

    return out


async def run_watch(workspace: Path, feeds: Sequence[FeedSpec], params: WatchParams, folders: Sequence[Path],
                    report: Callable[[str], None], duration: float | None = None) -> Watcher:
    """Watch until SIGINT/SIGTERM (or `duration` seconds), then finish the open batches and return."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    if duration is not None:
        loop.call_later(duration, stop.set)
    watcher = Watcher(workspace, feeds, params, folders=folders, report=_stamp(report))
    await watcher.run(stop)
    return watcher
