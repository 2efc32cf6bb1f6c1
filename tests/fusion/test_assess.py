"""Assessments on hand-built workspaces: likelihoods by hand, re-reports counted once, contradictions,
alerts grouped with the movements they come from, a workspace without alerts."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.fusion.assess import assess_all
from basewatch.fusion.fuse import fuse
from basewatch.fusion.params import AssessParams
from basewatch.fusion.records import load_records
from tests.fusion.conftest import Rows, day

PARAMS = AssessParams()
AS_OF = day("2024-12-21")


def judged(rows: Rows, place: str, as_of: dt.date = AS_OF) -> dict[str, float]:
    records = load_records(rows.ws, PARAMS.fusion.coverage_km)
    found = [a for a in assess_all(records, fuse(records, PARAMS.fusion), PARAMS)
             if a.place == place and a.actor is None and a.as_of == as_of]
    assert len(found) == 1
    return found[0].probabilities


def reuters(rows: Rows, publisher: str, verb: str = "reported") -> str:
    return rows.claim(f"Russia is withdrawing from Khmeimim, Reuters {verb}.", "withdrawal", "asserted",
                      site_ids=["khmeimim"], countries=["SY"], date=["2024-12-14", "2024-12-20"],
                      report_date="2024-12-21", source="Reuters", source_kind="media", publisher=publisher)


def test_one_claim_by_hand(rows: Rows) -> None:
    reuters(rows, "Paper A")
    p = judged(rows, "khmeimim")
    # no receiver saw Khmeimim: the claim is unverified; Reuters is graded B (0.85), unverified weighs 0.8,
    # asserted 1, named site 1: exponent 0.68 on the withdrawal ratios (4, 0.5, 1); prior odds 1/7 each
    w = 0.85 * 0.8
    d, b, r = 4 ** w / 7, 0.5 ** w / 7, 1 / 7
    assert p["drawdown"] == pytest.approx(d / (1 + d + b + r))
    assert p["no-change"] == pytest.approx(1 / (1 + d + b + r))


def test_re_reports_move_the_odds_no_more_than_one(rows: Rows) -> None:
    reuters(rows, "Paper A")
    one = judged(rows, "khmeimim")
    reuters(rows, "Paper B", "said")
    reuters(rows, "Paper C")
    reuters(rows, "Paper D", "says")
    assert judged(rows, "khmeimim") == pytest.approx(one)


def test_an_independent_second_source_moves_them_further(rows: Rows) -> None:
    reuters(rows, "Paper A")
    one = judged(rows, "khmeimim")
    rows.claim("Satellite images from Maxar show Russian equipment removed from Khmeimim.", "withdrawal", "asserted",
               site_ids=["khmeimim"], countries=["SY"], date=["2024-12-15", "2024-12-18"], report_date="2024-12-20",
               source="Maxar", source_kind="imagery")
    assert judged(rows, "khmeimim")["drawdown"] > one["drawdown"]


def test_a_contradiction_lowers_the_likelihood(rows: Rows) -> None:
    reuters(rows, "Paper A")
    before = judged(rows, "khmeimim")["drawdown"]
    rows.claim("Russia is not withdrawing from Khmeimim, the Kremlin said.", "withdrawal", "denied",
               site_ids=["khmeimim"], countries=["SY"], date=["2024-12-14", "2024-12-20"], report_date="2024-12-21",
               source="Kremlin", source_kind="official")
    after = judged(rows, "khmeimim")["drawdown"]
    assert after < before
    # by hand: Reuters as above; Kremlin graded C (0.65) x unverified 0.8 = 0.52 on the inverted ratios (1/4, 2, 1)
    w1, w2 = 0.85 * 0.8, 0.65 * 0.8
    d = 4 ** w1 * 0.25 ** w2 / 7
    b = 0.5 ** w1 * 2 ** w2 / 7
    assert after == pytest.approx(d / (1 + d + b + 1 / 7))


ALERT_COLUMNS = ("alert_id, kind, mode, series, site, direction, day, observed, expected, method, evidence")


def alert(rows: Rows, alert_id: str, site: str, direction: str, when: str, observed: float, expected: float) -> None:
    rows.ws.con.execute(
        f"INSERT INTO alerts ({ALERT_COLUMNS}) VALUES (?, 'surge', 'air', ?, ?, ?, ?, ?, ?, 'test', '[]')",
        [alert_id, f"air {direction} {site}", site, direction, day(when), observed, expected])


def surge_at_khmeimim(rows: Rows) -> None:
    rows.flights("chkalovsky", "khmeimim", day("2024-12-01"), 1, 14)
    rows.flights("khmeimim", "chkalovsky", day("2024-12-01"), 1, 14)
    rows.flights("khmeimim", "al-khadim", day("2024-12-15"), 4, 7)
    rows.coverage("khmeimim", day("2024-12-01"), day("2024-12-21"))


def test_sensor_surge_and_its_alert_count_once(rows: Rows) -> None:
    surge_at_khmeimim(rows)
    without = judged(rows, "khmeimim")
    alert(rows, "A-1", "khmeimim", "movements", "2024-12-17", 12, 2)
    # the alert is computed from the same flights: it joins their group, the stronger item speaks for it
    assert judged(rows, "khmeimim") == pytest.approx(without)
    records = load_records(rows.ws, PARAMS.fusion.coverage_km)
    (a,) = [x for x in assess_all(records, fuse(records, PARAMS.fusion), PARAMS)
            if x.place == "khmeimim" and x.actor is None and x.as_of == AS_OF]
    kinds = {i.kind: i for i in a.items}
    assert kinds["alert"].group == kinds["movements"].group and kinds["alert"].item_id not in a.used


def test_a_workspace_without_alerts_is_assessed_and_says_so(rows: Rows) -> None:
    surge_at_khmeimim(rows)
    rows.ws.con.execute("DROP TABLE IF EXISTS alerts")
    records = load_records(rows.ws, PARAMS.fusion.coverage_km)
    assert "alerts" in records.missing
    (a,) = [x for x in assess_all(records, fuse(records, PARAMS.fusion), PARAMS)
            if x.place == "khmeimim" and x.actor is None and x.as_of == AS_OF]
    assert any("alerts" in n for n in a.notes)
    assert a.hypothesis == "drawdown"


def test_claim_corroborated_by_an_alert_alone(rows: Rows) -> None:
    alert(rows, "A-7", "al-khadim", "arrivals", "2024-12-16", 9, 0.5)
    key = rows.claim("Russian aircraft arrived at al-Khadim.", "deployment", "asserted", site_ids=["al-khadim"],
                     date=["2024-12-15", "2024-12-17"], report_date="2024-12-18")
    records = load_records(rows.ws, PARAMS.fusion.coverage_km)
    (s,) = [x for x in fuse(records, PARAMS.fusion).statuses if x.key == key]
    assert s.status == "corroborated"
    assert [r.id for r in s.evidence] == ["A-7"]


def observation(rows: Rows, oid: str, site: str, when: str, aircraft: int, provider: str = "Maxar",
                confidence: float = 0.9) -> None:
    rows.ws.con.execute(
        "INSERT INTO imagery_observations (observation_id, site_id, acquired_at, provider, confidence, counts) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [oid, site, dt.datetime.combine(day(when), dt.time(9), tzinfo=dt.UTC), provider, confidence,
         f'{{"aircraft": {aircraft}}}'])


def test_imagery_corroborates_and_weighs_by_hand(rows: Rows) -> None:
    observation(rows, "obs-1", "khmeimim", "2024-12-10", 30)
    observation(rows, "obs-2", "khmeimim", "2024-12-18", 18)
    key = rows.claim("Russia is withdrawing equipment from Khmeimim.", "withdrawal", "asserted",
                     site_ids=["khmeimim"], date=["2024-12-16", "2024-12-19"], report_date="2024-12-20",
                     source="TASS", source_kind="media")
    records = load_records(rows.ws, PARAMS.fusion.coverage_km)
    (s,) = [x for x in fuse(records, PARAMS.fusion).statuses if x.key == key]
    assert s.status == "corroborated"
    assert {r.id for r in s.evidence} == {"obs-1", "obs-2"}
    p = judged(rows, "khmeimim", day("2024-12-20"))
    # imagery: 30 -> 18 aircraft (-40 %): ratios (4, 0.3, 1.2), Maxar graded A (1.0) x confidence 0.9.
    # claim: TASS graded D (0.45) x corroborated 1: ratios (4, 0.5, 1). Prior odds 1/7 each.
    wi, wc = 0.9, 0.45
    d = 4 ** wi * 4 ** wc / 7
    b = 0.3 ** wi * 0.5 ** wc / 7
    r = 1.2 ** wi / 7
    assert p["drawdown"] == pytest.approx(d / (1 + d + b + r))
