"""Movements in a window against what the place's baseline leads one to expect (Poisson)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from basewatch.fusion.records import Movement, Records

ANY_WATCHED = "*"   # an actor filter holding this matches every watched actor (actor not NULL)


def poisson_sf(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam): the regularised lower incomplete gamma P(k, lam) (exact for any lam;
    a running sum of terms underflows past lam ~ 745)."""
    if k <= 0:
        return 1.0
    from scipy.special import gammainc

    return float(gammainc(k, lam))


def poisson_cdf(k: int, lam: float) -> float:
    """P(X <= k) for X ~ Poisson(lam)."""
    if k < 0:
        return 0.0
    from scipy.special import gammaincc

    return float(gammaincc(k + 1, lam))


def poisson_threshold(lam: float, p: float) -> int:
    """The smallest k with P(X >= k) < p."""
    from scipy.stats import poisson

    k = int(poisson.isf(p, lam)) + 1          # P(X > k - 1) <= p
    while k > 0 and poisson_sf(k - 1, lam) < p:
        k -= 1
    while poisson_sf(k, lam) >= p:
        k += 1
    return k


def actor_matches(actor: str | None, actors: Collection[str] | None) -> bool:
    if actors is None:
        return True
    if actor is None:
        return False
    return ANY_WATCHED in actors or actor in actors


def _window(records: Records, place: str, first: dt.date, last: dt.date) -> list[Movement]:
    if not records.by_day:
        return [m for m in records.movements.get(place, ()) if first <= m.day <= last]
    out: list[Movement] = []
    d = first
    while d <= last:
        out.extend(records.by_day.get((place, d), ()))
        d += dt.timedelta(days=1)
    return out


def select(records: Records, places: Sequence[str], first: dt.date, last: dt.date, *,
           directions: Collection[str] = ("arrival", "departure"), modes: Collection[str] = ("air", "sea"),
           actors: Collection[str] | None = None, others: Collection[str] | None = None) -> list[Movement]:
    """Movements at `places` on days first..last (inclusive) matching every filter, in time order."""
    out = []
    for p in places:
        for m in _window(records, p, first, last):
            if m.direction in directions and m.mode in modes and \
                    actor_matches(m.actor, actors) and (others is None or m.other in others):
                out.append(m)
    if len(places) > 1 or not records.by_day:
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
    p_more: float                      # P(at least `observed` | expected), quasi-Poisson
    p_less: float                      # P(at most `observed` | expected), quasi-Poisson
    movements: tuple[Movement, ...]
    dispersion: float = 1.0            # variance / mean of the baseline's daily counts (at least 1)

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
    phi = 1.0
    if b_first > b_last:
        base_n, rate, bf, bl = 0, floor_per_day, None, None
    else:
        base = select(records, places, b_first, b_last, **filters)  # type: ignore[arg-type]
        base_n, bf, bl = len(base), b_first, b_last
        n_days = (b_last - b_first).days + 1
        rate = max(base_n / n_days, floor_per_day)
        phi = dispersion([m.day for m in base], b_first, n_days)
    expected = rate * days
    n = len(seen)
    k = round(n / phi)
    return Count(first, last, n, bf, bl, base_n, expected, poisson_sf(k, expected / phi),
                 poisson_cdf(k, expected / phi), tuple(seen), phi)


def dispersion(days: Sequence[dt.date], first: dt.date, n_days: int) -> float:
    """Variance over mean of the daily counts (days without movements count as 0), at least 1: traffic
    that varies more from day to day than a Poisson process needs a larger excess to count as one."""
    if n_days < 2 or not days:
        return 1.0
    per = [0] * n_days
    for d in days:
        per[(d - first).days] += 1
    mean = sum(per) / n_days
    var = sum((x - mean) ** 2 for x in per) / (n_days - 1)
    return max(1.0, var / mean)


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
