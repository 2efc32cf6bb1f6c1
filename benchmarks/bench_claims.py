"""Claim extraction throughput: the rule extractor against a naive sentence split, one core, same reports.

`python benchmarks/run.py claims`. Second table (issue 17): one text of 1 MB, as prose (the reports joined and
repeated), as the capitals report and as the run of dots of ../shared/data/bad-inputs (17, 18) grown to 1 MB;
target under 5 s each for the extraction itself (each child prints that time, start-up excluded, to stderr).
The reports are the shared seed and dev reports (../shared/data/reports)
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


MB = 1_000_000
BIG_SHAPES = ("prose", "capitals", "dots")


def big_text(shape: str) -> str:
    """A 1 MB text of the given shape, built from the shared reports and bad-inputs."""
    from basewatch.reports.readers import read_reports

    if shape == "prose":
        unit = "\n".join(r.text for f in _files() for r in read_reports(f)) + "\n"
    elif shape == "capitals":
        unit = (SHARED / "bad-inputs" / "17_report_allcaps_4000_words.txt").read_text()
    else:
        text = (SHARED / "bad-inputs" / "18_report_100k_dots.txt").read_text()
        cut = text.index("....")
        head, tail = text[:cut], text[cut:].lstrip(".")
        return head + "." * (MB - len(head) - len(tail)) + tail
    return (unit * (MB // len(unit) + 1))[:MB]


def child_big(case: str) -> None:
    """Run in the measured process: one 1 MB text, through the rule extractor or the naive split."""
    engine, shape = case.split(":")
    text = big_text(shape)
    if engine == "rules":
        from basewatch.claims.extractor import Document, RuleExtractor
        from basewatch.watchlist.load import default_watchlist

        wl = default_watchlist()
        extractor = RuleExtractor(wl.sites, wl.actors)
        extractor.extract(Document("Russia withdrew troops from Syria."))  # tables built before the clock
        start = time.process_time()
        n = len(extractor.extract(Document(text)))
    else:
        start = time.process_time()
        n = len(re.findall(r"[^.!?\n]+[.!?]*", text))
    print(n)
    print(f"  [{case}] {len(text):,} characters, {n} claims/sentences, extraction CPU "
          f"{time.process_time() - start:.2f} s (start-up excluded)", file=sys.stderr)


def child(case: str) -> None:
    """Run in the measured process: extract claims from every report REPEAT times."""
    if ":" in case:
        child_big(case)
        return
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
    big = [measure("naive sentence split, 1 MB prose", [*argv, sys.executable, __file__, "--child", "naive:prose"], 1,
                   env)]
    for shape in BIG_SHAPES:
        big.append(measure(f"rule extractor, 1 MB {shape}", [*argv, sys.executable, __file__, "--child",
                                                             f"rules:{shape}"], 1, env))
    report("claims: one 1 MB text (MB/s, one core, start-up included)", big, "naive sentence split, 1 MB prose")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
