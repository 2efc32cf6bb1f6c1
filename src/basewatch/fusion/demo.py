"""The demo's reports: a few short SIMULATED statements written by code, dated inside the scenario.

They stand in for the reporting of the founding case (the real report is not shipped): a restatement
of its cargo-flight sentence, a wire story re-reported by three outlets (one story, counted once), a
ministry's denial that the simulated sensors contradict, a statement of intent no sensor can check,
and satellite-imagery and shipping claims. Every file says SIMULATED in its first line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from basewatch.products.base import BuildSummary
    from basewatch.workspace.core import Workspace

LABEL = "SIMULATED REPORT (basewatch demo): not a real statement."


@dataclass(frozen=True)
class SimulatedReport:
    name: str
    date: dt.date
    publisher: str
    body: str

    def text(self) -> str:
        return f"{LABEL}\n\n{self.body}\n"


def simulated_reports(start: dt.date, days: int) -> list[SimulatedReport]:
    """The statements whose date falls in the simulated window start .. start+days-1."""
    d = dt.date
    wire = ("Reuters reported that Russian cargo planes flew from Khmeimim to al-Khadim airbase in Libya "
            "several times a day, citing flight-tracking data.")
    reports = [
        SimulatedReport("founding-restated", d(2024, 12, 17), "Simulated Daily",
                        "Flight records reveal Russian cargo planes visiting Libya's al-Khadim base multiple times, "
                        "indicating a shift in operations towards Africa."),
        SimulatedReport("wire-1", d(2024, 12, 18), "Simulated Wire", wire),
        SimulatedReport("wire-2", d(2024, 12, 18), "Simulated Herald", wire.replace("reported", "said")),
        SimulatedReport("wire-3", d(2024, 12, 19), "Simulated Observer",
                        wire.replace("several times a day", "repeatedly")),
        SimulatedReport("mod-denial", d(2024, 12, 19), "Simulated Agency",
                        "The Russian Defence Ministry said that no Russian aircraft left Khmeimim this week."),
        SimulatedReport("kremlin-intent", d(2024, 12, 16), "Simulated Agency",
                        "Kremlin spokesman Dmitry Peskov said Russia intends to keep its bases in Syria and remains "
                        "in contact with the new authorities."),
        SimulatedReport("imagery", d(2024, 12, 20), "Simulated Times",
                        "Satellite images from Maxar showed Russian equipment being dismantled at Khmeimim airbase, "
                        "suggesting a withdrawal."),
    ]
    last = start + dt.timedelta(days=days - 1)
    return [r for r in reports if start <= r.date <= last]


def write_reports(folder: Path, start: dt.date, days: int) -> list[tuple[Path, SimulatedReport]]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    out = []
    for r in simulated_reports(start, days):
        path = folder / f"{r.date.isoformat()}-{r.name}.txt"
        path.write_text(r.text(), encoding="utf-8")
        out.append((path, r))
    return out


def run_fusion_demo(ws: Workspace, scenario_dir: Path, start: dt.date, days: int) -> list[BuildSummary]:
    """Write and ingest the simulated reports (through the normal report reader), then fuse and assess."""
    from basewatch.fusion.api import ensure_fused
    from basewatch.reports.ingest import add_files

    for path, r in write_reports(scenario_dir / "reports", start, days):
        add_files(ws, [path], date=r.date, publisher=r.publisher)
    return ensure_fused(ws)
