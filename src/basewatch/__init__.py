"""basewatch: detect military force-posture changes from flight, ship, imagery and report evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

__all__ = ["Workspace", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`basewatch.Workspace`, imported on first use: importing any basewatch module must not load DuckDB."""
    if name == "Workspace":
        from basewatch.workspace.core import Workspace

        return Workspace
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
