/**
 * The HTML renderer: one self-contained file with inline CSS and inline SVG.
 *
 * The page makes no request of any kind: no external script, no stylesheet link, no image, no
 * font; a Content-Security-Policy of `default-src 'none'` tells the browser to refuse any that
 * might slip in. Its one script is the constant hover-and-zoom client of
 * lib/report/interactive (allowed by its sha256 in the policy, nothing else may run); time-series
 * figures carry the points they draw in a `data-cryptolab-chart` attribute for it. Every string
 * that came from data is escaped, and every figure's markup is checked against an allowlist
 * before it is inlined.
 *
 * @module
 */
import type { Block, DataTable, Manifest, ReportModel } from "./model.ts";
import { checkModel } from "./model.ts";
import { escapeHtml as esc } from "../core/escape_html.ts";
import { formatCell, formatTime } from "./format.ts";
import { assertInertMarkup } from "./plot_svg.ts";
import { chartDataAttribute } from "./interactive/chart_data.ts";
import { INTERACTIVE_CLIENT_CSP_HASH, INTERACTIVE_CLIENT_JS } from "./interactive/mod.ts";

/** Options for {@link renderHtml}. */
export interface RenderHtmlOptions {
  /**
   * SHA-256 of files written before this page (normally `report.json`), listed in the
   * manifest section. Default: the model's own `manifest.outputs`.
   */
  readonly outputs?: Readonly<Record<string, string>>;
  /**
   * Add hover values and drag-to-zoom to the time-series figures (one inline script, the same
   * bytes in every report). Default true; false gives a page without any script.
   */
  readonly interactive?: boolean;
}

const CSS = `
:root { color-scheme: light; --fg: #1d2126; --muted: #5b6570; --line: #d9dee3; --accent: #2f5d8a;
  --bg-soft: #f5f7f9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { margin: 0; padding: 1.5rem clamp(.75rem, 2.5vw, 2.5rem) 4rem; }
p, .caption, .note, .subtitle, details > summary { max-width: 88ch; }
header { border-bottom: 2px solid var(--fg); padding-bottom: 1rem; margin-bottom: 1.5rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .3rem; }
.subtitle { color: var(--muted); margin: 0 0 .8rem; font-size: 1.05rem; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0;
  font-size: .9rem; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
code, .hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em;
  overflow-wrap: anywhere; }
nav.toc { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px;
  padding: .75rem 1.25rem; margin-bottom: 2rem; }
nav.toc h2 { font-size: .95rem; margin: 0 0 .3rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
nav.toc ol { margin: 0; padding-left: 1.3rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
section.report-section { margin: 2.5rem 0; }
h2 { font-size: 1.4rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem;
  margin: 0 0 1rem; }
h3 { font-size: 1.08rem; margin: 1.6rem 0 .25rem; }
p { margin: .5rem 0 1rem; }
.caption { color: var(--muted); font-size: .92rem; margin: 0 0 .6rem; }
.note { border-left: 4px solid var(--accent); background: var(--bg-soft); padding: .5rem .9rem;
  margin: 1rem 0; font-size: .95rem; }
.note.warning { border-left-color: #c0392b; background: #fdf3f2; }
.table-wrap { overflow: auto; max-height: 75vh; margin: 0 0 1.25rem; border: 1px solid var(--line);
  width: fit-content; max-width: 100%;
  scrollbar-width: thin; scrollbar-color: #9aa6b2 #eef1f4; }
.table-wrap::-webkit-scrollbar { width: 10px; height: 10px; background: #eef1f4; }
.table-wrap::-webkit-scrollbar-thumb { background: #9aa6b2; border-radius: 5px; }
.scroll-hint { color: var(--muted); font-size: .85rem; margin: 0 0 .3rem; }
table { border-collapse: separate; border-spacing: 0; font-size: .88rem; }
th, td { padding: .3rem .9rem; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; white-space: nowrap; }
thead th { position: sticky; top: 0; z-index: 2; }
th:first-child, td:first-child { position: sticky; left: 0; z-index: 1; background: #fff;
  border-right: 1px solid var(--line); white-space: nowrap; }
thead th:first-child { z-index: 3; background: var(--bg-soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
.chart { margin: 0 0 1.5rem; }
.chart .plot { overflow-x: auto; }
.chart .plot svg { max-width: 100%; min-width: 640px; height: auto; }
.chart .plot figure > svg, .chart .plot figure > div svg { min-width: 0; }
.chart figure { margin: 0; }
details { margin: .4rem 0 0; font-size: .9rem; }
summary { cursor: pointer; color: var(--accent); }
.manifest td:first-child { white-space: nowrap; color: var(--muted); width: 12rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line);
  padding-top: .75rem; }
@media print { nav.toc { display: none; } .chart { break-inside: avoid; } }
`.trim();

