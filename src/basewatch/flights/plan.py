"""The flight pipeline on DuckDB as precompiled SQL: compile the Ibis pipeline once, run it without Ibis.

The pipeline is written once in Ibis (`basewatch.flights.pipeline`); Spark runs it through Ibis. For
DuckDB, `compile_plan` records the SQL Ibis generates for every stage against unbound tables of fixed
names (`bw_points`, `bw_airfields`, `bw_sites`, `bw_site_edges`, `bw_identity`, then `bw_stage_N`).
The plan of the default parameters ships with the package (data/plan_default.json, regenerate with
`python -m basewatch.flights.plan --write` after changing the pipeline; a test fails until then);
other parameters are compiled on first use in the process (only then is Ibis imported).

`run_plan` executes a plan in the workspace's own connection: temporary views of the points and
reference data, each stage as a temporary table, the three results as temporary tables named by
OUTPUT_TABLES. The airfield and site reference tables are kept in the workspace (migration 0009) and
rebuilt from airportsdata and the watchlist only when their fingerprint changes; the identity table
is pure SQL. So a run imports neither Ibis, PyArrow nor airportsdata once the references exist, nor
pandas as long as no statement on the way binds query parameters (see `sql_literal`).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import math
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basewatch.errors import PlanError
from basewatch.flights.columns import DUCKDB_MEMORY_LIMIT, POINTS_SCHEMA, POINTS_SQL
from basewatch.flights.params import FlightParams

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

# Bump when the plan file's layout or the way a plan is compiled changes (the shipped plan is then stale).
PLAN_FORMAT = 1
# Bump when the reference builders (references.airfields_arrow, sites_arrow, site_edges_arrow) change
# what they produce without changing their columns: the stored reference tables are then rebuilt.
REFERENCE_FORMAT = 1
DATA_FILE = "plan_default.json"
POINTS_TABLE = "bw_points"
STAGE_PREFIX = "bw_stage_"
# reference name (pipeline.REFERENCE_SCHEMAS) -> the table a plan reads it from
REFERENCE_TABLES: dict[str, str] = {
    "airfields": "bw_airfields", "sites": "bw_sites", "site_edges": "bw_site_edges", "identity": "bw_identity",
}
# references kept in the workspace (migration 0009); identity is computed on every run
STORED_REFERENCES: dict[str, str] = {
    "airfields": "flight_reference_airfields",
    "sites": "flight_reference_sites",
    "site_edges": "flight_reference_site_edges",
}
# output name -> the temporary table run_plan leaves it in (basewatch.flights.store reads them)
OUTPUT_TABLES: dict[str, str] = {
    "flights": "_bw_flights_raw", "visits": "_bw_visits_raw", "corridors": "_bw_corridors_raw",
}
IDENTITY_FULL = "_bw_identity_full"
_STAGE_NAME = re.compile(rf"^{STAGE_PREFIX}[0-9]+$")
_COLUMN_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_EXCLUDE = re.compile(r"EXCLUDE \(([^()]*)\)")


@dataclass(frozen=True)
class Plan:
    """The pipeline for one FlightParams as DuckDB SQL.

    stages: (temporary table name, SELECT) in execution order; later stages read earlier ones.
    outputs: output name (flights, visits, corridors) -> SELECT over the stages.
    references: reference name -> its (column, Ibis type) pairs, as the SQL expects them.
    atoms: the workspace table the per-source atoms are read from (`basewatch.flights.summary`), or
        None when the plan computes them from the points.
    key: plan_key() of the parameters (and atoms choice) it was compiled for.
    """

    key: str
    stages: tuple[tuple[str, str], ...]
    outputs: Mapping[str, str]
    references: Mapping[str, tuple[tuple[str, str], ...]]
    atoms: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "format": PLAN_FORMAT,
            "key": self.key,
            "stages": [list(s) for s in self.stages],
            "outputs": dict(self.outputs),
            "references": {name: [list(c) for c in cols] for name, cols in self.references.items()},
            "atoms": self.atoms,
        }

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Plan:
        """A plan read back from as_json(), its table and column names checked (they are spliced into SQL)."""
        stages = tuple((str(name), str(sql)) for name, sql in data["stages"])
        bad = [name for name, _ in stages if not _STAGE_NAME.match(name)]
        if bad:
            raise PlanError(f"plan: bad stage table names {bad}")
        outputs = {str(k): str(v) for k, v in data["outputs"].items()}
        if set(outputs) != set(OUTPUT_TABLES):
            raise PlanError(f"plan: outputs {sorted(outputs)}, expected {sorted(OUTPUT_TABLES)}")
        refs = {str(k): tuple((str(c), str(t)) for c, t in cols) for k, cols in data["references"].items()}
        if set(refs) != set(REFERENCE_TABLES):
            raise PlanError(f"plan: references {sorted(refs)}, expected {sorted(REFERENCE_TABLES)}")
        bad = [c for cols in refs.values() for c, _ in cols if not _COLUMN_NAME.match(c)]
        if bad:
            raise PlanError(f"plan: bad reference column names {bad}")
        atoms = data.get("atoms")
        if atoms is not None and not _COLUMN_NAME.match(str(atoms)):
            raise PlanError(f"plan: bad atoms table name {atoms!r}")
        return Plan(str(data["key"]), stages, outputs, refs, None if atoms is None else str(atoms))


def sql_literal(value: str | float | None) -> str:
    """A SQL literal of an internal value (a number, or text our code made: never user input).

    The run path binds no parameters: binding any non-NULL Python value makes DuckDB's Python client
    import pandas (about 0.4 s, most of a short `analyse`).
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return f"CAST({value!r} AS DOUBLE)"
    return "'" + value.replace("'", "''") + "'"


