"""What `Workspace` and the CLI call: fuse, read statuses and assessments, export STIX."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from basewatch.errors import FusionError as FusionError  # re-exported: raised here
from basewatch.fusion.params import HYPOTHESIS_WORDS

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.products.base import BuildSummary
    from basewatch.workspace.core import Workspace

STATUS_CHOICES = ("corroborated", "contradicted", "unverified", "not-checkable")




def ensure_fused(ws: Workspace) -> list[BuildSummary]:
    """Bring the `fusion` and `assessments` products up to date (each rebuilt only when its inputs changed)."""
    import basewatch.fusion.products  # noqa: F401  (registers the products)
    from basewatch.products.registry import ensure

    return [ensure(ws, "fusion"), ensure(ws, "assessments")]


def _fused(ws: Workspace) -> None:
    from basewatch.fusion.records import table_exists

    if not table_exists(ws, "assessments"):
        raise FusionError(f"{ws.path}: workspace predates fusion; open it writable once (e.g. `basewatch fuse`)")
    row = ws.con.execute("SELECT count(*) FROM product_state WHERE product = 'assessments'").fetchone()
    if not row or not row[0]:
        raise FusionError("nothing fused yet: run `basewatch fuse` first")


def claim_statuses(ws: Workspace, *, status: str | None = None, site: str | None = None) -> pa.Table:
    """Claims with their fusion status, credibility, story, evidence and why (one row per claim)."""
    if status is not None and status not in STATUS_CHOICES:
        raise FusionError(f"--status must be one of {', '.join(STATUS_CHOICES)}, got {status!r}")
    _fused(ws)
    sql = ("SELECT c.report_id, c.claim_no, r.report_date, c.event, c.certainty, c.source, s.reliability, "
           "s.credibility, s.status, s.story, c.site_ids, s.window_start, s.window_end, s.observed, s.expected, "
           "CAST(s.evidence AS VARCHAR) AS evidence, s.why, c.text FROM claims c JOIN reports r USING (report_id) "
           "JOIN claim_status s USING (report_id, claim_no) WHERE ($status IS NULL OR s.status = $status) "
           "AND ($site IS NULL OR list_contains(c.site_ids, $site) OR list_contains(s.places, $site)) "
           "ORDER BY c.report_id, c.claim_no")
    return ws.con.execute(sql, {"status": status, "site": site}).fetch_arrow_table()


def assessments(ws: Workspace, *, site: str | None = None, actor: str | None = None,
                as_of: dt.date | None = None, timeline: bool = False) -> list[dict[str, Any]]:
    """Assessments as JSON documents: per place (and actor), the latest as of `as_of` (or every day: timeline)."""
    _fused(ws)
    where = ["($site IS NULL OR place = $site)", "(actor IS NOT DISTINCT FROM $actor)"]
    if as_of is not None:
        where.append("as_of <= $as_of")
    sql = ("SELECT place, actor, as_of, hypothesis, likelihood, words, band_low, band_high, confidence, "
           "confidence_why, window_start, window_end, CAST(probabilities AS VARCHAR), CAST(prior AS VARCHAR), "
           "CAST(evidence AS VARCHAR), CAST(sensitivity AS VARCHAR), CAST(indicators AS VARCHAR), "
           "CAST(notes AS VARCHAR), assessment_id FROM assessments WHERE " + " AND ".join(where))
    if not timeline:
        sql += " QUALIFY as_of = max(as_of) OVER (PARTITION BY place, actor)"
    sql += " ORDER BY place, as_of"
    params: dict[str, object] = {"site": site, "actor": actor}
    if as_of is not None:
        params["as_of"] = as_of
    out = []
    for r in ws.con.execute(sql, params).fetchall():
        out.append({
            "id": r[18], "site": r[0], "actor": r[1], "as_of": r[2].isoformat(), "hypothesis": r[3],
            "window": {"start": r[10].isoformat(), "end": r[11].isoformat()}, "likelihood": r[4], "words": r[5],
            "band": [r[6], r[7]], "confidence": r[8], "confidence_why": r[9], "probabilities": json.loads(r[12]),
            "prior": json.loads(r[13]), "evidence": json.loads(r[14]), "sensitivity": json.loads(r[15]),
            "indicators": json.loads(r[16]), "notes": json.loads(r[17]),
        })
        out[-1]["hypothesis_words"] = HYPOTHESIS_WORDS.get(str(r[3]), str(r[3]))
        out[-1]["judgement"] = f"{out[-1]['hypothesis_words']}: {r[5]} ({r[6]}-{r[7]} %)"
    if site is not None and not out:
        known = ws.con.execute("SELECT count(*) FROM assessments WHERE place = ?", [site]).fetchone()
        if not known or not known[0]:
            raise FusionError(f"no assessment for place {site!r} (see `basewatch sites`)")
    return out


def stix_bundle(ws: Workspace, docs: list[dict[str, Any]]) -> str:
    from basewatch.fusion.stix import bundle

    places = {str(r[0]): (str(r[1]), r[2], r[3]) for r in
              ws.con.execute("SELECT site_id, name, lat, lon FROM sites").fetchall()}
    return bundle(docs, places)


def source_rows(ws: Workspace, refs: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The source file rows behind evidence refs: flights and port calls to their first/last rows,
    claims to their report file and character offsets."""
    out: list[dict[str, Any]] = []
    for r in refs:
        row: tuple[Any, ...] | None = None
        if r["kind"] == "flight":
            row = ws.con.execute(
                "SELECT s1.path, f.first_row_no, s2.path, f.last_row_no FROM flights f "
                "LEFT JOIN sources s1 ON s1.source_id = f.first_source_id "
                "LEFT JOIN sources s2 ON s2.source_id = f.last_source_id WHERE f.flight_id = ?", [r["id"]]).fetchone()
        elif r["kind"] == "port_call":
            row = ws.con.execute(
                "SELECT s1.path, p.first_row_no, s2.path, p.last_row_no FROM port_calls p "
                "LEFT JOIN sources s1 ON s1.source_id = p.first_source_id "
                "LEFT JOIN sources s2 ON s2.source_id = p.last_source_id WHERE p.call_id = ?",
                [int(r["id"])]).fetchone()
        elif r["kind"] == "claim":
            rid, no = r["id"].lstrip("C").split("-")
            got = ws.con.execute("SELECT r.path, c.start_char, c.end_char FROM claims c JOIN reports r "
                                 "USING (report_id) WHERE c.report_id = ? AND c.claim_no = ?",
                                 [int(rid), int(no)]).fetchone()
            if got:
                out.append({**r, "file": got[0], "chars": [got[1], got[2]]})
            continue
        if row:
            out.append({**r, "first": {"file": row[0], "row": row[1]}, "last": {"file": row[2], "row": row[3]}})
        else:
            out.append(dict(r))
    return out
