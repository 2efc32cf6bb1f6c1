"""Reports 17 and 18 of ../shared/data/bad-inputs (issue 17): the seed report with 4,000 words in capitals or
100,000 dots inserted at character 500 (mid-word, checked below). Extraction ends (see test_complexity for its
cost) and every claim of the seed report that lies after the broken sentence is found again, same text."""

from __future__ import annotations

import pytest

from basewatch.claims.extractor import Document, RuleExtractor
from tests.conftest import shared_file

INSERTED_AT = 500


@pytest.mark.parametrize("name", ["17_report_allcaps_4000_words.txt", "18_report_100k_dots.txt"])
def test_claims_of_the_prose_survive_the_insertion(extractor: RuleExtractor, name: str) -> None:
    seed = shared_file("reports/seed.txt").read_text()
    text = shared_file("bad-inputs/" + name).read_text()
    inserted = len(text) - len(seed)
    assert text[:INSERTED_AT] == seed[:INSERTED_AT] and text[INSERTED_AT + inserted:] == seed[INSERTED_AT:]
    broken_sentence_end = seed.index(". ", INSERTED_AT) + 1
    expected = [(c.text, c.event, c.certainty) for c in extractor.extract(Document(seed))
                if c.start > broken_sentence_end]
    got = [(c.text, c.event, c.certainty) for c in extractor.extract(Document(text))
           if c.start > broken_sentence_end + inserted]
    assert len(expected) >= 3
    assert got == expected
