// The map: the shipped Natural Earth basemap, then sites, corridors, voyages, port calls, dark periods and
// the selected track, each a GeoJSON source filled from this server's API. Nothing is fetched elsewhere.
import { LngLatBounds, Map, Marker, NavigationControl, ScaleControl } from "/static/vendor/maplibre-gl/maplibre-gl.mjs";
import { h } from "./dom.js";
import { api, filterParams, go } from "./state.js";

const AIR = "#b03a2e";
const SEA = "#1f4e9c";
const DARK = "#6c3483";
const EVIDENCE = "#e67e22";
const EMPTY = { type: "FeatureCollection", features: [] };
const abs = (p) => new URL(p, location.href).href;
const LATER = ["lakes", "rivers"];  // basemap layers loaded once the first view is drawn

let map = null;
let frames = 0;  // frames drawn so far (the benchmark reports it next to the page's marks)

export function framesDrawn() {
  return frames;
}
let labels = [];
let idleWaiters = [];
let idle = false;  // the map has fired 'idle' and nothing was changed through this module since

export function theMap() {
  return map;
}

let riversLayer = null;
let landLayer = null;
let lakesLayer = null;

// The style with the first view's data inline (sites and movement layers fetched while the library loads),
// so the map's worker cuts each source into tiles once, before the first frame.
async function basemapStyle(initial) {
  const [layers, data] = await Promise.all([fetch("/static/vendor/basemap/layers.json").then((r) => r.json()),
                                            initial]);
  riversLayer = layers.find((l) => l.id === "rivers");
  landLayer = layers.find((l) => l.id === "land");
  lakesLayer = layers.find((l) => l.id === "lakes");
  const sources = {};
  for (const name of ["land", "lakes", "rivers", "boundaries"]) {  // lakes and rivers: filled after the first idle
    sources[name] = { type: "geojson", data: LATER.includes(name) ? EMPTY : abs(`/static/vendor/basemap/${name}.json`),
                      maxzoom: 8 };
  }
  // the world view's land is a simplified copy (scripts/simplify_basemap.py); the full one comes after the
  // first idle, for zoom 5 on
  sources.land = { type: "geojson", data: abs("/static/vendor/basemap/land-low.json"), maxzoom: 5 };
  for (const name of ["corridors", "voyages", "port_calls", "dark", "sites", "track", "evidence"]) {
    shown[name] = data[name] || EMPTY;
    sources[name] = { type: "geojson", data: shown[name] };
  }
  return { version: 8, name: "basewatch", sources, layers: [...layers, ...overlayLayers()] };
}

