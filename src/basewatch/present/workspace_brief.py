"""`basewatch brief` / `Workspace.brief`: the brief of any workspace, as HTML or PDF.

The HTML is the demo's page (`basewatch.present.brief`, every section in DEFAULT_SECTIONS) for the
chosen sites (default: the three busiest), actor (default: every watched actor) and days (default: the
span of the flights). PDF is the same page laid out by WeasyPrint (offline: the charts are embedded
PNGs, fonts are embedded by WeasyPrint, text stays text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.errors import BriefError, QueryError

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

When = dt.date | dt.datetime | None
SUFFIXES = (".html", ".htm", ".pdf")
DEFAULT_TITLE = "Force posture at watched sites"


def _day(value: When, end: bool) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        # an end at midnight excludes that day (windows are [since, until))
        if end and utc.time() == dt.time(0):
            return utc.date() - dt.timedelta(days=1)
        return utc.date()
    return value


def _window(flights: pa.Table, since: When, until: When) -> pa.Table:
    import pyarrow.compute as pc

    from basewatch.flights.query import Window

    window = Window.of(since, until)
    if window.since is not None:
        flights = flights.filter(pc.greater_equal(flights["start_us"], int(window.since.timestamp() * 1e6)))
    if window.until is not None:
        flights = flights.filter(pc.less(flights["start_us"], int(window.until.timestamp() * 1e6)))
    return flights


def _days(flights: pa.Table, since: When, until: When) -> tuple[dt.date, dt.date] | None:
    import pyarrow.compute as pc

    first, last = _day(since, False), _day(until, True)
    if flights.num_rows and (first is None or last is None):
        lo, hi = pc.min(flights["start_us"]).as_py(), pc.max(flights["end_us"]).as_py()
        first = first or dt.datetime.fromtimestamp(lo / 1e6, dt.UTC).date()
        last = last or dt.datetime.fromtimestamp(hi / 1e6, dt.UTC).date()
    if first is None or last is None:
        return None
    if last < first:
        raise QueryError(f"until ({last}) is before since ({first})")
    return first, last


def render_html(ws: Workspace, *, sites: Sequence[str] | None = None, actor: str | None = None,
                since: When = None, until: When = None, title: str | None = None) -> str:
    """The brief as one self-contained HTML page."""
    from basewatch.flights.query import check_actor, check_site
    from basewatch.present.activity import load_flights
    from basewatch.present.brief import BriefContext, render_brief

    for site in sites or ():
        check_site(ws, site)
    check_actor(ws, actor)
    flights = _window(load_flights(ws), since, until)
    ctx = BriefContext(ws=ws, flights=flights, title=title or DEFAULT_TITLE, site_ids=tuple(sites or ()),
                       actor=actor, days=_days(flights, since, until), data_root=None)
    return render_brief(ctx)


def write(ws: Workspace, path: Path | str, *, sites: Sequence[str] | None = None, actor: str | None = None,
          since: When = None, until: When = None, title: str | None = None) -> Path:
    """Write the brief to `path`: HTML for .html/.htm, PDF for .pdf (all or nothing: a temporary file
    renamed into place)."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise BriefError(f"{out}: the brief is written as .html or .pdf, not {suffix or 'a file without suffix'}")
    page = render_html(ws, sites=sites, actor=actor, since=since, until=until, title=title)
    partial = out.with_name(out.name + ".partial")
    try:
        if suffix == ".pdf":
            partial.write_bytes(html_to_pdf(page))
        else:
            partial.write_text(page, encoding="utf-8")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def html_to_pdf(page: str) -> bytes:
    """A self-contained HTML page as PDF bytes (WeasyPrint; nothing is fetched: every image is inline)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango missing (apt install libpango-1.0-0)
        raise BriefError(f"PDF output needs WeasyPrint and Pango: {exc}") from exc

    # only data: URLs (the page's own images) are read; anything else fails rather than being fetched
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    try:
        data: bytes = weasyprint.HTML(string=page, url_fetcher=fetcher).write_pdf()
    except weasyprint.urls.FatalURLFetchingError as exc:
        raise BriefError(f"the brief refers to something outside itself: {exc}") from None
    return data
