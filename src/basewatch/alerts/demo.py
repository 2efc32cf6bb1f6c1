"""The demo's alerts step: compute and store the alerts of the demo workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from basewatch.products.base import BuildSummary
    from basewatch.workspace.core import Workspace


def demo_alerts(ws: Workspace) -> BuildSummary:
    from basewatch.products.registry import ensure

    return ensure(ws, "alerts")
