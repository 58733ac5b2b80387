/**
 * The dashboard page: one self-contained HTML document (no external request: scripts and
 * styles are inline) under a strict Content-Security-Policy that allows exactly its two inline
 * scripts by their sha256 (the shared chart client of lib/report/interactive and
 * {@link DASHBOARD_JS}) and its one stylesheet by its sha256, and requests to this server only.
 *
 * Elements the browser tests look for (per pair `P` = `Y-X`, e.g. `BTCUSDT-ETHUSDT`):
 * `#pair-P` (the panel), `#z-P` (latest z-score text), `#beta-P`, `#corr-P`, `#p-P`,
 * `#fresh-P`, `#reg-P` (the window OLS: intercept, R², residual sd, slope standard error), charts `#c-prices-P`, `#c-spread-P`, `#c-z-P`, `#c-beta-P`, `#c-corr-P`,
 * `#c-p-P`; controls `#ctl-freq`, `#ctl-window`, `#ctl-z`, `#ctl-hedge`; `#conn` (live (SSE)
 * / polling / offline), `#alerts` (list), `#paper`, `#upload-form` (file input `name="file"`),
 * `#upload-result`, `#exports`, `#error`, `#venue-banner` (shown while the venue is disconnected), `#paper-table` (one row per pair and book),
 * `#paper-costs` (the fills' cost model), per pair `#c-paper-P` (rule book equity vs its backtest)
 * and `#paper-trades-P` (round trips of both books, newest first), paper order buttons `button[data-order="long"|"short"|"close"][data-pair="Y:X"]`.
 *
 * @module
 */
import { escapeHtml } from "@lib/core/escape_html.ts";
import type { Freq } from "@lib/core/freq.ts";
import {
  cspScriptHash,
  INTERACTIVE_CLIENT_CSP_HASH,
  INTERACTIVE_CLIENT_JS,
} from "@lib/report/interactive/mod.ts";
import { DASHBOARD_JS } from "./dashboard_js.ts";
import type { PairKey } from "./pair_closes.ts";

