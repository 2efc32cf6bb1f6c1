"""`basewatch fuse` and `basewatch assess`: claims against the sensors, and judgements per place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import err_console, print_json, print_table
from basewatch.errors import BasewatchError


def register(app: typer.Typer) -> None:
    app.command("fuse")(fuse)
    app.command("assess")(assess)


def _fmt(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise BasewatchError(f"--format must be one of {', '.join(allowed)}, got {value!r}")
    return value


def fuse(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Check every claim against the sensors and (re)compute the assessments (only when inputs changed)."""
    from basewatch.fusion.api import claim_statuses, ensure_fused
    from basewatch.workspace.core import Workspace

    _fmt(fmt, ("table", "json"))
    with Workspace(workspace_path(ctx)) as ws:
        with err_console().status("fusing claims with the sensor records"):
            built = ensure_fused(ws)
        rows = claim_statuses(ws).to_pylist()
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    notes = [n for b in built for n in b.notes]
    if fmt == "json":
        print_json({"products": [{"product": b.product, "rebuilt": b.rebuilt, "rows": dict(b.rows)} for b in built],
                    "claims": counts, "notes": notes})
        return
    for b in built:
        what = "rebuilt" if b.rebuilt else "up to date"
        err_console().print(f"{b.product}: {what} ({', '.join(f'{k} {v}' for k, v in b.rows.items())})")
    for n in notes:
        err_console().print(f"note: {n}")
    print_table([{"status": k, "claims": v} for k, v in sorted(counts.items())], ["status", "claims"],
                title=f"{len(rows)} claims")


def assess(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="Only this place (site id or airport code).")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Movements of this actor only (default: all).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judgement as of this day YYYY-MM-DD.")] = None,
    timeline: Annotated[bool, typer.Option("--timeline", help="Every day's judgement, not only the last.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, json or stix")] = "table",
) -> None:
    """ICD 203 judgements per place: drawdown, build-up, rotation or no change, with the evidence."""
    from basewatch.fusion.api import assessments, ensure_fused, source_rows, stix_bundle
    from basewatch.workspace.core import Workspace

    _fmt(fmt, ("table", "json", "stix"))
    day = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise BasewatchError(f"--as-of must be YYYY-MM-DD, got {as_of!r}") from None
    with Workspace(workspace_path(ctx)) as ws:
        ensure_fused(ws)
        docs = assessments(ws, site=site, actor=actor, as_of=day, timeline=timeline)
        if fmt == "stix":
            import sys

            sys.stdout.write(stix_bundle(ws, docs) + "\n")
            return
        if fmt == "json":
            for d in docs:
                for e in d["evidence"]:
                    if e["used"]:
                        e["rows"] = source_rows(ws, e["refs"][:5])
            print_json(docs)
            return
    rows = [{**d, "window": f"{d['window']['start']}..{d['window']['end']}", "judgement": d["judgement"],
             "top": next((s["remove"] + " -> " + s["words"] for s in d["sensitivity"]), "")} for d in docs]
    print_table(rows, ["site", "actor", "as_of", "window", "judgement", "likelihood", "confidence", "top"],
                title=f"{len(rows)} assessments ('top': without the item that moves it most)")


_STATUS_COLUMNS = ["report_id", "claim_no", "event", "certainty", "source", "reliability", "credibility", "status",
                   "why"]


def list_by_status(ctx: typer.Context, status: str, site: str | None, event: str | None, fmt: str,
                   out: Path | None = None, limit: int | None = None) -> None:
    """`basewatch claims --status ...`: claims with fusion's status, credibility and why."""
    from basewatch.cli.app import open_workspace
    from basewatch.cli.options import check_format, emit

    check_format(fmt, ("table", "json", "csv", "parquet"))
    with open_workspace(ctx) as ws:
        table = ws.claims(site=site, event=event, status=status)
    emit(table, fmt, out, columns=_STATUS_COLUMNS, title=f"{status} claims", limit=limit)
