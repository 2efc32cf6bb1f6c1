"""`basewatch ingest PATH...`"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import err_console, print_json, print_table
from basewatch.errors import InputFormatError

if TYPE_CHECKING:
    from basewatch.ingest.pipeline import IngestReport


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files to ingest.")],
    input_format: Annotated[
        str, typer.Option("--input-format", help="auto, or a format name (opensky, readsb, sbs, traffic-json, "
                          "beast, avr, jet1090, nmea, ais-csv).")
    ] = "auto",
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="Reject records with a bad checksum.")] = False,
    columns: Annotated[str | None, typer.Option("--columns", help="CSV columns: mmsi=ID,time=T (ais-csv).")] = None,
) -> None:
    """Read flight records (and other sources) into the workspace; one transaction per file."""
    from rich.progress import Progress

    from basewatch.ingest.ais.csv import parse_columns
    from basewatch.ingest.pipeline import ingest_file
    from basewatch.workspace.core import Workspace

    reports: list[IngestReport] = []
    failed: list[InputFormatError] = []
    # Progress goes to stderr: stdout carries only the table or the JSON document.
    bar = Progress(transient=True, disable=fmt == "json", console=err_console())
    with Workspace(workspace_path(ctx)) as ws, bar as progress:
        task = progress.add_task("ingesting", total=len(paths))
        for p in paths:
            progress.update(task, description=f"ingesting {p.name}")
            try:
                reports.append(ingest_file(ws, p, "ais-csv" if columns and input_format == "auto" else input_format,
                                           strict=strict, columns=parse_columns(columns) if columns else None))
            except InputFormatError as exc:
                failed.append(exc)
            progress.advance(task)
    if fmt == "json":
        print_json({"files": [r.as_json() for r in reports]})
    else:
        rows = [
            {
                "path": r.path,
                "format": r.input_format,
                "accepted": r.accepted,
                "rejected": r.rejected,
                "duplicates": r.duplicates,
                "skipped": r.skipped_total,
                "reasons": "already ingested (same sha256)" if r.already_ingested else
                "; ".join([*(f"{k}: {v['count']} (lines {v['lines']})" for k, v in r.reasons.items()),
                           *(f"skipped ({k}): {n}" for k, n in r.skipped.items())]),
            }
            for r in reports
        ]
        if rows:
            print_table(rows, ["path", "format", "accepted", "rejected", "duplicates", "skipped", "reasons"])
        for r in reports:
            if r.already_ingested:
                typer.echo(f"note: {r.path}: already ingested (same sha256); nothing added", err=True)
            for note in r.notes:
                typer.echo(f"note: {r.path}: {note}", err=True)
    for failure in failed:
        typer.echo(f"error: {failure}", err=True)
    if failed:
        raise typer.Exit(2)
