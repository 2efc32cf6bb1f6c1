"""Which actor an aircraft belongs to: the watchlist's ActorRules applied to what is known of it.

Semantics (see `basewatch.watchlist.model.ActorRule`):
- an aircraft belongs to an actor if it is listed in the actor's `aircraft`, or if ANY rule matches;
- a rule matches if ALL of its given (non-empty) aircraft conditions hold; a rule with no aircraft
  condition (e.g. only vessel conditions) never matches an aircraft;
- list conditions are alternatives; registration, type, callsign and operator patterns are regular
  expressions matched case-insensitively from the start of any known value; ICAO ranges are inclusive.

Facts about an aircraft combine the `aircraft` table (every origin), the watchlist's KnownAircraft and
the callsigns seen in `aircraft_points`. Two forms: `aircraft_identity(ws)` in bulk (one SQL query over
the whole workspace) and `match_aircraft(actor, facts)` explaining one aircraft.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from basewatch.errors import WatchlistError
from basewatch.identity.icao_blocks import (
    InvalidIcaoAddress,
    country_of,
    icao_int_sql,
    parse_icao24,
    register_blocks,
)
from basewatch.watchlist.model import Actor, ActorRule, KnownAircraft

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

# Best-known value of a field: the first origin in this order that has one (then alphabetical).
ORIGIN_PRIORITY: tuple[str, ...] = ("watchlist", "tar1090-db", "opensky-db", "ru-registry", "readsb")
PATTERN_FIELDS: tuple[tuple[str, str], ...] = (
    ("registrations", "registration"),
    ("typecodes", "typecode"),
    ("callsigns", "callsign"),
    ("operators", "operator"),
)
IDENTITY_SCHEMA = pa.schema(
    [
        ("icao24", pa.string()),
        ("country", pa.string()),
        ("registration", pa.string()),
        ("typecode", pa.string()),
        ("operator", pa.string()),
        ("military", pa.bool_()),
        ("actor_id", pa.string()),
    ]
)


@dataclass(frozen=True)
class AircraftFacts:
    """Everything known of one airframe that rules can test (values from every origin)."""

    icao24: str
    country: str | None = None  # ISO alpha-2 of the ICAO address block
    registrations: tuple[str, ...] = ()
    typecodes: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    callsigns: tuple[str, ...] = ()
    military: bool | None = None


@dataclass(frozen=True)
class ConditionMatch:
    """One satisfied condition: which rule field, which alternative, which fact value satisfied it."""

    field: str  # "icao_ranges", "icao24", "registrations", "typecodes", "callsigns", "operators", "military"
    condition: str  # the alternative that held, e.g. "100000-1fffff" or "RFF\\d+"
    value: str  # the fact that satisfied it


@dataclass(frozen=True)
class RuleMatch:
    """Why an aircraft belongs to an actor: a matching rule (index in actor.rules) or being listed."""

    actor_id: str
    rule_index: int | None  # None: the aircraft is listed in the actor's `aircraft`
    conditions: tuple[ConditionMatch, ...]

    @property
    def reason(self) -> str:
        if self.rule_index is None:
            return "listed in the actor's aircraft"
        parts = [f"{c.field} {c.condition!r} ~ {c.value!r}" for c in self.conditions]
        return f"rule {self.rule_index}: " + "; ".join(parts)


# ---- per aircraft ------------------------------------------------------------------------------


def has_aircraft_conditions(rule: ActorRule) -> bool:
    """True when the rule says anything about aircraft (otherwise it never matches one)."""
    return bool(
        rule.icao_ranges
        or rule.icao24
        or rule.registrations
        or rule.typecodes
        or rule.callsigns
        or rule.operators
        or rule.military is not None
    )


def anchored(pattern: str) -> str:
    """The regular expression a watchlist pattern stands for: matched from the start of the value."""
    return f"^(?:{pattern})"


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(anchored(pattern), re.IGNORECASE)


def _first_pattern_hit(patterns: Iterable[str], values: Iterable[str]) -> tuple[str, str] | None:
    vals = tuple(values)
    for p in patterns:
        rx = _compiled(p)
        for v in vals:
            if rx.search(v):
                return p, v
    return None


def _address_or_none(icao24: str) -> int | None:
    try:
        return parse_icao24(icao24)
    except InvalidIcaoAddress:
        return None


def _address_conditions(rule: ActorRule, icao24: str) -> list[ConditionMatch] | None:
    """The rule's ICAO range / address conditions that hold ([] if it has none), None if one fails."""
    if not (rule.icao_ranges or rule.icao24):
        return []
    address = _address_or_none(icao24)  # not hex (e.g. TIS-B '~...'): address conditions fail
    if address is None:
        return None
    held: list[ConditionMatch] = []
    if rule.icao_ranges:
        hit = next(((lo, hi) for lo, hi in rule.icao_ranges if lo <= address <= hi), None)
        if hit is None:
            return None
        held.append(ConditionMatch("icao_ranges", f"{hit[0]:06x}-{hit[1]:06x}", icao24.lower()))
    if rule.icao24:
        listed = next((h for h in rule.icao24 if int(h, 16) == address), None)
        if listed is None:
            return None
        held.append(ConditionMatch("icao24", listed, icao24.lower()))
    return held


