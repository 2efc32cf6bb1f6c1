"""The extractor against the gold claims: the shared seed and dev reports, and our own held-out reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from basewatch.claims.evaluate import Scores, evaluate_dir
from basewatch.claims.extractor import RuleExtractor
from basewatch.watchlist.load import default_watchlist
from tests.conftest import shared_file

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def extractor() -> RuleExtractor:
    wl = default_watchlist()
    return RuleExtractor(wl.sites, wl.actors)


def test_seed_and_dev_meet_the_issue_targets(extractor: RuleExtractor) -> None:
    seed = shared_file("reports/seed_gold.jsonl")
    dev = shared_file("reports/dev/gold.jsonl")
    _, a = evaluate_dir(seed, seed.parent, extractor)
    _, b = evaluate_dir(dev, dev.parent, extractor)
    total: Scores = a + b
    assert total.recall >= 0.85
    assert total.precision >= 0.60
    assert total.event >= 0.80
    assert total.certainty >= 0.85
    assert total.source >= 0.80


HELD_OUT = ["heldout_gold.jsonl", "heldout2_gold.jsonl", "heldout3_gold.jsonl", "heldout4_gold.jsonl",
            "heldout5_gold.jsonl"]


@pytest.mark.parametrize("gold", HELD_OUT)
def test_held_out_reports(extractor: RuleExtractor, gold: str) -> None:
    """Reports written and labelled before the extractor first ran on them (see data/README.md)."""
    _, total = evaluate_dir(DATA / gold, DATA, extractor)
    assert total.recall >= 0.85
    assert total.precision >= 0.60
    assert total.event >= 0.70
    assert total.certainty >= 0.85
    assert total.source >= 0.80
