"""A claim's status against the sensors: corroborated, contradicted, unverified or not-checkable.

- not-checkable: an event class no sensor observes (strike, other) or a statement of intent.
- Activity that the claim describes is seen when, at one of its places in its window, the matching
  movements (departures for a withdrawal, arrivals for a deployment, either for transport; any for
  basing) of the actors it names exceed what the baseline leads one to expect (Poisson, see
  FusionParams), or an alert or an imagery change there says so.
- Seen: an asserted or hedged claim is corroborated, a denial contradicted.
- Not seen, and receivers saw the place on enough of the window's days: a denial is corroborated
  (contradicted if it is absolute, "no aircraft left", and any such movement is seen); an assertion
  about aircraft or ships is contradicted; one that does not say how (troops, equipment) stays
  unverified, since it may have moved by road or unseen. A place not seen by receivers: unverified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from basewatch.fusion.counts import ANY_WATCHED, Count, actor_matches, count, covered_days, day_span
from basewatch.fusion.likelihood import Ref
from basewatch.fusion.link import Link
from basewatch.fusion.params import FusionParams
from basewatch.fusion.records import Alert, Observation, Records, StoredClaim

STATUSES = ("corroborated", "contradicted", "unverified", "not-checkable")
STRONG_P = 1e-6
IMAGERY_CHANGE = 0.2   # a count change of at least this share between two observations


@dataclass(frozen=True)
class ClaimStatus:
    key: str
    report_id: int
    claim_no: int
    status: str
    credibility: int
    reliability: str
    story: str
    first: dt.date | None
    last: dt.date | None
    widened: str
    places: tuple[str, ...]
    observed: int | None
    expected: float | None
    p_value: float | None
    covered_days: int | None
    evidence: tuple[Ref, ...]
    why: str


@dataclass(frozen=True)
class Check:
    """What the sensors show for one claim (before the status is decided)."""

    counts: dict[str, Count]
    surge_places: tuple[str, ...]
    alerts: tuple[Alert, ...]
    imagery: tuple[tuple[Observation, Observation], ...]
    covered: dict[str, int]
    enough_coverage: bool


def _alert_fits(a: Alert, claim: StoredClaim, link: Link) -> bool:
    if a.actor is not None and not actor_matches(a.actor, link.actors):
        return False
    if link.modes and a.mode is not None and a.mode not in link.modes:
        return False
    at_site = a.site in link.places
    want = {"withdrawal": ("departures", "movements"), "deployment": ("arrivals", "movements")}.get(
        claim.event, ("arrivals", "departures", "movements", None))
    if a.kind == "surge":
        return at_site and (a.direction in want or a.direction is None)
    if a.kind == "drawdown":
        return at_site and claim.event == "withdrawal"
    if a.kind == "new-corridor":
        if claim.event == "withdrawal":
            return a.origin in link.places
        if claim.event == "deployment":
            return a.destination in link.places
        return a.origin in link.places or a.destination in link.places
    return False


def imagery_pairs(records: Records, places: Sequence[str], first: dt.date, last: dt.date,
                  lookback_days: int = 14) -> list[tuple[Observation, Observation]]:
    """Per place: (earliest, latest) observation from lookback before the window to its end, when the
    latest falls in the window and the two differ in time."""
    out = []
    for p in places:
        obs = [o for o in records.observations if o.site_id == p
               and first - dt.timedelta(days=lookback_days) <= o.acquired_at.date() <= last]
        if len(obs) >= 2 and obs[-1].acquired_at.date() >= first and obs[0].acquired_at < obs[-1].acquired_at:
            out.append((obs[0], obs[-1]))
    return out


def change_share(pair: tuple[Observation, Observation]) -> float:
    before, after = pair[0].total(), pair[1].total()
    return (after - before) / max(before, 1)


def _imagery_fits(pair: tuple[Observation, Observation], event: str) -> bool:
    share = change_share(pair)
    if event == "withdrawal":
        return share <= -IMAGERY_CHANGE
    if event in ("deployment", "basing"):
        return share >= IMAGERY_CHANGE if event == "deployment" else pair[1].total() > 0
    return abs(share) >= IMAGERY_CHANGE


def check(claim: StoredClaim, link: Link, records: Records, params: FusionParams) -> Check:
    assert link.first is not None and link.last is not None
    modes = link.modes or ("air", "sea")
    counts: dict[str, Count] = {}
    surge: list[str] = []
    for p in link.places:
        others = None
        if claim.event == "transport" and link.place_level == "site" and len(link.places) > 1:
            others = tuple(q for q in link.places if q != p)
        c = count(records, [p], link.first, link.last, baseline_days=params.baseline_days,
                  floor_per_day=params.floor_per_day, directions=link.directions, modes=modes,
                  actors=link.actors, others=others)
        counts[p] = c
        if claim.event == "basing":
            if c.observed >= 1:
                surge.append(p)
        elif c.observed >= params.min_surge and c.p_more < params.surge_p and \
                c.observed >= params.min_ratio * c.expected:
            surge.append(p)
    alerts = tuple(a for a in records.alerts if link.first <= a.day <= link.last and _alert_fits(a, claim, link))
    pairs = tuple(pr for pr in imagery_pairs(records, link.places, link.first, link.last)
                  if _imagery_fits(pr, claim.event))
    cov_modes = link.modes or ("air", "sea")
    covered = covered_days(records, link.places, link.first, link.last, cov_modes)
    days = (link.last - link.first).days + 1
    enough = any(n >= params.coverage_share * days for n in covered.values())
    return Check(counts, tuple(surge), alerts, pairs, covered, enough)


def _who(link: Link, records: Records) -> str:
    if link.actors == (ANY_WATCHED,):
        return "watched actors"
    return ", ".join(link.actors)


def _movement_words(claim: StoredClaim, p: str, c: Count, who: str) -> str:
    what = {"withdrawal": "departures", "deployment": "arrivals", "basing": "movements"}.get(claim.event, "movements")
    base = (f"baseline {day_span(c.baseline_first, c.baseline_last)}, {c.baseline_count} movements"
            if c.baseline_first and c.baseline_last else "no earlier data, minimum rate")
    return (f"{c.observed} {what} of {who} at {p} {day_span(c.first, c.last)} against {c.expected:.1f} expected "
            f"({base}; P={c.p_more:.2g})")


def _evidence(chk: Check, places: Sequence[str]) -> tuple[Ref, ...]:
    refs = [Ref(m.ref_kind, m.ref_id) for p in places for m in chk.counts[p].movements]
    refs += [Ref("alert", a.alert_id) for a in chk.alerts]
    refs += [Ref("observation", o.observation_id) for pr in chk.imagery for o in pr]
    return tuple(dict.fromkeys(refs))


def decide(claim: StoredClaim, link: Link, records: Records, params: FusionParams, reliability: str,
           story: str) -> ClaimStatus:
    """The claim's status, evidence and the sentence why (credibility is set later, see `credibility`)."""
    def result(status: str, why: str, chk: Check | None = None, places: Sequence[str] = ()) -> ClaimStatus:
        best = chk.counts[places[0]] if chk and places else (
            min(chk.counts.values(), key=lambda c: c.p_more) if chk and chk.counts else None)
        cov = max(chk.covered.values(), default=0) if chk else None
        return ClaimStatus(claim.key, claim.report_id, claim.claim_no, status, 6, reliability, story, link.first,
                           link.last, link.widened, link.places, best.observed if best else None,
                           best.expected if best else None, best.p_more if best else None, cov,
                           _evidence(chk, places) if chk else (), why)

    if link.not_checkable:
        return result("not-checkable", link.not_checkable[0].upper() + link.not_checkable[1:] + ".")
    if not link.places:
        return result("unverified", "The claim names no watched place to check it against.")
    if link.first is None or link.last is None:
        return result("unverified", "The claim has no date and its report none either.")
    chk = check(claim, link, records, params)
    who = _who(link, records)
    span = day_span(link.first, link.last)
    denied = claim.certainty == "denied"
    seen = bool(chk.surge_places or chk.alerts or chk.imagery)
    if seen:
        parts = [_movement_words(claim, p, chk.counts[p], who) for p in chk.surge_places]
        parts += [f"{a.kind} alert {a.alert_id} ({a.site or f'{a.origin}->{a.destination}'}, {a.day.isoformat()})"
                  for a in chk.alerts]
        parts += [f"imagery at {pr[0].site_id}: {pr[0].total()} on {pr[0].acquired_at.date().isoformat()} -> "
                  f"{pr[1].total()} on {pr[1].acquired_at.date().isoformat()}" for pr in chk.imagery]
        lead = "The sensors show what the denial rules out: " if denied else ""
        why = lead + "; ".join(parts) + f". Window: {link.widened}."
        return result("contradicted" if denied else "corroborated", why, chk, chk.surge_places or link.places)
    if not chk.enough_coverage:
        seen_days = ", ".join(f"{p} {n}" for p, n in chk.covered.items())
        return result("unverified", f"Receivers did not see {', '.join(link.places)} on enough days of {span} "
                      f"(days seen: {seen_days}); absence of movements there is no evidence.", chk)
    quiet = "; ".join(_movement_words(claim, p, c, who) for p, c in chk.counts.items())
    if denied:
        seen_any = [p for p, c in chk.counts.items() if c.observed > 0]
        if link.absolute and seen_any:
            return result("contradicted", f"The denial is absolute but movements were seen: {quiet}.", chk, seen_any)
        return result("corroborated", f"Receivers saw the place and nothing beyond the usual: {quiet}.", chk,
                      list(link.places))
    if claim.event == "basing" or not link.modes:
        how = "presence need not show as movements" if claim.event == "basing" else \
            "the claim does not say it moved by air or sea, which the sensors would see"
        return result("unverified", f"Nothing beyond the usual at a place receivers saw ({quiet}), but {how}.", chk)
    return result("contradicted", f"Receivers saw the place and no {'/'.join(link.modes)} activity beyond the "
                  f"usual: {quiet}.", chk, list(link.places))


def credibility(status: ClaimStatus, others_corroborate: bool) -> int:
    """Admiralty information credibility from fusion: 1 confirmed, 2 probably true, 3 possibly true,
    4 doubtful, 5 improbable, 6 cannot be judged."""
    strong = status.p_value is not None and status.p_value < STRONG_P
    kinds = {r.kind for r in status.evidence}
    if status.status == "corroborated":
        return 1 if strong or len(kinds) >= 2 else 2
    if status.status == "contradicted":
        return 5 if strong or (status.observed or 0) >= 3 else 4
    if status.status == "unverified" and others_corroborate:
        return 3
    return 6
