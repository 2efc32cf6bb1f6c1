"""Long fuzzing run: `python -m tests.fuzz --inputs 1000000 [--seed 0] [--minutes M] [--out DIR]`.

Prints the inputs tried per format and every distinct failure (with its count and one example saved under
--out, to be turned into a regression test). Runs in one process (one core)."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.fuzz.driver import Campaign, Driver, run_campaign, run_units
from tests.fuzz.seeds import Seed, seeds
from tests.fuzz.units import units


def summary(c: Campaign, elapsed: float) -> str:
    lines = [f"{sum(c.inputs.values()):,} inputs in {elapsed:,.0f} s ({sum(c.inputs.values()) / elapsed:,.0f}/s); "
             "per format: inputs, refused, full commands, inputs/s in the parser, slowest s:"]
    for name in sorted(c.inputs):
        rate = c.inputs[name] / c.seconds[name] if c.seconds[name] else 0.0
        lines.append(f"  {name:22s} {c.inputs[name]:>9,} {c.refused[name]:>9,} {c.pipeline[name]:>7,} "
                     f"{rate:8.0f} {c.slowest.get(name, 0.0):6.2f}")
    lines.append(f"distinct failures: {len(c.failures)}")
    for key, n in c.failure_counts.most_common():
        lines.append(f"  {n:>7,} x {key}: {c.failures[key].detail[:160]}")
    return "\n".join(lines)


def run_units_only(driver: Driver, pool: tuple[Seed, ...], inputs: int, seed: int,
                   progress: Callable[[int], bool]) -> None:
    rng = random.Random(seed)
    targets = units(pool)
    done = 0
    while done < inputs:
        n = min(1000, inputs - done)
        run_units(driver, rng, targets, done, n)
        done += n
        if progress(done):
            break


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz")
    ap.add_argument("--inputs", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--minutes", type=float, default=None, help="stop after this long")
    ap.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    ap.add_argument("--pipeline-every", type=int, default=200, help="a full command on 1 input in N")
    ap.add_argument("--slow", type=float, default=5.0, help="an input taking longer (+ 50 us/byte) is a failure")
    ap.add_argument("--hang", type=float, default=60.0, help="an input still running after this long is a hang")
    ap.add_argument("--only", default=None, help="comma-separated seed names")
    ap.add_argument("--units-per-file", type=int, default=20,
                    help="inputs to the parsers' entry points (tests/fuzz/units.py) after each file")
    ap.add_argument("--units-only", action="store_true", help="only the parsers' entry points, no files")
    args = ap.parse_args(argv)
    pool = tuple(s for s in seeds() if args.only is None or s.name in args.only.split(","))
    if not pool:
        print("no seeds (../shared/data absent?)", file=sys.stderr)
        return 2
    start = time.perf_counter()
    state = {"last": start}
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        driver = Driver(Path(tmp), pipeline_every=args.pipeline_every, slow_s=args.slow, hang_s=args.hang)

        def progress(i: int) -> bool:
            now = time.perf_counter()
            if now - state["last"] > 60:
                state["last"] = now
                print(f"[{(now - start) / 60:5.1f} min] {i:,} inputs, {len(driver.campaign.failures)} "
                      "distinct failures", flush=True)
            return args.minutes is not None and now - start > args.minutes * 60

        try:
            if args.units_only:
                run_units_only(driver, pool, args.inputs, args.seed, progress)
            else:
                run_campaign(driver, pool, args.inputs, seed=args.seed, progress=progress,
                             units_per_file=args.units_per_file)
        except KeyboardInterrupt:
            pass
        finally:
            driver.close()
    c = driver.campaign
    args.out.mkdir(parents=True, exist_ok=True)
    for n, (key, f) in enumerate(sorted(c.failures.items())):
        safe = "".join(ch if ch.isalnum() else "_" for ch in key)[:80]
        (args.out / f"{n:03d}_{safe}.bin").write_bytes(f.data)
    print(summary(c, time.perf_counter() - start), flush=True)
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
