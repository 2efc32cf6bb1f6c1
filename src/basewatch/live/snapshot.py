"""Readers while watching: a read-only snapshot of the workspace, replaced atomically after batches.

DuckDB lets one process write a database file, and while it holds the file another process cannot even
open it read-only. So the watch process copies the workspace into `NAME.snapshot` next to it, writing a
temporary file and renaming it over the old snapshot (a reader that has the old one open keeps reading
it): the first time with `COPY FROM DATABASE`, then from a byte copy of the previous snapshot plus what
changed since (see `publish`). A `Workspace` that
finds its file locked opens the newest snapshot read-only instead, with a note saying so.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
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


# Tables whose rows belong to one source each and, within one watch process, are only added for new
# sources (points, in the transaction that creates the source; atoms, deterministic per source, with it
# or for sources that had none): a new snapshot takes from them only the rows of sources newer than the
# previous snapshot's newest. A snapshot left by another process is never the base (`incremental`).
APPEND_ONLY = ("aircraft_points", "ais_positions", "ais_static", "sources", "live_batches", "aircraft_atoms",
               "atom_sources")


def publish(ws: Workspace, *, incremental: bool = True) -> Path:
    """Replace the workspace's snapshot with a copy of its current committed state.

    When a previous snapshot exists with the same tables and views, the new one starts as a byte copy of
    it and takes only what changed: the rows of new sources for the append-only tables (checked by row
    count: a table whose count then differs is copied whole), every other table whole. Otherwise the
    whole database is copied (`COPY FROM DATABASE`), as it is when not `incremental` (the watch's first
    snapshot: the previous one may be another process's)."""
    final = snapshot_path(ws.path)
    tmp = final.with_name(final.name + ".tmp")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    row = ws.con.execute("SELECT current_database()").fetchone()
    assert row is not None
    main = _ident(str(row[0]))
    incremental = incremental and final.exists()
    if incremental:
        shutil.copyfile(final, tmp)
    ws.con.execute(f"ATTACH {_quote_path(tmp)} AS {_SNAP}")
    try:
        if not incremental or not _refresh(ws.con, str(row[0]), main):
            ws.con.execute(f"DETACH {_SNAP}")
            tmp.unlink(missing_ok=True)
            ws.con.execute(f"ATTACH {_quote_path(tmp)} AS {_SNAP}")
            ws.con.execute(f"COPY FROM DATABASE {main} TO {_SNAP}")
    finally:
        ws.con.execute(f"DETACH {_SNAP}")
    os.replace(tmp, final)
    return final


_SNAP = "bw_live_snapshot"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _catalog(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str, str]]:
    rows = con.execute(
        "SELECT 'table', schema_name || '.' || table_name, sql FROM duckdb_tables() "
        "WHERE database_name = ? AND NOT temporary UNION ALL "
        "SELECT 'view', schema_name || '.' || view_name, sql FROM duckdb_views() "
        "WHERE database_name = ? AND NOT internal AND NOT temporary ORDER BY 1, 2",
        [database, database],
    ).fetchall()
    return [(str(k), str(n), str(q)) for k, n, q in rows]


def _refresh(con: duckdb.DuckDBPyConnection, database: str, main: str) -> bool:
    """Bring the attached copy of the previous snapshot up to date; False when its tables or views differ
    from the workspace's (then the caller copies the whole database)."""
    if _catalog(con, database) != _catalog(con, _SNAP):
        return False
    tables = con.execute(
        "SELECT t.schema_name, t.table_name, list(c.column_name ORDER BY c.column_index) FROM duckdb_tables() t "
        "JOIN duckdb_columns() c ON c.table_oid = t.table_oid "
        "WHERE t.database_name = ? AND NOT t.temporary GROUP BY ALL ORDER BY 1, 2", [database],
    ).fetchall()

    def pair(schema: str, name: str) -> tuple[str, str]:
        return f"{main}.{_ident(schema)}.{_ident(name)}", f"{_SNAP}.{_ident(schema)}.{_ident(name)}"

    appended = {(s, n) for s, n, cols in tables if n in APPEND_ONLY and "source_id" in cols}
    others = [pair(s, n) for s, n, _ in tables if (s, n) not in appended]
    unchanged = _unchanged(con, others)  # the other tables: those that changed are copied whole
    con.execute("BEGIN TRANSACTION")
    try:
        for schema, name, _columns in tables:
            src, dst = pair(schema, name)
            if unchanged is not None and (src, dst) in unchanged:
                continue
            if (schema, name) in appended:
                got = con.execute(f"SELECT max(source_id) FROM {dst}").fetchone()
                newest = got[0] if got and got[0] is not None else -1
                con.execute(f"INSERT INTO {dst} SELECT * FROM {src} WHERE source_id > ?", [newest])
                if _count(con, dst) == _count(con, src):
                    continue
            elif unchanged is None and _same(con, src, dst):  # the one-query check failed: table by table
                continue
            con.execute(f"DELETE FROM {dst}")
            con.execute(f"INSERT INTO {dst} SELECT * FROM {src}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True


def _unchanged(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]) -> set[tuple[str, str]] | None:
    """The (src, dst) pairs whose tables hold the same rows, judged in one query by row count and the sum
    of the rows' hashes on both sides (a changed table whose hash sum stays the same would need a 64-bit
    collision). One query instead of two per table: most of a snapshot's cost was their overhead. When
    the query fails (a column type without a hash): None, and every pair is left to `_same`."""
    import duckdb

    if not pairs:
        return set()
    parts = [f"SELECT {i} AS k, (SELECT count(*) FROM {src}) = (SELECT count(*) FROM {dst}) "
             f"AND (SELECT coalesce(sum(hash(t)::HUGEINT), 0) FROM {src} t) "
             f"= (SELECT coalesce(sum(hash(t)::HUGEINT), 0) FROM {dst} t) AS same"
             for i, (src, dst) in enumerate(pairs)]
    try:
        rows = con.execute(" UNION ALL ".join(parts)).fetchall()
    except duckdb.Error:
        return None
    return {pairs[int(k)] for k, same in rows if same}


def _same(con: duckdb.DuckDBPyConnection, src: str, dst: str) -> bool:
    """The two tables hold the same rows (equal counts and nothing in one that the other lacks, as
    multisets): then the snapshot keeps its copy (reference tables, products not rebuilt)."""
    import duckdb

    if _count(con, src) != _count(con, dst):
        return False
    try:
        got = con.execute(f"SELECT count(*) FROM (SELECT * FROM {src} EXCEPT ALL SELECT * FROM {dst})").fetchone()
    except duckdb.Error:  # a column type without equality: copy it
        return False
    return got == (0,)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    got = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(got[0]) if got else 0


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