def plan_key(params: FlightParams, stored_atoms: bool = True) -> str:
    """Which parameters, atoms choice and plan format a plan was compiled for."""
    text = json.dumps({"format": PLAN_FORMAT, "params": params.as_json(), "stored_atoms": stored_atoms},
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# -- compiling (imports Ibis) ---------------------------------------------------------------------
def _to_sql(expr: ir.Table) -> str:
    """DuckDB SQL of `expr`, the same text in every process.

    Ibis keeps the columns a `drop` removes in a set, so their order in `* EXCLUDE (...)` follows the
    interpreter's string hashing; they are sorted here (the order of an EXCLUDE list means nothing).
    """
    import ibis

    sql: str = ibis.to_sql(expr, dialect="duckdb")
    return _EXCLUDE.sub(lambda m: "EXCLUDE (" + ", ".join(sorted(m.group(1).split(", "))) + ")", sql)


class _Recorder:
    """A StageRunner that computes nothing: it records each stage's SQL and hands back an unbound table."""

    def __init__(self, points: ir.Table) -> None:
        self.points = points
        self.atoms: ir.Table | None = None  # the pipeline computes the atoms from the points
        self.stages: list[tuple[str, str]] = []

    def materialize(self, expr: ir.Table) -> ir.Table:
        import ibis

        name = f"{STAGE_PREFIX}{len(self.stages) + 1}"
        self.stages.append((name, _to_sql(expr)))
        table: ir.Table = ibis.table(expr.schema(), name=name)
        return table


def compile_plan(params: FlightParams, stored_atoms: bool = True) -> Plan:
    """Compile the Ibis pipeline for `params` to DuckDB SQL (about half a second; imports Ibis).

    stored_atoms: read the per-source atoms from the workspace's summary table (the caller makes sure
    they are there: `prepare`), else compute them from the points.
    """
    import ibis

    from basewatch.flights import atoms, pipeline, summary

    runner = _Recorder(ibis.table(ibis.schema(POINTS_SCHEMA), name=POINTS_TABLE))
    if stored_atoms:
        window_s = params.attribute.end_window_s
        schema = atoms.source_atoms(runner.points, params.split, window_s).schema()
        runner.atoms = ibis.table(schema, name=summary.TABLE)
    schemas = {name: ibis.Schema.from_pyarrow(schema) for name, schema in pipeline.REFERENCE_SCHEMAS.items()}
    refs = pipeline.References(
        **{name: ibis.table(schema, name=REFERENCE_TABLES[name]) for name, schema in schemas.items()}
    )
    wide = pipeline.attributed_flights(runner, refs, params)
    outputs = {name: _to_sql(expr) for name, expr in pipeline.outputs(wide).items()}
    references = {name: tuple((col, str(dtype)) for col, dtype in schema.items()) for name, schema in schemas.items()}
    return Plan(plan_key(params, stored_atoms), tuple(runner.stages), outputs, references,
                summary.TABLE if stored_atoms else None)


# -- loading ----------------------------------------------------------------------------------------
def shipped_plan_path() -> Path:
    return Path(str(resources.files("basewatch.flights") / "data" / DATA_FILE))


def plan_text(plan: Plan) -> str:
    """The plan file's exact text (what --write stores and the freshness test compares)."""
    return json.dumps(plan.as_json(), indent=1, sort_keys=True) + "\n"


@functools.cache
def _shipped() -> Plan | None:
    path = shipped_plan_path()
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != PLAN_FORMAT:
        return None
    return Plan.from_json(data)


@functools.lru_cache(maxsize=8)
def _compiled(params: FlightParams, stored_atoms: bool) -> Plan:
    return compile_plan(params, stored_atoms)


def load_plan(params: FlightParams | None = None, stored_atoms: bool = True) -> Plan:
    """The shipped plan (default parameters, stored atoms) when it is current, else one compiled now
    and cached for the process."""
    params = params or FlightParams()
    if params == FlightParams() and stored_atoms:
        shipped = _shipped()
        if shipped is not None and shipped.key == plan_key(params, stored_atoms):
            return shipped
    return _compiled(params, stored_atoms)


def prepare(ws: Workspace, params: FlightParams) -> Plan:
    """The plan to run on this workspace: on its stored per-source atoms when they can serve `params`
    (brought up to date first, see `basewatch.flights.summary.ensure_atoms`), else from the points."""
    from basewatch.flights import summary

    stored = summary.ensure_atoms(ws, params) and _table_exists(ws, summary.TABLE)
    return load_plan(params, stored)


def _table_exists(ws: Workspace, name: str) -> bool:
    row = ws.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() "
        f"AND table_schema = 'main' AND table_name = {sql_literal(name)}"
    ).fetchone()
    return bool(row and row[0])


