"""Split a report's text into sentences with exact character offsets, paragraphs and quotations."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence may end after . ! ? (plus closing quotes or brackets) when whitespace and a capital,
# a digit or an opening quote follow.
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
_ABBREV_WORDS = (
    "mr mrs ms dr gen col lt capt cpt sgt maj adm rear vice st no nos inc corp ltd co vs etc jan feb mar apr "
    "jun jul aug sep sept oct nov dec rep sen gov pres prof fig approx est dept min brig cmdr cdr"
)
_ABBREV = frozenset(_ABBREV_WORDS.split())
_QUOTES = "\"“”"
_ABBREV_MAX = 24
_ABBREV_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int  # index of the paragraph (line or block) the sentence is in
    quote_group: int | None  # sentences of one multi-sentence quotation share an id
    inside_quote: bool  # the sentence begins inside an open quotation
    headline: bool  # a line without closing punctuation (a title or a heading)


def _is_abbreviation(line: str, dot: int) -> bool:
    """True when the period at line[dot] ends an abbreviation ("Jan.", "U.S.", "Gen.") not a sentence.

    Looks back at most _ABBREV_MAX characters: a run of letters and dots longer than that is no
    abbreviation (and scanning it for every period would make a line of dots quadratic)."""
    if line[dot] != ".":
        return False
    start = dot
    while start > 0 and dot - start <= _ABBREV_MAX and line[start - 1] in _ABBREV_CHARS:
        start -= 1
    if start == dot or dot - start > _ABBREV_MAX:
        return False
    word = line[start:dot]
    if word.lower().strip(".") in _ABBREV:
        return True
    if "." in word:
        return True  # dotted abbreviations: "U.S.", "M.S.S."
    # an initial ("J. Smith", "Austin S. Miller"), but not a one-letter name after a lower-case word
    # ("he wrote on X. Ukraine's ...", "Plan B. The ..."): an initial follows a name, a title or nothing
    return len(word) == 1 and not _after_lower_word(line, start)


def _after_lower_word(line: str, start: int) -> bool:
    """The word before line[start] begins with a lower-case letter ("on", "via", "plan")."""
    i = start - 1
    while i >= 0 and line[i] == " ":
        i -= 1
    j = i
    while j >= 0 and j > i - _ABBREV_MAX and line[j].isalpha():
        j -= 1
    return j < i and line[j + 1].islower() and line[j + 1:i + 1] not in _INITIAL_AFTER


# lower-case words an initial may follow ("said J. Smith", "by A. Jones")
_INITIAL_AFTER = frozenset(("said", "says", "by", "and", "told", "wrote", "with", "from", "of", "to", "de", "van",
                            "von", "al", "bin", "ibn"))


def _line_spans(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _BOUNDARY.finditer(line):
        if _is_abbreviation(line, m.start()):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
    spans.append((begin, len(line)))
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _headline(text: str) -> bool:
    stripped = text.rstrip()
    return not stripped.endswith((".", "!", "?", '"', "”", "’", "'", ")")) and len(stripped.split()) <= 25


def split_sentences(text: str, body_start: int = 0) -> list[Sentence]:
    """Sentences of text[body_start:], offsets into text. Each non-blank line is a paragraph."""
    sentences: list[Sentence] = []
    paragraph = -1
    group = -1
    for m in re.finditer(r"[^\n]+", text[body_start:]):
        line = m.group()
        if not line.strip():
            continue
        paragraph += 1
        offset = body_start + m.start()
        open_quote = False
        current_group: int | None = None
        spans = _line_spans(line)
        for a, b in spans:
            chunk = line[a:b]
            inside = open_quote
            n_quotes = sum(chunk.count(q) for q in _QUOTES)
            if inside and current_group is None:
                group += 1
                current_group = group
                sentences[-1] = _with_group(sentences[-1], current_group)
            sentences.append(
                Sentence(
                    start=offset + a,
                    end=offset + b,
                    text=chunk,
                    paragraph=paragraph,
                    quote_group=current_group if inside else None,
                    inside_quote=inside,
                    headline=len(spans) == 1 and _headline(chunk),
                )
            )
            if n_quotes % 2 == 1:
                open_quote = not open_quote
            if not open_quote:
                current_group = None
    return sentences


def _with_group(s: Sentence, group: int) -> Sentence:
    return Sentence(s.start, s.end, s.text, s.paragraph, group, s.inside_quote, s.headline)
