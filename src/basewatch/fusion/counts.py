"""Movements in a window against what the place's baseline leads one to expect (Poisson)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from basewatch.fusion.records import Movement, Records

ANY_WATCHED = "*"   # an actor filter holding this matches every watched actor (actor not NULL)


def poisson_sf(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term = math.exp(-lam)
    cdf = term
    for i in range(1, k):
        term *= lam / i
        cdf += term
    return max(0.0, 1.0 - cdf)


def poisson_cdf(k: int, lam: float) -> float:
    """P(X <= k) for X ~ Poisson(lam)."""
    if k < 0:
        return 0.0
    return 1.0 - poisson_sf(k + 1, lam)


def actor_matches(actor: str | None, actors: Collection[str] | None) -> bool:
    if actors is None:
        return True
    if actor is None:
        return False
    return ANY_WATCHED in actors or actor in actors


def select(records: Records, places: Sequence[str], first: dt.date, last: dt.date, *,
           directions: Collection[str] = ("arrival", "departure"), modes: Collection[str] = ("air", "sea"),
           actors: Collection[str] | None = None, others: Collection[str] | None = None) -> list[Movement]:
    """Movements at `places` on days first..last (inclusive) matching every filter, in time order."""
    out = []
    for p in places:
        for m in records.movements.get(p, ()):
            if first <= m.day <= last and m.direction in directions and m.mode in modes and \
                    actor_matches(m.actor, actors) and (others is None or m.other in others):
                out.append(m)
    out.sort(key=lambda m: (m.time, m.ref_id))
    return out


@dataclass(frozen=True)
class Count:
    """Observed movements in a window and the expectation from the days before it."""

    first: dt.date
    last: dt.date
    observed: int
    baseline_first: dt.date | None     # None: no day of data before the window
    baseline_last: dt.date | None
    baseline_count: int
    expected: float                    # at the baseline rate over the window (floored)
    p_more: float                      # P(at least `observed` | expected)
    p_less: float                      # P(at most `observed` | expected)
    movements: tuple[Movement, ...]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def baseline_days(self) -> int:
        if self.baseline_first is None or self.baseline_last is None:
            return 0
        return (self.baseline_last - self.baseline_first).days + 1


def count(records: Records, places: Sequence[str], first: dt.date, last: dt.date, *, baseline_days: int,
          floor_per_day: float, baseline_end: dt.date | None = None, **filters: Collection[str] | None) -> Count:
    """Movements first..last and the expectation from up to `baseline_days` days before `baseline_end`
    (default: the day before the window), never before the first day of data."""
    seen = select(records, places, first, last, **filters)  # type: ignore[arg-type]
    b_last = baseline_end if baseline_end is not None else first - dt.timedelta(days=1)
    b_first = b_last - dt.timedelta(days=baseline_days - 1)
    if records.first_day is not None:
        b_first = max(b_first, records.first_day)
    days = (last - first).days + 1
    if b_first > b_last:
        base_n, rate, bf, bl = 0, floor_per_day, None, None
    else:
        base = select(records, places, b_first, b_last, **filters)  # type: ignore[arg-type]
        base_n, bf, bl = len(base), b_first, b_last
        rate = max(base_n / ((b_last - b_first).days + 1), floor_per_day)
    expected = rate * days
    n = len(seen)
    return Count(first, last, n, bf, bl, base_n, expected, poisson_sf(n, expected), poisson_cdf(n, expected),
                 tuple(seen))


def covered_days(records: Records, places: Sequence[str], first: dt.date, last: dt.date,
                 modes: Sequence[str]) -> dict[str, int]:
    """Per place: days first..last on which receivers saw it in one of `modes`."""
    out: dict[str, int] = {}
    for p in places:
        d, n = first, 0
        while d <= last:
            n += records.covered(p, d, modes)
            d += dt.timedelta(days=1)
        out[p] = n
    return out


def day_span(first: dt.date, last: dt.date) -> str:
    """'14-20 Dec 2024', '30 Nov-6 Dec 2024', '14 Dec 2024'."""
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b}-{last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y}-{last.day} {last:%b %Y}"
