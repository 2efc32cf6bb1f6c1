"""The stored records fusion reads, loaded once into small frozen structures (I/O lives here only).

Movements: every flight gives a departure at its origin place and an arrival at its destination place
(place = watched site id, else the airport's ICAO code); every port call gives an arrival and, when
seen, a departure at its site (else the port's name). Coverage: the (place, day, mode) cells where
receivers reported positions within `coverage_km` of the place, or placed a flight end or a port call
there. Alerts and imagery come from their tables when those exist (a workspace without them simply
has none; `missing` says so).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

OPTIONAL_TABLES: tuple[str, ...] = ("alerts", "imagery_observations", "imagery_changes")


@dataclass(frozen=True)
class Place:
    place: str                 # site id, or airport ICAO code / port name where no site is there
    name: str
    kind: str                  # airbase | port | region | airport
    country: str | None
    lat: float | None
    lon: float | None
    watched: bool


@dataclass(frozen=True)
class Movement:
    ref_kind: str              # flight | port_call
    ref_id: str
    mode: str                  # air | sea
    place: str
    other: str | None          # the other end (origin of an arrival, destination of a departure)
    direction: str             # arrival | departure
    time: dt.datetime
    actor: str | None
    vehicle: str = ""          # icao24 of the aircraft or MMSI of the vessel
    day: dt.date = dt.date.min  # UTC day of `time` (set by `movement`)


def movement(ref_kind: str, ref_id: str, mode: str, place: str, other: str | None, direction: str,
             time: dt.datetime, actor: str | None, vehicle: str) -> Movement:
    t = _utc(time)
    return Movement(ref_kind, ref_id, mode, place, other, direction, t, actor, vehicle, t.date())


@dataclass(frozen=True)
class Alert:
    alert_id: str
    kind: str
    mode: str | None
    site: str | None
    origin: str | None
    destination: str | None
    actor: str | None
    direction: str | None
    day: dt.date
    observed: float | None
    expected: float | None
    q_value: float | None
    status: str | None


@dataclass(frozen=True)
class Observation:
    observation_id: str
    site_id: str
    acquired_at: dt.datetime
    provider: str | None
    confidence: float | None
    counts: tuple[tuple[str, int], ...]

    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class DarkPeriod:
    dark_id: str
    site: str
    actor: str | None
    start: dt.datetime
    end: dt.datetime | None


@dataclass(frozen=True)
class StoredClaim:
    report_id: int
    claim_no: int
    text: str
    event: str
    certainty: str
    actors: tuple[str, ...]
    site_ids: tuple[str, ...]
    countries: tuple[str, ...]
    source: str
    source_kind: str
    reliability: str
    date_start: dt.date | None
    date_end: dt.date | None
    report_date: dt.date | None
    publisher: str | None
    title: str | None

    @property
    def key(self) -> str:
        return f"C{self.report_id}-{self.claim_no}"


@dataclass(frozen=True)
class Records:
    places: dict[str, Place]
    movements: dict[str, tuple[Movement, ...]]            # by place, in time order
    coverage: frozenset[tuple[str, dt.date, str]]         # (place, day, mode)
    alerts: tuple[Alert, ...]
    observations: tuple[Observation, ...]
    dark: tuple[DarkPeriod, ...]
    claims: tuple[StoredClaim, ...]
    actors: dict[str, str]                                # actor id -> name
    first_day: dt.date | None
    last_day: dt.date | None
    missing: tuple[str, ...] = field(default=())          # optional tables this workspace lacks
    by_day: dict[tuple[str, dt.date], tuple[Movement, ...]] = field(default_factory=dict)
    # place -> (claim, whether it names the place itself rather than only its country)
    claims_at: dict[str, tuple[tuple[StoredClaim, bool], ...]] = field(default_factory=dict)
    modes_at: dict[str, frozenset[str]] = field(default_factory=dict)   # place -> air / sea seen there

    def sites_in(self, countries: Sequence[str]) -> list[str]:
        want = set(countries)
        return sorted(p.place for p in self.places.values() if p.watched and p.country in want)

    def covered(self, place: str, day: dt.date, modes: Sequence[str] = ("air", "sea")) -> bool:
        return any((place, day, m) in self.coverage for m in modes)


def table_exists(ws: Workspace, name: str) -> bool:
    row = ws.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])


def _utc(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def _places(ws: Workspace) -> dict[str, Place]:
    out: dict[str, Place] = {}
    for sid, name, kind, country, lat, lon in ws.con.execute(
        "SELECT site_id, name, kind, country, lat, lon FROM sites ORDER BY site_id"
    ).fetchall():
        out[str(sid)] = Place(str(sid), str(name), str(kind), country, lat, lon, True)
    coords: dict[str, tuple[float, float]] = {}
    if table_exists(ws, "flight_reference_airfields"):
        coords = {str(c): (float(a), float(b)) for c, a, b in ws.con.execute(
            "SELECT code, af_lat, af_lon FROM flight_reference_airfields WHERE code IN "
            "(SELECT origin_airport FROM flights UNION SELECT destination_airport FROM flights)"
        ).fetchall() if a is not None and b is not None}
    for (code,) in ws.con.execute(
        "SELECT DISTINCT a FROM (SELECT origin_airport AS a FROM flights WHERE origin_site IS NULL UNION ALL "
        "SELECT destination_airport FROM flights WHERE destination_site IS NULL) WHERE a IS NOT NULL ORDER BY a"
    ).fetchall():
        lat, lon = coords.get(str(code), (None, None))
        out.setdefault(str(code), Place(str(code), str(code), "airport", None, lat, lon, False))
    return out


_FLIGHT_ENDS = (
    "SELECT flight_id, coalesce(origin_site, origin_airport), coalesce(destination_site, destination_airport), "
    "start, \"end\", actor, icao24 FROM flights ORDER BY start, flight_id"
)
_PORT_CALLS = (
    "SELECT call_id, coalesce(site_id, port), arrival, departure, actor, mmsi FROM port_calls "
    "WHERE coalesce(site_id, port) IS NOT NULL ORDER BY arrival, call_id"
)


def _movements(ws: Workspace) -> dict[str, list[Movement]]:
    by_place: dict[str, list[Movement]] = defaultdict(list)
    for fid, origin, dest, start, end, actor, icao in ws.con.execute(_FLIGHT_ENDS).fetchall():
        if origin is not None:
            by_place[origin].append(
                movement("flight", fid, "air", origin, dest, "departure", start, actor, icao))
        if dest is not None:
            by_place[dest].append(movement("flight", fid, "air", dest, origin, "arrival", end, actor, icao))
    if table_exists(ws, "port_calls"):
        for cid, place, arr, dep, actor, mmsi in ws.con.execute(_PORT_CALLS).fetchall():
            by_place[place].append(
                movement("port_call", str(cid), "sea", place, None, "arrival", arr, actor, mmsi))
            if dep is not None:
                by_place[place].append(
                    movement("port_call", str(cid), "sea", place, None, "departure", dep, actor, mmsi))
    for lst in by_place.values():
        lst.sort(key=lambda m: (m.time, m.ref_id, m.direction))
    return by_place


CELL_DEG = 0.5   # positions are binned into cells of this many degrees; a place lists the cells it reaches
_NEAR = (
    "SELECT s.place, CAST(p.time AS DATE) AS day, count(*) FROM {table} p JOIN places_in s "
    "ON CAST(floor(p.lat / $cell) AS INTEGER) = s.clat AND CAST(floor(p.lon / $cell) AS INTEGER) = s.clon "
    "WHERE 2 * 6371.0 * asin(sqrt(pow(sin(radians(p.lat - s.lat) / 2), 2) + cos(radians(s.lat)) * "
    "cos(radians(p.lat)) * pow(sin(radians(p.lon - s.lon) / 2), 2))) <= $km GROUP BY ALL"
)


def _cells(lat: float, lon: float, km: float) -> list[tuple[int, int]]:
    """The CELL_DEG cells a circle of `km` around (lat, lon) can reach."""
    import math

    dlat = km / 111.0
    dlon = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.0))), 0.02)
    rows = range(math.floor((lat - dlat) / CELL_DEG), math.floor((lat + dlat) / CELL_DEG) + 1)
    cols = range(math.floor((lon - dlon) / CELL_DEG), math.floor((lon + dlon) / CELL_DEG) + 1)
    return [(r, c) for r in rows for c in cols]


def _coverage(ws: Workspace, places: dict[str, Place], movements: dict[str, list[Movement]],
              km: float) -> set[tuple[str, dt.date, str]]:
    import pyarrow as pa

    cells: set[tuple[str, dt.date, str]] = set()
    for lst in movements.values():
        cells.update((m.place, m.day, m.mode) for m in lst)
    rows: dict[str, list[object]] = {"place": [], "lat": [], "lon": [], "clat": [], "clon": []}
    for p in places.values():
        if p.lat is None or p.lon is None:
            continue
        for r, c in _cells(p.lat, p.lon, km):
            for k, v in (("place", p.place), ("lat", p.lat), ("lon", p.lon), ("clat", r), ("clon", c)):
                rows[k].append(v)
    if not rows["place"]:
        return cells
    ws.con.register("places_in", pa.table(rows))
    try:
        for src, mode in (("aircraft_points", "air"), ("ais_positions", "sea")):
            if not table_exists(ws, src):
                continue
            for place, day, _n in ws.con.execute(_NEAR.format(table=src), {"cell": CELL_DEG, "km": km}).fetchall():
                cells.add((str(place), day, mode))
    finally:
        ws.con.unregister("places_in")
    return cells


def _alerts(ws: Workspace) -> list[Alert]:
    rows = ws.con.execute(
        "SELECT alert_id, kind, mode, site, origin, destination, actor, direction, day, observed, expected, "
        "q_value, status FROM alerts ORDER BY day, alert_id"
    ).fetchall()
    return [Alert(str(r[0]), str(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                  None if r[9] is None else float(r[9]), None if r[10] is None else float(r[10]),
                  None if r[11] is None else float(r[11]), r[12]) for r in rows]


def _observations(ws: Workspace) -> list[Observation]:
    out = []
    for oid, site, at, provider, conf, counts in ws.con.execute(
        "SELECT observation_id, site_id, acquired_at, provider, confidence, CAST(counts AS VARCHAR) "
        "FROM imagery_observations WHERE site_id IS NOT NULL ORDER BY acquired_at, observation_id"
    ).fetchall():
        parsed = json.loads(counts) if counts else {}
        pairs = tuple(sorted((str(k), int(v)) for k, v in parsed.items())) if isinstance(parsed, dict) else ()
        out.append(Observation(str(oid), str(site), _utc(at), provider, None if conf is None else float(conf), pairs))
    return out


def _dark(ws: Workspace) -> list[DarkPeriod]:
    if not table_exists(ws, "dark_periods"):
        return []
    return [DarkPeriod(str(i), str(s), a, _utc(st), None if en is None else _utc(en)) for i, s, a, st, en in
            ws.con.execute("SELECT dark_id, near_site, actor, start_time, end_time FROM dark_periods "
                           "WHERE near_site IS NOT NULL ORDER BY start_time, dark_id").fetchall()]


def load_claims(ws: Workspace) -> list[StoredClaim]:
    rows = ws.con.execute(
        "SELECT c.report_id, c.claim_no, c.text, c.event, c.certainty, c.actors, c.site_ids, c.countries, "
        "c.source, c.source_kind, c.reliability, c.date_start, c.date_end, r.report_date, r.publisher, r.title "
        "FROM claims c JOIN reports r USING (report_id) ORDER BY c.report_id, c.claim_no"
    ).fetchall()
    return [StoredClaim(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), tuple(r[5] or ()),
                        tuple(r[6] or ()), tuple(r[7] or ()), str(r[8]), str(r[9]), str(r[10]), r[11], r[12],
                        r[13], r[14], r[15]) for r in rows]


def load_records(ws: Workspace, coverage_km: float) -> Records:
    places = _places(ws)
    movements = _movements(ws)
    for place in movements:
        places.setdefault(place, Place(place, place, "port" if any(m.mode == "sea" for m in movements[place])
                                       else "airport", None, None, None, False))
    missing = tuple(t for t in OPTIONAL_TABLES if not table_exists(ws, t))
    alerts = _alerts(ws) if "alerts" not in missing else []
    observations = _observations(ws) if "imagery_observations" not in missing else []
    claims = load_claims(ws)
    days = [m.day for lst in movements.values() for m in lst] + [a.day for a in alerts]
    days += [o.acquired_at.date() for o in observations]
    days += [d for c in claims for d in (c.report_date, c.date_end) if d is not None]
    actors = {str(a): str(n) for a, n in ws.con.execute("SELECT actor_id, name FROM actors").fetchall()}
    return Records(
        places=places,
        movements={k: tuple(v) for k, v in movements.items()},
        coverage=frozenset(_coverage(ws, places, movements, coverage_km)),
        alerts=tuple(alerts), observations=tuple(observations), dark=tuple(_dark(ws)), claims=tuple(claims),
        actors=actors, first_day=min(days) if days else None, last_day=max(days) if days else None,
        missing=missing, by_day=_index(movements), claims_at=_claims_at(claims, places),
        modes_at={k: frozenset(m.mode for m in v) for k, v in movements.items()},
    )


ClaimsAt = dict[str, tuple[tuple[StoredClaim, bool], ...]]


def _claims_at(claims: Sequence[StoredClaim], places: dict[str, Place]) -> ClaimsAt:
    from basewatch.fusion.countries import place_countries

    by_country: dict[str, list[str]] = defaultdict(list)
    for p in places.values():
        if p.watched and p.country:
            by_country[p.country].append(p.place)
    out: dict[str, list[tuple[StoredClaim, bool]]] = defaultdict(list)
    for c in claims:
        if c.site_ids:
            for s in c.site_ids:
                out[s].append((c, True))
        else:
            for country in place_countries(c):
                for s in by_country.get(country, ()):
                    out[s].append((c, False))
    return {k: tuple(v) for k, v in out.items()}


def _index(movements: dict[str, list[Movement]]) -> dict[tuple[str, dt.date], tuple[Movement, ...]]:
    out: dict[tuple[str, dt.date], list[Movement]] = defaultdict(list)
    for lst in movements.values():
        for m in lst:
            out[(m.place, m.day)].append(m)
    return {k: tuple(v) for k, v in out.items()}
