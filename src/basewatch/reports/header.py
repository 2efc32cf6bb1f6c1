"""Metadata in a plain-text report's first lines: `source: URL`, a date line, `Title (Publisher) | DATE`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_SOURCE = re.compile(r"^(?:source|url|link)\s*:\s*(?P<url>\S+)\s*$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(?:date|published|dated|updated)\s*:\s*(?P<date>.+?)\s*$", re.IGNORECASE)
_PUBLISHER = re.compile(r"\((?P<pub>[^()]+)\)\s*$")
_ISO = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b")
_HEADER_LINES = 4


@dataclass(frozen=True)
class Header:
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    body_start: int = 0


def parse_date(text: str) -> dt.date | None:
    """An exact date written as YYYY-MM-DD (or in a form the email/HTTP date parser knows); else None."""
    m = _ISO.search(text)
    if m:
        try:
            return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(text.strip()).date()
    except (TypeError, ValueError, IndexError):
        return None


def _title_line(line: str) -> tuple[str, str] | None:
    """`Title (Publisher) | DATE` -> (title, date text): split at the last `|`, both sides non-empty.
    Not a regular expression: a lazy `.+?\\s*\\|` backtracks over every run of spaces (quadratic; a 60 KB
    line of spaces took 8 s)."""
    head, bar, tail = line.rpartition("|")
    title, when = head.strip(), tail.strip()
    return (title, when) if bar and head[:1].strip() and when else None


def parse_header(text: str) -> Header:
    """Read up to four leading header lines; the body starts after the last one recognised."""
    url = title = publisher = None
    date: dt.date | None = None
    body_start = 0
    pos = 0
    for _ in range(_HEADER_LINES):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line = text[pos:end].strip()
        if not line and body_start:
            pos = end + 1
            continue
        if (m := _SOURCE.match(line)) and url is None:
            url = m.group("url")
        elif (m := _DATE_LINE.match(line)) and date is None:
            date = parse_date(m.group("date"))
        elif (td := _title_line(line)) and title is None and (body_start or parse_date(td[1])):
            title = td[0]
            date = date or parse_date(td[1])
            pm = _PUBLISHER.search(title)
            if pm:
                publisher = pm.group("pub").strip()
        else:
            break
        body_start = min(end + 1, len(text))
        pos = body_start
        if nl < 0:
            break
    return Header(url, title, publisher, date, body_start)
