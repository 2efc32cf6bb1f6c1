"""The product registry: build when stale, not otherwise; dependencies first; cycles refused."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from basewatch.errors import ProductError
from basewatch.products import (
    BuildSummary,
    all_products,
    ensure,
    get,
    is_stale,
    last_state,
    register,
    scoped,
    unregister,
)
from basewatch.workspace.core import Workspace


@dataclass(frozen=True)
class CountParams:
    scale: int = 1

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class CountSources:
    """A toy product: the number of ingested sources times `scale`, kept in a temp table."""

    def __init__(self, name: str, inputs: tuple[str, ...] = ("sources",), tables: tuple[str, ...] = ()) -> None:
        self.name = name
        self.inputs = inputs
        self.tables = tables
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
    with scoped():
        yield


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


def test_a_product_cannot_take_another_products_table(products: Any) -> None:
    """A stand-in owning `alerts` under another name would overwrite the alerts product's table at every
    later `analyse` in the process; it is refused, and allowed only as a replacement of `alerts` itself."""
    with pytest.raises(ProductError, match="owned already by product 'alerts'"):
        register(CountSources("stand_in", tables=("alerts",)))
    assert "stand_in" not in [p.name for p in all_products()]
    register(CountSources("alerts", tables=("alerts",)), replace=True)
    assert type(get("alerts")) is CountSources


def test_what_a_scope_registers_is_gone_after_it() -> None:
    builtins = [p.name for p in all_products()]
    original = get("alerts")
    with scoped():
        register(CountSources("toy_scoped"))
        register(CountSources("alerts", tables=("alerts",)), replace=True)
        unregister("flights")
        assert [p.name for p in all_products()] == sorted([*(set(builtins) - {"flights"}), "toy_scoped"])
    assert [p.name for p in all_products()] == builtins and get("alerts") is original
