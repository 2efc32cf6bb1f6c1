"""Claim extraction throughput: the rule extractor against a naive sentence split, one core, same reports.

`python benchmarks/run.py claims`. The reports are the shared seed and dev reports (../shared/data/reports)
repeated to REPEAT copies each, read in the child process; each case runs in its own process
(harness.measure), so start-up (imports, gazetteer) is included in its time. Wall time suffers when the
machine is shared; each child also prints its own CPU time (start-up included) to stderr.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import SHARED, measure, report  # noqa: E402

REPEAT = 100


def _files() -> list[Path]:
    folder = SHARED / "reports"
    return sorted([folder / "seed.txt", *(folder / "dev").glob("*.txt")])


def child(case: str) -> None:
    """Run in the measured process: extract claims from every report REPEAT times."""
    from basewatch.reports.readers import read_reports

    reports = [r for f in _files() for r in read_reports(f)]
    if case == "rules":
        from basewatch.claims.extractor import RuleExtractor
        from basewatch.reports.ingest import document
        from basewatch.watchlist.load import default_watchlist

        wl = default_watchlist()
        extractor = RuleExtractor(wl.sites, wl.actors)
        n = sum(len(extractor.extract(document(r))) for _ in range(REPEAT) for r in reports)
    else:  # the baseline: every sentence a claim
        splitter = re.compile(r"[^.!?\n]+[.!?]*")
        n = sum(len(splitter.findall(r.text)) for _ in range(REPEAT) for r in reports)
    print(n)
    cpu = time.process_time()
    print(f"  [{case}] {len(reports) * REPEAT} reports, {n} claims/sentences, CPU {cpu:.2f} s including start-up "
          f"= {len(reports) * REPEAT / cpu:,.0f} reports per CPU second", file=sys.stderr)


def main() -> None:
    files = _files()
    if not all(f.exists() for f in files):
        print(f"\n## claims: skipped (no reports under {SHARED / 'reports'})")
        return
    items = len(files) * REPEAT
    env = {"OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"), str(HERE)])}
    argv = ["taskset", "-c", "0"] if os.path.exists("/usr/bin/taskset") else []
    print(f"\n## claims: measuring {len(files)} reports x {REPEAT} in child processes", flush=True)
    rows = [
        measure("naive sentence split", [*argv, sys.executable, __file__, "--child", "naive"], items, env),
        measure("rule extractor", [*argv, sys.executable, __file__, "--child", "rules"], items, env),
    ]
    report(f"claims: {len(files)} reports x {REPEAT} (reports/s, one core)", rows, "naive sentence split")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
