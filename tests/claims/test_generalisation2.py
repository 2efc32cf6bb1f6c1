"""Hand-written sentences, one or more per rule class added in the second pass on issue 15 (labels written with
the rules of data/CORPUS.md before the rule was coded): presence as basing, announced departures, troop counts,
adverbs and adjectival participles around reporting verbs, titles' periods in sources, inverted attribution,
agreeing coreference, side questions, the month May, analysts of pictures, clause fragments as subjects."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.claims.attribution import find_attribution
from basewatch.claims.certainty import certainty_of
from basewatch.claims.extractor import Document, RuleExtractor
from basewatch.claims.model import Claim

REF = dt.date(2025, 1, 15)

CASES = [
    # presence: being stationed or based somewhere, or operating from a base, is basing
    ("Dozens of Turkish drones are stationed at Al-Watiya air base, the Libyan government said.",
     "basing", "asserted", "official"),
    ("About 300 Italian soldiers operate from two bases near Misrata, according to the Italian defence ministry.",
     "basing", "asserted", "official"),
    # an announced departure is a withdrawal, not the stationing it ends
    ("The 800 German soldiers based in Gao were ordered to leave by the end of May, the Bundeswehr said.",
     "withdrawal", "asserted", "official"),
    ("A ship was sent to take the remaining Russian equipment away from the port of Tartus.",
     "withdrawal", "asserted", "reporter"),
    ("Premier Kishida said Japan would end its naval presence in Djibouti next year.",
     "withdrawal", "asserted", "official"),
    # falling back, and what a departing force leaves behind
    ("Russian units fell back to Hmeimim after the fall of Damascus, a Syrian officer said.",
     "withdrawal", "asserted", "anonymous"),
    ("The departing troops left thousands of vehicles behind at Bagram, Afghan officials said.",
     "withdrawal", "asserted", "anonymous"),
    ("Britain pulled its 1,200 soldiers out of Mali last month, the Ministry of Defence said.",
     "withdrawal", "asserted", "official"),
    # warships leaving with no object named
    ("The warships of the Northern Fleet have also left, a Norwegian naval officer said.",
     "withdrawal", "asserted", "anonymous"),
    # a troop count in a place is a claim (other) even without an event word or an attribution
    ("Italy had about 350 military personnel in Niger.", "other", "asserted", "reporter"),
    # the month May is no hedge
    ("AFRICOM said the handover of Air Base 201 had started in May.", "withdrawal", "asserted", "official"),
    # a hedge on a side question does not hedge the main clause
    ("The last Italian soldiers flew out of Niamey on Friday; where they were going remained unclear.",
     "withdrawal", "asserted", "reporter"),
    # a negated modal of ability is no hedge
    ("The junta said the deadline for the French withdrawal could not be moved.", "withdrawal", "asserted",
     "official"),
    # "never officially acknowledged" is a denial, with the real subject as the source
    ("Libya has never officially acknowledged the Turkish presence at Al-Watiya.", "basing", "denied", "official"),
    # an imagery analyst is an expert, not the imagery
    ("The imagery analyst Jane Doe said the two frigates had left Tartus on Tuesday.",
     "withdrawal", "asserted", "expert"),
]


def _one(extractor: RuleExtractor, text: str) -> Claim:
    claims = extractor.extract(Document(text, REF))
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


@pytest.mark.parametrize(("sentence", "event", "certainty", "kind"), CASES, ids=[c[0][:40] for c in CASES])
def test_labels(extractor: RuleExtractor, sentence: str, event: str, certainty: str, kind: str) -> None:
    c = _one(extractor, sentence)
    assert (c.event, c.certainty, c.source_kind) == (event, certainty, kind)


@pytest.mark.parametrize(("sentence", "source"), [
    ("The carrier left the Red Sea, said Lt. Cmdr. Tim Gorman, a Navy spokesman.", "Lt. Cmdr. Tim Gorman"),
    ("\"They had gone by dawn,\" said Gen. Mir Kohistani, the new commander.", "Gen. Mir Kohistani"),
    ("Army spokesman Col. Ryan Dillon said the coalition would stay in Iraq.", "Army spokesman Col. Ryan Dillon"),
    ("Mali has never officially acknowledged Wagner's presence.", "Mali"),
])
def test_source_spans(sentence: str, source: str) -> None:
    a = find_attribution(sentence)
    assert a is not None and a.source == source


def test_adjectival_participle_is_no_reporting_verb() -> None:
    a = find_attribution("Soldiers are discussing an alleged order to leave Hmeimim by February.")
    assert a is None or "discussing" not in a.source


def test_a_list_of_events_is_no_source() -> None:
    a = find_attribution("The piles of cargo on the quay in December, the long voyage of the ships in ballast and "
                         "the sudden disappearance of the vessels and the cargo all point to an evacuation.")
    assert a is None


def test_he_refers_to_a_person_not_to_the_pictures(extractor: RuleExtractor) -> None:
    text = ("Omar Hassan, a port official, said two Russian ships had left Tartus. "
            "Satellite images showed the quay empty on Monday. "
            "He said the two ships had sailed for Libya.")
    last = extractor.extract(Document(text, REF))[-1]
    assert last.text.startswith("He said") and last.source == "Omar Hassan, a port official"


def test_the_same_source_refers_to_the_unnamed_source(extractor: RuleExtractor) -> None:
    text = ("Wagner has left Mali, a diplomatic source said. "
            "Mali has never officially acknowledged Wagner's presence. "
            "The same source said most of the fighters would join the Africa Corps in Bamako.")
    last = extractor.extract(Document(text, REF))[-1]
    assert last.text.startswith("The same source") and last.source_kind == "anonymous"


@pytest.mark.parametrize(("text", "expected"), [
    ("The pullout started in May.", "asserted"),
    ("Troops may leave in May.", "hedged"),
    ("The ships left; why they left so early is unclear.", "asserted"),
    ("It is unclear whether the ships left.", "hedged"),
    ("The base could not be handed over on time.", "asserted"),
    ("The base could be handed over next month.", "hedged"),
])
def test_certainty_scope(text: str, expected: str) -> None:
    assert certainty_of(text) == expected


@pytest.mark.parametrize(("source", "kind"), [
    ("Omar Hassan, a port official", "official"),  # a named person with a role: "Hassan" is no demonym
    ("a port official", "anonymous"),
    ("Syrian officials", "anonymous"),
])
def test_named_people_are_not_nationality_words(source: str, kind: str) -> None:
    from basewatch.claims.attribution import classify_source

    assert classify_source(source) == kind


def test_refused_entry_is_a_claim_without_an_attribution_verb(extractor: RuleExtractor) -> None:
    c = _one(extractor, "The Libyan authorities had refused to let the Russian frigate in after the coup.")
    assert (c.event, c.certainty, c.source_kind) == ("other", "asserted", "reporter")


def test_the_only_way_out_is_a_withdrawal_route(extractor: RuleExtractor) -> None:
    c = _one(extractor, "The air base at Bagram is now the only way out for the remaining troops.")
    assert c.event == "withdrawal"
