// The page's whole state lives in the query string, so every view is a shareable address.
// Filters (actor, type, mode, since, until) stay when the view changes; view-specific keys do not.

export const FILTERS = ["actor", "type", "mode", "since", "until"];
const listeners = [];

export function state() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

export function href(next, keepFilters = true) {
  const cur = state();
  const out = new URLSearchParams();
  if (keepFilters) for (const k of FILTERS) if (cur[k]) out.set(k, cur[k]);
  for (const [k, v] of Object.entries(next)) {
    if (v === null || v === undefined || v === "") out.delete(k);
    else out.set(k, String(v));
  }
  const q = out.toString();
  return q ? `?${q}` : location.pathname;
}

export function go(next, { replace = false, keepFilters = true } = {}) {
  const url = href(next, keepFilters);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  fire();
}

export function update(changes, opts = {}) {
  go({ ...state(), ...changes }, opts);
}

export function onChange(fn) {
  listeners.push(fn);
}

export function fire() {
  for (const fn of listeners) fn(state());
}

window.addEventListener("popstate", fire);

// api("/api/flights", {site: "x"}): fetch JSON from this server, dropping empty parameters.
export async function api(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  const url = q.toString() ? `${path}?${q}` : path;
  const res = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

export function filterParams(st = state()) {
  const out = {};
  for (const k of FILTERS) if (st[k]) out[k] = st[k];
  return out;
}
