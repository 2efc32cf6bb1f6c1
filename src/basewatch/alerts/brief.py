"""The brief's alerts section: a chart of each alerted series with its expected band, and the alert list."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from basewatch.alerts.bands import Band
    from basewatch.present.brief import BriefContext

MAX_CHARTS = 8
COUNT_KINDS = ("surge", "drawdown", "shift")
OBSERVED_COLOUR = "#1f6fb2"
BAND_COLOUR = "#999999"
ALERT_COLOUR = "#b2182b"


def _esc(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def band_chart(band: Band, alert_days: Sequence[dt.date]) -> str:
    """Bars of the observed counts, the expected mean (line) and its 95 % interval (shaded), alert days marked."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from basewatch.present.charts import png_data_uri

    fig = Figure(figsize=(7.2, 2.3), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    x = list(range(len(band.days)))
    nan = float("nan")
    ax.fill_between(x, [nan if v is None else v for v in band.lower], [nan if v is None else v for v in band.upper],
                    color=BAND_COLOUR, alpha=0.3, step="mid", label="95 % expected range", linewidth=0)
    ax.plot(x, [nan if v is None else v for v in band.expected], color="#555555", linewidth=1, label="expected")
    colours = [ALERT_COLOUR if d in alert_days else OBSERVED_COLOUR for d in band.days]
    ax.bar(x, list(band.observed), width=0.6, color=colours, label="observed")
    step = max(1, math.ceil(len(band.days) / 16))
    ax.set_xticks(x[::step])
    ax.set_xticklabels([d.strftime("%d %b") for d in band.days][::step], fontsize=7, rotation=45, ha="right")
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylabel("per UTC day", fontsize=7)
    ax.set_title(band.series, fontsize=9)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return png_data_uri(fig)


def _fmt(v: Any, digits: int = 2) -> str:
    if v is None:
        return ""
    return f"{v:.2g}" if isinstance(v, float) and 0 < abs(v) < 0.01 else f"{v:.{digits}f}"


def alerts_section(ctx: BriefContext) -> str:
    from basewatch.alerts.bands import series_bands
    from basewatch.alerts.store import query_alerts

    since, until = ctx.days if ctx.days is not None else (None, None)
    rows = query_alerts(ctx.ws, since=since, until=until).to_pylist()
    if not rows:
        return ("<section><h2>Alerts</h2><p>No alert in this period (or alerts not computed: run "
                "<code>basewatch alerts</code>).</p></section>")
    counted = [r for r in rows if r["kind"] in COUNT_KINDS]
    names: list[str] = []
    for r in sorted(counted, key=lambda r: (r["actor"] is None, r["actor"] == "other", r["day"])):
        if r["series"] not in names:
            names.append(r["series"])
    bands = series_bands(ctx.ws, names[:MAX_CHARTS], first=since, last=until)
    parts = ["<section><h2>Alerts</h2>",
             f"<p>{len(rows)} alerts: counts departing from a negative-binomial baseline (56-day window, weekday "
             "effect, Benjamini-Hochberg across the series of each day at level 0.01), sustained shifts (CUSUM), "
             "new corridors and dark periods near watched sites. Red bars: alert days; grey: the 95 % range "
             "expected from the history.</p>"]
    for band in bands:
        days = [r["day"] for r in counted if r["series"] == band.series]
        parts.append(f'<img class="chart" alt="{_esc(band.series)}" src="{band_chart(band, days)}">')
    parts.append("<table><tr><th>day</th><th>kind</th><th>series</th><th>observed</th><th>expected</th>"
                 "<th>95 % range</th><th>p</th><th>sigma</th><th>basis and note</th></tr>")
    for r in rows:
        rng = "" if r["lower"] is None else f"{r['lower']:.0f}-{r['upper']:.0f}"
        parts.append(
            f"<tr><td>{_esc(r['day'])}</td><td>{_esc(r['kind'])}</td><td>{_esc(r['series'])}</td>"
            f"<td class=n>{_fmt(r['observed'], 1)}</td><td class=n>{_fmt(r['expected'])}</td><td>{rng}</td>"
            f"<td class=n>{_fmt(r['p_value'])}</td><td class=n>{_fmt(r['sigma'], 1)}</td>"
            f"<td class=prov>{_esc(r['method'])}; {_esc(r['note'])}</td></tr>")
    parts.append("</table></section>")
    return "".join(parts)
