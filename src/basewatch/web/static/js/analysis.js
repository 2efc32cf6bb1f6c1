// The analysis pages: alerts (list and evidence page), a site's expected bands and assessment, imagery
// observations and comparisons. Text from the workspace only goes into text nodes (see dom.js).
import { fmt, h, s } from "./dom.js";
import { CALL_COLS, DARK_COLS, FLIGHT_COLS, VIEWS, VOYAGE_COLS, kv, link, listPage, table } from "./views.js";
import { api, filterParams, go, href } from "./state.js";
import { showEvidence } from "./map.js";

const COUNT_KINDS = ["surge", "drawdown", "shift"];
const ALERT_COLS = ["alert_id", "day", "kind", "series", "observed", "expected", "lower", "upper", "p_value", "status"];
const REF_VIEWS = { flight: "flight", alert: "alert", observation: "observation", change: "change",
                    port_call: "port_call", voyage: "voyage", dark_period: "dark_period" };

// Observed daily counts (bars), the expected mean (line) and its 95 % interval (shaded), alert days marked.
export function bandChart(band, alerts = []) {
  const W = 560, H = 190, L = 34, R = 8, T = 18, B = 30;
  const n = band.days.length;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "band-chart", role: "img", "aria-label": band.series });
  svg.append(s("text", { x: L, y: 12, class: "tick title" }, band.series));
  if (!n) return svg;
  const max = Math.max(1, ...band.observed, ...band.upper.filter((v) => v !== null));
  const slot = (W - L - R) / n;
  const x = (i) => L + (i + 0.5) * slot;
  const y = (v) => H - B - (v / max) * (H - T - B);
  // the band, one polygon per run of tested days
  let run = [];
  const flush = () => {
    if (run.length) {
      const top = run.map((i) => `${x(i) - slot / 2},${y(band.upper[i])} ${x(i) + slot / 2},${y(band.upper[i])}`);
      const low = run.slice().reverse().map((i) => `${x(i) + slot / 2},${y(band.lower[i])} ${x(i) - slot / 2},${y(band.lower[i])}`);
      svg.append(s("polygon", { class: "band", points: [...top, ...low].join(" ") },
                   s("title", {}, "95 % expected range")));
    }
    run = [];
  };
  band.days.forEach((_, i) => { if (band.upper[i] === null) flush(); else run.push(i); });
  flush();
  band.days.forEach((day, i) => {
    const v = band.observed[i];
    const tip = `${day}: ${v} observed` + (band.expected[i] === null ? ", not tested"
      : `, ${fmt(band.expected[i])} expected (95 %: ${band.lower[i]}–${band.upper[i]})`);
    svg.append(s("rect", { x: x(i) - slot * 0.3, y: y(v), width: Math.max(1, slot * 0.6), height: H - B - y(v),
                           class: "bar observed" }, s("title", {}, tip)));
  });
  const line = band.days.map((_, i) => (band.expected[i] === null ? null : `${x(i)},${y(band.expected[i])}`));
  let seg = [];
  for (const p of [...line, null]) {
    if (p) { seg.push(p); continue; }
    if (seg.length) svg.append(s("polyline", { class: "expected", points: seg.join(" ") }));
    seg = [];
  }
  for (const a of alerts) {
    const i = band.days.indexOf(a.day);
    if (i < 0) continue;
    const to = { view: "alert", id: a.alert_id };
    const mark = s("a", { href: href(to), class: "alert-marker" },
                   s("circle", { cx: x(i), cy: T, r: 5 }), s("title", {}, `${a.kind} alert ${a.day}`));
    mark.addEventListener("click", (e) => { e.preventDefault(); go(to); });
    svg.append(mark);
  }
  svg.append(s("text", { x: L - 4, y: y(max) + 4, "text-anchor": "end", class: "tick" }, String(Math.round(max))));
  svg.append(s("text", { x: L - 4, y: H - B + 4, "text-anchor": "end", class: "tick" }, "0"));
  const every = Math.ceil(n / 8);
  band.days.forEach((day, i) => {
    if (i % every === 0) svg.append(s("text", { x: x(i) - slot / 2, y: H - 8, class: "tick" }, day.slice(5)));
  });
  return svg;
}

