"""The brief's "Key judgements" section: each judgement's words, band and confidence, its top evidence
with links down to the source rows, how it changed day by day, and the claims with their status."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from basewatch.fusion.params import HYPOTHESIS_WORDS

if TYPE_CHECKING:
    from basewatch.present.brief import BriefContext
    from basewatch.workspace.core import Workspace

MAX_SITES = 6
TOP_ITEMS = 3


def _esc(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def transitions(days: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """(first day, judgement) each time the judgement's words change: the day the evidence tipped."""
    out: list[tuple[str, str]] = []
    for d in days:
        label = f"{HYPOTHESIS_WORDS[d['hypothesis']]} {d['words']}"
        if not out or out[-1][1] != label:
            out.append((d["as_of"], label))
    return out


def _chart(series: dict[str, list[dict[str, Any]]], simulated: bool) -> str:
    from basewatch.present.charts import new_figure, png_data_uri

    fig = new_figure(7.2, 2.6)
    ax = fig.add_subplot(1, 1, 1)
    for upper in (0.2, 0.45, 0.55, 0.8, 0.95):
        ax.axhline(upper, color="#dddddd", linewidth=0.6)
    for place, days in series.items():
        xs = [dt.date.fromisoformat(d["as_of"]) for d in days]
        lead = next((d["hypothesis"] for d in reversed(days)), "no-change")
        ax.plot(xs, [d["probabilities"][lead] for d in days], label=f"{place}: {HYPOTHESIS_WORDS[lead]}", linewidth=1.2)
    ax.set_ylim(0, 1)
    ax.set_ylabel("probability", fontsize=7)
    ax.tick_params(labelsize=7)
    ax.set_title("How the judgements changed day by day" + (" (simulated)" if simulated else ""), fontsize=9)
    ax.legend(fontsize=6, frameon=False, loc="lower left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    return png_data_uri(fig)


def _rows_html(ws: Workspace, refs: list[dict[str, str]], root: object) -> str:
    from basewatch.fusion.api import source_rows

    parts = []
    for r in source_rows(ws, refs[:2]):
        if "first" in r:
            name = str(r["first"]["file"]).split("/")[-1]
            parts.append(f"{_esc(r['kind'])} {_esc(r['id'])}: {_esc(name)} rows {_esc(r['first']['row'])}-"
                         f"{_esc(r['last']['row'])}")
        elif "chars" in r:
            parts.append(f"claim {_esc(r['id'])}: {_esc(str(r['file']).split('/')[-1])} chars {r['chars'][0]}-"
                         f"{r['chars'][1]}")
        else:
            parts.append(f"{_esc(r['kind'])} {_esc(r['id'])}")
    more = f" (+{len(refs) - 2} more)" if len(refs) > 2 else ""
    return "<br>".join(parts) + more


def _chosen(ctx: BriefContext, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    wanted = set(ctx.site_ids)
    keep = [d for d in docs if d["site"] in wanted or d["hypothesis"] != "no-change"]
    keep.sort(key=lambda d: (d["site"] not in wanted, -d["likelihood"] if d["hypothesis"] != "no-change" else 0,
                             d["site"]))
    return keep[:MAX_SITES]


def key_judgements_section(ctx: BriefContext) -> str:
    from basewatch.fusion.api import FusionError, assessments, claim_statuses
    from basewatch.fusion.records import table_exists

    if not table_exists(ctx.ws, "assessments"):
        return ""
    as_of = ctx.days[1] if ctx.days else None
    try:
        docs = _chosen(ctx, assessments(ctx.ws, as_of=as_of))
    except FusionError:
        return ""
    if not docs:
        return ""
    label = " (simulated)" if ctx.simulated else ""
    out = [f"<section><h2>Key judgements{label}</h2><p>Per place, the leading hypothesis in ICD 203 words with its "
           "band, and confidence (quality and quantity of the evidence) stated apart. Likelihoods are prior odds "
           "times likelihood ratios, each discounted by its source's reliability and capped, re-reports and "
           "correlated items counted once (<code>basewatch assess --site ID --format json</code> gives every "
           "figure).</p><ul>"]
    series: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        used = sorted((e for e in d["evidence"] if e["used"]),
                      key=lambda e: -abs(e["contribution"].get(d["hypothesis"], 0.0)))[:TOP_ITEMS]
        items = "".join(f"<li>{_esc(e['id'])} {_esc(e['text'])} <span class=prov>"
                        f"{_rows_html(ctx.ws, e['refs'], ctx.data_root)}</span></li>" for e in used)
        sens = d["sensitivity"][0] if d["sensitivity"] else None
        sens_html = (f" Without {_esc(sens['remove'])}: {_esc(sens['words'])}." if sens else "")
        days = assessments(ctx.ws, site=d["site"], actor=d["actor"], as_of=as_of, timeline=True)
        series[d["site"]] = days
        tips = "; ".join(f"{_esc(t[1])} from {_esc(t[0])}" for t in transitions(days))
        out.append(
            f"<li><strong>{_esc(d['site'])}: {_esc(d['judgement'])}</strong>, {_esc(d['confidence'])} confidence "
            f"(as of {_esc(d['as_of'])}, window {_esc(d['window']['start'])}..{_esc(d['window']['end'])}).{sens_html}"
            f"<br>Timeline: {tips}.<ul>{items}</ul>"
            f"<small>Indicators to watch: {_esc('; '.join(d['indicators'][:2]))}.</small></li>")
    out.append("</ul>")
    out.append(f'<img class="chart" alt="judgements over time" src="{_chart(series, ctx.simulated)}">')
    claims = claim_statuses(ctx.ws).to_pylist()
    if claims:
        rows = "".join(
            f"<tr><td>{_esc(c['status'])}</td><td class=n>{_esc(c['credibility'])}</td><td>{_esc(c['source'])} "
            f"({_esc(c['reliability'])})</td><td>{_esc(c['text'])}</td><td>{_esc(c['why'])}</td></tr>" for c in claims)
        out.append("<h3>Claims against the sensors</h3><table><tr><th>status</th><th>credibility</th><th>source</th>"
                   f"<th>claim</th><th>why (sensor figures)</th></tr>{rows}</table>")
    out.append("</section>")
    return "\n".join(out)
