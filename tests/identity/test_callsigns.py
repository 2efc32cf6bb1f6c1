"""The aircraft_callsigns summary (migration 0008): backfill of older workspaces, upkeep at ingest (one
transaction with the points), repair after points written by raw SQL; and the bulk identity read from it
equal to an independent computation straight from aircraft_points."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from basewatch.identity import callsigns
from basewatch.identity.actors import IDENTITY_COLUMNS, aircraft_identity, create_identity_table
from basewatch.identity.icao_blocks import country_of
from basewatch.ingest import pipeline
from basewatch.ingest.pipeline import ingest_file
from basewatch.watchlist.model import Actor, ActorRule
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

UTC = dt.UTC
SUMMARY = "SELECT icao24, callsign, points, first_seen, last_seen FROM aircraft_callsigns ORDER BY ALL"
GROUPED = (
    "SELECT icao24, callsign, count(*), min(time), max(time) FROM aircraft_points "
    "GROUP BY icao24, callsign ORDER BY ALL"
)


def _t(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2024, 12, 10, hour, minute, tzinfo=UTC)


def _raw_points(ws: Workspace, rows: list[tuple[str, dt.datetime, str | None]]) -> None:
    """Points written by plain SQL, bypassing ingest (as a benchmark or an older basewatch would)."""
    ws.con.execute(
        "INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates) "
        "VALUES ('raw', ?, 'test', now(), 0, 0, 0)", [f"raw-{len(rows)}-{rows[0][0]}"],
    )
    sid = ws.con.execute("SELECT max(source_id) FROM sources").fetchone()[0]  # type: ignore[index]
    for i, (icao, time, callsign) in enumerate(rows):
        ws.con.execute(
            "INSERT INTO aircraft_points (icao24, time, lat, lon, callsign, source_id, row_no) "
            "VALUES (?, ?, 35.4, 35.9, ?, ?, ?)", [icao, time, callsign, sid, i + 1],
        )


# Five hand-made points: 154076 flies as RFF7032 twice (08:00, 10:30) and once without callsign (09:15);
# 3c6444 once as DLH4A (12:00) and once without callsign (11:00).
HAND_POINTS = [
    ("154076", _t(8, 0), "RFF7032"),
    ("154076", _t(9, 15), None),
    ("154076", _t(10, 30), "RFF7032"),
    ("3c6444", _t(12, 0), "DLH4A"),
    ("3c6444", _t(11, 0), None),
]
HAND_SUMMARY = [
    ("154076", "RFF7032", 2, _t(8, 0), _t(10, 30)),
    ("154076", None, 1, _t(9, 15), _t(9, 15)),
    ("3c6444", "DLH4A", 1, _t(12, 0), _t(12, 0)),
    ("3c6444", None, 1, _t(11, 0), _t(11, 0)),
]


def _sorted(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r))


def test_migration_backfills_a_workspace_from_before_version_8(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Workspace(path) as ws:
        _raw_points(ws, HAND_POINTS)
        ws.con.execute("DROP TABLE aircraft_callsigns")  # the workspace as basewatch wrote it before 0008
        ws.con.execute("DELETE FROM schema_version WHERE version = 8")
    with Workspace(path) as ws:
        assert ws.con.execute("SELECT count(*) FROM schema_version WHERE version = 8").fetchone() == (1,)
        assert _sorted(ws.con.execute(SUMMARY).fetchall()) == _sorted(HAND_SUMMARY)


def test_old_workspace_opened_read_only_reads_the_points(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Workspace(path) as ws:
        _raw_points(ws, HAND_POINTS)
        ws.con.execute("DROP TABLE aircraft_callsigns")
        ws.con.execute("DELETE FROM schema_version WHERE version = 8")
    with Workspace(path, read_only=True) as ws:  # no migration: the summary is missing
        t = aircraft_identity(ws, [])
    assert t.column("icao24").to_pylist() == ["154076", "3c6444"]
    assert t.column("country").to_pylist() == ["RU", "DE"]


def test_points_written_by_raw_sql_are_caught_up(workspace: Workspace) -> None:
    workspace.con.execute(  # a row no point supports: the repair deletes it
        "INSERT INTO aircraft_callsigns VALUES ('abcdef', 'GHOST', 1, now(), now())")
    _raw_points(workspace, HAND_POINTS)
    assert not callsigns.is_current(workspace.con)
    rff = Actor(id="rff", name="RFF callsigns", rules=(ActorRule(callsigns=("RFF",)),))
    t = aircraft_identity(workspace, [rff])
    assert dict(zip(t.column("icao24").to_pylist(), t.column("actor_id").to_pylist(), strict=True)) == {
        "154076": "rff", "3c6444": None,
    }
    assert callsigns.is_current(workspace.con)  # rebuilt once, in place
    assert _sorted(workspace.con.execute(SUMMARY).fetchall()) == _sorted(HAND_SUMMARY)


def test_rebuild_inside_an_open_transaction_joins_it(workspace: Workspace) -> None:
    _raw_points(workspace, HAND_POINTS)
    with pytest.raises(RuntimeError), workspace.transaction():
        assert callsigns.refresh_callsigns(workspace)
        assert callsigns.is_current(workspace.con)
        raise RuntimeError("roll back")
    assert workspace.con.execute("SELECT count(*) FROM aircraft_callsigns").fetchone() == (0,)


def _halves(src: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two different files with the same aircraft: lines 1-300 and 200-486 of a timestamped-hex log."""
    lines = src.read_text().splitlines(keepends=True)
    assert len(lines) == 486
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("".join(lines[:300]))
    second.write_text("".join(lines[199:]))
    return first, second


