"""Vessel identity and actor rules over a workspace filled from crafted NMEA (sentences made by pyais)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from basewatch.identity.vessels import match_vessel, ship_type_name, vessel_facts, vessel_identity
from basewatch.ingest.pipeline import ingest_file
from basewatch.watchlist.load import default_watchlist
from basewatch.watchlist.model import Actor, ActorRule, KnownVessel
from basewatch.workspace.core import Workspace

pyais = pytest.importorskip("pyais")

T0 = 1_700_000_000
UTC = dt.UTC


def _tag(t: int) -> str:
    body = f"c:{t}"
    return f"\\{body}*{functools.reduce(lambda a, c: a ^ ord(c), body, 0):02X}\\"


def _pos(mmsi: int, t: int) -> str:
    s = pyais.encode_dict({"type": 1, "mmsi": mmsi, "lat": 34.9, "lon": 35.86, "speed": 1.0},
                          talker_id="AI", sentence_type="VDM")
    return _tag(t) + s[0]


def _static(mmsi: int, t: int, name: str, imo: int = 0, ship_type: int = 70) -> list[str]:
    s = pyais.encode_dict({"type": 5, "mmsi": mmsi, "shipname": name, "imo": imo, "ship_type": ship_type,
                           "callsign": "UB" + str(mmsi)[-3:], "to_bow": 100, "to_stern": 22},
                          talker_id="AI", sentence_type="VDM", seq_id=1)
    return [_tag(t) + s[0], s[1]]


VESSELS = {
    273000001: "SPARTA IV",       # name rule (flag RU)
    273000002: "SPARTAK",         # a Russian trawler: not the actor
    352000003: "NEW NAME",        # IMO of SPARTA IV under a Panama flag: IMO rule
    338000004: "SPARTA IV",       # name but US flag: the name rule needs flag RU
    273000005: "WARSHIP",         # type 35 military
}


@pytest.fixture
def filled(tmp_path: Path) -> Workspace:
    lines: list[str] = []
    for i, (mmsi, name) in enumerate(VESSELS.items()):
        imo = 9743033 if mmsi == 352000003 else 0
        lines += _static(mmsi, T0 + i, name, imo=imo, ship_type=35 if name == "WARSHIP" else 70)
        lines += [_pos(mmsi, T0 + 60), _pos(mmsi, T0 + 3600)]
    lines.append(_pos(273396130, T0 + 10))  # URSA MAJOR's MMSI, no static report: listed in the watchlist
    path = tmp_path / "crafted.nmea"
    path.write_text("\n".join(lines) + "\n")
    ws = Workspace(tmp_path / "ws.duckdb")
    ingest_file(ws, path)
    return ws


def test_identity_rows(filled: Workspace) -> None:
    rows = {r["mmsi"]: r for r in vessel_identity(filled).to_pylist()}
    assert sorted(rows) == sorted([f"{m:09d}" for m in VESSELS] + ["273396130"])
    sparta = rows["273000001"]
    assert sparta["name"] == "SPARTA IV" and sparta["flag"] == "RU" and sparta["flag_country"] == "Russian Federation"
    assert sparta["type"] == 70 and sparta["length_m"] == 122.0 and sparta["callsign"] == "UB001"
    assert sparta["first_seen"] == dt.datetime.fromtimestamp(T0 + 60, UTC)
    assert sparta["last_seen"] == dt.datetime.fromtimestamp(T0 + 3600, UTC)
    assert sparta["positions"] == 2
    assert rows["352000003"]["imo"] == "9743033" and rows["352000003"]["flag"] == "PA"
    assert rows["273396130"]["name"] == "URSA MAJOR" and rows["273396130"]["imo"] == "9538892"
    filled.close()


def test_default_watchlist_actor(filled: Workspace) -> None:
    actor = {r["mmsi"]: r["actor_id"] for r in vessel_identity(filled).to_pylist()}
    mod = {m for m, a in actor.items() if a == "ru-mod-transport"}
    # by name + flag RU, by IMO under another flag, by listed MMSI; not SPARTAK, not a US 'SPARTA IV'
    assert mod == {"273000001", "352000003", "273396130"}
    filled.close()


def test_rule_semantics(filled: Workspace) -> None:
    actors = (
        Actor("aircraft-only", "only aircraft conditions", rules=(ActorRule(registrations=("RF-",), military=True),)),
        Actor("navy", "RU military", rules=(ActorRule(ship_types=(35,), flags=("RU",)),)),
        Actor("listed", "by mmsi", vessels=(KnownVessel(mmsi="338000004"),)),
        Actor("z-mmsi", "by rule mmsi", rules=(ActorRule(mmsi=("273000002",)),)),
    )
    actor = {r["mmsi"]: r["actor_id"] for r in vessel_identity(filled, actors).to_pylist()}
    assert actor == {
        "273000001": None, "273000002": "z-mmsi", "352000003": None, "338000004": "listed",
        "273000005": "navy", "273396130": None,
    }
    filled.close()


def test_explained_matches_agree_with_bulk(filled: Workspace) -> None:
    from basewatch.watchlist.store import read_actors

    actors = read_actors(filled)
    for row in vessel_identity(filled).to_pylist():
        facts = vessel_facts(filled, row["mmsi"])
        matching = [a.id for a in sorted(actors, key=lambda a: a.id) if match_vessel(a, facts)]
        assert row["actor_id"] == (matching[0] if matching else None), row["mmsi"]
    mod = next(a for a in actors if a.id == "ru-mod-transport")
    why = match_vessel(mod, vessel_facts(filled, "352000003"))
    assert [(m.rule_index is not None, [c.field for c in m.conditions]) for m in why] == [(True, ["imo"])]
    assert why[0].conditions[0].value == "9743033"
    listed = match_vessel(mod, vessel_facts(filled, "273396130"))
    assert listed[0].rule_index is None and listed[0].conditions[0].field == "vessels"
    assert {c.field for m in listed[1:] for c in m.conditions} == {"ship_names", "flags", "imo"}
    filled.close()


def test_ship_type_names() -> None:
    assert ship_type_name(35) == "military ops"
    assert ship_type_name(70) == ship_type_name(79) == "cargo"
    assert ship_type_name(0) is None and ship_type_name(None) is None


def test_vessels_command(filled: Workspace, tmp_path: Path) -> None:
    filled.close()
    out = subprocess.run(
        [sys.executable, "-m", "basewatch", "-w", str(tmp_path / "ws.duckdb"), "vessels", "--format", "json"],
        capture_output=True, text=True, check=True,
    )
    vessels = {v["mmsi"]: v for v in json.loads(out.stdout)}
    v = vessels["273000001"]
    assert {k: v[k] for k in ("name", "flag", "type", "first_seen", "last_seen", "positions", "actor")} == {
        "name": "SPARTA IV", "flag": "RU", "type": 70, "first_seen": "2023-11-14T22:14:20Z",
        "last_seen": "2023-11-14T23:13:20Z", "positions": 2, "actor": "ru-mod-transport",
    }


def test_vessels_why(filled: Workspace, tmp_path: Path) -> None:
    filled.close()
    out = subprocess.run(
        [sys.executable, "-m", "basewatch", "-w", str(tmp_path / "ws.duckdb"), "vessels", "--why", "352000003",
         "--format", "json"],
        capture_output=True, text=True, check=True,
    )
    (why,) = json.loads(out.stdout)
    assert why["flag"] == "PA" and why["names"] == ["NEW NAME"] and why["imo"] == ["9743033"]
    actor = default_watchlist().actor("ru-mod-transport")
    assert actor is not None
    imo_rule = next(i for i, r in enumerate(actor.rules) if "9743033" in r.imo)
    assert {"actor": "ru-mod-transport", "rule": imo_rule, "reason": "imo '9743033' ~ '9743033'"} in why["matches"]