function overlayLayers() {
  const mode = ["match", ["get", "mode"], "sea", SEA, AIR];
  return [
    { id: "voyages", type: "line", source: "voyages",
      paint: { "line-color": SEA, "line-width": 1, "line-opacity": 0.35 } },
    { id: "corridors", type: "line", source: "corridors", layout: { "line-cap": "round" },
      paint: { "line-color": mode, "line-opacity": 0.8,
               "line-width": ["interpolate", ["linear"], ["get", "movements"], 1, 1.5, 10, 4, 50, 10] } },
    { id: "dark-gap", type: "line", source: "dark", filter: ["==", ["get", "role"], "gap"],
      paint: { "line-color": "#6c3483", "line-width": 2, "line-dasharray": [2, 2] } },
    { id: "dark-ends", type: "circle", source: "dark", filter: ["!=", ["get", "role"], "gap"],
      paint: { "circle-radius": 5, "circle-stroke-width": 2, "circle-stroke-color": "#6c3483",
               "circle-color": ["match", ["get", "role"], "start", "#ffffff", "#6c3483"] } },
    { id: "port_calls", type: "circle", source: "port_calls",
      paint: { "circle-radius": 4, "circle-color": "#17a589", "circle-opacity": 0.7 } },
    { id: "track", type: "line", source: "track", paint: { "line-color": "#111111", "line-width": 2.5 } },
    // an evidence page's records: received tracks solid, dark gaps dashed with their start (open) and end marked
    { id: "evidence-track", type: "line", source: "evidence", filter: ["==", ["get", "role"], "track"],
      layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": EVIDENCE, "line-width": 2.5, "line-opacity": 0.85 } },
    { id: "evidence-gap", type: "line", source: "evidence", filter: ["==", ["get", "role"], "gap"],
      paint: { "line-color": DARK, "line-width": 3, "line-dasharray": [2, 1.5] } },
    { id: "evidence-ends", type: "circle", source: "evidence",
      filter: ["match", ["get", "role"], ["start", "end", "call"], true, false],
      paint: { "circle-radius": 6, "circle-stroke-width": 2,
               "circle-stroke-color": ["match", ["get", "role"], "call", "#ffffff", DARK],
               "circle-color": ["match", ["get", "role"], "start", "#ffffff", "call", "#17a589", DARK] } },
    { id: "sites", type: "circle", source: "sites",
      paint: { "circle-radius": 6, "circle-stroke-width": 1.5, "circle-stroke-color": "#ffffff",
               "circle-color": ["match", ["get", "kind"], "port", SEA, "region", "#7f8c8d", AIR] } },
  ];
}

// initial: a promise of {sites, corridors, voyages, port_calls, dark} collections for the first view.
export async function createMap(container, initial) {
  map = new Map({ container, style: await basemapStyle(initial), center: [28, 33], zoom: 3.6,
                  attributionControl: false, fadeDuration: 0 });
  map.addControl(new NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new ScaleControl({}), "bottom-left");
  map.on("render", () => { frames += 1; });
  map.on("idle", () => {
    idle = true;
    const waiting = idleWaiters;
    idleWaiters = [];
    for (const fn of waiting) fn();
  });
  const open = (layer, fn) => {
    map.on("click", layer, (e) => e.features && e.features.length && fn(e.features[0].properties));
    map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
  };
  open("sites", (p) => go({ view: "site", id: p.site_id }));
  open("corridors", (p) => go({ view: "corridor", origin: p.origin, destination: p.destination, mode: p.mode }));
  open("voyages", (p) => go({ view: "voyage", id: p.voyage_id }));
  open("port_calls", (p) => go({ view: "port_call", id: p.call_id }));
  open("dark-gap", (p) => go({ view: "dark_period", id: p.dark_id }));
  open("dark-ends", (p) => go({ view: "dark_period", id: p.dark_id }));
  const record = (p) => (p.flight_id ? { view: "flight", id: p.flight_id } : p.dark_id ? { view: "dark_period", id: p.dark_id }
    : p.voyage_id ? { view: "voyage", id: p.voyage_id } : p.call_id ? { view: "port_call", id: p.call_id } : null);
  for (const layer of ["evidence-track", "evidence-gap", "evidence-ends"]) {
    open(layer, (p) => { const to = record(p); if (to) go(to); });
  }
  await new Promise((resolve) => (map.loaded() ? resolve() : map.once("load", resolve)));
  loaded = true;
  mapReady(map);
  return map;
}

// The panel may render before the map has loaded: what it asks of the map waits for the load, in order.
let loaded = false;
let mapReady = null;
const mapLoaded = new Promise((resolve) => { mapReady = resolve; });
function onMap(fn) {
  if (loaded) fn();
  else mapLoaded.then(fn);
}

// Simplified lakes and the major rivers come after the first view is drawn (simplified land, borders and the
// data layers are what the first frame needs); the minor rivers (shown from zoom 4.5 on) and the full land
// and lakes (from zoom 5 on) only once the map is zoomed in that far, so the world view's worker has less to
// cut into tiles and the page stays responsive after its first frame.
const DETAIL_ZOOM = 4.5;

export function addDetail() {
  setData("lakes", abs("/static/vendor/basemap/lakes-low.json"));  // simplified, as land-low.json
  setData("rivers", abs("/static/vendor/basemap/rivers.json"));
  const zoomedIn = () => {
    if (map.getZoom() < DETAIL_ZOOM) return;
    map.off("zoomend", zoomedIn);
    addZoomedDetail();
  };
  map.on("zoomend", zoomedIn);
  zoomedIn();
}

function addZoomedDetail() {
  idle = false;
  if (landLayer && !map.getSource("land-detail")) {
    map.addSource("land-detail", { type: "geojson", data: abs("/static/vendor/basemap/land.json"), maxzoom: 8 });
    map.addLayer({ ...landLayer, id: "land-detail", source: "land-detail", minzoom: 5 }, "rivers");
    map.setLayerZoomRange("land", 0, 5);
  }
  if (lakesLayer && !map.getSource("lakes-detail")) {
    map.addSource("lakes-detail", { type: "geojson", data: abs("/static/vendor/basemap/lakes.json"), maxzoom: 8 });
    map.addLayer({ ...lakesLayer, id: "lakes-detail", source: "lakes-detail", minzoom: 5 }, "boundaries-bg");
    map.setLayerZoomRange("lakes", 0, 5);
  }
  if (!riversLayer || map.getSource("rivers-detail")) return;
  map.addSource("rivers-detail", { type: "geojson", data: abs("/static/vendor/basemap/rivers-detail.json") });
  map.addLayer({ ...riversLayer, id: "rivers-detail", source: "rivers-detail", minzoom: DETAIL_ZOOM }, "voyages");
}

// Resolves once the map is idle (every source loaded, nothing left to draw): at once when nothing changed
// since its last 'idle' (a forced frame costs a few hundred ms with software WebGL), else at the next one.
export function nextIdle() {
  return new Promise((resolve) => {
    onMap(() => {
      if (idle) {
        resolve();
        return;
      }
      idleWaiters.push(resolve);
      map.triggerRepaint();
    });
  });
}

const shown = {};  // what each data source holds (the object given), so that setting it again costs nothing

function setData(name, data) {
  if (shown[name] === data) return;
  shown[name] = data;
  idle = false;
  map.getSource(name).setData(data);
}

export function fetchSites() {
  return api("/api/sites", { format: "geojson" });
}

// The sites' name labels (the sites themselves are in the style from the start).
export function showSites(sites) {
  for (const m of labels) m.remove();
  labels = sites.features.map((f) => new Marker({ element: h("div", { class: "site-label" }, f.properties.name),
                                                  anchor: "left", offset: [8, 0] })
    .setLngLat(f.geometry.coordinates).addTo(map));
}

// The movement layers for the current filters (mode hides the other mode's layers); fetching can start
// before the map exists, showLayers() fills the map's sources.
export async function fetchLayers(st) {
  const f = filterParams(st);
  const sea = f.mode !== "air" && !f.type;  // an aircraft type leaves only air movements
  const when = { actor: f.actor, since: f.since, until: f.until, format: "geojson" };
  const [corridors, voyages, calls, dark] = await Promise.all([
    api("/api/corridors", { ...f, format: "geojson" }),
    sea ? api("/api/voyages", when) : EMPTY,
    sea ? api("/api/port_calls", when) : EMPTY,
    sea ? api("/api/dark_periods", when) : EMPTY,
  ]);
  return { corridors, voyages, port_calls: calls, dark };
}

export function showLayers(data) {
  for (const [name, collection] of Object.entries(data)) setData(name, collection);
}

const coordsOf = (g) => (g.type === "Point" ? [g.coordinates] : g.type === "LineString" ? g.coordinates
  : g.coordinates.flat());

function fit(collection) {
  const coords = (collection ? collection.features : []).flatMap((f) => coordsOf(f.geometry));
  if (coords.length) idle = false;
  if (coords.length === 1) map.jumpTo({ center: coords[0], zoom: Math.max(map.getZoom(), 7) });
  if (coords.length > 1) {
    const b = coords.reduce((acc, c) => acc.extend(c), new LngLatBounds(coords[0], coords[0]));
    map.fitBounds(b, { padding: 60, maxZoom: 9, duration: 0 });
  }
}

export function showTrack(collection) {
  onMap(() => {
    setData("track", collection || EMPTY);
    fit(collection);
  });
}

// The records an evidence page (or an alert) rests on; the map is fitted to them and the other movement
// layers are dimmed while they are shown.
const DIMMED = [["corridors", "line-opacity", 0.8], ["voyages", "line-opacity", 0.35], ["dark-gap", "line-opacity", 1],
                ["port_calls", "circle-opacity", 0.7], ["dark-ends", "circle-opacity", 1],
                ["dark-ends", "circle-stroke-opacity", 1]];
let dimmed = false;

export function showEvidence(collection) {
  onMap(() => {
    const some = Boolean(collection && collection.features.length);
    setData("evidence", collection || EMPTY);
    if (some !== dimmed) {
      idle = false;
      for (const [layer, prop, full] of DIMMED) map.setPaintProperty(layer, prop, some ? full * 0.2 : full);
      dimmed = some;
    }
    fit(collection);
  });
}

export function flyTo(lon, lat, zoom = 7) {
  onMap(() => {
    idle = false;
    map.jumpTo({ center: [lon, lat], zoom });
  });
}

