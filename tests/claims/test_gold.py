"""The extractor against the gold claims: the shared seed and dev reports, and our own held-out reports."""

from __future__ import annotations

from pathlib import Path

from basewatch.claims.evaluate import Scores, evaluate_dir
from basewatch.claims.extractor import RuleExtractor
from tests.conftest import shared_file

DATA = Path(__file__).parent / "data"


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
            "heldout5_gold.jsonl", "heldout6_gold.jsonl", "heldout7_gold.jsonl", "heldout8_gold.jsonl"]


def test_held_out_reports(extractor: RuleExtractor) -> None:
    """Our own reports, each set committed before the extractor first ran on it (see data/README.md).

    Later sets were also used to revise rules after their first run, so this guards against regressions;
    the honest held-out figures are the first-run ones in data/README.md.
    """
    total = Scores(0, 0, 0, 0, 0, 0, 0)
    for gold in HELD_OUT:
        _, scores = evaluate_dir(DATA / gold, DATA, extractor)
        total = total + scores
    assert total.gold == 86
    assert total.recall >= 0.85
    assert total.precision >= 0.60
    assert total.event >= 0.80
    assert total.certainty >= 0.85
    assert total.source >= 0.80


def test_rewritten_real_reports_dev_set_floor(extractor: RuleExtractor) -> None:
    """The development slice of the rewritten real reports (data/CORPUS.md), labelled before the extractor ran
    on it and then used for tuning: a regression floor a little under the scores reached, not a held-out
    figure. The blind slice (data/corpus_blind) is deliberately not asserted anywhere: it was tuned on by no one
    and its scores are reported in data/README.md."""
    _, total = evaluate_dir(DATA / "corpus_dev" / "gold.jsonl", DATA / "corpus_dev", extractor)
    assert total.gold == 77
    assert total.recall >= 0.85
    assert total.precision >= 0.95
    assert total.event >= 0.78
    assert total.certainty >= 0.95
    assert total.source >= 0.95
