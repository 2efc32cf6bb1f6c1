"""Every user error is one unwrapped line on stderr with exit code 2, whatever the terminal width; a
reading command on a missing workspace is an error; Ctrl-C is one line and exit 130, nothing kept."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.workspace.test_notebook import sbs_log

LONG = "a-folder-name-long-enough-that-an-error-naming-it-passes-eighty-columns"


def _run(ws: Path, *args: str, columns: str = "40") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "basewatch", "-w", str(ws), *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "COLUMNS": columns})


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("errors") / LONG
    folder.mkdir()
    log = folder / "feed.sbs"
    log.write_text(sbs_log())
    path = folder / "ws.duckdb"
    assert _run(path, "ingest", str(log)).returncode == 0
    return path


CASES = [
    (("aircraft", "import", "{bad}"), "not a recognised aircraft database"),  # the failure named in issue 9
    (("ingest", "{bad}"), "bad.bin"),
    (("ingest", "--format", "yaml", "{bad}"), "--format 'yaml': this command writes table, json"),
    (("flights", "--site", "atlantis"), "unknown site 'atlantis'"),
    (("flights", "--actor", "nobody"), "unknown actor 'nobody'"),
    (("flights", "--since", "10/12/2024"), "--since '10/12/2024'"),
    (("portcalls", "--until", "tomorrow"), "--until 'tomorrow'"),
    (("flights", "--format", "yaml"), "--format 'yaml'"),
    (("dark", "--threshold", "six hours"), "invalid duration 'six hours'"),
    (("corridors", "--mode", "rail"), "--mode 'rail'"),
    (("flights", "--no-such-option"), "No such option '--no-such-option'. (see `basewatch flights --help`)"),
    (("activity",), "Missing option '--site'"),
    (("claims", "--event", "party"), "unknown event 'party'"),
    (("brief", "--out", "{folder}/brief.docx"), "written as .html or .pdf"),
]


@pytest.mark.parametrize("columns", ["40", "80"])
@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_user_error_is_one_line_exit_2(ws: Path, args: tuple[str, ...], message: str, columns: str) -> None:
    bad = ws.parent / "bad.bin"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    proc = _run(ws, *(a.format(bad=bad, folder=ws.parent) for a in args), columns=columns)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", [("flights",), ("sites",), ("sources",), ("info",), ("portcalls",),
                                     ("vessels",), ("claims",), ("analyse",), ("aircraft", "list"),
                                     ("brief", "--out", "b.html")])
def test_reading_a_missing_workspace_is_an_error(tmp_path: Path, command: tuple[str, ...]) -> None:
    typo = tmp_path / "typo.duckdb"
    proc = _run(typo, *command)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "no workspace here" in proc.stderr
    assert not typo.exists()


def _big_sbs(path: Path, repeat: int) -> None:
    """An SBS log of `repeat` copies of 10,000 lines (re-reading copies costs the reader as much)."""
    t0 = dt.datetime(2024, 12, 14, tzinfo=dt.UTC)
    lines = []
    for i in range(10_000):
        t = (t0 + dt.timedelta(seconds=i)).strftime("%Y/%m/%d,%H:%M:%S.000")
        lines.append(f"MSG,3,1,1,{0x150000 + i % 500:06X},1,{t},{t},,30000,,,35.{i:04d},36.1,,,0,0,0,0\n")
    chunk = "".join(lines)
    with path.open("w") as fh:
        for _ in range(repeat):
            fh.write(chunk)


def _has_open(pid: int, path: Path) -> bool:
    """Whether process `pid` has `path` open (Linux /proc): the reader has started on it."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd) == str(path) for fd in fds.iterdir())
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs Linux /proc to see the reader start")
def test_ctrl_c_during_ingest_keeps_nothing_of_the_file(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    assert _run(ws, "sites").returncode == 2  # not created by a reading command
    big = tmp_path / "big.sbs"
    _big_sbs(big, 100)
    proc = subprocess.Popen([sys.executable, "-m", "basewatch", "-w", str(ws), "ingest", str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not _has_open(proc.pid, big) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)  # while the file is being read, inside its ingest
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err == f"interrupted; nothing of {big} was kept\n"
    with duckdb.connect(str(ws), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sources").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM aircraft_points").fetchone() == (0,)
