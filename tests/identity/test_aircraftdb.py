"""Aircraft database import: crafted files in each layout (facts written by hand), the reference files
in ../shared (facts read by hand or with the csv / sqlite3 modules), bad files, idempotence."""

from __future__ import annotations

import csv
import gzip
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from basewatch.errors import InputFormatError
from basewatch.identity.aircraftdb import choose_reader, import_aircraft_db
from basewatch.workspace.core import Workspace
from tests.conftest import shared_file

DATA = Path(__file__).parent / "data"  # crafted samples, facts written by hand

OPENSKY_NEW = (DATA / "opensky_complete_2024-10_sample.csv").read_text(encoding="utf-8")

OPENSKY_OLD = (DATA / "opensky_aircraftDatabase_sample.csv").read_text(encoding="utf-8")

# tar1090-db aircraft.csv: hex;registration;typecode;dbFlags;description;year;owner/operator
TAR1090 = """154076;RA-82038;A124;10;ANTONOV An-124 Ruslan;;224th Flight Unit
018098;5A-POL;IL76;11;ILYUSHIN Il-76/82;1988;
a12345;N12345;C172;00;CESSNA 172 Skyhawk;1979;Private
nothex;N1;C172;00;CESSNA;;
ae0455;;;1000;;;
short;line
"""


def _write(path: Path, text: str, gz: bool = False) -> Path:
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _rows(ws: Workspace, origin: str) -> dict[str, tuple[object, ...]]:
    got = ws.con.execute(
        "SELECT icao24, registration, typecode, type_desc, operator, military FROM aircraft WHERE origin = ?",
        [origin],
    ).fetchall()
    return {r[0]: r[1:] for r in got}


def test_opensky_recent_single_quoted(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path / "aircraft-database-complete-2024-10.csv", OPENSKY_NEW)
    assert choose_reader(path).name == "opensky-db"
    report = import_aircraft_db(workspace, path)
    assert (report.accepted, report.rejected) == (3, 2)
    # line 4: bad hex; line 5 blank (skipped, not counted); line 6: no facts at all
    assert report.reasons["icao24 is not 1-6 hex digits"]["lines"] == [4]
    assert report.reasons["no registration, type, operator or military flag"]["lines"] == [6]
    rows = _rows(workspace, "opensky-db")
    assert rows["3c6444"] == ("D-AIBA", "A320", "Airbus A320 214", "Lufthansa", None)
    # no operator: the owner stands in; a comma inside quotes stays in the value
    assert rows["a0d724"] == ("N124UP", "A306", "Airbus A300F4-622R", "United Parcel Service, Inc.", None)
    assert rows["010093"][:2] == ("SU-GCC", "A320")


def test_opensky_old_double_quoted_gzip(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path / "aircraftDatabase.csv.gz", OPENSKY_OLD, gz=True)
    report = import_aircraft_db(workspace, path)
    assert (report.input_format, report.accepted, report.rejected) == ("opensky-db", 1, 1)
    assert _rows(workspace, "opensky-db") == {"4ca123": ("EI-ABC", "B738", "Boeing 737-8AS", "Ryanair", None)}


def test_tar1090_db_semicolons(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path / "aircraft.csv.gz", TAR1090, gz=True)
    assert choose_reader(path).name == "tar1090-db"
    report = import_aircraft_db(workspace, path)
    assert (report.accepted, report.rejected) == (4, 2)
    assert report.reasons["icao24 is not 1-6 hex digits"]["lines"] == [4]
    assert report.reasons["malformed line (wrong number of fields)"]["lines"] == [6]
    rows = _rows(workspace, "tar1090-db")
    # dbFlags: character i is bit i, bit 0 = military
    assert rows["154076"] == ("RA-82038", "A124", "ANTONOV An-124 Ruslan", "224th Flight Unit", True)
    assert rows["018098"] == ("5A-POL", "IL76", "ILYUSHIN Il-76/82", None, True)
    assert rows["a12345"] == ("N12345", "C172", "CESSNA 172 Skyhawk", "Private", False)
    assert rows["ae0455"] == (None, None, None, None, True)  # only the military flag is known


def test_reimport_adds_nothing_and_source_is_recorded(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path / "aircraft.csv", TAR1090)
    first = import_aircraft_db(workspace, path)
    again = import_aircraft_db(workspace, path)
    assert first.accepted == 4 and again.already_ingested and again.accepted == 0
    src = workspace.con.execute("SELECT input_format, accepted, rejected FROM sources").fetchall()
    assert src == [("tar1090-db", 4, 2)]
    assert workspace.con.execute("SELECT count(DISTINCT source_id) FROM aircraft").fetchone() == (1,)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"\x00\x01\x02\xff\xfe binary garbage \x00" * 50, "not a recognised aircraft database"),
        (b"time,icao24,lat,lon\n1,abc,1,2\n", "not a recognised aircraft database"),
        (b"hello;world;this;is;text\nnot;hex;at;all;really\n", "not a recognised aircraft database"),
    ],
)
def test_wrong_files_raise_and_write_nothing(
    workspace: Workspace, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputFormatError, match=message):
        import_aircraft_db(workspace, path)
    assert workspace.con.execute("SELECT count(*) FROM aircraft").fetchone() == (0,)
    assert workspace.con.execute("SELECT count(*) FROM sources").fetchone() == (0,)


