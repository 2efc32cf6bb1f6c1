// Daily arrivals (above the axis) and departures (below) at one site, air and sea side by side, as SVG.
import { s } from "./dom.js";

const COLORS = { air: ["#b03a2e", "#e6a69f"], sea: ["#1f4e9c", "#9fb6e0"] };

export function timeline(rows) {
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const modes = [...new Set(rows.map((r) => r.mode))].sort();
  const W = 560, H = 220, L = 34, R = 8, T = 14, B = 34;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "timeline", role: "img",
                         "aria-label": "daily arrivals and departures" });
  if (!days.length) {
    svg.append(s("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "no movements in this window"));
    return svg;
  }
  const by = new Map(rows.map((r) => [`${r.day}|${r.mode}`, r]));
  const max = Math.max(1, ...rows.map((r) => Math.max(r.arrivals, r.departures)));
  const mid = T + (H - T - B) / 2;
  const scale = (H - T - B) / 2 / max;
  const slot = (W - L - R) / days.length;
  const bar = Math.max(1, (slot * 0.8) / modes.length);
  svg.append(s("line", { x1: L, x2: W - R, y1: mid, y2: mid, class: "axis" }));
  for (const v of [max, -max]) {
    svg.append(s("text", { x: L - 4, y: mid - v * scale + 4, "text-anchor": "end", class: "tick" }, String(Math.abs(v))));
  }
  svg.append(s("text", { x: L + 2, y: T - 3, class: "tick" }, "arrivals"));
  svg.append(s("text", { x: L + 2, y: H - B + 12, class: "tick" }, "departures"));
  const every = Math.ceil(days.length / 8);
  days.forEach((day, i) => {
    const x0 = L + i * slot + slot * 0.1;
    modes.forEach((mode, j) => {
      const r = by.get(`${day}|${mode}`);
      if (!r) return;
      const x = x0 + j * bar;
      const tip = `${day} ${mode}: ${r.arrivals} arrivals, ${r.departures} departures, ${r.present} present`;
      svg.append(s("rect", { x, y: mid - r.arrivals * scale, width: bar, height: r.arrivals * scale,
                             fill: COLORS[mode]?.[0] || "#555", class: `bar ${mode} arrivals` }, s("title", {}, tip)));
      svg.append(s("rect", { x, y: mid, width: bar, height: r.departures * scale,
                             fill: COLORS[mode]?.[1] || "#aaa", class: `bar ${mode} departures` }, s("title", {}, tip)));
    });
    if (i % every === 0) {
      svg.append(s("text", { x: x0, y: H - 6, class: "tick" }, day.slice(5)));
    }
  });
  modes.forEach((mode, j) => {
    svg.append(s("rect", { x: W - R - 90, y: T + j * 14 - 9, width: 10, height: 10, fill: COLORS[mode]?.[0] || "#555" }));
    svg.append(s("text", { x: W - R - 76, y: T + j * 14, class: "tick" }, mode));
  });
  return svg;
}
