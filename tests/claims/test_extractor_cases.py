"""Hand-labelled sentences in the forms news uses for attribution, hedging and denial.

Each expected label was written from the sentence alone (as an analyst would label it), before running the
extractor on it. The report date for relative dates is Wednesday 2025-01-15.
"""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.claims.extractor import Document, RuleExtractor
from basewatch.claims.model import Claim

REF = dt.date(2025, 1, 15)


def one_claim(extractor: RuleExtractor, sentence: str) -> Claim:
    claims = extractor.extract(Document(sentence, REF))
    assert len(claims) == 1, [c.text for c in claims]
    return claims[0]


CASES = [
    # sentence, event, certainty, source_kind
    ("Russian troops have withdrawn from the air base at Qamishli, a Syrian Kurdish official told AFP.",
     "withdrawal", "asserted", "anonymous"),
    ("The Pentagon said on Tuesday it had deployed two additional fighter squadrons to Jordan.",
     "deployment", "asserted", "official"),
    ("Satellite images show that two Il-76 transport aircraft landed at Khmeimim on Monday.",
     "transport", "asserted", "imagery"),
    ("Flight-tracking data showed an An-124 flying from Hmeimim to Benghazi last week.",
     "transport", "asserted", "tracking"),
    ("Russia may be preparing to evacuate its naval base at Tartus, according to Western intelligence officials.",
     "withdrawal", "hedged", "intelligence"),
    ("The Russian defence ministry denied reports that its forces were leaving Syria.",
     "withdrawal", "denied", "official"),
    ("Moscow has no plans to withdraw its troops from Libya, the Kremlin said.",
     "withdrawal", "denied", "official"),
    ("US aircraft struck an ammunition depot near Deir ez-Zor overnight, the US military said in a statement.",
     "strike", "asserted", "official"),
    ("Israeli jets reportedly bombed a weapons convoy near the Lebanese border.",
     "strike", "hedged", "reporter"),
    ("Two people familiar with the matter said the warships had docked in Tobruk.",
     "transport", "asserted", "anonymous"),
    ("It remains unclear whether the S-400 batteries will be redeployed to Libya.",
     "deployment", "hedged", "reporter"),
    ("Analysts at the Institute for the Study of War assessed that Russia is likely relocating air defence "
     "systems to Libya.", "deployment", "hedged", "expert"),
    ("A convoy of Russian military vehicles was seen heading to the port of Tartus, a local resident told Reuters.",
     "transport", "asserted", "anonymous"),
    ("Ship-tracking data from MarineTraffic indicates that the cargo ship Sparta IV sailed from Novorossiysk on "
     "Sunday.", "transport", "hedged", "tracking"),
    ("The Syrian transitional government has cancelled the contract giving Russia use of the port of Tartus, "
     "the state news agency SANA reported.", "basing", "asserted", "media"),
    ("Officials in Benghazi declined to comment on whether Russian aircraft had landed at Benina.",
     "transport", "hedged", "anonymous"),
    ("The French army completed its withdrawal from Niger in December.",
     "withdrawal", "asserted", "reporter"),
    ("Russia is negotiating with the new authorities in Damascus to keep its bases, a senior diplomat said.",
     "basing", "asserted", "anonymous"),
    ("Hundreds of Russian soldiers arrived at the Maaten al-Sarra air base this week, according to a report by "
     "the Libya Observer newspaper.", "deployment", "asserted", "media"),
    ("Ukrainian military intelligence said Russia had moved troops from Syria to Libya.",
     "deployment", "asserted", "intelligence"),
    ("There is no evidence that Russian forces have left Khmeimim, a Pentagon spokesman said.",
     "withdrawal", "hedged", "official"),
    ("Russian cargo flights to Syria have stopped, according to flight data compiled by open-source analysts.",
     "transport", "asserted", "tracking"),
    ("Russia's Defence Ministry said its forces had not withdrawn from any positions in Syria.",
     "withdrawal", "denied", "official"),
    ("NATO officials said the build-up of Russian warships in the Mediterranean could be temporary.",
     "deployment", "hedged", "anonymous"),
    ("Imagery from Planet Labs suggests that helicopters have been withdrawn from the airfield.",
     "withdrawal", "hedged", "imagery"),
    # first labelled deployment; relabelled basing by the written corpus rule (data/CORPUS.md): being stationed
    # somewhere is presence
    ("The US has about 2,000 troops stationed in Syria, the Pentagon acknowledged last month.",
     "basing", "asserted", "official"),
    ("A source close to the Libyan National Army said Russian instructors had arrived in Sirte.",
     "deployment", "asserted", "anonymous"),
    ("Russia could lose access to its only Mediterranean naval base, experts warn.",
     "basing", "hedged", "expert"),
    ("\"We have begun withdrawing our equipment,\" the commander told reporters.",
     "withdrawal", "asserted", "official"),
    ("According to the Wall Street Journal, Russia has pulled most of its aircraft out of Syria.",
     "withdrawal", "asserted", "media"),
    ("It could not be independently verified whether the aircraft carried troops to Libya.",
     "transport", "hedged", "reporter"),
    ("Residents said they heard explosions near the airport after the air strikes.",
     "strike", "asserted", "anonymous"),
    ("Russian officials have reportedly held talks with HTS about the future of the Tartus base.",
     "basing", "hedged", "reporter"),
    ("The Kremlin rejected claims that Russian warships had been ordered out of Tartus.",
     "withdrawal", "denied", "official"),
    ("Western diplomats believe Moscow is seeking a new naval foothold in eastern Libya.",
     "basing", "hedged", "anonymous"),
    ("Russian forces are allegedly dismantling radar systems at Hmeimim, a monitoring group said.",
     "withdrawal", "hedged", "expert"),
    ("Syrian rebels shelled government positions near Hama on Saturday, witnesses said.",
     "strike", "asserted", "anonymous"),
    ("The Libyan National Army dismissed as baseless reports that Russian fighters had been deployed to Sirte.",
     "deployment", "denied", "official"),
    ("Britain will send 500 additional troops to Estonia next month, the defence secretary announced.",
     "deployment", "asserted", "official"),
    ("Data from the flight tracker ADS-B Exchange shows at least 20 Il-76 flights between Latakia and Benghazi "
     "since early December.", "transport", "asserted", "tracking"),
]


