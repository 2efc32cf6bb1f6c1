"""Spark scaling of the flights pipeline: local[1] against local[2] on the same simulated points, with
basewatch on DuckDB and a bare DuckDB scan of the same columns measured in the same run (docs/scale.md).

`python benchmarks/bench_spark_scale.py` (environment BENCH_SCALE_SIZES, default "300000"). For each case:
wall time, CPU time (user + system of the whole process tree, the Spark JVM included: the tree is
sampled from /proc every 50 ms, since the JVM outlives its Python parent's wait and rusage misses it),
the CPU/wall ratio (how many cores the case kept busy) and the 1-minute load average before and after.
Peak RSS is the Python driver's; the JVM's memory is its own (spark.driver.memory, 2 GB here).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from bench_flights import SCAN_SQL, WORK, _prepare_synthetic, _py
from harness import _vm_hwm_kb

TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Run:
    name: str
    items: int
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    load_before: float
    load_after: float


def _cpu_ticks(pid: int) -> tuple[int, int] | None:
    """(parent pid, user + system ticks) of a live process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _tree_ticks(root: int, seen: dict[int, int]) -> None:
    """Record the latest CPU ticks of `root` and every descendant in `seen` (pid -> ticks)."""
    procs: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            got = _cpu_ticks(int(entry))
            if got is not None:
                procs[int(entry)] = got
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, _) in procs.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    for pid in tree:
        if pid in procs:
            seen[pid] = max(seen.get(pid, 0), procs[pid][1])


def run(name: str, argv: list[str], items: int) -> Run:
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    seen: dict[int, int] = {}
    peak_kb = 0
    while proc.poll() is None:
        _tree_ticks(proc.pid, seen)
        peak_kb = max(peak_kb, _vm_hwm_kb(proc.pid) or 0)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark case {name!r} failed: {' '.join(argv)}")
    return Run(name, items, wall, sum(seen.values()) / TICK, peak_kb / 1024.0, load_before, os.getloadavg()[0])


def show(title: str, rows: list[Run]) -> None:
    base = rows[0]
    print(f"\n## {title}  (cores: {os.cpu_count()})")
    print(f"{'case':<28} {'wall s':>8} {'cpu s':>8} {'cpu/wall':>8} {'points/s':>10} {'x scan':>7} "
          f"{'peak MB':>8} {'load 1m':>11}")
    for r in rows:
        rate = r.items / r.wall_s
        print(f"{r.name:<28} {r.wall_s:>8.2f} {r.cpu_s:>8.2f} {r.cpu_s / r.wall_s:>8.2f} {rate:>10,.0f} "
              f"{rate / (base.items / base.wall_s):>7.3f} {r.peak_rss_mb:>8.0f} "
              f"{r.load_before:>5.1f}-{r.load_after:<5.1f}")
    by = {r.name: r for r in rows}
    one, two = by.get("basewatch spark local[1]"), by.get("basewatch spark local[2]")
    if one and two:
        print(f"local[2] / local[1]: wall speed-up {one.wall_s / two.wall_s:.2f}, "
              f"CPU {two.cpu_s / one.cpu_s:.2f} x")
    sys.stdout.flush()


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    for n in (int(s) for s in os.environ.get("BENCH_SCALE_SIZES", "300000").split(",")):
        ws, _, points = _prepare_synthetic(n)
        if points == 0:  # a failed earlier preparation left an empty workspace behind
            raise SystemExit(f"{ws}: holds no points; delete it (and its .parquet) and run again")
        analyse = [sys.executable, "-m", "basewatch", "-w", str(ws), "analyse", "--product", "flights", "--force"]
        scan = _py(f"import duckdb; c = duckdb.connect({str(ws)!r}, read_only=True); "
                   f"c.execute({SCAN_SQL!r}).fetchall()")
        rows = [run("duckdb scan (same columns)", scan, points), run("basewatch duckdb", analyse, points)]
        for master in ("local[1]", "local[2]"):
            rows.append(run(f"basewatch spark {master}", [*analyse, "--engine", "spark", "--spark-master", master],
                            points))
        show(f"flights on Spark, 1 vs 2 cores ({points:,} points)", rows)


if __name__ == "__main__":
    main()
