"""One registry of products; rebuild-when-stale lives here and nowhere else."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from basewatch.errors import BasewatchError
from basewatch.products.base import BuildSummary, Product, ProductState

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

_PRODUCTS: dict[str, Product] = {}
_BUILTINS_LOADED = False

# Modules whose import registers the built-in products (each calls `register` at the bottom of a
# `products.py` of its own package; importing is cheap: no DuckDB, pyarrow or Ibis at module level).
BUILTIN_MODULES: tuple[str, ...] = (
    "basewatch.alerts.products",
    "basewatch.fusion.products",
)


class ProductError(BasewatchError):
    """A product is unknown, or products depend on each other in a cycle."""


def register(product: Product, *, replace: bool = False) -> Product:
    """Add a product (a plugin calls this too). Registering a name twice is an error unless replace."""
    if product.name in _PRODUCTS and not replace and _PRODUCTS[product.name] is not product:
        raise ProductError(f"a product named {product.name!r} is registered already")
    _PRODUCTS[product.name] = product
    return product


def _load_builtins() -> None:
    global _BUILTINS_LOADED
    if _BUILTINS_LOADED:
        return
    import importlib

    for name in BUILTIN_MODULES:
        importlib.import_module(name)
    _BUILTINS_LOADED = True


def get(name: str) -> Product:
    _load_builtins()
    try:
        return _PRODUCTS[name]
    except KeyError:
        known = ", ".join(sorted(_PRODUCTS)) or "none"
        raise ProductError(f"no product named {name!r} (known: {known})") from None


def all_products() -> list[Product]:
    _load_builtins()
    return [_PRODUCTS[n] for n in sorted(_PRODUCTS)]


def _params_json(params: Any) -> dict[str, Any]:
    as_json = getattr(params, "as_json", None)
    if callable(as_json):
        result = as_json()
        assert isinstance(result, dict)
        return result
    return {}


def last_state(ws: Workspace, name: str) -> ProductState | None:
    row = ws.con.execute(
        "SELECT product, fingerprint, CAST(params AS VARCHAR), built_at, CAST(summary AS VARCHAR) "
        "FROM product_state WHERE product = ?",
        [name],
    ).fetchone()
    if row is None:
        return None
    return ProductState(str(row[0]), str(row[1]), json.loads(row[2]), row[3], json.loads(row[4]))


def is_stale(ws: Workspace, name: str, params: Any | None = None) -> bool:
    product = get(name)
    params = product.default_params() if params is None else params
    state = last_state(ws, name)
    return state is None or state.fingerprint != _full_fingerprint(ws, product, params)


def _full_fingerprint(ws: Workspace, product: Product, params: Any) -> str:
    return product.fingerprint(ws, params) + "|" + json.dumps(_params_json(params), sort_keys=True)


def _order(name: str, seen: tuple[str, ...] = ()) -> list[str]:
    """`name` after every product it depends on (depth first)."""
    if name in seen:
        raise ProductError("products depend on each other in a cycle: " + " -> ".join((*seen, name)))
    out: list[str] = []
    for dep in get(name).inputs:
        if dep in _PRODUCTS:
            for n in _order(dep, (*seen, name)):
                if n not in out:
                    out.append(n)
    out.append(name)
    return out


def ensure(
    ws: Workspace,
    name: str,
    params: Any | None = None,
    *,
    force: bool = False,
    on_build: Callable[[Product], None] | None = None,
) -> BuildSummary:
    """Bring `name` (and the products it reads) up to date; build only what is stale.

    `params` applies to `name` itself; its dependencies use their defaults unless already built with
    other parameters that still match their data (then they are kept). `on_build` is called just
    before each build (e.g. to tell the user).
    """
    _load_builtins()
    result: BuildSummary | None = None
    for step in _order(name):
        product = get(step)
        p = params if step == name and params is not None else None
        if p is None:
            state = last_state(ws, step)
            p = product.default_params()
            if state is not None and step != name:
                p = _restore_params(product, state.params, p)
        fingerprint = _full_fingerprint(ws, product, p)
        state = last_state(ws, step)
        if not force and state is not None and state.fingerprint == fingerprint:
            result = BuildSummary(step, dict(state.summary.get("rows", {})), 0.0, rebuilt=False)
            continue
        if on_build is not None:
            on_build(product)
        result = product.build(ws, p)
        _record(ws, step, fingerprint, p, result)
    assert result is not None
    return result


def _restore_params(product: Product, stored: Mapping[str, Any], default: Any) -> Any:
    from_json = getattr(type(default), "from_json", None)
    if callable(from_json) and stored:
        try:
            return from_json(stored)
        except (TypeError, ValueError, KeyError):
            return default
    return default


def _record(ws: Workspace, name: str, fingerprint: str, params: Any, summary: BuildSummary) -> None:
    body = json.dumps({"rows": dict(summary.rows), "seconds": round(summary.seconds, 3),
                       "notes": list(summary.notes)})
    with ws.transaction() as con:
        con.execute("DELETE FROM product_state WHERE product = ?", [name])
        con.execute(
            "INSERT INTO product_state VALUES (?, ?, ?, now(), ?)",
            [name, fingerprint, json.dumps(_params_json(params), sort_keys=True), body],
        )
