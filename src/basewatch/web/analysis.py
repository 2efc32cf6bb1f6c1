"""The analysis half of the API: alerts with their expected bands, assessments, claim statuses, imagery.

Each endpoint is one call (or a few) into the Workspace façade: `alerts`, `alert_bands`, `assessments`,
`claim_statuses`, `imagery`, `imagery_changes`. An alert's evidence ids are resolved to the flights,
port calls, voyages and dark periods they name, so its page can link every one. ENDPOINTS is merged into
the index served at /api.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
from starlette.requests import Request
from starlette.responses import Response

from basewatch.errors import FusionError
from basewatch.web import encode, records
from basewatch.web.api import JsonResponse, NotFound, _api, _listing, statuses
from basewatch.web.encode import JsonValue, Row
from basewatch.web.params import BadRequest, Filters, choice, ident

if TYPE_CHECKING:
    from basewatch.alerts.bands import Band
    from basewatch.workspace.core import Workspace

ENDPOINTS: dict[str, str] = {
    "/api/alerts": "alerts (surge, drawdown, shift, new-corridor, dark); site (either end), actor, kind, since, until",
    "/api/alerts/{alert_id}": "one alert: its series' band around its day, and the flights, port calls, voyages "
                              "and dark periods it came from, and those records as map features (flight tracks, "
                              "dashed dark gaps)",
    "/api/bands": "a site's daily series with expected mean and 95 % interval, and its alerts; site required, "
                  "actor, since, until",
    "/api/assessments": "ICD 203 assessments per place: the latest (or timeline=1: every day); site, actor",
    "/api/claim_statuses": "claims with fusion's status (corroborated, contradicted, unverified, not-checkable), "
                           "why and evidence; site, status",
    "/api/imagery": "imagery observations; site",
    "/api/imagery/{observation_id}": "one observation (STAC item, counts, labels) and the comparisons it is in",
    "/api/imagery/{observation_id}/image": "the observation's picture as PNG (at most 1600 px a side)",
    "/api/imagery_changes": "before/after comparisons; site",
    "/api/imagery_changes/{change_id}": "one comparison: registration, regions, per-box calls, new objects, count",
}

KINDS = ("surge", "drawdown", "shift", "new-corridor", "dark")
STATUSES = ("corroborated", "contradicted", "unverified", "not-checkable")
BAND_DAYS = 28          # an alert's page shows its series this many days either side of its day
MAX_IMAGE_PX = 1600
ALL_TRAFFIC = "all traffic"  # the series key's actor part for all traffic (basewatch.alerts.series)
SITE_SERIES = (("air", "arrivals"), ("air", "departures"), ("sea", "arrivals"), ("sea", "departures"),
               ("sea", "in_port"))
EVIDENCE_KEYS = {"flight": "flight_id", "port_call": "call_id", "voyage": "voyage_id", "dark_period": "dark_id"}


def _json(v: object) -> JsonValue:
    if v is None or v == "":
        return None
    parsed: JsonValue = json.loads(str(v))
    return parsed


def _day(v: object) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else None


def _day_of(v: JsonValue) -> dt.date | None:
    """The UTC day of an answer's date ('YYYY-MM-DD') or time ('...Z')."""
    return dt.date.fromisoformat(v[:10]) if isinstance(v, str) and len(v) >= 10 else None


def band_json(band: Band) -> Row:
    return {"series": band.series, "days": [d.isoformat() for d in band.days], "observed": list(band.observed),
            "expected": list(band.expected), "lower": list(band.lower), "upper": list(band.upper)}


# -- alerts -----------------------------------------------------------------------------------------
def _alert_table(api: Workspace, request: Request) -> pa.Table:
    f = Filters.of(request.query_params)
    return api.alerts(site=f.site, actor=f.actor, kind=choice(request.query_params, "kind", KINDS),
                      since=f.since, until=f.until)


def alerts(request: Request) -> JsonResponse:
    return _listing(_alert_table(_api(request), request), request)


def _evidence_rows(api: Workspace, refs: list[JsonValue]) -> dict[str, list[Row]]:
    """The records the alert names, per kind, each table filtered on its id column."""
    wanted: dict[str, list[str]] = {}
    for ref in refs:
        if isinstance(ref, dict) and isinstance(ref.get("kind"), str) and ref.get("id") is not None:
            wanted.setdefault(str(ref["kind"]), []).append(str(ref["id"]))
    readers: dict[str, Callable[[], pa.Table]] = {
        "flight": api.flights, "port_call": api.port_calls, "voyage": api.voyages, "dark_period": api.dark_periods}
    out: dict[str, list[Row]] = {}
    for kind, ids in wanted.items():
        if kind not in readers:
            continue
        table = readers[kind]()
        key = EVIDENCE_KEYS[kind]
        if table.num_rows == 0:
            out[kind] = []
            continue
        keys = pc.cast(table[key], pa.string())
        table = table.filter(pc.is_in(keys, pa.array(ids, pa.string())))
        out[kind] = encode.rows(table.drop_columns([c for c in ("source_ids",) if c in table.column_names]))
    return out


def alert(request: Request) -> JsonResponse:
    api = _api(request)
    out = _one(api.alerts(), "alert_id", ident(request.path_params, "alert_id") or "", "alert", ("evidence",))
    refs = out["evidence"]
    day = _day_of(out["day"]) or _day_of(out["start_time"])
    bands: list[Row] = []
    if out["kind"] != "dark" and day is not None:
        span = dt.timedelta(days=BAND_DAYS)
        bands = [band_json(b) for b in api.alert_bands([str(out["series"])], first=day - span, last=day + span)]
    evidence = _evidence_rows(api, refs if isinstance(refs, list) else [])
    return JsonResponse({"alert": out, "band": bands[0] if bands else None, "evidence": evidence,
                         "map": records.alert_map(api, evidence)})


