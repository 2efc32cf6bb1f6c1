"""The read-only source: one cursor per thread, and a replaced file is picked up by the next request."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest

from basewatch.errors import WorkspaceError
from basewatch.web.source import WorkspaceSource
from basewatch.workspace.core import Workspace


def _sites(ws: Workspace) -> int:
    row = ws.con.execute("SELECT count(*) FROM sites").fetchone()
    assert row is not None
    return int(row[0])


def test_threads_get_their_own_cursor_and_a_new_snapshot_is_read(tmp_path: Path) -> None:
    path = tmp_path / "live.duckdb"
    with Workspace(path) as ws:  # a fresh workspace holds the default watchlist
        n = _sites(ws)
    source = WorkspaceSource(path)
    try:
        main = source.workspace()
        assert source.workspace() is main
        other: list[Workspace] = []
        t = threading.Thread(target=lambda: other.append(source.workspace()))
        t.start()
        t.join()
        assert other[0] is not main and other[0].con is not main.con
        assert _sites(main) == _sites(other[0]) == n
        with duckdb.connect(str(path), read_only=True) as peer:  # read-only: others may read too
            assert peer.execute("SELECT count(*) FROM sites").fetchone() == (n,)
        # a writer publishes a new snapshot next to it and moves it into place
        snap = tmp_path / "next.duckdb"
        shutil.copy(path, snap)
        with duckdb.connect(str(snap)) as con:
            con.execute("DELETE FROM sites WHERE site_id = 'khmeimim'")
        snap.replace(path)
        fresh = source.workspace()
        assert source.generation == 1
        assert _sites(fresh) == n - 1
    finally:
        source.close()


def test_a_workspace_held_by_a_writer_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "busy.duckdb"
    Workspace(path).close()
    writer = subprocess.Popen([sys.executable, "-c", f"import duckdb, sys, time; c = duckdb.connect({str(path)!r}); "
                               "print('ready', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        with pytest.raises(WorkspaceError, match=r"held by another process .* no snapshot yet"):
            WorkspaceSource(path)
    finally:
        writer.kill()
        writer.wait()


def test_a_new_snapshot_beside_the_file_counts_as_a_change(tmp_path: Path) -> None:
    """A live writer publishes NAME.snapshot by renaming a new copy over it: the next request reopens."""
    path = tmp_path / "ws.duckdb"
    Workspace(path).close()
    source = WorkspaceSource(path)
    try:
        source.workspace()
        snap = tmp_path / "ws.duckdb.snapshot"
        shutil.copy(path, tmp_path / "tmp.duckdb")
        (tmp_path / "tmp.duckdb").replace(snap)
        source.workspace()
        assert source.generation == 1
        source.workspace()
        assert source.generation == 1  # nothing changed since
    finally:
        source.close()
