"""Alerts at scale: 1,000 sites x 2 years of daily flight counts (arrivals, departures, and 3,000 corridors),
all traffic, one watched actor and the rest: about 12,000 series, 8.8 M series-days.

Cases, each in its own process over the same synthetic workspace (flights only, ~2.2 M flights, a weekday
pattern, daily means from 0.3 to 18 per site; some surges injected):

- bare DuckDB group-by: the daily counts of the three series kinds per actor group (the least work any
  detector needs; no zero filling, no detection).
- naive pandas detector: the same counts to pandas, pivoted dense, 56-day rolling mean and standard
  deviation (2-day guard), "observed > mean + 3 sd" (the detector the issue warns against; a peer of
  the speed, not of the statistics).
- basewatch alerts backfill: basewatch.alerts.build.compute_alerts, every detector over the whole two
  years, with evidence (items = series-days).
- basewatch alerts, one new day: a copy of the workspace without its last day's flights is built once
  (backfill, state stored: not timed); the case adds that day's flights (not timed) and runs the
  `alerts` build, which updates from the stored state (timed in the process, printed, and the process
  end to end). Items = series (one day each).

Figures are printed, never asserted. BENCH_ALERTS_SITES scales the number of sites.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import CACHE, measure, report  # benchmarks/run.py puts benchmarks/ on sys.path

N_SITES = int(os.environ.get("BENCH_ALERTS_SITES", "1000"))
DAYS = 730
PARTNERS = 3
FIRST_DAY = "2023-01-01"


def _build(path: Path) -> None:
    import numpy as np
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

    rng = np.random.default_rng(2024)
    mu = 0.3 * np.power(60.0, np.arange(N_SITES) / max(N_SITES - 1, 1))
    weekday = np.array([1.2, 1.2, 1.1, 1.0, 1.0, 0.7, 0.8])[np.arange(DAYS) % 7]
    lam = mu[:, None] * weekday[None, :]
    surged = rng.choice(N_SITES, N_SITES // 50, replace=False)
    for s in surged:  # a 3x surge for a week somewhere in the second year
        d = int(rng.integers(400, DAYS - 7))
        lam[s, d:d + 7] *= 3
    counts = rng.poisson(lam)
    site, day = np.nonzero(counts)
    reps = counts[site, day]
    site, day = np.repeat(site, reps), np.repeat(day, reps)
    n = site.size
    partner = (site + 1 + rng.integers(0, PARTNERS, n) * 7) % N_SITES
    start_s = (np.datetime64(FIRST_DAY, "s").astype(np.int64) + day * 86400 + rng.integers(0, 80000, n))
    actor = np.where(rng.random(n) < 0.1, "bench-actor", None)
    table = pa.table({
        "flight_id": pa.array([f"f{i:08d}" for i in range(n)]),
        "start_s": pa.array(start_s), "end_s": pa.array(start_s + 3600),
        "origin_site": pa.array([f"site{v:04d}" for v in site]),
        "destination_site": pa.array([f"site{v:04d}" for v in partner]),
        "actor": pa.array(actor.tolist(), pa.string()),
    })
    with Workspace(path) as ws:
        ws.con.register("bench_flights", table)
        ws.con.execute(
            "INSERT INTO flights (flight_id, icao24, start, \"end\", origin_site, destination_site, origin_method, "
            "destination_method, origin_note, destination_note, points, actor, source_ids) "
            "SELECT flight_id, 'abcdef', to_timestamp(start_s), to_timestamp(end_s), origin_site, destination_site, "
            "'ground', 'ground', '', '', 10, actor, [1] FROM bench_flights"
        )


GROUP_BY = (
    "WITH e AS (SELECT destination_site AS place, CAST(\"end\" AS DATE) AS day, actor FROM flights "
    "UNION ALL SELECT origin_site, CAST(start AS DATE), actor FROM flights "
    "UNION ALL SELECT origin_site || '->' || destination_site, CAST(start AS DATE), actor FROM flights) "
    "SELECT place, day, coalesce(actor, 'other') AS grp, count(*) AS n FROM e GROUP BY ALL "
    "UNION ALL SELECT place, day, 'all', count(*) FROM e GROUP BY ALL"
)

PANDAS = """
import duckdb, pandas as pd, numpy as np
con = duckdb.connect({path!r}, read_only=True)
counts = con.execute({sql!r}).df()
wide = counts.pivot_table(index='day', columns=['place', 'grp'], values='n', aggfunc='sum', fill_value=0)
wide = wide.reindex(pd.date_range(wide.index.min(), wide.index.max()), fill_value=0)
base = wide.shift(3).rolling(56, min_periods=7)
flag = wide > base.mean() + 3 * base.std()
print(int(flag.to_numpy().sum()), 'naive alerts', file=__import__('sys').stderr)
"""

BASEWATCH = """
from basewatch.workspace.core import Workspace
from basewatch.alerts.build import compute_alerts
ws = Workspace({path!r}, read_only=True)
t = compute_alerts(ws)
kinds = t.column('kind').to_pylist()
print({{k: kinds.count(k) for k in set(kinds)}}, file=__import__('sys').stderr)
"""


ONE_DAY = """
import os, resource, sys, time
from basewatch.workspace.core import Workspace
from basewatch.alerts.build import build_alerts
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
ws = Workspace({path!r})
ws.con.execute("INSERT INTO flights SELECT * FROM bench_held")
t, c = time.perf_counter(), cpu()
s = build_alerts(ws)
print(f"one new day: build {{time.perf_counter() - t:.2f}} s wall, {{cpu() - c:.2f}} s CPU in the process "
      f"(load {{os.getloadavg()[0]:.1f}}), {{s.notes[0]}}", file=sys.stderr)