def match_rule(rule: ActorRule, facts: AircraftFacts) -> tuple[ConditionMatch, ...] | None:
    """The satisfied conditions if every aircraft condition of the rule holds, else None."""
    if not has_aircraft_conditions(rule):
        return None
    held = _address_conditions(rule, facts.icao24)
    if held is None:
        return None
    for rule_field, _ in PATTERN_FIELDS:
        patterns: tuple[str, ...] = getattr(rule, rule_field)
        if not patterns:
            continue
        found = _first_pattern_hit(patterns, getattr(facts, rule_field))
        if found is None:
            return None
        held.append(ConditionMatch(rule_field, found[0], found[1]))
    if rule.military is not None:
        if facts.military is None or facts.military != rule.military:
            return None
        held.append(ConditionMatch("military", str(rule.military).lower(), str(facts.military).lower()))
    return tuple(held)


def match_aircraft(actor: Actor, facts: AircraftFacts) -> list[RuleMatch]:
    """Every reason the aircraft belongs to the actor (empty: it does not)."""
    matches: list[RuleMatch] = []
    icao = facts.icao24.lower()
    listed = next((k for k in actor.aircraft if k.icao24.lower() == icao), None)
    if listed is not None:
        matches.append(RuleMatch(actor.id, None, (ConditionMatch("aircraft", listed.icao24, icao),)))
    for i, rule in enumerate(actor.rules):
        held = match_rule(rule, facts)
        if held is not None:
            matches.append(RuleMatch(actor.id, i, held))
    return matches


def known_aircraft(actors: Iterable[Actor]) -> list[KnownAircraft]:
    """All KnownAircraft facts of the watchlist, in actor order."""
    return [k for a in actors for k in a.aircraft]


def aircraft_facts(ws: Workspace, icao24: str, actors: Iterable[Actor] | None = None) -> AircraftFacts:
    """What the workspace and the watchlist know of one aircraft (rule-testable facts)."""
    from basewatch.watchlist.store import read_actors

    icao = f"{parse_icao24(icao24):06x}"
    acts = tuple(actors) if actors is not None else read_actors(ws)
    regs: list[str] = []
    types: list[str] = []
    ops: list[str] = []
    military: bool | None = None
    rows = ws.con.execute(
        "SELECT registration, typecode, operator, military, origin FROM aircraft WHERE lower(icao24) = ?",
        [icao],
    ).fetchall()
    rows.sort(key=lambda r: (_priority(r[4]), r[4]))
    known = [k for k in known_aircraft(acts) if k.icao24.lower() == icao]
    for reg, typ, op in [(k.registration, k.typecode, k.operator) for k in known] + [r[:3] for r in rows]:
        _add(regs, reg)
        _add(types, typ)
        _add(ops, op)
    for r in rows:
        if r[3] is not None:
            military = bool(r[3]) or bool(military)
    callsigns = [
        r[0]
        for r in ws.con.execute(
            "SELECT DISTINCT upper(trim(callsign)) AS c FROM aircraft_points "
            "WHERE icao24 = ? AND callsign IS NOT NULL AND trim(callsign) <> '' ORDER BY c",
            [icao],
        ).fetchall()
    ]
    block = country_of(icao)
    return AircraftFacts(
        icao24=icao,
        country=block.iso2 if block else None,
        registrations=tuple(regs),
        typecodes=tuple(types),
        operators=tuple(ops),
        callsigns=tuple(callsigns),
        military=military,
    )


