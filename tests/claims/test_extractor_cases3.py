"""A third batch of hand-labelled sentences: more attribution, hedging and denial forms (labels written first)."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.claims.extractor import Document, RuleExtractor

REF = dt.date(2025, 1, 15)


CASES = [
    ("Russian state media reported that a battalion of marines had been redeployed from Tartus to Novorossiysk.",
     "deployment", "asserted", "media"),
    ("Pro-Kremlin military bloggers wrote that Il-76 flights to Benghazi had doubled since mid-December.",
     "transport", "asserted", "expert"),
    ("The aircraft are believed to be carrying dismantled air defence radars.",
     "transport", "hedged", "reporter"),
    ("According to unconfirmed reports, Russian special forces have landed at al-Jufra.",
     "deployment", "hedged", "media"),
    ("The Russian embassy in Tripoli dismissed the reports as propaganda.",
     "other", "denied", "official"),
    ("\"There are no plans to close the base,\" said Maria Zakharova, a spokeswoman for the foreign ministry.",
     "withdrawal", "denied", "official"),
    # first labelled deployment; relabelled basing by the written corpus rule (data/CORPUS.md): presence
    ("In an interview with the BBC, the Libyan defence minister said Russian troops were stationed at three bases.",
     "basing", "asserted", "official"),
    # first labelled withdrawal; relabelled transport: the shared gold labels cargo flights transport
    # ("Russian cargo planes visiting Libya's al-Khadim base", "cargo planes have flown air-defense equipment")
    ("Open-source researchers tracking the flights said at least 40 cargo flights had left Hmeimim since December 8.",
     "transport", "asserted", "expert"),
    ("Planet Labs imagery from Jan. 10 appears to show that most of the helicopters at Qamishli have gone.",
     "withdrawal", "hedged", "imagery"),
    ("Turkish drones struck Kurdish positions near Qamishli, the Syrian Observatory for Human Rights reported.",
     "strike", "asserted", "expert"),
    ("A Western intelligence assessment seen by Example Wire says Russia is likely to keep a small naval "
     "presence at Tartus.", "basing", "hedged", "intelligence"),
    ("Two Russian corvettes docked in Benghazi on Sunday, the Libyan National Army's media office said.",
     "transport", "asserted", "official"),
]


@pytest.mark.parametrize(("sentence", "event", "certainty", "kind"), CASES, ids=[c[0][:40] for c in CASES])
def test_labels(extractor: RuleExtractor, sentence: str, event: str, certainty: str, kind: str) -> None:
    claims = extractor.extract(Document(sentence, REF))
    assert len(claims) == 1, [c.text for c in claims]
    c = claims[0]
    assert (c.event, c.certainty, c.source_kind) == (event, certainty, kind)
