"""Benchmark harness: run each case in its own process, measure wall time and peak RSS, print ratios.

A case is a shell command (list of argv). Peak RSS is the child's own high-water mark (VmHWM), so it
covers the whole process, whatever library it uses. No timing is ever asserted; figures are printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CACHE = Path(__file__).resolve().parent / ".cache"


@dataclass(frozen=True)
class Measurement:
    name: str
    items: int
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float = float("nan")  # the child's own user + system time (wait4's rusage)
    load: float = float("nan")  # 1-minute load average when the case ended

    @property
    def per_second(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else float("inf")


def _vm_hwm_kb(pid: int) -> int | None:
    """The process's own peak RSS (VmHWM), which exec resets, unlike rusage's inherited maximum."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def measure(name: str, argv: list[str], items: int, env: dict[str, str] | None = None) -> Measurement:
    """Run argv to completion in a child process; return its wall time and peak RSS.

    Peak RSS is sampled from /proc/PID/status (VmHWM, a high-water mark) every 10 ms until the child
    exits. rusage's ru_maxrss is not used: after fork it includes the parent's memory.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    peak_kb = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid != 0:
            break
        hwm = _vm_hwm_kb(proc.pid)
        if hwm is not None:
            peak_kb = max(peak_kb, hwm)
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark case {name!r} failed: {' '.join(argv)}")
    return Measurement(name, items, seconds, peak_kb / 1024.0, usage.ru_utime + usage.ru_stime, os.getloadavg()[0])


def report(title: str, rows: list[Measurement], baseline: str) -> None:
    """Print a table of throughput and memory, with ratios against the named baseline row."""
    base = next((r for r in rows if r.name == baseline), None)
    print(f"\n## {title}")
    print(f"{'case':<34} {'items':>12} {'seconds':>9} {'cpu s':>7} {'load':>5} {'items/s':>14} {'peak MB':>9} "
          f"{'x ' + baseline:>18}")
    for r in rows:
        ratio = (r.per_second / base.per_second) if base else float("nan")
        print(f"{r.name:<34} {r.items:>12,} {r.seconds:>9.2f} {r.cpu_seconds:>7.2f} {r.load:>5.2f} "
              f"{r.per_second:>14,.0f} {r.peak_rss_mb:>9.0f} {ratio:>18.2f}")
    sys.stdout.flush()