function refLink(ref) {
  const claim = ref.kind === "claim" && /^C(\d+)-(\d+)$/.exec(String(ref.id));
  if (claim) return link({ view: "report", id: claim[1], claim: claim[2] }, `claim ${ref.id}`);
  const view = REF_VIEWS[ref.kind];
  return view ? link({ view, id: ref.id }, `${ref.kind} ${ref.id}`) : `${ref.kind} ${ref.id}`;
}

function refs(list, most = 12) {
  const items = (list || []).slice(0, most).flatMap((r, i) => [i ? ", " : "", refLink(r)]);
  const more = (list || []).length - most;
  return more > 0 ? [...items, ` and ${more} more`] : items;
}

// The ICD 203 assessment of a place: the words, the confidence apart, the evidence and what would change it.
function assessment(a) {
  const box = h("div", { class: "assessment" },
    h("p", { class: "judgement" }, h("strong", {}, `${a.hypothesis}: ${a.words}`),
      ` (${a.band[0]}–${a.band[1]} %), ${a.confidence} confidence, as of ${a.as_of}`,
      a.actor ? `, ${a.actor}` : ", all traffic"),
    h("p", { class: "muted" }, a.confidence_why));
  box.append(h("table", { class: "rows evidence" },
    h("thead", {}, h("tr", {}, ["item", "evidence", "reliability", "used", "records"].map((c) => h("th", {}, c)))),
    h("tbody", {}, (a.evidence || []).map((e) => h("tr", {},
      h("td", {}, e.id), h("td", {}, e.text), h("td", {}, e.reliability), h("td", {}, e.used ? "yes" : "no"),
      h("td", {}, refs(e.refs, 6)))))));
  if (a.indicators && a.indicators.length) {
    box.append(h("h4", {}, "Indicators to watch"),
               h("ul", {}, a.indicators.map((i) => h("li", {}, typeof i === "string" ? i : fmt(i)))));
  }
  return box;
}

async function siteAnalysis(panel, st) {
  const f = filterParams(st);
  const box = h("div", { class: "site-analysis" });
  const anchor = panel.querySelector("svg.timeline");
  if (anchor) anchor.after(box); else panel.append(box);
  const [bands, judged] = await Promise.all([
    api("/api/bands", { site: st.id, actor: f.actor, mode: f.mode, since: f.since, until: f.until }),
    api("/api/assessments", { site: st.id, actor: f.actor }),
  ]);
  box.append(h("h3", {}, "Assessment"));
  if (!judged.rows.length) box.append(h("p", { class: "muted" }, judged.note || "no assessment for this place"));
  for (const a of judged.rows) box.append(assessment(a));
  box.append(h("h3", {}, "Daily counts against the expected band"),
             h("p", { class: "muted" }, `${f.actor || "All traffic"}; bars observed, line expected, shade the 95 % ` +
               "range from the history; red dots are alerts (click for the evidence)."));
  const counted = bands.alerts.filter((a) => COUNT_KINDS.includes(a.kind));
  if (!bands.series.length) box.append(h("p", { class: "muted" }, "no count series for this place"));
  for (const b of bands.series) box.append(bandChart(b, counted.filter((a) => a.series === b.series)));
  box.append(h("h3", {}, "Alerts here ", h("span", { class: "count" }, `(${bands.alerts.length})`)),
             bands.alerts.length ? table(bands.alerts, ALERT_COLS) : h("p", { class: "muted" }, "none"));
}

