"""Keep the watchlist in the workspace (sites and actors tables) so SQL and every command see it."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import TYPE_CHECKING, Any

from basewatch.watchlist.load import default_watchlist_text, load_watchlist_text
from basewatch.watchlist.model import (
    Actor,
    ActorRule,
    KnownAircraft,
    KnownVessel,
    Site,
    Watchlist,
)

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace


def install_default_watchlist(ws: Workspace) -> None:
    text = default_watchlist_text()
    store_watchlist(ws, load_watchlist_text(text, "<default watchlist>"), "<default watchlist>", text)


def store_watchlist(ws: Workspace, wl: Watchlist, path: str, text: str) -> tuple[int, int]:
    """Add or replace (by id) the watchlist's sites and actors, in one transaction."""
    with ws.transaction() as con:
        for s in wl.sites:
            con.execute("DELETE FROM sites WHERE site_id = ?", [s.id])
            con.execute(
                "INSERT INTO sites VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    s.id, s.name, list(s.aliases), s.kind, s.country, s.lat, s.lon, s.radius_km,
                    json.dumps([list(p) for p in s.polygon]) if s.polygon else None, s.icao,
                ],
            )
        for a in wl.actors:
            con.execute("DELETE FROM actors WHERE actor_id = ?", [a.id])
            con.execute(
                "INSERT INTO actors VALUES (?, ?, ?)", [a.id, a.name, json.dumps(dataclasses.asdict(a))]
            )
        con.execute(
            "INSERT INTO watchlist_files VALUES (now(), ?, ?, ?)",
            [path, hashlib.sha256(text.encode()).hexdigest(), text],
        )
    return len(wl.sites), len(wl.actors)


def read_sites(ws: Workspace) -> tuple[Site, ...]:
    rows = ws.con.execute(
        "SELECT site_id, name, aliases, kind, country, lat, lon, radius_km, polygon, icao "
        "FROM sites ORDER BY site_id"
    ).fetchall()
    return tuple(
        Site(
            id=r[0], name=r[1], aliases=tuple(r[2]), kind=r[3], country=r[4], lat=r[5], lon=r[6],
            radius_km=r[7], polygon=tuple((p[0], p[1]) for p in json.loads(r[8])) if r[8] else None,
            icao=r[9],
        )
        for r in rows
    )


def _rule_from_dict(r: dict[str, Any]) -> ActorRule:
    fields: dict[str, Any] = {
        k: tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) else v
        for k, v in r.items()
    }
    return ActorRule(**fields)


def _actor_from_dict(d: dict[str, Any]) -> Actor:
    return Actor(
        id=d["id"],
        name=d["name"],
        description=d.get("description"),
        rules=tuple(_rule_from_dict(r) for r in d.get("rules", [])),
        aircraft=tuple(KnownAircraft(**a) for a in d.get("aircraft", [])),
        vessels=tuple(KnownVessel(**v) for v in d.get("vessels", [])),
    )


def read_actors(ws: Workspace) -> tuple[Actor, ...]:
    rows = ws.con.execute("SELECT rules FROM actors ORDER BY actor_id").fetchall()
    return tuple(_actor_from_dict(json.loads(r[0])) for r in rows)


def read_watchlist(ws: Workspace) -> Watchlist:
    return Watchlist(sites=read_sites(ws), actors=read_actors(ws))
