"""Read stored claims for front ends as one Arrow table (with their report's title, date and path)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from basewatch.errors import QueryError

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

CERTAINTIES = ("asserted", "hedged", "denied")


def claims(ws: Workspace, site: str | None = None, event: str | None = None,
           status: str | None = None) -> pa.Table:
    """Claims placed at `site`, of event class `event`, of certainty `status` (asserted, hedged or
    denied), in report then text order. `places` is the JSON list of places as written."""
    from basewatch.claims.model import EVENT_CLASSES

    if event is not None and event not in EVENT_CLASSES:
        raise QueryError(f"unknown event {event!r}: use one of {', '.join(EVENT_CLASSES)}")
    if status is not None and status not in CERTAINTIES:
        raise QueryError(f"unknown status {status!r}: use one of {', '.join(CERTAINTIES)}")
    if site is not None and ws.con.execute("SELECT 1 FROM sites WHERE site_id = ?", [site]).fetchone() is None:
        raise QueryError(f"unknown site {site!r} (see `basewatch sites`)")
    sql = (
        "SELECT c.report_id, c.claim_no, r.report_date, c.event, c.certainty, c.source, c.source_kind, "
        "c.reliability, c.credibility, c.site_ids, c.countries, c.actors, CAST(c.places AS VARCHAR) AS places, "
        "c.date_start, c.date_end, c.date_text, c.text, r.title, r.path, c.start_char, c.end_char "
        "FROM claims c JOIN reports r USING (report_id) WHERE TRUE"
    )
    params: list[Any] = []
    for cond, value in (("list_contains(c.site_ids, ?)", site), ("c.event = ?", event),
                        ("c.certainty = ?", status)):
        if value is not None:
            sql += f" AND {cond}"
            params.append(value)
    return ws.con.execute(sql + " ORDER BY c.report_id, c.claim_no", params).fetch_arrow_table()
