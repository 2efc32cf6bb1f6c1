"""Store reports and their claims in the workspace; the same text is stored once (sha256)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from basewatch.claims.model import Claim
from basewatch.reports.model import Report

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

CLAIMS_SCHEMA = pa.schema([
    ("report_id", pa.int32()), ("claim_no", pa.int32()), ("text", pa.string()), ("start_char", pa.int32()),
    ("end_char", pa.int32()), ("event", pa.string()), ("actors", pa.list_(pa.string())), ("places", pa.string()),
    ("site_ids", pa.list_(pa.string())), ("countries", pa.list_(pa.string())), ("source", pa.string()),
    ("source_kind", pa.string()), ("certainty", pa.string()), ("date_start", pa.date32()),
    ("date_end", pa.date32()), ("date_text", pa.string()), ("reliability", pa.string()),
    ("credibility", pa.int32()), ("extractor", pa.string()), ("why", pa.string()),
])


@dataclass(frozen=True)
class AddResult:
    report: Report
    report_id: int
    added: bool  # False when the same text was already stored
    claims: int


def find_report(ws: Workspace, sha256: str) -> int | None:
    row = ws.con.execute("SELECT report_id FROM reports WHERE sha256 = ?", [sha256]).fetchone()
    return int(row[0]) if row else None


def claims_table(report_id: int, claims: Sequence[Claim], extractor: str) -> pa.Table:
    cols: dict[str, list[Any]] = {name: [] for name in CLAIMS_SCHEMA.names}
    for n, c in enumerate(claims, start=1):
        row = {
            "report_id": report_id, "claim_no": n, "text": c.text, "start_char": c.start, "end_char": c.end,
            "event": c.event, "actors": list(c.actors), "places": json.dumps([p.as_json() for p in c.places]),
            "site_ids": sorted({p.site_id for p in c.places if p.site_id}),
            "countries": sorted({p.country for p in c.places if p.country}), "source": c.source,
            "source_kind": c.source_kind, "certainty": c.certainty,
            "date_start": c.date.start if c.date else None, "date_end": c.date.end if c.date else None,
            "date_text": c.date.text if c.date else None, "reliability": c.reliability,
            "credibility": c.credibility, "extractor": extractor,
            "why": json.dumps(c.why.as_json()) if c.why else None,
        }
        for k, v in row.items():
            cols[k].append(v)
    return pa.table(cols, schema=CLAIMS_SCHEMA)


def add_report(ws: Workspace, report: Report, claims: Sequence[Claim], extractor: str) -> AddResult:
    """Store one report and its claims in one transaction; nothing when its text is already stored."""
    existing = find_report(ws, report.sha256)
    if existing is not None:
        return AddResult(report, existing, False, 0)
    with ws.transaction() as con:
        row = con.execute(
            "INSERT INTO reports (sha256, path, item_no, format, title, publisher, url, report_date, body_start, "
            "text, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) RETURNING report_id",
            [report.sha256, report.path, report.item_no, report.format, report.title, report.publisher,
             report.url, report.date, report.body_start, report.text],
        ).fetchone()
        assert row is not None
        report_id = int(row[0])
        table = claims_table(report_id, claims, extractor)
        con.register("claims_in", table)
        try:
            con.execute("INSERT INTO claims SELECT * FROM claims_in")
        finally:
            con.unregister("claims_in")
    return AddResult(report, report_id, True, len(claims))


def list_claims(ws: Workspace, site: str | None = None, event: str | None = None) -> list[dict[str, Any]]:
    """Stored claims with their report's title, date and path, in report then text order."""
    sql = (
        "SELECT c.report_id, c.claim_no, r.title, r.report_date, r.path, c.event, c.certainty, c.source, "
        "c.source_kind, c.reliability, c.credibility, c.site_ids, c.countries, c.places, c.actors, "
        "c.date_start, c.date_end, c.date_text, c.start_char, c.end_char, c.text, c.why "
        "FROM claims c JOIN reports r USING (report_id) WHERE 1 = 1"
    )
    params: list[Any] = []
    if site is not None:
        sql += " AND list_contains(c.site_ids, ?)"
        params.append(site)
    if event is not None:
        sql += " AND c.event = ?"
        params.append(event)
    sql += " ORDER BY c.report_id, c.claim_no"
    cur = ws.con.execute(sql, params)
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for r in rows:
        r["places"] = json.loads(r["places"])
        r["why"] = json.loads(r["why"]) if r["why"] else None
    return rows


def list_reports(ws: Workspace) -> list[dict[str, Any]]:
    """Stored reports (without their text) with the number of claims of each."""
    cur = ws.con.execute(
        "SELECT r.report_id, r.report_date, r.format, r.publisher, r.title, r.url, r.path, r.item_no, r.sha256, "
        "r.added_at, count(c.claim_no) AS claims FROM reports r LEFT JOIN claims c USING (report_id) "
        "GROUP BY ALL ORDER BY r.report_id"
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
