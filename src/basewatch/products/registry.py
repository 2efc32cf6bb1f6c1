"""One registry of products; rebuild-when-stale lives here and nowhere else."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from basewatch.errors import ProductError
from basewatch.products.base import BuildSummary, IncrementalProduct, Product, ProductState

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

_PRODUCTS: dict[str, Product] = {}
_BUILTINS_LOADED = False
_BUILTINS_LOADING = False

# Modules whose import registers the built-in products (each calls `register` at the bottom of a
# `products.py` of its own package; importing is cheap: no DuckDB, pyarrow or Ibis at module level).
BUILTIN_MODULES: tuple[str, ...] = (
    "basewatch.flights.products",
    "basewatch.maritime.products",
    "basewatch.alerts.products",
    "basewatch.fusion.products",
)


def register(product: Product, *, replace: bool = False) -> Product:
    """Add a product (a plugin calls this too). Registering a name twice is an error unless `replace`;
    so is a product that would own a table another product owns (it would overwrite that product's rows
    at the next `analyse`), unless it replaces that very product by name."""
    _load_builtins()
    current = _PRODUCTS.get(product.name)
    if current is not None and not replace and current is not product:
        raise ProductError(f"a product named {product.name!r} is registered already")
    for other in _PRODUCTS.values():
        if other.name == product.name:
            continue
        shared = sorted(set(other.tables) & set(product.tables))
        if shared:
            raise ProductError(f"product {product.name!r} would own table(s) {', '.join(shared)}, owned already "
                               f"by product {other.name!r}")
    _PRODUCTS[product.name] = product
    return product


def unregister(name: str) -> None:
    """Remove a product (a plugin's or a test's); unknown names are ignored."""
    _PRODUCTS.pop(name, None)


@contextmanager
def scoped() -> Iterator[None]:
    """Products registered (or replaced, or removed) inside the block are undone at its end: the registry
    is process-wide, so a test or a notebook experiment that registers a stand-in must not leave it behind
    for every later `analyse` in the process."""
    _load_builtins()
    before = dict(_PRODUCTS)
    try:
        yield
    finally:
        _PRODUCTS.clear()
        _PRODUCTS.update(before)


def _load_builtins() -> None:
    global _BUILTINS_LOADED, _BUILTINS_LOADING
    if _BUILTINS_LOADED or _BUILTINS_LOADING:
        return
    import importlib

    _BUILTINS_LOADING = True
    try:
        for name in BUILTIN_MODULES:
            importlib.import_module(name)
        _BUILTINS_LOADED = True
    finally:
        _BUILTINS_LOADING = False


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


def sql_text(value: str) -> str:
    """A SQL string literal (quotes doubled). The registry binds no parameters: binding any Python value
    makes DuckDB's client import pandas (about 0.4 s), which `basewatch analyse` must not pay."""
    return "'" + value.replace("'", "''") + "'"


def last_state(ws: Workspace, name: str) -> ProductState | None:
    row = ws.con.execute(
        "SELECT product, fingerprint, CAST(params AS VARCHAR), built_at, CAST(summary AS VARCHAR) "
        f"FROM product_state WHERE product = {sql_text(name)}"
    ).fetchone()
    if row is None:
        return None
    return ProductState(str(row[0]), str(row[1]), json.loads(row[2]), row[3], json.loads(row[4]))


def is_stale(ws: Workspace, name: str, params: Any | None = None) -> bool:
    """Whether `ensure(ws, name, params)` would rebuild `name` itself (its dependencies aside)."""
    product = get(name)
    state = last_state(ws, name)
    if state is None:
        return True
    if params is None:
        params = _restore_params(product, state.params, product.default_params())
    return state.fingerprint != _full_fingerprint(ws, product, params)


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
    only: bool = False,
    incremental: bool = False,
) -> BuildSummary:
    """Bring `name` (and the products it reads) up to date; build only what is stale.

    `params` applies to `name` itself. Without `params` (and for every dependency) a product keeps the
    parameters of its last build (stored in `product_state`), or its defaults when it was never built:
    `ensure` brings a product up to date with its data, it does not reset a user's choice. `force`
    rebuilds every step even when fresh. `on_build` is called just before each build (e.g. to tell the
    user). `only`: do not look at the dependencies (the caller ensured them already). `incremental`: a
    stale product that offers `build_incremental` (IncrementalProduct) and was last built with the same
    parameters is brought up to date from what was added since; it may decline, then it is built whole.
    """
    _load_builtins()
    result: BuildSummary | None = None
    for step in [name] if only else _order(name):
        product = get(step)
        state = last_state(ws, step)
        p = params if step == name and params is not None else None
        if p is None:
            p = product.default_params()
            if state is not None:
                p = _restore_params(product, state.params, p)
        fingerprint = _full_fingerprint(ws, product, p)
        if not force and state is not None and state.fingerprint == fingerprint:
            result = BuildSummary(step, dict(state.summary.get("rows", {})), 0.0, rebuilt=False,
                                  details=dict(state.summary.get("details", {})))
            continue
        if on_build is not None:
            on_build(product)
        built = None
        if incremental and not force and state is not None and isinstance(product, IncrementalProduct) \
                and dict(state.params) == json.loads(json.dumps(_params_json(p), sort_keys=True)):
            built = product.build_incremental(ws, p, state)
        result = built if built is not None else product.build(ws, p)
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
                       "notes": list(summary.notes), "details": dict(summary.details)})
    values = ", ".join(sql_text(v) for v in (name, fingerprint, json.dumps(_params_json(params), sort_keys=True)))
    with ws.transaction() as con:
        con.execute(f"DELETE FROM product_state WHERE product = {sql_text(name)}")
        con.execute(f"INSERT INTO product_state VALUES ({values}, now(), {sql_text(body)})")


def ensure_all(
    ws: Workspace,
    params: Mapping[str, Any] | None = None,
    *,
    force: bool = False,
    on_build: Callable[[Product], None] | None = None,
    names: Sequence[str] | None = None,
) -> list[BuildSummary]:
    """`ensure` every registered product (or those in `names`), dependencies first, each once; `params`:
    name -> parameters."""
    params = params or {}
    done: list[str] = []
    summaries: list[BuildSummary] = []
    for product in all_products() if names is None else [get(n) for n in names]:
        for step in _order(product.name):
            if step in done:
                continue
            summaries.append(ensure(ws, step, params.get(step), force=force, on_build=on_build,
                                    only=True))
            done.append(step)
    return summaries
