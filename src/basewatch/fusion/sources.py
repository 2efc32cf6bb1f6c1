"""Admiralty reliability per source (the grading table, user-overridable) and each source's track record."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from basewatch.claims.grading import UNKNOWN, SourceGrades
from basewatch.fusion.records import StoredClaim
from basewatch.fusion.stories import canonical_source

_SELF = {"reporter", "media"}  # the outlet's own reporting: graded as its publisher


def reliability(claim: StoredClaim, grades: SourceGrades) -> str:
    """The claim's source graded with today's table (so an analyst's override applies to stored claims);
    a report's own unattributed statements take its publisher's grade."""
    grade = grades.reliability(claim.source, claim.source_kind)
    if grade == UNKNOWN and claim.publisher and claim.source.strip().lower() in _SELF:
        grade = grades.reliability(claim.publisher, claim.source_kind)
    return grade


@dataclass(frozen=True)
class TrackRecord:
    source: str
    reliability: str
    claims: int
    stories: int
    corroborated: int
    contradicted: int
    unverified: int
    not_checkable: int

    def factor(self) -> float:
        """Laplace-smoothed share of checked stories that held, scaled to (0.5, 1]: a source often
        contradicted weighs less; a source never checked keeps its grade (factor 1)."""
        checked = self.corroborated + self.contradicted
        if checked == 0:
            return 1.0
        held = (self.corroborated + 1) / (checked + 2)
        return min(1.0, 0.5 + held)


def track_records(claims: Sequence[StoredClaim], statuses: Mapping[str, str], stories: Mapping[str, str],
                  grades: SourceGrades) -> dict[str, TrackRecord]:
    """Per canonical source: its claims and, counting each story once, how its checked stories fared."""
    by_source: dict[str, list[StoredClaim]] = {}
    for c in claims:
        by_source.setdefault(canonical_source(c.source, grades), []).append(c)
    out = {}
    for source, items in sorted(by_source.items()):
        per_story: dict[str, str] = {}
        for c in items:
            per_story.setdefault(stories[c.key], statuses[c.key])
        n = Counter(per_story.values())
        out[source] = TrackRecord(source, reliability(items[0], grades), len(items), len(per_story),
                                  n["corroborated"], n["contradicted"], n["unverified"], n["not-checkable"])
    return out
