"""Which actor an aircraft belongs to: the watchlist's ActorRules applied to what is known of it.

Semantics (see `basewatch.watchlist.model.ActorRule`):
- an aircraft belongs to an actor if it is listed in the actor's `aircraft`, or if ANY rule matches;
- a rule matches if ALL of its given (non-empty) aircraft conditions hold; a rule with no aircraft
  condition (e.g. only vessel conditions) never matches an aircraft;
- list conditions are alternatives; registration, type, callsign and operator patterns are regular
  expressions matched case-insensitively from the start of any known value; ICAO ranges are inclusive.

Facts about an aircraft combine the `aircraft` table (every origin), the watchlist's KnownAircraft and
the callsigns seen in `aircraft_points` (read from their summary `aircraft_callsigns`, see
`basewatch.identity.callsigns`, so the points are not scanned). Two forms: in bulk, one SQL statement
over the whole workspace (`create_identity_table(ws, name)` into a temporary table, pure SQL, or
`aircraft_identity(ws)` as an Arrow table), and `match_aircraft(actor, facts)` explaining one aircraft.
PyArrow is imported only by `aircraft_identity`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from basewatch.errors import InvalidIcaoAddress, WatchlistError
from basewatch.identity.callsigns import current_pairs_sql
from basewatch.identity.icao_blocks import (
    blocks_sql,
    country_of,
    icao_int_sql,
    parse_icao24,
)
from basewatch.watchlist.model import Actor, ActorRule, KnownAircraft

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

# Best-known value of a field: the first origin in this order that has one (then alphabetical).
ORIGIN_PRIORITY: tuple[str, ...] = ("watchlist", "tar1090-db", "opensky-db", "ru-registry", "readsb")
PATTERN_FIELDS: tuple[tuple[str, str], ...] = (
    ("registrations", "registration"),
    ("typecodes", "typecode"),
    ("callsigns", "callsign"),
    ("operators", "operator"),
)
# The bulk identity's columns and their DuckDB types (the Arrow form: string and bool).
IDENTITY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("icao24", "VARCHAR"),
    ("country", "VARCHAR"),  # ISO alpha-2 of the address block
    ("registration", "VARCHAR"),
    ("typecode", "VARCHAR"),
    ("operator", "VARCHAR"),
    ("military", "BOOLEAN"),
    ("actor_id", "VARCHAR"),
)
_TEMP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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

_FACTS = "_bw_identity_facts"  # a CTE of the identity statement, read by the rule predicates

_FACTS_SQL = f"""
cs AS (
    SELECT DISTINCT icao24, upper(trim(callsign)) AS value FROM _bw_identity_pairs
    WHERE callsign IS NOT NULL AND trim(callsign) <> ''
), a AS (
    SELECT lower(icao24) AS icao24, trim(registration) AS registration, trim(typecode) AS typecode,
           trim(operator) AS operator, origin FROM aircraft
    UNION ALL
    SELECT icao24, registration, typecode, operator, 'watchlist' FROM _bw_identity_known
), {_FACTS} AS MATERIALIZED (
    SELECT icao24, 'registration' AS field, registration AS value, origin FROM a WHERE registration <> ''
    UNION ALL SELECT icao24, 'typecode', typecode, origin FROM a WHERE typecode <> ''
    UNION ALL SELECT icao24, 'operator', operator, origin FROM a WHERE operator <> ''
    UNION ALL SELECT icao24, 'callsign', value, 'records' FROM cs
)"""


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


def _known_sql(actors: Iterable[Actor], params: list[Any]) -> str:
    """The watchlist's KnownAircraft as a SQL relation (icao24, registration, typecode, operator)."""
    known = known_aircraft(actors)
    params.extend(
        [
            [k.icao24.lower() for k in known],
            [k.registration for k in known],
            [k.typecode for k in known],
            [k.operator for k in known],
        ]
    )
    return (
        "(SELECT unnest(?::VARCHAR[]) AS icao24, unnest(?::VARCHAR[]) AS registration, "
        "unnest(?::VARCHAR[]) AS typecode, unnest(?::VARCHAR[]) AS operator)"
    )


