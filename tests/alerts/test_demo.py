"""The demo's alerts against the generator's truth (truth.json, ais_truth.json), not against the detector.

- the watched actor's Khmeimim -> al-Khadim air bridge after 8 December: flagged within a day of the
  first such flight in the truth;
- the three warships that go dark after leaving Tartus: each alerted, open exactly when the truth's
  silence has no end, starting within an hour of the truth's switch-off;
- the civil background (series of traffic of no watched actor): its alert count against the nominal.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pyarrow as pa

from basewatch.alerts.build import compute_alerts
from basewatch.demo.run import DemoResult
from basewatch.demo.truth import parse_time, read_truth
from basewatch.workspace.core import Workspace

ACTOR = "ru-mod-transport"


def _alerts(demo: DemoResult) -> list[dict[str, object]]:
    with Workspace(demo.workspace, read_only=True) as ws:
        rows: list[dict[str, object]] = ws.alerts().to_pylist()
    return rows


def test_air_bridge_flagged_within_a_day_of_its_start(alerts_demo: DemoResult) -> None:
    truth = read_truth(alerts_demo.truth)
    bridge = sorted(parse_time(f.takeoff) for f in truth
                    if f.actor == ACTOR and f.origin_airport == "OSLK" and f.destination_airport == "HL59"
                    and parse_time(f.takeoff).date() > dt.date(2024, 12, 8))
    assert bridge, "the scenario has the air bridge"
    start = bridge[0].date()
    hits = [a for a in _alerts(alerts_demo)
            if a["origin"] == "khmeimim" and a["destination"] == "al-khadim" and a["actor"] == ACTOR
            and a["kind"] in ("surge", "shift", "new-corridor")]
    first = min(hits, key=lambda a: a["day"])  # type: ignore[arg-type,return-value]
    assert first["day"] <= start + dt.timedelta(days=1), (start, first)
    # the daily counts themselves pass Benjamini-Hochberg within days (3 flights against an empty history)
    surges = [a for a in hits if a["kind"] == "surge"]
    assert surges and min(a["day"] for a in surges) <= start + dt.timedelta(days=3)  # type: ignore[type-var,operator]
    assert all(a["p_value"] < 0.001 and a["q_value"] <= 0.01 for a in surges)  # type: ignore[operator]
    # and the build-up is confirmed as a sustained upward shift within days
    shifts = [a for a in hits if a["kind"] == "shift"]
    assert shifts and all(a["expected"] < a["observed"] for a in shifts)  # type: ignore[operator]
    assert min(a["day"] for a in shifts) <= start + dt.timedelta(days=4)  # type: ignore[type-var,operator]


def test_warships_dark_after_leaving_tartus_are_alerted(alerts_demo: DemoResult) -> None:
    ais_truth = json.loads((alerts_demo.truth.parent / "ais_truth.json").read_text())
    darks = {d["mmsi"]: d for d in ais_truth["dark_periods"]}
    alerts = {str(a["series"]).split(" | ")[-1]: a for a in _alerts(alerts_demo) if a["kind"] == "dark"}
    assert set(darks) <= set(alerts)
    for mmsi, d in darks.items():
        a = alerts[mmsi]
        assert a["site"] == "tartus" and a["actor"] == "ru-navy"
        assert a["status"] == ("open" if d["end"] is None else "closed")
        start = a["start_time"]
        assert isinstance(start, dt.datetime)
        assert abs((start - parse_time(d["start"])).total_seconds()) <= 3600
        evidence = json.loads(str(a["evidence"]))
        assert {"kind": "dark_period", "id": evidence[0]["id"]} == evidence[0]
        assert any(e["kind"] == "port_call" for e in evidence)  # the call at Tartus it left


def test_civil_background_alerts_against_nominal(alerts_demo: DemoResult) -> None:
    alerts = [a for a in _alerts(alerts_demo) if a["actor"] == "other" and a["kind"] != "dark"]
    with Workspace(alerts_demo.workspace, read_only=True) as ws:
        from basewatch.alerts.engine import duckdb_alert_engine
        from basewatch.alerts.params import AlertParams
        from basewatch.alerts.pipeline import count_frame
        from basewatch.alerts.store import data_extents

        frame = count_frame(duckdb_alert_engine(ws), data_extents(ws, AlertParams()))
    other = [i for i, a in enumerate(frame.keys.column("actor").to_pylist()) if a == "other"]
    tested_days = int(frame.testable[other].sum()) if other else 0
    # nominal: BH at 0.01 raises a false alarm on about 1 % of days (for the whole family), CUSUM about
    # once per series-year; the demo's civil series are ships at watched ports (airliners touch no site)
    days = frame.days
    nominal = 0.01 * days + tested_days / 365
    print(f"civil series: {len(other)}, civil alerts: {len(alerts)}, nominal about {nominal:.2f}")
    assert len(alerts) <= nominal + 3 * math.sqrt(nominal) + 1


def test_evidence_traces_to_flights_and_source_rows(alerts_demo: DemoResult) -> None:
    rows = [a for a in _alerts(alerts_demo) if a["mode"] == "air" and a["kind"] != "dark"]
    assert rows
    with Workspace(alerts_demo.workspace, read_only=True) as ws:
        for a in rows:
            ids = [e["id"] for e in json.loads(str(a["evidence"])) if e["kind"] == "flight"]
            assert ids, a
            found = ws.con.execute(
                "SELECT count(*), count(first_source_id) FROM flights WHERE list_contains(?, flight_id)",
                [ids]).fetchone()
            assert found == (len(ids), len(ids))
            if a["kind"] == "new-corridor":
                assert len(ids) == a["observed"]


def test_alert_ids_are_stable_across_reruns(alerts_demo: DemoResult) -> None:
    with Workspace(alerts_demo.workspace, read_only=True) as ws:
        stored = set(ws.con.execute("SELECT alert_id FROM alerts").fetchall())
        again: pa.Table = compute_alerts(ws)
    assert {(i,) for i in again.column("alert_id").to_pylist()} == stored
    assert len(stored) == again.num_rows


def test_brief_shows_alerts_with_bands(alerts_demo: DemoResult) -> None:
    html = alerts_demo.brief.read_text(encoding="utf-8")
    section = html[html.index("<h2>Alerts</h2>"):]
    assert section.count('<img class="chart"') >= 1
    assert "khmeimim -&gt; al-khadim" in section  # series names escaped