def test_file_of_the_layout_without_any_good_record_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    path = _write(tmp_path / "x.csv", "icao24,registration,typecode,dbflags,desc\nnothex,RA-1,IL76,10,\n")
    with pytest.raises(InputFormatError, match="no valid aircraft record"):
        import_aircraft_db(workspace, path)


def test_cli_wrong_file_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    proc = subprocess.run(
        [sys.executable, "-m", "basewatch", "-w", str(tmp_path / "w.duckdb"), "aircraft", "import", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "not a recognised aircraft database" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") <= 3


def test_cli_import_json(tmp_path: Path) -> None:
    path = _write(tmp_path / "aircraft.csv", TAR1090)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "basewatch",
            "-w",
            str(tmp_path / "w.duckdb"),
            "aircraft",
            "import",
            str(path),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out[0]["accepted"] == 4 and out[0]["rejected"] == 2


# ---- reference files in ../shared -------------------------------------------------------------


def test_shared_tar1090_extract(workspace: Workspace) -> None:
    path = shared_file("reference/tar1090db_RU_SY_LY_transport_watchlist.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    report = import_aircraft_db(workspace, path)
    assert (report.accepted, report.rejected) == (len(expected), 0) == (475, 0)
    rows = _rows(workspace, "tar1090-db")
    # read by hand from the file: 154076,RA-82038,A124,11,ANTONOV An-124 Ruslan
    assert rows["154076"] == ("RA-82038", "A124", "ANTONOV An-124 Ruslan", None, True)
    n_il76 = sum(1 for r in expected if r["typecode"] == "IL76")
    assert sum(1 for r in rows.values() if r[1] == "IL76") == n_il76
    n_mil = sum(1 for r in expected if r["dbflags"].startswith("1"))
    assert sum(1 for r in rows.values() if r[4]) == n_mil


def test_shared_ru_registry(workspace: Workspace) -> None:
    path = shared_file("reference/ru_aircraft_registry.sqlite3")
    con = sqlite3.connect(path)
    total = con.execute("SELECT count(*) FROM aircraftdb").fetchone()[0]
    no_hex = con.execute("SELECT count(*) FROM aircraftdb WHERE icao_24bit_address = '-'").fetchone()[0]
    distinct = con.execute(
        "SELECT count(DISTINCT lower(icao_24bit_address)) FROM aircraftdb WHERE icao_24bit_address <> '-'"
    ).fetchone()[0]
    con.close()
    report = import_aircraft_db(workspace, path)
    assert total == 6725  # data README: 6,725 Russian aircraft
    assert report.rejected == no_hex == 3
    assert report.accepted == distinct  # one row per address; the last registration of an address wins
    rows = _rows(workspace, "ru-registry")
    assert rows["154076"][0] == "RA-82038"
    assert rows["154076"][1] == "A124"
    assert rows["154076"][3] == "Russia - 224th Flight Unit State Airline"


# ---- one ingest registry (issue 9) ---------------------------------------------------------------


def test_truncated_gzip_is_reported_as_damaged_not_empty(tmp_path: Path) -> None:
    full = tmp_path / "full.csv.gz"
    rows = "".join(f"{0x150000 + i:06x};RA-{i:05d};IL76;10;ILYUSHIN Il-76;1990;\n" for i in range(20000))
    _write(full, rows, gz=True)
    cut = tmp_path / "aircraft.csv.gz"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    assert choose_reader(cut).name == "tar1090-db"  # sniffed on what decompresses
    with Workspace(tmp_path / "w.duckdb") as ws, pytest.raises(InputFormatError, match="gzip stream damaged") as err:
        import_aircraft_db(ws, cut)
    assert "file is empty" not in str(err.value)


def test_plain_ingest_reads_aircraft_databases(tmp_path: Path) -> None:
    from basewatch.ingest.pipeline import ingest_file
    from basewatch.ingest.registry import reader_names

    assert {"opensky-db", "tar1090-db", "tar1090-extract", "ru-registry"} <= set(reader_names())
    path = _write(tmp_path / "aircraft.csv", TAR1090)
    with Workspace(tmp_path / "w.duckdb") as ws:
        report = ingest_file(ws, path)
        assert (report.input_format, report.accepted, report.rejected) == ("tar1090-db", 4, 2)
        row = ws.con.execute("SELECT registration, typecode FROM aircraft WHERE icao24 = '154076'").fetchone()
    assert row == ("RA-82038", "A124")
