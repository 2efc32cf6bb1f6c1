"""Assessments per place (and actor) over windows, day by day: likelihood, words, confidence, why.

For each place and each day D, the window is the `window_days` days up to D. The baseline is the
days before the window, except while a change is under way: from the first window whose movements
were above the baseline (the onset) the baseline stays frozen at the days before that onset, so a
month-long air bridge does not become "the usual" after a week. It thaws when movements fall back to
the frozen baseline's level.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from basewatch.claims.grading import SourceGrades
from basewatch.fusion import items as it
from basewatch.fusion.counts import poisson_threshold
from basewatch.fusion.fuse import Fusion
from basewatch.fusion.likelihood import (
    Item,
    Sensitivity,
    assess_items,
    chosen_items,
    group_ratios,
    icd203,
    leading,
    sensitivity,
)
from basewatch.fusion.params import HYPOTHESIS_WORDS, AssessParams
from basewatch.fusion.records import Records
from basewatch.fusion.status import ClaimStatus

INFORMATIVE = math.log(1.5)
FAMILY = {"movements": "air", "corridors": "air", "port-calls": "sea", "dark": "sea", "imagery": "imagery",
          "claim": "reports", "alert": "air"}


@dataclass(frozen=True)
class Assessment:
    place: str
    actor: str | None
    as_of: dt.date
    first: dt.date
    last: dt.date
    hypothesis: str
    likelihood: float
    words: str
    band: tuple[int, int]
    confidence: str
    confidence_why: str
    probabilities: dict[str, float]
    prior: dict[str, float]
    items: tuple[Item, ...]
    figures: dict[str, it.Figures]          # item id -> numbers behind it (movement and port-call items)
    used: frozenset[str]                    # item ids that speak for their group
    ratios: dict[str, dict[str, float]]     # group -> capped ratio per hypothesis
    sensitivity: tuple[Sensitivity, ...]
    indicators: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def assessment_id(self) -> str:
        return f"{self.place}|{self.actor or '*'}|{self.as_of.isoformat()}"

    @property
    def judgement(self) -> str:
        """E.g. 'drawdown under way: likely (55-80 %)'."""
        return f"{HYPOTHESIS_WORDS[self.hypothesis]}: {self.words} ({self.band[0]}-{self.band[1]} %)"


def _confidence(items: Sequence[Item], coverage: int, days: int) -> tuple[str, str]:
    informative = [i for i in chosen_items(items).values() if i.strength() >= INFORMATIVE]
    families = sorted({FAMILY[i.kind] for i in informative})
    sensors = [f for f in families if f != "reports"]
    share = coverage / days
    why = (f"{len(informative)} informative group(s) of evidence from {', '.join(families) or 'no source'}; "
           f"receivers saw the place on {coverage} of {days} days")
    if (len(families) >= 3 and share >= 0.8) or (len(sensors) >= 2 and len(informative) >= 3):
        return "high", why
    if len(families) >= 2 or (sensors and share >= 0.8):
        return "moderate", why
    return "low", why


def _indicators(a_hyp: str, w: it.Window, figures: it.Figures | None, coverage: int, days: int,
                params: AssessParams) -> tuple[str, ...]:
    out = []
    who = w.actor or "all traffic"
    if figures is not None:
        high = poisson_threshold(figures.expected, params.fusion.surge_p)
        if a_hyp in ("drawdown", "build-up", "rotation"):
            out.append(f"movements of {who} at {w.place} falling back to about {figures.expected:.0f} a week "
                       "(the baseline) would weaken this judgement")
        else:
            out.append(f"{high} or more movements of {who} at {w.place} in a week (baseline {figures.expected:.1f}) "
                       "would suggest a change")
    if a_hyp == "drawdown":
        out.append(f"imagery showing fewer aircraft or vehicles at {w.place}; departures to new destinations")
        out.append(f"arrivals at {w.place} from outside the actor's usual corridors would point to a build-up instead")
    elif a_hyp == "build-up":
        out.append(f"imagery showing more aircraft or vehicles at {w.place}; inbound corridors continuing")
    elif a_hyp == "rotation":
        out.append(f"new corridors to or from {w.place}, or imagery counts changing, would point to a drawdown "
                   "or build-up")
    else:
        out.append(f"new corridors to or from {w.place}, imagery counts changing, or claims of movements there")
    if coverage < days:
        out.append(f"receivers saw {w.place} on {coverage} of {days} days: more coverage would firm up the judgement")
    return tuple(out)


def evaluate(records: Records, fusion: Fusion, w: it.Window, params: AssessParams,
             grades: SourceGrades, statuses: dict[str, ClaimStatus] | None = None) -> tuple[Assessment, str | None]:
    """The assessment for one window, and the movements' state (strong|surge|drop|steady, None: no baseline)."""
    notes: list[str] = []
    if records.missing:
        notes.append("no " + ", ".join(records.missing) + " in this workspace: assessed without them")
    days = (w.last - w.first).days + 1
    coverage = it.coverage_days(records, w, ("air", "sea"))
    found: list[Item] = []
    figs: dict[str, it.Figures] = {}
    state: str | None = None
    air_figures: it.Figures | None = None
    for mode in ("air", "sea"):
        if mode not in records.modes_at.get(w.place, ()):
            continue
        got = it.movement_item(records, w, params, mode, it.coverage_days(records, w, (mode,)))
        if got is None:
            continue
        item, f, s = got
        if mode == "air":
            state, air_figures = s, f
        found.append(item)
        figs[str(len(found))] = f
    if state is None:
        notes.append("too few days of data before the window for a baseline of movements")
    extra: list[Item | None] = [it.corridor_item(records, w, params, state or "steady"),
                                it.dark_item(records, w, params), it.imagery_item(records, w, params, grades)]
    found += [x for x in extra if x is not None]
    found += it.alert_items(records, w, params)
    statuses = statuses if statuses is not None else {s.key: s for s in fusion.statuses}
    place = records.places.get(w.place)
    found += it.claim_items(records, w, params, statuses, fusion.tracks, grades, place.country if place else None)
    numbered = tuple(replace(x, item_id=f"E{i}") for i, x in enumerate(found, start=1))
    figures = {f"E{k}": v for k, v in figs.items()}
    prior = params.prior()
    probs = assess_items(prior, numbered, params.cap)
    hyp, p = leading(probs)
    phrase, band = icd203(p)
    conf, why = _confidence(numbered, coverage, days)
    chosen = chosen_items(numbered)
    a = Assessment(
        w.place, w.actor, w.last, w.first, w.last, hyp, p, phrase, band, conf, why, probs, prior, numbered, figures,
        frozenset(i.item_id for i in chosen.values()), group_ratios(numbered, params.cap),
        tuple(sensitivity(prior, numbered, params.cap, hyp)),
        _indicators(hyp, w, air_figures, coverage, days, params), tuple(notes),
    )
    return a, state


