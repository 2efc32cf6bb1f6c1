"""Read reports from plain text, HTML (main text via trafilatura) and RSS/Atom feeds (feedparser)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from basewatch.errors import InputFormatError
from basewatch.reports.header import parse_date, parse_header
from basewatch.reports.model import Report, ReportFormat

_HTML = re.compile(rb"<(?:!doctype html|html|body|head|article|p|div)\b", re.IGNORECASE)
_FEED = re.compile(rb"<(?:rss|rdf:RDF|feed)\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def sniff_format(head: bytes) -> ReportFormat:
    if _FEED.search(head):
        return "atom" if re.search(rb"<feed\b", head, re.IGNORECASE) else "rss"
    if _HTML.search(head):
        return "html"
    return "text"


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFormatError(path, f"not UTF-8 text (byte {exc.start})", line) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_reports(path: Path | str, *, date: dt.date | None = None, publisher: str | None = None,
                 url: str | None = None) -> list[Report]:
    """Every report in a file (one for a document, one per feed item). Flags override the file's metadata."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFormatError(p, f"cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputFormatError(p, "empty file")
    fmt = sniff_format(data[:4096])
    if fmt in ("rss", "atom"):
        reports = _read_feed(p, data, fmt)
    elif fmt == "html":
        reports = [_read_html(p, _decode(p, data))]
    else:
        reports = [_read_text(p, _decode(p, data))]
    return [
        Report(r.text, r.path, r.item_no, r.format, r.body_start, r.title, publisher or r.publisher, url or r.url,
               date or r.date)
        for r in reports
    ]


def _read_text(path: Path, text: str) -> Report:
    header = parse_header(text)
    return Report(text, str(path), 1, "text", header.body_start, header.title, header.publisher, header.url,
                  header.date)


def _read_html(path: Path, html: str) -> Report:
    import trafilatura

    body = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    meta = trafilatura.extract_metadata(html)
    if not body or not body.strip():
        raise InputFormatError(path, "HTML without a main text to extract")
    title = getattr(meta, "title", None) if meta is not None else None
    text = f"{title}\n\n{body}\n" if title else body + "\n"
    body_start = len(title) + 2 if title else 0
    return Report(
        text, str(path), 1, "html", body_start, title,
        getattr(meta, "sitename", None) or getattr(meta, "author", None) if meta is not None else None,
        getattr(meta, "url", None) if meta is not None else None,
        parse_date(str(getattr(meta, "date", "") or "")) if meta is not None else None,
    )


def _plain(html_or_text: str) -> str:
    if "<" not in html_or_text:
        return html_or_text.strip()
    import html as html_lib

    text = re.sub(r"(?i)</?(?:p|br|div|li|h\d)\b[^>]*>", "\n", html_or_text)
    text = html_lib.unescape(_TAG.sub("", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _read_feed(path: Path, data: bytes, fmt: ReportFormat) -> list[Report]:
    import feedparser

    feed = feedparser.parse(data)
    if feed.get("bozo") and not feed.entries:
        raise InputFormatError(path, f"not a readable RSS/Atom feed: {feed.get('bozo_exception')}")
    publisher = feed.feed.get("title")
    reports: list[Report] = []
    for i, entry in enumerate(feed.entries, start=1):
        content = entry.get("content")
        raw = content[0].get("value", "") if content else entry.get("summary", "") or entry.get("description", "")
        body = _plain(str(raw))
        title = _plain(str(entry.get("title", ""))) or None
        if not body and not title:
            continue
        text = f"{title}\n\n{body}\n" if title else body + "\n"
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        date = _feed_date(when)
        reports.append(Report(text, str(path), i, fmt, len(title) + 2 if title else 0, title, publisher,
                              entry.get("link"), date))
    if not reports:
        raise InputFormatError(path, "feed without items")
    return reports


def _feed_date(when: object) -> dt.date | None:
    """An item's date from feedparser's time tuple; None when absent or not a date (e.g. year 10000)."""
    try:
        return dt.date(when.tm_year, when.tm_mon, when.tm_mday) if when else None  # type: ignore[attr-defined]
    except (ValueError, OverflowError, TypeError):
        return None
