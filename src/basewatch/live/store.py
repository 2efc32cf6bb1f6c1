"""The watch process's writes: one transaction per micro-batch, with its provenance, and receiver outages.

A batch becomes one `sources` row (path `live://FEED/CONNECTION/FIRST-LAST`, input format
`live-FORMAT`) written by the ingest pipeline's own `write_result` (de-duplication against the
workspace, summaries, identity cache), and, in the same transaction, its `live_batches` row and the
feed's counters. A batch already written (same feed, connection, sequence range and bytes) is skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.ingest.base import ReadResult
from basewatch.ingest.pipeline import IngestReport, write_result
from basewatch.live.decoders import Batch

if TYPE_CHECKING:
    import duckdb

    from basewatch.workspace.core import Workspace


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def batch_digest(batch: Batch) -> str:
    h = hashlib.sha256(f"live|{batch.feed_id}|{batch.connection_id}|{batch.first_seq}|{len(batch.units)}|".encode())
    for unit in batch.units:
        h.update(unit)
        h.update(b"\n")
    return h.hexdigest()


def batch_path(batch: Batch) -> str:
    return f"live://{batch.feed_id}/{batch.connection_id}/{batch.first_seq}-{batch.last_seq}"


def write_batch(ws: Workspace, batch: Batch, result: ReadResult, stats: Mapping[str, object],
                endpoint: str) -> IngestReport:
    """Write a decoded batch and its provenance in one transaction."""
    digest = batch_digest(batch)
    row = ws.con.execute("SELECT source_id FROM sources WHERE sha256 = ?", [digest]).fetchone()
    if row is not None:
        return IngestReport(batch_path(batch), f"live-{batch.format}", 0, 0, 0, already_ingested=True,
                            source_id=int(row[0]))
    arrivals = batch.arrivals
    first = _utc(float(arrivals.min())) if len(arrivals) else dt.datetime.now(dt.UTC)
    last = _utc(float(arrivals.max())) if len(arrivals) else first

    def provenance(con: duckdb.DuckDBPyConnection, source_id: int) -> None:
        con.execute("UPDATE sources SET path = ? WHERE source_id = ?", [batch_path(batch), source_id])
        con.execute(
            "INSERT INTO live_batches (source_id, feed_id, connection_id, first_seq, last_seq, units, end_offset, "
            "first_arrival, last_arrival, committed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
            [source_id, batch.feed_id, batch.connection_id, batch.first_seq, batch.last_seq, len(batch.units),
             batch.end_offset, first, last],
        )
        _put_stats(con, batch.feed_id, endpoint, stats)

    return write_result(ws, Path(batch_path(batch)), digest, f"live-{batch.format}", result, on_source=provenance)


def _put_stats(con: duckdb.DuckDBPyConnection, feed_id: str, endpoint: str, stats: Mapping[str, object]) -> None:
    con.execute("DELETE FROM live_feed_stats WHERE feed_id = ?", [feed_id])
    con.execute("INSERT INTO live_feed_stats VALUES (?, ?, now(), ?)", [feed_id, endpoint, json.dumps(stats)])


def put_stats(ws: Workspace, feed_id: str, endpoint: str, stats: Mapping[str, object]) -> None:
    with ws.transaction() as con:
        _put_stats(con, feed_id, endpoint, stats)


def open_connection(ws: Workspace, feed_id: str, endpoint: str) -> int:
    row = ws.con.execute(
        "INSERT INTO live_connections (feed_id, endpoint, opened_at) VALUES (?, ?, now()) RETURNING connection_id",
        [feed_id, endpoint],
    ).fetchone()
    assert row is not None
    return int(row[0])


def close_connection(ws: Workspace, connection_id: int, reason: str) -> None:
    ws.con.execute(
        "UPDATE live_connections SET closed_at = now(), close_reason = ? WHERE connection_id = ?",
        [reason, connection_id],
    )


def resume_point(ws: Workspace, endpoint: str) -> tuple[int, int]:
    """A followed file: (byte offset, last sequence number) committed so far (0, 0 when new)."""
    row = ws.con.execute(
        "SELECT b.end_offset, b.last_seq FROM live_batches b JOIN live_connections c USING (connection_id) "
        "WHERE c.endpoint = ? AND b.end_offset IS NOT NULL ORDER BY b.end_offset DESC LIMIT 1",
        [endpoint],
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def start_outage(ws: Workspace, feed_id: str, endpoint: str, kind: str, started_at: float, reason: str) -> None:
    ws.con.execute(
        "INSERT INTO receiver_outages VALUES (?, ?, ?, ?, NULL, ?)",
        [feed_id, endpoint, kind, _utc(started_at), reason],
    )


def end_outage(ws: Workspace, feed_id: str, ended_at: float) -> None:
    ws.con.execute(
        "UPDATE receiver_outages SET ended_at = ? WHERE feed_id = ? AND ended_at IS NULL",
        [_utc(ended_at), feed_id],
    )
