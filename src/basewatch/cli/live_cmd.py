"""`basewatch watch ...` (follow receivers and folders) and `basewatch replay FILE --to tcp://...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import console, err_console


def register(app: typer.Typer) -> None:
    app.command("watch")(watch)
    app.command("replay")(replay)


def watch(
    ctx: typer.Context,
    sbs: Annotated[list[str] | None, typer.Option("--sbs", help="SBS-1 BaseStation TCP, HOST:PORT (30003)")] = None,
    beast: Annotated[list[str] | None, typer.Option("--beast", help="Beast binary TCP, HOST:PORT (30005)")] = None,
    avr: Annotated[list[str] | None, typer.Option("--avr", help="raw AVR TCP, HOST:PORT (30002)")] = None,
    ais_tcp: Annotated[list[str] | None, typer.Option("--ais-tcp", help="AIS NMEA TCP, HOST:PORT")] = None,
    ais_udp: Annotated[list[str] | None, typer.Option("--ais-udp", help="AIS NMEA UDP to listen on, [HOST]:PORT "
                                                      "(10110; 0.0.0.0:PORT for other machines)")] = None,
    jet1090: Annotated[list[str] | None, typer.Option("--jet1090", help="jet1090 JSON lines TCP, HOST:PORT")] = None,
    follow: Annotated[list[Path] | None, typer.Option("--follow", help="a growing file (SBS, NMEA, AVR or jet1090 "
                                                      "JSON lines, format sniffed), followed like tail -F")] = None,
    folder: Annotated[list[Path] | None, typer.Option("--folder", help="ingest new files appearing here")] = None,
    receiver_position: Annotated[str | None, typer.Option("--receiver-position", help="LAT,LON of the receiver "
                                                          "(Beast/AVR surface and single-frame positions)")] = None,
    batch_seconds: Annotated[float, typer.Option(help="close a micro-batch after this many seconds")] = 2.0,
    batch_size: Annotated[int, typer.Option(help="... or this many lines/frames")] = 5000,
    silent_after: Annotated[float, typer.Option(help="seconds without data before a feed is an outage")] = 60.0,
    publish_every: Annotated[float, typer.Option(help="seconds between product updates")] = 5.0,
    snapshot_every: Annotated[float, typer.Option(help="seconds between snapshots for other processes")] = 1.0,
    duration: Annotated[float | None, typer.Option(help="stop after this many seconds (default: Ctrl-C)")] = None,
    no_products: Annotated[bool, typer.Option("--no-products", help="do not update derived products")] = False,
    alerts_jsonl: Annotated[Path | None, typer.Option(help="append new alerts to this JSON-lines file")] = None,
    alerts_webhook: Annotated[str | None, typer.Option(help="POST new alerts (JSON) to this local URL, "
                                                       "e.g. http://127.0.0.1:8080/alerts")] = None,
) -> None:
    """Follow receivers and folders into the workspace until Ctrl-C (micro-batches, one transaction each).

    Other commands keep working meanwhile: they read the snapshot this process publishes.
    """
    import asyncio

    from basewatch.live.run import build_feeds, run_watch
    from basewatch.live.spec import LiveError, WatchParams, parse_position

    feeds = build_feeds(sbs=sbs or [], beast=beast or [], avr=avr or [], ais_tcp=ais_tcp or [],
                        ais_udp=ais_udp or [], jet1090=jet1090 or [], follow=follow or [])
    folders = folder or []
    for f in folders:
        if not f.is_dir():
            raise LiveError(f"{f}: not a folder")
    if not feeds and not folders:
        raise LiveError("nothing to watch: give --sbs, --beast, --avr, --ais-tcp, --ais-udp, --jet1090, "
                        "--follow or --folder")
    params = WatchParams(
        batch_seconds=batch_seconds, batch_units=batch_size, silent_after_s=silent_after,
        publish_every_s=publish_every, snapshot_every_s=snapshot_every, products=not no_products,
        alerts_jsonl=str(alerts_jsonl) if alerts_jsonl else None, alerts_webhook=alerts_webhook,
        receiver_position=parse_position(receiver_position) if receiver_position else None,
    )
    if any(f.format in ("beast", "avr") for f in feeds) and params.receiver_position is None:
        err_console().print("note: no --receiver-position: Beast/AVR positions come from even/odd frame pairs "
                            "only (surface positions need a reference)")
    out = console()
    watcher = asyncio.run(run_watch(workspace_path(ctx), feeds, params, folders, out.print, duration))
    for st in watcher.stats.values():
        out.print(
            f"{st.feed_id}: {st.units:,} units, {st.records:,} records, {st.duplicates:,} duplicates, "
            f"{st.rejected:,} rejected, {sum(st.malformed.values()):,} malformed, "
            f"{st.overflow_units:,} dropped (queue full), {st.connections} connections, {st.outages} outages",
            highlight=False,
        )
    commit, snap = watcher.median_latency(), watcher.median_snapshot_latency()
    if commit is not None:
        out.print(f"median latency from arrival: {commit:.2f} s to commit"
                  + (f", {snap:.2f} s to the readers' snapshot" if snap is not None else ""), highlight=False)


def replay(
    file: Annotated[Path, typer.Argument(help="a recording: SBS, Beast, AVR, jet1090 JSON lines or NMEA")],
    to: Annotated[str, typer.Option("--to", help="tcp://HOST:PORT to serve on, or udp://HOST:PORT to send to")],
    speed: Annotated[float, typer.Option(help="times real time (0: as fast as possible)")] = 1.0,
    once: Annotated[bool, typer.Option("--once", help="tcp: stop after the first client got everything")] = False,
) -> None:
    """Play a recording as a live feed (try `basewatch watch` on the demo data)."""
    import asyncio

    from basewatch.live.replay import parse_target
    from basewatch.live.replay import replay as play
    from basewatch.live.spec import LiveError

    if not file.is_file():
        raise LiveError(f"{file}: no such file")
    if speed < 0:
        raise LiveError("--speed must be 0 or more")
    target = parse_target(to)

    def ready(port: int) -> None:
        verb = "serving" if target.transport == "tcp" else "sending"
        console().print(f"{verb} {file.name} on {target.transport}://{target.host}:{port} at speed {speed:g}",
                        highlight=False)

    served = asyncio.run(play(file, target, speed, once=once or target.transport == "udp", ready=ready))
    console().print(f"done: {served} client(s) served")
