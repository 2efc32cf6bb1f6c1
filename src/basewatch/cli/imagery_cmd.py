"""`basewatch imagery add|list|compare`: observations as STAC Items, and before/after change detection."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli.app import workspace_path
from basewatch.cli.output import err_console, print_json, print_table
from basewatch.errors import BasewatchError

imagery_app = typer.Typer(help="Satellite-imagery observations and before/after comparisons.", no_args_is_help=True)

_LIST_COLUMNS = ["observation_id", "site_id", "acquired_at", "provider", "resolution_m", "counts", "crs",
                 "image_path"]


def register(app: typer.Typer) -> None:
    app.add_typer(imagery_app, name="imagery")


def _time(value: str) -> dt.datetime:
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BasewatchError(f"--time must be ISO 8601 (2024-12-14 or 2024-12-14T09:30Z), got {value!r}") from None
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)  # no zone given: the time is UTC


def _counts(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        name, sep, num = v.partition("=")
        if not sep or not name or not num.strip().isdigit():
            raise BasewatchError(f"--count must be CLASS=N (e.g. aircraft=12), got {v!r}")
        out[name.strip()] = int(num)
    return out


def _format(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise BasewatchError(f"--format must be one of {', '.join(allowed)}, got {value!r}")
    return value


@imagery_app.command("add")
def add(
    ctx: typer.Context,
    image: Annotated[Path, typer.Argument(help="GeoTIFF, JPEG or PNG.")],
    site: Annotated[str, typer.Option("--site", help="Watched site id.")],
    time: Annotated[str, typer.Option("--time", help="Acquisition time, ISO 8601 (UTC when no zone).")],
    provider: Annotated[str | None, typer.Option("--provider")] = None,
    resolution_m: Annotated[float | None, typer.Option("--resolution-m", help="Ground sample distance, m.")] = None,
    licence: Annotated[str | None, typer.Option("--licence")] = None,
    analyst: Annotated[str | None, typer.Option("--analyst")] = None,
    confidence: Annotated[float | None, typer.Option("--confidence", help="0..1")] = None,
    source_url: Annotated[str | None, typer.Option("--source-url")] = None,
    labels: Annotated[Path | None, typer.Option("--labels", help="CSV, GeoJSON or STAC item.")] = None,
    count: Annotated[list[str] | None, typer.Option("--count", help="CLASS=N, repeatable.")] = None,
    copy_to: Annotated[Path | None, typer.Option("--copy-to", help="Copy the picture into this folder.")] = None,
    detector: Annotated[Path | None, typer.Option("--detector", help="ONNX model (see README).")] = None,
    classes: Annotated[str, typer.Option("--classes", help="Detector class names, comma-separated.")] = "object",
    min_score: Annotated[float, typer.Option("--min-score", help="Detector score threshold.")] = 0.5,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Record an observation (a STAC Item with the label extension); the picture is kept by path and hash."""
    from basewatch.workspace.core import Workspace

    _format(fmt, ("table", "json"))
    with Workspace(workspace_path(ctx)) as ws:
        added = ws.add_observation(
            image, site=site, acquired_at=_time(time), provider=provider, resolution_m=resolution_m,
            licence=licence, analyst=analyst, confidence=confidence, source_url=source_url, labels=labels,
            counts=_counts(count or []), copy_to=copy_to, detector=detector,
            detector_classes=tuple(c.strip() for c in classes.split(",") if c.strip()), min_score=min_score,
        )
    row = {"observation_id": added.observation_id, "site_id": added.site_id, "acquired_at": added.acquired_at,
           "counts": added.counts, "labels": added.labels, "georeferenced": added.georeferenced}
    if fmt == "json":
        print_json(row)
    else:
        print_table([row], list(row), title="imagery observation")


@imagery_app.command("list")
def list_(
    ctx: typer.Context,
    folder: Annotated[Path | None, typer.Argument(help="Output folder (with --format stac).")] = None,
    site: Annotated[str | None, typer.Option("--site")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, geojson, or stac DIR")] = "table",
) -> None:
    """Observations stored; `--format stac DIR` writes a STAC catalog."""
    from basewatch.imagery.stac import export_catalog
    from basewatch.workspace.core import Workspace

    _format(fmt, ("table", "json", "geojson", "stac"))
    if fmt == "stac" and folder is None:
        raise BasewatchError("--format stac needs an output folder: basewatch imagery list --format stac DIR")
    with Workspace(workspace_path(ctx)) as ws:
        rows = ws.imagery(site=site).to_pylist()
    for r in rows:
        for k in ("counts", "item", "labels", "geotransform"):
            if isinstance(r.get(k), str):
                r[k] = json.loads(r[k])
    if fmt == "json":
        print_json([{k: v for k, v in r.items() if k not in ("item", "labels")} for r in rows])
    elif fmt == "geojson":
        feats = [{"type": "Feature", "id": r["observation_id"], "geometry": r["item"].get("geometry"),
                  "properties": {k: r[k] for k in _LIST_COLUMNS}} for r in rows]
        print_json({"type": "FeatureCollection", "features": feats})
    elif fmt == "stac":
        assert folder is not None
        path = export_catalog([r["item"] for r in rows], folder,
                              labels={r["observation_id"]: r["labels"] for r in rows if r.get("labels")})
        sys.stdout.write(f"{path}\n")
    else:
        print_table(rows, _LIST_COLUMNS, title="imagery observations")


@imagery_app.command("compare")
def compare(
    ctx: typer.Context,
    before: Annotated[str, typer.Argument(help="Observation id (or its picture's path or sha256).")],
    after: Annotated[str, typer.Argument(help="Observation id (or its picture's path or sha256).")],
    regions: Annotated[Path | None, typer.Option("--regions", help="GeoJSON of analyst regions.")] = None,
    method: Annotated[str, typer.Option("--method", help="auto, phase, orb or ecc")] = "auto",
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Register, normalise and compare two observations; store the change figures as evidence."""
    from basewatch.imagery.compare import CompareParams
    from basewatch.imagery.register import METHODS
    from basewatch.workspace.core import Workspace

    _format(fmt, ("table", "json"))
    if method not in METHODS:
        raise BasewatchError(f"--method must be one of {', '.join(METHODS)}, got {method!r}")
    params = CompareParams(method=method)  # type: ignore[arg-type]
    with Workspace(workspace_path(ctx)) as ws, err_console().status("registering and comparing the pictures"):
        cmp = ws.compare_imagery(before, after, regions=regions, params=params)
    res = cmp.result.as_json()
    if fmt == "json":
        print_json({"change_id": cmp.change_id, "before_id": cmp.before_id, "after_id": cmp.after_id, **res})
        return
    reg = cmp.result.registration
    print_table([{"change_id": cmp.change_id, "method": reg.method,
                  "shift_px": f"{reg.shift_px[0]:.2f}, {reg.shift_px[1]:.2f}",
                  "rotation_deg": round(reg.rotation_deg, 3), "residual_px": round(reg.residual_px, 2),
                  "changed_fraction": round(cmp.result.changed_fraction, 4)}],
                ["change_id", "method", "shift_px", "rotation_deg", "residual_px", "changed_fraction"],
                title="registration and change")
    if cmp.result.regions:
        print_table([r.__dict__ for r in cmp.result.regions],
                    ["name", "area_px", "changed_px", "changed_fraction", "components", "new_objects"],
                    title="regions")
    c = cmp.result.count
    if c is not None:
        print_table([c.as_json()], ["before", "still_there", "gone", "uncertain", "new", "estimate", "low", "high",
                                    "direction"], title="objects")
