"""Score extracted claims against gold claims with evidence spans (`basewatch claims eval`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from basewatch.claims.extractor import Extractor
from basewatch.claims.model import Claim
from basewatch.errors import InputFormatError


@dataclass(frozen=True)
class GoldClaim:
    file: str
    start: int
    end: int
    event: str
    certainty: str
    source_kind: str
    line: int


@dataclass(frozen=True)
class Scores:
    gold: int
    extracted: int
    matched: int  # gold claims with a matching extracted claim
    overlapping: int  # extracted claims that overlap any gold span
    event_ok: int
    certainty_ok: int
    source_ok: int
    # (field, gold label, extracted label) for every matched gold claim: the confusion matrices' cells
    pairs: tuple[tuple[str, str, str], ...] = field(default=(), compare=False)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    @property
    def recall(self) -> float:
        return self._ratio(self.matched, self.gold)

    @property
    def precision(self) -> float:
        return self._ratio(self.overlapping, self.extracted)

    @property
    def event(self) -> float:
        return self._ratio(self.event_ok, self.matched)

    @property
    def certainty(self) -> float:
        return self._ratio(self.certainty_ok, self.matched)

    @property
    def source(self) -> float:
        return self._ratio(self.source_ok, self.matched)

    def __add__(self, other: Scores) -> Scores:
        g, e, m, o, ev, ce, so = (a + b for a, b in zip(self.counts(), other.counts(), strict=True))
        return Scores(g, e, m, o, ev, ce, so, self.pairs + other.pairs)

    def confusion(self, name: str) -> dict[str, dict[str, int]]:
        """Gold label -> extracted label -> count over matched claims, for "event", "certainty" or "source"."""
        out: dict[str, dict[str, int]] = {}
        for f, gold, got in self.pairs:
            if f == name:
                row = out.setdefault(gold, {})
                row[got] = row.get(got, 0) + 1
        return out

    def counts(self) -> tuple[int, ...]:
        return (self.gold, self.extracted, self.matched, self.overlapping, self.event_ok, self.certainty_ok,
                self.source_ok)

    def as_json(self) -> dict[str, Any]:
        return {
            "recall": round(self.recall, 3), "precision": round(self.precision, 3), "event": round(self.event, 3),
            "certainty": round(self.certainty, 3), "source": round(self.source, 3), "gold": self.gold,
            "extracted": self.extracted, "matched": self.matched,
        }


CONFUSION_FIELDS: tuple[str, ...] = ("event", "certainty", "source")


def load_gold(path: Path) -> list[GoldClaim]:
    """Gold claims, one JSON object a line: file, start, end, event_class, certainty, source_kind."""
    out: list[GoldClaim] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputFormatError(path, f"cannot read: {exc.strerror or exc}") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            out.append(GoldClaim(str(obj["file"]), int(obj["start"]), int(obj["end"]),
                                 str(obj.get("event_class") or obj["event"]), str(obj["certainty"]),
                                 str(obj["source_kind"]), n))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputFormatError(path, f"bad gold claim: {exc}", n) from exc
    return out


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def score_file(gold: Sequence[GoldClaim], claims: Sequence[Claim]) -> Scores:
    """Match each gold claim to an extracted claim covering at least half of its evidence span.

    Among candidates the one not yet matched to another gold claim is preferred, then the largest overlap,
    then the earliest; labels never take part in the matching. Source agreement is source_kind equality.
    """
    used: set[int] = set()
    matched = event_ok = certainty_ok = source_ok = 0
    pairs: list[tuple[str, str, str]] = []
    for g in gold:
        need = (g.end - g.start) / 2
        candidates = [
            (i in used, -_overlap(c.start, c.end, g.start, g.end), i)
            for i, c in enumerate(claims)
            if _overlap(c.start, c.end, g.start, g.end) >= need and _overlap(c.start, c.end, g.start, g.end) > 0
        ]
        if not candidates:
            continue
        _, _, best = min(candidates)
        used.add(best)
        c = claims[best]
        matched += 1
        event_ok += c.event == g.event
        certainty_ok += c.certainty == g.certainty
        source_ok += c.source_kind == g.source_kind
        pairs += [("event", g.event, c.event), ("certainty", g.certainty, c.certainty),
                  ("source", g.source_kind, c.source_kind)]
    overlapping = sum(1 for c in claims if any(_overlap(c.start, c.end, g.start, g.end) > 0 for g in gold))
    return Scores(len(gold), len(claims), matched, overlapping, event_ok, certainty_ok, source_ok, tuple(pairs))


def evaluate_dir(gold_path: Path, directory: Path, extractor: Extractor) -> tuple[dict[str, Scores], Scores]:
    """Extract claims from every file the gold names (in directory) and score them, per file and in total."""
    from basewatch.reports.ingest import document
    from basewatch.reports.readers import read_reports

    gold = load_gold(gold_path)
    per_file: dict[str, Scores] = {}
    for name in sorted({g.file for g in gold}):
        path = directory / name
        if not path.exists():
            raise InputFormatError(gold_path, f"gold names {name!r}, which is not in {directory}")
        claims = [c for r in read_reports(path) for c in extractor.extract(document(r))]
        per_file[name] = score_file([g for g in gold if g.file == name], claims)
    total = Scores(0, 0, 0, 0, 0, 0, 0)
    for s in per_file.values():
        total = total + s
    return per_file, total
