"""One in-memory DuckDB engine per thread for the readers' vectorised conversions (TRY_CAST and the like).

Opening a DuckDB database costs tens of milliseconds, more than converting a small file; a reader takes a
fresh connection (a cursor: its own temporary tables and registrations, dropped when it closes) to one
engine kept per thread and per process. Nothing is created at import time."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_LOCAL = threading.local()


def _engine() -> duckdb.DuckDBPyConnection:
    pid = os.getpid()
    if getattr(_LOCAL, "pid", None) != pid:  # a forked child must not share its parent's engine
        _LOCAL.engine = duckdb.connect()
        _LOCAL.pid = pid
    engine: duckdb.DuckDBPyConnection = _LOCAL.engine
    return engine


@contextmanager
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the UTC time zone and no progress bar, closed (its temporary tables dropped) after."""
    con = _engine().cursor()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")  # it would be drawn on stdout
        yield con
    finally:
        con.close()
