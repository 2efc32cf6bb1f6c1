"""Dark periods near watched sites: vessels silent after regular reception, beginning or ending near one.

The dark periods themselves come from the maritime product (`dark_periods`, its rules: see
`basewatch.maritime.dark`). An alert is raised for each one that begins or ends within `dark_radius_km`
of a watched site; vessels of a watched actor come first. The alert is *open* while the vessel is still
silent and *closed* once it is heard again; when a later analysis no longer finds the period (late
messages filled the gap), the store keeps the alert as *retracted* (`basewatch.alerts.store`).
Evidence: the dark period, and the port call the vessel left before going silent, if any.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from basewatch.alerts.assemble import alert_id, schema
from basewatch.alerts.params import AlertParams

if TYPE_CHECKING:
    import pyarrow as pa

    from basewatch.workspace.core import Workspace

DARK_SQL = """
SELECT d.dark_id, d.mmsi, d.vessel_name, d.actor, d.start_time, d.end_time, d.duration_s, d.ongoing,
       d.start_site_km <= $radius AS at_start,
       CASE WHEN d.start_site_km <= $radius THEN d.start_site ELSE d.end_site END AS site,
       CASE WHEN d.start_site_km <= $radius THEN d.start_site_km ELSE d.end_site_km END AS site_km,
       d.end_site, d.end_site_km, d.jump_km,
       (SELECT arg_max(c.call_id, c.departure) FROM port_calls c
         WHERE c.mmsi = d.mmsi AND c.departure <= d.start_time) AS left_call,
       (SELECT arg_max(coalesce(c.site_id, c.port), c.departure) FROM port_calls c
         WHERE c.mmsi = d.mmsi AND c.departure <= d.start_time) AS left_port,
       (SELECT max(c.departure) FROM port_calls c
         WHERE c.mmsi = d.mmsi AND c.departure <= d.start_time) AS left_at
FROM dark_periods d
WHERE d.start_site_km <= $radius OR d.end_site_km <= $radius
ORDER BY d.actor IS NULL, d.start_time, d.mmsi
"""


def _when(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def dark_alerts(ws: Workspace, params: AlertParams) -> pa.Table:
    import pyarrow as pa

    cur = ws.con.execute(DARK_SQL, {"radius": params.dark_radius_km})
    names = [d[0] for d in cur.description]
    rows = []
    for values in cur.fetchall():
        r = dict(zip(names, values, strict=True))
        actor = r["actor"] or "other"
        vessel = f"{r['vessel_name'] or 'unnamed vessel'} (MMSI {r['mmsi']})"
        where = "beginning" if r["at_start"] else "ending"
        note = [vessel]
        if r["left_call"] is not None and r["left_at"] is not None:
            note.append(f"left {r['left_port']} {_when(r['left_at'])}")
        hours = float(r["duration_s"]) / 3600.0
        if r["ongoing"]:
            note.append(f"silent for {hours:.1f} h so far (to the end of the data)")
        else:
            note.append(f"silent {hours:.1f} h")
            if r["end_site"] is not None and r["jump_km"] is not None:
                note.append(f"heard again {float(r['jump_km']):.0f} km away, nearest site {r['end_site']} "
                            f"({float(r['end_site_km']):.0f} km)")
        evidence = [{"kind": "dark_period", "id": str(r["dark_id"])}]
        if r["left_call"] is not None:
            evidence.append({"kind": "port_call", "id": str(r["left_call"])})
        start: dt.datetime = r["start_time"]
        series = f"sea dark {r['site']} | {actor} | {r['mmsi']}"
        rows.append({
            "alert_id": alert_id("dark", f"sea dark {r['mmsi']}", start.astimezone(dt.UTC).isoformat()),
            "kind": "dark", "mode": "sea", "series": series, "site": r["site"], "origin": None,
            "destination": None, "actor": actor, "direction": None, "day": start.astimezone(dt.UTC).date(),
            "start_time": start, "end_time": r["end_time"], "observed": hours, "expected": None,
            "lower": None, "upper": None, "p_value": None, "q_value": None, "sigma": None,
            "status": "open" if r["ongoing"] else "closed",
            "method": (f"AIS dark period (a silence after regular reception, maritime rules) {where} "
                       f"{float(r['site_km']):.1f} km from {r['site']} (radius {params.dark_radius_km:g} km)"),
            "evidence": json.dumps(evidence), "note": "; ".join(note), "history_days": None, "tests": None,
            "level": None,
        })
    return pa.Table.from_pylist(rows, schema=schema())
