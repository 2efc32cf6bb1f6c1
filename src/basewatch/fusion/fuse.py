"""Fuse every stored claim with the sensor records: statuses, stories, credibility, track records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from basewatch.claims.grading import SourceGrades
from basewatch.fusion.link import link_claim
from basewatch.fusion.params import FusionParams
from basewatch.fusion.records import Records, StoredClaim
from basewatch.fusion.sources import TrackRecord, reliability, track_records
from basewatch.fusion.status import ClaimStatus, credibility, decide
from basewatch.fusion.stories import group_stories


@dataclass(frozen=True)
class Fusion:
    statuses: tuple[ClaimStatus, ...]
    tracks: dict[str, TrackRecord]
    missing: tuple[str, ...]        # optional inputs this workspace lacks (e.g. alerts)


def _corroborating_stories(claims: Sequence[StoredClaim], by_key: dict[str, ClaimStatus]
                           ) -> dict[tuple[str, str], set[str]]:
    """(event, place) -> the stories with a corroborated claim of that event there."""
    out: dict[tuple[str, str], set[str]] = {}
    for c in claims:
        st = by_key[c.key]
        if st.status == "corroborated":
            for p in st.places:
                out.setdefault((c.event, p), set()).add(st.story)
    return out


def _corroborated_elsewhere(c: StoredClaim, s: ClaimStatus, index: dict[tuple[str, str], set[str]]) -> bool:
    """Another story (not a re-report of this one) making the same claim about a shared place is corroborated."""
    return any(index.get((c.event, p), set()) - {s.story} for p in s.places)


def fuse(records: Records, params: FusionParams, grades: SourceGrades | None = None) -> Fusion:
    grades = grades or SourceGrades.default()
    claims = records.claims
    stories = group_stories(claims, grades)
    first = [decide(c, link_claim(c, records, params), records, params, reliability(c, grades), stories[c.key])
             for c in claims]
    by_key = {s.key: s for s in first}
    index = _corroborating_stories(claims, by_key)
    final = tuple(replace(s, credibility=credibility(s, _corroborated_elsewhere(c, s, index)))
                  for c, s in zip(claims, first, strict=True))
    tracks = track_records(claims, {s.key: s.status for s in final}, stories, grades)
    return Fusion(final, tracks, records.missing)
