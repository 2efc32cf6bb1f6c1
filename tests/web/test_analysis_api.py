"""The analysis endpoints (alerts, bands, assessments, claim statuses, imagery) on twenty demo days.

Expected values come from the demo generator's truth files (truth.json, ais_truth.json), from SQL on the
workspace's base tables (flights, port calls), from the Airbus label file itself, and from the ICD 203
table of words; never from the endpoint's own code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter

import pytest
from PIL import Image
from starlette.testclient import TestClient

from basewatch.demo.truth import parse_time, read_truth
from basewatch.web.source import WorkspaceSource
from tests.web.conftest import get_json as _get
from tests.web.conftest import source_rows as _sql

from .conftest import AIRBUS, HOSTILE_TITLE, MonthDemo

ACTOR = "ru-mod-transport"
# ICD 203 (2015), expressions of likelihood: words and their percent bands
ICD203 = {"almost no chance": (1, 5), "very unlikely": (5, 20), "unlikely": (20, 45), "roughly even chance": (45, 55),
          "likely": (55, 80), "very likely": (80, 95), "almost certain": (95, 99)}




def test_the_new_air_bridge_corridor_is_an_alert_with_its_flights(
        month_client: TestClient, month_demo: MonthDemo, month_source: WorkspaceSource) -> None:
    truth = read_truth(month_demo.truth)
    start = min(parse_time(f.takeoff) for f in truth if f.actor == ACTOR and f.origin_airport == "OSLK"
                and f.destination_airport == "HL59" and parse_time(f.takeoff).date() > dt.date(2024, 12, 8)).date()
    rows = _get(month_client, "/api/alerts?kind=new-corridor&site=khmeimim&limit=1000")["rows"]
    (hit,) = [a for a in rows if (a["origin"], a["destination"], a["actor"]) == ("khmeimim", "al-khadim", ACTOR)]
    day = dt.date.fromisoformat(hit["day"])
    assert day <= start + dt.timedelta(days=1)
    page = _get(month_client, f"/api/alerts/{hit['alert_id']}")
    flights = page["evidence"]["flight"]
    want = _sql(month_source, "SELECT flight_id FROM flights WHERE origin_site = 'khmeimim' AND destination_site = "
                              "'al-khadim' AND actor = ? AND CAST(start AS DATE) = ?", [ACTOR, day])
    assert sorted(f["flight_id"] for f in flights) == sorted(w[0] for w in want)
    assert page["alert"]["observed"] == len(want) and page["alert"]["expected"] == 0
    # new: no such flight before that day
    assert _sql(month_source, "SELECT count(*) FROM flights WHERE origin_site = 'khmeimim' AND destination_site = "
                              "'al-khadim' AND actor = ? AND CAST(start AS DATE) < ?", [ACTOR, day])[0][0] == 0
    assert [e["kind"] for e in page["alert"]["evidence"]] == ["flight"] * len(want)
    for f in flights:  # each one reachable on its own evidence page
        assert _get(month_client, f"/api/flights/{f['flight_id']}")["flight"]["flight_id"] == f["flight_id"]


def test_the_three_dark_warships_are_alerts_with_their_port_calls(
        month_client: TestClient, month_demo: MonthDemo, month_source: WorkspaceSource) -> None:
    ais_truth = json.loads((month_demo.truth.parent / "ais_truth.json").read_text())
    darks = {str(d["mmsi"]) for d in ais_truth["dark_periods"]}
    assert len(darks) == 3
    rows = _get(month_client, "/api/alerts?kind=dark")["rows"]
    by_mmsi = {r["series"].split(" | ")[-1]: r for r in rows}
    assert set(by_mmsi) == darks
    for mmsi, a in by_mmsi.items():
        assert a["site"] == "tartus" and a["actor"] == "ru-navy"
        page = _get(month_client, f"/api/alerts/{a['alert_id']}")
        assert page["band"] is None  # a silence is not a count series
        (period,) = page["evidence"]["dark_period"]
        assert str(period["mmsi"]) == mmsi
        (call,) = page["evidence"]["port_call"]
        want = _sql(month_source, "SELECT site_id, CAST(mmsi AS VARCHAR) FROM port_calls WHERE call_id = ?",
                    [call["call_id"]])
        assert want == [("tartus", mmsi)]


def test_a_surge_page_shows_its_series_band_around_its_day(
        month_client: TestClient, month_source: WorkspaceSource) -> None:
    surges = _get(month_client, "/api/alerts?kind=surge&site=khmeimim")["rows"]
    arrivals = [a for a in surges if a["series"] == f"air arrivals khmeimim | {ACTOR}"]
    assert arrivals, [a["series"] for a in surges]
    a = arrivals[0]
    page = _get(month_client, f"/api/alerts/{a['alert_id']}")
    band = page["band"]
    assert band["series"] == a["series"]
    i = band["days"].index(a["day"])
    assert band["observed"][i] == a["observed"] and band["expected"][i] == pytest.approx(a["expected"])
    assert band["lower"][i] == a["lower"] and band["upper"][i] == a["upper"]
    assert a["observed"] > a["upper"] and a["p_value"] < 0.01
    # the observed counts are the actor's flights landing at Khmeimim per UTC day
    want = dict(_sql(month_source, "SELECT strftime(\"end\", '%Y-%m-%d'), count(*) FROM flights WHERE "
                                   "destination_site = 'khmeimim' AND actor = ? GROUP BY 1", [ACTOR]))
    got = {d: n for d, n in zip(band["days"], band["observed"], strict=True) if n}
    assert got == {d: n for d, n in want.items() if d in band["days"]}


def test_site_bands_count_all_traffic_and_carry_the_site_alerts(
        month_client: TestClient, month_source: WorkspaceSource) -> None:
    body = _get(month_client, "/api/bands?site=khmeimim&mode=air")
    series = {s["series"]: s for s in body["series"]}
    assert set(series) == {"air arrivals khmeimim | all traffic", "air departures khmeimim | all traffic"}
    arr = series["air arrivals khmeimim | all traffic"]
    want = dict(_sql(month_source, "SELECT strftime(\"end\", '%Y-%m-%d'), count(*) FROM flights WHERE "
                                   "destination_site = 'khmeimim' GROUP BY 1"))
    assert {d: n for d, n in zip(arr["days"], arr["observed"], strict=True) if n} == want
    tested = [(e, lo, hi) for e, lo, hi in zip(arr["expected"], arr["lower"], arr["upper"], strict=True)
              if e is not None]
    assert tested and all(lo <= e <= hi for e, lo, hi in tested)
    ids = {a["alert_id"] for a in body["alerts"]}
    assert ids == {a["alert_id"] for a in _get(month_client, "/api/alerts?site=khmeimim&limit=1000")["rows"]}
    assert client_error(month_client, "/api/bands") == "site: required"


def client_error(client: TestClient, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 400
    message: str = r.json()["error"]
    return message


def test_assessments_speak_icd_203_and_khmeimim_turns_to_drawdown(month_client: TestClient) -> None:
    rows = _get(month_client, "/api/assessments")["rows"]
    assert rows
    for r in rows:
        assert tuple(r["band"]) == ICD203[r["words"]]
        assert r["band"][0] <= round(100 * r["likelihood"]) <= r["band"][1]
        assert r["confidence"] in ("low", "moderate", "high") and r["evidence"] is not None
    days = {r["as_of"]: r for r in _get(month_client, "/api/assessments?site=khmeimim&timeline=1")["rows"]
            if r["actor"] is None}
    assert days["2024-12-15"]["hypothesis"] == "no-change"
    assert days["2024-12-20"]["hypothesis"] == "drawdown"


def test_claims_carry_fusion_status(month_client: TestClient, month_source: WorkspaceSource) -> None:
    contradicted = _get(month_client, "/api/claim_statuses?status=contradicted")["rows"]
    texts = [r["text"] for r in contradicted]
    assert any("no russian aircraft left khmeimim" in t.lower() for t in texts), texts
    claims = _get(month_client, "/api/claims?limit=1000")["rows"]
    want = dict(((r, c), s) for r, c, s in _sql(month_source, "SELECT report_id, claim_no, status FROM claim_status"))
    assert {(c["report_id"], c["claim_no"]): c["fusion_status"] for c in claims} == {
        (c["report_id"], c["claim_no"]): want.get((c["report_id"], c["claim_no"])) for c in claims}
    hostile = [c for c in claims if (c["title"] or "").startswith(HOSTILE_TITLE)]
    assert hostile and all(c["fusion_status"] is not None for c in hostile)  # fused after it was added


def test_imagery_observations_pictures_and_the_comparison(month_client: TestClient, month_demo: MonthDemo) -> None:
    if month_demo.change_id is None:
        pytest.skip("real data not available: the Airbus pair in ../shared")
    with (AIRBUS / "annotations.csv").open(newline="") as fh:
        labelled = Counter(r["class"] for r in csv.DictReader(fh) if r["image"] == "date_a.jpg")
    listed = {r["observation_id"]: r for r in _get(month_client, "/api/imagery?site=khmeimim")["rows"]}
    assert set(listed) == {month_demo.before_id, month_demo.after_id}
    before = _get(month_client, f"/api/imagery/{month_demo.before_id}")
    assert before["observation"]["counts"] == dict(labelled)
    assert [c["change_id"] for c in before["changes"]] == [month_demo.change_id]
    change = _get(month_client, f"/api/imagery_changes/{month_demo.change_id}")
    assert change["before"]["observation_id"] == month_demo.before_id
    assert len(change["change"]["result"]["boxes"]) == sum(labelled.values())
    r = month_client.get(f"/api/imagery/{month_demo.before_id}/image")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    with Image.open(AIRBUS / "date_a.jpg") as src:
        w, h = src.size
    scale = min(1.0, 1600 / max(w, h))
    assert Image.open(io.BytesIO(r.content)).size == (round(w * scale), round(h * scale))
    assert month_client.get("/api/imagery/obs-0000/image").status_code == 404


def test_analysis_endpoints_are_listed_and_refuse_bad_input(month_client: TestClient) -> None:
    listed = _get(month_client, "/api")["endpoints"]
    for path in ("/api/alerts", "/api/alerts/{alert_id}", "/api/bands", "/api/assessments", "/api/claim_statuses",
                 "/api/imagery", "/api/imagery/{observation_id}/image", "/api/imagery_changes"):
        assert path in listed
    assert client_error(month_client, "/api/alerts?kind=party").startswith("kind: one of")
    assert client_error(month_client, "/api/claim_statuses?status=true").startswith("status: one of")
    assert month_client.get("/api/alerts/0123").status_code == 404
    assert month_client.get("/api/alerts/%3Cscript%3E").status_code == 400