# -- reference tables kept in the workspace -----------------------------------------------------------
def airportsdata_version() -> str:
    try:
        return metadata.version("airportsdata")
    except metadata.PackageNotFoundError:
        return "none"


def reference_fingerprint(ws: Workspace, plan: Plan) -> str:
    """What the stored reference tables were built from: airportsdata's version, the watchlist's sites
    as stored, the columns the plan expects, REFERENCE_FORMAT. Cheap: no airportsdata import."""
    sites = ws.con.execute("SELECT * FROM sites ORDER BY site_id").fetchall()
    stored = {name: plan.references[name] for name in STORED_REFERENCES}
    text = json.dumps([REFERENCE_FORMAT, airportsdata_version(), stored, sites], default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def stored_fingerprint(ws: Workspace) -> str | None:
    row = ws.con.execute("SELECT max(fingerprint) FROM flight_reference_state").fetchone()
    return str(row[0]) if row and row[0] is not None else None


def _reference_arrow(ws: Workspace) -> dict[str, pa.Table]:
    """The stored references built from airportsdata and the watchlist (the slow path: PyArrow)."""
    from basewatch.flights import references
    from basewatch.identity.airports import airports_table
    from basewatch.watchlist.store import read_sites

    sites, airports = read_sites(ws), airports_table()
    tables = {
        "airfields": references.airfields_arrow(airports, sites),
        "sites": references.sites_arrow(sites, airports),
        "site_edges": references.site_edges_arrow(sites),
    }
    return {name: tables[name] for name in STORED_REFERENCES}


def ensure_references(ws: Workspace, plan: Plan) -> bool:
    """Rebuild the stored reference tables if their fingerprint changed; True if they were rebuilt."""
    fingerprint = reference_fingerprint(ws, plan)
    if stored_fingerprint(ws) == fingerprint:
        return False
    tables = _reference_arrow(ws)
    con = ws.con
    with ws.transaction():
        for name, table in STORED_REFERENCES.items():
            view = f"_bw_arrow_{name}"
            con.register(view, tables[name])
            try:
                con.execute(f"DELETE FROM {table}")  # the tables are created by migration 0009
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")
            finally:
                con.unregister(view)
        con.execute("DELETE FROM flight_reference_state")
        con.execute("INSERT INTO flight_reference_state VALUES (?, ?, now())", [fingerprint, airportsdata_version()])
    return True


# -- running ------------------------------------------------------------------------------------------
def _create_inputs(ws: Workspace, plan: Plan) -> None:
    """The temporary views (points, stored references) and the identity table a plan reads."""
    from basewatch.identity.cache import TABLE as IDENTITY_CACHE
    from basewatch.identity.cache import identity_table

    con = ws.con
    con.execute(f"CREATE OR REPLACE TEMP VIEW {POINTS_TABLE} AS {POINTS_SQL}")
    for name, stored in STORED_REFERENCES.items():
        cols = ", ".join(c for c, _ in plan.references[name])
        con.execute(f"CREATE OR REPLACE TEMP VIEW {REFERENCE_TABLES[name]} AS SELECT {cols} FROM {stored}")
    source = identity_table(ws)  # kept in the workspace: no bound parameters unless it is stale
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {REFERENCE_TABLES['identity']} AS SELECT icao24, actor_id AS actor, "
        f"typecode, registration, country, military FROM {source}"
    )
    if source != IDENTITY_CACHE:
        con.execute(f"DROP TABLE IF EXISTS temp.{source}")


