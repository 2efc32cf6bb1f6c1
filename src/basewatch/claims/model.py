"""Frozen records of a claim: the span, what happened, where, who says so, how sure, when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

EventClass = Literal["withdrawal", "deployment", "transport", "basing", "strike", "other"]
SourceKind = Literal["official", "intelligence", "imagery", "tracking", "media", "expert", "anonymous", "reporter"]
Certainty = Literal["asserted", "hedged", "denied"]

EVENT_CLASSES: tuple[str, ...] = ("withdrawal", "deployment", "transport", "basing", "strike", "other")
SOURCE_KINDS: tuple[str, ...] = (
    "official", "intelligence", "imagery", "tracking", "media", "expert", "anonymous", "reporter",
)
CERTAINTIES: tuple[str, ...] = ("asserted", "hedged", "denied")


@dataclass(frozen=True)
class PlaceRef:
    """A place as written in the text, resolved to a watched site and/or a country where possible."""

    name: str
    start: int
    end: int
    kind: Literal["site", "country", "city", "region"]
    site_id: str | None = None
    country: str | None = None  # ISO 3166 alpha-2

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "site_id": self.site_id, "country": self.country, "kind": self.kind}


@dataclass(frozen=True)
class DateRange:
    """A resolved time expression: an inclusive range of days (start == end for a single day)."""

    start: dt.date
    end: dt.date
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "text": self.text}


@dataclass(frozen=True)
class ClaimWhy:
    """The words that decided each field, so an analyst can see why a claim was called hedged or withdrawal.

    event: the triggers of the chosen class (or how it was inherited: "story: withdrawal", "previous claim");
    certainty: hedge or denial cues of the main clause (empty: asserted); source: the attribution cue
    ("said", "according to", "showed", "quoted ... as saying"), with "coreference" when a pronoun was resolved.
    """

    event: tuple[str, ...] = ()
    certainty: tuple[str, ...] = ()
    source: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"event": list(self.event), "certainty": list(self.certainty), "source": list(self.source)}


@dataclass(frozen=True)
class Claim:
    text: str
    start: int  # character offsets (Python str indices) into the report text
    end: int
    event: EventClass
    actors: tuple[str, ...]
    places: tuple[PlaceRef, ...]
    source: str
    source_kind: SourceKind
    certainty: Certainty
    date: DateRange | None = None
    reliability: str = "F"  # Admiralty code A-F for the source (F = cannot be judged)
    credibility: int = 6  # Admiralty code 1-6 for the information (6 = cannot be judged; fusion fills it)
    why: ClaimWhy | None = None  # cue words behind event, certainty and source (None: not recorded)

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "event": self.event,
            "actors": list(self.actors),
            "places": [p.as_json() for p in self.places],
            "source": self.source,
            "source_kind": self.source_kind,
            "certainty": self.certainty,
            "date": self.date.as_json() if self.date else None,
            "reliability": self.reliability,
            "credibility": self.credibility,
            "why": self.why.as_json() if self.why else None,
        }
