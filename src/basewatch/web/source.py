"""Where the dashboard's data comes from: one read-only workspace, one cursor per worker thread.

The server never writes. It opens the workspace file read-only once and gives every worker thread its own
DuckDB cursor on that connection (a cursor is a connection of its own to the same database, so requests run
side by side without sharing one connection's state). One process may own a DuckDB file for writing and no
other process can open it meanwhile; a live feed therefore publishes a read-only snapshot (`NAME.snapshot`
beside the file, replaced by renaming) and the server reads that one: pointed at it, or at the workspace
when opening a held workspace falls back to its snapshot. Both files are watched: when either is replaced
(new inode, size or modification time) the next request closes every cursor on the old file and opens
the new one. DuckDB keeps one database per path in a process while any connection to it is open, so the
old one must be closed first; a request still reading the old file at that moment fails with a DuckDB
error, which the app answers with 503 (retry).
"""

from __future__ import annotations

import copy
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb

from basewatch.errors import WorkspaceError
from basewatch.workspace.core import Workspace


@dataclass(frozen=True)
class FileStamp:
    """What tells one version of the file from the next."""

    inode: int
    size: int
    mtime_ns: int

    @staticmethod
    def of(path: Path) -> FileStamp:
        try:
            st = os.stat(path)
        except OSError as exc:
            raise WorkspaceError(f"{path}: no workspace here ({exc.strerror})") from exc
        return FileStamp(st.st_ino, st.st_size, st.st_mtime_ns)


SNAPSHOT_SUFFIX = ".snapshot"  # where `basewatch watch` publishes its read-only copy (basewatch.live.snapshot)


def stamps(path: Path) -> tuple[FileStamp, FileStamp | None]:
    """The file's stamp and that of the snapshot a live writer publishes beside it (None when there is none).

    A Workspace whose file a writer holds opens that snapshot instead, so its replacement counts too.
    """
    snap = path.with_name(path.name + SNAPSHOT_SUFFIX)
    return FileStamp.of(path), (FileStamp.of(snap) if snap.exists() else None)


class WorkspaceSource:
    """Hands each thread a Workspace whose connection is that thread's own read-only cursor."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._local = threading.local()
        self._generation = 0
        self._stamp = stamps(path)
        self._ws = self._open()
        self._cursors: list[duckdb.DuckDBPyConnection] = []

    def _open(self) -> Workspace:
        try:
            return Workspace(self.path, read_only=True)
        except WorkspaceError as exc:
            if "lock" not in str(exc).lower():
                raise
            raise WorkspaceError(f"{exc} -- another process is writing this workspace; serve a read-only "
                                 f"snapshot of it instead (`basewatch watch` publishes {self.path.name}"
                                 f"{SNAPSHOT_SUFFIX})") from exc

    @property
    def generation(self) -> int:
        return self._generation

    def _refresh(self) -> None:
        stamp = stamps(self.path)
        if stamp == self._stamp:
            return
        with self._lock:
            if stamp == self._stamp:
                return
            self._close_all()
            self._ws = self._open()
            self._stamp = stamp
            self._generation += 1

    def current_generation(self) -> int:
        """The generation of the file as it is now (a replaced file starts the next one)."""
        self._refresh()
        return self._generation

    def workspace(self) -> Workspace:
        """This thread's view of the current file (opened again when the file was replaced)."""
        self._refresh()
        held: tuple[int, Workspace] | None = getattr(self._local, "view", None)
        if held is not None and held[0] == self._generation:
            return held[1]
        with self._lock:
            base, generation = self._ws, self._generation
            view = copy.copy(base)  # same path and settings; its own cursor below
            view.con = base.con.cursor()
            view.con.execute("SET TimeZone = 'UTC'")
            self._cursors.append(view.con)
        self._local.view = (generation, view)
        return view

    def _close_all(self) -> None:
        for con in self._cursors:
            con.close()
        self._cursors = []
        self._ws.close()

    def close(self) -> None:
        with self._lock:
            self._close_all()
