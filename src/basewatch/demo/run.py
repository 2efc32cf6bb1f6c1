"""`basewatch demo`: simulate the December 2024 scenario, ingest it like a user's files, analyse, brief.

Steps: write the scenario's recorder files, an aircraft database (tar1090-db layout) and the ground
truth under OUT/scenario/, create OUT/basewatch.duckdb afresh, ingest every file through the normal
pipeline (format sniffed) and import the aircraft database,
rebuild the workspace's flights, visits and corridors, and write OUT/brief.html.
Optional hooks, used when their modules are installed: the AIS scenario
(basewatch.demo.ais_scenario.write_ais_scenario) and the maritime analysis (basewatch.maritime.build).
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pyarrow as pa

from basewatch.alerts.demo import demo_alerts
from basewatch.demo.scenario import ScenarioConfig, build_scenario
from basewatch.demo.truth import write_truth
from basewatch.demo.writers import write_aircraft_db, write_scenario
from basewatch.errors import DemoError
from basewatch.fusion.demo import run_fusion_demo
from basewatch.identity.aircraftdb import import_aircraft_db
from basewatch.ingest.pipeline import IngestReport, ingest_file
from basewatch.present.activity import load_flights
from basewatch.present.brief import DEFAULT_SECTIONS, BriefContext, maritime_section, write_brief
from basewatch.workspace.core import Workspace

WORKSPACE_NAME = "basewatch.duckdb"
BRIEF_NAME = "brief.html"
SCENARIO_DIR = "scenario"
TRUTH_NAME = "truth.json"
AIRCRAFT_DB_NAME = "aircraft.csv"
DEMO_ACTOR = "ru-mod-transport"
DEMO_SITES = ("khmeimim", "al-khadim", "benina")
AIS_SCENARIO_MODULE = "basewatch.demo.ais_scenario"


# progress callback: (what is being done, steps done, steps in total)
Progress = Callable[[str, int, int], None]


def _no_progress(what: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class DemoResult:
    out_dir: Path
    workspace: Path
    brief: Path
    truth: Path
    files: tuple[Path, ...]
    ingest: tuple[IngestReport, ...]
    flights: int
    seconds: dict[str, float] = field(default_factory=dict)


def optional_module(name: str) -> ModuleType | None:
    """The module, or None when it (or its package) is not installed; other import errors propagate."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None
        raise


# files of an earlier demo run that a new run replaces (a smaller window must not leave stale files behind)
_OLD_SCENARIO_FILES = (
    "opensky/states_*.parquet", "sbs/basestation_*.csv", "readsb/*/trace_full_*.json", TRUTH_NAME, AIRCRAFT_DB_NAME,
)


def _clear_previous(scenario_dir: Path) -> None:
    for pattern in _OLD_SCENARIO_FILES:
        for path in scenario_dir.glob(pattern):
            path.unlink()
    for day_dir in scenario_dir.glob("readsb/*"):
        if day_dir.is_dir() and not any(day_dir.iterdir()):
            day_dir.rmdir()


def _fresh_workspace(path: Path) -> Workspace:
    from basewatch.workspace import lock

    lock.acquire(path, shared=False)  # not under another command's feet: wait for it, or stop
    try:
        for p in (path, path.with_name(path.name + ".wal")):
            p.unlink(missing_ok=True)
        return Workspace(path)
    finally:
        lock.release(path)  # the Workspace holds it now


def analyse_flights(ws: Workspace) -> int:
    """Bring the workspace's flights, visits and corridors up to date (product `flights`); the flights."""
    return int(ws.ensure("flights").rows["flights"])


def _lead(config: ScenarioConfig) -> tuple[str, ...]:
    last = config.start + dt.timedelta(days=config.days - 1)
    return (
        f"Window: {config.start.isoformat()} to {last.isoformat()} (UTC), seed {config.seed}. The scenario follows "
        "the founding case: after Assad's fall on 8 December 2024, Russian An-124 and Il-76 transports shuttle "
        "from Khmeimim to al-Khadim and Benina in eastern Libya, several times a day from mid-December, with "
        "onward legs to Bamako, returns, and flights to and from Russia; airliners fly over the eastern "
        "Mediterranean; receivers miss Syria's interior and the Libyan desert; one airliner's positions are spoofed.",
        "The recorder files (OpenSky Parquet, readsb traces, SBS-1 logs) were ingested as any user's files would "
        "be; the figures below come from the flights basewatch reconstructed from them, not from the generator.",
    )


