"""Admiralty-code source reliability (A-F) from a configurable table; credibility (1-6) comes from fusion."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from basewatch.errors import GradingError

RELIABILITY = ("A", "B", "C", "D", "E", "F")
ENV_GRADES = "BASEWATCH_SOURCE_GRADES"
UNKNOWN = "F"  # cannot be judged
CREDIBILITY_UNJUDGED = 6


@dataclass(frozen=True)
class SourceGrade:
    name: str
    aliases: tuple[str, ...]
    reliability: str


@dataclass(frozen=True)
class SourceGrades:
    """Sources by name and aliases (whole words, any case); later entries override earlier ones."""

    grades: tuple[SourceGrade, ...]
    kinds: tuple[tuple[str, str], ...] = ()  # optional fallback by source kind, set by users

    @staticmethod
    def default() -> SourceGrades:
        text = (resources.files("basewatch.claims") / "sources.toml").read_text(encoding="utf-8")
        base = parse_grades(text, "<package sources.toml>")
        override = os.environ.get(ENV_GRADES)
        return base.with_overrides(load_grades(Path(override))) if override else base

    def with_overrides(self, other: SourceGrades) -> SourceGrades:
        return SourceGrades(self.grades + other.grades, self.kinds + other.kinds)

    @cached_property
    def _patterns(self) -> tuple[tuple[re.Pattern[str], SourceGrade], ...]:
        """One pattern per source (name or any alias, whole words), the later entries first."""
        return tuple(
            (re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in (g.name, *g.aliases)) + r")(?!\w)",
                        re.IGNORECASE), g)
            for g in reversed(self.grades)
        )

    def entry(self, source: str) -> SourceGrade | None:
        """The table entry naming this source ("CENTCOM" and "US Central Command" are one entry)."""
        for pattern, grade in self._patterns:
            if pattern.search(source):
                return grade
        return None

    def reliability(self, source: str, kind: str | None = None) -> str:
        found = self.entry(source)
        if found is not None:
            return found.reliability
        for k, r in reversed(self.kinds):
            if k == kind:
                return r
        return UNKNOWN


def load_grades(path: Path) -> SourceGrades:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GradingError(f"{path}: cannot read source grades: {exc}") from exc
    return parse_grades(text, str(path))


def parse_grades(text: str, origin: str) -> SourceGrades:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GradingError(f"{origin}: not valid TOML: {exc}") from exc
    grades: list[SourceGrade] = []
    for i, entry in enumerate(doc.get("sources", [])):
        where = f"{origin}: sources[{i}]"
        name, rel = entry.get("name"), entry.get("reliability")
        aliases = entry.get("aliases", [])
        if not isinstance(name, str) or not name.strip():
            raise GradingError(f"{where}: 'name' must be a non-empty string")
        if rel not in RELIABILITY:
            raise GradingError(f"{where} ({name}): 'reliability' must be one of A-F, got {rel!r}")
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise GradingError(f"{where} ({name}): 'aliases' must be a list of strings")
        grades.append(SourceGrade(name, tuple(aliases), rel))
    kinds_raw = doc.get("kinds", {})
    if not isinstance(kinds_raw, dict) or not all(v in RELIABILITY for v in kinds_raw.values()):
        raise GradingError(f"{origin}: [kinds] must map source kinds to A-F")
    return SourceGrades(tuple(grades), tuple((str(k), str(v)) for k, v in kinds_raw.items()))
