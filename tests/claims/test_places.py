from __future__ import annotations

import pytest

from basewatch.claims.places import Gazetteer
from basewatch.watchlist.load import default_watchlist
from basewatch.watchlist.model import Site


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer(default_watchlist().sites)


def resolved(g: Gazetteer, text: str) -> list[tuple[str, str | None, str | None, str]]:
    return [(p.name, p.site_id, p.country, p.kind) for p in g.find(text)]


def test_site_aliases_in_any_spelling(gazetteer: Gazetteer) -> None:
    assert resolved(gazetteer, "Planes flew from Hmeimim to Libya's al-Khadim base.") == [
        ("Hmeimim", "khmeimim", "SY", "site"),
        ("Libya", None, "LY", "country"),
        ("al-Khadim", "al-khadim", "LY", "site"),
    ]


def test_offsets_point_at_the_name(gazetteer: Gazetteer) -> None:
    text = "A naval facility on the coast at Tartous."
    [p] = gazetteer.find(text, offset=100)
    assert (p.start, p.end, p.site_id) == (100 + text.index("Tartous"), 100 + text.index("Tartous") + 7, "tartus")


def test_countries_regions_and_cities(gazetteer: Gazetteer) -> None:
    found = resolved(gazetteer, "Troops moved from Mali to Cairo across the Sahel and the Mediterranean.")
    assert ("Mali", None, "ML", "country") in found
    assert ("Cairo", None, "EG", "city") in found
    assert ("Sahel", None, None, "region") in found
    assert ("Mediterranean", None, None, "region") in found


def test_user_sites_resolve_by_configuration() -> None:
    site = Site(id="ramstein", name="Ramstein Air Base", kind="airbase", country="DE", aliases=("Ramstein",),
                lat=49.4369, lon=7.6003)
    g = Gazetteer([site])
    assert resolved(g, "C-17s landed at Ramstein.") == [("Ramstein", "ramstein", "DE", "site")]


def test_common_words_are_not_cities(gazetteer: Gazetteer) -> None:
    assert resolved(gazetteer, "However, President Trump said the Mission would continue.") == []


def test_small_towns_need_a_preposition_of_place(gazetteer: Gazetteer) -> None:
    assert resolved(gazetteer, "Aboard is Captain Yuri Davityan of the Port authority.") == []
    assert ("Vladimir", None, "RU", "city") in resolved(gazetteer, "They were offloaded in Russia's Vladimir region.")
    assert ("Sirte", None, "LY", "city") in resolved(gazetteer, "Instructors arrived in Sirte.")
