"""Each protocol from a real TCP/UDP peer on 127.0.0.1, replaying real recordings: the workspace ends
with the same records as a file ingest of the same bytes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import duckdb

from basewatch.ingest.pipeline import ingest_file
from basewatch.live.spec import FeedSpec, WatchParams
from basewatch.live.watcher import Watcher
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file
from tests.live.conftest import watch_tcp

FAST = WatchParams(batch_seconds=0.2, batch_units=700, merge_units=700, backoff_initial_s=0.05, backoff_max_s=0.2,
                   publish_every_s=0.0, products=False)
POINT_COLS = ("icao24", "time", "lat", "lon", "alt_baro_m", "alt_geom_m", "gs_ms", "track_deg", "vrate_ms",
              "callsign", "squawk", "on_ground", "row_no")


def file_records(tmp: Path, recording: Path, table: str, cols: tuple[str, ...]) -> list[tuple[object, ...]]:
    with Workspace(tmp / "file.duckdb") as ws:
        ingest_file(ws, recording)
        return sorted(ws.con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr)


def live_records(path: Path, table: str, cols: tuple[str, ...]) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return sorted(con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr)
    finally:
        con.close()


def test_sbs_over_tcp_equals_file_ingest(tmp_path: Path, sbs_recording: Path) -> None:
    data = sbs_recording.read_bytes()
    lines = data.count(b"\n")
    watcher = asyncio.run(watch_tcp(tmp_path / "live.duckdb", "sbs", data, lines, FAST))
    assert watcher.stats["feed1"].batches >= lines // 700  # many micro-batches, cut anywhere
    expected = file_records(tmp_path, sbs_recording, "aircraft_points", POINT_COLS)
    got = live_records(tmp_path / "live.duckdb", "aircraft_points", POINT_COLS)
    assert len(expected) > 5000
    assert got == expected


def _relative_times(rows: list[tuple[object, ...]]) -> tuple[list[tuple[object, ...]], list[float]]:
    """Rows without their time (column 1), ordered by row_no, and their times relative to the first, in
    microseconds (the two time bases differ, so each side rounds to the microsecond on its own)."""
    rows = sorted(rows, key=lambda r: r[-1])  # type: ignore[arg-type, return-value]
    t0 = min(r[1] for r in rows)  # type: ignore[type-var]
    return [(r[0], *r[2:]) for r in rows], [(r[1] - t0).total_seconds() * 1e6 for r in rows]  # type: ignore[operator]


def test_beast_over_tcp_equals_file_ingest(tmp_path: Path) -> None:
    sample = shared_file("adsb/traffic_sample_dump1090.bin")
    named = tmp_path / "beast-1700000000.bin"  # the file reader takes its time base from the name
    named.write_bytes(sample.read_bytes())
    data = sample.read_bytes()
    from basewatch.ingest.adsb.beast import split_frames
    from basewatch.ingest.base import Rejects

    parsed = split_frames(data, Rejects())  # the file reader's own count of frames
    frames = len(parsed.hexes) + parsed.mode_ac + parsed.status
    params = WatchParams(batch_seconds=0.2, batch_units=10, merge_units=10, backoff_initial_s=0.05, publish_every_s=0.0,
                         products=False)

    watcher = asyncio.run(watch_tcp(tmp_path / "live.duckdb", "beast", data, frames, params, piece=37))
    assert watcher.stats["feed1"].batches >= 5
    expected = file_records(tmp_path, named, "aircraft_points", POINT_COLS)
    got = live_records(tmp_path / "live.duckdb", "aircraft_points", POINT_COLS)
    assert len(expected) >= 3
    got_rows, got_times = _relative_times(got)
    want_rows, want_times = _relative_times(expected)
    assert got_rows == want_rows
    assert max(abs(a - b) for a, b in zip(got_times, want_times, strict=True)) <= 2.0


AIS_POS = ("mmsi", "time", "lat", "lon", "sog_ms", "cog_deg", "heading_deg", "nav_status", "msg_type", "row_no",
           "time_source")
AIS_STATIC = ("mmsi", "time", "imo", "name", "callsign", "ship_type", "length_m", "beam_m", "draught_m",
              "destination", "msg_type", "row_no")


def test_ais_nmea_over_tcp_equals_file_ingest(tmp_path: Path) -> None:
    log = shared_file("ais/aisdb_test_data_20211101.nm4")  # tag blocks carry the reception times
    data = log.read_bytes()
    watcher = asyncio.run(watch_tcp(tmp_path / "live.duckdb", "ais", data, data.count(b"\n"),
                                     WatchParams(batch_seconds=0.2, batch_units=97, merge_units=97, publish_every_s=0.0,
                                                 products=False)))
    assert watcher.stats["feed1"].batches >= 10  # multipart messages straddle batch ends
    for table, cols in (("ais_positions", AIS_POS), ("ais_static", AIS_STATIC)):
        expected = file_records(tmp_path, log, table, cols)
        assert len(expected) > 40
        assert live_records(tmp_path / "live.duckdb", table, cols) == expected


def test_ais_nmea_over_udp_equals_file_ingest(tmp_path: Path) -> None:
    log = shared_file("ais/aisdb_test_data_20211101.nm4")
    lines = log.read_bytes().splitlines(keepends=True)
    params = WatchParams(batch_seconds=0.2, batch_units=250, merge_units=250, publish_every_s=0.0, products=False)

    async def scenario() -> None:
        import socket

        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        watcher = Watcher(tmp_path / "live.duckdb", [FeedSpec("u", "ais", "udp", "127.0.0.1", port)], params)
        stop = asyncio.Event()
        run = asyncio.ensure_future(watcher.run(stop))
        while watcher.stats["u"].connections == 0:
            await asyncio.sleep(0.01)
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, remote_addr=("127.0.0.1", port))
        for line in lines:  # one sentence per datagram, as AIS-catcher sends them
            transport.sendto(line)
            await asyncio.sleep(0)
        transport.close()
        await watcher.wait_until(lambda: watcher.stats["u"].units >= len(lines), timeout=30)
        stop.set()
        await run

    asyncio.run(scenario())
    for table, cols in (("ais_positions", AIS_POS), ("ais_static", AIS_STATIC)):
        assert live_records(tmp_path / "live.duckdb", table, cols) == file_records(tmp_path, log, table, cols)


def test_avr_mlat_lines_over_tcp_equal_file_ingest(tmp_path: Path) -> None:
    csv = shared_file("adsb/rs1090_short_flights.csv")  # time,hex lines (no header)
    rows = [ln.split(",") for ln in csv.read_text().splitlines() if ln.strip()]
    t0 = float(rows[0][0])
    # the same frames as dump1090 --mlat AVR lines: a 12 MHz counter instead of the time
    avr = "".join(f"@{round((float(t) - t0) * 12e6) + 12:012X}{h.strip()};\n" for t, h in rows).encode()
    params = WatchParams(batch_seconds=0.2, batch_units=60, merge_units=60, publish_every_s=0.0, products=False)
    asyncio.run(watch_tcp(tmp_path / "live.duckdb", "avr", avr, len(rows), params))
    expected = file_records(tmp_path, csv, "aircraft_points", POINT_COLS)
    got = live_records(tmp_path / "live.duckdb", "aircraft_points", POINT_COLS)
    assert len(expected) > 20
    got_rows, got_times = _relative_times(got)
    want_rows, want_times = _relative_times(expected)
    assert got_rows == want_rows
    assert max(abs(a - b) for a, b in zip(got_times, want_times, strict=True)) <= 2.0
