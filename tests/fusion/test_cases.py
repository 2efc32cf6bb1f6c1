"""The labelled fusion cases (cases.jsonl, labelled by hand before the code ran): dev and blind scored apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from basewatch.fusion.fuse import fuse
from basewatch.fusion.params import FusionParams
from basewatch.fusion.records import load_records
from tests.fusion.conftest import ACTOR, Rows, day

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases.jsonl").read_text().splitlines() if line]


def run_case(rows: Rows, case: dict[str, Any]) -> str:
    c = case["claim"]
    key = rows.claim(c["text"], c["event"], c["certainty"], site_ids=c["site_ids"], countries=c["countries"],
                     date=c["date"], report_date=c["report_date"], source=c["source"], actors=c["actors"])
    for f in case.get("flights", []):
        actor = f[5] if len(f) > 5 else ACTOR
        rows.flights(f[0], f[1], day(f[2]), f[3], f[4], actor=actor)
    for p in case.get("port_calls", []):
        rows.port_calls(p[0], day(p[1]), p[2])
    for site, first, last in case.get("coverage", []):
        rows.coverage(site, day(first), day(last))
    params = FusionParams()
    result = fuse(load_records(rows.ws, params.coverage_km), params)
    (status,) = [s for s in result.statuses if s.key == key]
    return status.status


@pytest.mark.parametrize("case", [c for c in CASES if c["split"] == "dev"], ids=lambda c: c["id"])
def test_dev_case(rows: Rows, case: dict[str, Any]) -> None:
    assert run_case(rows, case) == case["expected"]


@pytest.mark.parametrize("case", [c for c in CASES if c["split"] == "blind"], ids=lambda c: c["id"])
def test_blind_case(rows: Rows, case: dict[str, Any]) -> None:
    assert run_case(rows, case) == case["expected"]
