"""Static charts for briefs: matplotlib (Agg canvas, no pyplot state), PNG embedded as a data URI."""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from basewatch.present.basemap import ATTRIBUTION, Extent, draw_basemap, extent_around

ARRIVAL_COLOUR = "#1f6fb2"
DEPARTURE_COLOUR = "#d9822b"
ROUTE_COLOUR = "#b2182b"
TRACK_COLOUR = "#2166ac"


def new_figure(width_in: float, height_in: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def png_data_uri(fig: Any) -> str:
    """The figure as a base64 PNG data URI (metadata stripped so the bytes depend only on the picture)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def daily_movements_chart(days: Sequence[dt.date], arrivals: Sequence[int], departures: Sequence[int],
                          title: str, markers: Sequence[tuple[dt.date, str]] = ()) -> str:
    """Grouped bars of arrivals and departures per UTC day; markers: (day, label) dashed vertical lines."""
    fig = new_figure(7.2, 2.6)
    ax = fig.add_subplot(1, 1, 1)
    x = list(range(len(days)))
    for day, label in markers:
        if days and days[0] <= day <= days[-1]:
            pos = days.index(day) - 0.5 if day in days else None
            if pos is not None:
                ax.axvline(pos, color="#555555", linestyle="--", linewidth=0.8)
                ax.annotate(label, xy=(pos, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -10),
                            textcoords="offset points", fontsize=7, color="#333333")
    ax.bar([i - 0.2 for i in x], list(arrivals), width=0.4, color=ARRIVAL_COLOUR, label="arrivals")
    ax.bar([i + 0.2 for i in x], list(departures), width=0.4, color=DEPARTURE_COLOUR, label="departures")
    step = max(1, math.ceil(len(days) / 16))
    ax.set_xticks(x[::step])
    ax.set_xticklabels([d.strftime("%d %b") for d in days][::step], fontsize=7, rotation=45, ha="right")
    ax.tick_params(axis="y", labelsize=7)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("movements per UTC day", fontsize=7)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return png_data_uri(fig)


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lon: float
    watched: bool


@dataclass(frozen=True)
class CorridorLine:
    origin: Place
    destination: Place
    movements: int


@dataclass(frozen=True)
class OpenEnd:
    """A flight with one end at a place and the other only seen in the air (coverage gap)."""

    place: Place
    seen_lat: float
    seen_lon: float
    outbound: bool       # True: took off from the place, last seen at (seen_lat, seen_lon)


def _arc(a: Place, b: Place, bend: float = 0.12, n: int = 40) -> tuple[list[float], list[float]]:
    """A gently curved line from a to b (bent to the left), so that both directions stay visible."""
    dx, dy = b.lon - a.lon, b.lat - a.lat
    xs, ys = [], []
    for i in range(n + 1):
        t = i / n
        h = bend * 4 * t * (1 - t)
        xs.append(a.lon + dx * t - dy * h)
        ys.append(a.lat + dy * t + dx * h)
    return xs, ys


def _label_below(p: Place, others: Sequence[Place]) -> bool:
    """Put the label under the marker when a close neighbour lies just north (keeps labels apart)."""
    return any(o is not p and abs(o.lon - p.lon) < 3.0 and 0 <= o.lat - p.lat < 1.5 for o in others)


def _draw_corridors(ax: Any, lines: Sequence[CorridorLine], open_ends: Sequence[OpenEnd], extent: Extent,
                    title: str, tracks: Sequence[Sequence[tuple[float, float]]] = ()) -> None:
    from matplotlib.collections import LineCollection

    draw_basemap(ax, extent)
    if tracks:
        ax.add_collection(LineCollection([list(t) for t in tracks], colors=TRACK_COLOUR, linewidths=0.4,
                                         alpha=0.35, zorder=2))
    for e in open_ends:
        ax.plot([e.place.lon, e.seen_lon], [e.place.lat, e.seen_lat], color="#555555", linewidth=0.6,
                linestyle=(0, (3, 2)), alpha=0.6, zorder=2)
        ax.plot([e.seen_lon], [e.seen_lat], marker="x", markersize=3.5, color="#555555", alpha=0.8, zorder=2)
    top = max((c.movements for c in lines), default=1)
    for c in sorted(lines, key=lambda c: c.movements):
        xs, ys = _arc(c.origin, c.destination)
        ax.plot(xs, ys, color=ROUTE_COLOUR, linewidth=0.6 + 4.0 * c.movements / top, alpha=0.75, zorder=3,
                solid_capstyle="round")
        mid = len(xs) // 2
        ax.annotate("", xy=(xs[mid + 1], ys[mid + 1]), xytext=(xs[mid], ys[mid]), zorder=4,
                    arrowprops={"arrowstyle": "-|>", "color": ROUTE_COLOUR, "lw": 0.8})
        ax.text(xs[mid], ys[mid], f" {c.movements}", fontsize=7, color="#5a0d16", zorder=5, clip_on=True)
    places = {p.label: p for c in lines for p in (c.origin, c.destination)}
    places.update({e.place.label: e.place for e in open_ends})
    shown = list(places.values())
    dy = (extent.lat_max - extent.lat_min) / 60.0
    for p in shown:
        ax.plot([p.lon], [p.lat], marker="o", markersize=5 if p.watched else 3.5, zorder=6,
                color="#222222" if p.watched else "#666666", markeredgecolor="white", markeredgewidth=0.6)
        below = _label_below(p, shown)
        ax.text(p.lon + dy, p.lat + (-2.2 * dy if below else dy), p.label, fontsize=7, zorder=7, clip_on=True,
                fontweight="bold" if p.watched else "normal")
    ax.set_title(title, fontsize=9)
    ax.text(0.01, 0.01, ATTRIBUTION, fontsize=6, color="#555555", transform=ax.transAxes, zorder=8)


def _busiest_extent(lines: Sequence[CorridorLine], share: float = 0.2) -> Extent | None:
    """Extent around the corridors carrying at least `share` of the busiest one's movements."""
    top = max((c.movements for c in lines), default=0)
    busy = [c for c in lines if c.movements >= share * top]
    if not busy:
        return None
    lats = [p.lat for c in busy for p in (c.origin, c.destination)]
    lons = [p.lon for c in busy for p in (c.origin, c.destination)]
    return extent_around(lats, lons, 2.5)


def corridor_map(lines: Sequence[CorridorLine], title: str, open_ends: Sequence[OpenEnd] = (),
                 tracks: Sequence[Sequence[tuple[float, float]]] = ()) -> str:
    """Corridors on the offline basemap: line width grows with movements, labelled with the count.

    Flights with an unplaced end are drawn as thin dashed lines from their place to where they were
    first or last seen (a cross); tracks, (lon, lat) polylines of reported positions, faintly beneath.
    Left: every corridor; right: a close-up of the busiest ones.
    """
    places = [p for c in lines for p in (c.origin, c.destination)] + [e.place for e in open_ends]
    lats = [p.lat for p in places] + [e.seen_lat for e in open_ends]
    lons = [p.lon for p in places] + [e.seen_lon for e in open_ends]
    overview = extent_around(lats, lons, 3.0)
    close = _busiest_extent(lines)
    fig = new_figure(11.0, 5.6)
    if close is None:
        _draw_corridors(fig.add_subplot(1, 1, 1), lines, open_ends, overview, title, tracks)
    else:
        _draw_corridors(fig.add_subplot(1, 2, 1), lines, open_ends, overview, title + ": all", tracks)
        _draw_corridors(fig.add_subplot(1, 2, 2), lines, open_ends, close, title + ": busiest", tracks)
    return png_data_uri(fig)
