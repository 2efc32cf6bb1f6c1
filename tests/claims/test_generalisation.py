"""Hand-labelled sentences for the error classes seen on unseen reports (issue 15), labels written first.

Each case names the linguistic form it checks: speaker coreference, abbreviations in and around sources,
quoted speakers, imagery sources, hedge and negation scope, hearsay channels, withdrawal pictures, presence
and no-change findings, short claims without attribution verbs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.claims.extractor import Document, RuleExtractor
from basewatch.claims.model import Claim
from basewatch.claims.sentences import split_sentences

REF = dt.date(2025, 1, 15)

CASES = [
    # quoted speaker, not the newspaper quoting him
    ("Al-Watan quoted Riad Joudy, head of Tartous customs, as saying the Tartus port contract had been cancelled.",
     "basing", "asserted", "official"),
    # an abbreviated rank inside the source ("Maj. Gen.") neither cuts the source nor the sentence
    ("The next step is to leave Air Base 201, U.S. Air Force Maj. Gen. Kenneth Ekman said on Friday.",
     "withdrawal", "asserted", "official"),
    # images published by an outlet or a think tank are imagery, with a reduced relative before the verb
    ("Satellite images published by RFE/RL showed Russian helicopters being dismantled at Khmeimim.",
     "withdrawal", "asserted", "imagery"),
    ("Satellite pictures published by CSIS on April 18 show two Chinese warships still moored at Ream.",
     "basing", "asserted", "imagery"),
    # hearsay channels that name no one hedge the statement
    ("Reports say Russian forces have taken apart air-defence radars at Tartus.",
     "withdrawal", "hedged", "media"),
    ("Syria has cancelled the Tartus port lease, according to three businessmen and media reports.",
     "basing", "hedged", "anonymous"),
    # refusals to say when, open timetables and undecided matters are hedges
    ("The Pentagon has refused to say when the last U.S. soldiers will leave Afghanistan.",
     "withdrawal", "hedged", "official"),
    ("U.S. officials said no timetable for the withdrawal has been set.",
     "withdrawal", "hedged", "anonymous"),
    # the first operator scopes over the second: a hedge over a negated event is a hedge ...
    ("Gregory Poling, a senior fellow at CSIS, said the imagery suggested that the warships had never left Ream.",
     "withdrawal", "hedged", "expert"),
    # ... a negated event qualified afterwards stays denied
    ("The frigates did not leave Tartus on Monday, port officials said, apparently because of bad weather.",
     "withdrawal", "denied", "anonymous"),
    # a hedge in a trailing appositive or participle qualifies only that phrase
    ("Satellite pictures showed two An-124 aircraft at Khmeimim with their noses open, a sign that they were "
     "ready to take on cargo.", "transport", "asserted", "imagery"),
    ("The warships of the flotilla have also left Tartus, possibly escorting the two cargo ships, analysts said.",
     "withdrawal", "asserted", "expert"),
    # going home and flying out are withdrawals; a relative clause is background to the main event
    ("The carrier USS Dwight D. Eisenhower, which led the response to attacks on shipping, is on its way home.",
     "withdrawal", "asserted", "reporter"),
    ("French warplanes flew out of N'Djamena on Dec. 10, the Chadian army said.",
     "withdrawal", "asserted", "official"),
    ("Most NATO soldiers had already left Afghanistan this week, according to an AP tally.",
     "withdrawal", "asserted", "media"),
    # presence and negative findings are basing claims
    ("Two Russian frigates were still anchored off Tartus in pictures from Dec. 10, Maxar said.",
     "basing", "asserted", "imagery"),
    ("Imagery of the Tartus naval base showed minimal change.",
     "basing", "asserted", "imagery"),
    # a named outlet that happens to be a word for unnamed people
    ("The Insider reported on Jan. 21 that the Sparta II had been allowed to dock in Tartus.",
     "transport", "asserted", "media"),
    # existential hearsay: the rumours are the source
    ("There have been persistent rumours that Russia wants to set up a naval base in Tobruk.",
     "basing", "hedged", "anonymous"),
]


def _one(extractor: RuleExtractor, text: str, ref: dt.date = REF) -> Claim:
    claims = extractor.extract(Document(text, ref))
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


@pytest.mark.parametrize(("sentence", "event", "certainty", "kind"), CASES, ids=[c[0][:40] for c in CASES])
def test_labels(extractor: RuleExtractor, sentence: str, event: str, certainty: str, kind: str) -> None:
    c = _one(extractor, sentence)
    assert (c.event, c.certainty, c.source_kind) == (event, certainty, kind)


def test_pronoun_source_takes_the_speaker_named_before(extractor: RuleExtractor) -> None:
    text = ("A Syrian security officer said a Russian cargo plane left Hmeimim for Libya on Saturday. "
            "He said more aircraft were expected to leave Hmeimim over the next few days.")
    claims = extractor.extract(Document(text, REF))
    second = [c for c in claims if c.text.startswith("He said")]
    assert len(second) == 1
    assert second[0].source == "A Syrian security officer" and second[0].source_kind == "anonymous"
    assert second[0].certainty == "hedged"
    assert second[0].why is not None and "coreference" in second[0].why.source


def test_pronoun_source_without_an_antecedent_is_not_a_person(extractor: RuleExtractor) -> None:
    c = _one(extractor, "It said Russian troops had withdrawn from Kobani.")
    assert c.source_kind != "official" or c.source != "It"


def test_quoted_speaker_is_the_source_not_the_paper(extractor: RuleExtractor) -> None:
    c = _one(extractor, "Al-Watan quoted Riad Joudy, head of Tartous customs, as saying the Tartus port contract "
                        "had been cancelled.")
    assert c.source.startswith("Riad Joudy")


def test_one_letter_word_after_a_preposition_ends_a_sentence() -> None:
    text = "\"A withdrawal is under way,\" he wrote on X. Ukraine's HUR said troops were leaving Syria."
    assert [s.text for s in split_sentences(text)] == [
        "\"A withdrawal is under way,\" he wrote on X.", "Ukraine's HUR said troops were leaving Syria."]
    # an initial after a name or a title is no sentence end
    assert len(split_sentences("Gen. Austin S. Miller said the airfield had been handed over.")) == 1


def test_withdrawal_story_frames_pictures_of_aircraft_readied() -> None:
    from basewatch.watchlist.load import default_watchlist

    wl = default_watchlist()
    ex = RuleExtractor(wl.sites, wl.actors)
    picture = "Images from Friday showed two An-124 cargo planes at Hmeimim with their nose doors raised."
    assert _one(ex, picture).event == "transport"  # alone: a movement of aircraft
    story = ("Russia is withdrawing its forces from Syria, U.S. officials said. " + picture +
             " Troops were also pulling out of Tartus, a port worker said.")
    claims = ex.extract(Document(story, REF))
    framed = [c for c in claims if c.text == picture]
    assert len(framed) == 1 and framed[0].event == "withdrawal"
    assert framed[0].why is not None and framed[0].why.event[0] == "story: withdrawal"


def test_arrival_is_not_framed_as_withdrawal(extractor: RuleExtractor) -> None:
    story = ("Russia is withdrawing its forces from Syria, U.S. officials said. "
             "The cargo ship Sparta II docked at Tartus on Wednesday, ship-tracking data showed. "
             "Troops were also pulling out of Hmeimim, a port worker said.")
    docked = [c for c in extractor.extract(Document(story, REF)) if "docked" in c.text]
    assert [c.event for c in docked] == ["transport"]


def test_a_state_since_a_past_year_is_no_history(extractor: RuleExtractor) -> None:
    c = _one(extractor, "Wagner has been in Mali since late 2021.", dt.date(2025, 6, 7))
    assert c.event == "basing"
    # the state lasts from late 2021 until the report
    assert c.date is not None and c.date.end == dt.date(2025, 6, 7) and c.date.start.year == 2021
    # a dated event two years before the report is history: still a claim, dated December 2021
    (h,) = extractor.extract(Document("Wagner fighters arrived in Mali in December 2021.", dt.date(2025, 6, 7)))
    assert h.date is not None and (h.date.start, h.date.end) == (dt.date(2021, 12, 1), dt.date(2021, 12, 31))


def test_short_claim_without_attribution_verb(extractor: RuleExtractor) -> None:
    c = _one(extractor, "Russia sent military trainers to Niger in April.")
    assert (c.event, c.source_kind) == ("deployment", "reporter")


def test_why_names_the_cue_words(extractor: RuleExtractor) -> None:
    c = _one(extractor, "Russian cargo planes were reportedly flying equipment out of Hmeimim, a diplomat said.")
    assert c.why is not None
    assert c.certainty == "hedged" and c.why.certainty == ("reportedly",)
    assert c.why.source == ("said",)
    assert "out of" in " ".join(c.why.event)
    asserted = _one(extractor, "Two Russian frigates left Tartus on Monday, ship-tracking data showed.")
    assert asserted.why is not None and asserted.why.certainty == ()
