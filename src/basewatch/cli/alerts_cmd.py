"""`basewatch alerts`: surges, drawdowns, shifts, new corridors and dark periods, with their basis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import err_console, print_csv, print_json, print_table, to_jsonable
from basewatch.errors import BasewatchError, WorkspaceError

FORMATS = ("table", "json", "csv", "geojson")
TABLE_COLUMNS = ("day", "kind", "series", "observed", "expected", "interval", "p_value", "sigma", "status")
CSV_COLUMNS = ("alert_id", "kind", "mode", "series", "site", "origin", "destination", "actor", "direction", "day",
               "start_time", "end_time", "observed", "expected", "lower", "upper", "p_value", "q_value", "sigma",
               "status", "method", "evidence", "note")


def register(app: typer.Typer) -> None:
    app.command("alerts")(alerts)


def _json_row(r: dict[str, Any]) -> dict[str, Any]:
    out = dict(r)
    out["interval"] = None if r["lower"] is None else [r["lower"], r["upper"]]
    out["start"], out["end"] = r["start_time"], r["end_time"]
    out["evidence"] = json.loads(r["evidence"])
    return out


def _fmt(v: Any, digits: int = 2) -> str:
    return "" if v is None else f"{v:.{digits}g}" if isinstance(v, float) and abs(v) < 0.01 else f"{v:.{digits}f}"


def alerts(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="Alerts at this site (or on a corridor to/from it).")]
    = None,
    actor: Annotated[str | None, typer.Option(
        "--actor", help="Alerts of this actor's series ('other': traffic of no watched actor).")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", help="surge, drawdown, shift, new-corridor or dark.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this UTC date (ISO 8601).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this UTC date (inclusive).")] = None,
    level: Annotated[float, typer.Option("--level", help="Benjamini-Hochberg level for surges/drawdowns.")] = 0.01,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or geojson")] = "table",
) -> None:
    """Alerts, each with observed and expected counts, a 95 % interval, p-value, sigma, method and evidence."""
    from basewatch.cli.maritime_cmd import parse_time
    from basewatch.workspace.core import Workspace

    if fmt not in FORMATS:
        raise BasewatchError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    path = Path(workspace_path(ctx))
    if not path.exists():
        raise WorkspaceError(f"{path}: no workspace here (run `basewatch ingest` or `basewatch demo`)")
    start, stop = parse_time(since), parse_time(until)
    with Workspace(path) as ws:
        with err_console().status("bringing alerts up to date..."):
            table = ws.alerts(site=site, actor=actor, kind=kind, since=start, until=stop, level=level)
        rows = table.to_pylist()
        if fmt == "geojson":
            from basewatch.alerts.geojson import feature_collection

            places = {str(s): (float(lon), float(lat)) for s, lat, lon in ws.con.execute(
                "SELECT site_id, lat, lon FROM sites WHERE lat IS NOT NULL AND lon IS NOT NULL").fetchall()}
            print_json(feature_collection([to_jsonable(r) for r in rows], places))
            return
    if fmt == "json":
        print_json([_json_row(r) for r in rows])
    elif fmt == "csv":
        print_csv(rows, CSV_COLUMNS)
    else:
        shown = [{**r, "observed": _fmt(r["observed"], 1), "expected": _fmt(r["expected"]),
                  "interval": "" if r["lower"] is None else f"{r['lower']:.0f}-{r['upper']:.0f}",
                  "p_value": _fmt(r["p_value"]), "sigma": _fmt(r["sigma"], 1)} for r in rows]
        print_table(shown, TABLE_COLUMNS, title=f"{len(rows)} alerts")
