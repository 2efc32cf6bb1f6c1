"""Vessel identity: who each MMSI is (static reports, MID flag, watchlist) and which actor it belongs to.

Rules (see `basewatch.watchlist.model.ActorRule`), applied in bulk in one SQL query:
- a vessel belongs to an actor if its MMSI is listed in the actor's `vessels`, or if ANY rule matches;
- a rule matches a vessel if ALL of its given vessel conditions hold (mmsi, imo, ship_names, flags,
  ship_types); a rule with no vessel condition (e.g. only aircraft conditions) never matches a vessel;
- ship_names are regular expressions matched case-insensitively from the start of ANY name the vessel
  has reported (or the watchlist gives it); imo and ship_types hold if any reported value is listed;
  flags are ISO alpha-2 codes of the MMSI's MID.
When several actors match, the first in actor id order is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from basewatch.errors import WatchlistError
from basewatch.identity.actors import ConditionMatch, RuleMatch, actor_case_sql, anchored
from basewatch.identity.mid import flag_of, mid_sql, mid_table
from basewatch.watchlist.model import Actor, ActorRule

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

VESSEL_IDENTITY_SCHEMA = pa.schema([
    ("mmsi", pa.string()),
    ("name", pa.string()),
    ("flag", pa.string()),
    ("flag_country", pa.string()),
    ("type", pa.int32()),
    ("imo", pa.string()),
    ("callsign", pa.string()),
    ("length_m", pa.float64()),
    ("first_seen", pa.timestamp("us", tz="UTC")),
    ("last_seen", pa.timestamp("us", tz="UTC")),
    ("positions", pa.int64()),
    ("actor_id", pa.string()),
])

# AIS ship and cargo type (ITU-R M.1371 table 53), by first digit, with the special 3x and 5x codes.
_TYPE_DECADES = {2: "wing in ground", 4: "high-speed craft", 6: "passenger", 7: "cargo", 8: "tanker", 9: "other"}
_TYPE_CODES = {
    30: "fishing", 31: "towing", 32: "towing (large)", 33: "dredging or underwater ops", 34: "diving ops",
    35: "military ops", 36: "sailing", 37: "pleasure craft", 50: "pilot vessel", 51: "search and rescue",
    52: "tug", 53: "port tender", 54: "anti-pollution", 55: "law enforcement", 58: "medical transport",
    59: "non-combatant ship",
}


def ship_type_name(code: int | None) -> str | None:
    """Plain name of an AIS ship type code (None when unknown or not available)."""
    if code is None or not 1 <= code <= 99:
        return None
    return _TYPE_CODES.get(code) or _TYPE_DECADES.get(code // 10) or ("reserved" if code < 20 else "other")


def has_vessel_conditions(rule: ActorRule) -> bool:
    """True when the rule says anything about vessels (otherwise it never matches one)."""
    return bool(rule.mmsi or rule.imo or rule.ship_names or rule.flags or rule.ship_types)


_KNOWN = "_bw_vessel_known"
_MID = "_bw_vessel_mid"
_FACTS = "_bw_vessel_facts"
_IN_LIST = "list_contains(?::VARCHAR[], value)"


def _rule_predicate(rule: ActorRule, params: list[Any]) -> str | None:
    if not has_vessel_conditions(rule):
        return None
    parts: list[str] = []
    if rule.mmsi:
        parts.append("list_contains(?::VARCHAR[], ids.mmsi)")
        params.append([m.strip().zfill(9) for m in rule.mmsi])
    if rule.imo:
        parts.append(f"ids.mmsi IN (SELECT mmsi FROM {_FACTS} WHERE field = 'imo' AND {_IN_LIST})")
        params.append([i.strip().upper().removeprefix("IMO").strip() for i in rule.imo])
    if rule.ship_names:
        parts.append(f"ids.mmsi IN (SELECT mmsi FROM {_FACTS} WHERE field = 'name' AND regexp_matches(value, ?, 'i'))")
        params.append("|".join(anchored(p) for p in rule.ship_names))
    if rule.flags:
        parts.append("list_contains(?::VARCHAR[], mt.flag)")
        params.append([f.upper() for f in rule.flags])
    if rule.ship_types:
        parts.append(f"ids.mmsi IN (SELECT mmsi FROM {_FACTS} WHERE field = 'type' AND {_IN_LIST})")
        params.append([str(t) for t in rule.ship_types])
    return "(" + " AND ".join(parts) + ")"


def _actor_case(actors: Iterable[Actor], params: list[Any]) -> str:
    return actor_case_sql(
        actors, params, key_sql="ids.mmsi",
        listed=lambda a: [v.mmsi.strip().zfill(9) for v in a.vessels], rule_predicate=_rule_predicate,
    )


def _known_arrow(actors: Iterable[Actor]) -> pa.Table:
    known = [v for a in actors for v in a.vessels]
    return pa.table({
        "mmsi": pa.array([v.mmsi.strip().zfill(9) for v in known], pa.string()),
        "name": pa.array([v.name for v in known], pa.string()),
        "imo": pa.array([v.imo for v in known], pa.string()),
        "ship_type": pa.array([v.ship_type for v in known], pa.int32()),
    })


_FACTS_SQL = f"""
SELECT mmsi, 'name' AS field, upper(trim(name)) AS value FROM ais_static WHERE nullif(trim(name), '') IS NOT NULL
UNION SELECT mmsi, 'imo', imo FROM ais_static WHERE imo IS NOT NULL
UNION SELECT mmsi, 'type', CAST(ship_type AS VARCHAR) FROM ais_static WHERE ship_type IS NOT NULL
UNION SELECT mmsi, 'name', upper(trim(name)) FROM {_KNOWN} WHERE name IS NOT NULL
UNION SELECT mmsi, 'imo', imo FROM {_KNOWN} WHERE imo IS NOT NULL
UNION SELECT mmsi, 'type', CAST(ship_type AS VARCHAR) FROM {_KNOWN} WHERE ship_type IS NOT NULL
"""


def vessel_identity(ws: Workspace, actors: Iterable[Actor] | None = None) -> pa.Table:
    """One row per MMSI seen in ais_positions or ais_static, sorted by MMSI.

    Columns: mmsi, name, flag (ISO alpha-2 of the MID), flag_country, type (AIS ship type), imo,
    callsign, length_m (latest reported value of each; the watchlist's KnownVessel fills gaps),
    first_seen, last_seen, positions (from ais_positions; null/0 when only static data was seen),
    actor_id (first matching actor in id order, or null). `actors` defaults to the workspace's watchlist.
    """
    from basewatch.watchlist.store import read_actors

    acts = tuple(actors) if actors is not None else read_actors(ws)
    con = ws.con
    con.register(_KNOWN, _known_arrow(acts))
    con.register(_MID, mid_table())
    try:
        con.register(_FACTS, con.execute(_FACTS_SQL).fetch_arrow_table())
        params: list[Any] = []
        case = _actor_case(acts, params)
        t0 = "coalesce(time, TIMESTAMPTZ '1970-01-01 00:00:00+00')"
        sql = f"""
        WITH ids AS (
            SELECT DISTINCT mmsi FROM ais_positions UNION SELECT DISTINCT mmsi FROM ais_static
        ), pos AS (
            SELECT mmsi, min(time) AS first_seen, max(time) AS last_seen, count(*) AS positions
            FROM ais_positions GROUP BY mmsi
        ), st AS (
            SELECT mmsi,
                arg_max(name, {t0}) FILTER (WHERE nullif(trim(name), '') IS NOT NULL) AS name,
                arg_max(ship_type, {t0}) FILTER (WHERE ship_type IS NOT NULL) AS ship_type,
                arg_max(imo, {t0}) FILTER (WHERE imo IS NOT NULL) AS imo,
                arg_max(callsign, {t0}) FILTER (WHERE nullif(trim(callsign), '') IS NOT NULL) AS callsign,
                arg_max(length_m, {t0}) FILTER (WHERE length_m IS NOT NULL) AS length_m
            FROM ais_static GROUP BY mmsi
        ), known AS (
            SELECT mmsi, any_value(name) AS name, any_value(imo) AS imo, any_value(ship_type) AS ship_type
            FROM {_KNOWN} GROUP BY mmsi
        )
        SELECT ids.mmsi, coalesce(st.name, known.name) AS name, mt.flag, mt.country AS flag_country,
               coalesce(st.ship_type, known.ship_type) AS type, coalesce(st.imo, known.imo) AS imo,
               st.callsign, st.length_m, pos.first_seen, pos.last_seen, coalesce(pos.positions, 0) AS positions,
               {case} AS actor_id
        FROM ids
        LEFT JOIN pos ON pos.mmsi = ids.mmsi
        LEFT JOIN st ON st.mmsi = ids.mmsi
        LEFT JOIN known ON known.mmsi = ids.mmsi
        LEFT JOIN {_MID} mt ON mt.mid = {mid_sql("ids.mmsi")}
        ORDER BY ids.mmsi
        """
        try:
            table = con.execute(sql, params).fetch_arrow_table()
        except duckdb.InvalidInputException as exc:
            raise WatchlistError(f"an actor rule pattern is not a valid regular expression: {exc}") from exc
    finally:
        for name in (_KNOWN, _MID, _FACTS):
            con.unregister(name)
    return table.cast(VESSEL_IDENTITY_SCHEMA)


# ---- one vessel, explained ---------------------------------------------------------------------


@dataclass(frozen=True)
class VesselFacts:
    """Everything known of one MMSI that vessel rules can test (every reported value)."""

    mmsi: str
    flag: str | None = None
    names: tuple[str, ...] = ()
    imos: tuple[str, ...] = ()
    ship_types: tuple[int, ...] = ()


def vessel_facts(ws: Workspace, mmsi: str, actors: Iterable[Actor] | None = None) -> VesselFacts:
    """What the workspace's static reports and the watchlist say about one MMSI."""
    from basewatch.watchlist.store import read_actors

    key = mmsi.strip().zfill(9)
    acts = tuple(actors) if actors is not None else read_actors(ws)
    rows = ws.con.execute(
        "SELECT DISTINCT upper(trim(name)), imo, ship_type FROM ais_static WHERE mmsi = ?", [key]
    ).fetchall()
    known = [v for a in acts for v in a.vessels if v.mmsi.strip().zfill(9) == key]
    names = sorted({r[0] for r in rows if r[0]} | {v.name.strip().upper() for v in known if v.name})
    imos = sorted({r[1] for r in rows if r[1]} | {v.imo for v in known if v.imo})
    types = sorted({int(r[2]) for r in rows if r[2] is not None} | {v.ship_type for v in known if v.ship_type})
    flag = flag_of(key)
    return VesselFacts(key, flag.flag if flag else None, tuple(names), tuple(imos), tuple(types))


def match_vessel(actor: Actor, facts: VesselFacts) -> list[RuleMatch]:
    """Every reason the vessel belongs to the actor (empty: it does not); same rules as vessel_identity."""
    matches: list[RuleMatch] = []
    if any(v.mmsi.strip().zfill(9) == facts.mmsi for v in actor.vessels):
        matches.append(RuleMatch(actor.id, None, (ConditionMatch("vessels", facts.mmsi, facts.mmsi),)))
    for i, rule in enumerate(actor.rules):
        held = _match_rule(rule, facts)
        if held is not None:
            matches.append(RuleMatch(actor.id, i, held))
    return matches


def _match_rule(rule: ActorRule, facts: VesselFacts) -> tuple[ConditionMatch, ...] | None:
    if not has_vessel_conditions(rule):
        return None
    held: list[ConditionMatch] = []
    checks: list[tuple[str, Iterable[str], Iterable[str], bool]] = [
        ("mmsi", [m.strip().zfill(9) for m in rule.mmsi], [facts.mmsi], False),
        ("imo", [i.strip().upper().removeprefix("IMO").strip() for i in rule.imo], facts.imos, False),
        ("ship_names", rule.ship_names, facts.names, True),
        ("flags", [f.upper() for f in rule.flags], [facts.flag] if facts.flag else [], False),
        ("ship_types", [str(t) for t in rule.ship_types], [str(t) for t in facts.ship_types], False),
    ]
    for field, wanted, values, pattern in checks:
        wanted = list(wanted)
        if not wanted:
            continue
        hit = next(
            ((w, v) for w in wanted for v in values
             if (re.match(anchored(w), v, re.IGNORECASE) if pattern else w == v)),
            None,
        )
        if hit is None:
            return None
        held.append(ConditionMatch(field, hit[0], hit[1]))
    return tuple(held)
