"""Read a watchlist from TOML, validating every field; errors name the file and the entry."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from basewatch.errors import WatchlistError
from basewatch.watchlist.model import (
    SITE_KINDS,
    Actor,
    ActorRule,
    KnownAircraft,
    KnownVessel,
    Site,
    Watchlist,
)

DEFAULT_WATCHLIST = "default.toml"
_HEX = re.compile(r"^[0-9a-fA-F]{1,6}$")
SITE_KEYS = frozenset({"id", "name", "kind", "country", "aliases", "lat", "lon", "radius_km", "polygon", "icao"})
ACTOR_KEYS = frozenset({"id", "name", "description", "rules", "aircraft", "vessels"})
RULE_KEYS = frozenset(f.name for f in dataclasses.fields(ActorRule))
AIRCRAFT_KEYS = frozenset({"icao24", "registration", "typecode", "operator"})
VESSEL_KEYS = frozenset({"mmsi", "name", "imo", "ship_type"})


def default_watchlist_text() -> str:
    return (resources.files("basewatch.watchlist") / DEFAULT_WATCHLIST).read_text(encoding="utf-8")


def default_watchlist() -> Watchlist:
    return load_watchlist_text(default_watchlist_text(), origin="<default watchlist>")


def load_watchlist(path: Path | str) -> Watchlist:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError(f"{p}: cannot read watchlist: {exc}") from exc
    return load_watchlist_text(text, origin=str(p))


def load_watchlist_text(text: str, origin: str = "<watchlist>") -> Watchlist:
    try:
        doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError) as exc:  # ValueError: an integer of over 4,300 digits
        raise WatchlistError(f"{origin}: not valid TOML: {exc}") from exc
    sites = tuple(_site(entry, f"{origin}: sites[{i}]") for i, entry in enumerate(doc.get("sites", [])))
    actors = tuple(
        _actor(entry, f"{origin}: actors[{i}]") for i, entry in enumerate(doc.get("actors", []))
    )
    for label, ids in (("site", [s.id for s in sites]), ("actor", [a.id for a in actors])):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise WatchlistError(f"{origin}: duplicate {label} id(s): {', '.join(dupes)}")
    name = doc.get("name")
    return Watchlist(sites=sites, actors=actors, name=str(name) if name is not None else None)


def _str(entry: dict[str, Any], key: str, where: str, required: bool = False) -> str | None:
    value = entry.get(key)
    if value is None:
        if required:
            raise WatchlistError(f"{where}: missing '{key}'")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise WatchlistError(f"{where}: '{key}' must be a non-empty string")
    return value


def _strs(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise WatchlistError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _known_keys(entry: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise WatchlistError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")


def _patterns(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """Regular expressions (matched case-insensitively from the start of a value); each must compile."""
    values = _strs(entry, key, where)
    for v in values:
        try:
            re.compile(v)
        except re.error as exc:
            raise WatchlistError(f"{where}: '{key}' pattern {v!r} is not a valid regular expression: {exc}") from exc
        if not _sql_regex_ok(v):
            raise WatchlistError(
                f"{where}: '{key}' pattern {v!r} uses syntax the SQL engine (RE2) does not support "
                "(e.g. look-around or back-references)"
            )
    return values


def _sql_regex_ok(pattern: str) -> bool:
    """Rules are also evaluated in DuckDB (RE2 syntax): the pattern must compile there too."""
    import duckdb

    try:
        duckdb.execute("SELECT regexp_matches('', ?)", [pattern]).fetchall()
    except duckdb.Error:
        return False
    return True


def _hexes(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _strs(entry, key, where)
    bad = [v for v in values if not _HEX.match(v)]
    if bad:
        raise WatchlistError(f"{where}: '{key}' must be ICAO addresses of 1-6 hex digits, got {bad!r}")
    return tuple(f"{int(v, 16):06x}" for v in values)


def _float(entry: dict[str, Any], key: str, where: str, lo: float, hi: float) -> float | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:  # no float(): 10**400
        raise WatchlistError(f"{where}: '{key}' must be a number in [{lo}, {hi}], got {value!r}")
    return float(value)


def _site(entry: dict[str, Any], where: str) -> Site:
    if not isinstance(entry, dict):
        raise WatchlistError(f"{where}: must be a table")
    site_id = _str(entry, "id", where, required=True)
    assert site_id is not None
    where = f"{where} ({site_id})"
    _known_keys(entry, SITE_KEYS, where)
    name = _str(entry, "name", where, required=True)
    kind = _str(entry, "kind", where, required=True)
    if kind not in SITE_KINDS:
        raise WatchlistError(f"{where}: kind must be one of {', '.join(SITE_KINDS)}, got {kind!r}")
    lat = _float(entry, "lat", where, -90, 90)
    lon = _float(entry, "lon", where, -180, 180)
    radius = _float(entry, "radius_km", where, 0, 20000)
    polygon_raw = entry.get("polygon")
    polygon: tuple[tuple[float, float], ...] | None = None
    if polygon_raw is not None:
        try:
            polygon = tuple((float(p[0]), float(p[1])) for p in polygon_raw)
        except (TypeError, ValueError, IndexError) as exc:
            raise WatchlistError(f"{where}: polygon must be a list of [lon, lat] pairs") from exc
        if len(polygon) < 3 or not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in polygon):
            raise WatchlistError(f"{where}: polygon needs >= 3 [lon, lat] pairs within range")
    if polygon is None and (lat is None or lon is None):
        raise WatchlistError(f"{where}: give lat and lon (with radius_km) or a polygon")
    if polygon is None and radius is None:
        radius = {"airbase": 5.0, "port": 3.0, "region": 50.0}[kind]
    return Site(
        id=site_id,
        name=name or site_id,
        kind=kind,  # type: ignore[arg-type]
        country=_str(entry, "country", where),
        aliases=_strs(entry, "aliases", where),
        lat=lat,
        lon=lon,
        radius_km=radius,
        polygon=polygon,
        icao=_str(entry, "icao", where),
    )


def _hex_range(value: Any, where: str) -> tuple[int, int]:
    try:
        lo, hi = (int(str(v), 16) for v in value)
    except (TypeError, ValueError) as exc:
        raise WatchlistError(f"{where}: icao_ranges entries must be [\"lo\", \"hi\"] hex strings") from exc
    if not 0 <= lo <= hi <= 0xFFFFFF:
        raise WatchlistError(f"{where}: bad ICAO range {value!r}")
    return lo, hi


def _rule(entry: dict[str, Any], where: str) -> ActorRule:
    if not isinstance(entry, dict):
        raise WatchlistError(f"{where}: must be a table")
    _known_keys(entry, RULE_KEYS, where)
    military = entry.get("military")
    if military is not None and not isinstance(military, bool):
        raise WatchlistError(f"{where}: 'military' must be true or false")
    ship_types = entry.get("ship_types", [])
    if not isinstance(ship_types, list) or not all(isinstance(t, int) for t in ship_types):
        raise WatchlistError(f"{where}: 'ship_types' must be a list of integers")
    return ActorRule(
        icao_ranges=tuple(_hex_range(r, where) for r in entry.get("icao_ranges", [])),
        icao24=_hexes(entry, "icao24", where),
        registrations=_patterns(entry, "registrations", where),
        typecodes=tuple(t.upper() for t in _patterns(entry, "typecodes", where)),
        callsigns=_patterns(entry, "callsigns", where),
        operators=_patterns(entry, "operators", where),
        military=bool(military) if military is not None else None,
        mmsi=_strs(entry, "mmsi", where),
        imo=_strs(entry, "imo", where),
        ship_names=_patterns(entry, "ship_names", where),
        flags=tuple(f.upper() for f in _strs(entry, "flags", where)),
        ship_types=tuple(ship_types),
    )


def _actor(entry: dict[str, Any], where: str) -> Actor:
    if not isinstance(entry, dict):
        raise WatchlistError(f"{where}: must be a table")
    actor_id = _str(entry, "id", where, required=True)
    assert actor_id is not None
    where = f"{where} ({actor_id})"
    _known_keys(entry, ACTOR_KEYS, where)
    rules = tuple(_rule(r, f"{where}: rules[{i}]") for i, r in enumerate(entry.get("rules", [])))
    aircraft = tuple(_known_aircraft(a, f"{where}: aircraft[{i}]") for i, a in enumerate(entry.get("aircraft", [])))
    for i, v in enumerate(entry.get("vessels", [])):
        if not isinstance(v, dict):
            raise WatchlistError(f"{where}: vessels[{i}] must be a table")
        _known_keys(v, VESSEL_KEYS, f"{where}: vessels[{i}]")
    vessels = tuple(
        KnownVessel(
            mmsi=_str(v, "mmsi", where, required=True) or "",
            name=_str(v, "name", where),
            imo=_str(v, "imo", where),
            ship_type=v.get("ship_type"),
        )
        for v in entry.get("vessels", [])
    )
    return Actor(
        id=actor_id,
        name=_str(entry, "name", where, required=True) or actor_id,
        rules=rules,
        aircraft=aircraft,
        vessels=vessels,
        description=_str(entry, "description", where),
    )


def _known_aircraft(a: Any, where: str) -> KnownAircraft:
    if not isinstance(a, dict):
        raise WatchlistError(f"{where}: must be a table")
    _known_keys(a, AIRCRAFT_KEYS, where)
    icao = _str(a, "icao24", where, required=True) or ""
    if not _HEX.match(icao):
        raise WatchlistError(f"{where}: 'icao24' must be 1-6 hex digits, got {icao!r}")
    return KnownAircraft(
        icao24=f"{int(icao, 16):06x}",
        registration=_str(a, "registration", where),
        typecode=_str(a, "typecode", where),
        operator=_str(a, "operator", where),
    )