"""


def _one_day_base(ws_path: Path) -> Path:
    """The workspace less its last day's flights (kept in bench_held), alerts built and state stored."""
    base = CACHE / f"alerts_{N_SITES}sites_state.duckdb"
    if base.exists():
        return base
    import shutil

    from basewatch.alerts.build import build_alerts
    from basewatch.workspace.core import Workspace

    tmp = base.with_suffix(".tmp")
    shutil.copy(ws_path, tmp)
    with Workspace(tmp) as ws:
        cut = "CAST((SELECT max(\"end\") FROM flights) AS DATE)"
        ws.con.execute(f"CREATE TABLE bench_held AS SELECT * FROM flights WHERE least(start, \"end\") >= {cut}")
        ws.con.execute("DELETE FROM flights WHERE flight_id IN (SELECT flight_id FROM bench_held)")
        build_alerts(ws, incremental=False)
    tmp.rename(base)
    return base


def main() -> None:
    CACHE.mkdir(exist_ok=True)
    ws_path = CACHE / f"alerts_{N_SITES}sites.duckdb"
    if not ws_path.exists():
        _build(ws_path)
    import duckdb

    con = duckdb.connect(str(ws_path), read_only=True)
    row = con.execute(f"SELECT count(DISTINCT (place, grp)) FROM ({GROUP_BY})").fetchone()
    con.close()
    series = int(row[0]) if row else 0
    items = series * DAYS
    py = sys.executable
    base = f"import duckdb; duckdb.connect({str(ws_path)!r}, read_only=True).execute({GROUP_BY!r}).fetchall()"
    report(
        f"alerts backfill, {N_SITES:,} sites x {DAYS} days, {series:,} series (items = series-days)",
        [
            measure("bare DuckDB group-by", [py, "-c", base], items),
            measure("naive pandas rolling detector", [py, "-c", PANDAS.format(path=str(ws_path), sql=GROUP_BY)],
                    items),
            measure("basewatch alerts (backfill)", [py, "-c", BASEWATCH.format(path=str(ws_path))], items),
        ],
        baseline="bare DuckDB group-by",
    )
    import shutil

    day_sql = f"SELECT * FROM ({GROUP_BY}) WHERE day = (SELECT max(CAST(\"end\" AS DATE)) FROM flights)"
    base_day = f"import duckdb; duckdb.connect({str(ws_path)!r}, read_only=True).execute({day_sql!r}).fetchall()"
    scratch = CACHE / f"alerts_{N_SITES}sites_oneday.duckdb"
    shutil.copy(_one_day_base(ws_path), scratch)
    report(
        f"alerts, one new day, {N_SITES:,} sites, {series:,} series (items = series)",
        [
            measure("bare DuckDB group-by, last day", [py, "-c", base_day], series),
            measure("basewatch alerts (one new day, process end to end)",
                    [py, "-c", ONE_DAY.format(path=str(scratch))], series),
        ],
        baseline="bare DuckDB group-by, last day",
    )
    scratch.unlink()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
