"""STIX 2.1 export of assessments and their evidence (the `stix2` library), for threat-intelligence platforms.

Per assessment: a `report` (the judgement: its ICD 203 words, likelihood and confidence), the
`location` of its place, and one `note` per evidence item (its text, ratios and the basewatch record
ids it rests on as external references). Ids are UUIDv5 of basewatch's own ids and times come from
the assessment's day, so the same workspace gives the same bundle. basewatch's figures ride along
as `x_basewatch_*` custom properties.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

NAMESPACE = uuid.UUID("6f7b0e55-3c1a-4d8e-9a51-b45e1c0c2a11")
CONFIDENCE = {"low": 15, "moderate": 50, "high": 85}   # STIX 2.1 appendix A, low/med/high scale


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, key)}"


def _time(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(23, 59, 59), tzinfo=dt.UTC)


def bundle(assessments: Sequence[dict[str, Any]], places: dict[str, tuple[str, float | None, float | None]]) -> str:
    """A STIX 2.1 bundle (JSON text) of the assessments (as returned by basewatch.fusion.api.assessments).
    `places`: place id -> (name, lat, lon)."""
    import stix2

    identity = stix2.Identity(id=_id("identity", "basewatch"), name="basewatch", identity_class="system",
                              created=_time("2024-01-01"), modified=_time("2024-01-01"))
    objects: list[Any] = [identity]
    locations: dict[str, Any] = {}
    for a in assessments:
        when = _time(a["as_of"])
        place = a["site"]
        if place not in locations:
            name, lat, lon = places.get(place, (place, None, None))
            loc: dict[str, Any] = {"id": _id("location", place), "name": name, "created": when, "modified": when,
                                   "created_by_ref": identity.id, "allow_custom": True, "x_basewatch_place": place}
            if lat is not None and lon is not None:
                loc.update(latitude=lat, longitude=lon)
            else:
                loc.update(region="unknown")
            locations[place] = stix2.Location(**loc)
            objects.append(locations[place])
        notes = []
        for e in a["evidence"]:
            refs = [stix2.ExternalReference(source_name="basewatch", external_id=f"{r['kind']}:{r['id']}")
                    for r in e["refs"]]
            notes.append(stix2.Note(
                id=_id("note", f"{a['id']}|{e['id']}"), created=when, modified=when, created_by_ref=identity.id,
                abstract=f"{e['id']} ({e['kind']}{', used' if e['used'] else ''})", content=e["text"],
                object_refs=[locations[place].id], external_references=refs or None, allow_custom=True,
                x_basewatch_lr=e["lr"], x_basewatch_weight=e["weight"], x_basewatch_group=e["group"],
                x_basewatch_contribution=e["contribution"]))
        objects.extend(notes)
        objects.append(stix2.Report(
            id=_id("report", a["id"]), created=when, modified=when, published=when, created_by_ref=identity.id,
            name=f"{place}: {a['hypothesis_words'] if 'hypothesis_words' in a else a['hypothesis']} - {a['words']} "
                 f"({a['band'][0]}-{a['band'][1]} %)",
            description=(f"ICD 203 judgement as of {a['as_of']} over {a['window']['start']}..{a['window']['end']}: "
                         f"{a['hypothesis']} {a['words']} (likelihood {a['likelihood']:.2f}); confidence "
                         f"{a['confidence']} ({a['confidence_why']})."),
            report_types=["threat-report"], confidence=CONFIDENCE[a["confidence"]],
            object_refs=[locations[place].id, *[n.id for n in notes]], allow_custom=True,
            x_basewatch_hypothesis=a["hypothesis"], x_basewatch_likelihood=a["likelihood"],
            x_basewatch_words=a["words"], x_basewatch_probabilities=a["probabilities"],
            x_basewatch_actor=a["actor"], x_basewatch_indicators=a["indicators"]))
    key = "|".join(a["id"] for a in assessments)
    out: str = stix2.Bundle(id=_id("bundle", key), objects=objects, allow_custom=True).serialize(pretty=False)
    return out
