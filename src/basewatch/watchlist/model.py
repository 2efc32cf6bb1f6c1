"""Frozen records of the watchlist: sites (places) and actors (who, identified by rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SiteKind = Literal["airbase", "port", "region"]
SITE_KINDS: tuple[str, ...] = ("airbase", "port", "region")


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    kind: SiteKind
    country: str | None = None
    aliases: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    polygon: tuple[tuple[float, float], ...] | None = None  # ring of (lon, lat)
    icao: str | None = None

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class ActorRule:
    """One way of recognising an actor's aircraft or vessel: all given conditions must hold.

    Lists are alternatives (any of); patterns are regular expressions matched case-insensitively
    from the start of the value. ICAO ranges are inclusive (lo, hi) integer pairs.
    """

    icao_ranges: tuple[tuple[int, int], ...] = ()
    icao24: tuple[str, ...] = ()
    registrations: tuple[str, ...] = ()
    typecodes: tuple[str, ...] = ()
    callsigns: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    military: bool | None = None
    # vessels
    mmsi: tuple[str, ...] = ()
    imo: tuple[str, ...] = ()
    ship_names: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()          # ISO 3166 alpha-2 country of the MID
    ship_types: tuple[int, ...] = ()


@dataclass(frozen=True)
class KnownAircraft:
    """A fact the watchlist states about one airframe (e.g. RA-82038 = 154076, An-124)."""

    icao24: str
    registration: str | None = None
    typecode: str | None = None
    operator: str | None = None


@dataclass(frozen=True)
class KnownVessel:
    mmsi: str
    name: str | None = None
    imo: str | None = None
    ship_type: int | None = None


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    rules: tuple[ActorRule, ...] = ()
    aircraft: tuple[KnownAircraft, ...] = ()
    vessels: tuple[KnownVessel, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class Watchlist:
    sites: tuple[Site, ...] = ()
    actors: tuple[Actor, ...] = ()
    name: str | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    def site(self, site_id: str) -> Site | None:
        return next((s for s in self.sites if s.id == site_id), None)

    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors if a.id == actor_id), None)