def test_ingest_keeps_the_summary_across_files_with_the_same_aircraft(workspace: Workspace, tmp_path: Path) -> None:
    first, second = _halves(shared_file("adsb/rs1090_short_flights.csv"), tmp_path)
    one = ingest_file(workspace, first)
    after_one = workspace.con.execute(SUMMARY).fetchall()
    assert after_one == workspace.con.execute(GROUPED).fetchall()
    two = ingest_file(workspace, second)
    assert one.accepted > 0 and two.accepted > 0 and two.duplicates > 0  # lines 200-300 are in both
    both = workspace.con.execute(SUMMARY).fetchall()
    assert both == workspace.con.execute(GROUPED).fetchall()
    shared_aircraft = {r[0] for r in after_one} & {
        r[0] for r in workspace.con.execute(
            "SELECT DISTINCT icao24 FROM aircraft_points WHERE source_id = ?", [two.source_id]).fetchall()
    }
    assert shared_aircraft  # the second file added points to aircraft the first one had
    counts_one = {(r[0], r[1]): r[2] for r in after_one}
    grew = [r for r in both if counts_one.get((r[0], r[1]), 0) not in (0, r[2])]
    assert grew
    assert sum(r[2] for r in both) == one.accepted + two.accepted
    assert any(r[1] is None for r in both)  # points without callsign keep their own row
    again = ingest_file(workspace, second)  # same bytes: nothing added
    assert again.already_ingested
    assert workspace.con.execute(SUMMARY).fetchall() == both


def test_a_failed_ingest_leaves_neither_points_nor_callsigns(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = _halves(shared_file("adsb/rs1090_short_flights.csv"), tmp_path)
    real = callsigns.merge_source_callsigns

    def merge_then_fail(con: object, source_id: int) -> None:
        real(con, source_id)  # type: ignore[arg-type]
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "merge_source_callsigns", merge_then_fail)
    with pytest.raises(OSError):
        ingest_file(workspace, first)
    for table in ("sources", "aircraft_points", "aircraft_callsigns"):
        assert workspace.con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table


