"""`basewatch reports add`, `basewatch claims [list]`, `basewatch claims extract`, `basewatch claims eval`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from basewatch.cli.app import open_workspace, workspace_path
from basewatch.cli.options import Limit, Out, Site, TableFormat, check_format, emit
from basewatch.cli.output import print_json, print_table, to_jsonable
from basewatch.errors import UsageError

if TYPE_CHECKING:
    from basewatch.claims.extractor import Extractor

reports_app = typer.Typer(help="Articles, statements and feeds.", no_args_is_help=True)
claims_app = typer.Typer(help="Claims extracted from reports.", invoke_without_command=True)

_LIST_COLUMNS = ["report_id", "claim_no", "report_date", "event", "certainty", "source", "source_kind",
                 "reliability", "site_ids", "countries", "date_start", "date_end", "text"]


def register(app: typer.Typer) -> None:
    app.add_typer(reports_app, name="reports")
    app.add_typer(claims_app, name="claims")


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--date must be YYYY-MM-DD, got {value!r}") from None


_format = check_format


@reports_app.command("add")
def reports_add(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Text, HTML or RSS/Atom files.")],
    date: Annotated[str | None, typer.Option("--date", help="Report date YYYY-MM-DD (overrides the file's).")] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Publisher name.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where the report was published.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Store reports (once each, by text hash) and the claims extracted from them."""
    from basewatch.cli.app import working_on
    from basewatch.reports.ingest import add_files

    _format(fmt, ("table", "json"))
    results = []
    with open_workspace(ctx, create=True) as ws:
        for f in files:
            with working_on(str(f)):
                results += add_files(ws, [f], date=_date(date), publisher=publisher, url=url)
    rows = [
        {"path": r.report.path, "item": r.report.item_no, "format": r.report.format, "report_id": r.report_id,
         "title": r.report.title, "date": r.report.date, "added": r.added, "claims": r.claims,
         "note": "" if r.added else "already stored (same text)"}
        for r in results
    ]
    if fmt == "json":
        print_json(rows)
    else:
        print_table(rows, ["path", "item", "format", "report_id", "date", "added", "claims", "note"], title="reports")


@reports_app.command("list")
def reports_list(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
) -> None:
    """List stored reports with their metadata and claim counts."""
    from basewatch.cli.output import print_csv
    from basewatch.reports.store import list_reports

    _format(fmt, ("table", "json", "csv"))
    with open_workspace(ctx, read_only=True) as ws:
        rows = list_reports(ws)
    columns = ["report_id", "report_date", "format", "publisher", "title", "url", "path", "item_no", "claims"]
    if fmt == "json":
        print_json(rows)
    elif fmt == "csv":
        print_csv(rows, columns)
    else:
        print_table(rows, columns, title=f"{len(rows)} reports")


@claims_app.callback()
def claims_list(
    ctx: typer.Context,
    site: Site = None,
    event: Annotated[str | None, typer.Option("--event", help="Only this event class.")] = None,
    certainty: Annotated[str | None, typer.Option(
        "--certainty", help="Only claims of this certainty: asserted, hedged or denied.")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="Only claims fusion found corroborated|contradicted|unverified|not-checkable "
                         "(runs `basewatch fuse` first when stale).")] = None,
    limit: Limit = None,
    fmt: TableFormat = "table",
    out: Out = None,
) -> None:
    """List stored claims with their reports (when no subcommand is given)."""
    if ctx.invoked_subcommand is not None:
        return
    if status is not None:
        from basewatch.cli.fusion_cmd import list_by_status

        list_by_status(ctx, status, site, event, fmt, out, limit)
        return
    _format(fmt, ("table", "json", "csv", "parquet"))
    with open_workspace(ctx, read_only=True) as ws:
        table = ws.claims(site=site, event=event, certainty=certainty)
    emit(table, fmt, out, columns=_LIST_COLUMNS, title="claims", limit=limit)


LlmUrlOpt = Annotated[
    str | None,
    typer.Option("--llm-url", envvar="BASEWATCH_LLM_URL",
                 help="OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080/v1) to extract with a local model "
                      "instead of the rules."),
]
LlmModelOpt = Annotated[
    str, typer.Option("--llm-model", envvar="BASEWATCH_LLM_MODEL", help="Model name for --llm-url.")
]


