"""`basewatch ingest PATH...`"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from basewatch.cli.app import open_workspace, working_on
from basewatch.cli.options import check_format
from basewatch.cli.output import error_line, note_line, print_json, print_table
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
    time_base: Annotated[str | None, typer.Option(
        "--time-base", help="UTC time of the first frame of a beast/avr capture (its clock is relative), "
        "e.g. 2016-05-19T10:00:00Z; without it (or a time in the file name) the frames are kept UNDATED.")] = None,
) -> None:
    """Read flight records (and other sources) into the workspace; one transaction per file."""
    from basewatch.cli.output import progress_bar
    from basewatch.ingest.ais.csv import parse_columns
    from basewatch.ingest.pipeline import ingest_file

    check_format(fmt, ("table", "json"))
    base = _time_base(time_base)
    reports: list[IngestReport] = []
    failed: list[InputFormatError] = []
    # Progress goes to stderr: stdout carries only the table or the JSON document.
    with open_workspace(ctx, create=True) as ws, progress_bar(enabled=fmt != "json") as progress:
        task = progress.add_task("ingesting", total=len(paths))
        for p in paths:
            progress.update(task, description=f"ingesting {p.name}")
            try:
                with working_on(str(p)):
                    reports.append(ingest_file(ws, p, "ais-csv" if columns and input_format == "auto" else
                                               input_format, strict=strict,
                                               columns=parse_columns(columns) if columns else None,
                                               time_base=base))
            except InputFormatError as exc:
                failed.append(exc)
            progress.advance(task)
    if fmt == "json":
        print_json([r.as_json() for r in reports])
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
                note_line(f"{r.path}: already ingested (same sha256); nothing added")
            for note in r.notes:
                note_line(f"{r.path}: {note}")
    for failure in failed:
        error_line(failure)
    if failed:
        raise typer.Exit(2)


def _time_base(text: str | None) -> float | None:
    """--time-base as Unix seconds: an ISO 8601 date-time (UTC when it has no offset)."""
    if text is None:
        return None
    import datetime as dt

    from basewatch.errors import BasewatchError

    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise BasewatchError(f"--time-base: not an ISO 8601 date-time: {text!r} (e.g. 2016-05-19T10:00:00Z)") from exc
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    if not dt.datetime(1970, 1, 1, tzinfo=dt.UTC) <= when < dt.datetime(2100, 1, 1, tzinfo=dt.UTC):
        raise BasewatchError(f"--time-base: {text!r} is outside 1970-2100")
    return when.timestamp()
