// The panel's pages: lists (paged, searchable) and evidence pages. Every id is a link to its own page.
import { timeline } from "./chart.js";
import { clear, fmt, h } from "./dom.js";
import { flyTo, showEvidence, showTrack } from "./map.js";
import { api, filterParams, go, href, update } from "./state.js";

const known = { sites: new Map() };
export function setSites(features) {
  known.sites = new Map(features.map((f) => [f.properties.site_id, f.properties]));
}

export function link(next, label) {
  return h("a", { href: href(next), onclick: (e) => { e.preventDefault(); go(next); } }, label);
}

const site = (v) => (known.sites.has(v) ? { view: "site", id: v } : null);
const LINKS = {
  flight_id: (v) => ({ view: "flight", id: v }),
  site_id: site, site: site, origin_site: site, destination_site: site, near_site: site, start_site: site,
  end_site: site, origin: site, destination: site,
  mmsi: (v) => ({ view: "vessel", id: v }),
  call_id: (v) => ({ view: "port_call", id: v }), origin_call_id: (v) => ({ view: "port_call", id: v }),
  destination_call_id: (v) => ({ view: "port_call", id: v }), left_call: (v) => ({ view: "port_call", id: v }),
  voyage_id: (v) => ({ view: "voyage", id: v }), dark_id: (v) => ({ view: "dark_period", id: v }),
  report_id: (v) => ({ view: "report", id: v }),
  alert_id: (v) => ({ view: "alert", id: v }),
  observation_id: (v) => ({ view: "observation", id: v }), before_id: (v) => ({ view: "observation", id: v }),
  after_id: (v) => ({ view: "observation", id: v }), change_id: (v) => ({ view: "change", id: v }),
  source_id: (v, row) => (row && row.path ? { view: "sources", q: row.path } : null),
  actor: (v) => ({ view: "flights", actor: v }),
  icao24: (v) => ({ view: "flights", q: v }),
  origin_airport: (v) => ({ view: "flights", q: v }), destination_airport: (v) => ({ view: "flights", q: v }),
};

function cell(key, value, row) {
  if (value === null || value === undefined || value === "") return "";
  if (key === "site_ids" && Array.isArray(value)) {
    return value.flatMap((v, i) => [i ? ", " : "", site(v) ? link(site(v), v) : v]);
  }
  const to = LINKS[key] && LINKS[key](value, row);
  return to ? link(to, fmt(value)) : fmt(value);
}

export function table(rows, columns, extra = {}) {
  const cols = columns || (rows.length ? Object.keys(rows[0]) : []);
  return h("table", { class: "rows" },
    h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, cols.map((c) => h("td", {}, extra[c] ? extra[c](r) : cell(c, r[c], r)))))));
}

export function kv(obj, keys) {
  return h("table", { class: "kv" }, h("tbody", {}, (keys || Object.keys(obj)).map((k) =>
    h("tr", {}, h("th", {}, k), h("td", {}, cell(k, obj[k], obj))))));
}

function searchBox(st) {
  const input = h("input", { type: "search", placeholder: "search this list", value: st.q || "", name: "q",
                             "aria-label": "search" });
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") update({ q: input.value, offset: "" }); });
  return h("div", { class: "search" }, input, h("button", { onclick: () => update({ q: input.value, offset: "" }) }, "search"));
}

function pager(body, st) {
  const { total, offset, limit } = body;
  const prev = offset > 0 ? link({ ...st, offset: Math.max(0, offset - limit) || "" }, "‹ previous") : "";
  const next = offset + limit < total ? link({ ...st, offset: offset + limit }, "next ›") : "";
  const shown = total ? `${offset + 1}–${Math.min(total, offset + limit)} of ${total}` : "none";
  return h("div", { class: "pager" }, prev, " ", h("span", { class: "count" }, shown), " ", next);
}

// A full-page list: title, search, table, pager; q and offset live in the address.
export async function listPage(panel, st, title, path, params, columns, extra) {
  const body = await api(path, { ...params, q: st.q, offset: st.offset, limit: 50 });
  panel.append(h("h2", {}, title), searchBox(st), pager(body, st), table(body.rows, columns, extra), pager(body, st));
}