@pytest.fixture(scope="module")
def real_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Paris (213 aircraft), a short rs1090 log and a readsb trace (which also fills `aircraft`)."""
    files = [shared_file(f"adsb/{n}") for n in (
        "traffic_quickstart_paris_20211007.json.gz", "rs1090_short_flights.csv",
        "traffic_readsb_trace_full_ac671b.json")]
    ws = Workspace(tmp_path_factory.mktemp("real") / "ws.duckdb")
    for f in files:
        ingest_file(ws, f)
    return ws


def _callsigns_from_points(ws: Workspace) -> dict[str, set[str]]:
    """icao24 -> callsigns seen, straight from the points, cleaned in Python (trimmed, upper case)."""
    out: dict[str, set[str]] = {}
    for icao, cs in ws.con.execute("SELECT icao24, callsign FROM aircraft_points").fetchall():
        names = out.setdefault(icao, set())
        if cs is not None and cs.strip():
            names.add(cs.strip().upper())
    return out


def test_identity_from_the_summary_equals_one_from_the_points(real_ws: Workspace) -> None:
    assert callsigns.is_current(real_ws.con)  # kept by ingest, no repair needed
    seen = _callsigns_from_points(real_ws)
    listed = {r[0] for r in real_ws.con.execute("SELECT lower(icao24) FROM aircraft").fetchall()}
    assert len(seen) >= 213
    prefixes = {"afr": "AFR", "ezy": "EZY|EJU", "rff": "RFF"}
    actors = [Actor(id=k, name=k, rules=(ActorRule(callsigns=(p,)),)) for k, p in prefixes.items()]
    t = aircraft_identity(real_ws, actors)
    got = dict(zip(t.column("icao24").to_pylist(), t.column("actor_id").to_pylist(), strict=True))
    assert set(got) == set(seen) | listed
    assert t.column("icao24").to_pylist() == sorted(got)
    expected = {
        icao: next((k for k, p in sorted(prefixes.items()) if any(re.match(p, c) for c in seen.get(icao, ()))), None)
        for icao in got
    }
    assert got == expected
    assert sum(v == "afr" for v in got.values()) >= 10  # Air France flies around Paris
    blocks = [country_of(icao) for icao in t.column("icao24").to_pylist()]
    assert t.column("country").to_pylist() == [b.iso2 if b else None for b in blocks]


def test_identity_table_has_the_columns_of_the_arrow_form(real_ws: Workspace) -> None:
    create_identity_table(real_ws, "bw_identity")
    described = real_ws.con.execute("DESCRIBE bw_identity").fetchall()
    assert [(r[0], r[1]) for r in described] == [
        ("icao24", "VARCHAR"), ("country", "VARCHAR"), ("registration", "VARCHAR"), ("typecode", "VARCHAR"),
        ("operator", "VARCHAR"), ("military", "BOOLEAN"), ("actor_id", "VARCHAR"),
    ]
    assert [(r[0], r[1]) for r in described] == list(IDENTITY_COLUMNS)
    table_rows = real_ws.con.execute("SELECT * FROM bw_identity ORDER BY icao24").fetchall()
    assert table_rows == [tuple(r.values()) for r in aircraft_identity(real_ws).to_pylist()]
    create_identity_table(real_ws, "bw_identity")  # again: replaced, not an error
    real_ws.con.execute("DROP TABLE bw_identity")
    readsb = real_ws.con.execute(
        "SELECT registration, typecode FROM aircraft WHERE icao24 = 'ac671b'").fetchone()
    create_identity_table(real_ws, "bw_identity")
    assert readsb is not None and real_ws.con.execute(
        "SELECT registration, typecode FROM bw_identity WHERE icao24 = 'ac671b'").fetchone() == readsb


@pytest.mark.parametrize("name", ["bw identity", "x;DROP TABLE aircraft", '"q"', "", "1abc"])
def test_identity_table_name_must_be_a_plain_identifier(workspace: Workspace, name: str) -> None:
    with pytest.raises(ValueError, match="identifier"):
        create_identity_table(workspace, name, [])


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_actors_does_not_import_pyarrow() -> None:
    assert _run("import basewatch.identity.actors as a, sys; print('pyarrow' in sys.modules)") == "False"


def test_identity_table_is_built_without_pyarrow(tmp_path: Path) -> None:
    """pyarrow made unimportable in a fresh process: the SQL path still builds the table."""
    path = tmp_path / "ws.duckdb"
    with Workspace(path) as ws:
        _raw_points(ws, HAND_POINTS)
    code = (
        "import sys; sys.modules['pyarrow'] = None\n"
        "from basewatch.workspace.core import Workspace\n"
        "from basewatch.identity.actors import create_identity_table\n"
        f"ws = Workspace({str(path)!r})\n"
        "create_identity_table(ws, 'bw_identity')\n"
        "print(ws.con.execute('SELECT icao24, country, actor_id FROM bw_identity ORDER BY 1').fetchall())\n"
    )
    # default watchlist: 154076 is in the Russian block and flies as RFF7032 (a state transport callsign)
    out = _run(code)
    assert out.startswith("[('154076', 'RU', ") and "('3c6444', 'DE', None)" in out, out
