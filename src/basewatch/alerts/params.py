"""The alert detectors' settings: one frozen dataclass, stored with every build of the product."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class AlertParams:
    """Settings of every detector (defaults follow issue 10).

    - `window_days` / `guard_days`: the baseline for day t is days t-guard-window .. t-guard-1; the
      guard band keeps the first days of a ramp out of its own baseline.
    - `min_history_days`: fewer valid days than this in the window and a series-day is not tested
      ("no baseline"); with fewer than `window_days` it is tested with the pooled dispersion.
    - `weekday_min_days`: with at least this much history (4 weeks: 4 or more of each weekday) the
      level is taken per weekday (see `basewatch.alerts.model` for why always, not after a test).
    - `level`: the Benjamini-Hochberg level for surges and drawdowns (q-value <= level raises an alert).
    - `cusum_k`: CUSUM reference value, in standard-normal units of the daily score.
    - `cusum_arl_days`: in-control average run length the CUSUM threshold is set for (per side, per series).
    - `corridor_lookback_days`: a corridor is new when it had no movement in this many days before.
    - `corridor_min_lookback_days`: with less data than this before a movement, "new" is not claimed.
    - `dark_radius_km`: a dark period is alerted when it begins or ends within this distance of a site
      (100 km: a ship leaving port at 15-20 kn that switches off once past the coastal receivers'
      horizon, about 40 nautical miles, is 2-3 hours and 75-100 km out).
    - `last_day_min_hour`: the last day of data is only tested when the data reaches this UTC hour on it
      (an incomplete last day would look like a drawdown everywhere).
    """

    window_days: int = 56
    guard_days: int = 2
    min_history_days: int = 7
    weekday_min_days: int = 28
    level: float = 0.01
    cusum_k: float = 0.5
    cusum_arl_days: float = 365.0
    corridor_lookback_days: int = 180
    corridor_min_lookback_days: int = 7
    dark_radius_km: float = 100.0
    last_day_min_hour: float = 18.0

    def __post_init__(self) -> None:
        if self.window_days < 7 or self.guard_days < 0:
            raise ValueError("need window_days >= 7 and guard_days >= 0")
        if not 1 <= self.min_history_days <= self.window_days:
            raise ValueError("need 1 <= min_history_days <= window_days")
        if not 0.0 < self.level < 1.0:
            raise ValueError("the level must lie strictly between 0 and 1")
        if self.cusum_k < 0 or self.cusum_arl_days < 10:
            raise ValueError("need cusum_k >= 0 and cusum_arl_days >= 10")
        if self.corridor_lookback_days < 1 or self.corridor_min_lookback_days < 1:
            raise ValueError("corridor look-backs must be at least one day")
        if self.dark_radius_km <= 0 or not 0 <= self.last_day_min_hour <= 24:
            raise ValueError("need dark_radius_km > 0 and 0 <= last_day_min_hour <= 24")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AlertParams:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