@pytest.mark.parametrize(("sentence", "event", "certainty", "kind"), CASES, ids=[c[0][:40] for c in CASES])
def test_labels(extractor: RuleExtractor, sentence: str, event: str, certainty: str, kind: str) -> None:
    c = one_claim(extractor, sentence)
    assert (c.event, c.certainty, c.source_kind) == (event, certainty, kind)


def test_claim_span_is_the_sentence(extractor: RuleExtractor) -> None:
    text = "Header line without a stop\n\nRussian troops left Tartus on Monday, officials said."
    claims = extractor.extract(Document(text, REF))
    assert len(claims) == 1
    c = claims[0]
    assert text[c.start:c.end] == "Russian troops left Tartus on Monday, officials said."
    assert c.text == text[c.start:c.end]


def test_places_resolve_to_sites_countries_and_cities(extractor: RuleExtractor) -> None:
    c = one_claim(extractor, "Flight-tracking data showed an An-124 flying from Hmeimim to Benghazi via Cairo.")
    by_name = {p.name: (p.site_id, p.country, p.kind) for p in c.places}
    assert by_name["Hmeimim"] == ("khmeimim", "SY", "site")
    assert by_name["Benghazi"] == ("benghazi-port", "LY", "site")
    assert by_name["Cairo"] == (None, "EG", "city")


def test_relative_dates_resolve_against_the_report_date(extractor: RuleExtractor) -> None:
    c = one_claim(extractor, "Flight-tracking data showed an An-124 flying from Hmeimim to Benghazi last week.")
    assert c.date is not None
    # 2025-01-15 is a Wednesday: last week is Monday 6 to Sunday 12 January
    assert (c.date.start, c.date.end, c.date.text) == (dt.date(2025, 1, 6), dt.date(2025, 1, 12), "last week")
    c = one_claim(extractor, "Satellite images show that two Il-76 transport aircraft landed at Khmeimim on Monday.")
    assert c.date is not None and (c.date.start, c.date.end) == (dt.date(2025, 1, 13), dt.date(2025, 1, 13))


def test_source_named_in_the_next_sentence(extractor: RuleExtractor) -> None:
    text = ("Russia has begun pulling its forces out of Syria. The withdrawal, described as significant by "
            "Western officials, started last week.")
    claims = extractor.extract(Document(text, REF))
    assert len(claims) == 1
    assert claims[0].source == "Western officials" and claims[0].source_kind == "anonymous"


def test_quotation_over_several_sentences_has_one_speaker(extractor: RuleExtractor) -> None:
    text = ('"Two landing ships are due in Tartus on Jan. 20. They will load the remaining armour. The tanker '
            'will follow," the intelligence service said on Telegram.')
    claims = extractor.extract(Document(text, REF))
    assert claims and all(c.source_kind == "intelligence" for c in claims)


def test_background_history_is_a_claim_dated_when_it_happened(extractor: RuleExtractor) -> None:
    # an analyst reading the report sees its history; fusion places the claim in 2015, not in the report's days
    text = "In 2015 Russia deployed warplanes to Khmeimim to support the Assad government."
    (c,) = extractor.extract(Document(text, REF))
    assert c.event == "deployment"
    assert c.date is not None and (c.date.start, c.date.end) == (dt.date(2015, 1, 1), dt.date(2015, 12, 31))


def test_no_military_content_is_not_a_claim(extractor: RuleExtractor) -> None:
    text = "Asked whether the two leaders might meet, the spokesman said no meeting was on the schedule."
    assert extractor.extract(Document(text, REF)) == ()


def test_watchlist_ship_names_are_actors(extractor: RuleExtractor) -> None:
    c = one_claim(extractor, "The cargo ship Sparta IV sailed from Novorossiysk to Tartus on Sunday, "
                             "tracking data showed.")
    assert "Sparta IV" in c.actors
