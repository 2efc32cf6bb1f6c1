"""Hand-written sentences, one or more per rule class added in the third pass on issue 15 (labels written with
the rules of data/CORPUS.md before the rule was coded): movements as the means of a withdrawal, reductions and
closures, keeping forces or a footprint, what a base can hold, pictures finding no ships, words that name no
event (time references, purposes, tour statistics), hearsay and unapproved plans as hedges, outlets citing
someone, the reporter's own voice after "Meanwhile", and history kept as a dated claim."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.claims.attribution import find_attribution
from basewatch.claims.events import score_events
from basewatch.claims.extractor import Document, RuleExtractor

REF = dt.date(2025, 3, 10)

CASES = [
    # taking a force out of a place by any means is a withdrawal
    ("A ferry chartered to carry Turkish soldiers out of Misrata broke down on Monday, Libyan officials said.",
     "withdrawal", "asserted", "anonymous"),
    ("Italy decided to pull its troops out of Niamey after the coup.", "withdrawal", "asserted", "reporter"),
    ("Commercial imagery shows that Britain has sharply reduced the military equipment at Akrotiri.",
     "withdrawal", "asserted", "imagery"),
    ("The army will cut its numbers in Erbil to fewer than 500, the ministry said.",
     "withdrawal", "asserted", "official"),
    ("The Pentagon said it was closing four of its nine small outposts in the region.",
     "withdrawal", "asserted", "official"),
    ("Today marks the end of the disengagement of Italian forces in Niger, said Col. Marco Rossi.",
     "withdrawal", "asserted", "official"),
    # keeping forces, a footprint, or room at a base is basing
    ("Under the deal Turkey will be able to keep up to six drones there.", "basing", "asserted", "reporter"),
    ("The ministry's wish to keep a military footprint at the port appears to be fading.",
     "basing", "hedged", "reporter"),
    ("A draft of the accord said the base could hold up to 500 military personnel.",
     "basing", "hedged", "official"),
    ("Satellite pictures have shown no Turkish warships at Misrata since March.", "basing", "denied", "imagery"),
    ("A few advisers are still inside the airbase and will stay there until the handover, the source said.",
     "basing", "asserted", "anonymous"),
    # a time reference is not the event: the ship's wait off the port is the movement
    ("The landing ship had been circling off Misrata since 3 March, having left Mersin on 20 February.",
     "transport", "asserted", "reporter"),
    # a purpose is not a strike: staying on longer is a deployment
    ("The frigate will stay an extra month to deter attacks on shipping, the navy said.",
     "deployment", "asserted", "official"),
    # hearsay that names no one and plans not yet approved are hedged
    ("Since then the drones are reported to have left Al-Watiya.", "withdrawal", "hedged", "reporter"),
    ("Turkey is set to establish a naval base at Misrata now that parliament has approved the accord.",
     "basing", "hedged", "reporter"),
    ("There is still no official confirmation of the status of Turkey's lease at Misrata.",
     "basing", "hedged", "reporter"),
    # a negated meaning is a denial
    ("The spokesman said the move did not mean a full drawdown of Italian soldiers from Niger.",
     "withdrawal", "denied", "official"),
    # a party's 'claimed' is its own assertion
    ("The group claimed that its fighters had pulled out of Tripoli.", "withdrawal", "asserted", "official"),
]


@pytest.mark.parametrize(("sentence", "event", "certainty", "kind"), CASES, ids=[c[0][:40] for c in CASES])
def test_each_sentence_is_one_claim_with_its_labels_and_cues(extractor: RuleExtractor, sentence: str, event: str,
                                                             certainty: str, kind: str) -> None:
    (c,) = extractor.extract(Document(sentence, REF))
    assert (c.event, c.certainty, c.source_kind) == (event, certainty, kind)
    assert c.why is not None and c.why.event  # every class names the words it was chosen by


@pytest.mark.parametrize(("text", "speaker"), [
    ("Some 400 troops will leave, according to an Associated Press report citing an unnamed U.S. official.",
     "an unnamed U.S. official"),
    ("Turkish forces have left Misrata, the broadcaster reported, citing Libyan officials.", "Libyan officials"),
    ("According to the paper, which cited Western diplomats, the drones were moved to Al-Watiya.",
     "Western diplomats"),
])
def test_an_outlet_citing_someone_is_that_speakers_claim(text: str, speaker: str) -> None:
    a = find_attribution(text)
    assert a is not None and (a.source, a.kind, a.cue) == (speaker, "anonymous", "citing")


def test_citing_a_reason_names_no_source() -> None:
    a = find_attribution("The army has refused to say when its last unit will leave, citing security concerns.")
    assert a is None or a.cue != "citing"


def test_meanwhile_is_the_reporters_voice(extractor: RuleExtractor) -> None:
    text = ("Turkish drones were seen leaving Al-Watiya on Monday, videos posted on social media showed. "
            "Meanwhile Ankara has begun shifting naval assets to Misrata. "
            "It is not yet clear whether the withdrawal will be permanent.")
    claims = extractor.extract(Document(text, REF))
    assert [c.source_kind for c in claims] == ["media", "reporter", "reporter"]


def test_sailors_are_no_sailing() -> None:
    assert score_events("Its strike group includes two destroyers and about 6,000 sailors.").scores["transport"] == 0


def test_tour_statistics_name_no_movement() -> None:
    s = score_events("The strike group had flown more than 30,000 hours and sailed more than 55,000 miles.")
    assert s.score == 0


def test_history_is_kept_and_dated_when_it_happened(extractor: RuleExtractor) -> None:
    (c,) = extractor.extract(Document("At the height of the war in 2007 there were about 160,000 U.S. troops in "
                                      "Iraq.", REF))
    assert c.date is not None and (c.date.start, c.date.end) == (dt.date(2007, 1, 1), dt.date(2007, 12, 31))
