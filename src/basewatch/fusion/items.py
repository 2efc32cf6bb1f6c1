"""Evidence items for one place, actor and window, each with its likelihood ratios and the records it rests on.

Ratios are against "no change" for (drawdown, build-up, rotation); they are the model's stated
assumptions, printed with every assessment, not fitted values:

- movements well above the baseline (P < 1e-6 and at least 3x): 8, 8, 4; above it (P < surge_p): 3, 3, 2.5;
  well below it: 3, 0.3, 0.8; as usual where receivers saw the place: 0.6, 0.6, 0.8.
  Movements alone cannot tell a drawdown from a build-up: the aircraft that carry equipment away
  also come back, and the sensors do not see the load.
- corridors new since the baseline: mostly from here, where the actor already was, to places where it
  was not (outbound): 3, 0.5, 0.3; to here, new, from where it was (inbound): 0.5, 3, 0.3; otherwise
  (both ways): 1.5, 1.5, 0.5; more movements but on old corridors only: 0.8, 0.8, 2. See corridor_item.
- port calls of watched vessels above the baseline: 3, 3, 2; dark periods of watched vessels nearby: 1.5, 1.5, 1.
- imagery: counts down by >= 20 %: 4, 0.3, 1.2; up by >= 20 %: 0.3, 4, 1.2; about the same: 0.6, 0.6, 1.
- claims: withdrawal 4, 0.5, 1; deployment 0.5, 4, 1; transport 2, 2, 1.5; basing 0.5, 1.5, 1.2; a denial
  inverts its event's ratios (withdrawal denied: 0.25, 2, 1).
Alerts join the group of the counts they come from (same flights), so they do not count twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from basewatch.claims.grading import SourceGrades
from basewatch.fusion.counts import ANY_WATCHED, Count, actor_matches, count, covered_days, day_span, select
from basewatch.fusion.likelihood import Item, Ref
from basewatch.fusion.params import AssessParams
from basewatch.fusion.records import Records, StoredClaim
from basewatch.fusion.sources import TrackRecord
from basewatch.fusion.status import ClaimStatus, change_share, imagery_pairs
from basewatch.fusion.stories import canonical_source

LR = tuple[tuple[str, float], ...]


def lr(d: float, b: float, r: float) -> LR:
    return (("drawdown", d), ("build-up", b), ("rotation", r))


SURGE_STRONG, SURGE, DROP, STEADY = lr(8, 8, 4), lr(3, 3, 2.5), lr(3, 0.3, 0.8), lr(0.6, 0.6, 0.8)
OUTBOUND, INBOUND, BOTH_WAYS, ESTABLISHED = lr(3, 0.5, 0.3), lr(0.5, 3, 0.3), lr(1.5, 1.5, 0.5), lr(0.8, 0.8, 2)
SEA_SURGE, DARK = lr(3, 3, 2), lr(1.5, 1.5, 1)
IMAGERY_DOWN, IMAGERY_UP, IMAGERY_SAME = lr(4, 0.3, 1.2), lr(0.3, 4, 1.2), lr(0.6, 0.6, 1)
CLAIM_LR: dict[str, LR] = {
    "withdrawal": lr(4, 0.5, 1), "deployment": lr(0.5, 4, 1), "transport": lr(2, 2, 1.5), "basing": lr(0.5, 1.5, 1.2),
}
ALERT_LR: dict[tuple[str, str | None], LR] = {
    ("surge", "departures"): lr(4, 1.5, 2), ("surge", "arrivals"): lr(1.5, 4, 2), ("surge", "movements"): SURGE,
    ("surge", "in_port"): SEA_SURGE, ("surge", None): SURGE, ("drawdown", None): DROP,
}
CERTAINTY_WEIGHT = {"asserted": 1.0, "hedged": 0.6, "denied": 1.0}
STATUS_WEIGHT = {"corroborated": 1.0, "unverified": 0.8, "not-checkable": 0.5, "contradicted": 0.2}
COUNTRY_LEVEL = 0.5
MAX_REFS = 50
MIN_BASELINE_DAYS = 7


@dataclass(frozen=True)
class Window:
    place: str
    actor: str | None
    first: dt.date
    last: dt.date
    baseline_end: dt.date     # the baseline ends here (frozen at the onset of a change)


@dataclass(frozen=True)
class Figures:
    """The numbers behind an item, to recompute it from the stored records."""

    observed: int
    expected: float
    baseline_first: dt.date | None
    baseline_last: dt.date | None
    baseline_count: int
    p_more: float
    p_less: float


def _actors(w: Window) -> tuple[str, ...] | None:
    return None if w.actor is None else (w.actor,)


def _refs(c: Count) -> tuple[Ref, ...]:
    return tuple(Ref(m.ref_kind, m.ref_id) for m in c.movements[:MAX_REFS])


def figures(c: Count) -> Figures:
    return Figures(c.observed, c.expected, c.baseline_first, c.baseline_last, c.baseline_count, c.p_more, c.p_less)


def movement_count(records: Records, w: Window, params: AssessParams, mode: str) -> Count:
    return count(records, [w.place], w.first, w.last, baseline_days=params.fusion.baseline_days,
                 floor_per_day=params.fusion.floor_per_day, baseline_end=w.baseline_end, modes=(mode,),
                 actors=_actors(w))


def classify(c: Count, params: AssessParams) -> str:
    """strong | surge | drop | steady for a count with a baseline."""
    if c.observed >= params.fusion.min_surge and c.p_more < 1e-6 and c.observed >= 3 * c.expected:
        return "strong"
    if c.observed >= params.fusion.min_surge and c.p_more < params.fusion.surge_p and \
            c.observed >= params.fusion.min_ratio * c.expected:
        return "surge"
    if c.expected >= 5 and c.p_less < params.fusion.surge_p:
        return "drop"
    return "steady"


def movement_item(records: Records, w: Window, params: AssessParams, mode: str, coverage: int
                  ) -> tuple[Item, Figures, str] | None:
    c = movement_count(records, w, params, mode)
    if c.baseline_days < MIN_BASELINE_DAYS:
        return None
    state = classify(c, params)
    if state == "steady" and coverage < params.fusion.coverage_share * c.days:
        return None
    table = {"strong": SURGE_STRONG, "surge": SURGE, "drop": DROP, "steady": STEADY}
    if mode == "sea":
        table = {"strong": SEA_SURGE, "surge": SEA_SURGE, "drop": DROP, "steady": lr(0.8, 0.8, 0.9)}
    word = {"strong": "well above", "surge": "above", "drop": "below", "steady": "as"}[state]
    who = w.actor or "all traffic"
    what = "movements" if mode == "air" else "port arrivals and departures"
    dep = sum(m.direction == "departure" for m in c.movements)
    text = (f"{c.observed} {what} ({c.observed - dep} in, {dep} out) of {who} at {w.place} "
            f"{day_span(c.first, c.last)}, {word} expected ({c.expected:.1f} from {c.baseline_count} in "
            f"{day_span(c.baseline_first, c.baseline_last) if c.baseline_first and c.baseline_last else '-'})")
    item = Item("", "movements" if mode == "air" else "port-calls", f"{mode}:{w.place}", text, table[state],
                params.sensor_weight, "sensor", _refs(c))
    return item, figures(c), state


def _presence(records: Records, place: str, first: dt.date, last: dt.date, actor: str | None) -> bool:
    """The watched actor (any watched actor for all-traffic assessments) moved at `place` first..last."""
    who = (actor,) if actor is not None else (ANY_WATCHED,)
    return bool(select(records, [place], first, last, modes=("air",), actors=who))


def corridor_item(records: Records, w: Window, params: AssessParams, state: str) -> Item | None:
    """Which way the corridors new since the baseline point, by which end was established.

    The sensors do not see what an aircraft carries, and a shuttle's flights go both ways in equal
    numbers. What they do show is where the actor already was: a new corridor between a place where
    the watched actor moved during the baseline and a place where it did not runs from the
    established end (its assets going out: outbound there) to the new one (inbound there: a build-up).
    Corridors between two established or two new places say nothing of direction ("both ways").
    Without new corridors, more movements on the old ones only point to a rotation.
    """
    c = movement_count(records, w, params, "air")
    if c.baseline_days < MIN_BASELINE_DAYS:
        return None
    assert c.baseline_first is not None and c.baseline_last is not None
    bf, bl = c.baseline_first, c.baseline_last
    base = select(records, [w.place], bf, bl, modes=("air",), actors=_actors(w))
    old = {m.other for m in base}
    moved: dict[str, int] = {}
    for m in c.movements:
        if m.other is not None and m.other not in old and m.other != w.place:
            moved[m.other] = moved.get(m.other, 0) + 1
    new = sorted(k for k, n in moved.items() if n >= 2)
    if not new:
        known = [m for m in c.movements if m.other is not None]
        if state in ("strong", "surge") and known:
            return Item("", "corridors", f"corridors:{w.place}", f"more movements at {w.place} but only on "
                        "corridors already flown in the baseline", ESTABLISHED, params.sensor_weight, "sensor")
        return None
    here = _presence(records, w.place, bf, bl, w.actor)
    ways = {k: "outbound" if here and not _presence(records, k, bf, bl, w.actor) else
            "inbound" if not here and _presence(records, k, bf, bl, w.actor) else "both ways" for k in new}
    out_n = sum(moved[k] for k in new if ways[k] == "outbound")
    in_n = sum(moved[k] for k in new if ways[k] == "inbound")
    total = sum(moved[k] for k in new)
    table, how = (OUTBOUND, "outbound") if out_n >= 0.6 * total else (INBOUND, "inbound") \
        if in_n >= 0.6 * total else (BOTH_WAYS, "both ways")
    role = "where the actor already moved" if here else "where the actor did not move"
    listed = ", ".join(f"{k} ({moved[k]} movements, {ways[k]})" for k in new)
    refs = tuple(Ref(m.ref_kind, m.ref_id) for m in c.movements if m.other in moved)[:MAX_REFS]
    return Item("", "corridors", f"corridors:{w.place}", f"corridors new since the baseline at {w.place} "
                f"({role} in {day_span(bf, bl)}) point {how}: {listed}", table, params.sensor_weight, "sensor", refs)


def alert_items(records: Records, w: Window, params: AssessParams) -> list[Item]:
    out = []
    for a in records.alerts:
        if not w.first <= a.day <= w.last or (a.actor is not None and not actor_matches(a.actor, _actors(w))):
            continue
        if a.kind == "new-corridor" and w.place in (a.origin, a.destination):
            table = OUTBOUND if a.origin == w.place else INBOUND
            group = f"corridors:{w.place}"
        elif a.site == w.place and a.kind in ("surge", "drawdown"):
            table = ALERT_LR.get((a.kind, a.direction), ALERT_LR.get((a.kind, None), SURGE))
            group = f"{a.mode or 'air'}:{w.place}"
        elif a.site == w.place and a.kind == "dark":
            table, group = DARK, f"dark:{w.place}"
        else:
            continue
        where = a.site or f"{a.origin}->{a.destination}"
        exp = f", expected {a.expected:.1f}" if a.expected is not None else ""
        obs = f": {a.observed:g}" if a.observed is not None else ""
        out.append(Item("", "alert", group, f"{a.kind} alert {a.alert_id} at {where} on {a.day.isoformat()}{obs}{exp}",
                        table, params.sensor_weight, "sensor", (Ref("alert", a.alert_id),)))
    return out


def dark_item(records: Records, w: Window, params: AssessParams) -> Item | None:
    found = [d for d in records.dark if d.site == w.place and w.first <= d.start.date() <= w.last
             and d.actor is not None and actor_matches(d.actor, _actors(w))]
    if not found:
        return None
    return Item("", "dark", f"dark:{w.place}", f"{len(found)} dark period(s) of watched vessels near {w.place}",
                DARK, params.sensor_weight, "sensor", tuple(Ref("dark_period", d.dark_id) for d in found))


def imagery_item(records: Records, w: Window, params: AssessParams, grades: SourceGrades) -> Item | None:
    pairs = imagery_pairs(records, [w.place], w.first, w.last)
    if not pairs:
        return None
    pair = pairs[0]
    share = change_share(pair)
    table = IMAGERY_DOWN if share <= -0.2 else IMAGERY_UP if share >= 0.2 else IMAGERY_SAME
    grade = grades.reliability(pair[1].provider or "", "imagery")
    conf = pair[1].confidence if pair[1].confidence is not None else 1.0
    weight = max(min(params.weight(grade) * conf, 1.0), 0.05)
    text = (f"imagery of {w.place}: {pair[0].total()} counted on {pair[0].acquired_at.date().isoformat()}, "
            f"{pair[1].total()} on {pair[1].acquired_at.date().isoformat()} ({share:+.0%})")
    return Item("", "imagery", f"imagery:{w.place}", text, table, weight, grade,
                (Ref("observation", pair[0].observation_id), Ref("observation", pair[1].observation_id)))


def _claim_in_window(c: StoredClaim, st: ClaimStatus, w: Window, params: AssessParams) -> bool:
    if c.report_date is None or c.report_date > w.last or st.first is None or st.last is None:
        return False
    return st.last >= w.first - dt.timedelta(days=params.claim_memory_days) and st.first <= w.last


def claim_items(records: Records, w: Window, params: AssessParams, statuses: dict[str, ClaimStatus],
                tracks: dict[str, TrackRecord], grades: SourceGrades, place_country: str | None) -> list[Item]:
    out = []
    for c, named in records.claims_at.get(w.place, ()):
        table = CLAIM_LR.get(c.event)
        st = statuses.get(c.key)
        if table is None or st is None or not _claim_in_window(c, st, w, params):
            continue
        level = 1.0 if named else COUNTRY_LEVEL
        if c.certainty == "denied":
            table = tuple((h, 1.0 / v) for h, v in table)
        track = tracks.get(canonical_source(c.source, grades))
        weight = (params.weight(st.reliability) * (track.factor() if track else 1.0) * CERTAINTY_WEIGHT[c.certainty]
                  * STATUS_WEIGHT[st.status] * level)
        group = f"air:{w.place}" if c.source_kind == "tracking" else f"story:{st.story}"
        text = (f"claim {c.key} ({c.event}, {c.certainty}, {st.status}; {c.source}, {st.reliability}"
                f"{'; country-level' if level < 1 else ''}): {c.text}")
        out.append(Item("", "claim", group, text, table, max(weight, 1e-3), st.reliability, (Ref("claim", c.key),)))
    return out


def coverage_days(records: Records, w: Window, modes: Sequence[str]) -> int:
    return covered_days(records, [w.place], w.first, w.last, modes)[w.place]
