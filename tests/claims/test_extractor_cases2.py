"""A second batch of hand-labelled sentences and short reports (labels written before running them)."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.claims.extractor import Document, RuleExtractor

REF = dt.date(2025, 1, 15)


CASES = [
    ("The ministry said in a statement that the last Russian units had been airlifted out of Qamishli.",
     "withdrawal", "asserted", "official"),
    ("Russian military police have vacated their posts in northern Syria, a Kurdish commander told reporters.",
     "withdrawal", "asserted", "official"),
    ("An official who spoke on condition of anonymity said two frigates were redeployed to the Baltic Sea.",
     "deployment", "asserted", "anonymous"),
    ("Sources close to the Libyan National Army say Russian engineers are expanding the runway at al-Khadim.",
     "basing", "asserted", "anonymous"),
    ("The Pentagon refused to confirm or deny that US special forces had been sent to the region.",
     "deployment", "hedged", "official"),
    ("Israeli warplanes carried out dozens of strikes on Syrian air defence sites overnight, the Israeli "
     "military said.", "strike", "asserted", "official"),
    ("A Ukrainian drone attack hit an oil depot in Novorossiysk on Tuesday, local officials said.",
     "strike", "asserted", "anonymous"),
    ("Moscow insists its forces will remain at Hmeimim under any new agreement.",
     "basing", "asserted", "official"),
    ("Footage posted on social media appeared to show Russian helicopters being loaded onto a cargo ship.",
     "transport", "hedged", "media"),
    ("It is not known how many aircraft remain at the base.", "basing", "hedged", "reporter"),
    ("The Kremlin said there was no question of abandoning the naval base at Tartus.",
     "withdrawal", "denied", "official"),
    ("Russian transport aircraft made at least 12 flights from Khmeimim to Benina in December, data from "
     "Flightradar24 shows.", "transport", "asserted", "tracking"),
    ("Maxar satellite imagery taken on Jan. 12 shows the submarine berth at Tartus empty.",
     "withdrawal", "asserted", "imagery"),
    ("The agreement allowing Russian warships to use the port could be cancelled, according to a draft "
     "seen by Reuters.", "basing", "hedged", "media"),
]


@pytest.mark.parametrize(("sentence", "event", "certainty", "kind"), CASES, ids=[c[0][:40] for c in CASES])
def test_labels(extractor: RuleExtractor, sentence: str, event: str, certainty: str, kind: str) -> None:
    claims = extractor.extract(Document(sentence, REF))
    assert len(claims) == 1, [c.text for c in claims]
    c = claims[0]
    assert (c.event, c.certainty, c.source_kind) == (event, certainty, kind)


REPORT = (
    "source: https://example.org/r\n"
    "Russia pulls jets from Syria (Example Wire) | 2025-01-15\n"
    "\n"
    "Russia has flown most of its combat jets out of Hmeimim air base, according to two Western officials. "
    "They said the jets had landed at Engels in southern Russia on Monday.\n"
    "\n"
    "The Russian Defence Ministry denied that any aircraft had left Syria.\n"
    "\n"
    "Russia's navy first used Tartus in 1971.\n"
    "\n"
    "The move could leave Russia without an air base in the eastern Mediterranean, analysts said.\n"
)


def test_short_report(extractor: RuleExtractor) -> None:
    doc = Document(REPORT, REF, body_start=REPORT.index("Russia has flown"),
                   title="Russia pulls jets from Syria (Example Wire)", publisher="Example Wire")
    claims = extractor.extract(doc)
    got = [(REPORT[c.start:c.end].split()[0:3], c.event, c.certainty, c.source_kind) for c in claims]
    assert got == [
        (["Russia", "has", "flown"], "withdrawal", "asserted", "anonymous"),
        (["The", "Russian", "Defence"], "withdrawal", "denied", "official"),
        (["The", "move", "could"], "basing", "hedged", "expert"),
    ]
    first = claims[0]
    # the pronoun sentence continues the first claim: one claim over both sentences, with its date
    assert REPORT[first.start:first.end].endswith("on Monday.")
    assert first.date is not None and first.date.start == dt.date(2025, 1, 13)
    assert {p.site_id for p in first.places} >= {"khmeimim", "engels"}


def test_same_speaker_saying_more_is_one_claim(extractor: RuleExtractor) -> None:
    text = ("US Central Command said its aircraft struck ISIS camps in central Syria on Sunday.\n\n"
            "\"The camps were hit as part of the mission to defeat ISIS,\" CENTCOM said.\n\n"
            "The Kremlin denied that Russian jets had taken part in the strikes.")
    claims = extractor.extract(Document(text, REF))
    assert [(c.event, c.certainty, c.source_kind) for c in claims] == [
        ("strike", "asserted", "official"), ("strike", "denied", "official")]
    assert text[claims[0].start:claims[0].end].endswith("CENTCOM said.")
