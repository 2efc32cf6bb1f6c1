from __future__ import annotations

import pytest

from basewatch.claims.attribution import SourceMemory, classify_source, find_attribution


@pytest.mark.parametrize(
    ("sentence", "source", "kind"),
    [
        ("Russia is moving jets, according to US and Libyan officials who spoke to The Wall Street Journal.",
         "US and Libyan officials", "anonymous"),
        ("Kremlin spokesman Dmitry Peskov confirmed the talks.", "Kremlin spokesman Dmitry Peskov", "official"),
        ("On Sunday, US Central Command (CENTCOM) said its forces struck camps.", "US Central Command (CENTCOM)",
         "official"),
        ("Mikhail Bogdanov, Russia's Deputy Foreign Minister, has confirmed the talks.",
         "Mikhail Bogdanov, Russia's Deputy Foreign Minister", "official"),
        ("Flight records and satellite imagery reveal cargo planes at the base.",
         "Flight records and satellite imagery", "tracking"),
        ("Satellite images also captured preparations for departure.", "Satellite images", "imagery"),
        ("Reports from US and western intelligence indicate that talks are under way.",
         "Reports from US and western intelligence", "intelligence"),
        ("The withdrawal, described as large by US and western officials, began last week.",
         "US and western officials", "anonymous"),
        ("The jets left Syria, a senior US defence official said.", "a senior US defence official", "anonymous"),
        ("The Italian news agency Nova says Russia is widening its footprint.", "The Italian news agency Nova",
         "media"),
        ("Two people familiar with the matter said the ships had docked.", "Two people familiar with the matter",
         "anonymous"),
        ("Analysts at the Royal United Services Institute said the pattern may point to a hub.",
         "Analysts at the Royal United Services Institute", "expert"),
    ],
)
def test_find_attribution(sentence: str, source: str, kind: str) -> None:
    found = find_attribution(sentence)
    assert found is not None
    assert (found.source, found.kind) == (source, kind)


def test_no_source() -> None:
    assert find_attribution("Russia has initiated a significant withdrawal from Syria.") is None
    assert find_attribution("Recent developments suggest that Russia is transferring assets.") is None


def test_memory_carries_a_kind_to_a_bare_name() -> None:
    memory = SourceMemory()
    first = find_attribution("The Italian news agency Nova says troops arrived.", memory)
    assert first is not None and first.kind == "media"
    assert classify_source("Nova", memory) == "media"
    assert classify_source("Nova") == "official"  # without memory a bare name reads as a named body
