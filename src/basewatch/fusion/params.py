"""Parameters of fusion and assessment: frozen, validated, serialisable (the product registry stores them)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

HYPOTHESES: tuple[str, ...] = ("drawdown", "build-up", "rotation", "no-change")
HYPOTHESIS_WORDS: dict[str, str] = {
    "drawdown": "drawdown under way",
    "build-up": "build-up under way",
    "rotation": "routine rotation",
    "no-change": "no change",
}
RELIABILITY_WEIGHTS: dict[str, float] = {"A": 1.0, "B": 0.85, "C": 0.65, "D": 0.45, "E": 0.25, "F": 0.35}


@dataclass(frozen=True)
class FusionParams:
    """How claims are checked.

    - `baseline_days`: days before a window whose movements give the expected rate.
    - `floor_per_day`: the smallest expected rate (a place never seen busy is not "expected" at zero).
    - `surge_p`: Poisson upper-tail probability below which the movements are more than expected.
    - `min_surge`: fewest movements that can count as more than expected.
    - `min_ratio`: ... and they must be at least this multiple of the expectation (posture changes are
      large; a busy week at an airliner hub is not one).
    - `undated_days`: a claim with no date of its own covers this many days up to its report's date.
    - `slack_days`: every claim's window is widened by this many days on each side.
    - `coverage_km`: positions this close to a place show that receivers saw it.
    - `coverage_share`: share of a window's days a place must be seen on for absence to count.
    """

    baseline_days: int = 28
    floor_per_day: float = 0.05
    surge_p: float = 0.01
    min_surge: int = 3
    min_ratio: float = 2.0
    undated_days: int = 7
    slack_days: int = 1
    coverage_km: float = 30.0
    coverage_share: float = 0.5

    def __post_init__(self) -> None:
        if self.baseline_days < 1 or self.undated_days < 1 or self.slack_days < 0:
            raise ValueError("baseline_days and undated_days must be >= 1, slack_days >= 0")
        if not 0 < self.surge_p < 1 or not 0 < self.coverage_share <= 1:
            raise ValueError("surge_p must lie in (0, 1) and coverage_share in (0, 1]")
        if self.floor_per_day <= 0 or self.coverage_km <= 0 or self.min_surge < 1:
            raise ValueError("floor_per_day and coverage_km must be > 0, min_surge >= 1")

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FusionParams:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class AssessParams:
    """How assessments are computed.

    - `window_days`: an assessment as of day D weighs the evidence of days D-window+1 .. D.
    - `claim_memory_days`: a claim keeps weighing this many days after the end of its window.
    - `priors`: prior probability of each hypothesis (normalised; no-change is the reference).
    - `cap`: no group of evidence moves the odds by more than this factor either way.
    - `sensor_weight`: discount of basewatch's own records (flights, port calls), as for a source.
    - `reliability_weights`: Admiralty reliability -> exponent applied to a claim's likelihood ratio.
    """

    fusion: FusionParams = field(default_factory=FusionParams)
    window_days: int = 7
    claim_memory_days: int = 7
    priors: tuple[tuple[str, float], ...] = (
        ("drawdown", 0.1), ("build-up", 0.1), ("rotation", 0.1), ("no-change", 0.7),
    )
    cap: float = 10.0
    sensor_weight: float = 0.9
    reliability_weights: tuple[tuple[str, float], ...] = tuple(RELIABILITY_WEIGHTS.items())

    def __post_init__(self) -> None:
        if self.window_days < 1 or self.claim_memory_days < 0:
            raise ValueError("window_days must be >= 1 and claim_memory_days >= 0")
        if self.cap <= 1:
            raise ValueError("cap must be > 1")
        names = [h for h, _ in self.priors]
        if sorted(names) != sorted(HYPOTHESES) or any(p <= 0 for _, p in self.priors):
            raise ValueError(f"priors must give a positive probability to each of {', '.join(HYPOTHESES)}")
        if not 0 < self.sensor_weight <= 1:
            raise ValueError("sensor_weight must lie in (0, 1]")

    def prior(self) -> dict[str, float]:
        total = sum(p for _, p in self.priors)
        return {h: p / total for h, p in self.priors}

    def weight(self, reliability: str) -> float:
        return dict(self.reliability_weights).get(reliability, RELIABILITY_WEIGHTS["F"])

    def as_json(self) -> dict[str, Any]:
        return {
            "fusion": self.fusion.as_json(), "window_days": self.window_days,
            "claim_memory_days": self.claim_memory_days, "priors": [list(p) for p in self.priors],
            "cap": self.cap, "sensor_weight": self.sensor_weight,
            "reliability_weights": [list(p) for p in self.reliability_weights],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AssessParams:
        return cls(
            fusion=FusionParams.from_json(dict(data.get("fusion", {}))),
            window_days=int(data.get("window_days", 7)),
            claim_memory_days=int(data.get("claim_memory_days", 7)),
            priors=tuple((str(h), float(p)) for h, p in data.get("priors", cls().priors)),
            cap=float(data.get("cap", 10.0)),
            sensor_weight=float(data.get("sensor_weight", 0.9)),
            reliability_weights=tuple(
                (str(r), float(w)) for r, w in data.get("reliability_weights", RELIABILITY_WEIGHTS.items())
            ),
        )
