"""The `fusion` (claim statuses, source track records) and `assessments` products."""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING

from basewatch.fusion.params import AssessParams, FusionParams
from basewatch.products.base import BuildSummary
from basewatch.products.registry import register

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

# (table, cheap content digest) of everything fusion reads; optional tables are skipped when absent.
_DIGESTS: tuple[tuple[str, str], ...] = (
    ("claims", "count(*), sum(hash(report_id, claim_no, text, event, certainty, source, date_start))"),
    ("reports", "count(*), sum(hash(report_id, report_date, publisher))"),
    ("flights", "count(*), sum(hash(flight_id, origin_site, origin_airport, destination_site, destination_airport, "
                "actor, \"end\"))"),
    ("port_calls", "count(*), sum(hash(call_id, site_id, port, actor, arrival, departure))"),
    ("dark_periods", "count(*), sum(hash(dark_id, near_site, actor, start_time))"),
    ("aircraft_points", "count(*), max(time)"),
    ("ais_positions", "count(*), max(time)"),
    ("sites", "count(*), sum(hash(site_id, lat, lon, country))"),
    ("actors", "count(*), sum(hash(actor_id, name))"),
    ("alerts", "count(*), sum(hash(alert_id, kind, site, origin, destination, day, direction, status))"),
    ("imagery_observations", "count(*), sum(hash(observation_id, site_id, acquired_at, CAST(counts AS VARCHAR)))"),
)


def inputs_fingerprint(ws: Workspace) -> str:
    from basewatch.claims.grading import SourceGrades
    from basewatch.fusion.records import table_exists

    h = hashlib.sha256()
    for table, expr in _DIGESTS:
        if table_exists(ws, table):
            h.update(f"{table}:{ws.con.execute(f'SELECT {expr} FROM {table}').fetchone()}".encode())
    h.update(repr(SourceGrades.default()).encode())
    return h.hexdigest()


class FusionProduct:
    name = "fusion"
    inputs: tuple[str, ...] = ("claims", "flights", "maritime", "alerts", "imagery")
    tables: tuple[str, ...] = ("claim_status", "source_track")

    def default_params(self) -> FusionParams:
        return FusionParams()

    def fingerprint(self, ws: Workspace, params: FusionParams) -> str:
        return inputs_fingerprint(ws)

    def build(self, ws: Workspace, params: FusionParams) -> BuildSummary:
        from basewatch.fusion.fuse import fuse
        from basewatch.fusion.records import load_records
        from basewatch.fusion.store import write_fusion

        t = time.perf_counter()
        result = fuse(load_records(ws, params.coverage_km), params)
        rows = write_fusion(ws, result)
        notes = tuple(f"no {t_} table: fused without it" for t_ in result.missing)
        return BuildSummary(self.name, rows, time.perf_counter() - t, notes=notes)


class AssessmentsProduct:
    name = "assessments"
    inputs: tuple[str, ...] = ("fusion",)
    tables: tuple[str, ...] = ("assessments",)

    def default_params(self) -> AssessParams:
        return AssessParams()

    def fingerprint(self, ws: Workspace, params: AssessParams) -> str:
        return inputs_fingerprint(ws)

    def build(self, ws: Workspace, params: AssessParams) -> BuildSummary:
        from basewatch.fusion.assess import assess_all
        from basewatch.fusion.fuse import fuse
        from basewatch.fusion.records import load_records
        from basewatch.fusion.store import write_assessments

        t = time.perf_counter()
        records = load_records(ws, params.fusion.coverage_km)
        rows = write_assessments(ws, assess_all(records, fuse(records, params.fusion), params))
        notes = tuple(f"no {t_} table: assessed without it" for t_ in records.missing)
        return BuildSummary(self.name, rows, time.perf_counter() - t, notes=notes)


FUSION = register(FusionProduct())
ASSESSMENTS = register(AssessmentsProduct())