def _identity_sql(name: str, pairs: str, actors: Iterable[Actor], params: list[Any]) -> str:
    """The statement creating temp table `name` (a checked identifier); params grow in text order."""
    blocks = blocks_sql(params)
    known = _known_sql(actors, params)
    case = _actor_case(actors, params)
    types = dict(IDENTITY_COLUMNS)
    return f"""
    CREATE OR REPLACE TEMP TABLE "{name}" AS
    WITH _bw_identity_blocks AS MATERIALIZED {blocks},
    _bw_identity_known AS {known},
    _bw_identity_pairs AS MATERIALIZED (SELECT icao24, callsign FROM {pairs}),
    {_FACTS_SQL},
    ids AS (
        SELECT icao24 FROM _bw_identity_pairs UNION SELECT lower(icao24) FROM aircraft
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
    SELECT CAST(base.icao24 AS {types["icao24"]}) AS icao24,
           CAST(blk.iso2 AS {types["country"]}) AS country,
           CAST(best.registration AS {types["registration"]}) AS registration,
           CAST(best.typecode AS {types["typecode"]}) AS typecode,
           CAST(best.operator AS {types["operator"]}) AS operator,
           CAST(mil.military AS {types["military"]}) AS military,
           CAST({case} AS {types["actor_id"]}) AS actor_id
    FROM base
    LEFT JOIN _bw_identity_blocks blk ON base.addr BETWEEN blk.start AND blk."end"
    LEFT JOIN best ON best.icao24 = base.icao24
    LEFT JOIN mil ON mil.icao24 = base.icao24
    ORDER BY base.icao24
    """


def create_identity_table(ws: Workspace, name: str, actors: Iterable[Actor] | None = None) -> None:
    """Create (or replace) TEMP table `name`: one row per icao24 seen in aircraft_points or in the
    aircraft table, in icao24 order, with the columns of IDENTITY_COLUMNS.

    country: ISO alpha-2 of the address block or null; registration, typecode, operator: best known
    over origins (see ORIGIN_PRIORITY); military: true if any origin says so, null if none knows;
    actor_id: first matching actor in actor_id order, or null. `actors` defaults to the workspace's
    watchlist. Pure SQL with parameters (no Arrow); the points are not scanned (their callsigns come
    from `aircraft_callsigns`). Raises WatchlistError when an actor's pattern is not a valid regex.
    """
    from basewatch.watchlist.store import read_actors

    if not _TEMP_NAME.match(name):
        raise ValueError(f"not a plain SQL identifier for a temporary table: {name!r}")
    acts = tuple(actors) if actors is not None else read_actors(ws)
    params: list[Any] = []
    sql = _identity_sql(name, current_pairs_sql(ws), acts, params)
    try:
        ws.con.execute(sql, params)
    except duckdb.InvalidInputException as exc:
        raise WatchlistError(f"an actor rule pattern is not a valid regular expression: {exc}") from exc


def identity_schema() -> pa.Schema:
    """The Arrow schema of `aircraft_identity` (IDENTITY_COLUMNS as Arrow types)."""
    import pyarrow as pa

    arrow = {"VARCHAR": pa.string(), "BOOLEAN": pa.bool_()}
    return pa.schema([(col, arrow[sql_type]) for col, sql_type in IDENTITY_COLUMNS])


def aircraft_identity(ws: Workspace, actors: Iterable[Actor] | None = None) -> pa.Table:
    """The bulk identity as an Arrow table, sorted by icao24 (see `create_identity_table`)."""
    name = "_bw_aircraft_identity"
    create_identity_table(ws, name, actors)
    try:
        table = ws.con.execute(f'SELECT * FROM "{name}" ORDER BY icao24').fetch_arrow_table()
    finally:
        ws.con.execute(f'DROP TABLE IF EXISTS "{name}"')
    return table.cast(identity_schema())
