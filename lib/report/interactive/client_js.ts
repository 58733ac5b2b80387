/**
 * The browser code behind hover values and zoom, as one string a page inlines verbatim (see
 * mod.ts for the contract). Plain ES2017 in an IIFE: no imports, no eval, no network, no
 * inline styles (SVG presentation attributes only), no event-handler attributes.
 *
 * The source is a raw template literal, so it must not contain a backtick, a dollar sign
 * followed by a brace, or the text `</script`: tests/report/interactive_client_test.ts checks
 * all three and parses it.
 *
 * @module
 */

/**
 * The client-side script (hover crosshair + tooltip, drag-to-zoom, double-click reset for static
 * report charts and `window.cryptolabCharts.lineChart`). Inline it verbatim; its CSP hash is
 * `INTERACTIVE_CLIENT_CSP_HASH` in mod.ts.
 *
 * @example It defines window.cryptolabCharts
 * ```ts
 * import { INTERACTIVE_CLIENT_JS } from "@lib/report/interactive/client_js.ts";
 * import assert from "node:assert/strict";
 * assert.match(INTERACTIVE_CLIENT_JS, /window\.cryptolabCharts = /);
 * assert.ok(!INTERACTIVE_CLIENT_JS.includes("</script"));
 * ```
 */
export const INTERACTIVE_CLIENT_JS: string = String.raw`(function () {
"use strict";
if (typeof window === "undefined" || typeof document === "undefined") return;
var NS = "http://www.w3.org/2000/svg";
var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
  "#ff9da7", "#9c755f", "#bab0ab"];
var ACCENT = "#2f5d8a";
var MIN_DRAG_PX = 5;

function el(name, attrs, parent) {
  var e = document.createElementNS(NS, name);
  if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
  if (parent) parent.appendChild(e);
  return e;
}
function isNum(v) { return typeof v === "number" && isFinite(v); }
function pad2(n) { return (n < 10 ? "0" : "") + n; }
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function fmtTime(t) {
  var d = new Date(t);
  var s = d.getUTCFullYear() + "-" + pad2(d.getUTCMonth() + 1) + "-" + pad2(d.getUTCDate()) + " " +
    pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes());
  if (d.getUTCSeconds() !== 0) s += ":" + pad2(d.getUTCSeconds());
  return s + " UTC";
}
function fmtNum(v, digits, percent) {
  if (!isNum(v)) return "\u2013";
  if (percent) v = v * 100;
  var s;
  if (typeof digits === "number") s = v.toFixed(digits);
  else {
    var a = Math.abs(v);
    s = a !== 0 && (a >= 1e6 || a < 1e-4) ? v.toExponential(3) : String(Number(v.toPrecision(6)));
  }
  return s.replace("-", "\u2212") + (percent ? "%" : "");
}

// Index of the element of the ascending array t nearest to x (t non-empty).
function nearestIndex(t, x) {
  var lo = 0, hi = t.length - 1;
  if (x <= t[0]) return 0;
  if (x >= t[hi]) return hi;
  while (hi - lo > 1) {
    var mid = (lo + hi) >> 1;
    if (t[mid] <= x) lo = mid; else hi = mid;
  }
  return x - t[lo] <= t[hi] - x ? lo : hi;
}
function median(a) {
  if (a.length === 0) return NaN;
  var s = a.slice().sort(function (p, q) { return p - q; });
  return s[s.length >> 1];
}
function spacing(t) {
  var d = [];
  for (var i = 1; i < t.length; i++) if (t[i] > t[i - 1]) d.push(t[i] - t[i - 1]);
  return median(d);
}
// Times of the points with a value (cached on the series object).
function finiteTimes(s) {
  if (s.tf) return s.tf;
  var out = [];
  for (var i = 0; i < s.t.length; i++) {
    if (isNum(s.y[i]) || (s.lo && (isNum(s.lo[i]) || isNum(s.hi[i])))) out.push(s.t[i]);
  }
  s.tf = out;
  return out;
}
function toArray(a) { return a ? Array.prototype.slice.call(a) : []; }
function normSeries(list) {
  var out = [];
  for (var i = 0; i < (list ? list.length : 0); i++) {
    var s = list[i] || {};
    var t = toArray(s.t), y = toArray(s.y);
    var n = Math.min(t.length, y.length);
    var o = { name: String(s.name == null ? "series " + (i + 1) : s.name), t: t.slice(0, n), y: y.slice(0, n),
      color: typeof s.color === "string" ? s.color : PALETTE[i % PALETTE.length] };
    if (s.lo && s.hi) { o.lo = toArray(s.lo).slice(0, n); o.hi = toArray(s.hi).slice(0, n); }
    out.push(o);
  }
  return out;
}

// ---- time ticks (UTC) ----
var SEC = 1000, MIN = 60 * SEC, HOUR = 60 * MIN, DAY = 24 * HOUR;
var STEPS = [SEC, 5 * SEC, 15 * SEC, 30 * SEC, MIN, 5 * MIN, 15 * MIN, 30 * MIN, HOUR, 3 * HOUR,
  6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];
function timeTicks(t0, t1, maxCount) {
  var span = t1 - t0, step = STEPS[STEPS.length - 1];
  for (var i = 0; i < STEPS.length; i++) if (span / STEPS[i] <= maxCount) { step = STEPS[i]; break; }
  var ticks = [];
  if (step >= 30 * DAY) {
    var months = step >= 365 * DAY ? 12 : step >= 91 * DAY ? 3 : 1;
    var d = new Date(t0);
    var m = Date.UTC(d.getUTCFullYear(), Math.ceil(d.getUTCMonth() / months) * months, 1);
    if (m < t0) m = Date.UTC(new Date(m).getUTCFullYear(), new Date(m).getUTCMonth() + months, 1);
    while (m <= t1 && ticks.length < 100) {
      ticks.push(m);
      var dm = new Date(m);
      m = Date.UTC(dm.getUTCFullYear(), dm.getUTCMonth() + months, 1);
    }
  } else {
    var first = Math.ceil(t0 / step) * step;
    for (var x = first; x <= t1 && ticks.length < 100; x += step) ticks.push(x);
  }
  return { ticks: ticks, step: step };
}
function tickLabel(t, step, prev) {
  var d = new Date(t);
  var date = MONTHS[d.getUTCMonth()] + " " + d.getUTCDate();
  if (step >= 30 * DAY) return MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  if (step >= DAY) return date + (prev === null || new Date(prev).getUTCFullYear() !== d.getUTCFullYear() ? " " + d.getUTCFullYear() : "");
  var hm = pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes()) + (step < MIN ? ":" + pad2(d.getUTCSeconds()) : "");
  if (prev === null || new Date(prev).getUTCDate() !== d.getUTCDate()) return [hm, date];
  return hm;
}
function drawTimeAxis(g, t0, t1, xOf, baseline, width) {
  var tt = timeTicks(t0, t1, Math.max(2, Math.floor(width / 90)));
  var prev = null;
  for (var i = 0; i < tt.ticks.length; i++) {
    var t = tt.ticks[i], x = xOf(t);
    el("line", { x1: x, x2: x, y1: baseline, y2: baseline + 6, stroke: "currentColor" }, g);
    var label = tickLabel(t, tt.step, prev);
    var text = el("text", { x: x, y: baseline + 9, "text-anchor": "middle", "font-size": 10, fill: "currentColor" }, g);
    var lines = typeof label === "string" ? [label] : label;
    for (var k = 0; k < lines.length; k++) {
      var ts = el("tspan", { x: x, dy: k === 0 ? "0.71em" : "1em" }, text);
      ts.textContent = lines[k];
    }
    prev = t;
  }
}
function niceTicks(lo, hi, count) {
  if (!(hi > lo)) { hi = lo + 1; lo = lo - 1; }
  var raw = (hi - lo) / Math.max(1, count);
  var p = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
  var f = raw / p, step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  var out = [];
  for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

// ---- shared hover + zoom ----
// host: { svg, frame: {L,R,T,B}, series: [{name,t,y,lo?,hi?,color}], xOf(t), tOf(x),
//         point(si, i) -> [x,y] | null, zoom(t0,t1), reset(), percent, digits }
function attach(host) {
  var svg = host.svg;
  var layer = el("g", { class: "cryptolab-overlay" }, svg);
  var overlay, cross, dots, tip, tipRect, tipText, sel, dragFrom = null, lastX = null;
  function build() {
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    var f = host.frame();
    overlay = el("rect", { class: "cryptolab-hit", x: f.L, y: f.T, width: Math.max(0, f.R - f.L), height: Math.max(0, f.B - f.T),
      fill: "#000", "fill-opacity": 0, cursor: "crosshair" }, layer);
    sel = el("rect", { class: "cryptolab-selection", x: 0, y: f.T, width: 0, height: Math.max(0, f.B - f.T), fill: ACCENT,
      "fill-opacity": 0.15, stroke: ACCENT, "stroke-opacity": 0.5, visibility: "hidden", "pointer-events": "none" }, layer);
    cross = el("line", { class: "cryptolab-crosshair", x1: 0, x2: 0, y1: f.T, y2: f.B, stroke: "#444", "stroke-width": 1,
      "stroke-dasharray": "3,3", visibility: "hidden", "pointer-events": "none" }, layer);
    dots = el("g", { class: "cryptolab-dots", "pointer-events": "none" }, layer);
    tip = el("g", { class: "cryptolab-tooltip", visibility: "hidden", "pointer-events": "none" }, layer);
    tipRect = el("rect", { fill: "#fff", "fill-opacity": 0.94, stroke: "#9aa6b2", rx: 3 }, tip);
    tipText = el("text", { "font-size": 11, fill: "#1d2126", "font-family": "system-ui, sans-serif", "text-anchor": "start" }, tip);
    overlay.addEventListener("pointerdown", onDown);
    overlay.addEventListener("pointermove", onMove);
    overlay.addEventListener("pointerup", onUp);
    overlay.addEventListener("pointerleave", onLeave);
    overlay.addEventListener("dblclick", onDbl);
  }
  function local(ev) {
    var m = svg.getScreenCTM();
    if (!m) return null;
    var p = svg.createSVGPoint();
    p.x = ev.clientX; p.y = ev.clientY;
    return p.matrixTransform(m.inverse());
  }
  function hide() {
    cross.setAttribute("visibility", "hidden");
    tip.setAttribute("visibility", "hidden");
    while (dots.firstChild) dots.removeChild(dots.firstChild);
  }
  function show(x) {
    var f = host.frame(), series = host.series;
    var t = host.tOf(Math.max(f.L, Math.min(f.R, x)));
    // Snap to the nearest time where any series has a value.
    var best = null, tol = Infinity;
    for (var s = 0; s < series.length; s++) {
      var ts = finiteTimes(series[s]);
      if (ts.length === 0) continue;
      var i = nearestIndex(ts, t);
      if (best === null || Math.abs(ts[i] - t) < Math.abs(best - t)) best = ts[i];
      if (series[s].sp === undefined) series[s].sp = spacing(series[s].t);
      var sp = series[s].sp;
      if (isNum(sp) && sp < tol) tol = sp;
    }
    if (best === null) { hide(); return; }
    tol = isFinite(tol) ? 1.5 * tol : Infinity;
    var cx = host.xOf(best);
    if (cx < f.L - 0.5 || cx > f.R + 0.5) { hide(); return; }
    cross.setAttribute("x1", cx); cross.setAttribute("x2", cx);
    cross.setAttribute("visibility", "visible");
    while (dots.firstChild) dots.removeChild(dots.firstChild);
    while (tipText.firstChild) tipText.removeChild(tipText.firstChild);
    var line = el("tspan", { x: 8, dy: "1.2em", "font-weight": 600 }, tipText);
    line.textContent = fmtTime(best);
    for (var k = 0; k < series.length; k++) {
      var sk = series[k];
      if (sk.t.length === 0) continue;
      var j = nearestIndex(sk.t, best);
      if (Math.abs(sk.t[j] - best) > tol) continue;
      var row = el("tspan", { x: 8, dy: "1.25em", class: "cryptolab-tooltip-row" }, tipText);
      var mark = el("tspan", { fill: sk.color || "#444" }, row);
      mark.textContent = "\u25cf ";
      var label = el("tspan", {}, row);
      var val = fmtNum(sk.y[j], host.digits, host.percent);
      if (sk.lo && sk.hi && (isNum(sk.lo[j]) || isNum(sk.hi[j]))) {
        val += " (" + fmtNum(sk.lo[j], host.digits, host.percent) + " .. " + fmtNum(sk.hi[j], host.digits, host.percent) + ")";
      }
      label.textContent = sk.name + ": " + val;
      var p = isNum(sk.y[j]) ? host.point(k, j) : null;
      if (p && p[0] >= f.L - 0.5 && p[0] <= f.R + 0.5) {
        el("circle", { cx: p[0], cy: p[1], r: 3.5, fill: sk.color || "#444", stroke: "#fff", "stroke-width": 1.5 }, dots);
      }
    }
    tip.setAttribute("visibility", "visible");
    tip.setAttribute("transform", "translate(0,0)");
    var bb = tipText.getBBox();
    var w = bb.width + 16, h = bb.height + 10;
    tipRect.setAttribute("x", 0); tipRect.setAttribute("y", 0);
    tipRect.setAttribute("width", w); tipRect.setAttribute("height", h);
    tipText.setAttribute("y", 2);
    var tx = cx + 12;
    if (tx + w > f.R) tx = cx - 12 - w;
    if (tx < 0) tx = 0;
    tip.setAttribute("transform", "translate(" + tx + "," + (f.T + 4) + ")");
  }
  function onDown(ev) {
    if (ev.button !== 0) return;
    var p = local(ev);
    if (!p) return;
    ev.preventDefault(); // no text selection while dragging across the chart
    dragFrom = p.x;
    if (overlay.setPointerCapture) try { overlay.setPointerCapture(ev.pointerId); } catch (_e) { /* not capturable */ }
  }
  function onMove(ev) {
    var p = local(ev);
    if (!p) return;
    lastX = p.x;
    var f = host.frame();
    if (dragFrom !== null && Math.abs(p.x - dragFrom) >= MIN_DRAG_PX) {
      var a = Math.max(f.L, Math.min(dragFrom, p.x)), b = Math.min(f.R, Math.max(dragFrom, p.x));
      sel.setAttribute("x", a); sel.setAttribute("width", Math.max(0, b - a));
      sel.setAttribute("visibility", "visible");
    }
    show(p.x);
  }
  function onUp(ev) {
    var p = local(ev);
    var from = dragFrom;
    dragFrom = null;
    sel.setAttribute("visibility", "hidden");
    if (!p || from === null || Math.abs(p.x - from) < MIN_DRAG_PX) return;
    var f = host.frame();
    var a = Math.max(f.L, Math.min(from, p.x)), b = Math.min(f.R, Math.max(from, p.x));
    var t0 = host.tOf(a), t1 = host.tOf(b);
    if (t1 > t0) {
      host.zoom(t0, t1);
      if (svg.isConnected) { // a live chart draws a new svg (with its own attribute)
        svg.setAttribute("data-cryptolab-zoom", Math.round(t0) + "," + Math.round(t1));
        show(p.x);
      }
    }
  }
  function onLeave() { if (dragFrom === null) { lastX = null; hide(); } }
  function onDbl(ev) { ev.preventDefault(); resetZoom(); }
  function resetZoom() {
    host.reset();
    if (!svg.isConnected) return;
    svg.removeAttribute("data-cryptolab-zoom");
    if (lastX !== null) show(lastX); else hide();
  }
  build();
  return {
    show: function (x) { lastX = x; show(x); },
    lastX: function () { return lastX; },
    resetZoom: resetZoom,
  };
}

// ---- static report charts (Observable Plot SVG + data-cryptolab-chart) ----
function parseTranslate(v) {
  var m = /^\s*translate\(\s*(-?[\d.e+-]+)(?:[\s,]+(-?[\d.e+-]+))?\s*\)\s*$/.exec(v || "");
  return m ? [Number(m[1]), m[2] === undefined ? 0 : Number(m[2])] : null;
}
// Sum of the translate() of the ancestors below svg: [dx, dy].
function offsetOf(node, svg) {
  var dx = 0, dy = 0;
  for (var p = node.parentNode; p && p !== svg; p = p.parentNode) {
    var tr = p.getAttribute && parseTranslate(p.getAttribute("transform"));
    if (tr) { dx += tr[0]; dy += tr[1]; }
  }
  return [dx, dy];
}
function offsetX(node, svg) { return offsetOf(node, svg)[0]; }
function vertices(d) {
  var out = [], re = /([ML])\s*(-?[\d.]+(?:e[-+]?\d+)?)[\s,]+(-?[\d.]+(?:e[-+]?\d+)?)/gi, m;
  while ((m = re.exec(d)) !== null) out.push([Number(m[2]), Number(m[3])]);
  return out;
}
// Rewrite every x (fx) and y (fy) of an absolute M/L/H/V/Z path; null when it has other commands.
function mapPath(d, fx, fy) {
  if (/[^MLHVZmlhvz\d\s,.eE+-]/.test(d) || /[mlhv]/.test(d)) return null;
  var tokens = d.match(/[MLHVZ]|-?[\d.]+(?:e[-+]?\d+)?/gi) || [];
  var out = "", cmd = "", k = 0;
  for (var i = 0; i < tokens.length; i++) {
    var tk = tokens[i];
    if (/^[MLHVZ]$/i.test(tk)) { cmd = tk.toUpperCase(); out += cmd; k = 0; continue; }
    var v = Number(tk);
    if (cmd === "H" || ((cmd === "M" || cmd === "L") && k % 2 === 0)) v = fx(v);
    else if (cmd === "V" || ((cmd === "M" || cmd === "L") && k % 2 === 1)) v = fy(v);
    out += (k > 0 ? "," : "") + (Math.round(v * 100) / 100);
    k++;
  }
  return out;
}
var clipCounter = 0;
var ATTRS = ["d", "x", "x1", "x2", "cx", "width", "y", "y1", "y2", "cy", "height", "transform", "visibility"];
// The y scale of a chart from (value, pixel) pairs: linear or log when every point fits within
// half a pixel, else null (the zoom then keeps Plot's y axis).
function fitY(values, pixels) {
  var kinds = [["linear", function (v) { return v; }], ["log", function (v) { return v > 0 ? Math.log(v) : NaN; }]];
  for (var k = 0; k < kinds.length; k++) {
    var f = kinds[k][1], n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (var i = 0; i < values.length; i++) {
      var u = f(values[i]);
      if (!isNum(u)) { n = -1; break; }
      n++; sx += u; sy += pixels[i]; sxx += u * u; sxy += u * pixels[i];
    }
    if (n < 2) continue;
    var den = n * sxx - sx * sx;
    if (!(Math.abs(den) > 0)) continue;
    var d = (n * sxy - sx * sy) / den, c = (sy - d * sx) / n, worst = 0;
    for (var j = 0; j < values.length; j++) worst = Math.max(worst, Math.abs(c + d * f(values[j]) - pixels[j]));
    if (worst <= 0.5 && d !== 0) return { kind: kinds[k][0], f: f, c: c, d: d };
  }
  return null;
}
function logTicks(lo, hi) {
  var out = [];
  for (var e = Math.floor(Math.log(lo) / Math.LN10); e <= Math.ceil(Math.log(hi) / Math.LN10) && out.length < 40; e++) {
    [1, 2, 5].forEach(function (m) { var v = m * Math.pow(10, e); if (v >= lo && v <= hi) out.push(v); });
  }
  return out.length >= 2 ? out : niceTicks(lo, hi, 4).filter(function (v) { return v > 0; });
}
function enhanceStatic(container) {
  if (container.getAttribute("data-cryptolab-enhanced") === "1") return false;
  var data;
  try { data = JSON.parse(container.getAttribute("data-cryptolab-chart") || "null"); } catch (_e) { return false; }
  if (!data || !data.series) return false;
  var svgs = container.querySelectorAll("svg"), svg = null;
  for (var i = 0; i < svgs.length; i++) if (svgs[i].getAttribute("viewBox")) { svg = svgs[i]; break; }
  if (!svg) return false;
  var series = normSeries(data.series);
  var groups = [];
  for (var c = 0; c < svg.children.length; c++) {
    var g = svg.children[c];
    if (g.tagName.toLowerCase() === "g") groups.push(g);
  }
  var isAxis = function (g) { return /axis|grid|frame/.test(g.getAttribute("aria-label") || ""); };
  // Match line paths to series in order by their number of drawn points.
  var paths = [];
  for (var gi = 0; gi < groups.length; gi++) {
    if (groups[gi].getAttribute("aria-label") !== "line") continue;
    var ps = groups[gi].querySelectorAll("path");
    for (var pi = 0; pi < ps.length; pi++) paths.push(ps[pi]);
  }
  // The legend's swatches name each line's color: match by color first, then in order.
  var legend = {};
  var swatches = container.querySelectorAll("span > svg[fill]");
  for (var w = 0; w < swatches.length; w++) {
    var label = (swatches[w].parentNode.textContent || "").trim();
    if (label !== "" && !(label in legend)) legend[label] = swatches[w].getAttribute("fill");
  }
  var pathVerts = paths.map(function (pth) {
    var dxy = offsetX(pth, svg);
    return vertices(pth.getAttribute("d") || "").map(function (p) { return [p[0] + dxy, p[1]]; });
  });
  var used = paths.map(function () { return false; });
  var verts = series.map(function () { return null; });
  var finiteCount = series.map(function (sr) {
    var n = 0;
    for (var j = 0; j < sr.y.length; j++) if (isNum(sr.y[j])) n++;
    return n;
  });
  var take = function (si, q) {
    verts[si] = pathVerts[q];
    used[q] = true;
    series[si].color = paths[q].getAttribute("stroke") || series[si].color;
  };
  series.forEach(function (sr, si) {
    var color = legend[sr.name];
    if (!color || finiteCount[si] === 0) return;
    for (var q = 0; q < paths.length; q++) {
      if (!used[q] && paths[q].getAttribute("stroke") === color && pathVerts[q].length === finiteCount[si]) { take(si, q); return; }
    }
  });
  var next = 0;
  for (var s = 0; s < series.length; s++) {
    if (verts[s] || finiteCount[s] === 0 || legend[series[s].name]) continue;
    for (var q = next; q < paths.length; q++) {
      if (!used[q] && pathVerts[q].length === finiteCount[s]) { take(s, q); next = q + 1; break; }
    }
  }
  // x = a + b t, from the first matched series with two distinct times.
  var a = NaN, b = NaN;
  for (var m = 0; m < series.length && !isNum(b); m++) {
    if (!verts[m] || verts[m].length < 2) continue;
    var ts = [], vs = verts[m], n = 0;
    for (var jj = 0; jj < series[m].y.length; jj++) if (isNum(series[m].y[jj])) ts.push(series[m].t[jj]);
    n = ts.length - 1;
    if (ts[n] > ts[0]) { b = (vs[n][0] - vs[0][0]) / (ts[n] - ts[0]); a = vs[0][0] - b * ts[0]; }
  }
  if (!isNum(a) || !isNum(b) || b <= 0) return false;
  // A series whose points are not where the fit puts them is shown in the tooltip only.
  var index = series.map(function (sr, si) {
    if (!verts[si]) return null;
    var map = [], k = 0;
    for (var jj = 0; jj < sr.y.length; jj++) {
      if (!isNum(sr.y[jj])) { map.push(null); continue; }
      var p = verts[si][k++];
      if (Math.abs(p[0] - (a + b * sr.t[jj])) > 1.5) return null;
      map.push(p);
    }
    return map;
  });
  var fitValues = [], fitPixels = [];
  series.forEach(function (sr, si) {
    if (!index[si]) return;
    for (var jj = 0; jj < sr.y.length; jj++) if (index[si][jj]) { fitValues.push(sr.y[jj]); fitPixels.push(index[si][jj][1]); }
  });
  var yScale = fitY(fitValues, fitPixels);
  var tMin = Infinity, tMax = -Infinity;
  series.forEach(function (sr) { if (sr.t.length) { tMin = Math.min(tMin, sr.t[0]); tMax = Math.max(tMax, sr.t[sr.t.length - 1]); } });
  var vb = (svg.getAttribute("viewBox") || "0 0 0 0").split(/[\s,]+/).map(Number);
  var L = a + b * tMin, R = a + b * tMax;
  var top = Infinity, bottom = -Infinity;
  var xTicks = null, xLabels = null, xGrid = null, baseline = NaN, yAxisGroups = [], yAxisX = NaN;
  groups.forEach(function (g) {
    var label = g.getAttribute("aria-label") || "";
    if (label === "x-axis tick") xTicks = g;
    else if (label === "x-axis tick label") xLabels = g;
    else if (label === "x-grid") xGrid = g;
    if (label === "y-axis tick" || label === "y-axis tick label" || label === "y-grid") yAxisGroups.push(g);
    if (label === "y-axis tick") {
      var yp = g.querySelector("path"), ytr = yp && parseTranslate(yp.getAttribute("transform"));
      if (ytr) yAxisX = ytr[0] + offsetX(yp, svg);
    }
    if (label === "y-grid") {
      var ls = g.querySelectorAll("line");
      for (var li = 0; li < ls.length; li++) {
        var y1 = Number(ls[li].getAttribute("y1"));
        top = Math.min(top, y1); bottom = Math.max(bottom, y1);
      }
    }
  });
  if (xTicks) {
    var tp = xTicks.querySelector("path");
    var tr = tp && parseTranslate(tp.getAttribute("transform"));
    if (tr) baseline = tr[1];
  }
  if (!isNum(baseline)) baseline = vb[3] - 30;
  var T = Math.min(isFinite(top) ? top : 20, 20), B = baseline;
  var view = { t0: tMin, t1: tMax, lo: NaN, hi: NaN };
  function fx(x) { // full-range x -> zoomed x
    var tx = (x - a) / b;
    return L + (tx - view.t0) / (view.t1 - view.t0) * (R - L);
  }
  // full-range y pixel -> zoomed y pixel (identity until a zoom refits y to the visible points)
  function fy(py) {
    if (!yScale || !isNum(view.lo)) return py;
    var u = (py - yScale.c) / yScale.d, ulo = yScale.f(view.lo), uhi = yScale.f(view.hi);
    return B - (u - ulo) / (uhi - ulo) * (B - T);
  }
  function yOfValue(v) { return fy(yScale.c + yScale.d * yScale.f(v)); }
  // The y range of the points between t0 and t1 (bands included), padded 5%; NaN when none.
  function visibleRange(t0, t1) {
    var lo = Infinity, hi = -Infinity;
    series.forEach(function (sr) {
      for (var i = 0; i < sr.t.length; i++) {
        if (sr.t[i] < t0 || sr.t[i] > t1) continue;
        [sr.y[i], sr.lo ? sr.lo[i] : null, sr.hi ? sr.hi[i] : null].forEach(function (v) {
          if (isNum(v) && isNum(yScale.f(v))) { if (v < lo) lo = v; if (v > hi) hi = v; }
        });
      }
    });
    if (!isFinite(lo)) return [NaN, NaN];
    if (yScale.kind === "log") {
      var span = Math.log(hi / lo) || Math.log(1.1);
      return [lo * Math.exp(-0.05 * span), hi * Math.exp(0.05 * span)];
    }
    var pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
    return [lo - pad, hi + pad];
  }
  var originals = null, zoomAxis = null, clipId = "cryptolab-zoom-clip-" + (++clipCounter), clipEl = null;
  var markGroups = groups.filter(function (g) { return !isAxis(g) && !/label/.test(g.getAttribute("aria-label") || ""); });
  function remember() {
    originals = [];
    markGroups.forEach(function (g) {
      var nodes = g.querySelectorAll("*");
      for (var ni = 0; ni < nodes.length; ni++) {
        var nd = nodes[ni], off = offsetOf(nd, svg), rec = { node: nd, dx: off[0], dy: off[1], attrs: {} };
        ATTRS.forEach(function (k) { rec.attrs[k] = nd.getAttribute(k); });
        originals.push(rec);
      }
    });
  }
  function apply() {
    if (!originals) remember();
    var zoomed = view.t0 > tMin || view.t1 < tMax;
    originals.forEach(function (rec) {
      var nd = rec.node, at = rec.attrs, dx = rec.dx;
      var dy = rec.dy;
      var f = function (x) { return fx(x + dx) - dx; };
      var g = function (y) { return fy(y + dy) - dy; };
      ATTRS.forEach(function (k) { if (at[k] === null) nd.removeAttribute(k); else nd.setAttribute(k, at[k]); });
      if (!zoomed) return;
      var tr = parseTranslate(at.transform);
      if (tr) { nd.setAttribute("transform", "translate(" + f(tr[0]) + "," + g(tr[1]) + ")"); return; }
      if (at.d !== null && nd.tagName.toLowerCase() === "path") {
        var nd2 = mapPath(at.d, f, g);
        if (nd2 === null) nd.setAttribute("visibility", "hidden"); else nd.setAttribute("d", nd2);
      }
      if (at.x1 !== null) nd.setAttribute("x1", f(Number(at.x1)));
      if (at.x2 !== null) nd.setAttribute("x2", f(Number(at.x2)));
      if (at.cx !== null) nd.setAttribute("cx", f(Number(at.cx)));
      if (at.x !== null && at.width !== null) {
        var x0 = f(Number(at.x)), x1 = f(Number(at.x) + Number(at.width));
        nd.setAttribute("x", Math.min(x0, x1)); nd.setAttribute("width", Math.abs(x1 - x0));
      } else if (at.x !== null && nd.tagName.toLowerCase() === "text") nd.setAttribute("x", f(Number(at.x)));
      if (at.y1 !== null) nd.setAttribute("y1", g(Number(at.y1)));
      if (at.y2 !== null) nd.setAttribute("y2", g(Number(at.y2)));
      if (at.cy !== null) nd.setAttribute("cy", g(Number(at.cy)));
      if (at.y !== null && at.height !== null && isNum(Number(at.y))) {
        var y0 = g(Number(at.y)), y1 = g(Number(at.y) + Number(at.height));
        nd.setAttribute("y", Math.min(y0, y1)); nd.setAttribute("height", Math.abs(y1 - y0));
      }
    });
    if (zoomed && !clipEl) {
      var defs = el("defs", {}, null);
      clipEl = el("clipPath", { id: clipId }, defs);
      el("rect", { x: L, y: 0, width: R - L, height: vb[3] }, clipEl);
      svg.insertBefore(defs, svg.firstChild);
    }
    if (clipEl) { // vertically: the whole chart, or the frame when y was refitted
      var cr = clipEl.firstChild, refit = zoomed && isNum(view.lo);
      cr.setAttribute("y", refit ? T - 2 : 0);
      cr.setAttribute("height", refit ? B - T + 4 : vb[3]);
    }
    markGroups.forEach(function (g) {
      if (zoomed && !g.hasAttribute("clip-path")) { g.setAttribute("clip-path", "url(#" + clipId + ")"); g.setAttribute("data-cryptolab-clipped", "1"); }
      if (!zoomed && g.getAttribute("data-cryptolab-clipped") === "1") { g.removeAttribute("clip-path"); g.removeAttribute("data-cryptolab-clipped"); }
    });
    [xTicks, xLabels, xGrid].forEach(function (g) { if (g) g.setAttribute("visibility", zoomed ? "hidden" : "visible"); });
    var yRefit = zoomed && isNum(view.lo);
    yAxisGroups.forEach(function (g) { g.setAttribute("visibility", yRefit ? "hidden" : "visible"); });
    if (zoomAxis) { zoomAxis.parentNode.removeChild(zoomAxis); zoomAxis = null; }
    if (zoomed) {
      zoomAxis = el("g", { class: "cryptolab-zoom-axis", "aria-label": "x-axis (zoomed)" }, null);
      svg.insertBefore(zoomAxis, overlayHandle ? svg.lastChild : null);
      drawTimeAxis(zoomAxis, view.t0, view.t1, xOf, baseline, R - L);
      if (yRefit) drawYAxis(zoomAxis);
    }
  }
  function drawYAxis(parent) {
    var g = el("g", { class: "cryptolab-zoom-yaxis", "aria-label": "y-axis (zoomed)" }, parent);
    var ticks = yScale.kind === "log" ? logTicks(view.lo, view.hi) :
      niceTicks(view.lo, view.hi, Math.max(2, Math.floor((B - T) / 35)));
    var step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) * (percent ? 100 : 1) : 1;
    var decimals = yScale.kind === "log" ? undefined : Math.max(0, Math.min(12, -Math.floor(Math.log(step) / Math.LN10 + 1e-9)));
    var ax = isNum(yAxisX) ? yAxisX : L;
    ticks.forEach(function (v) {
      var y = yOfValue(v);
      if (!(y >= T - 0.5 && y <= B + 0.5)) return;
      el("line", { x1: L, x2: R, y1: y, y2: y, stroke: "currentColor", "stroke-opacity": 0.1 }, g);
      el("line", { x1: ax - 6, x2: ax, y1: y, y2: y, stroke: "currentColor" }, g);
      var text = el("text", { x: ax - 9, y: y, dy: "0.32em", "text-anchor": "end", fill: "currentColor", "font-variant": "tabular-nums" }, g);
      text.textContent = fmtNum(v, decimals, percent).replace("%", "");
    });
  }
  function xOf(t) { return L + (t - view.t0) / (view.t1 - view.t0) * (R - L); }
  var percent = false;
  groups.forEach(function (g) { if (g.getAttribute("aria-label") === "y-axis label" && /\(%\)/.test(g.textContent || "")) percent = true; });
  var host = {
    svg: svg,
    series: series,
    percent: percent,
    digits: undefined,
    frame: function () { return { L: L, R: R, T: T, B: B }; },
    xOf: xOf,
    tOf: function (x) { return view.t0 + (x - L) / (R - L) * (view.t1 - view.t0); },
    point: function (si, j) { var p = index[si] && index[si][j]; return p ? [fx(p[0]), fy(p[1])] : null; },
    zoom: function (t0, t1) {
      var r = yScale ? visibleRange(t0, t1) : [NaN, NaN];
      view = { t0: t0, t1: t1, lo: r[0], hi: r[1] };
      apply();
    },
    reset: function () { view = { t0: tMin, t1: tMax, lo: NaN, hi: NaN }; apply(); },
  };
  var overlayHandle = null;
  overlayHandle = attach(host);
  container.setAttribute("data-cryptolab-enhanced", "1");
  svg.setAttribute("data-cryptolab-interactive", "static");
  return true;
}
function enhance(root) {
  var list = (root || document).querySelectorAll("[data-cryptolab-chart]"), n = 0;
  for (var i = 0; i < list.length; i++) {
    try { if (enhanceStatic(list[i])) n++; } catch (e) { if (window.console) console.warn("cryptolab chart not interactive:", e); }
  }
  return n;
}

// ---- live line chart ----
function lineChart(element, options) {
  if (!element || typeof element.appendChild !== "function") throw new TypeError("cryptolabCharts.lineChart: element must be a DOM element");
  var opts = options || {}, view = null, svg = null, handle = null, host = null;
  var M = { left: 56, right: 14, top: 26, bottom: 34 };
  function render() {
    var series = normSeries(opts.series);
    var width = Math.max(200, element.clientWidth || 640), height = Number(opts.height) > 0 ? Number(opts.height) : 240;
    var tMin = Infinity, tMax = -Infinity;
    series.forEach(function (s) {
      for (var i = 0; i < s.t.length; i++) if (isNum(s.t[i])) { if (s.t[i] < tMin) tMin = s.t[i]; if (s.t[i] > tMax) tMax = s.t[i]; }
    });
    if (!isFinite(tMin)) { tMin = 0; tMax = 1; }
    if (tMax === tMin) { tMin -= 30000; tMax += 30000; }
    var t0 = view ? view[0] : tMin, t1 = view ? view[1] : tMax;
    var L = M.left, R = width - M.right, T = M.top, B = height - M.bottom;
    var xOf = function (t) { return L + (t - t0) / (t1 - t0) * (R - L); };
    var lo = Infinity, hi = -Infinity;
    var bands = toArray(opts.bands).filter(isNum);
    if (opts.yDomain && isNum(opts.yDomain[0]) && isNum(opts.yDomain[1])) { lo = opts.yDomain[0]; hi = opts.yDomain[1]; }
    else {
      series.forEach(function (s) {
        for (var i = 0; i < s.t.length; i++) {
          if (s.t[i] < t0 || s.t[i] > t1) continue;
          [s.y[i], s.lo ? s.lo[i] : null, s.hi ? s.hi[i] : null].forEach(function (v) { if (isNum(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } });
        }
      });
      bands.forEach(function (v) { if (v < lo) lo = v; if (v > hi) hi = v; });
      if (!isFinite(lo)) { lo = 0; hi = 1; }
      var padY = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
      lo -= padY; hi += padY;
    }
    var yOf = function (v) { return B - (v - lo) / (hi - lo) * (B - T); };
    var next = el("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height, "font-size": 10,
      "font-family": "system-ui, sans-serif", fill: "currentColor", "data-cryptolab-interactive": "live", role: "img" }, null);
    if (view) next.setAttribute("data-cryptolab-zoom", Math.round(view[0]) + "," + Math.round(view[1]));
    var yt = niceTicks(lo, hi, Math.max(2, Math.floor((B - T) / 40)));
    var yDecimals = yt.length > 1 ? Math.max(0, Math.min(12, -Math.floor(Math.log(yt[1] - yt[0]) / Math.LN10 + 1e-9))) : 2;
    var grid = el("g", { "aria-label": "y-axis", stroke: "currentColor" }, next);
    yt.forEach(function (v) {
      var y = yOf(v);
      if (y < T - 0.5 || y > B + 0.5) return;
      el("line", { x1: L, x2: R, y1: y, y2: y, "stroke-opacity": 0.1 }, grid);
      var tx = el("text", { x: L - 6, y: y, dy: "0.32em", "text-anchor": "end", stroke: "none", fill: "currentColor" }, grid);
      tx.textContent = fmtNum(v, yDecimals, false);
    });
    if (typeof opts.yLabel === "string" && opts.yLabel !== "") {
      var yl = el("text", { x: 4, y: 12, "text-anchor": "start" }, next);
      yl.textContent = "\u2191 " + opts.yLabel;
    }
    var axis = el("g", { "aria-label": "x-axis" }, next);
    el("line", { x1: L, x2: R, y1: B, y2: B, stroke: "currentColor", "stroke-opacity": 0.3 }, axis);
    drawTimeAxis(axis, t0, t1, xOf, B, R - L);
    var clipId = "cryptolab-live-clip-" + (++clipCounter);
    var defs = el("defs", {}, next);
    el("rect", { x: L, y: T, width: Math.max(0, R - L), height: Math.max(0, B - T) }, el("clipPath", { id: clipId }, defs));
    var marks = el("g", { "clip-path": "url(#" + clipId + ")" }, next);
    bands.forEach(function (v) {
      el("line", { x1: L, x2: R, y1: yOf(v), y2: yOf(v), stroke: v === 0 ? "#888" : "#c0392b", "stroke-dasharray": "4,3", "stroke-width": 1 }, marks);
    });
    var legendX = R;
    for (var si = series.length - 1; si >= 0 && series.length > 1; si--) {
      var lt = el("text", { x: legendX, y: 12, "text-anchor": "end", fill: series[si].color }, next);
      lt.textContent = "\u25cf " + series[si].name;
      legendX -= 12 + 6.2 * (series[si].name.length + 2);
    }
    series.forEach(function (s) {
      if (s.lo && s.hi) {
        var up = "", down = [];
        for (var i = 0; i < s.t.length; i++) {
          if (!isNum(s.lo[i]) || !isNum(s.hi[i])) continue;
          up += (up === "" ? "M" : "L") + xOf(s.t[i]).toFixed(2) + "," + yOf(s.hi[i]).toFixed(2);
          down.unshift("L" + xOf(s.t[i]).toFixed(2) + "," + yOf(s.lo[i]).toFixed(2));
        }
        if (up !== "") el("path", { d: up + down.join("") + "Z", fill: s.color, "fill-opacity": 0.15, stroke: "none" }, marks);
      }
      var d = "", pen = false;
      for (var j = 0; j < s.t.length; j++) {
        if (!isNum(s.y[j]) || !isNum(s.t[j])) { pen = false; continue; }
        d += (pen ? "L" : "M") + xOf(s.t[j]).toFixed(2) + "," + yOf(s.y[j]).toFixed(2);
        pen = true;
      }
      if (d !== "") el("path", { d: d, fill: "none", stroke: s.color, "stroke-width": 1.5, "stroke-linejoin": "round", "stroke-linecap": "round" }, marks);
    });
    host = {
      svg: next,
      series: series,
      percent: false,
      digits: isNum(opts.digits) ? opts.digits : undefined,
      frame: function () { return { L: L, R: R, T: T, B: B }; },
      xOf: xOf,
      tOf: function (x) { return t0 + (x - L) / (R - L) * (t1 - t0); },
      point: function (k, j) { var s = series[k]; return isNum(s.y[j]) ? [xOf(s.t[j]), yOf(s.y[j])] : null; },
      zoom: function (a, b) { view = [a, b]; render(); },
      reset: function () { view = null; render(); },
    };
    var old = svg, hoverX = handle ? handle.lastX() : null;
    svg = next;
    handle = attach(host);
    if (old && old.parentNode === element) element.replaceChild(next, old);
    else { while (element.firstChild) element.removeChild(element.firstChild); element.appendChild(next); }
    if (hoverX !== null) handle.show(hoverX);
  }
  function onResize() { render(); }
  window.addEventListener("resize", onResize);
  render();
  return {
    update: function (o) { opts = o || {}; render(); },
    resetZoom: function () { view = null; render(); },
    destroy: function () {
      window.removeEventListener("resize", onResize);
      if (svg && svg.parentNode === element) element.removeChild(svg);
      svg = null;
    },
  };
}

window.cryptolabCharts = { lineChart: lineChart, enhance: enhance, version: "1" };
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { enhance(document); });
else enhance(document);
})();`;
