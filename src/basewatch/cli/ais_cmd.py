"""`basewatch vessels`: one line per vessel seen in AIS (identity, flag, actor, when seen)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import print_csv, print_json, print_table
from basewatch.errors import BasewatchError, WorkspaceError

if TYPE_CHECKING:
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
    why: Annotated[str | None, typer.Option("--why", help="Explain which actor rules match this MMSI.")] = None,
) -> None:
    """Vessels seen in AIS: MMSI, name, flag (by MID), ship type, first and last seen, actor."""
    from basewatch.workspace.core import Workspace

    if fmt not in ("table", "json", "csv"):
        raise BasewatchError(f"--format must be table, json or csv, got {fmt!r}")
    path = Path(workspace_path(ctx))
    if not path.exists():
        raise WorkspaceError(f"{path}: no workspace here (run `basewatch ingest` or `basewatch demo`)")
    with Workspace(path) as ws:
        if why is not None:
            _explain(ws, why, fmt)
            return
        rows = vessel_rows(ws, actor=actor, flag=flag)
    if fmt == "json":
        print_json({"vessels": rows})
    elif fmt == "csv":
        print_csv(rows, COLUMNS)
    else:
        print_table(rows, TABLE_COLUMNS, title=f"{len(rows)} vessels")


def vessel_rows(ws: Workspace, actor: str | None = None, flag: str | None = None) -> list[dict[str, Any]]:
    """The vessels as plain records (the command's JSON objects)."""
    from basewatch.identity.vessels import ship_type_name, vessel_identity

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


def _explain(ws: Workspace, mmsi: str, fmt: str) -> None:
    from basewatch.identity.vessels import match_vessel, vessel_facts
    from basewatch.watchlist.store import read_actors

    if not mmsi.strip().isdigit():
        raise BasewatchError(f"--why: {mmsi!r} is not an MMSI (digits)")
    actors = read_actors(ws)
    facts = vessel_facts(ws, mmsi, actors)
    rows = [
        {"actor": m.actor_id, "rule": m.rule_index, "reason": "listed in the actor's vessels"
         if m.rule_index is None else "; ".join(f"{c.field} {c.condition!r} ~ {c.value!r}" for c in m.conditions)}
        for a in actors for m in match_vessel(a, facts)
    ]
    if fmt == "json":
        print_json({"mmsi": facts.mmsi, "flag": facts.flag, "names": list(facts.names), "imo": list(facts.imos),
                    "ship_types": list(facts.ship_types), "matches": rows})
    else:
        print_table(rows, ("actor", "rule", "reason"),
                    title=f"{facts.mmsi} flag={facts.flag} names={', '.join(facts.names) or '-'}")
