"""The product registry: build when stale, not otherwise; dependencies first; cycles refused."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from basewatch.products import BuildSummary, all_products, ensure, is_stale, last_state, register
from basewatch.products.registry import _PRODUCTS, ProductError
from basewatch.workspace.core import Workspace


@dataclass(frozen=True)
class CountParams:
    scale: int = 1

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class CountSources:
    """A toy product: the number of ingested sources times `scale`, kept in a temp table."""

    def __init__(self, name: str, inputs: tuple[str, ...] = ("sources",)) -> None:
        self.name = name
        self.inputs = inputs
        self.tables = ()
        self.builds = 0

    def default_params(self) -> CountParams:
        return CountParams()

    def fingerprint(self, ws: Workspace, params: CountParams) -> str:
        row = ws.con.execute("SELECT count(*) FROM sources").fetchone()
        return f"sources={row[0] if row else 0}"

    def build(self, ws: Workspace, params: CountParams) -> BuildSummary:
        self.builds += 1
        return BuildSummary(self.name, {"n": self.builds * params.scale}, 0.0)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    with Workspace(tmp_path / "w.duckdb") as w:
        yield w


@pytest.fixture
def products() -> Any:
    all_products()  # the built-ins registered first, so the snapshot restored below holds them
    before = dict(_PRODUCTS)
    yield
    _PRODUCTS.clear()
    _PRODUCTS.update(before)


def _add_source(ws: Workspace) -> None:
    ws.con.execute(
        "INSERT INTO sources (path, sha256, input_format, ingested_at, accepted, rejected, duplicates) "
        "VALUES ('x', md5(random()::VARCHAR), 'sbs', "
        "now(), 0, 0, 0)"
    )


def test_builds_once_then_only_when_inputs_or_params_change(ws: Workspace, products: Any) -> None:
    p = register(CountSources("toy"))
    assert is_stale(ws, "toy")
    first = ensure(ws, "toy")
    assert first.rebuilt and p.builds == 1
    again = ensure(ws, "toy")
    assert not again.rebuilt and p.builds == 1 and dict(again.rows) == {"n": 1}
    _add_source(ws)
    assert is_stale(ws, "toy")
    ensure(ws, "toy")
    assert p.builds == 2
    ensure(ws, "toy", CountParams(scale=3))  # other parameters: a rebuild
    assert p.builds == 3
    state = last_state(ws, "toy")
    assert state is not None and state.params == {"scale": 3}


def test_dependencies_built_first_and_cycles_refused(ws: Workspace, products: Any) -> None:
    base = register(CountSources("toy_base"))
    top = register(CountSources("toy_top", inputs=("toy_base", "sources")))
    ensure(ws, "toy_top")
    assert base.builds == 1 and top.builds == 1
    register(CountSources("cyc_a", inputs=("cyc_b",)))
    register(CountSources("cyc_b", inputs=("cyc_a",)))
    with pytest.raises(ProductError, match="cycle"):
        ensure(ws, "cyc_a")


def test_duplicate_name_refused(products: Any) -> None:
    register(CountSources("dup"))
    with pytest.raises(ProductError, match="registered already"):
        register(CountSources("dup"))
