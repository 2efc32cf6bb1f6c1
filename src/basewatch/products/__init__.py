"""Derived products: everything computed from stored records, behind one interface and one registry.

A product (flights + visits + corridors, port calls + voyages + dark periods, alerts, assessments, ...)
declares what it reads, the tables it owns, its parameters and one fingerprint rule; `ensure` rebuilds
it only when that fingerprint (over its inputs and parameters) changed since its last build. Built-ins
register the same way a plugin would (`register`).
"""

from __future__ import annotations

from basewatch.products.base import BuildSummary, IncrementalProduct, Product, ProductState
from basewatch.products.registry import (
    all_products,
    ensure,
    ensure_all,
    get,
    is_stale,
    last_state,
    register,
    scoped,
    unregister,
)

__all__ = [
    "BuildSummary",
    "IncrementalProduct",
    "Product",
    "ProductState",
    "all_products",
    "ensure",
    "ensure_all",
    "get",
    "is_stale",
    "last_state",
    "register",
    "scoped",
    "unregister",
]
