"""Likelihoods computed openly: prior odds times likelihood ratios, each discounted, grouped and capped.

Every hypothesis H (drawdown, build-up, rotation) is weighed against the reference "no change" N.
An evidence item states, for each H, how much more likely it is under H than under N (its ratio
`lr[H]`). Its source's reliability discounts it: the ratio is raised to the source's weight
(w = 1 keeps it, w -> 0 makes it 1, no evidence). Correlated items share a group (re-reports of one
story, an alert and the flight counts it was computed from): a group counts once, through its
strongest item. Each group's ratio is then capped to [1/cap, cap]. Finally

    odds(H) = prior(H) / prior(N) * product over groups of lr_g(H),   odds(N) = 1,
    P(H) = odds(H) / sum of all odds.

The probability of the leading hypothesis is put in words with the ICD 203 bands.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from basewatch.fusion.params import HYPOTHESES

REFERENCE = "no-change"
ALTERNATIVES: tuple[str, ...] = tuple(h for h in HYPOTHESES if h != REFERENCE)

# ICD 203 (2015), section D.6.a: (upper bound, phrase, band as printed).
ICD203_BANDS: tuple[tuple[float, str, tuple[int, int]], ...] = (
    (0.05, "almost no chance", (1, 5)),
    (0.20, "very unlikely", (5, 20)),
    (0.45, "unlikely", (20, 45)),
    (0.55, "roughly even chance", (45, 55)),
    (0.80, "likely", (55, 80)),
    (0.95, "very likely", (80, 95)),
    (1.01, "almost certain", (95, 99)),
)


@dataclass(frozen=True)
class Ref:
    """A stored record an item rests on: kind (flight, port_call, alert, claim, observation, ...) and id."""

    kind: str
    id: str


@dataclass(frozen=True)
class Item:
    """One piece of evidence for an assessment, with its ratios before discounting."""

    item_id: str
    kind: str                              # movements | corridors | alert | port-calls | dark | imagery | claim
    group: str                             # correlated items share a group
    text: str                              # what it is, in words
    lr: tuple[tuple[str, float], ...]      # (hypothesis, ratio against no change) for each alternative
    weight: float                          # discount exponent in (0, 1]
    reliability: str                       # Admiralty letter of its source, or "sensor"
    refs: tuple[Ref, ...] = ()

    def ratio(self, hypothesis: str) -> float:
        return dict(self.lr).get(hypothesis, 1.0)

    def discounted(self) -> dict[str, float]:
        return {h: self.ratio(h) ** self.weight for h in ALTERNATIVES}

    def strength(self) -> float:
        return max(abs(math.log(v)) for v in self.discounted().values())


def icd203(p: float) -> tuple[str, tuple[int, int]]:
    """The ICD 203 phrase and band (percent) for a probability."""
    for upper, phrase, band in ICD203_BANDS:
        if p < upper or (phrase == "roughly even chance" and p <= upper):
            return phrase, band
    return ICD203_BANDS[-1][1], ICD203_BANDS[-1][2]


def capped(value: float, cap: float) -> float:
    return min(max(value, 1.0 / cap), cap)


def chosen_items(items: Iterable[Item]) -> dict[str, Item]:
    """The item that speaks for each group: the strongest after discounting (ties: the first id)."""
    best: dict[str, Item] = {}
    for it in sorted(items, key=lambda i: i.item_id):
        cur = best.get(it.group)
        if cur is None or it.strength() > cur.strength() + 1e-12:
            best[it.group] = it
    return best


def group_ratios(items: Iterable[Item], cap: float) -> dict[str, dict[str, float]]:
    """Group -> hypothesis -> discounted, capped ratio of the group's chosen item."""
    return {g: {h: capped(v, cap) for h, v in it.discounted().items()} for g, it in chosen_items(items).items()}


def posterior(prior: Mapping[str, float], ratios: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """P(H) for every hypothesis from the prior and the groups' ratios (see the module docstring)."""
    odds = {h: prior[h] / prior[REFERENCE] for h in ALTERNATIVES}
    for r in ratios:
        for h in ALTERNATIVES:
            odds[h] *= r.get(h, 1.0)
    total = 1.0 + sum(odds.values())
    out = {h: odds[h] / total for h in ALTERNATIVES}
    out[REFERENCE] = 1.0 / total
    return out


def leading(probs: Mapping[str, float]) -> tuple[str, float]:
    """The most probable hypothesis (ties go to the order of HYPOTHESES, no change last)."""
    best = max(HYPOTHESES, key=lambda h: (probs[h], -HYPOTHESES.index(h)))
    return best, probs[best]


def assess_items(prior: Mapping[str, float], items: Sequence[Item], cap: float) -> dict[str, float]:
    return posterior(prior, group_ratios(items, cap).values())


@dataclass(frozen=True)
class Sensitivity:
    """What the judgement would be without one group of evidence."""

    group: str
    item_id: str
    hypothesis: str
    probability: float
    words: str


def sensitivity(prior: Mapping[str, float], items: Sequence[Item], cap: float, hypothesis: str) -> list[Sensitivity]:
    """For each group: P(hypothesis) and its words with that group removed, largest change first."""
    chosen = chosen_items(items)
    base = assess_items(prior, items, cap)[hypothesis]
    out = []
    for g, it in chosen.items():
        p = assess_items(prior, [i for i in items if i.group != g], cap)[hypothesis]
        out.append(Sensitivity(g, it.item_id, hypothesis, p, icd203(p)[0]))
    out.sort(key=lambda s: (-abs(s.probability - base), s.item_id))
    return out
