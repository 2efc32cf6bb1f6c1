"""Readers while watching: a read-only snapshot of the workspace, replaced atomically after batches.

DuckDB lets one process write a database file, and while it holds the file another process cannot even
open it read-only. So the watch process copies the workspace (`COPY FROM DATABASE`, after its derived
products are brought up to date) into `NAME.snapshot` next to it, writing a temporary file and renaming
it over the old snapshot (a reader that has the old one open keeps reading it). A `Workspace` that
finds its file locked opens the newest snapshot read-only instead, with a note saying so.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.errors import WorkspaceError

if TYPE_CHECKING:
    import duckdb

    from basewatch.workspace.core import Workspace

SUFFIX = ".snapshot"
_LOCK_WORDS = ("could not set lock", "conflicting lock")


def snapshot_path(workspace_path: Path) -> Path:
    return workspace_path.with_name(workspace_path.name + SUFFIX)


def _quote_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def publish(ws: Workspace) -> Path:
    """Replace the workspace's snapshot with a copy of its current committed state."""
    final = snapshot_path(ws.path)
    tmp = final.with_name(final.name + ".tmp")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    row = ws.con.execute("SELECT current_database()").fetchone()
    assert row is not None
    main = '"' + str(row[0]).replace('"', '""') + '"'
    ws.con.execute(f"ATTACH {_quote_path(tmp)} AS bw_live_snapshot")
    try:
        ws.con.execute(f"COPY FROM DATABASE {main} TO bw_live_snapshot")
    finally:
        ws.con.execute("DETACH bw_live_snapshot")
    os.replace(tmp, final)
    return final


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in _LOCK_WORDS)


def open_fallback(path: Path, exc: BaseException) -> duckdb.DuckDBPyConnection | None:
    """When `path` is locked by another process, a read-only connection to its snapshot (and a note on
    stderr); None when the error is not a lock. A lock without a snapshot is a WorkspaceError."""
    if not is_lock_error(exc):
        return None
    import duckdb

    snap = snapshot_path(path)
    if not snap.exists():
        raise WorkspaceError(
            f"{path}: held by another process (a running `basewatch watch`?) and it has published no "
            "snapshot yet; try again in a few seconds"
        ) from exc
    con = duckdb.connect(str(snap), read_only=True)
    when = dt.datetime.fromtimestamp(snap.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    print(f"note: {path} is held by a running `basewatch watch`; answering from its read-only snapshot "
          f"of {when} UTC", file=sys.stderr)
    return con
