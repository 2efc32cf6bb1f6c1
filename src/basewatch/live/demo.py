"""`basewatch demo --live`: the December scenario arriving as live feeds instead of files.

The scenario's SBS-1 logs are replayed over TCP (as a receiver's port 30003 would send them), its NMEA
files over TCP (as AIS-catcher would), and its other recorder files (OpenSky Parquet, readsb traces) are
dropped one by one into a watched folder. One watcher follows all of them into the demo's workspace,
bringing the derived products (and alerts, when that product is installed) up to date as batches
commit, and prints what happens. The records end the same as those of the file demo.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.errors import DemoError
from basewatch.live.replay import Target, replay
from basewatch.live.spec import FeedSpec, WatchParams
from basewatch.live.watcher import Watcher

if TYPE_CHECKING:
    from basewatch.ingest.pipeline import IngestReport
    from basewatch.workspace.core import Workspace

DEMO_PARAMS = WatchParams(batch_seconds=0.5, batch_units=5000, publish_every_s=2.0, folder_poll_s=0.1,
                          backoff_initial_s=0.1, backoff_max_s=0.5)


def _joined(paths: Sequence[Path], into: Path) -> Path:
    """Several logs as one recording, in order (one feed sends them one after the other)."""
    with into.open("wb") as out:
        for p in paths:
            data = p.read_bytes()
            out.write(data if data.endswith(b"\n") else data + b"\n")
    return into


async def _live(ws_path: Path, feeds_files: dict[str, Path], drops: Sequence[Path], inbox: Path,
                report: Callable[[str], None], params: WatchParams) -> Watcher:
    stop_replay = asyncio.Event()
    loop = asyncio.get_running_loop()
    servers: list[asyncio.Future[int]] = []
    feeds: list[FeedSpec] = []
    for fmt, path in feeds_files.items():
        ready: asyncio.Future[int] = loop.create_future()
        servers.append(asyncio.ensure_future(replay(path, Target("tcp", "127.0.0.1", 0), 0.0, fmt=fmt,
                                                    ready=ready.set_result, stop=stop_replay, hold=True)))
        port = await ready
        feeds.append(FeedSpec(f"demo-{fmt}", fmt, "tcp", "127.0.0.1", port))
        report(f"replaying {path.name} as a {fmt} feed on tcp://127.0.0.1:{port}")
    expected = {f"demo-{fmt}": path.read_bytes().count(b"\n") for fmt, path in feeds_files.items()}
    watcher = Watcher(ws_path, feeds, params, folders=[inbox] if drops else [], report=report)
    stop = asyncio.Event()
    run = asyncio.ensure_future(watcher.run(stop))
    for path in drops:  # recorder files arriving one by one
        tmp = inbox / (path.name + ".part")
        shutil.copyfile(path, tmp)
        tmp.rename(inbox / path.name)
    def arrived() -> bool:
        failed = {f: st.failed_units for f, st in watcher.stats.items() if st.failed_units}
        if failed:  # the demo could not end equal to the file demo; say so now, not after the timeout
            raise DemoError(f"the live demo could not write what arrived (units not written: {failed}); "
                            "the watcher's messages above say why")
        return (all(watcher.stats[f].units >= n for f, n in expected.items())
                and len(watcher.files_ingested) >= len(drops))

    try:
        await watcher.wait_until(arrived, timeout=600)
    except BaseException:
        stop.set()
        stop_replay.set()
        await asyncio.gather(run, *servers, return_exceptions=True)
        raise
    stop.set()
    await run
    stop_replay.set()
    await asyncio.gather(*servers)
    return watcher


def live_ingest(ws: Workspace, records: Sequence[Path], report: Callable[[str], None] = print,
                params: WatchParams = DEMO_PARAMS) -> list[IngestReport]:
    """Bring `records` into the (open) workspace through live feeds and a watched folder; returns one
    report per feed and per file, like the file demo's ingest."""
    from basewatch.ingest.pipeline import IngestReport

    sbs = [p for p in records if p.parent.name == "sbs"]
    nmea = [p for p in records if p.suffix.lower() in (".nmea", ".nm4", ".ais", ".txt") and p not in sbs]
    others = [p for p in records if p not in sbs and p not in nmea]
    with tempfile.TemporaryDirectory(prefix="basewatch-live-demo-") as tmp:
        folder = Path(tmp)
        inbox = folder / "inbox"
        inbox.mkdir()
        files: dict[str, Path] = {}
        if sbs:
            files["sbs"] = _joined(sbs, folder / "feed.sbs")
        if nmea:
            files["ais"] = _joined(nmea, folder / "feed.nmea")
        watcher = asyncio.run(_live(ws.path, files, others, inbox, report, params))
    out: list[IngestReport] = []
    for feed_id, st in watcher.stats.items():
        out.append(IngestReport(f"live://{feed_id}", feed_id, st.records, st.rejected, st.duplicates,
                                {r: {"count": n} for r, n in st.reasons.items()}))
    return out + watcher.folder_reports
