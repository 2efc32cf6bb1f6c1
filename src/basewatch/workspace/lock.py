"""One writer or many readers per workspace, across processes: a lock file next to the workspace.

DuckDB lets only one process hold a database file for writing, and while it does no other process can
open it even read-only; a second process got DuckDB's raw "Could not set lock" error. `NAME.lock` (next to
`NAME`) carries an advisory `flock` (exclusive for a writer, shared for read-only opens) and the holder's
PID, command and start time, so a second command waits, saying for whom, and after a timeout stops with
"the workspace is in use by PID N (ingest FILE)".

The kernel drops a `flock` when its holder dies (kill -9 included), so a lock cannot outlive its process:
a lock file left behind names a dead PID but holds no lock, and the next command takes it at once. The
file is removed by the last holder that can take it exclusively. Within one process, opens of the same
workspace share one lock (DuckDB itself arbitrates between connections of one process).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from basewatch.errors import WorkspaceBusyError, WorkspaceError

SUFFIX = ".lock"
ENV_WAIT = "BASEWATCH_WAIT"
DEFAULT_WAIT_S = 60.0
_POLL_S = 0.1
_COMMAND: list[str] = []  # what this process is doing, as the CLI names it (set_command)
_WAIT: list[float] = []  # the CLI's --wait (set_wait), before BASEWATCH_WAIT


@dataclass(frozen=True)
class Holder:
    """Who holds a workspace, as its lock file says."""

    pid: int
    command: str
    started: str

    def alive(self) -> bool:
        return pid_alive(self.pid)

    def describe(self) -> str:
        if self.pid <= 0:
            return "another process"
        if not self.alive():  # the lock is held (else we had it): by other readers, or a child that inherited it
            return "another process"
        return f"PID {self.pid} ({self.command})"


@dataclass
class _Held:
    fd: int
    count: int
    shared: bool


_HELD: dict[str, _Held] = {}


def lock_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + SUFFIX)


def set_command(words: list[str]) -> None:
    """Name what this process does in the lock file, e.g. ["ingest", "day.sbs"]."""
    _COMMAND[:] = [" ".join(words)[:200]]


def current_command() -> str:
    if _COMMAND:
        return _COMMAND[0]
    return " ".join([Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python", *sys.argv[1:]])[:200]


def set_wait(seconds: float | None) -> None:
    """The CLI's --wait: how long this process waits for a busy workspace (None: BASEWATCH_WAIT or 60)."""
    _WAIT[:] = [] if seconds is None else [seconds]


def wait_seconds() -> float:
    """How long to wait for a busy workspace: --wait, else BASEWATCH_WAIT (seconds, 0 = do not wait), else 60."""
    if _WAIT:
        return _WAIT[0]
    raw = os.environ.get(ENV_WAIT)
    if raw is None or raw.strip() == "":
        return DEFAULT_WAIT_S
    try:
        value = float(raw)
    except ValueError:
        raise WorkspaceError(f"{ENV_WAIT}={raw!r}: not a number of seconds") from None
    if not value >= 0:
        raise WorkspaceError(f"{ENV_WAIT}={raw!r}: must be 0 or more seconds")
    return value


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def read_holder(path: Path) -> Holder | None:
    """The holder named in the lock file `path`, None when it names none (being written, or removed)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), str(data["command"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def acquire(workspace: Path, *, shared: bool, wait: float | None = None,
            give_way: bool = False) -> bool:
    """Take the workspace's lock (shared for a reader), waiting up to `wait` seconds (BASEWATCH_WAIT).

    Prints one "waiting for the workspace" line on stderr when it has to wait; raises WorkspaceBusyError
    naming the holder when the time runs out. With `give_way`, returns False at once (holding nothing) when
    the holder is a `basewatch watch`, whose snapshot the caller reads instead. A read-only folder where
    the lock file cannot be created gives no lock to a reader (True: go on) and an error to a writer."""
    key = str(workspace.resolve())
    held = _HELD.get(key)
    if held is not None:
        held.count += 1
        return True
    path = lock_path(workspace)
    budget = wait_seconds() if wait is None else wait
    deadline = time.monotonic() + budget
    told = False
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if shared and exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
                return True  # nobody can write here either, so there is nothing to wait for
            raise WorkspaceError(f"{workspace}: cannot create its lock file {path.name}: {exc.strerror} "
                                 "(is the folder read-only?)") from exc
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = read_holder(path)
            if give_way and holder is not None and holder.command.split()[:1] == ["watch"]:
                return False
            who = holder.describe() if holder else "another process"
            if time.monotonic() >= deadline:
                raise WorkspaceBusyError(
                    f"{workspace}: the workspace is in use by {who}"
                    + (f" since {holder.started}" if holder and holder.started else "")
                    + f"; waited {budget:g} s (wait longer with --wait SECONDS or {ENV_WAIT})"
                ) from None
            if not told:
                sys.stderr.write(f"waiting for the workspace, in use by {who} (up to {budget:g} s)\n")
                sys.stderr.flush()
                told = True
            time.sleep(min(_POLL_S, max(deadline - time.monotonic(), 0.0)))
            continue
        if not _same_file(fd, path):  # removed by its last holder between our open and our lock
            os.close(fd)
            continue
        break
    current = read_holder(path) if shared else None
    if current is None or not current.alive():  # of several readers, the file names one that runs
        _write_holder(fd)
    _HELD[key] = _Held(fd, 1, shared)
    return True


def release(workspace: Path) -> None:
    """Drop one hold of the workspace's lock; the last one unlocks (and removes the file when it can)."""
    key = str(workspace.resolve())
    held = _HELD.get(key)
    if held is None:
        return
    held.count -= 1
    if held.count > 0:
        return
    del _HELD[key]
    path = lock_path(workspace)
    try:
        fcntl.flock(held.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if _same_file(held.fd, path):
            path.unlink(missing_ok=True)
    except (BlockingIOError, OSError):
        pass  # other readers still hold it: the file stays for them
    finally:
        os.close(held.fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == path.stat().st_ino
    except FileNotFoundError:
        return False


def _write_holder(fd: int) -> None:
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    data = json.dumps({"pid": os.getpid(), "command": current_command(), "started": started}).encode()
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
    except OSError:
        pass  # a full disk: the lock holds all the same, only its description is missing
