"""The brief's maritime section: port calls at watched ports, voyages, dark periods (HTML, offline).

render_section(ws) reads the tables basewatch.maritime.build() fills (building them first when the
workspace has AIS positions but was never analysed). Every value from data is HTML-escaped; charts are
PNG data URIs drawn with matplotlib's Agg canvas.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from basewatch.present.charts import CorridorLine, Place, corridor_map, png_data_uri
from basewatch.units import ms_to_knots

if TYPE_CHECKING:
    from basewatch.workspace.core import Workspace

MAX_ROWS = 150            # rows per table
MAX_FETCH = 2000          # rows read for the timeline
MAX_TIMELINE_VESSELS = 30
NEAR_KM = 500.0           # a watched site farther than this is not 'near' a dark period
_PALETTE = ("#1f6fb2", "#d9822b", "#2a9d55", "#7b3fa0", "#b2182b", "#8c6d31", "#3d8c9e", "#c2549d")


def esc(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def _when(value: dt.datetime | None) -> str:
    return "still in port" if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


def _rows(ws: Workspace, sql: str) -> list[dict[str, Any]]:
    cur = ws.con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _ensure(ws: Workspace) -> bool:
    """True when there is maritime data to show (the product `maritime` brought up to date first)."""
    have = ws.con.execute("SELECT count(*) FROM ais_positions").fetchone()
    if not have or have[0] == 0:
        return False
    if not ws.read_only:
        ws.ensure("maritime")
    return True


_VESSEL = "coalesce(vessel_name, 'MMSI ' || mmsi)"
_PROV = "(SELECT regexp_extract(path, '[^/\\\\]+$') FROM sources s WHERE s.source_id = {col})"


def _calls(ws: Workspace) -> list[dict[str, Any]]:
    return _rows(
        ws,
        f"""
        SELECT {_VESSEL} AS vessel, mmsi, actor, c.site_id, s.name AS site_name, port, arrival, departure,
               stops, port_gaps, positions, {_PROV.format(col='first_source_id')} AS first_file, first_row_no,
               {_PROV.format(col='last_source_id')} AS last_file, last_row_no
        FROM port_calls c JOIN sites s ON s.site_id = c.site_id
        ORDER BY arrival, mmsi LIMIT {MAX_FETCH}
        """,
    )


def _voyages(ws: Workspace) -> list[dict[str, Any]]:
    return _rows(
        ws,
        f"""
        SELECT {_VESSEL} AS vessel, mmsi, actor, coalesce(origin_site, origin_port) AS origin,
               coalesce(destination_site, destination_port) AS destination, departure, arrival, distance_km,
               origin_site IS NOT NULL AS origin_watched, destination_site IS NOT NULL AS destination_watched
        FROM voyages WHERE origin_site IS NOT NULL OR destination_site IS NOT NULL
        ORDER BY departure, mmsi LIMIT {MAX_FETCH}
        """,
    )


def _dark(ws: Workspace) -> list[dict[str, Any]]:
    return _rows(
        ws,
        f"""
        SELECT {_VESSEL} AS vessel, mmsi, actor, start_time, end_time, duration_s, ongoing, start_lat, start_lon,
               end_lat, end_lon, jump_km, implied_speed_ms, near_site, near_site_km,
               {_PROV.format(col='start_source_id')} AS start_file, start_row_no,
               {_PROV.format(col='end_source_id')} AS end_file, end_row_no
        FROM dark_periods ORDER BY start_time, mmsi LIMIT {MAX_FETCH}
        """,
    )


def _calls_table(calls: Sequence[dict[str, Any]], total: int) -> str:
    body = "".join(
        f"<tr><td>{esc(c['vessel'])}</td><td>{esc(c['mmsi'])}</td><td>{esc(c['actor'])}</td>"
        f"<td>{esc(c['site_name'])}</td><td>{esc(_when(c['arrival']))}</td><td>{esc(_when(c['departure']))}</td>"
        f"<td class=n>{esc(_hours(c['arrival'], c['departure']))}</td>"
        f"<td class=prov>{esc(c['first_file'])} row {esc(c['first_row_no'])} to {esc(c['last_file'])} row "
        f"{esc(c['last_row_no'])} ({esc(c['positions'])} positions)</td></tr>"
        for c in calls[:MAX_ROWS]
    )
    return (
        "<table><tr><th>vessel</th><th>MMSI</th><th>actor</th><th>port</th><th>arrival</th><th>departure</th>"
        f"<th>hours</th><th>sources</th></tr>{body}</table>{_more(total)}"
    )


def _hours(start: dt.datetime, end: dt.datetime | None) -> str:
    return "" if end is None else f"{(end - start).total_seconds() / 3600:.0f}"


def _more(n: int) -> str:
    return f"<p>First {MAX_ROWS} of {n} rows shown; the workspace has them all.</p>" if n > MAX_ROWS else ""


def _voyages_table(voyages: Sequence[dict[str, Any]], total: int) -> str:
    body = "".join(
        f"<tr><td>{esc(v['vessel'])}</td><td>{esc(v['mmsi'])}</td><td>{esc(v['origin'])}</td>"
        f"<td>{esc(v['destination'])}</td><td>{esc(_when(v['departure']))}</td><td>{esc(_when(v['arrival']))}</td>"
        f"<td class=n>{(v['arrival'] - v['departure']).total_seconds() / 86400:.1f}</td>"
        f"<td class=n>{v['distance_km']:,.0f}</td></tr>"
        for v in voyages[:MAX_ROWS]
    )
    return (
        "<table><tr><th>vessel</th><th>MMSI</th><th>from</th><th>to</th><th>departure</th><th>arrival</th>"
        f"<th>days</th><th>km (great circle)</th></tr>{body}</table>{_more(total)}"
    )


def _dark_table(dark: Sequence[dict[str, Any]], total: int) -> str:
    rows = []
    for d in dark[:MAX_ROWS]:
        end = "not heard again" if d["ongoing"] else _when(d["end_time"])
        jump = "" if d["jump_km"] is None else f"{d['jump_km']:,.0f}"
        speed = "" if d["implied_speed_ms"] is None else f"{ms_to_knots(d['implied_speed_ms']):.1f}"
        near = (f"{d['near_site']} ({d['near_site_km']:,.0f} km)"
                if d["near_site"] is not None and d["near_site_km"] <= NEAR_KM else f"none within {NEAR_KM:,.0f} km")
        prov = f"{d['start_file']} row {d['start_row_no']}"
        if d["end_file"] is not None:
            prov += f"; {d['end_file']} row {d['end_row_no']}"
        rows.append(
            f"<tr><td>{esc(d['vessel'])}</td><td>{esc(d['mmsi'])}</td><td>{esc(_when(d['start_time']))}</td>"
            f"<td>{esc(end)}</td><td class=n>{d['duration_s'] / 3600:.1f}</td>"
            f"<td>{d['start_lat']:.3f}, {d['start_lon']:.3f}</td><td class=n>{esc(jump)}</td>"
            f"<td class=n>{esc(speed)}</td><td>{esc(near)}</td><td class=prov>{esc(prov)}</td></tr>"
        )
    return (
        "<table><tr><th>vessel</th><th>MMSI</th><th>silent from</th><th>heard again</th><th>hours</th>"
        "<th>last position</th><th>jump km</th><th>implied kn</th><th>nearest watched site</th><th>sources</th>"
        f"</tr>{''.join(rows)}</table>{_more(total)}"
    )


def _timeline(calls: Sequence[dict[str, Any]], dark: Sequence[dict[str, Any]], end: dt.datetime) -> str:
    """One row per vessel (those of watched actors first, then the busiest): port calls at watched ports as
    coloured bars, dark periods hatched."""
    import matplotlib.dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    date2num: Any = mdates.date2num  # matplotlib.dates is untyped
    date_formatter: Any = mdates.DateFormatter

    weight: dict[str, tuple[int, int]] = {}
    for row in (*calls, *dark):
        watched, n = weight.get(row["vessel"], (0, 0))
        weight[row["vessel"]] = (max(watched, int(row["actor"] is not None)), n + 1)
    ranked = sorted(weight, key=lambda v: (-weight[v][0], -weight[v][1], v))
    vessels = sorted(ranked[:MAX_TIMELINE_VESSELS])
    calls = [c for c in calls if c["vessel"] in vessels]
    dark = [d for d in dark if d["vessel"] in vessels]
    sites = sorted({c["site_name"] for c in calls})
    colour = {s: _PALETTE[i % len(_PALETTE)] for i, s in enumerate(sites)}
    fig = Figure(figsize=(7.4, 0.35 * len(vessels) + 1.2), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    for y, vessel in enumerate(vessels):
        for c in (c for c in calls if c["vessel"] == vessel):
            x0, x1 = date2num(c["arrival"]), date2num(c["departure"] or end)
            ax.broken_barh([(x0, max(x1 - x0, 0.02))], (y - 0.35, 0.7), color=colour[c["site_name"]])
        for d in (d for d in dark if d["vessel"] == vessel):
            x0, x1 = date2num(d["start_time"]), date2num(d["end_time"] or end)
            ax.broken_barh([(x0, x1 - x0)], (y - 0.2, 0.4), facecolor="white", edgecolor="#222", hatch="////")
    ax.set_yticks(range(len(vessels)))
    ax.set_yticklabels(vessels, fontsize=7)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(date_formatter("%d %b"))
    ax.tick_params(axis="x", labelsize=7)
    handles = [Patch(color=colour[s], label=s) for s in sites]
    handles.append(Patch(facecolor="white", edgecolor="#222", hatch="////", label="AIS dark"))
    ax.legend(handles=handles, fontsize=6, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("Port calls at watched ports and dark periods (UTC)", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return png_data_uri(fig)


def _voyage_map(ws: Workspace) -> str:
    rows = ws.con.execute(
        """
        SELECT coalesce(o.origin_site, o.origin_port), any_value(oc.port_lat), any_value(oc.port_lon),
               bool_or(o.origin_site IS NOT NULL),
               coalesce(o.destination_site, o.destination_port), any_value(dc.port_lat), any_value(dc.port_lon),
               bool_or(o.destination_site IS NOT NULL), count(*)
        FROM voyages o JOIN port_calls oc ON oc.call_id = o.origin_call_id
        JOIN port_calls dc ON dc.call_id = o.destination_call_id
        WHERE o.origin_site IS NOT NULL OR o.destination_site IS NOT NULL
        GROUP BY 1, 5 ORDER BY 9 DESC LIMIT 40
        """
    ).fetchall()
    lines = [
        CorridorLine(Place(str(r[0]), float(r[1]), float(r[2]), bool(r[3])),
                     Place(str(r[4]), float(r[5]), float(r[6]), bool(r[7])), int(r[8]))
        for r in rows
        if r[0] != r[4]
    ]
    return corridor_map(lines, "Voyages to and from watched ports") if lines else ""


def _describe(rules_json: str | None) -> str:
    """The rules of the stored analysis in words."""
    if rules_json is None:
        return ""
    r = json.loads(rules_json)
    pc, zones, dark = r["port_calls"], r["port_calls"]["zones"], r["dark"]
    return (
        f"A port call begins at the first AIS position within {zones['enter_km']:g} km of a port (or a watched "
        f"port's own radius) and ends at the last position before the vessel is more than "
        f"{zones['exit_km'] - zones['enter_km']:g} km further out; it needs a stop (below {pc['stop_start_kn']:g} kn "
        f"until above {pc['stop_end_kn']:g} kn) or an in-port silence of {pc['port_gap_s'] / 3600:g} h. A dark "
        f"period is a silence of {dark['threshold_s'] / 3600:g} h or more after regular reception (median interval "
        f"of the previous {dark['window']} reports at most {dark['max_median_interval_s'] / 60:g} min), outside "
        "port calls, while the same receiver kept hearing other vessels."
    )


def render_section(ws: Workspace) -> str:
    """The maritime section of the brief, or '' when the workspace has no AIS positions."""
    if not _ensure(ws):
        return ""
    calls, voyages, dark = _calls(ws), _voyages(ws), _dark(ws)
    totals = ws.con.execute(
        "SELECT (SELECT count(*) FROM port_calls WHERE site_id IS NOT NULL), "
        "(SELECT count(*) FROM voyages WHERE origin_site IS NOT NULL OR destination_site IS NOT NULL), "
        "(SELECT count(*) FROM dark_periods)"
    ).fetchone()
    n_calls, n_voyages, n_dark = (int(x) for x in totals) if totals else (0, 0, 0)
    rules_row = ws.con.execute("SELECT CAST(rules AS VARCHAR) FROM maritime_state").fetchone()
    end_row = ws.con.execute("SELECT max(time) FROM ais_positions").fetchone()
    end = end_row[0] if end_row and end_row[0] else dt.datetime.now(dt.UTC)
    parts = [
        "<section><h2>Ships: port calls, voyages and dark periods</h2>",
        f"<p>{n_calls} port calls at watched ports, {n_voyages} voyages from or to them, {n_dark} dark "
        f"periods. {esc(_describe(rules_row[0] if rules_row else None))}</p>",
    ]
    if calls or dark:
        parts.append(f'<img class="chart" alt="timeline of port calls and dark periods" '
                     f'src="{_timeline(calls, dark, end)}">')
    if calls:
        parts.append("<h3>Port calls at watched ports</h3>" + _calls_table(calls, n_calls))
    if voyages:
        vmap = _voyage_map(ws)
        if vmap:
            parts.append(f'<img class="map" alt="map of voyages" src="{vmap}">')
        parts.append("<h3>Voyages from or to watched ports</h3>" + _voyages_table(voyages, n_voyages))
    if dark:
        parts.append("<h3>Dark periods</h3><p>Implied speed: the great-circle jump between the last position "
                     "before and the first after the silence, over its duration.</p>" + _dark_table(dark, n_dark))
    if rules_row:
        parts.append(f"<p class=prov>Rules of this analysis: <code>{esc(rules_row[0])}</code></p>")
    parts.append("</section>")
    return "\n".join(parts)