def bands(request: Request) -> JsonResponse:
    """A site's series (all traffic, or one actor's) with their expected bands, and the site's alerts."""
    api = _api(request)
    f = Filters.of(request.query_params)
    if f.site is None:
        raise BadRequest("site: required")
    who = f.actor or ALL_TRAFFIC
    names = [f"{mode} {direction} {f.site} | {who}" for mode, direction in SITE_SERIES
             if f.mode is None or f.mode == mode]
    found = api.alert_bands(names, first=_day(f.since), last=_day(f.until))
    site_alerts = api.alerts(site=f.site, actor=f.actor, since=f.since, until=f.until)
    return JsonResponse({"site": f.site, "series": [band_json(b) for b in found],
                         "alerts": encode.rows(site_alerts.drop_columns(["evidence", "method"]))})


# -- fusion ------------------------------------------------------------------------------------------
def assessments(request: Request) -> JsonResponse:
    params = request.query_params
    timeline = choice(params, "timeline", ("0", "1")) == "1"
    try:
        found = _api(request).assessments(site=ident(params, "site"), actor=ident(params, "actor"),
                                          timeline=timeline)
    except FusionError as exc:  # nothing fused in this workspace: an empty answer that says why
        return JsonResponse({"rows": [], "note": str(exc)})
    return JsonResponse({"rows": found})


def claim_statuses(request: Request) -> JsonResponse:
    params = request.query_params
    found = statuses(_api(request), ident(params, "site"), choice(params, "status", STATUSES))
    if found is None:
        return JsonResponse({"total": 0, "offset": 0, "limit": 0, "rows": [], "note": "nothing fused yet"})
    return _listing(found, request)


def with_status(api: Workspace, claims: pa.Table) -> pa.Table:
    """The claims with fusion's status and why joined on (report_id, claim_no), when fused."""
    found = statuses(api)
    if found is None or claims.num_rows == 0:
        return claims
    extra = found.select(["report_id", "claim_no", "status", "why"]).rename_columns(
        ["report_id", "claim_no", "fusion_status", "fusion_why"])
    joined = claims.join(extra, ["report_id", "claim_no"], join_type="left outer")
    return joined.sort_by([("report_id", "ascending"), ("claim_no", "ascending")])


# -- imagery -----------------------------------------------------------------------------------------
LIST_DROP = ("item", "labels", "geotransform")


def imagery(request: Request) -> JsonResponse:
    table = _api(request).imagery(site=ident(request.query_params, "site"))
    return _listing(table.drop_columns([c for c in LIST_DROP if c in table.column_names]), request)


def _one(table: pa.Table, column: str, value: str, what: str, json_columns: tuple[str, ...]) -> Row:
    """The row whose `column` is `value`, its JSON text columns parsed; NotFound when there is none."""
    table = table.filter(pc.equal(table[column], value)) if table.num_rows else table
    if table.num_rows == 0:
        raise NotFound(f"no {what} {value!r}")
    row = encode.rows(table)[0]
    for key in json_columns:
        if key in row:
            row[key] = _json(row[key])
    return row


def _observation(api: Workspace, observation_id: str) -> Row:
    return _one(api.imagery(), "observation_id", observation_id, "observation",
                ("counts", "item", "labels", "geotransform"))


def observation(request: Request) -> JsonResponse:
    api = _api(request)
    oid = ident(request.path_params, "observation_id") or ""
    obs = _observation(api, oid)
    changes = api.imagery_changes()
    if changes.num_rows:
        changes = changes.filter(pc.or_(pc.equal(changes["before_id"], oid), pc.equal(changes["after_id"], oid)))
    keep = [c for c in changes.column_names if c not in ("result", "params")]
    return JsonResponse({"observation": obs, "changes": encode.rows(changes.select(keep))})


def image(request: Request) -> Response:
    """The picture, re-encoded as PNG by Pillow (never the stored bytes as they are)."""
    from PIL import Image, UnidentifiedImageError

    obs = _observation(_api(request), ident(request.path_params, "observation_id") or "")
    path = obs.get("image_path")
    if not isinstance(path, str):
        raise NotFound("the observation has no picture")
    try:
        with Image.open(path) as im:
            im.load()
            picture = im.convert("RGB" if im.mode not in ("L", "I;16", "I", "F", "1") else "L")
    except (UnidentifiedImageError, OSError) as exc:
        raise NotFound(f"the picture cannot be read ({type(exc).__name__})") from exc
    picture.thumbnail((MAX_IMAGE_PX, MAX_IMAGE_PX))
    buf = io.BytesIO()
    picture.save(buf, "PNG")
    return Response(buf.getvalue(), media_type="image/png", headers={"cache-control": "private, max-age=60"})


def imagery_changes(request: Request) -> JsonResponse:
    table = _api(request).imagery_changes(site=ident(request.query_params, "site"))
    return _listing(table.drop_columns([c for c in ("result", "params") if c in table.column_names]), request)


def imagery_change(request: Request) -> JsonResponse:
    api = _api(request)
    row = _one(api.imagery_changes(), "change_id", ident(request.path_params, "change_id") or "", "comparison",
               ("counts_before", "counts_after", "result", "params"))
    return JsonResponse({"change": row, "before": _observation(api, str(row["before_id"])),
                         "after": _observation(api, str(row["after_id"]))})
