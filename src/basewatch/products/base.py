"""The Product protocol and the records the registry keeps about each build."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace


@dataclass(frozen=True)
class BuildSummary:
    """What one build did: rows written per owned table, and how long it took.

    `details`: a few more figures of the build (e.g. the points a flights build read, its engine);
    `rebuilt` is False when the product was fresh and nothing ran (then `seconds` is 0).
    """

    product: str
    rows: Mapping[str, int]
    seconds: float
    rebuilt: bool = True
    notes: tuple[str, ...] = field(default=())
    details: Mapping[str, int | float | str] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """The summary as one JSON object (the shape of `basewatch analyse --format json` items)."""
        return {"product": self.product, "rebuilt": self.rebuilt, "seconds": round(self.seconds, 3),
                "rows": dict(self.rows), **dict(self.details), "notes": list(self.notes)}


@dataclass(frozen=True)
class ProductState:
    """The registry's record of a product's last build (table `product_state`)."""

    product: str
    fingerprint: str
    params: Mapping[str, Any]
    built_at: dt.datetime
    summary: Mapping[str, Any]


@runtime_checkable
class Product(Protocol):
    """A derived product.

    - `name`: unique, lower-case (`flights`, `maritime`, `alerts`).
    - `inputs`: what it reads: stored tables and other products' names. A product named here is
      ensured first (the registry resolves the order; cycles are an error).
    - `tables`: the tables it owns and replaces on build (each created by a migration).
    - `default_params()`: its parameters, a frozen dataclass with `as_json() -> dict`.
    - `fingerprint(ws, params)`: a string that changes whenever its result could (inputs' content,
      the watchlist it depends on, params). Must be cheap: it is computed on every `ensure`.
    - `build(ws, params)`: recompute and replace its tables, all or nothing (one transaction).
    """

    name: str
    inputs: tuple[str, ...]
    tables: tuple[str, ...]

    def default_params(self) -> Any: ...

    def fingerprint(self, ws: Workspace, params: Any) -> str: ...

    def build(self, ws: Workspace, params: Any) -> BuildSummary: ...


@runtime_checkable
class IncrementalProduct(Product, Protocol):
    """A product that can also bring its tables up to date from what was added since its last build.

    `build_incremental(ws, params, state)`: given the last build's state (same params), update only what
    the new inputs touch, in one transaction, with the result a whole build would give; return None
    (having changed nothing) when that is not possible, and the registry builds the whole product.
    """

    def build_incremental(self, ws: Workspace, params: Any, state: ProductState) -> BuildSummary | None: ...