@claims_app.command("extract")
def claims_extract(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A text, HTML or feed file.")],
    date: Annotated[str | None, typer.Option("--date", help="Report date YYYY-MM-DD for relative dates.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl (one object a line), json or table")] = "jsonl",
    llm_url: LlmUrlOpt = None,
    llm_model: LlmModelOpt = "local",
) -> None:
    """Print the claims of a file, one JSON object a line (the workspace's watchlist resolves places)."""
    from basewatch.claims.model import Claim
    from basewatch.reports.ingest import document
    from basewatch.reports.readers import read_reports

    _format(fmt, ("jsonl", "json", "table"))
    extractor = _extractor(workspace_path(ctx), llm_url, llm_model)
    claims: list[tuple[int, Claim]] = []
    for report in read_reports(file, date=_date(date)):
        claims.extend((report.item_no, c) for c in extractor.extract(document(report)))
    objects = [{**c.as_json(), **({"item": item} if item != 1 else {})} for item, c in claims]
    if fmt == "jsonl":
        for obj in objects:
            typer.echo(json.dumps(to_jsonable(obj), ensure_ascii=False))
        return
    if fmt == "json":
        print_json(objects)
        return
    rows = [{**c.as_json(), "sites": ",".join(p["site_id"] for p in c.as_json()["places"] if p["site_id"]),
             "date": f"{c.date.start}..{c.date.end}" if c.date else ""} for _, c in claims]
    print_table(rows, ["start", "end", "event", "certainty", "source", "source_kind", "sites", "date", "text"],
                title=str(file))


@claims_app.command("eval")
def claims_eval(
    ctx: typer.Context,
    gold: Annotated[Path, typer.Argument(help="Gold claims, JSON lines (file, start, end, event_class, ...).")],
    directory: Annotated[Path, typer.Argument(help="Folder holding the files the gold names.")],
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    llm_url: LlmUrlOpt = None,
    llm_model: LlmModelOpt = "local",
) -> None:
    """Recall, precision and label accuracy of the extractor against gold claims."""
    from basewatch.claims.evaluate import CONFUSION_FIELDS, evaluate_dir

    _format(fmt, ("table", "json"))
    per_file, total = evaluate_dir(gold, directory, _extractor(workspace_path(ctx), llm_url, llm_model))
    rows = [{"file": f, **s.as_json()} for f, s in [*per_file.items(), ("TOTAL", total)]]
    if fmt == "json":  # one object per file, then TOTAL, which also carries the per-field confusion matrices
        rows[-1]["confusion"] = {name: total.confusion(name) for name in CONFUSION_FIELDS}
        print_json(rows)
        return
    print_table(rows, ["file", "gold", "extracted", "matched", "recall", "precision", "event", "certainty",
                       "source"], title="claims against gold")
    for name in CONFUSION_FIELDS:
        matrix = total.confusion(name)
        labels = sorted({*matrix, *(got for row in matrix.values() for got in row)})
        print_table([{"gold": g, **{lab: matrix[g].get(lab, 0) for lab in labels}} for g in sorted(matrix)],
                    ["gold", *labels], title=f"{name}: gold (rows) against extracted (columns), matched claims")


def _extractor(ws_path: Path, llm_url: str | None = None, llm_model: str = "local") -> Extractor:
    """Rules (or a chat model) with the workspace's watchlist when a workspace exists, else the default one."""
    import os

    from basewatch.claims.extractor import RuleExtractor
    from basewatch.watchlist.load import default_watchlist
    from basewatch.watchlist.model import Watchlist

    wl: Watchlist = default_watchlist()
    if ws_path.exists():
        from basewatch.watchlist.store import read_watchlist
        from basewatch.workspace.core import Workspace

        with Workspace(ws_path, read_only=True) as ws:
            wl = read_watchlist(ws)
    if llm_url:
        from basewatch.claims.llm import ChatEndpoint, ChatExtractor

        endpoint = ChatEndpoint(llm_url, llm_model, api_key=os.environ.get("BASEWATCH_LLM_KEY"))
        return ChatExtractor(endpoint, wl.sites)
    return RuleExtractor(wl.sites, wl.actors)
