"""Tunable thresholds of the flight pipeline, as frozen records with documented defaults."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from basewatch.units import Metres, MetresPerSecond

US = 1_000_000  # microseconds per second
DAY_US = 86_400 * US


@dataclass(frozen=True)
class SplitParams:
    """How a track is cut into flights.

    gap_s: a silence longer than this ends a flight (the `traffic` library uses 10 min; we default to 15).
    cell_s: points are first summarised in cells of this many seconds per aircraft (a speed device:
        cells that hold one phase and no new-leg flag are never re-sorted point by point). Must be
        <= gap_s so no gap can hide inside a cell. Flights do not depend on it (the buckets in which
        an end's lowest altitude is read are aligned to it).
    min_ground_s: a run of ground points shorter than this between two airborne runs is noise
        (a flickering on-ground flag), not a landing.
    min_air_s: a run of airborne points shorter than this between two ground runs is noise while taxiing.
    ground_max_speed_ms: an on-ground flag on a point faster than this is ignored (flag noise at cruise).
    ground_max_alt_m: an on-ground flag above this altitude is ignored (higher than any airfield).
    taxi_speed_ms: without any on-ground flag, a point slower than this counts as on the ground.
    min_extent_km: airborne points that all lie within this distance are no flight (a frozen position).
    """

    gap_s: float = 15 * 60.0
    cell_s: float = 600.0
    min_ground_s: float = 30.0
    min_air_s: float = 30.0
    ground_max_speed_ms: MetresPerSecond = 90.0
    ground_max_alt_m: Metres = 5_000.0
    taxi_speed_ms: MetresPerSecond = 15.0
    min_extent_km: float = 1.0

    def __post_init__(self) -> None:
        if self.gap_s <= 0:
            raise ValueError("gap_s must be positive")
        if not 0 < self.cell_s <= 1000:
            raise ValueError("cell_s must be positive and at most 1000 s")

    @property
    def effective_cell_s(self) -> float:
        return min(self.cell_s, self.gap_s)


@dataclass(frozen=True)
class AttributeParams:
    """When an end of a flight is placed at an airfield or site (and when it is deliberately not).

    ground_radius_km: an end on the ground is at the nearest airfield within this distance.
    low_agl_m: an end seen airborne counts as a take-off/landing only below this height above the
        airfield's elevation (pressure altitude is used when no geometric altitude exists).
    low_radius_km: ... and only within this distance of the airfield.
    heading_tolerance_deg: ... and, when it is higher than `heading_min_agl_m`, farther than `near_km`
        and its track is known, only if it flies toward the field (landing) or away from it (take-off)
        within this angle (this tells apart neighbouring airfields on an approach path).
    end_window_s: an end is "low" by the lowest altitude in the flight's first/last this many seconds
        (at most the cell size), since receivers may freeze a landed aircraft's position with a
        nonsense altitude.
    project_max_agl_m: an end seen airborne and higher than `low_agl_m` but at most this high above an
        airfield within `low_radius_km`, climbing (first seen) or descending (last seen) at least
        `project_min_vrate_ms`, is projected along its vertical rate, ground speed and track to the
        ground; it goes to the airfield when the projected point lies within `project_radius_km` of the
        field's reference point (about half the length of a long runway).
    grid_deg: cell size of the spatial join (must exceed low_radius_km everywhere but near the poles).
    """

    ground_radius_km: float = 7.0
    low_agl_m: Metres = 500.0
    low_radius_km: float = 10.0
    heading_tolerance_deg: float = 60.0
    near_km: float = 2.0
    heading_min_agl_m: Metres = 150.0
    grid_deg: float = 0.5
    end_window_s: float = 120.0
    project_max_agl_m: Metres = 1000.0
    project_min_vrate_ms: MetresPerSecond = 2.5   # about 500 ft/min
    project_radius_km: float = 3.0


@dataclass(frozen=True)
class FlightParams:
    split: SplitParams = field(default_factory=SplitParams)
    attribute: AttributeParams = field(default_factory=AttributeParams)

    def as_json(self) -> dict[str, object]:
        return asdict(self)

    @staticmethod
    def from_json(data: dict[str, Any]) -> FlightParams:
        """Parameters as stored by an earlier build; fields this version no longer has are ignored."""
        def known(cls: type, values: dict[str, Any]) -> dict[str, Any]:
            names = {f.name for f in fields(cls)}
            return {k: v for k, v in values.items() if k in names}

        return FlightParams(SplitParams(**known(SplitParams, data.get("split", {}))),
                            AttributeParams(**known(AttributeParams, data.get("attribute", {}))))
