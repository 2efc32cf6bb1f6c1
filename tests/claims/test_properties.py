"""Whatever the text, claims are spans of it and sentences tile it in order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from basewatch.claims.extractor import Document, RuleExtractor
from basewatch.claims.sentences import split_sentences
from basewatch.watchlist.load import default_watchlist

_EXTRACTOR = RuleExtractor(default_watchlist().sites)
WORDS = st.sampled_from([
    "Russia", "withdrew", "troops", "from", "Hmeimim", "said", "officials", "may", "denied", "\"", "“", "”",
    "Jan.", "5,", "U.S.", "strikes", ".", "?", "!", "\n", "\n\n", "last", "week", "according", "to", "Reuters,",
    "cargo", "planes", "flew", "Tartus", "é", "—", "Mr.", "base", "(", ")", ":", ";", "2024-12-09", "they",
])
TEXTS = st.lists(WORDS, max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_claims_are_exact_spans(text: str) -> None:
    for c in _EXTRACTOR.extract(Document(text, dt.date(2025, 1, 15))):
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start:c.end] == c.text
        for p in c.places:
            assert text[p.start:p.end] == p.name


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_sentences_are_ordered_disjoint_spans(text: str) -> None:
    end = 0
    for s in split_sentences(text):
        assert end <= s.start < s.end <= len(text)
        assert text[s.start:s.end] == s.text == s.text.strip()
        end = s.end