def _add(values: list[str], value: str | None) -> None:
    if value is not None and value.strip() and value.strip() not in values:
        values.append(value.strip())


def _priority(origin: str) -> int:
    return ORIGIN_PRIORITY.index(origin) if origin in ORIGIN_PRIORITY else len(ORIGIN_PRIORITY)


# ---- bulk --------------------------------------------------------------------------------------

_PAIRS = "_bw_identity_pairs"
_KNOWN = "_bw_identity_known"
_FACTS = "_bw_identity_facts"
_BLOCKS = "_bw_identity_blocks"

_FACTS_SQL = f"""
WITH cs AS (
    SELECT DISTINCT icao24, upper(trim(callsign)) AS value FROM {_PAIRS}
    WHERE callsign IS NOT NULL AND trim(callsign) <> ''
), a AS (
    SELECT lower(icao24) AS icao24, trim(registration) AS registration, trim(typecode) AS typecode,
           trim(operator) AS operator, origin FROM aircraft
    UNION ALL
    SELECT icao24, registration, typecode, operator, 'watchlist' FROM {_KNOWN}
)
SELECT icao24, 'registration' AS field, registration AS value, origin FROM a WHERE registration <> ''
UNION ALL SELECT icao24, 'typecode', typecode, origin FROM a WHERE typecode <> ''
UNION ALL SELECT icao24, 'operator', operator, origin FROM a WHERE operator <> ''
UNION ALL SELECT icao24, 'callsign', value, 'records' FROM cs
"""


def _priority_sql() -> str:
    whens = " ".join(f"WHEN '{o}' THEN {i}" for i, o in enumerate(ORIGIN_PRIORITY))
    return f"CASE origin {whens} ELSE {len(ORIGIN_PRIORITY)} END"


def _rule_predicate(rule: ActorRule, params: list[Any]) -> str | None:
    """SQL condition over `base` (icao24, addr) for one rule; appends its values to params."""
    if not has_aircraft_conditions(rule):
        return None
    parts: list[str] = []
    if rule.icao_ranges:
        ors = []
        for lo, hi in rule.icao_ranges:
            ors.append("base.addr BETWEEN ? AND ?")
            params.extend([lo, hi])
        parts.append("(" + " OR ".join(ors) + ")")
    if rule.icao24:
        parts.append("list_contains(?::VARCHAR[], base.icao24)")
        params.append([f"{int(h, 16):06x}" for h in rule.icao24])
    for rule_field, fact_field in PATTERN_FIELDS:
        patterns: tuple[str, ...] = getattr(rule, rule_field)
        if patterns:
            parts.append(
                f"base.icao24 IN (SELECT icao24 FROM {_FACTS} WHERE field = '{fact_field}' "
                "AND regexp_matches(value, ?, 'i'))"
            )
            params.append("|".join(anchored(p) for p in patterns))
    if rule.military is not None:
        parts.append("coalesce(mil.military = ?, false)")
        params.append(rule.military)
    return "(" + " AND ".join(parts) + ")"


