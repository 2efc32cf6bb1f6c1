"""Actor rules: hand-made cases for each condition, the founding case (RA-82038), and the bulk SQL form
(aircraft_identity) cross-checked against the per-aircraft Python form (match_aircraft)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from basewatch.identity.actors import (
    AircraftFacts,
    aircraft_facts,
    aircraft_identity,
    match_aircraft,
)
from basewatch.identity.aircraftdb import import_aircraft_db
from basewatch.watchlist.load import default_watchlist
from basewatch.watchlist.model import Actor, ActorRule, KnownAircraft
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file


def _ru_mod() -> Actor:
    actor = default_watchlist().actor("ru-mod-transport")
    assert actor is not None
    return actor


def _without_known(actor: Actor) -> Actor:
    """The same rules, without the listed airframes: only the rules can make a match."""
    return dataclasses.replace(actor, aircraft=())


def _add_points(ws: Workspace, points: Sequence[tuple[str, str | None]]) -> None:
    ws.con.execute(
        "INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates) "
        "VALUES ('test', ?, 'test', now(), 0, 0, 0)",
        [f"{random.random()}"],
    )
    sid = ws.con.execute("SELECT max(source_id) FROM sources").fetchone()[0]  # type: ignore[index]
    for i, (icao, callsign) in enumerate(points):
        ws.con.execute(
            "INSERT INTO aircraft_points (icao24, time, lat, lon, callsign, source_id, row_no) "
            "VALUES (?, TIMESTAMPTZ '2024-12-10 10:00:00+00' + to_seconds(?), 35.4, 35.9, ?, ?, ?)",
            [icao, i, callsign, sid, i + 1],
        )


def _add_aircraft(ws: Workspace, icao: str, typecode: str | None, origin: str = "opensky-db", **kw: object) -> None:
    ws.con.execute(
        "INSERT INTO aircraft (icao24, registration, typecode, operator, military, origin) VALUES (?, ?, ?, ?, ?, ?)",
        [icao, kw.get("registration"), typecode, kw.get("operator"), kw.get("military"), origin],
    )


def _actor_of(ws: Workspace, actors: Sequence[Actor]) -> dict[str, str | None]:
    t = aircraft_identity(ws, actors)
    return dict(zip(t.column("icao24").to_pylist(), t.column("actor_id").to_pylist(), strict=True))


# ---- per aircraft (match_aircraft) ------------------------------------------------------------


def test_us_address_with_il76_type_is_not_in_the_russian_range_rule() -> None:
    actor = _without_known(_ru_mod())
    facts = AircraftFacts(icao24="a12345", country="US", typecodes=("IL76",), registrations=("N76IL",))
    assert match_aircraft(actor, facts) == []
    russian = dataclasses.replace(facts, icao24="152000")
    [m] = match_aircraft(actor, russian)
    assert m.rule_index == 0
    assert [(c.field, c.condition, c.value) for c in m.conditions] == [
        ("icao_ranges", "100000-1fffff", "152000"),
        ("typecodes", "IL76", "IL76"),
    ]


@pytest.mark.parametrize(
    ("callsign", "matches"),
    [("RFF1234", True), ("rff1234", True), ("RFF", False), ("XRFF1234", False), ("TTF7001", True), ("RSDX", False)],
)
def test_callsign_patterns_are_anchored_and_case_insensitive(callsign: str, matches: bool) -> None:
    facts = AircraftFacts(icao24="abcdef", callsigns=(callsign,))
    got = match_aircraft(_without_known(_ru_mod()), facts)
    assert bool(got) is matches
    if matches:
        assert got[0].rule_index == 1 and got[0].conditions[0].field == "callsigns"


def test_registration_prefix_rule() -> None:
    actor = _without_known(_ru_mod())
    assert [m.rule_index for m in match_aircraft(actor, AircraftFacts("abcdef", registrations=("RF-94272",)))] == [2]
    assert match_aircraft(actor, AircraftFacts("abcdef", registrations=("RA-82038",))) == []


def test_vessel_only_rules_never_match_an_aircraft() -> None:
    actor = Actor(id="ships", name="ships", rules=(ActorRule(ship_names=("SPARTA",), flags=("RU",)), ActorRule()))
    facts = AircraftFacts("154076", registrations=("SPARTA",), callsigns=("SPARTA",), typecodes=("SPARTA",))
    assert match_aircraft(actor, facts) == []


def test_all_conditions_of_a_rule_must_hold() -> None:
    rule = ActorRule(icao_ranges=((0x100000, 0x1FFFFF),), operators=("224th",), military=True)
    actor = Actor(id="x", name="x", rules=(rule,))
    full = AircraftFacts("154076", operators=("224th Flight Unit",), military=True)
    assert len(match_aircraft(actor, full)) == 1
    assert match_aircraft(actor, dataclasses.replace(full, military=None)) == []
    assert match_aircraft(actor, dataclasses.replace(full, military=False)) == []
    assert match_aircraft(actor, dataclasses.replace(full, operators=("Aeroflot",))) == []
    assert match_aircraft(actor, dataclasses.replace(full, icao24="3c6444")) == []


def test_listed_aircraft_belong_to_their_actor() -> None:
    [m] = match_aircraft(_ru_mod(), AircraftFacts("15406E"))
    assert m.rule_index is None and "listed" in m.reason


# ---- the founding case ------------------------------------------------------------------------


# An SBS-1 log of RA-82038 leaving Khmeimim (crafted; positions near OSLK 35.4011 N 35.9487 E), and a
# US airframe with the same callsign pattern nowhere in it.
SBS_LOG = """MSG,1,1,1,154076,1,2024/12/10,08:00:00.000,2024/12/10,08:00:00.000,RFF7032 ,,,,,,,,,,,0
MSG,3,1,1,154076,1,2024/12/10,08:00:01.000,2024/12/10,08:00:01.000,,1500,,,35.41,35.95,,,0,0,0,0
MSG,3,1,1,154076,1,2024/12/10,08:00:11.000,2024/12/10,08:00:11.000,,2500,,,35.45,35.99,,,0,0,0,0
MSG,1,1,1,A0D724,1,2024/12/10,08:00:12.000,2024/12/10,08:00:12.000,UPS2    ,,,,,,,,,,,0
MSG,3,1,1,A0D724,1,2024/12/10,08:00:13.000,2024/12/10,08:00:13.000,,31000,,,36.0,36.5,,,0,0,0,0
"""


def test_ra82038_matches_ru_mod_transport_from_its_points_and_the_tar1090_file(
    workspace: Workspace, tmp_path: Path
) -> None:
    from basewatch.ingest.pipeline import ingest_file

    extract = shared_file("reference/tar1090db_RU_SY_LY_transport_watchlist.csv")
    log = tmp_path / "khmeimim.sbs"
    log.write_text(SBS_LOG, encoding="utf-8")
    assert ingest_file(workspace, log, "sbs").accepted == 3
    actor = _without_known(_ru_mod())
    # before the aircraft database only the callsign rule (RFF...) can match
    facts = aircraft_facts(workspace, "154076", [actor])
    assert facts.typecodes == () and facts.callsigns == ("RFF7032",)
    assert [m.rule_index for m in match_aircraft(actor, facts)] == [1]
    import_aircraft_db(workspace, extract)
    facts = aircraft_facts(workspace, "154076", [actor])
    assert facts.registrations == ("RA-82038",) and facts.typecodes == ("A124",) and facts.military is True
    assert [m.rule_index for m in match_aircraft(actor, facts)] == [0, 1]
    ident = {r["icao24"]: r for r in aircraft_identity(workspace, [actor]).to_pylist()}
    assert ident["154076"] == {
        "icao24": "154076",
        "country": "RU",
        "registration": "RA-82038",
        "typecode": "A124",
        "operator": None,
        "military": True,
        "actor_id": "ru-mod-transport",
    }
    assert ident["a0d724"]["actor_id"] is None and ident["a0d724"]["country"] == "US"
    assert len(ident) == 475 + 1  # every airframe of the extract, and the US one seen in the log
    # the same with the default watchlist as stored in the workspace (it also lists RA-82038 by name)
    stored = {r["icao24"]: r for r in aircraft_identity(workspace).to_pylist()}
    assert stored["154076"]["actor_id"] == "ru-mod-transport"
    assert stored["154076"]["operator"] == "224th Flight Unit"  # the watchlist's fact comes first


def test_rule_without_callsign_needs_the_type_facts(workspace: Workspace) -> None:
    actor = _without_known(_ru_mod())
    _add_points(workspace, [("154076", "ABC123")])
    assert _actor_of(workspace, [actor]) == {"154076": None}
    _add_aircraft(workspace, "154076", "A124", origin="tar1090-db")
    assert _actor_of(workspace, [actor]) == {"154076": "ru-mod-transport"}


# ---- bulk form ----------------------------------------------------------------------------------


def test_identity_columns_and_best_known_values(workspace: Workspace) -> None:
    _add_points(workspace, [("3c6444", "DLH4AB")])
    _add_aircraft(workspace, "3c6444", "A320", origin="opensky-db", registration="D-AIBA", operator="Lufthansa")
    _add_aircraft(workspace, "3c6444", "A321", origin="tar1090-db", registration="D-AIBA")
    watch = Actor(id="w", name="w", aircraft=(KnownAircraft("3c6444", typecode="A20N"),))
    t = aircraft_identity(workspace, [watch])
    assert t.schema.names == ["icao24", "country", "registration", "typecode", "operator", "military", "actor_id"]
    # typecode: watchlist beats tar1090-db beats opensky-db; operator only opensky-db knows
    assert t.to_pylist() == [
        {
            "icao24": "3c6444",
            "country": "DE",
            "registration": "D-AIBA",
            "typecode": "A20N",
            "operator": "Lufthansa",
            "military": None,
            "actor_id": "w",
        }
    ]


def test_first_actor_in_id_order_wins(workspace: Workspace) -> None:
    _add_points(workspace, [("154076", "RFF1")])
    rule = ActorRule(callsigns=("RFF",))
    actors = [Actor(id="zulu", name="z", rules=(rule,)), Actor(id="alpha", name="a", rules=(rule,))]
    assert _actor_of(workspace, actors) == {"154076": "alpha"}


def test_empty_workspace(workspace: Workspace) -> None:
    t = aircraft_identity(workspace)
    assert t.num_rows == 0 and t.schema.names[-1] == "actor_id"


def test_bulk_agrees_with_per_aircraft_matching(workspace: Workspace) -> None:
    """Random facts and rules: the SQL (RE2) form and the Python (re) form must agree on every aircraft."""
    rnd = random.Random(42)
    regs = ["RA-82038", "RF-94272", "N123", "5A-POL", "YK-ATA", "ra-1", None]
    types = ["A124", "IL76", "B738", "T154", "il62", None]
    calls = ["RFF1234", "TTF01", "SYR501", "DLH4", "rff9", None]
    ops = ["224th Flight Unit", "Russia - Air Force", "Lufthansa", None]
    icaos = [
        f"{rnd.choice([0x150000, 0x778000, 0x018000, 0xA00000, 0x3C0000]) + rnd.randrange(4096):06x}" for _ in range(80)
    ]
    for icao in sorted(set(icaos)):
        _add_points(workspace, [(icao, rnd.choice(calls)), (icao, rnd.choice(calls))])
        for origin in rnd.sample(["opensky-db", "tar1090-db", "ru-registry"], rnd.randrange(3)):
            _add_aircraft(
                workspace,
                icao,
                rnd.choice(types),
                origin,
                registration=rnd.choice(regs),
                operator=rnd.choice(ops),
                military=rnd.choice([True, False, None]),
            )
    patterns = {
        "registrations": ["RA-", "RF-\\d+", "5A|YK"],
        "typecodes": ["A124", "IL(76|62)", "T1"],
        "callsigns": ["RFF\\d+", "SYR", "TTF0"],
        "operators": ["224", "Russia"],
    }
    actors = []
    for a in range(4):
        rules = []
        for _ in range(3):
            kw: dict[str, object] = {k: tuple(rnd.sample(v, rnd.randrange(2))) for k, v in patterns.items()}
            if rnd.random() < 0.4:
                kw["icao_ranges"] = ((0x100000, 0x1FFFFF),) if rnd.random() < 0.5 else ((0x778000, 0x77FFFF),)
            if rnd.random() < 0.2:
                kw["military"] = rnd.choice([True, False])
            rules.append(ActorRule(**kw))  # type: ignore[arg-type]
        actors.append(Actor(id=f"actor-{a}", name=str(a), rules=tuple(rules)))
    bulk = _actor_of(workspace, actors)
    assert len(bulk) == len(set(icaos))
    n_matched = 0
    for icao, actor_id in bulk.items():
        facts = aircraft_facts(workspace, icao, actors)
        expected = next((a.id for a in actors if match_aircraft(a, facts)), None)
        assert actor_id == expected, (icao, facts)
        n_matched += actor_id is not None
    assert 0 < n_matched < len(bulk)  # the case mix exercises both outcomes


def test_non_hex_address_fails_only_address_conditions(workspace: Workspace) -> None:
    # readsb marks non-ICAO (TIS-B) addresses with '~': no State block, no ICAO range can hold
    actor = _without_known(_ru_mod())
    facts = AircraftFacts("~15407a", callsigns=("RFF55",), typecodes=("A124",))
    assert [m.rule_index for m in match_aircraft(actor, facts)] == [1]
    _add_points(workspace, [("~15407a", "RFF55"), ("~15407b", "XYZ1")])
    _add_aircraft(workspace, "~15407b", "A124", origin="tar1090-db")
    rows = {r["icao24"]: r for r in aircraft_identity(workspace, [actor]).to_pylist()}
    assert rows["~15407a"]["actor_id"] == "ru-mod-transport" and rows["~15407a"]["country"] is None
    assert rows["~15407b"]["actor_id"] is None  # A124 but not in the Russian block


def test_identity_of_real_flight_records(workspace: Workspace) -> None:
    """Real files of ../shared/data/adsb; facts from its README: readsb trace of Delta B739 N899DN (ac671b),
    US Navy ae0455, French Air Force 3b7777."""
    from basewatch.ingest.pipeline import ingest_file

    for name in (
        "traffic_readsb_trace_full_ac671b.json",
        "traffic_military_aircraft_carrier.json.gz",
        "traffic_military_inflight_refuelling.json.gz",
    ):
        ingest_file(workspace, shared_file(f"adsb/{name}"))
    rows = {r["icao24"]: r for r in aircraft_identity(workspace).to_pylist()}
    assert set(rows) == {"ac671b", "ae0455", "3b7777"}
    assert rows["ac671b"]["country"] == "US"
    assert (rows["ac671b"]["registration"], rows["ac671b"]["typecode"]) == ("N899DN", "B739")
    assert rows["ae0455"]["country"] == "US" and rows["3b7777"]["country"] == "FR"
    assert all(r["actor_id"] is None for r in rows.values())  # none is a Russian state aircraft
