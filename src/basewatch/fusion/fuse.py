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


def _corroborated_elsewhere(c: StoredClaim, s: ClaimStatus, claims: Sequence[StoredClaim],
                            by_key: dict[str, ClaimStatus]) -> bool:
    """Another story (not a re-report of this one) making the same claim about a shared place is corroborated."""
    for o in claims:
        st = by_key[o.key]
        if st.story == s.story or o.event != c.event or st.status != "corroborated":
            continue
        if set(st.places) & set(s.places):
            return True
    return False


def fuse(records: Records, params: FusionParams, grades: SourceGrades | None = None) -> Fusion:
    grades = grades or SourceGrades.default()
    claims = records.claims
    stories = group_stories(claims, grades)
    first = [decide(c, link_claim(c, records, params), records, params, reliability(c, grades), stories[c.key])
             for c in claims]
    by_key = {s.key: s for s in first}
    final = tuple(replace(s, credibility=credibility(s, _corroborated_elsewhere(c, s, claims, by_key)))
                  for c, s in zip(claims, first, strict=True))
    tracks = track_records(claims, {s.key: s.status for s in final}, stories, grades)
    return Fusion(final, tracks, records.missing)