@dataclass(frozen=True)
class _Inputs:
    records: list[Path]       # flight (and ship) records, ingested in this order
    aircraft_db: Path
    truth: Path


def _write_inputs(config: ScenarioConfig, scenario_dir: Path, with_maritime: bool) -> _Inputs:
    _clear_previous(scenario_dir)
    scenario = build_scenario(config)
    records = [w.path for w in write_scenario(scenario, scenario_dir)]
    truth = write_truth(scenario, scenario_dir / TRUTH_NAME)
    aircraft_db = write_aircraft_db(scenario, scenario_dir / AIRCRAFT_DB_NAME)
    ais = optional_module(AIS_SCENARIO_MODULE) if with_maritime else None
    if ais is not None:
        records.extend(Path(p) for p in ais.write_ais_scenario(scenario_dir, config.seed))
    return _Inputs(records, aircraft_db, truth)


def _ingest(ws: Workspace, inputs: _Inputs, out_dir: Path, progress: Progress, total: int) -> list[IngestReport]:
    reports = []
    for path in inputs.records:
        progress(f"ingesting {path.relative_to(out_dir).as_posix()}", 1, total)
        reports.append(ingest_file(ws, path))
    reports.append(import_aircraft_db(ws, inputs.aircraft_db))
    return reports


def run_demo(
    out_dir: Path,
    config: ScenarioConfig | None = None,
    progress: Progress = _no_progress,
    *,
    with_maritime: bool = True,
    live: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run the whole demo into out_dir; with_maritime=False skips the optional AIS hooks (flights only);
    live: the records arrive as live feeds (basewatch.live.demo), events reported through this function."""
    config = config or ScenarioConfig()
    try:
        config.window()
    except ValueError as exc:
        raise DemoError(str(exc)) from exc
    if out_dir.exists() and not out_dir.is_dir():
        raise DemoError(f"{out_dir}: exists and is not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, float] = {}
    total = 5
    t0 = time.perf_counter()

    progress("simulating flights", 0, total)
    inputs = _write_inputs(config, out_dir / SCENARIO_DIR, with_maritime)
    seconds["simulate"] = time.perf_counter() - t0

    ws_path = out_dir / WORKSPACE_NAME
    with _fresh_workspace(ws_path) as ws:
        t = time.perf_counter()
        if live is not None:  # -- live feeds (issue 14): the records arrive as feeds and folder drops --
            from basewatch.live.demo import live_ingest

            reports = [import_aircraft_db(ws, inputs.aircraft_db), *live_ingest(ws, inputs.records, live)]
        else:
            reports = _ingest(ws, inputs, out_dir, progress, total)
        seconds["ingest"] = time.perf_counter() - t

        t = time.perf_counter()
        progress("reconstructing flights", 2, total)
        built = analyse_flights(ws)
        if with_maritime:
            progress("analysing ship movements", 3, total)
            ws.ensure("maritime")
        demo_alerts(ws)
        seconds["analyse"] = time.perf_counter() - t

        t = time.perf_counter()
        progress("fusing simulated reports with the sensors", 4, total)
        run_fusion_demo(ws, out_dir / SCENARIO_DIR, config.start, config.days)
        seconds["fusion"] = time.perf_counter() - t

        t = time.perf_counter()
        progress("writing the brief", 4, total)
        sections = tuple(s for s in DEFAULT_SECTIONS if with_maritime or s is not maritime_section)
        brief = write_brief(_context(ws, load_flights(ws), config, out_dir), out_dir / BRIEF_NAME, sections)
        seconds["brief"] = time.perf_counter() - t
    progress("done", total, total)
    seconds["total"] = time.perf_counter() - t0
    return DemoResult(
        out_dir, ws_path, brief, inputs.truth, tuple(inputs.records), tuple(reports), built, seconds
    )


def _context(ws: Workspace, flights: pa.Table, config: ScenarioConfig, out_dir: Path) -> BriefContext:
    return BriefContext(
        ws=ws,
        flights=flights,
        title="Russian air bridge from Khmeimim to eastern Libya, December 2024",
        simulated=True,
        lead=_lead(config),
        site_ids=DEMO_SITES,
        actor=DEMO_ACTOR,
        days=(config.start, config.start + dt.timedelta(days=config.days - 1)),
        data_root=out_dir,
        markers=((dt.date(2024, 12, 8), "8 Dec: Assad falls"),),
    )