def actor_case_sql(
    actors: Iterable[Actor],
    params: list[Any],
    *,
    key_sql: str,
    listed: Callable[[Actor], list[str]],
    rule_predicate: Callable[[ActorRule, list[Any]], str | None],
) -> str:
    """A SQL CASE giving the first actor (by id) that lists the key or whose rules match; params grow.

    Shared by aircraft (key icao24) and vessels (key mmsi): each supplies its listed ids and predicates.
    """
    whens: list[str] = []
    for actor in sorted(actors, key=lambda a: a.id):
        preds: list[str] = []
        ids = listed(actor)
        if ids:
            preds.append(f"list_contains(?::VARCHAR[], {key_sql})")
            params.append(sorted(set(ids)))
        for rule in actor.rules:
            p = rule_predicate(rule, params)
            if p is not None:
                preds.append(p)
        if preds:
            whens.append(f"WHEN {' OR '.join(preds)} THEN ?")
            params.append(actor.id)
    return f"CASE {' '.join(whens)} END" if whens else "NULL::VARCHAR"


def _actor_case(actors: Iterable[Actor], params: list[Any]) -> str:
    return actor_case_sql(
        actors, params, key_sql="base.icao24",
        listed=lambda a: [k.icao24.lower() for k in a.aircraft], rule_predicate=_rule_predicate,
    )


def _known_arrow(actors: Iterable[Actor]) -> pa.Table:
    known = known_aircraft(actors)
    return pa.table(
        {
            "icao24": pa.array([k.icao24.lower() for k in known], pa.string()),
            "registration": pa.array([k.registration for k in known], pa.string()),
            "typecode": pa.array([k.typecode for k in known], pa.string()),
            "operator": pa.array([k.operator for k in known], pa.string()),
        }
    )


def aircraft_identity(ws: Workspace, actors: Iterable[Actor] | None = None) -> pa.Table:
    """One row per icao24 seen in aircraft_points or in the aircraft table, sorted by icao24.

    Columns: icao24, country (ISO alpha-2 of the address block or null), registration, typecode,
    operator (best known over origins, see ORIGIN_PRIORITY), military (true if any origin says so,
    null if none knows), actor_id (first matching actor in actor_id order, or null).
    `actors` defaults to the workspace's watchlist.
    """
    from basewatch.watchlist.store import read_actors

    acts = tuple(actors) if actors is not None else read_actors(ws)
    con = ws.con
    con.register(_KNOWN, _known_arrow(acts))
    register_blocks(con, _BLOCKS)
    try:
        # the only pass over the points: distinct (icao24, callsign) pairs, a small table
        pairs = con.execute("SELECT DISTINCT icao24, callsign FROM aircraft_points").fetch_arrow_table()
        con.register(_PAIRS, pairs)
        facts = con.execute(_FACTS_SQL).fetch_arrow_table()
        con.register(_FACTS, facts)
        params: list[Any] = []
        case = _actor_case(acts, params)
        sql = f"""
        WITH ids AS (
            SELECT icao24 FROM {_PAIRS} UNION SELECT lower(icao24) FROM aircraft
        ), base AS (
            SELECT icao24, {icao_int_sql("icao24")} AS addr FROM ids
        ), best AS (
            SELECT icao24,
                first(value ORDER BY prio, value) FILTER (WHERE field = 'registration') AS registration,
                first(value ORDER BY prio, value) FILTER (WHERE field = 'typecode') AS typecode,
                first(value ORDER BY prio, value) FILTER (WHERE field = 'operator') AS operator
            FROM (SELECT *, {_priority_sql()} AS prio FROM {_FACTS}) GROUP BY icao24
        ), mil AS (
            SELECT lower(icao24) AS icao24, bool_or(military) AS military FROM aircraft GROUP BY 1
        )
        SELECT base.icao24, blk.iso2 AS country, best.registration, best.typecode, best.operator,
               mil.military, {case} AS actor_id
        FROM base
        LEFT JOIN {_BLOCKS} blk ON base.addr BETWEEN blk.start AND blk."end"
        LEFT JOIN best ON best.icao24 = base.icao24
        LEFT JOIN mil ON mil.icao24 = base.icao24
        ORDER BY base.icao24
        """
        try:
            table = con.execute(sql, params).fetch_arrow_table()
        except duckdb.InvalidInputException as exc:
            raise WatchlistError(f"an actor rule pattern is not a valid regular expression: {exc}") from exc
    finally:
        for name in (_KNOWN, _PAIRS, _FACTS, _BLOCKS):
            con.unregister(name)
    return table.cast(IDENTITY_SCHEMA)
