"""The bounded fuzzing run of the test suite: seeded, deterministic, about 3,500 inputs.

The same driver as the long run (`python -m tests.fuzz`), with the invariants of tests/fuzz/driver.py checked
on every input; any failure is reported with its key and detail. Skipped when ../shared/data is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.driver import Driver, run_campaign
from tests.fuzz.seeds import Seed, seeds
from tests.fuzz.strategies import structured

MUTATIONS = 100       # files: byte, line and column mutations over every seed but the reports
UNITS_PER_FILE = 25    # and after each, inputs to the parsers' entry points (tests/fuzz/units.py)
PIPELINE_EVERY = 12    # a whole `basewatch ingest` in-process on about one file in 12
REPORTS = 12          # mutated reports (text, HTML, RSS, Atom) through claim extraction and `reports add`
EXAMPLES = 15         # Hypothesis examples per structured seed


def _seeds() -> tuple[Seed, ...]:
    found = seeds()
    if not found:
        pytest.skip("real data not available: ../shared/data")
    return found


def _failures(driver: Driver) -> list[str]:
    c = driver.campaign
    return [f"{key} (x{c.failure_counts[key]}): {f.detail}" for key, f in sorted(c.failures.items())]


def test_mutation_driver_bounded(tmp_path: Path) -> None:
    pool = tuple(s for s in _seeds() if s.fmt != "report")
    driver = Driver(tmp_path, pipeline_every=PIPELINE_EVERY)
    try:
        campaign = run_campaign(driver, pool, MUTATIONS, seed=2026, units_per_file=UNITS_PER_FILE)
    finally:
        driver.close()
    assert sum(campaign.inputs.values()) == MUTATIONS * (1 + UNITS_PER_FILE)
    assert sum(campaign.pipeline.values()) > 3  # the workspace invariants were exercised
    assert _failures(driver) == []


def test_mutated_reports_bounded(tmp_path: Path) -> None:
    pool = tuple(s for s in _seeds() if s.fmt == "report")
    if not pool:
        pytest.skip("no seed report")
    driver = Driver(tmp_path, pipeline_every=6)
    run_campaign(driver, pool, REPORTS, seed=7)
    assert _failures(driver) == []


def _structured_seeds() -> list[Seed]:
    try:
        return [s for s in seeds() if structured(s) is not None]
    except OSError:
        return []


@pytest.mark.parametrize("seed", _structured_seeds(), ids=lambda s: s.name)
def test_structured_inputs_from_the_real_rows(tmp_path_factory: pytest.TempPathFactory, seed: Seed) -> None:
    strategy = structured(seed)
    assert strategy is not None
    workdir = tmp_path_factory.mktemp(seed.name)
    driver = Driver(workdir, pipeline_every=0)

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=strategy, sniff=st.booleans())
    def run(data: bytes, sniff: bool) -> None:
        before = len(driver.campaign.failures)
        driver.run(seed, data, sniff=sniff)
        assert len(driver.campaign.failures) == before, _failures(driver)

    try:
        run()
    finally:
        driver.close()
