"""Add report files to the workspace: read, extract claims with the workspace's watchlist, store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from basewatch.claims.extractor import Document, Extractor, RuleExtractor
from basewatch.reports.model import Report
from basewatch.reports.readers import read_reports
from basewatch.reports.store import AddResult, add_report

if TYPE_CHECKING:
    from basewatch.ingest.pipeline import IngestReport
    from basewatch.workspace.core import Workspace


def document(report: Report) -> Document:
    return Document(report.text, report.date, report.body_start, report.title, report.publisher)


def workspace_extractor(ws: Workspace) -> RuleExtractor:
    from basewatch.watchlist.store import read_actors, read_sites

    return RuleExtractor(read_sites(ws), read_actors(ws))


def add_files(ws: Workspace, paths: Iterable[Path], *, date: dt.date | None = None, publisher: str | None = None,
              url: str | None = None, extractor: Extractor | None = None) -> list[AddResult]:
    """Every report of every file, each stored once with its claims (one transaction per report)."""
    ex = extractor or workspace_extractor(ws)
    results: list[AddResult] = []
    for path in paths:
        for report in read_reports(path, date=date, publisher=publisher, url=url):
            results.append(add_report(ws, report, ex.extract(document(report)), ex.name))
    return results


def ingest_reports(ws: Workspace, paths: Iterable[Path]) -> list[IngestReport]:
    """`add_files` reported as ingest reports: accepted = reports stored, duplicates = reports already
    there (same text), one note per report with its id and number of claims."""
    from basewatch.ingest.pipeline import IngestReport

    out: list[IngestReport] = []
    for path in paths:
        results = add_files(ws, [path])
        added = sum(r.added for r in results)
        notes = tuple(f"report {r.report_id}: {r.claims} claims" + ("" if r.added else " (already stored)")
                      for r in results)
        out.append(IngestReport(str(path), "report", added, 0, len(results) - added,
                                already_ingested=bool(results) and added == 0, notes=notes))
    return out
