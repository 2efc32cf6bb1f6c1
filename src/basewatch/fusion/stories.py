"""Re-reports of one story count once: claims that share an origin are grouped.

Two claims share an origin when they make the same kind of claim (event and certainty) about the same
places and either (a) name the same source (the same wire, the same ministry, the same imagery
provider: one entry of the grading table, or the same words), or (b) say nearly the same words (at
least `min_overlap` of their distinct words in common, Jaccard). Groups are closed transitively; a
group's id is its first claim's key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from basewatch.claims.grading import SourceGrades
from basewatch.fusion.records import StoredClaim

_WORD = re.compile(r"[a-z0-9]+")
_ANONYMOUS = {"reporter", "officials", "sources", "reports"}


def canonical_source(source: str, grades: SourceGrades) -> str:
    entry = grades.entry(source)
    return entry.name if entry is not None else " ".join(_WORD.findall(source.lower()))


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _topic(c: StoredClaim) -> tuple[str, str, tuple[str, ...]]:
    return c.event, c.certainty, tuple(sorted(c.site_ids)) or tuple(sorted(c.countries))


def group_stories(claims: Sequence[StoredClaim], grades: SourceGrades, min_overlap: float = 0.7) -> dict[str, str]:
    """Claim key -> story id (the key of the story's first claim)."""
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sources = [canonical_source(c.source, grades) for c in claims]
    words = [_words(c.text) for c in claims]
    by_topic: dict[tuple[str, str, tuple[str, ...]], list[int]] = {}
    for i, c in enumerate(claims):
        by_topic.setdefault(_topic(c), []).append(i)
    for members in by_topic.values():       # only claims of one topic can share an origin
        first_of_source: dict[str, int] = {}
        for n, i in enumerate(members):
            src = sources[i]
            if src not in _ANONYMOUS:
                j = first_of_source.setdefault(src, i)
                if claims[j].report_id != claims[i].report_id:
                    parent[find(i)] = find(j)
            for j in members[:n]:
                if claims[i].report_id != claims[j].report_id and jaccard(words[i], words[j]) >= min_overlap:
                    parent[find(i)] = find(j)
    return {c.key: claims[find(i)].key for i, c in enumerate(claims)}
