"""`basewatch vessels`: one line per vessel seen in AIS (identity, flag, actor, when seen)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from basewatch.cli.app import open_workspace
from basewatch.cli.options import TABLE_FORMATS, Actor, Limit, Out, TableFormat, check_format, emit
from basewatch.cli.output import print_json, print_table
from basewatch.errors import UsageError

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

TABLE_COLUMNS = ("mmsi", "name", "flag", "type", "type_name", "first_seen", "last_seen", "positions", "actor")


def register(app: typer.Typer) -> None:
    app.command("vessels")(vessels)


def vessels(
    ctx: typer.Context,
    fmt: TableFormat = "table",
    actor: Actor = None,
    flag: Annotated[str | None, typer.Option("--flag", help="Only vessels of this flag (ISO alpha-2).")] = None,
    why: Annotated[str | None, typer.Option("--why", help="Explain which actor rules match this MMSI.")] = None,
    limit: Limit = None,
    out: Out = None,
) -> None:
    """Vessels seen in AIS: MMSI, name, flag (by MID), ship type, first and last seen, actor."""
    from basewatch.maritime import query

    check_format(fmt, TABLE_FORMATS)
    with open_workspace(ctx) as ws:
        if why is not None:
            _explain(ws, why, fmt)
            return
        table = query.vessels(ws, actor, flag=flag)
    emit(table, fmt, out, columns=TABLE_COLUMNS, title="vessels", limit=limit)


def _explain(ws: Workspace, mmsi: str, fmt: str) -> None:
    from basewatch.identity.vessels import match_vessel, vessel_facts
    from basewatch.watchlist.store import read_actors

    if not mmsi.strip().isdigit():
        raise UsageError(f"--why: {mmsi!r} is not an MMSI (digits)")
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
