"""Assessments and claim statuses as plain JSON (stored in the tables, printed by `--format json`)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from basewatch.fusion.assess import Assessment
from basewatch.fusion.likelihood import Item
from basewatch.fusion.params import HYPOTHESIS_WORDS
from basewatch.fusion.status import ClaimStatus


def _day(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def item_json(a: Assessment, i: Item) -> dict[str, Any]:
    used = i.item_id in a.used
    ratios = a.ratios.get(i.group, {}) if used else {}
    f = a.figures.get(i.item_id)
    out: dict[str, Any] = {
        "id": i.item_id, "kind": i.kind, "group": i.group, "text": i.text, "reliability": i.reliability,
        "weight": round(i.weight, 6), "lr": dict(i.lr),
        "discounted": {h: round(v, 6) for h, v in i.discounted().items()},
        "used": used, "capped": {h: round(v, 6) for h, v in ratios.items()},
        "contribution": {h: round(math.log10(v), 4) for h, v in ratios.items()},
        "refs": [{"kind": r.kind, "id": r.id} for r in i.refs],
    }
    if f is not None:
        out["figures"] = {"observed": f.observed, "expected": round(f.expected, 6),
                          "baseline_first": _day(f.baseline_first), "baseline_last": _day(f.baseline_last),
                          "baseline_count": f.baseline_count, "p_more": f.p_more, "p_less": f.p_less}
    return out


def assessment_json(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.assessment_id, "site": a.place, "actor": a.actor, "as_of": a.as_of.isoformat(),
        "window": {"start": a.first.isoformat(), "end": a.last.isoformat()},
        "hypothesis": a.hypothesis, "hypothesis_words": HYPOTHESIS_WORDS[a.hypothesis],
        "likelihood": round(a.likelihood, 6), "words": a.words, "band": list(a.band), "judgement": a.judgement,
        "confidence": a.confidence, "confidence_why": a.confidence_why,
        "probabilities": {h: round(p, 6) for h, p in a.probabilities.items()},
        "prior": {h: round(p, 6) for h, p in a.prior.items()},
        "evidence": [item_json(a, i) for i in a.items],
        "sensitivity": [{"remove": s.item_id, "group": s.group, "hypothesis": s.hypothesis,
                         "likelihood": round(s.probability, 6), "words": s.words} for s in a.sensitivity],
        "indicators": list(a.indicators), "notes": list(a.notes),
    }


def status_json(s: ClaimStatus) -> dict[str, Any]:
    return {
        "claim": s.key, "report_id": s.report_id, "claim_no": s.claim_no, "status": s.status,
        "credibility": s.credibility, "reliability": s.reliability, "story": s.story,
        "window": {"start": _day(s.first), "end": _day(s.last), "how": s.widened}, "places": list(s.places),
        "observed": s.observed, "expected": s.expected, "p_value": s.p_value, "covered_days": s.covered_days,
        "evidence": [{"kind": r.kind, "id": r.id} for r in s.evidence], "why": s.why,
    }