export const ANALYSIS_VIEWS = {
  alerts: (p, st) => listPage(p, st, "Alerts", "/api/alerts", { ...filterParams(st), site: st.site, kind: st.kind },
                              ALERT_COLS),
  imagery: (p, st) => listPage(p, st, "Imagery observations", "/api/imagery", { site: st.site },
                               ["observation_id", "site_id", "acquired_at", "provider", "resolution_m", "counts",
                                "width", "height"]),
  changes: (p, st) => listPage(p, st, "Imagery comparisons", "/api/imagery_changes", { site: st.site },
                               ["change_id", "site_id", "before_id", "after_id", "before_at", "after_at",
                                "changed_fraction", "counts_before", "counts_after"]),

  async alert(panel, st) {
    const body = await api(`/api/alerts/${encodeURIComponent(st.id)}`);
    const a = body.alert;
    panel.append(h("h2", {}, `${a.kind} alert: ${a.series}`),
                 kv(a, ["alert_id", "day", "kind", "site", "origin", "destination", "actor", "direction",
                        "start_time", "end_time", "observed", "expected", "lower", "upper", "p_value", "q_value",
                        "sigma", "status", "history_days", "tests", "level", "method", "note"]));
    showEvidence(body.map);
    if (body.band) panel.append(h("h3", {}, "The series around its day"), bandChart(body.band, [a]));
    panel.append(h("h3", {}, "Where it came from"), h("p", {}, refs(a.evidence, 50)));
    const ev = body.evidence;
    const parts = [["flight", "Flights", FLIGHT_COLS], ["port_call", "Port calls", CALL_COLS],
                   ["voyage", "Voyages", VOYAGE_COLS], ["dark_period", "Dark periods", DARK_COLS]];
    for (const [kind, title, cols] of parts) {
      if (ev[kind]) panel.append(h("h3", {}, title), table(ev[kind], cols));
    }
  },

  async observation(panel, st) {
    const body = await api(`/api/imagery/${encodeURIComponent(st.id)}`);
    const o = body.observation;
    panel.append(h("h2", {}, `Observation at ${o.site_id}, ${fmt(o.acquired_at)}`),
                 h("img", { class: "picture", src: `/api/imagery/${encodeURIComponent(o.observation_id)}/image`,
                            alt: `picture of ${o.site_id} at ${o.acquired_at}` }),
                 kv(o, ["observation_id", "site_id", "acquired_at", "provider", "resolution_m", "licence", "analyst",
                        "confidence", "counts", "image_path", "image_sha256", "labels_path", "crs", "width",
                        "height", "source_url"]));
    panel.append(h("h3", {}, "Comparisons"), body.changes.length
      ? table(body.changes, ["change_id", "before_id", "after_id", "before_at", "after_at", "changed_fraction"])
      : h("p", { class: "muted" }, "none"));
  },

  async change(panel, st) {
    const body = await api(`/api/imagery_changes/${encodeURIComponent(st.id)}`);
    const c = body.change;
    const r = c.result || {};
    const pic = (o, label) => h("figure", {}, h("img", { class: "picture", alt: `${label} picture`,
      src: `/api/imagery/${encodeURIComponent(o.observation_id)}/image` }),
      h("figcaption", {}, label, " ", link({ view: "observation", id: o.observation_id }, fmt(o.acquired_at))));
    panel.append(h("h2", {}, `Change at ${c.site_id}`), h("div", { class: "pair" }, pic(body.before, "before"),
                                                           pic(body.after, "after")));
    panel.append(kv(c, ["change_id", "site_id", "before_id", "after_id", "before_at", "after_at", "changed_fraction",
                        "counts_before", "counts_after", "regions_path"]));
    if (r.count) panel.append(h("h3", {}, "Count"), kv(r.count));
    if (r.registration) panel.append(h("h3", {}, "Registration"), kv(r.registration));
    const boxes = r.boxes || [];
    const calls = boxes.reduce((acc, b) => ({ ...acc, [b.status]: (acc[b.status] || 0) + 1 }), {});
    panel.append(h("h3", {}, "Labelled objects of the before picture ",
                   h("span", { class: "count" }, Object.entries(calls).map(([k, v]) => `${v} ${k}`).join(", "))),
                 table(boxes, boxes.length ? Object.keys(boxes[0]).filter((k) => typeof boxes[0][k] !== "object")
                   : []));
    if (r.new_objects) panel.append(h("h3", {}, `New objects (${r.new_objects.length})`), table(r.new_objects));
  },
};

// The site page gains its assessment and bands, after what the base page shows.
const baseSite = VIEWS.site;
ANALYSIS_VIEWS.site = async (panel, st) => {
  await baseSite(panel, st);
  await siteAnalysis(panel, st);
};
