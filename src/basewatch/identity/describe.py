"""Everything the workspace knows of one aircraft, with the reasons it belongs to actors."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from basewatch.identity.actors import aircraft_facts, match_aircraft
from basewatch.identity.icao_blocks import country_of, parse_icao24
from basewatch.watchlist.store import read_actors

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace


def describe_aircraft(ws: Workspace, icao24: str) -> dict[str, Any]:
    """A JSON-ready description: address block, records per origin, watchlist facts, actor matches,
    callsigns and points seen (count, first and last time)."""
    icao = f"{parse_icao24(icao24):06x}"
    block = country_of(icao)
    actors = read_actors(ws)
    facts = aircraft_facts(ws, icao, actors)
    records = ws.con.execute(
        "SELECT a.origin, a.registration, a.typecode, a.type_desc, a.operator, a.military, s.path "
        "FROM aircraft a LEFT JOIN sources s USING (source_id) WHERE lower(a.icao24) = ? ORDER BY a.origin",
        [icao],
    ).fetchall()
    n, first, last, n_sources = ws.con.execute(
        "SELECT count(*), min(time), max(time), count(DISTINCT source_id) FROM aircraft_points WHERE icao24 = ?",
        [icao],
    ).fetchone() or (0, None, None, 0)
    matches = [
        {
            "actor_id": m.actor_id,
            "actor_name": a.name,
            "rule_index": m.rule_index,
            "reason": m.reason,
            "conditions": [dataclasses.asdict(c) for c in m.conditions],
        }
        for a in actors
        for m in match_aircraft(a, facts)
    ]
    return {
        "icao24": icao,
        "country": None
        if block is None
        else {"name": block.country, "iso2": block.iso2, "block": f"{block.start_hex}-{block.end_hex}"},
        "records": [
            dict(
                zip(
                    ("origin", "registration", "typecode", "type_desc", "operator", "military", "source"),
                    r,
                    strict=True,
                )
            )
            for r in records
        ],
        "watchlist": [
            {"actor_id": a.id, **dataclasses.asdict(k)} for a in actors for k in a.aircraft if k.icao24.lower() == icao
        ],
        "callsigns": list(facts.callsigns),
        "points": {"count": int(n), "first_seen": first, "last_seen": last, "sources": int(n_sources)},
        "actors": matches,
    }
