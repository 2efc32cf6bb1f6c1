"""The metric on hand-made cases, and calibrated against the issue's sentence-split baseline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from basewatch.claims.evaluate import GoldClaim, load_gold, score_file
from basewatch.claims.model import Claim
from basewatch.errors import InputFormatError
from tests.conftest import shared_file


def claim(start: int, end: int, event: str = "other", certainty: str = "asserted", kind: str = "reporter") -> Claim:
    return Claim("x", start, end, event, (), (), "s", kind, certainty)  # type: ignore[arg-type]


def gold(start: int, end: int, event: str = "other", certainty: str = "asserted", kind: str = "reporter") -> GoldClaim:
    return GoldClaim("f", start, end, event, certainty, kind, 1)


def test_half_overlap_matches_and_less_does_not() -> None:
    s = score_file([gold(0, 100)], [claim(50, 200)])
    assert (s.matched, s.recall) == (1, 1.0)
    s = score_file([gold(0, 100)], [claim(51, 200)])
    assert (s.matched, s.recall, s.precision) == (0, 0.0, 1.0)  # overlaps, so it counts for precision


def test_precision_counts_claims_overlapping_any_gold() -> None:
    s = score_file([gold(0, 10), gold(20, 30)], [claim(0, 10), claim(40, 50), claim(60, 70), claim(25, 35)])
    assert (s.overlapping, s.extracted, s.precision) == (2, 4, 0.5)


def test_two_gold_claims_on_one_sentence_take_two_claims_when_there_are_two() -> None:
    gs = [gold(0, 100, "transport"), gold(0, 100, "deployment", "hedged")]
    s = score_file(gs, [claim(0, 100, "transport"), claim(0, 100, "deployment", "hedged")])
    assert (s.event_ok, s.certainty_ok) == (2, 2)
    s = score_file(gs, [claim(0, 100, "transport")])  # one claim serves both gold claims
    assert (s.matched, s.event_ok, s.certainty_ok) == (2, 1, 1)


def test_labels_on_matched_pairs() -> None:
    s = score_file([gold(0, 10, "strike", "hedged", "official")], [claim(0, 10, "strike", "asserted", "media")])
    assert (s.event, s.certainty, s.source) == (1.0, 0.0, 0.0)


def test_bad_gold_line_is_named(tmp_path: Path) -> None:
    p = tmp_path / "g.jsonl"
    p.write_text('{"file": "a.txt", "start": 0, "end": 5, "event_class": "other", "certainty": "asserted", '
                 '"source_kind": "reporter"}\n{"file": "a.txt"}\n')
    with pytest.raises(InputFormatError, match=r"g.jsonl:2: bad gold claim"):
        load_gold(p)


def _baseline(text: str) -> list[Claim]:
    """The issue's baseline: every sentence a claim, all asserted, reporter; one constant event."""
    out = []
    for m in re.finditer(r"[^.!?\n]+[.!?]*[\"”]?", text):
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        if m.end() > start:
            out.append(claim(start, m.end(), "deployment", "asserted", "reporter"))
    return out


def test_metric_reproduces_the_issue_baseline() -> None:
    """Issue 5: sentence split + everything asserted -> precision 0.34, event 0.22, certainty 0.69, source 0.18.

    The issue does not name the baseline's event label; a constant "deployment" (as frequent in the gold as
    "basing") is the constant closest to 0.22. Figures within 0.04 show the metric is defined the same way.
    """
    seed = shared_file("reports/seed_gold.jsonl")
    dev = shared_file("reports/dev/gold.jsonl")
    total = None
    for gold_path in (seed, dev):
        gold_claims = load_gold(gold_path)
        for name in sorted({g.file for g in gold_claims}):
            text = (gold_path.parent / name).read_text(encoding="utf-8")
            s = score_file([g for g in gold_claims if g.file == name], _baseline(text))
            total = s if total is None else total + s
    assert total is not None
    assert total.precision == pytest.approx(0.34, abs=0.04)
    assert total.event == pytest.approx(0.22, abs=0.04)
    assert total.certainty == pytest.approx(0.69, abs=0.04)
    assert total.source == pytest.approx(0.18, abs=0.04)


def test_confusion_matrices_count_matched_pairs_only() -> None:
    gs = [gold(0, 10, "withdrawal", "hedged", "imagery"), gold(20, 30, "withdrawal", "asserted", "official"),
          gold(40, 50, "basing")]  # the third gold claim has no extracted claim: it is in no matrix
    cs = [claim(0, 10, "transport", "hedged", "media"), claim(20, 30, "withdrawal", "asserted", "official")]
    s = score_file(gs[:2], cs) + score_file(gs[2:], [])
    assert s.confusion("event") == {"withdrawal": {"transport": 1, "withdrawal": 1}}
    assert s.confusion("certainty") == {"hedged": {"hedged": 1}, "asserted": {"asserted": 1}}
    assert s.confusion("source") == {"imagery": {"media": 1}, "official": {"official": 1}}
    # the diagonal of each matrix is the field's agreement count
    assert sum(row.get(g, 0) for g, row in s.confusion("event").items()) == s.event_ok == 1