// A short list inside a page, with a link to the full list.
async function sublist(panel, title, path, params, columns, full) {
  const body = await api(path, { ...params, limit: 20 });
  panel.append(h("h3", {}, title, " ", h("span", { class: "count" }, `(${body.total})`)));
  if (!body.total) return panel.append(h("p", { class: "muted" }, "none"));
  panel.append(table(body.rows, columns));
  if (body.total > body.rows.length && full) panel.append(h("p", {}, link(full, `all ${body.total} →`)));
}

export const FLIGHT_COLS = ["flight_id", "callsign", "registration", "typecode", "actor", "start", "end", "origin_site",
                     "origin_airport", "destination_site", "destination_airport"];
export const CALL_COLS = ["call_id", "mmsi", "vessel_name", "actor", "site", "port", "arrival", "departure", "stops"];
export const VOYAGE_COLS = ["voyage_id", "mmsi", "vessel_name", "actor", "origin_site", "origin_port", "destination_site",
                     "destination_port", "departure", "arrival", "distance_km"];
export const DARK_COLS = ["dark_id", "mmsi", "vessel_name", "actor", "start_time", "end_time", "hours", "jump_km", "near_site"];
const VESSEL_KEYS = ["mmsi", "vessel_name", "actor"];
const ofVessel = (cols) => cols.filter((c) => !VESSEL_KEYS.includes(c));  // a vessel's own page: those are above
const POSITION_COLS = ["time", "lat", "lon", "sog_ms", "cog_deg", "source_id", "path", "row_no"];
const FILE_COLS = ["source_id", "path", "input_format", "first_row", "last_row", "points", "first_time", "last_time"];
const CLAIM_COLS = ["report_id", "claim_no", "title", "report_date", "event", "certainty", "source", "grading",
                    "fusion_status", "site_ids", "text"];
const corridorLink = (r) => link({ view: "corridor", origin: r.origin, destination: r.destination, mode: r.mode },
                                 `${r.origin ?? "?"} → ${r.destination ?? "?"}`);
const claimExtra = {
  grading: (r) => h("span", { class: "grading", title: "Admiralty: source reliability, information credibility" },
                    `${r.reliability}${r.credibility}`),
  text: (r) => link({ view: "report", id: r.report_id, claim: r.claim_no }, r.text),
  title: (r) => link({ view: "report", id: r.report_id }, r.title || "(untitled)"),
  fusion_status: (r) => (r.fusion_status ? h("span", { class: `status ${r.fusion_status}`, title: r.fusion_why || "" },
                                              r.fusion_status) : ""),
};

