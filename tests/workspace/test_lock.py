"""Two commands on one workspace at once, as real processes: the second waits, saying for whom, and after
its timeout stops with one line naming the holder (exit 2); once the holder ends it goes on."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from basewatch.workspace import lock
from basewatch.workspace.core import Workspace

SBS_LINE = "MSG,3,1,1,{hex},1,2024/12/14,12:00:{s:02d}.000,2024/12/14,12:00:{s:02d}.000,,1000,,,{lat},8.0,,,0,0,0,0"

# Runs the basewatch CLI; when the function HOLD_AT names is first called, prints HOLDING and waits for a line
# on stdin before going on (so the command is stopped inside its work, holding the workspace).
HOLDER = textwrap.dedent(
    """
    import importlib, os, sys
    module_name, attr = os.environ["HOLD_AT"].split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, attr)

    def held(*args, **kwargs):
        print("HOLDING", flush=True)
        sys.stdin.readline()
        return original(*args, **kwargs)

    setattr(module, attr, held)
    from basewatch.cli.app import main
    main(sys.argv[1:])
    """
)


def _sbs(path: Path, hex_id: str, seconds: range) -> Path:
    path.write_text("\n".join(SBS_LINE.format(hex=hex_id, s=s, lat=40 + s / 10) for s in seconds) + "\n")
    return path


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != lock.ENV_WAIT}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def _cli(ws: Path, *args: str, wait: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "basewatch", "-w", str(ws), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(BASEWATCH_WAIT=wait))


def _hold(tmp_path: Path, ws: Path, hold_at: str, *args: str) -> subprocess.Popen[str]:
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    proc = subprocess.Popen([sys.executable, str(script), "-w", str(ws), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(HOLD_AT=hold_at))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == "HOLDING\n", line + (proc.stderr.read() if proc.stderr else "")
    return proc


def _let_go(proc: subprocess.Popen[str]) -> tuple[str, str]:
    out, err = proc.communicate("\n", timeout=120)
    assert proc.returncode == 0, err
    return out, err


def _count(ws: Path, table: str) -> int:
    with Workspace(ws, read_only=True) as w:
        row = w.con.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    ws = tmp_path / "ws.duckdb"
    with Workspace(ws) as w:
        w.ingest(_sbs(tmp_path / "seed.sbs", "3B7777", range(1, 4)))
    return ws


def test_second_ingest_times_out_naming_the_first(tmp_path: Path, seeded: Path) -> None:
    first_file = _sbs(tmp_path / "first.sbs", "3C0001", range(1, 6))
    second_file = _sbs(tmp_path / "second.sbs", "3C0002", range(1, 8))
    holder = _hold(tmp_path, seeded, "basewatch.ingest.pipeline:_insert", "ingest", str(first_file))
    second = _cli(seeded, "ingest", str(second_file), wait="0.5")
    _, err = second.communicate(timeout=120)
    assert second.returncode == 2, err
    assert "Traceback" not in err
    assert f"waiting for the workspace, in use by PID {holder.pid} (ingest {first_file})" in err
    assert f"error: {seeded}: the workspace is in use by PID {holder.pid} (ingest {first_file})" in err
    _let_go(holder)
    # the first ingest is whole, the refused one left nothing: 3 seed + 5 points
    assert _count(seeded, "aircraft_points") == 8
    assert _count(seeded, "sources") == 2
    assert not lock.lock_path(seeded).exists()  # the last holder removed its lock file


def test_second_ingest_waits_then_completes(tmp_path: Path, seeded: Path) -> None:
    first_file = _sbs(tmp_path / "first.sbs", "3C0001", range(1, 6))
    second_file = _sbs(tmp_path / "second.sbs", "3C0002", range(1, 8))
    holder = _hold(tmp_path, seeded, "basewatch.ingest.pipeline:_insert", "ingest", str(first_file))
    second = _cli(seeded, "ingest", str(second_file), wait="120")
    assert second.stderr is not None
    line = second.stderr.readline()  # it says it waits before the holder lets go
    assert line.startswith(f"waiting for the workspace, in use by PID {holder.pid} (ingest {first_file})"), line
    _let_go(holder)
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert _count(seeded, "aircraft_points") == 3 + 5 + 7
    assert _count(seeded, "sources") == 3


def test_read_during_ingest_waits_and_sees_the_committed_file(tmp_path: Path, seeded: Path) -> None:
    first_file = _sbs(tmp_path / "first.sbs", "3C0001", range(1, 6))
    holder = _hold(tmp_path, seeded, "basewatch.ingest.pipeline:_insert", "ingest", str(first_file))
    reader = _cli(seeded, "sources", "--format", "json", wait="120")  # read-only: a shared lock
    assert reader.stderr is not None
    line = reader.stderr.readline()
    assert line.startswith(f"waiting for the workspace, in use by PID {holder.pid}"), line
    _let_go(holder)
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    assert out.count('"path"') == 2  # seed and first: the reader ran after the ingest committed


def test_read_during_analyse_times_out_cleanly(tmp_path: Path, seeded: Path) -> None:
    holder = _hold(tmp_path, seeded, "basewatch.products.registry:_record", "analyse")
    reader = _cli(seeded, "flights", wait="0")
    _, err = reader.communicate(timeout=120)
    assert reader.returncode == 2, err
    assert err.strip().splitlines() == [
        f"error: {seeded}: the workspace is in use by PID {holder.pid} (analyse) since "
        f"{lock.read_holder(lock.lock_path(seeded)).started}; waited 0 s "  # type: ignore[union-attr]
        "(wait longer with --wait SECONDS or BASEWATCH_WAIT)"
    ]
    _let_go(holder)
    with Workspace(seeded, read_only=True) as w:
        assert w.con.execute("SELECT count(*) FROM product_state WHERE product = 'flights'").fetchone() == (1,)


def test_two_readers_share_the_workspace(tmp_path: Path, seeded: Path) -> None:
    script = tmp_path / "reader.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        from basewatch.workspace.core import Workspace
        with Workspace({str(seeded)!r}, read_only=True) as w:
            print("OPEN", flush=True)
            sys.stdin.readline()
    """))
    first = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True, env=_env())
    assert first.stdout is not None and first.stdout.readline() == "OPEN\n"
    second = _cli(seeded, "sources", "--format", "json", wait="0")  # another reader: no wait
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert out.count('"path"') == 1
    writer = _cli(seeded, "ingest", str(_sbs(tmp_path / "w.sbs", "3C0009", range(1, 3))), wait="0")
    _, err = writer.communicate(timeout=120)
    assert writer.returncode == 2 and f"in use by PID {first.pid}" in err, err
    first.communicate("\n", timeout=60)
    assert first.returncode == 0


def test_lock_of_a_killed_process_is_taken_at_once(tmp_path: Path, seeded: Path) -> None:
    # a lock file naming a PID that no longer runs (as a kill -9 leaves it) holds nothing
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead = int(proc.stdout)
    lock.lock_path(seeded).write_text(f'{{"pid": {dead}, "command": "ingest x", "started": "then"}}')
    writer = _cli(seeded, "ingest", str(_sbs(tmp_path / "w.sbs", "3C0009", range(1, 3))), wait="0")
    _, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert "waiting" not in err
    assert _count(seeded, "sources") == 2


def test_bad_wait_value_is_one_line(tmp_path: Path, seeded: Path) -> None:
    reader = _cli(seeded, "sources", wait="soon")
    _, err = reader.communicate(timeout=120)
    assert reader.returncode == 2
    assert err.strip() == "error: BASEWATCH_WAIT='soon': not a number of seconds"
