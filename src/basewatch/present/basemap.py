"""An offline basemap: Natural Earth 1:110m country polygons shipped in the package (public domain).

The map projection is plate carrée with the aspect set for the map's mean latitude, good enough for
regional overviews; no tiles, no network.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

DATA_FILE = "natural_earth_110m_countries.json"
ATTRIBUTION = "Basemap: Natural Earth 1:110m countries (public domain)"

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Country:
    name: str
    iso_a3: str
    rings: tuple[Ring, ...]     # (lon, lat) rings
    bbox: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max


@dataclass(frozen=True)
class Extent:
    lon_min: float
    lon_max: float
    lat_min: float
    lat_max: float

    @property
    def aspect(self) -> float:
        """y/x scale factor: 1 / cos(mean latitude)."""
        return 1.0 / math.cos(math.radians((self.lat_min + self.lat_max) / 2.0))

    def intersects(self, bbox: tuple[float, float, float, float]) -> bool:
        lo0, la0, lo1, la1 = bbox
        return not (lo1 < self.lon_min or lo0 > self.lon_max or la1 < self.lat_min or la0 > self.lat_max)


def _country(feature: dict[str, Any]) -> Country:
    rings = tuple(
        tuple((float(x), float(y)) for x, y in polygon[0]) for polygon in feature["geometry"]["coordinates"]
    )
    xs = [x for r in rings for x, _ in r]
    ys = [y for r in rings for _, y in r]
    props = feature["properties"]
    return Country(str(props["name"]), str(props["iso_a3"]), rings, (min(xs), min(ys), max(xs), max(ys)))


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """Every country of the shipped file (read once, on first use)."""
    text = (resources.files("basewatch.present") / "data" / DATA_FILE).read_text(encoding="utf-8")
    return tuple(_country(f) for f in json.loads(text)["features"])


def extent_around(lats: list[float], lons: list[float], margin_deg: float = 2.0) -> Extent:
    """A map extent containing all the points, with a margin (a default region when there are none).

    The east side gets 8 % more, where place labels are written.
    """
    if not lats:
        return Extent(15.0, 50.0, 25.0, 45.0)
    width = max(lons) - min(lons) + 2 * margin_deg
    return Extent(
        max(-180.0, min(lons) - margin_deg), min(180.0, max(lons) + margin_deg + 0.08 * width),  # room for labels
        max(-85.0, min(lats) - margin_deg), min(85.0, max(lats) + margin_deg),
    )


def draw_basemap(ax: Any, extent: Extent, land: str = "#e8e4d8", border: str = "#9a968a",
                 sea: str = "#d4e4f0") -> None:
    """Draw land and borders on a matplotlib Axes and fix its extent and aspect."""
    from matplotlib.patches import Polygon

    ax.set_facecolor(sea)
    for c in countries():
        if not extent.intersects(c.bbox):
            continue
        for ring in c.rings:
            ax.add_patch(Polygon(ring, closed=True, facecolor=land, edgecolor=border, linewidth=0.5, zorder=1))
    ax.set_xlim(extent.lon_min, extent.lon_max)
    ax.set_ylim(extent.lat_min, extent.lat_max)
    ax.set_aspect(extent.aspect)
    ax.tick_params(labelsize=7)
    ax.set_xlabel("longitude (°)", fontsize=7)
    ax.set_ylabel("latitude (°)", fontsize=7)
