"""Alerts as a GeoJSON FeatureCollection: a site's alerts at the site, a corridor's as a line."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

Position = tuple[float, float]


def feature_collection(rows: Sequence[Mapping[str, Any]], places: Mapping[str, Position]) -> dict[str, Any]:
    """places: site id -> (lon, lat). Corridor ends that are not watched sites give no geometry."""
    features = []
    for r in rows:
        geometry: dict[str, Any] | None = None
        if r.get("site") in places:
            geometry = {"type": "Point", "coordinates": list(places[r["site"]])}
        elif r.get("origin") in places and r.get("destination") in places:
            geometry = {"type": "LineString",
                        "coordinates": [list(places[r["origin"]]), list(places[r["destination"]])]}
        props = {k: v for k, v in r.items() if k != "evidence"}
        props["evidence"] = json.loads(r["evidence"]) if isinstance(r.get("evidence"), str) else r.get("evidence")
        features.append({"type": "Feature", "id": r["alert_id"], "geometry": geometry, "properties": props})
    return {"type": "FeatureCollection", "features": features}