export const VIEWS = {
  async overview(panel, st) {
    const f = filterParams(st);
    panel.append(h("h2", {}, "Corridors"), h("p", { class: "muted" },
      "Line width is movements in the window; click a line for its flights or voyages."));
    const body = await api("/api/corridors", { ...f, limit: 15 });
    panel.append(table(body.rows, ["corridor", "mode", "movements", "days", "first_day", "last_day"],
                       { corridor: corridorLink }));
    if (body.total > body.rows.length) panel.append(h("p", {}, link({ view: "corridors" }, `all ${body.total} →`)));
    await sublist(panel, "Sites", "/api/sites", {}, ["site_id", "name", "kind", "country"], { view: "sites" });
  },
  sites: (p, st) => listPage(p, st, "Sites", "/api/sites", {}, ["site_id", "name", "kind", "country", "lat", "lon",
                                                                 "radius_km", "icao"]),
  flights: (p, st) => listPage(p, st, "Flights", "/api/flights", { ...filterParams(st), site: st.site }, FLIGHT_COLS),
  corridors: (p, st) => listPage(p, st, "Corridors", "/api/corridors", filterParams(st),
                                 ["corridor", "mode", "movements", "days", "first_day", "last_day"],
                                 { corridor: corridorLink }),
  vessels: (p, st) => listPage(p, st, "Vessels", "/api/vessels", { actor: st.actor }, ["mmsi", "name", "flag", "type_name", "imo", "callsign", "first_seen", "last_seen", "positions", "actor"]),
  port_calls: (p, st) => listPage(p, st, "Port calls", "/api/port_calls", { ...filterParams(st), site: st.site },
                                  CALL_COLS),
  voyages: (p, st) => listPage(p, st, "Voyages", "/api/voyages", { ...filterParams(st), site: st.site }, VOYAGE_COLS),
  dark: (p, st) => listPage(p, st, "Dark periods (AIS silences)", "/api/dark_periods",
                            { ...filterParams(st), site: st.site }, DARK_COLS),
  claims: (p, st) => listPage(p, st, "Claims", "/api/claims", { site: st.site }, CLAIM_COLS, claimExtra),
  sources: (p, st) => listPage(p, st, "Source files", "/api/sources", {}),

  async site(panel, st) {
    const body = await api("/api/sites", { q: st.id, limit: 1000 });
    const s = body.rows.find((r) => r.site_id === st.id);
    if (!s) throw new Error(`no site ${st.id}`);
    if (s.lon !== null) flyTo(s.lon, s.lat, 6);
    panel.append(h("h2", {}, s.name), kv(s, ["site_id", "kind", "country", "icao", "lat", "lon", "radius_km", "aliases"]));
    const f = filterParams(st);
    const act = await api("/api/activity", { site: s.site_id, actor: f.actor, since: f.since, until: f.until });
    panel.append(h("h3", {}, "Daily arrivals and departures (UTC)"), timeline(act.rows));
    await sublist(panel, "Corridors", "/api/corridors", { ...f, site: s.site_id },
                  ["origin", "destination", "mode", "movements", "days"], { view: "corridors" });
    await sublist(panel, "Flights", "/api/flights", { ...f, site: s.site_id }, FLIGHT_COLS,
                  { view: "flights", site: s.site_id });
    if (s.kind === "port") {
      await sublist(panel, "Port calls", "/api/port_calls", { ...f, site: s.site_id }, CALL_COLS,
                    { view: "port_calls", site: s.site_id });
      await sublist(panel, "Dark periods nearby", "/api/dark_periods", { ...f, site: s.site_id }, DARK_COLS,
                    { view: "dark", site: s.site_id });
    }
    await sublist(panel, "Claims", "/api/claims", { site: s.site_id }, ["report_id", "claim_no", "event",
                  "certainty", "source", "text"], { view: "claims", site: s.site_id });
  },

  async corridor(panel, st) {
    const f = filterParams(st);
    panel.append(h("h2", {}, `${st.origin ?? "?"} → ${st.destination ?? "?"}`, h("span", { class: "count" }, ` ${st.mode || ""}`)));
    if (st.mode === "sea") {
      const body = await api("/api/voyages", { ...f, origin: st.origin, destination: st.destination, q: st.q,
                                               offset: st.offset, limit: 50 });
      return panel.append(h("h3", {}, "Voyages"), searchBox(st), pager(body, st), table(body.rows, VOYAGE_COLS));
    }
    const body = await api("/api/flights", { ...f, mode: null, origin: st.origin, destination: st.destination,
                                             q: st.q, offset: st.offset, limit: 50 });
    panel.append(h("h3", {}, "Flights"), searchBox(st), pager(body, st), table(body.rows, FLIGHT_COLS));
  },

  async flight(panel, st) {
    const body = await api(`/api/flights/${encodeURIComponent(st.id)}`);
    showTrack(body.track);
    const fl = body.flight;
    panel.append(h("h2", {}, `Flight ${fl.callsign || fl.icao24}`), kv(fl));
    panel.append(h("h3", {}, "Source files"), h("p", { class: "muted" },
      "The reports from take-off to landing, by file, with their row (or line) numbers."));
    panel.append(table(body.sources, FILE_COLS));
    const pts = await api(`/api/flights/${encodeURIComponent(st.id)}/points`, { offset: st.offset, limit: 50, q: st.q });
    panel.append(h("h3", {}, "Reported positions"), pager(pts, st),
                 table(pts.rows, ["time", "lat", "lon", "alt_baro_m", "gs_ms", "on_ground", "path", "row_no"]),
                 pager(pts, st));
  },

  async vessel(panel, st) {
    const body = await api(`/api/vessels/${encodeURIComponent(st.id)}`);
    showTrack(body.track);
    panel.append(h("h2", {}, `Vessel ${body.vessel.name || body.vessel.mmsi}`), kv(body.vessel));
    panel.append(h("h3", {}, "Port calls"), table(body.port_calls, ofVessel(CALL_COLS)));
    panel.append(h("h3", {}, "Voyages"), table(body.voyages, ofVessel(VOYAGE_COLS)));
    panel.append(h("h3", {}, "Dark periods"), table(body.dark_periods, ofVessel(DARK_COLS)));
    panel.append(h("h3", {}, "Source files"), table(body.sources));
  },

  port_call: (p, st) => recordPage(p, st, "port_call", "/api/port_calls", (r) => `Port call: ${r.vessel_name ||
    r.mmsi} at ${r.site || r.port || "?"}`, "The positions received from arrival to departure, by file, with their row numbers."),
  voyage: (p, st) => recordPage(p, st, "voyage", "/api/voyages", (r) => `Voyage: ${r.vessel_name || r.mmsi}, ` +
    `${r.origin_site || r.origin_port || "?"} → ${r.destination_site || r.destination_port || "?"}`,
    "The positions received between the two port calls, by file, with their row numbers."),
  async dark_period(p, st) {
    const r = await recordPage(p, st, "dark_period", "/api/dark_periods", (d) => `Dark period: ${d.vessel_name ||
      d.mmsi}, ${fmt(d.hours ?? d.duration_s / 3600)} h silent`,
      "The positions received 6 h either side of the silence, by file, with their row numbers.");
    const heading = p.querySelector("h3");
    heading.before(h("h3", {}, "Last position before and first after the silence"),
                   table(r.boundary_rows, ["role", ...POSITION_COLS]));
  },

  async report(panel, st) {
    const body = await api(`/api/reports/${encodeURIComponent(st.id)}`);
    const r = body.report;
    panel.append(h("h2", {}, r.title || "(untitled report)"),
                 kv(r, ["report_id", "publisher", "report_date", "url", "path", "format", "sha256"]));
    const current = Number(st.claim || 0);
    const text = h("div", { class: "report-text" });
    let at = 0;
    for (const c of [...body.claims].sort((a, b) => a.start_char - b.start_char)) {
      if (c.start_char < at) continue;
      text.append(r.text.slice(at, c.start_char));
      const mark = h("mark", { id: `claim-${c.claim_no}`, class: c.claim_no === current ? "claim current" : "claim",
                               title: `claim ${c.claim_no}: ${c.event}, ${c.certainty}, source ${c.source} (${c.reliability}${c.credibility})` },
                     r.text.slice(c.start_char, c.end_char));
      text.append(mark);
      at = c.end_char;
    }
    text.append(r.text.slice(at));
    panel.append(h("h3", {}, "Claims"), table(body.claims, ["claim_no", "event", "certainty", "source", "source_kind",
      "grading", "fusion_status", "fusion_why", "site_ids", "actors", "date_start", "date_end"], {
      ...claimExtra, claim_no: (c) => link({ view: "report", id: r.report_id, claim: c.claim_no }, String(c.claim_no)) }));
    panel.append(h("h3", {}, "Text"), text);
    const cur = text.querySelector("mark.current");
    if (cur) cur.scrollIntoView({ block: "center" });
  },
};

// The page of one record: its fields, its source files, its received positions (paged) and its map features.
async function recordPage(panel, st, key, path, title, note) {
  const body = await api(`${path}/${encodeURIComponent(st.id)}`, { offset: st.offset, limit: 50, q: st.q });
  showEvidence(body.map);
  const r = body[key];
  panel.append(h("h2", {}, title(r)), kv(r, Object.keys(r).filter((k) => k !== "boundary_rows")));
  panel.append(h("h3", {}, "Source files"), h("p", { class: "muted" }, note), table(body.sources, FILE_COLS));
  panel.append(h("h3", {}, "Received positions"), pager(body.positions, st), table(body.positions.rows, POSITION_COLS),
               pager(body.positions, st));
  return r;
}

export async function render(panel, st) {
  clear(panel);
  const view = VIEWS[st.view] ? st.view : "overview";
  if (!["flight", "vessel"].includes(view)) showTrack(null);
  showEvidence(null);
  try {
    await VIEWS[view](panel, st);
  } catch (err) {
    panel.append(h("p", { class: "error" }, String(err.message || err)));
  }
}
