"""ensure_built rebuilds exactly when the positions, the watchlist or the rules change."""

from __future__ import annotations

from basewatch.maritime import DarkRules, MaritimeRules, ensure_built
from basewatch.watchlist.model import Site, Watchlist
from basewatch.watchlist.store import store_watchlist
from basewatch.workspace.core import Workspace
from tests.maritime.conftest import add_track, north_of_port, radial


def test_rebuild_only_when_inputs_change(port_ws: Workspace) -> None:
    add_track(port_ws, "273000001", radial([(0, 10, 10), (30, 1, 0.0), (60, 1, 0.0), (90, 10, 10)]))
    first = ensure_built(port_ws)
    assert first.rebuilt and first.port_calls == 1
    assert not ensure_built(port_ws).rebuilt
    assert ensure_built(port_ws, MaritimeRules(dark=DarkRules(threshold_s=3600.0))).rebuilt
    assert ensure_built(port_ws).rebuilt  # back to the default rules
    add_track(port_ws, "273000002", radial([(0, 10, 10), (30, 1, 0.0), (60, 1, 0.0), (90, 10, 10)]), source_id=2)
    again = ensure_built(port_ws)
    assert again.rebuilt and again.port_calls == 2
    other = Site(id="northport", name="North port", kind="port", lat=north_of_port(50), lon=-30.0)
    store_watchlist(port_ws, Watchlist(sites=(other,)), "<test>", "")
    assert ensure_built(port_ws).rebuilt
    assert not ensure_built(port_ws).rebuilt
