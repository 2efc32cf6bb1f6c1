"""basewatch: detect military force-posture changes from flight, ship, imagery and report evidence.

The public API is `basewatch.Workspace` (open a workspace, ingest, analyse, read Arrow tables, write a
brief) and the records and errors its methods return or raise. Everything else is reached through the
feature packages (`basewatch.flights`, `basewatch.maritime`, ...), whose layout may change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from basewatch.errors import BasewatchError, InputFormatError, QueryError, UsageError, WorkspaceError

if TYPE_CHECKING:
    from basewatch.ingest.pipeline import IngestReport
    from basewatch.products.base import BuildSummary
    from basewatch.workspace.catalog import WorkspaceInfo
    from basewatch.workspace.core import Workspace

__version__ = "0.1.0"
__all__ = [
    "BasewatchError",
    "BuildSummary",
    "IngestReport",
    "InputFormatError",
    "QueryError",
    "UsageError",
    "Workspace",
    "WorkspaceError",
    "WorkspaceInfo",
    "__version__",
]

# imported on first use: importing basewatch must not load DuckDB or PyArrow
_LAZY = {
    "Workspace": "basewatch.workspace.core",
    "WorkspaceInfo": "basewatch.workspace.catalog",
    "BuildSummary": "basewatch.products.base",
    "IngestReport": "basewatch.ingest.pipeline",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
