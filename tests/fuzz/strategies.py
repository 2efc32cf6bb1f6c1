"""Hypothesis strategies seeded from the real samples: real rows and records with some fields replaced by
hostile values (huge integers, NaN and infinities, far and negative times, odd text, invalid UTF-8).

Unlike byte mutations, these keep the file well-formed (valid JSON, CSV of the right width), so they reach
the value checks behind the parsers."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.mutate import HUGE, TIMES
from tests.fuzz.seeds import Seed

TEXT_VALUES = st.one_of(
    st.sampled_from(HUGE + TIMES),
    st.integers(min_value=-(2**80), max_value=2**80).map(lambda n: str(n).encode()),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f).encode()),
    st.text(max_size=12).map(lambda t: t.replace(",", " ").replace("\n", " ").encode("utf-8", "surrogatepass")),
    st.binary(max_size=6).filter(lambda b: b"," not in b and b"\n" not in b and b"\r" not in b),
    st.just(b""),
)
JSON_VALUES: st.SearchStrategy[Any] = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=10),
    st.sampled_from([10**20, 2**64, -(2**63) - 1, 1e308, 253402300799, -1, "ground", [], {}, [1, 2]]),
)


@st.composite
def csv_rows(draw: st.DrawFn, seed: Seed) -> bytes:
    """The seed's header and some of its rows, a few fields replaced."""
    lines = seed.data.splitlines()
    has_header = seed.fmt in ("opensky", "ais-csv") or (seed.fmt == "avr" and lines[0][:1].isalpha())
    header, rows = (lines[:1], lines[1:]) if has_header else ([], lines)
    picked = draw(st.lists(st.sampled_from(rows), min_size=1, max_size=12))
    out = []
    for row in picked:
        fields = row.split(b",")
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            fields[draw(st.integers(min_value=0, max_value=len(fields) - 1))] = draw(TEXT_VALUES)
        out.append(b",".join(fields))
    return b"\n".join([*header, *out]) + b"\n"


@st.composite
def json_records(draw: st.DrawFn, seed: Seed) -> bytes:
    """readsb trace points, traffic records or jet1090 lines of the seed, a few values replaced."""
    if seed.fmt == "jet1090":
        records = [json.loads(line) for line in seed.data.splitlines() if line.strip()]
    else:
        doc = json.loads(seed.data)
        records = doc["trace"] if seed.fmt == "readsb" else doc
    picked = [json.loads(json.dumps(r)) for r in draw(st.lists(st.sampled_from(records), min_size=1, max_size=12))]
    for rec in picked:
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            if isinstance(rec, list) and rec:
                rec[draw(st.integers(min_value=0, max_value=len(rec) - 1))] = draw(JSON_VALUES)
            elif isinstance(rec, dict) and rec:
                rec[draw(st.sampled_from(sorted(rec)))] = draw(JSON_VALUES)
    if seed.fmt == "jet1090":
        return b"".join(json.dumps(r).encode() + b"\n" for r in picked)
    if seed.fmt == "readsb":
        doc = json.loads(seed.data)
        doc["trace"] = picked
        if draw(st.booleans()):
            doc[draw(st.sampled_from(["timestamp", "icao", "dbFlags"]))] = draw(JSON_VALUES)
        return json.dumps(doc).encode()
    return json.dumps(picked).encode()


def structured(seed: Seed) -> st.SearchStrategy[bytes] | None:
    """The strategy for a seed's format, or None (binary and Parquet seeds are left to the mutation driver)."""
    if seed.fmt in ("readsb", "traffic-json", "jet1090"):
        return json_records(seed)
    if seed.fmt in ("opensky", "ais-csv", "sbs", "avr") and seed.table is None:
        return csv_rows(seed)
    return None
