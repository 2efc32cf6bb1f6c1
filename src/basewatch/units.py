"""Unit conversions to SI (metres, metres per second). Units are named in Annotated aliases."""

from __future__ import annotations

from typing import Annotated

Metres = Annotated[float, "m"]
Feet = Annotated[float, "ft"]
MetresPerSecond = Annotated[float, "m/s"]
Knots = Annotated[float, "kt"]
FeetPerMinute = Annotated[float, "ft/min"]

FT_TO_M = 0.3048
KT_TO_MS = 1852.0 / 3600.0
FPM_TO_MS = FT_TO_M / 60.0


def feet_to_metres(value: Feet) -> Metres:
    return value * FT_TO_M


def knots_to_ms(value: Knots) -> MetresPerSecond:
    return value * KT_TO_MS


def fpm_to_ms(value: FeetPerMinute) -> MetresPerSecond:
    return value * FPM_TO_MS


def ms_to_knots(value: MetresPerSecond) -> Knots:
    return value / KT_TO_MS