def timeline(records: Records, fusion: Fusion, place: str, actor: str | None, first: dt.date, last: dt.date,
             params: AssessParams, grades: SourceGrades) -> Iterator[Assessment]:
    """The assessment as of every day first..last, the baseline frozen at a change's onset (see module doc)."""
    onset: dt.date | None = None
    statuses = {s.key: s for s in fusion.statuses}
    d = first
    while d <= last:
        start = d - dt.timedelta(days=params.window_days - 1)
        end = (onset if onset is not None else start) - dt.timedelta(days=1)
        a, state = evaluate(records, fusion, it.Window(place, actor, start, d, end), params, grades, statuses)
        if onset is None and state in ("strong", "surge"):
            onset = start
        elif onset is not None and state in ("steady", "drop"):
            onset = None
        yield a
        d += dt.timedelta(days=1)


def subjects(records: Records) -> list[tuple[str, str | None]]:
    """(place, actor) pairs to assess: every place for all traffic; watched sites also per watched actor seen there."""
    out: list[tuple[str, str | None]] = [(p, None) for p in sorted(records.places)]
    for p in sorted(records.places):
        if records.places[p].watched:
            seen = sorted({m.actor for m in records.movements.get(p, ()) if m.actor is not None})
            out += [(p, a) for a in seen]
    return out


def assess_all(records: Records, fusion: Fusion, params: AssessParams, grades: SourceGrades | None = None,
               until: dt.date | None = None) -> list[Assessment]:
    grades = grades or SourceGrades.default()
    if records.first_day is None or records.last_day is None:
        return []
    last = min(until, records.last_day) if until else records.last_day
    out: list[Assessment] = []
    for place, actor in subjects(records):
        out.extend(timeline(records, fusion, place, actor, records.first_day, last, params, grades))
    return out