/**
 * Render a report as one self-contained HTML page: header (title, run id, data note), table of
 * contents, the sections, and the manifest. Deterministic: the same model and options give the
 * same bytes.
 *
 * @example Data strings are escaped
 * ```ts
 * import { renderHtml } from "@lib/report/html.ts";
 * import { SCHEMA_VERSION } from "@lib/report/model.ts";
 * import assert from "node:assert/strict";
 * const html = renderHtml({
 *   schemaVersion: SCHEMA_VERSION, runId: "r1", title: "Demo", subtitle: "", dataNote: "sim",
 *   sections: [{ id: "s", title: "S", blocks: [{ type: "paragraph", text: "<script>x</script>" }] }],
 *   manifest: {
 *     datasetFingerprint: "0".repeat(64),
 *     dataset: { venue: "sim", freq: "1h", symbols: [], from: 0, to: 0, rows: 0 },
 *     git: { commit: "unknown", dirty: null }, deno: "2.9.6", denoLockSha256: null,
 *     params: {}, seed: null, outputs: {},
 *   },
 * });
 * assert.ok(html.includes("&lt;script&gt;x&lt;/script&gt;"));
 * assert.ok(!html.includes("<script>x"));
 * ```
 */
export function renderHtml(model: ReportModel, options: RenderHtmlOptions = {}): string {
  checkModel(model);
  const outputs = options.outputs ?? model.manifest.outputs;
  const interactive = options.interactive ?? true;
  const scriptSrc = interactive ? ` script-src ${INTERACTIVE_CLIENT_CSP_HASH};` : "";
  const out: string[] = [];
  out.push(
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none';${scriptSrc} style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(model.title)} · ${esc(model.runId)}</title>`,
    `<style>\n${CSS}\n</style>`,
    "</head>",
    "<body>",
    '<div class="page">',
    "<header>",
    `<h1>${esc(model.title)}</h1>`,
  );
  if (model.subtitle !== "") out.push(`<p class="subtitle">${esc(model.subtitle)}</p>`);
  out.push(
    '<dl class="meta">',
    `<dt>Run id</dt><dd><code>${esc(model.runId)}</code></dd>`,
    `<dt>Data</dt><dd>${esc(model.dataNote)}</dd>`,
    `<dt>Dataset</dt><dd>${esc(scopeText(model.manifest))}</dd>`,
    `<dt>Fingerprint</dt><dd><span class="hash">${
      esc(model.manifest.datasetFingerprint)
    }</span></dd>`,
    "</dl>",
    "</header>",
    '<nav class="toc" aria-label="Contents">',
    "<h2>Contents</h2>",
    "<ol>",
  );
  for (const s of model.sections) {
    out.push(`<li><a href="#${esc(s.id)}">${esc(s.title)}</a></li>`);
  }
  out.push('<li><a href="#manifest">Manifest</a></li>', "</ol>", "</nav>", "<main>");
  for (const s of model.sections) {
    out.push(`<section class="report-section" id="${esc(s.id)}">`, `<h2>${esc(s.title)}</h2>`);
    for (const b of s.blocks) out.push(blockHtml(b, interactive));
    out.push("</section>");
  }
  out.push(renderManifest(model, outputs), "</main>");
  out.push(
    "<footer>",
    `<p>Generated by cryptolab. Schema version ${
      esc(model.schemaVersion)
    }. The numbers in this page are also in <code>report.json</code>; ` +
      "<code>manifest.json</code> lists the SHA-256 of both files.</p>",
    "</footer>",
    "</div>",
    ...(interactive ? [`<script>${INTERACTIVE_CLIENT_JS}</script>`] : []),
    "</body>",
    "</html>",
    "",
  );
  return out.join("\n");
}

function scopeText(m: Manifest): string {
  const d = m.dataset;
  const span = d.rows > 0 ? `, ${formatTime(d.from)} to ${formatTime(d.to)}` : "";
  const rows = formatCell(d.rows, { key: "rows", label: "", format: "integer", digits: 0 });
  const assets = `${d.symbols.length} asset${d.symbols.length === 1 ? "" : "s"}`;
  return `${assets}, venue ${d.venue}, ${d.freq} bars, ${rows} rows${span}`;
}

/**
 * One block as an HTML fragment, the way {@link renderHtml} shows it (every data string escaped,
 * figure markup checked inert): for showing report sections outside a page, e.g. a tear sheet in
 * a notebook.
 *
 * @example A note
 * ```ts
 * import { renderBlock } from "@lib/report/html.ts";
 * import assert from "node:assert/strict";
 * assert.match(renderBlock({ type: "note", level: "info", text: "<b>" }), /&lt;b&gt;/);
 * ```
 */
export function renderBlock(b: Block): string {
  return blockHtml(b, false);
}

