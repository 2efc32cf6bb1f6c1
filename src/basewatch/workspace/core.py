"""The Workspace: one DuckDB file with a versioned schema. The library object CLI and web sit on."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import duckdb

from basewatch.errors import WorkspaceError

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.alerts.bands import Band
    from basewatch.imagery.api import AddedObservation, Comparison
    from basewatch.imagery.compare import CompareParams
    from basewatch.ingest.pipeline import IngestReport
    from basewatch.products.base import BuildSummary
    from basewatch.workspace.catalog import WorkspaceInfo

When = dt.date | dt.datetime | None

DEFAULT_WORKSPACE = "basewatch.duckdb"
ENV_WORKSPACE = "BASEWATCH_WORKSPACE"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_MEMORY_LIMIT = re.compile(r"^[0-9]+(\.[0-9]+)? ?([KMGT]i?B|B)$", re.IGNORECASE)


def default_workspace_path() -> Path:
    return Path(os.environ.get(ENV_WORKSPACE) or DEFAULT_WORKSPACE)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped in the package, in order."""
    found: list[tuple[int, str, str]] = []
    folder = resources.files("basewatch.workspace") / "migrations"
    for entry in folder.iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return found


class Workspace:
    """An open workspace: the one library object front ends use. Use as a context manager or close().

    `Workspace.open(path)` opens an existing workspace (`create=True` makes a new one); the reading
    methods (`flights`, `port_calls`, ...) bring the derived products they read up to date first (the
    product registry, `basewatch.products`) and return Arrow tables. `since`/`until` take a date, a
    tz-aware datetime (naive means UTC) or None; windows are [since, until) and an `until` given as a
    date includes that day. `.con` (the DuckDB connection) stays available as an escape hatch.

    The connection's time zone is UTC, so TIMESTAMPTZ values come back as UTC-aware datetimes.
    """

    @classmethod
    def open(cls, path: Path | str, *, create: bool = False, read_only: bool = False) -> Workspace:
        """Open the workspace at `path`; a missing one is an error unless `create` (not with read_only)."""
        target = Path(path)
        if create and read_only:
            raise WorkspaceError(f"{target}: cannot create a workspace read-only")
        if not target.exists() and not create:
            raise WorkspaceError(f"{target}: no workspace here (create one with `basewatch ingest FILE` "
                                 "or `basewatch demo`, or pick another with -w)")
        if target.exists() and not target.is_file():
            raise WorkspaceError(f"{target}: not a workspace file")
        return cls(target, read_only=read_only)

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_workspace_path()
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise WorkspaceError(f"{self.path}: no workspace here (run `basewatch ingest` or `basewatch demo`)")
        from basewatch.workspace import lock

        if not read_only and self.path.exists() and not os.access(self.path.parent, os.W_OK):
            read_only = self.read_only = self.folder_read_only = True  # answer from what is stored
            print(f"note: {self.path.parent} is read-only: answering from the workspace as stored "
                  "(nothing can be ingested or brought up to date here)", file=sys.stderr)
        self._locked = lock.acquire(self.path, shared=read_only, give_way=True)
        try:
            self.con = self._connect(read_only)
        except BaseException:
            if self._locked:
                lock.release(self.path)
            raise
        self._memory_caps: list[str] = []
        self.con.execute("SET TimeZone = 'UTC'")
        # DuckDB draws its progress bar on stdout, which would corrupt --format json output.
        self.con.execute("SET enable_progress_bar = false")
        if not self.read_only:
            self.migrate()
        self._check_version()

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            # -- live feeds (issue 14): held by `basewatch watch`? read its snapshot instead --
            from basewatch.live.snapshot import open_fallback

            fallback = open_fallback(self.path, exc)
            if fallback is None:
                raise WorkspaceError(f"{self.path}: cannot open workspace: {exc}") from exc
            self.read_only = True
            self.snapshot_of_locked = True
            return fallback

    # -- schema -----------------------------------------------------------------------------
    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if not exists or exists[0] == 0:
            return 0
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def migrate(self) -> list[str]:
        """Apply every migration newer than the workspace's version, each in its own transaction."""
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        current = self.schema_version()
        done = {int(r[0]) for r in self.con.execute("SELECT version FROM schema_version").fetchall()}
        applied: list[str] = []
        for version, name, sql in migrations():
            if version in done:  # by set, not by maximum: a gap filled later is still applied
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                self.con.execute(sql)
                self.con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, now())", [version, name]
                )
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            applied.append(name)
        if applied and current == 0:
            from basewatch.watchlist.store import install_default_watchlist

            install_default_watchlist(self)
        if applied:
            # Write the new schema into the file itself, not only the write-ahead log: DuckDB (1.4) cannot
            # replay a WAL holding `ALTER TABLE ... ADD COLUMN` on a table whose default calls a function
            # (sources: nextval), so a process killed before its first checkpoint left a file no one could open.
            self.con.execute("CHECKPOINT")
        return applied

    def _check_version(self) -> None:
        latest = migrations()[-1][0]
        have = self.schema_version()
        if have > latest:
            raise WorkspaceError(
                f"{self.path}: workspace schema version {have} is newer than this basewatch ({latest})"
            )

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit on success, roll back on any exception (or a killed process)."""
        if getattr(self, "snapshot_of_locked", False):  # -- live feeds (issue 14): a watch holds the file --
            raise WorkspaceError(f"{self.path}: held by a running `basewatch watch`: it cannot be changed until "
                                 "the watch stops (`basewatch watch --folder DIR` ingests files meanwhile)")
        if getattr(self, "folder_read_only", False):
            raise WorkspaceError(f"{self.path}: its folder is read-only, so nothing can be stored in it "
                                 "(copy the workspace to a writable folder, or pick another with -w)")
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def cap_memory(self, limit: str) -> Callable[[], None]:
        """Lower DuckDB's memory limit (e.g. '1GB') and return a function that undoes it.

        DuckDB keeps blocks it has read (and temporary tables) in memory up to its limit, 80 % of RAM
        by default, so a long job's peak RSS grows with the workspace. Past a lower limit it evicts
        cached blocks and spills temporary data to disk instead; results are the same. Caps nest; when
        the last is undone the limit is reset to DuckDB's default (DuckDB only reports a rounded limit,
        so the value in force before cannot be read back exactly).
        """
        if not _MEMORY_LIMIT.match(limit):
            raise ValueError(f"not a memory size like '1GB': {limit!r}")
        self._memory_caps.append(limit)
        self._set_memory_limit(limit)
        depth = len(self._memory_caps)

        def restore() -> None:
            del self._memory_caps[depth - 1 :]
            if self._memory_caps:
                self._set_memory_limit(self._memory_caps[-1])
            else:
                self.con.execute("RESET memory_limit")

        return restore

    def _set_memory_limit(self, limit: str) -> None:
        # a checked literal, not a bound parameter: binding any Python value makes DuckDB's client
        # import pandas (about 0.4 s), which short commands such as `analyse` must not pay
        self.con.execute(f"SET memory_limit = '{limit}'")

    @contextmanager
    def memory_capped(self, limit: str | None) -> Iterator[None]:
        """cap_memory() for the duration of a block (no cap when limit is None)."""
        restore = self.cap_memory(limit) if limit is not None else None
        try:
            yield
        finally:
            if restore is not None:
                restore()

    # -- the library façade: ingest, analyse, read -------------------------------------------------
    def ingest(self, paths: Iterable[Path | str] | Path | str, *, input_format: str = "auto") -> list[IngestReport]:
        """Ingest files, one transaction each (a file that fails leaves nothing; those before it stay).

        `input_format`: "auto" (sniffed), a reader's name (`basewatch sources --formats` lists them), or
        "report" for articles, statements and feeds (stored with the claims extracted from them).
        Raises InputFormatError on the first file that is not of its format."""
        from basewatch.ingest.pipeline import ingest_file

        items = [paths] if isinstance(paths, str | Path) else list(paths)
        if input_format == "report":
            from basewatch.reports.ingest import ingest_reports

            return ingest_reports(self, [Path(p) for p in items])
        return [ingest_file(self, p, input_format) for p in items]

    def analyse(self, *, engine: str = "duckdb", master: str | None = None,
                force: bool = False) -> list[BuildSummary]:
        """Bring every derived product up to date (all of them with `force`); flights, port calls,
        voyages, dark periods and alerts on `engine` (the others, which have no Spark form, on DuckDB)."""
        from basewatch.flights.products import FlightsBuild
        from basewatch.products import ensure_all, last_state
        from basewatch.products.registry import get

        params = None
        if engine != "duckdb" or master is not None:
            state = last_state(self, "flights")
            base = FlightsBuild.from_json(dict(state.params)) if state else get("flights").default_params()
            params = {"flights": FlightsBuild(base.params, engine, master), **self.engine_params_on(engine, master)}
        return ensure_all(self, params, force=force)

    def ensure(self, name: str) -> BuildSummary:
        """Bring one product (and what it reads) up to date, with the parameters of its last build."""
        from basewatch.products import ensure

        return ensure(self, name)

    def info(self) -> WorkspaceInfo:
        """What the workspace holds at a glance (counts, time span, products and their freshness)."""
        from basewatch.workspace.catalog import info

        return info(self)

    def sites(self) -> pa.Table:
        from basewatch.workspace.catalog import sites

        return sites(self)

    def actors(self) -> pa.Table:
        from basewatch.workspace.catalog import actors

        return actors(self)

    def sources(self) -> pa.Table:
        """Ingested files: the `source_id` every derived record cites, path, sha256, format, counts."""
        from basewatch.workspace.catalog import sources

        return sources(self)

    def _fresh(self, *names: str) -> None:
        if not self.read_only:
            for name in names:
                self.ensure(name)

    def flights(self, *, site: str | None = None, actor: str | None = None, since: When = None,
                until: When = None, limit: int | None = None) -> pa.Table:
        """Flights from or to `site`, of `actor`, starting in [since, until), by start time."""
        from basewatch.flights import query

        self._fresh("flights")
        table = query.flights(self, site, actor, query.Window.of(since, until))
        return table if limit is None else table.slice(0, max(limit, 0))

    def activity(self, site: str, *, since: When = None, until: When = None, actor: str | None = None) -> pa.Table:
        """Per UTC day and mode (air, sea): arrivals, departures, vehicles present, median dwell at `site`."""
        from basewatch.flights import query

        self._fresh("flights", "maritime")
        return query.activity(self, site, True, query.Window.of(since, until), actor)

    def corridors(self, *, actor: str | None = None, since: When = None, until: When = None,
                  mode: str | None = None) -> pa.Table:
        """Origin -> destination movements per UTC day (air and sea; `mode` 'air' or 'sea' for one)."""
        import pyarrow.compute as pc

        from basewatch.errors import QueryError
        from basewatch.flights import query

        if mode not in (None, "air", "sea"):
            raise QueryError(f"mode must be air or sea, got {mode!r}")
        self._fresh("flights", "maritime")
        table = query.corridors(self, query.Window.of(since, until), actor)
        return table if mode is None else table.filter(pc.equal(table["mode"], mode))

    def port_calls(self, *, site: str | None = None, actor: str | None = None, since: When = None,
                   until: When = None) -> pa.Table:
        """Port calls (arrival to departure) arriving in [since, until), at `site` (a watched port)."""
        from basewatch.maritime import query

        self._fresh("maritime")
        return query.port_calls(self, site, actor, since, until)

    def voyages(self, *, site: str | None = None, actor: str | None = None, since: When = None,
                until: When = None) -> pa.Table:
        """Voyages between consecutive port calls departing in [since, until), from or to `site`."""
        from basewatch.maritime import query

        self._fresh("maritime")
        return query.voyages(self, site, actor, since, until)

    def dark_periods(self, *, near: str | None = None, actor: str | None = None, since: When = None,
                     until: When = None) -> pa.Table:
        """AIS silences after regular reception starting in [since, until), within 100 km of `near`."""
        from basewatch.maritime import query

        self._fresh("maritime")
        return query.dark_periods(self, near, actor, since, until)

    def vessels(self, *, actor: str | None = None) -> pa.Table:
        """Vessels seen in AIS: MMSI, name, flag (by MID), ship type, first and last seen, actor."""
        from basewatch.maritime import query

        return query.vessels(self, actor)

    def claims(self, *, site: str | None = None, event: str | None = None, certainty: str | None = None,
               status: str | None = None) -> pa.Table:
        """Claims from stored reports: at `site`, of event class `event`, of `certainty` (asserted, hedged or
        denied). With `status` (corroborated, contradicted, unverified or not-checkable), only the claims fusion
        gave that status, with its sentence why, credibility and evidence (as `claim_statuses`)."""
        from basewatch.reports.query import claims

        if status is None:
            return claims(self, site, event, certainty)
        import pyarrow.compute as pc

        table = self.claim_statuses(status=status, site=site)
        for column, value in (("event", event), ("certainty", certainty)):
            if value is not None and column in table.column_names:
                table = table.filter(pc.equal(table[column], value))
        return table

    def brief(self, path: Path | str, *, sites: Sequence[str] | None = None, actor: str | None = None,
              since: When = None, until: When = None) -> Path:
        """Write the brief (HTML, or PDF when `path` ends in .pdf) and return its path."""
        from basewatch.present import workspace_brief

        self._fresh("flights", "maritime")
        return workspace_brief.write(self, path, sites=sites, actor=actor, since=since, until=until)

    def close(self) -> None:
        self.con.close()
        if getattr(self, "_locked", False):
            from basewatch.workspace import lock

            self._locked = False
            lock.release(self.path)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()



    # -- fusion (issue 11) --
    def fuse(self) -> list[BuildSummary]:
        """Check every claim against the sensors and compute the assessments (only what is stale)."""
        from basewatch.fusion.api import ensure_fused

        return ensure_fused(self)

    def claim_statuses(self, *, status: str | None = None, site: str | None = None) -> pa.Table:
        """Claims with fusion's status (corroborated|contradicted|unverified|not-checkable), why and evidence."""
        from basewatch.fusion.api import claim_statuses

        return claim_statuses(self, status=status, site=site)

    def assessments(self, *, site: str | None = None, actor: str | None = None, as_of: dt.date | None = None,
                    timeline: bool = False) -> list[dict[str, object]]:
        """ICD 203 assessments per place (and actor): the latest as of `as_of`, or every day (timeline)."""
        from basewatch.fusion.api import assessments

        return assessments(self, site=site, actor=actor, as_of=as_of, timeline=timeline)

    # -- imagery (issue 12) --
    def imagery(self, *, site: str | None = None) -> pa.Table:
        """Imagery observations (table imagery_observations), by site and acquisition time."""
        from basewatch.imagery.api import imagery

        return imagery(self, site=site)

    def imagery_changes(self, *, site: str | None = None) -> pa.Table:
        """Stored before/after comparisons (table imagery_changes)."""
        from basewatch.imagery.api import imagery_changes

        return imagery_changes(self, site=site)

    def add_observation(
        self, image: Path | str, *, site: str, acquired_at: dt.datetime | dt.date, provider: str | None = None,
        resolution_m: float | None = None, licence: str | None = None, analyst: str | None = None,
        confidence: float | None = None, source_url: str | None = None, labels: Path | None = None,
        counts: dict[str, int] | None = None, copy_to: Path | None = None, detector: Path | None = None,
        detector_classes: tuple[str, ...] = ("object",), min_score: float = 0.5,
    ) -> AddedObservation:
        """Record an imagery observation: a STAC Item (label extension) with counts and labelled geometries."""
        from basewatch.imagery.api import add_observation

        return add_observation(
            self, Path(image), site=site, acquired_at=acquired_at, provider=provider, resolution_m=resolution_m,
            licence=licence, analyst=analyst, confidence=confidence, source_url=source_url, labels=labels,
            counts=counts, copy_to=copy_to, detector=detector, detector_classes=detector_classes,
            min_score=min_score,
        )

    def compare_imagery(self, before: str, after: str, *, regions: Path | None = None,
                        params: CompareParams | None = None, store: bool = True) -> Comparison:
        """Compare two observations (ids, paths or hashes); the result is stored in imagery_changes."""
        from basewatch.imagery.api import compare_imagery

        return compare_imagery(self, before, after, regions=regions, params=params, store=store)

    # -- alerts (issue 10) --
    def alerts(
        self,
        *,
        site: str | None = None,
        actor: str | None = None,
        kind: str | None = None,
        since: dt.date | dt.datetime | None = None,
        until: dt.date | dt.datetime | None = None,
        level: float = 0.01,
    ) -> pa.Table:
        """Surges, drawdowns, shifts, new corridors and dark periods (see basewatch.alerts), brought up to date."""
        from basewatch.alerts.api import alerts

        return alerts(self, site=site, actor=actor, kind=kind, since=since, until=until, level=level)

    # -- evidence for the web dashboard (issue 13) --
    def flight_points(self, flight_id: str) -> pa.Table:
        """The flight's reported positions with the source file and row of each."""
        from basewatch.web import evidence

        return evidence.flight_points(self, flight_id)

    def flight_sources(self, flight_id: str) -> pa.Table:
        """Per source file: the row range and count of the flight's reports."""
        from basewatch.web import evidence

        return evidence.flight_sources(self, flight_id)

    def report(self, report_id: int) -> pa.Table:
        """One stored report with its full text (claim offsets index into it); empty when unknown."""
        from basewatch.web import evidence

        return evidence.report(self, report_id)

    def vessel_positions(self, mmsi: str, *, since: dt.datetime | None = None,
                         until: dt.datetime | None = None) -> pa.Table:
        """A vessel's received AIS positions with the source file and row of each, within [since, until]."""
        from basewatch.web import evidence

        return evidence.vessel_positions(self, mmsi, since, until)

    def alert_bands(self, series: Sequence[str], *, first: dt.date | None = None,
                    last: dt.date | None = None) -> list[Band]:
        """Daily observed counts of the named alert series (as in `alerts().series`) with the expected mean
        and its 95 % interval, between first and last (inclusive); unknown names are left out."""
        from basewatch.alerts.bands import series_bands

        return series_bands(self, series, first=first, last=last)

    # -- reliability and scale (issue 16) --
    def maritime_params_on(self, engine: str, master: str | None) -> dict[str, object]:
        """The maritime product's parameters of its last build, with port calls on `engine` (issue 16)."""
        import dataclasses

        from basewatch.maritime import MaritimeRules
        from basewatch.products import last_state

        state = last_state(self, "maritime")
        rules = MaritimeRules.from_json(dict(state.params)) if state else MaritimeRules()
        return {"maritime": dataclasses.replace(rules, engine=engine, master=master)}

    def engine_params_on(self, engine: str, master: str | None) -> dict[str, object]:
        """The parameters of the last builds of every product with a Spark form but the flights (maritime:
        port calls, voyages, dark periods; alerts), set to run on `engine` (`analyse --engine spark`)."""
        from basewatch.alerts.products import AlertsBuild
        from basewatch.products import last_state

        state = last_state(self, "alerts")
        alerts = AlertsBuild.from_json(dict(state.params)) if state else AlertsBuild()
        return {**self.maritime_params_on(engine, master), "alerts": AlertsBuild(alerts.params, engine, master)}
