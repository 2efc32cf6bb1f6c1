"""User watchlists: loading, overriding and adding sites/actors in the workspace, and clear errors
(naming the file and the entry) for invalid files, also through the CLI (exit code 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from basewatch.errors import WatchlistError
from basewatch.watchlist.load import load_watchlist
from basewatch.watchlist.store import read_actors, read_sites, store_watchlist
from basewatch.workspace.core import Workspace

USER = """
name = "my-list"

[[sites]]
id = "khmeimim"
name = "Khmeimim (wider area)"
aliases = ["Hmeimim"]
kind = "airbase"
country = "SY"
icao = "OSLK"
lat = 35.40
lon = 35.95
radius_km = 12.5

[[sites]]
id = "port-sudan"
name = "Port Sudan"
kind = "port"
country = "SD"
lat = 19.6
lon = 37.2333

[[sites]]
id = "wagner-area"
name = "An area"
kind = "region"
polygon = [[20.0, 31.0], [21.0, 31.0], [21.0, 32.0], [20.0, 32.0]]

[[actors]]
id = "sy-af"
name = "Syrian Arab Air Force"

[[actors.rules]]
icao_ranges = [["778000", "77FFFF"]]
military = true

[[actors.aircraft]]
icao24 = "77A01"
registration = "YK-ATA"
typecode = "IL76"
"""


def _load_text(tmp_path: Path, text: str, name: str = "user.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_overrides_and_adds(workspace: Workspace, tmp_path: Path) -> None:
    path = _load_text(tmp_path, USER)
    wl = load_watchlist(path)
    assert wl.name == "my-list"
    n_before = len(read_sites(workspace))
    assert store_watchlist(workspace, wl, str(path), path.read_text()) == (3, 1)
    sites = {s.id: s for s in read_sites(workspace)}
    assert len(sites) == n_before + 2  # khmeimim replaced, two added
    assert sites["khmeimim"].radius_km == 12.5 and sites["khmeimim"].name == "Khmeimim (wider area)"
    assert sites["port-sudan"].radius_km == 3.0  # default radius of a port
    assert sites["wagner-area"].polygon == ((20.0, 31.0), (21.0, 31.0), (21.0, 32.0), (20.0, 32.0))
    actors = {a.id: a for a in read_actors(workspace)}
    assert set(actors) == {"ru-mod-transport", "ru-navy", "sy-af"}
    assert actors["sy-af"].rules[0].icao_ranges == ((0x778000, 0x77FFFF),)
    assert actors["sy-af"].aircraft[0].icao24 == "077a01"  # hex normalised to 6 lower-case digits
    # loading the same file again replaces, never duplicates
    store_watchlist(workspace, wl, str(path), path.read_text())
    assert len(read_sites(workspace)) == n_before + 2


BAD = [
    ("missing_lat", '[[sites]]\nid = "x"\nname = "X"\nkind = "airbase"\nlon = 1.0\n', "sites[0] (x): give lat and lon"),
    (
        "kind_wrong",
        '[[sites]]\nid = "x"\nname = "X"\nkind = "harbour"\nlat = 1.0\nlon = 1.0\n',
        "sites[0] (x): kind must be",
    ),
    (
        "bad_polygon",
        '[[sites]]\nid = "p"\nname = "P"\nkind = "region"\npolygon = [[1.0, 2.0], [3.0]]\n',
        "sites[0] (p): polygon",
    ),
    (
        "polygon_too_short",
        '[[sites]]\nid = "p"\nname = "P"\nkind = "region"\npolygon = [[1.0, 2.0], [3.0, 4.0]]\n',
        "sites[0] (p): polygon needs >= 3",
    ),
    (
        "duplicate_ids",
        '[[sites]]\nid = "a"\nname = "A"\nkind = "port"\nlat = 1.0\nlon = 1.0\n'
        '[[sites]]\nid = "a"\nname = "B"\nkind = "port"\nlat = 2.0\nlon = 2.0\n',
        "duplicate site id(s): a",
    ),
    ("lat_out_of_range", '[[sites]]\nid = "x"\nname = "X"\nkind = "port"\nlat = 91.0\nlon = 1.0\n', "'lat' must be"),
    ("not_toml", "[[sites]\nid = ", "not valid TOML"),
    (
        "bad_regex",
        '[[actors]]\nid = "a"\nname = "A"\n[[actors.rules]]\ncallsigns = ["RFF(\\\\d+"]\n',
        "actors[0] (a): rules[0]",
    ),
    (
        "lookahead",
        '[[actors]]\nid = "a"\nname = "A"\n[[actors.rules]]\nregistrations = ["RA-(?=8)"]\n',
        "does not support",
    ),
    ("bad_range", '[[actors]]\nid = "a"\nname = "A"\n[[actors.rules]]\nicao_ranges = [["zz", "1"]]\n', "icao_ranges"),
    ("typo_key", '[[actors]]\nid = "a"\nname = "A"\n[[actors.rules]]\ncallsign = ["RFF"]\n', "unknown key(s) callsign"),
    ("bad_known_hex", '[[actors]]\nid = "a"\nname = "A"\n[[actors.aircraft]]\nicao24 = "RA-82038"\n', "aircraft[0]"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_invalid_files_name_file_and_entry(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = _load_text(tmp_path, text, f"{name}.toml")
    with pytest.raises(WatchlistError) as err:
        load_watchlist(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WatchlistError, match="cannot read watchlist"):
        load_watchlist(tmp_path / "nope.toml")


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "basewatch", "-w", str(tmp_path / "w.duckdb"), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_load_sites_actors(tmp_path: Path) -> None:
    path = _load_text(tmp_path, USER)
    done = _cli(tmp_path, "watchlist", "load", str(path))
    assert done.returncode == 0, done.stderr
    assert "3 sites and 1 actors" in done.stdout
    sites = {s["site_id"]: s for s in json.loads(_cli(tmp_path, "sites", "--format", "json").stdout)}
    assert sites["port-sudan"]["lat"] == 19.6 and sites["khmeimim"]["radius_km"] == 12.5
    actors = {a["actor_id"]: a for a in json.loads(_cli(tmp_path, "actors", "--format", "json").stdout)}
    assert actors["sy-af"]["aircraft"] == ["YK-ATA"]


def test_cli_invalid_file_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    path = _load_text(tmp_path, BAD[1][1], "bad.toml")
    done = _cli(tmp_path, "watchlist", "load", str(path))
    assert done.returncode == 2
    assert "bad.toml" in done.stderr and "kind must be" in done.stderr
    assert "Traceback" not in done.stderr
    with Workspace(tmp_path / "w.duckdb") as ws:
        assert "x" not in {s.id for s in read_sites(ws)}
