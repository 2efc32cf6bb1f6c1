"""`basewatch vessels`: one line per vessel seen in AIS (identity, flag, actor, when seen)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import print_csv, print_json, print_table
from basewatch.errors import BasewatchError, WorkspaceError
from basewatch.identity.vessels import ship_type_name, vessel_identity
from basewatch.workspace.core import Workspace

COLUMNS = ("mmsi", "name", "flag", "flag_country", "type", "type_name", "imo", "callsign", "length_m",
           "first_seen", "last_seen", "positions", "actor")
TABLE_COLUMNS = ("mmsi", "name", "flag", "type", "type_name", "first_seen", "last_seen", "positions", "actor")


def register(app: typer.Typer) -> None:
    app.command("vessels")(vessels)


def vessels(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
    actor: Annotated[str | None, typer.Option("--actor", help="Only vessels of this actor id.")] = None,
    flag: Annotated[str | None, typer.Option("--flag", help="Only vessels of this flag (ISO alpha-2).")] = None,
) -> None:
    """Vessels seen in AIS: MMSI, name, flag (by MID), ship type, first and last seen, actor."""
    if fmt not in ("table", "json", "csv"):
        raise BasewatchError(f"--format must be table, json or csv, got {fmt!r}")
    path = Path(workspace_path(ctx))
    if not path.exists():
        raise WorkspaceError(f"{path}: no workspace here (run `basewatch ingest` or `basewatch demo`)")
    with Workspace(path) as ws:
        rows = vessel_rows(ws, actor=actor, flag=flag)
    if fmt == "json":
        print_json({"vessels": rows})
    elif fmt == "csv":
        print_csv(rows, COLUMNS)
    else:
        print_table(rows, TABLE_COLUMNS, title=f"{len(rows)} vessels")


def vessel_rows(ws: Workspace, actor: str | None = None, flag: str | None = None) -> list[dict[str, Any]]:
    """The vessels as plain records (the command's JSON objects)."""
    rows: list[dict[str, Any]] = []
    for r in vessel_identity(ws).to_pylist():
        if actor is not None and r["actor_id"] != actor:
            continue
        if flag is not None and (r["flag"] or "").upper() != flag.upper():
            continue
        rows.append({
            "mmsi": r["mmsi"], "name": r["name"], "flag": r["flag"], "flag_country": r["flag_country"],
            "type": r["type"], "type_name": ship_type_name(r["type"]), "imo": r["imo"], "callsign": r["callsign"],
            "length_m": r["length_m"], "first_seen": r["first_seen"], "last_seen": r["last_seen"],
            "positions": r["positions"], "actor": r["actor_id"],
        })
    return rows
