"""Fixtures shared by the claims tests."""

from __future__ import annotations

import pytest

from basewatch.claims.extractor import RuleExtractor
from basewatch.watchlist.load import default_watchlist


@pytest.fixture(scope="session")
def extractor() -> RuleExtractor:
    """The default rule extractor over the default watchlist (built once: it compiles its patterns)."""
    wl = default_watchlist()
    return RuleExtractor(wl.sites, wl.actors)