/** What the page is built from. */
export interface DashboardConfig {
  readonly pairs: readonly PairKey[];
  /** Venue id, named in the venue banner. */
  readonly venue?: string;
  readonly freq: Freq;
  readonly freqs: readonly Freq[];
  readonly window: number;
  readonly z: number;
  readonly hedge: "rolling-ols" | "kalman";
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{display:flex;flex-wrap:wrap;gap:1em;align-items:center;padding:.6em 1em;background:#1f3b57;color:#fff}
header h1{font-size:1.1em;margin:0}header label{font-size:.9em}
header input,header select{width:6em}
.conn{padding:.1em .5em;border-radius:3px;background:#777}.conn.live{background:#2e7d32}
.conn.polling{background:#b26a00}.conn.offline{background:#b00020}
main{padding:1em;display:grid;gap:1em}
section{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.8em}
section h2{font-size:1em;margin:0 0 .5em}
.stats{display:flex;flex-wrap:wrap;gap:1.5em;margin-bottom:.5em}
.stats div span{display:block;font-size:.8em;color:#666}
.big{font-size:1.6em;font-weight:600}.big.hot{color:#b00020}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:.5em}
.chart{min-height:240px}.note{font-size:.8em;color:#666}
#error{color:#b00020;white-space:pre-wrap}#upload-result{white-space:pre-wrap;font-family:monospace}
#exports a{margin-right:.8em}pre{font-size:.8em;max-height:20em;overflow:auto}
.alert{color:#7a0019}.banner{margin:0;padding:.6em 1em;background:#b00020;color:#fff;font-weight:600}table{border-collapse:collapse;font-size:.9em}
td,th{border-bottom:1px solid #eee;padding:.2em .6em;text-align:left}`;

/** The CSP of the page: nothing but this server and the page's own hashed inline code. */
export function dashboardCsp(): string {
  return [
    "default-src 'none'",
    `script-src ${INTERACTIVE_CLIENT_CSP_HASH} ${cspScriptHash(DASHBOARD_JS)}`,
    `style-src ${cspScriptHash(CSS)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** JSON inside a `<script type="application/json">`: `<` escaped so no `</script>` can end it. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(
    /\u2029/g,
    "\\u2029",
  );
}

/**
 * The page and its CSP header value.
 *
 * @example Every inline script is allowed by hash, nothing else
 * ```ts
 * import { dashboardHtml } from "@lib/pipeline/monitor/dashboard.ts";
 * import assert from "node:assert/strict";
 * const page = dashboardHtml({ pairs: [{ y: "BTCUSDT", x: "ETHUSDT" }], freq: "1m",
 *   freqs: ["1m", "5m"], window: 60, z: 2, hedge: "rolling-ols" });
 * assert.match(page.csp, /^default-src 'none'; script-src 'sha256-/);
 * assert.ok(!page.csp.includes("unsafe-inline"));
 * assert.ok(page.html.includes('id="pair-BTCUSDT-ETHUSDT"'));
 * assert.ok(!/src="http/.test(page.html));
 * ```
 */
export function dashboardHtml(c: DashboardConfig): { html: string; csp: string } {
  const symbols = [...new Set(c.pairs.flatMap((p) => [p.y, p.x]))];
  const config = {
    pairs: c.pairs.map((p) => `${p.y}:${p.x}`),
    ...(c.venue !== undefined ? { venue: c.venue } : {}),
    symbols,
    freq: c.freq,
    freqs: c.freqs,
    window: c.window,
    z: c.z,
    hedge: c.hedge,
  };
  const e = escapeHtml;
  const panels = c.pairs.map((p) => {
    const id = e(`${p.y}-${p.x}`), name = e(`${p.y}:${p.x}`);
    const stat = (label: string, key: string, big = false) =>
      `<div><span>${label}</span><b id="${key}-${id}"${big ? ' class="big"' : ""}>…</b></div>`;
    const box = (key: string) => `<div class="chart" id="c-${key}-${id}"></div>`;
    return `<section id="pair-${id}" data-pair="${name}">
<h2>${e(p.y)} vs ${e(p.x)} <small class="note" id="bars-${id}"></small></h2>
<div class="stats">${stat("z-score", "z", true)}${stat("hedge ratio", "beta")}${
      stat("correlation", "corr")
    }${stat("Engle-Granger p (window)", "p")}${stat("strategy position", "pos")}${
      stat("OLS of the window: intercept, R², residual sd, se(slope)", "reg")
    }
<div><span>freshness</span><b id="fresh-${id}">…</b></div></div>
<p class="note" id="pnote-${id}"></p>
<div class="grid">${["prices", "spread", "z", "beta", "corr", "p"].map(box).join("")}</div>
<p>Paper order: <button type="button" data-order="long" data-pair="${name}">long spread</button>
<button type="button" data-order="short" data-pair="${name}">short spread</button>
<button type="button" data-order="close" data-pair="${name}">close</button></p>
</section>`;
  }).join("\n");
  const opt = (v: string, sel: string) =>
    `<option value="${e(v)}"${v === sel ? " selected" : ""}>${e(v)}</option>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,">
<title>cryptolab monitor: ${e(config.pairs.join(", "))}</title>
<style>${CSS}</style>
<script type="application/json" id="monitor-config">${scriptJson(config)}</script>
</head><body>
<header><h1>cryptolab live monitor</h1>
<label>frequency <select id="ctl-freq">${
    c.freqs.map((f) => opt(f, c.freq)).join("")
  }</select></label>
<label>window <input id="ctl-window" type="number" min="20" max="5000" step="1" value="${c.window}"></label>
<label>threshold |z| <input id="ctl-z" type="number" min="0.1" max="20" step="0.1" value="${c.z}"></label>
<label>hedge <select id="ctl-hedge">${
    ["rolling-ols", "kalman"].map((h) => opt(h, c.hedge)).join("")
  }</select></label>
<span id="conn" class="conn">connecting</span></header>
<main>
<p class="note">The controls redraw the charts; alerts and the paper books run with the monitor's
own settings (${e(c.freq)} bars, window ${c.window}, |z| ${c.z}, ${e(c.hedge)}).</p>
<p id="venue-banner" class="banner" role="alert" hidden></p>
<p id="error" hidden></p>
${panels}
<section><h2>Alerts</h2><p class="note" id="last-alert"></p><ul id="alerts"></ul></section>
<section><h2>Paper trading</h2><div id="paper"></div><div class="chart" id="c-paper"></div></section>
<section><h2>Upload OHLC</h2>
<form id="upload-form" enctype="multipart/form-data">
<input type="file" name="file" multiple required>
<input name="venue" placeholder="venue (optional)"> <input name="symbol" placeholder="symbol (optional)">
<input name="freq" placeholder="freq (optional)"> <button type="submit">import</button></form>
<p class="note">Files as <code>deno task import</code> takes them, through the same parser, row rules and quarantine.</p>
<div id="upload-result"></div></section>
<section><h2>Export</h2><div id="exports"></div></section>
</main>
<script>${INTERACTIVE_CLIENT_JS}</script>
<script>${DASHBOARD_JS}</script>
</body></html>
`;
  return { html, csp: dashboardCsp() };
}
