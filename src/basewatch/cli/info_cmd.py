"""`basewatch info` (the workspace at a glance) and `basewatch sources` (source ids back to files)."""

from __future__ import annotations

from typing import Annotated

import typer

from basewatch.cli.app import open_workspace
from basewatch.cli.options import (
    TABLE_FORMATS,
    Actor,
    Format,
    Limit,
    Out,
    Since,
    TableFormat,
    Until,
    check_format,
    emit,
)

SOURCE_TABLE_COLUMNS = ["source_id", "input_format", "ingested_at", "accepted", "rejected", "duplicates", "path"]


def register(app: typer.Typer) -> None:
    app.command("info")(info)
    app.command("sources")(sources)
    app.command("brief")(brief)


def info(ctx: typer.Context, fmt: Format = "table") -> None:
    """The workspace at a glance: what it holds, the time span, and whether the analyses are up to date."""
    from basewatch.cli.output import print_json, table_text, to_jsonable

    check_format(fmt, ("table", "json"))
    with open_workspace(ctx, read_only=True) as ws:
        facts = ws.info()
    if fmt == "json":
        print_json(facts.as_json())
        return
    rows: list[dict[str, object]] = [{"what": "workspace", "value": facts.path},
                                     {"what": "schema version", "value": facts.schema_version},
                                     {"what": "size", "value": f"{facts.size_bytes / 1e6:.1f} MB"}]
    rows += [{"what": label, "value": f"{n:,}"} for label, n in facts.counts]
    rows += [{"what": "records from", "value": to_jsonable(facts.first_time) or "-"},
             {"what": "records to", "value": to_jsonable(facts.last_time) or "-"}]
    for p in facts.products:
        state = ("never built" if p.built_at is None else
                 f"built {to_jsonable(p.built_at)}, {'up to date' if p.fresh else 'stale (rebuilt on use)'}")
        rows.append({"what": f"product {p.name}", "value": state})
    typer.echo(table_text(rows, ["what", "value"]), nl=False)


def sources(
    ctx: typer.Context,
    fmt: TableFormat = "table",
    out: Out = None,
    limit: Limit = None,
) -> None:
    """Ingested files: the source ids every output cites, with path, sha256, format, time and counts."""
    check_format(fmt, TABLE_FORMATS)
    with open_workspace(ctx, read_only=True) as ws:
        table = ws.sources()
    emit(table, fmt, out, columns=SOURCE_TABLE_COLUMNS, title="sources", limit=limit)


def brief(
    ctx: typer.Context,
    out: Annotated[str, typer.Option("--out", "-o", help="The brief to write: FILE.html or FILE.pdf.")],
    site: Annotated[list[str] | None, typer.Option(
        "--site", help="A site to chart (repeat for more; default: the three busiest).")] = None,
    actor: Actor = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """Write the brief of this workspace (HTML or PDF): key figures, corridor map, daily activity at the
    sites, ships, every movement of the actor with the files and rows it comes from."""
    from pathlib import Path

    from basewatch.cli.app import working_on
    from basewatch.cli.options import window

    start, stop = window(since, until)
    path = Path(out)
    with open_workspace(ctx) as ws, working_on(str(path)):
        written = ws.brief(path, sites=site or None, actor=actor, since=start, until=stop)
    typer.echo(f"wrote {written}", err=True)