def _drop_temp(ws: Workspace, tables: Iterable[str] = (), views: Iterable[str] = ()) -> None:
    for name in tables:
        ws.con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    for name in views:
        ws.con.execute(f"DROP VIEW IF EXISTS temp.{name}")


def drop_outputs(ws: Workspace) -> None:
    """Drop the temporary result tables run_plan left."""
    _drop_temp(ws, OUTPUT_TABLES.values())


def run_plan(ws: Workspace, plan: Plan, memory_limit: str | None = DUCKDB_MEMORY_LIMIT) -> None:
    """Compute the plan in the workspace: results in the temporary tables OUTPUT_TABLES (drop them with
    drop_outputs). DuckDB's memory is capped meanwhile, as for the Ibis engine (engine.duckdb_engine)."""
    with ws.memory_capped(memory_limit):
        ensure_references(ws, plan)
        try:
            _create_inputs(ws, plan)
            for name, sql in plan.stages:
                ws.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
            for name, sql in plan.outputs.items():
                ws.con.execute(f"CREATE OR REPLACE TEMP TABLE {OUTPUT_TABLES[name]} AS {sql}")
        except BaseException:
            drop_outputs(ws)
            raise
        finally:
            stages = [name for name, _ in reversed(plan.stages)]
            _drop_temp(ws, [*stages, REFERENCE_TABLES["identity"], IDENTITY_FULL],
                       [POINTS_TABLE, *(REFERENCE_TABLES[name] for name in STORED_REFERENCES)])


# -- command line: regenerate the shipped plan ---------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m basewatch.flights.plan",
                                     description="Compile the default flight pipeline to DuckDB SQL.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help=f"write it to the package's data/{DATA_FILE}")
    group.add_argument("--check", action="store_true", help="exit 1 if the shipped plan is not current")
    args = parser.parse_args(argv)
    text = plan_text(compile_plan(FlightParams()))
    path = shipped_plan_path()
    if args.write:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
        return 0
    if args.check:
        current = path.is_file() and path.read_text(encoding="utf-8") == text
        print(f"{path}: {'current' if current else 'STALE: run python -m basewatch.flights.plan --write'}")
        return 0 if current else 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
