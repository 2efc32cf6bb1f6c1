"""The alerts table: retraction of dark alerts, filters of Workspace.alerts, the CLI's formats and errors."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from basewatch.alerts.api import AlertsError
from basewatch.alerts.build import build_alerts
from basewatch.demo.run import DemoResult
from basewatch.workspace.core import Workspace


@pytest.fixture
def copy(alerts_demo: DemoResult, tmp_path: Path) -> Path:
    path = tmp_path / "ws.duckdb"
    shutil.copy(alerts_demo.workspace, path)
    return path


def test_a_dark_period_filled_by_late_messages_is_retracted(copy: Path) -> None:
    with Workspace(copy) as ws:
        before = {r[0]: r[1] for r in ws.con.execute(
            "SELECT alert_id, status FROM alerts WHERE kind = 'dark'").fetchall()}
        assert sorted(before.values()) == ["closed", "closed", "open"]
        # late messages fill ADMIRAL ESSEN's gap: the maritime analysis no longer has that period
        ws.con.execute("DELETE FROM dark_periods WHERE mmsi = '273100130'")
        build_alerts(ws)
        after = {r[0]: (r[1], r[2]) for r in ws.con.execute(
            "SELECT alert_id, status, note FROM alerts WHERE kind = 'dark'").fetchall()}
        assert set(after) == set(before)
        retracted = [v for v in after.values() if v[0] == "retracted"]
        assert len(retracted) == 1 and "ADMIRAL ESSEN" in retracted[0][1] and "retracted" in retracted[0][1]
        build_alerts(ws)  # still retracted, the note not repeated
        notes = [r[0] for r in ws.con.execute("SELECT note FROM alerts WHERE status = 'retracted'").fetchall()]
        assert len(notes) == 1 and notes[0].count("retracted") == 1


def test_filters(alerts_demo: DemoResult) -> None:
    with Workspace(alerts_demo.workspace, read_only=True) as ws:
        every = ws.alerts().to_pylist()
        dark = ws.alerts(kind="dark").to_pylist()
        assert dark and all(r["kind"] == "dark" for r in dark)
        at = ws.alerts(site="al-khadim").to_pylist()
        assert at and all("al-khadim" in (r["site"], r["origin"], r["destination"]) for r in at)
        actor = ws.alerts(actor="ru-navy").to_pylist()
        assert actor and all(r["actor"] == "ru-navy" for r in actor)
        late = ws.alerts(since=dt.date(2024, 12, 15)).to_pylist()
        assert late and all(r["day"] >= dt.date(2024, 12, 15) for r in late)
        early = ws.alerts(until=dt.datetime(2024, 12, 12, tzinfo=dt.UTC)).to_pylist()
        assert all(r["day"] <= dt.date(2024, 12, 12) for r in early)
        assert len(late) + len(early) <= len(every)
        with pytest.raises(AlertsError, match="unknown alert kind"):
            ws.alerts(kind="spike")
        with pytest.raises(AlertsError, match="level"):
            ws.alerts(level=1.5)


def test_product_is_registered_and_not_rebuilt_when_fresh(copy: Path) -> None:
    from basewatch.products.registry import ensure, get, is_stale

    product = get("alerts")
    assert product.inputs == ("flights", "maritime") and product.tables == ("alerts", "alert_state", "alert_state_meta")
    with Workspace(copy) as ws:
        assert not is_stale(ws, "alerts")  # the demo ensured it
        assert ensure(ws, "alerts").rebuilt is False
        ws.con.execute("DELETE FROM flights WHERE actor IS NULL")  # inputs changed
        assert is_stale(ws, "alerts")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "basewatch", *args], capture_output=True, text=True, check=False)


def test_cli_json_geojson_and_errors(copy: Path) -> None:
    out = _cli("-w", str(copy), "alerts", "--kind", "new-corridor", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows and {"alert_id", "kind", "origin", "destination", "day", "observed", "expected", "interval",
                     "p_value", "sigma", "method", "evidence"} <= set(rows[0])
    assert all(r["kind"] == "new-corridor" and r["evidence"] for r in rows)
    geo = json.loads(_cli("-w", str(copy), "alerts", "--kind", "dark", "--format", "geojson").stdout)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 3
    # Tartus (34.90 N 35.87 E, the brief's facts) as GeoJSON's [lon, lat]
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert abs(lat - 34.90) < 0.1 and abs(lon - 35.87) < 0.1
    bad = _cli("-w", str(copy), "alerts", "--kind", "spike")
    assert bad.returncode == 2 and "unknown alert kind" in bad.stderr and "Traceback" not in bad.stderr
    bad = _cli("-w", str(copy), "alerts", "--since", "yesterday")
    assert bad.returncode == 2 and "--since 'yesterday'" in bad.stderr and "ISO 8601" in bad.stderr
