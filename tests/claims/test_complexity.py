"""Claim extraction does work linear in the size of the text, whatever its shape (issue 17).

Work is counted, not timed: every Python function call and every call into C (dict lookups, string
methods, regular-expression calls) made while extracting, plus the characters handed to the regular-
expression engine. Doubling the text must cost less than three times the work. The shapes are the
fuzzing reproducers (a report in capitals, a run of dots) and other texts built to stress one part each:
one endless sentence, capitalised phrases without end, abbreviations, quotations, whitespace runs.

What the counter cannot see is backtracking inside a single regular-expression call; the patterns bound
every quantifier that can fail to continue, and benchmarks/bench_claims.py times 1 MB texts by the clock.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from basewatch.claims import actors, attribution, certainty, dates, discourse, events, extractor, places, sentences
from basewatch.claims.extractor import Document, RuleExtractor
from tests.conftest import shared_file

BASE_SIZE = 12_000
MODULES = (actors, attribution, certainty, dates, discourse, events, extractor, places, sentences)
PROSE = (
    "Russia has begun withdrawing troops and equipment from the Khmeimim air base in Syria, US officials said on "
    "Tuesday. Satellite images seen by Reuters show Il-76 transport aircraft at Hmeimim and ships loading at "
    "Tartus. \"The drawdown is significant,\" a senior official said, according to two people familiar with it. "
    "Some of the aircraft were flown to al-Khadim and Benina in eastern Libya last week.\n"
)


@dataclass
class Work:
    calls: int = 0
    regex_chars: int = 0

    @property
    def total(self) -> int:
        return self.calls + self.regex_chars


class _CountingPattern:
    """A compiled pattern that adds the length of every string it is given to the work."""

    def __init__(self, pattern: re.Pattern[str], work: Work) -> None:
        self._pattern, self._work = pattern, work

    def _wrap(self, name: str) -> Callable[..., Any]:
        method = getattr(self._pattern, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            text = args[1] if name in ("sub", "subn") else args[0] if args else kwargs.get("string", "")
            self._work.regex_chars += len(text) if isinstance(text, str) else 0
            return method(*args, **kwargs)

        return call

    def __getattr__(self, name: str) -> Any:
        if name in ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"):
            return self._wrap(name)
        return getattr(self._pattern, name)


def _counted(value: Any, work: Work) -> Any:
    """Patterns (also inside tuples, lists and dicts, two levels deep) replaced by counting ones."""
    if isinstance(value, re.Pattern):
        return _CountingPattern(value, work)
    if isinstance(value, tuple):
        return tuple(_counted(v, work) for v in value)
    if isinstance(value, list):
        return [_counted(v, work) for v in value]
    if isinstance(value, dict):
        return {k: _counted(v, work) for k, v in value.items()}
    return value


def _has_pattern(value: Any, depth: int = 3) -> bool:
    if isinstance(value, re.Pattern):
        return True
    if depth == 0:
        return False
    if isinstance(value, tuple | list):
        return any(_has_pattern(v, depth - 1) for v in value)
    if isinstance(value, dict):
        return any(_has_pattern(v, depth - 1) for v in value.values())
    return False


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch, ex: RuleExtractor) -> Iterator[Work]:
    work = Work()
    for module in MODULES:
        for name, value in list(vars(module).items()):
            if _has_pattern(value):
                monkeypatch.setattr(module, name, _counted(value, work))
    for module_fn in ("search", "match", "fullmatch", "finditer", "findall", "sub", "split"):
        original = getattr(re, module_fn)

        def counted_fn(pattern: Any, *args: Any, _f: Any = original, _n: str = module_fn, **kw: Any) -> Any:
            text = args[1] if _n == "sub" else args[0]
            work.regex_chars += len(text) if isinstance(text, str) else 0
            return _f(pattern, *args, **kw)

        monkeypatch.setattr(re, module_fn, counted_fn)
    for holder in (ex._gazetteer, ex._actors):
        for name, value in vars(holder).items():
            if isinstance(value, re.Pattern):
                monkeypatch.setattr(holder, name, _CountingPattern(value, work))

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event in ("call", "c_call"):
            work.calls += 1

    sys.setprofile(profile)
    try:
        yield work
    finally:
        sys.setprofile(None)


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _shapes() -> dict[str, Callable[[int], str]]:
    def caps_report(n: int) -> str:
        text = shared_file("bad-inputs/17_report_allcaps_4000_words.txt").read_text()
        return _repeat(text.upper(), n)

    def dots(n: int) -> str:
        text = shared_file("bad-inputs/18_report_100k_dots.txt").read_text()
        cut = text.index("....")
        return text[:cut] + "." * (n - cut)

    return {
        "capitals report (17)": caps_report,
        "run of dots (18)": dots,
        "prose": lambda n: _repeat(PROSE, n),
        "one endless sentence": lambda n: _repeat("russian forces withdrew from the base said officials according "
                                                  "to sources and troops were seen by residents ", n),
        "capitalised phrase": lambda n: _repeat("Al Khadim Benina Tobruk Russia Syria Libya United States ", n),
        "abbreviations": lambda n: _repeat("U.S. Gen. J. Smith said. ", n),
        "quotations": lambda n: _repeat('"The troops left," he said. "They are gone." ', n),
        "whitespace run": lambda n: "According to" + " " * n + " officials said the troops left.",
        "no spaces": lambda n: _repeat("RussiaWithdrewTroops", n),
    }


SHAPES = _shapes()


@pytest.mark.parametrize("shape", list(SHAPES))
def test_twice_the_text_costs_less_than_three_times_the_work(
    shape: str, extractor: RuleExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    make = SHAPES[shape]
    small, large = make(BASE_SIZE), make(2 * BASE_SIZE)
    extractor.extract(Document(small))  # caches and lazy tables filled before counting
    with monkeypatch.context() as mp, counting(mp, extractor) as work_small:
        extractor.extract(Document(small))
    with monkeypatch.context() as mp, counting(mp, extractor) as work_large:
        extractor.extract(Document(large))
    assert work_small.total > len(small) // 10  # the counter sees the work at all
    ratio = work_large.total / work_small.total
    assert ratio < 3.0, f"{shape}: {work_small.total:,} -> {work_large.total:,} operations (x{ratio:.2f})"


def test_the_counter_sees_quadratic_work(monkeypatch: pytest.MonkeyPatch, extractor: RuleExtractor) -> None:
    """The instrument itself: a deliberately quadratic step (every word against every later word) is caught."""

    def quadratic_find(text: str, offset: int = 0) -> tuple[()]:
        words = text.split()
        for i in range(len(words)):
            for j in range(i, len(words)):
                words[j].lower()
        return ()

    one_sentence = PROSE.replace("\n", " ").replace(". ", " and ")
    counts = []
    for size in (10_000, 20_000):
        with monkeypatch.context() as mp:
            mp.setattr(extractor._gazetteer, "find", quadratic_find)
            with counting(mp, extractor) as work:
                extractor.extract(Document(_repeat(one_sentence, size)))
            counts.append(work.total)
    assert counts[1] / counts[0] > 3.0
