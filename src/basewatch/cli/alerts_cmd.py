"""`basewatch alerts`: surges, drawdowns, shifts, new corridors and dark periods, with their basis."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from basewatch.cli.app import open_workspace
from basewatch.cli.options import Limit, Out, Since, Until, check_format, window, write_text
from basewatch.cli.output import csv_text, err_console, json_text, table_text, terminal_width
from basewatch.jsonable import to_jsonable

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
    since: Since = None,
    until: Until = None,
    level: Annotated[float, typer.Option("--level", help="Benjamini-Hochberg level for surges/drawdowns.")] = 0.01,
    limit: Limit = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or geojson")] = "table",
    out: Out = None,
) -> None:
    """Alerts, each with observed and expected counts, a 95 % interval, p-value, sigma, method and evidence."""
    check_format(fmt, FORMATS)
    start, stop = window(since, until)
    with open_workspace(ctx) as ws:
        with err_console().status("bringing alerts up to date..."):
            table = ws.alerts(site=site, actor=actor, kind=kind, since=start, until=stop, level=level)
        total = table.num_rows
        rows = table.slice(0, limit).to_pylist() if limit is not None else table.to_pylist()
        if fmt == "geojson":
            from basewatch.alerts.geojson import feature_collection

            places = {str(r["site_id"]): (float(r["lon"]), float(r["lat"])) for r in ws.sites().to_pylist()
                      if r.get("lat") is not None and r.get("lon") is not None}
            collection = feature_collection([to_jsonable(r) for r in rows], places)
            write_text(json.dumps(collection, ensure_ascii=False) + "\n", out)
            return
    if fmt == "json":
        write_text(json_text([_json_row(r) for r in rows]), out)
    elif fmt == "csv":
        write_text(csv_text(rows, CSV_COLUMNS), out)
    else:
        shown = [{**r, "observed": _fmt(r["observed"], 1), "expected": _fmt(r["expected"]),
                  "interval": "" if r["lower"] is None else f"{r['lower']:.0f}-{r['upper']:.0f}",
                  "p_value": _fmt(r["p_value"]), "sigma": _fmt(r["sigma"], 1)} for r in rows]
        count = f"{len(rows)} of {total}, --limit" if len(rows) < total else f"{len(rows)}"
        write_text(table_text(shown, TABLE_COLUMNS, f"alerts ({count})", None if out else terminal_width()), out)
