"""Resolve time expressions against the report's date: "last week" becomes a range of days."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from basewatch.claims.model import DateRange

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "a": 1, "several": 3, "few": 3}

# Future tense before a weekday: the coming one, not the last one.
_FUTURE = re.compile(r"\b(?:will|due|expected|scheduled|set to|plans? to|planned|is to|are to|going to|shall)\b",
                     re.IGNORECASE)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(p, re.IGNORECASE))
    for name, p in (
        ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
        ("mdy", r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"),
        ("dmy", r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"),
        ("month", r"\b(?:in|since|during|by|until|early|late|mid-?|of)\s+(?:early\s+|late\s+|mid-?)?"
                  r"(?P<month>" + "|".join(m for m in _MONTHS if len(m) > 3) + r")(?:\s+(?P<year>(?:19|20)\d\d))?\b"),
        ("relday", r"\b(?P<rel>today|yesterday|tonight|this morning|this afternoon|this evening|last night|"
                   r"the day before yesterday)\b"),
        ("weekday", r"\b(?:on\s+|last\s+|next\s+|this\s+|early\s+|late\s+)?" + _WEEKDAY + r"\b"),
        ("past", r"\b(?:in|over|during|within)\s+the\s+(?:past|last|previous)\s+(?:(?P<n>\d+|one|two|three|four|"
                 r"five|six|seven|eight|nine|ten|several|few)\s+)?(?P<unit>day|week|month|year)s?\b"),
        ("ago", r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|several|few)\s+"
                r"(?P<unit>day|week|month|year)s?\s+ago\b"),
        ("lastunit", r"\b(?P<which>last|this|next|earlier this|later this)\s+(?P<unit>week|month|year)\b"),
        ("year", r"\b(?:in|since|during|by|until|of)\s+(?:(?:early|late|mid-?)\s*)?(?P<year>(?:19|20)\d\d)\b"),
        ("recent", r"\b(?P<rel>recently|in recent (?:days|weeks))\b"),
    )
)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _nearest_year(ref: dt.date, month: int, day: int) -> int:
    """A date written without year: the year that puts it nearest to the report date."""
    best = ref.year
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cand = dt.date(year, month, day)
        except ValueError:
            continue
        if abs((cand - ref).days) < abs((dt.date(best, month, min(day, 28)) - ref).days):
            best = year
    return best


def _resolve(name: str, m: re.Match[str], ref: dt.date | None) -> tuple[dt.date, dt.date] | None:
    g = m.groupdict()
    if name in ("iso", "mdy", "dmy"):
        month = int(g["mnum"]) if g.get("mnum") else _MONTHS[g["month"].lower()]
        day = int(g["day"])
        if g.get("year"):
            year = int(g["year"])
        elif ref is not None:
            year = _nearest_year(ref, month, day)
        else:
            return None
        try:
            d = dt.date(year, month, day)
        except ValueError:
            return None
        return d, d
    if name == "month":
        month = _MONTHS[g["month"].lower()]
        if g.get("year"):
            year = int(g["year"])
        elif ref is not None:
            year = ref.year if month <= ref.month else ref.year - 1
        else:
            return None
        return dt.date(year, month, 1), _month_end(year, month)
    if name == "year":
        year = int(g["year"])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if ref is None:
        return None
    if name == "relday":
        rel = g["rel"].lower()
        back = 2 if "before" in rel else 1 if rel in ("yesterday", "last night") else 0
        d = ref - dt.timedelta(days=back)
        return d, d
    if name == "weekday":
        wanted = _WEEKDAYS[g["weekday"].lower()]
        prefix = m.group().lower()
        before = m.string[max(0, m.start() - 80):m.start()]
        if prefix.startswith("next") or _FUTURE.search(before):
            d = ref + dt.timedelta(days=(wanted - ref.weekday()) % 7)  # "due to reach Tartus on Friday"
            return d, d
        back = (ref.weekday() - wanted) % 7
        if prefix.startswith("last") and back == 0:
            back = 7
        d = ref - dt.timedelta(days=back)
        return d, d
    if name in ("past", "ago"):
        n_text = (g.get("n") or "one").lower()
        n = int(n_text) if n_text.isdigit() else _NUMBERS[n_text]
        unit = g["unit"].lower()
        start = (ref - dt.timedelta(days=n * (7 if unit == "week" else 1)) if unit in ("day", "week")
                 else _add_months(ref, -n * (12 if unit == "year" else 1)))
        return (start, ref) if name == "past" else (start, start)
    if name == "lastunit":
        which, unit = g["which"].lower(), g["unit"].lower()
        shift = {"last": -1, "next": 1}.get(which, 0)
        if unit == "week":
            monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=shift)
            start, end = monday, monday + dt.timedelta(days=6)
        elif unit == "month":
            first = _add_months(ref.replace(day=1), shift)
            start, end = first, _month_end(first.year, first.month)
        else:
            start, end = dt.date(ref.year + shift, 1, 1), dt.date(ref.year + shift, 12, 31)
        if which == "earlier this":
            end = ref
        elif which == "later this":
            start = ref
        return start, end
    if name == "recent":
        return ref - dt.timedelta(days=30), ref
    return None


def find_dates(text: str, ref: dt.date | None) -> list[DateRange]:
    """Every resolvable time expression in text, in order of appearance (overlaps: the longest)."""
    hits: list[tuple[int, int, DateRange]] = []
    taken = bytearray(len(text) + 1)  # 1 where an earlier expression lies
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if m.end() == m.start() or taken[m.start()] or taken[m.end() - 1]:
                continue
            try:
                resolved = _resolve(name, m, ref)
            except (OverflowError, ValueError):  # "next week" of 9999-12-31: no date, not a crash
                resolved = None
            if resolved is not None:
                hits.append((m.start(), m.end(), DateRange(resolved[0], resolved[1], m.group().strip())))
                taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    hits.sort(key=lambda h: h[0])
    return [h[2] for h in hits]


def first_date(text: str, ref: dt.date | None) -> DateRange | None:
    found = find_dates(text, ref)
    return found[0] if found else None
