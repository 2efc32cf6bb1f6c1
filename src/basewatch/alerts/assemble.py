"""Detector output (column indices and figures) to rows of the `alerts` table, in words.

Wording lives here, not in the detectors: `method` says how the baseline was made and tested, `note`
what a reader should know (short history, what the level means for the whole watchlist).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from basewatch.alerts.cusum import threshold
from basewatch.alerts.detect import Found
from basewatch.alerts.frame import Frame
from basewatch.alerts.multiple import false_alarms_per_month
from basewatch.alerts.params import AlertParams

if TYPE_CHECKING:
    import pyarrow as pa

COLUMNS = (
    "alert_id", "kind", "mode", "series", "site", "origin", "destination", "actor", "direction", "day",
    "start_time", "end_time", "observed", "expected", "lower", "upper", "p_value", "q_value", "sigma",
    "status", "method", "evidence", "note", "history_days", "tests", "level",
)
EPOCH = dt.date(1970, 1, 1)
Evidence = Mapping[tuple[str, int, int], str]  # JSON text (`basewatch.alerts.evidence`)


def alert_id(kind: str, series: str, when: str) -> str:
    """Stable across reruns: the same alert on the same data gets the same id."""
    return hashlib.sha256(f"{kind}|{series}|{when}".encode()).hexdigest()[:20]


def schema() -> pa.Schema:
    import pyarrow as pa

    ts = pa.timestamp("us", tz="UTC")
    types = {"day": pa.date32(), "start_time": ts, "end_time": ts, "history_days": pa.int32(),
             "tests": pa.int32()}
    floats = {"observed", "expected", "lower", "upper", "p_value", "q_value", "sigma", "level"}
    return pa.schema([(c, types.get(c, pa.float64() if c in floats else pa.string())) for c in COLUMNS])


def evidence_keys(frame: Frame, found: Found) -> pa.Table:
    """The series (and its key parts) and day span of every count alert: what the evidence query looks up."""
    import pyarrow as pa

    rows = _found_keys(frame, found)

    def part(name: str) -> pa.Array:
        return pa.array(["" if k[name] is None else k[name] for k in rows], pa.string())

    return pa.table({
        "series": pa.array([k["series"] for k in rows], pa.string()),
        "mode": pa.array([k["mode"] for k in rows], pa.string()),
        "direction": pa.array([k["direction"] for k in rows], pa.string()),
        "site_k": part("site"), "origin_k": part("origin"), "destination_k": part("destination"),
        "actor": pa.array([k["actor"] for k in rows], pa.string()),
        "first_day": pa.array(found.first + frame.day0, pa.int64()),
        "last_day": pa.array(found.day + frame.day0, pa.int64()),
    })


def _found_keys(frame: Frame, found: Found) -> list[dict[str, object]]:
    """The key of each alert's series (only those rows: the frame may hold tens of thousands)."""
    import pyarrow as pa

    rows: list[dict[str, object]] = frame.keys.take(pa.array(found.row, pa.int64())).to_pylist()
    return rows


def _num(v: float) -> float | None:
    return None if np.isnan(v) else float(v)


def _method(kind: str, f: Found, i: int, kind_name: str, p: AlertParams) -> str:
    if kind in ("surge", "drawdown"):
        if f.weekday[i]:
            shape = f"weekday-adjusted (level from the {int(f.history[i])} same-weekday days)"
        else:
            shape = f"not weekday-adjusted (under {p.weekday_min_days} days of history)"
        disp = (f"dispersion pooled across {kind_name} series (short history)" if f.pooled[i]
                else f"dispersion from the series, shrunk halfway to the {kind_name} series'")
        return (f"negative binomial, {p.window_days}-day window, {p.guard_days}-day guard, {shape}, {disp}; "
                f"mid-p exact tail; Benjamini-Hochberg across {int(f.tests[i])} tests that day at level {p.level}")
    if kind == "shift":
        side = "upper" if f.statistic[i] > 0 else "lower"
        return (f"{side} CUSUM of daily negative-binomial scores (k {p.cusum_k}, h "
                f"{threshold(p.cusum_arl_days, p.cusum_k):.2f}: about one false alarm per series per "
                f"{p.cusum_arl_days:g} days), baseline as for surges ({p.window_days}-day window)")
    covered = int(f.statistic[i])
    if covered >= p.corridor_lookback_days:
        return f"no movement on this corridor in the previous {p.corridor_lookback_days} days"
    return (f"no movement on this corridor since the data begins ({covered} days before; "
            f"look-back {p.corridor_lookback_days} days)")


def _note(kind: str, f: Found, i: int, p: AlertParams, day0: int) -> str:
    if kind in ("surge", "drawdown"):
        parts = [f"at level {p.level} the whole watchlist expects about "
                 f"{false_alarms_per_month(p.level):.1f} false alarms a month"]
        if f.pooled[i]:
            parts.insert(0, f"short history: {int(f.history[i])} of {p.window_days} days")
        return "; ".join(parts)
    if kind == "shift":
        start = EPOCH + dt.timedelta(days=int(f.first[i]) + day0)
        ratio = f.observed[i] / f.expected[i] if f.expected[i] > 0 else float("inf")
        return f"change point {start.isoformat()}; observed {ratio:.2f} x expected since then"
    return "a corridor new for this actor group"


def count_rows(frame: Frame, found: Found, evidence: Evidence, p: AlertParams) -> pa.Table:
    import pyarrow as pa

    keys = _found_keys(frame, found)
    rows: list[dict[str, object]] = []
    for i in range(found.size):
        kind = found.kind[i]
        k = keys[i]
        first = int(found.first[i]) + frame.day0
        last = int(found.day[i]) + frame.day0
        day = EPOCH + dt.timedelta(days=last)
        start = dt.datetime.combine(EPOCH + dt.timedelta(days=first), dt.time(), tzinfo=dt.UTC)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        kind_name = f"{k['mode']} {k['direction']}"
        rows.append({
            **{c: k[c] for c in ("mode", "series", "site", "origin", "destination", "actor", "direction")},
            "alert_id": alert_id(kind, str(k["series"]), day.isoformat()), "kind": kind, "day": day,
            "start_time": start, "end_time": end, "observed": float(found.observed[i]),
            "expected": _num(found.expected[i]), "lower": _num(found.lower[i]), "upper": _num(found.upper[i]),
            "p_value": _num(found.p_value[i]), "q_value": _num(found.q_value[i]), "sigma": _num(found.sigma[i]),
            "status": None, "method": _method(kind, found, i, kind_name, p),
            "evidence": evidence.get((str(k["series"]), first, last), "[]"),
            "note": _note(kind, found, i, p, frame.day0), "history_days": int(found.history[i]),
            "tests": None if np.isnan(found.tests[i]) else int(found.tests[i]),
            "level": p.level if kind in ("surge", "drawdown") else None,
        })
    return pa.Table.from_pylist(rows, schema=schema())
