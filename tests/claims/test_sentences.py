from __future__ import annotations

from basewatch.claims.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_index_the_text() -> None:
    text = "First line here.\n\n  Second one. Third!\nFourth?"
    for s in split_sentences(text):
        assert text[s.start:s.end] == s.text
    assert texts(text) == ["First line here.", "Second one.", "Third!", "Fourth?"]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "On Sunday, U.S. President Joe Biden spoke. Ships are due on Jan. 5, 2025. Gen. Smith agreed."
    assert texts(text) == ["On Sunday, U.S. President Joe Biden spoke.", "Ships are due on Jan. 5, 2025.",
                           "Gen. Smith agreed."]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = 'He replied: "It is too early to speak about that." "All of this is a matter," he said.'
    assert texts(text) == ['He replied: "It is too early to speak about that."',
                           '"All of this is a matter," he said.']


def test_multi_sentence_quotation_is_one_group() -> None:
    text = '"We are leaving. The ships are ready. We go tomorrow," the officer said. Then he left.'
    ss = split_sentences(text)
    assert [s.quote_group for s in ss] == [0, 0, 0, None]
    assert [s.inside_quote for s in ss] == [False, True, True, False]


def test_headlines_are_marked() -> None:
    ss = split_sentences("Russia moves jets to Libya\nRussia moved jets to Libya on Monday.")
    assert [s.headline for s in ss] == [True, False]


def test_body_start_skips_a_header() -> None:
    text = "source: https://example.org/a\nTitle | 2025-01-01\n\nBody sentence."
    ss = split_sentences(text, body_start=text.index("Body"))
    assert [(s.start, s.text) for s in ss] == [(text.index("Body"), "Body sentence.")]