/** A block; with `interactive` a time-series figure carries its points for the client script. */
function blockHtml(b: Block, interactive: boolean): string {
  switch (b.type) {
    case "paragraph":
      return `<p>${esc(b.text)}</p>`;
    case "note":
      return `<div class="note ${b.level}" role="note">${esc(b.text)}</div>`;
    case "table":
      return [
        `<h3 id="${esc(b.id)}">${esc(b.title)}</h3>`,
        b.caption === "" ? "" : `<p class="caption">${esc(b.caption)}</p>`,
        renderTable(b),
      ].join("\n");
    case "figure":
      assertInertMarkup(b.svg, b.id);
      return [
        `<div class="chart" id="${esc(b.id)}">`,
        `<h3>${esc(b.title)}</h3>`,
        b.caption === "" ? "" : `<p class="caption">${esc(b.caption)}</p>`,
        `<div class="plot"${interactive ? chartDataAttribute(b.tidy) : ""}>${b.svg}</div>`,
        "<details>",
        "<summary>Data behind this figure</summary>",
        renderTable(b.data),
        "</details>",
        "</div>",
      ].join("\n");
  }
}

/** Tables wider than this many columns say they scroll sideways. */
const WIDE_TABLE_COLUMNS = 12;
/** Tables longer than this many rows say they scroll down (the frame is 75% of the window). */
const LONG_TABLE_ROWS = 25;

function renderTable(t: DataTable): string {
  const num = t.columns.map((c) => c.format !== "text");
  const head = t.columns.map((c, i) => `<th${num[i] ? ' class="num"' : ""}>${esc(c.label)}</th>`);
  const body = t.rows.map((r) =>
    "<tr>" +
    r.map((v, i) => {
      const c = t.columns[i]!;
      return `<td${num[i] ? ' class="num"' : ""}>${esc(formatCell(v, c))}</td>`;
    }).join("") +
    "</tr>"
  );
  const ways = [
    ...(t.columns.length > WIDE_TABLE_COLUMNS ? ["sideways"] : []),
    ...(t.rows.length > LONG_TABLE_ROWS ? ["down"] : []),
  ];
  const wide = ways.length === 0 ? "" : `<p class="scroll-hint">${t.columns.length} columns, ` +
    `${t.rows.length} rows: the table scrolls ${ways.join(" and ")}; its header and first ` +
    "column stay in place.</p>";
  return [
    wide,
    '<div class="table-wrap"><table>',
    `<thead><tr>${head.join("")}</tr></thead>`,
    `<tbody>\n${body.join("\n")}\n</tbody>`,
    "</table></div>",
  ].join("\n");
}

function renderManifest(model: ReportModel, outputs: Readonly<Record<string, string>>): string {
  const m = model.manifest;
  const rows: [string, string][] = [
    ["Dataset fingerprint", `<span class="hash">${esc(m.datasetFingerprint)}</span>`],
    [
      "Fingerprinted rows",
      `${esc(String(m.dataset.rows))} ${esc(m.dataset.freq)} bars of venue <code>${
        esc(m.dataset.venue)
      }</code>, ${esc(formatTime(m.dataset.from))} (inclusive) to ${
        esc(formatTime(m.dataset.to))
      } (exclusive)`,
    ],
    ["Symbols", m.dataset.symbols.map((s) => `<code>${esc(s)}</code>`).join(", ")],
    [
      "Git commit",
      `<span class="hash">${esc(m.git.commit)}</span>${
        m.git.dirty === true
          ? " (working tree had uncommitted changes)"
          : m.git.dirty === null
          ? " (state unknown)"
          : ""
      }`,
    ],
    ["Deno", esc(m.deno)],
    [
      "deno.lock SHA-256",
      m.denoLockSha256 === null ? "none" : `<span class="hash">${esc(m.denoLockSha256)}</span>`,
    ],
    ["Seed", m.seed === null ? "none" : esc(String(m.seed))],
  ];
  for (const k of Object.keys(m.params).sort()) {
    rows.push([`Parameter <code>${esc(k)}</code>`, esc(String(m.params[k]))]);
  }
  for (const k of Object.keys(outputs).sort()) {
    rows.push([
      `SHA-256 of <code>${esc(k)}</code>`,
      `<span class="hash">${esc(outputs[k]!)}</span>`,
    ]);
  }
  return [
    '<section class="report-section manifest" id="manifest">',
    "<h2>Manifest</h2>",
    "<p>Everything needed to reproduce this report and check its files. The same data, code, " +
    "parameters and run id give byte-identical files. A file cannot contain its own hash: " +
    "<code>manifest.json</code> next to this page lists the SHA-256 of this page and of " +
    "<code>report.json</code>.</p>",
    '<div class="table-wrap"><table>',
    "<tbody>",
    ...rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`),
    "</tbody>",
    "</table></div>",
    "</section>",
  ].join("\n");
}
