// Start-up: the header with its filters and time slider, the map, then the panel for the address's state.
import { clear, h } from "./dom.js";
import { addDetail, createMap, fetchLayers, fetchSites, framesDrawn, nextIdle, showLayers, showSites,
         theMap } from "./map.js";
import { FILTERS, api, onChange, state, update } from "./state.js";
import { ANALYSIS_VIEWS } from "./analysis.js";
import { VIEWS, link, render, setSites } from "./views.js";

const NAV = [["overview", "Map"], ["sites", "Sites"], ["flights", "Flights"], ["corridors", "Corridors"],
             ["vessels", "Vessels"], ["port_calls", "Port calls"], ["voyages", "Voyages"], ["dark", "Dark periods"],
             ["alerts", "Alerts"], ["claims", "Claims"], ["imagery", "Imagery"], ["sources", "Files"]];
Object.assign(VIEWS, ANALYSIS_VIEWS);
const DAY = 86400000;
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

function select(name, label, options, st) {
  const el = h("select", { name, "aria-label": label, onchange: () => update({ [name]: el.value, offset: "" }) },
    h("option", { value: "" }, `any ${label}`),
    options.map(([value, text]) => h("option", { value, selected: st[name] === value }, text)));
  return el;
}

// Two sliders over the data's days: the window [since, until] (both UTC days, until included).
function slider(meta, st) {
  const first = Date.parse(meta.span[0].slice(0, 10));
  const last = Date.parse(meta.span[1].slice(0, 10));
  const n = Math.max(0, Math.round((last - first) / DAY));
  const idx = (v, d) => (v ? Math.min(n, Math.max(0, Math.round((Date.parse(v) - first) / DAY))) : d);
  const a = h("input", { type: "range", min: 0, max: n, value: idx(st.since, 0), name: "since", "aria-label": "from day" });
  const b = h("input", { type: "range", min: 0, max: n, value: idx(st.until, n), name: "until", "aria-label": "to day" });
  const label = h("span", { class: "window" });
  const show = () => { label.textContent = `${isoDay(first + a.value * DAY)} – ${isoDay(first + b.value * DAY)}`; };
  const commit = () => {
    if (Number(a.value) > Number(b.value)) [a.value, b.value] = [b.value, a.value];
    update({ since: Number(a.value) > 0 ? isoDay(first + a.value * DAY) : "",
             until: Number(b.value) < n ? isoDay(first + b.value * DAY) : "", offset: "" });
  };
  for (const el of [a, b]) { el.addEventListener("input", show); el.addEventListener("change", commit); }
  show();
  return h("span", { class: "slider" }, a, b, label);
}

function header(meta, st) {
  const bar = clear(document.getElementById("filters"));
  bar.append(
    select("actor", "actor", meta.actors.map((a) => [a.actor_id, a.name]), st),
    select("type", "type", meta.types.map((t) => [t, t]), st),
    select("mode", "mode", [["air", "air"], ["sea", "sea"]], st),
    meta.span[0] ? slider(meta, st) : "",
  );
  const nav = clear(document.getElementById("nav"));
  nav.append(...NAV.map(([view, label]) => link({ view: view === "overview" ? "" : view }, label)));
  for (const a of nav.querySelectorAll("a")) {
    if ((new URLSearchParams(a.search).get("view") || "overview") === (st.view || "overview")) a.classList.add("active");
  }
}

async function main() {
  const panel = document.getElementById("panel");
  // everything the first view needs is asked for at once; the map's style gets the first layers inline and
  // the panel renders while the map loads (what it asks of the map waits for the load)
  const first = state();
  const metaP = api("/api/meta");
  const sitesP = fetchSites();
  const layersP = fetchLayers(first).then((l) => { mark("layers-fetched"); return l; });
  const initial = Promise.all([sitesP, layersP]).then(([sites, layers]) => ({ sites, ...layers }));
  const mapP = createMap(document.getElementById("map"), initial).then((m) => {
    mark("map-loaded");
    return m;
  });
  const meta = await metaP;
  document.getElementById("workspace").textContent = meta.workspace;
  header(meta, first);
  const sites = await sitesP;
  setSites(sites.features);
  const panelP = render(panel, first).then(() => mark("panel-drawn"));
  await Promise.all([mapP, panelP]);
  showSites(sites);
  let filters = FILTERS.map((k) => first[k] || "").join("|");
  const refresh = async (st) => {
    header(meta, st);
    const key = FILTERS.map((k) => st[k] || "").join("|");
    const layers = key === filters ? null : fetchLayers(st).then(showLayers);
    filters = key;
    await Promise.all([layers, render(panel, st)]);
    await ready();
  };
  onChange((st) => { refresh(st).catch(showError); });
  await ready();
  addDetail();
}

// A performance mark with the frames the map has drawn so far (the benchmark prints both).
function mark(name) {
  performance.mark(`bw:${name}`, { detail: { frames: framesDrawn() } });
}

async function ready() {
  await nextIdle();
  mark("ready");
  document.body.dataset.ready = String(Date.now());
}

function showError(err) {
  const panel = document.getElementById("panel");
  panel.append(h("p", { class: "error" }, String(err.message || err)));
}

window.basewatch = { map: theMap, state, frames: framesDrawn };
main().catch(showError);
