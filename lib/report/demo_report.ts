/**
 * The demo report: the full tear sheet of the demo's universe of hourly bars, with the demo's
 * title, data note and run id (`demo-<hash>`). The data comes in as a dataset; filling the
 * store is the pipeline's job (`lib/pipeline/`).
 *
 * @module
 */
import type { Dataset } from "../panel/dataset.ts";
import type { TrialLedger } from "../research/ledger.ts";
import type { GitInfo, ParamValue, ReportModel, Section } from "./model.ts";
import { portfolioSection } from "./sections/portfolio_section.ts";
import type { DataSectionOptions } from "./sections/data_section.ts";
import { buildTearSheet, tearSheetRunId } from "./tear_sheet.ts";
import { DEFAULT_BETA_WINDOW } from "./sections/correlation_section.ts";

/** How the demo report describes its dataset. */
export interface DemoReportParams {
  /** Benchmark for rolling beta (e.g. `BTCSIM`); must be a dataset symbol. */
  readonly benchmark: string;
  /** Rolling-beta (and factor-model) window in bars. Default `DEFAULT_BETA_WINDOW` (168). */
  readonly betaWindow?: number | undefined;
  /** Generator seed, or null when the data is not simulated. */
  readonly seed: number | null;
  /** Parameters to record in the manifest (flag values after defaults). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Where the data came from, shown under the title. */
  readonly dataNote: string;
  /** Extra content of the data section (daily-bar counts, how the hourly bars were made). */
  readonly data?: DataSectionOptions | undefined;
  /** Run id; default {@link defaultRunId} of the fingerprint and params. */
  readonly runId?: string | undefined;
  /** Folder with `deno.lock` and the git checkout. Default: the current directory. */
  readonly projectDir?: string | undefined;
  /** Override the git state (tests). Default: read with git. */
  readonly git?: GitInfo | undefined;
  /**
   * Record the signal validation's IC series and the portfolio section's three backtests in
   * this trial ledger (`openLedger` of lib/research; `deno task demo` opens one on its store). Not part of the parameters: the
   * report is the same with or without it. Default: not recorded.
   */
  readonly ledger?: TrialLedger | undefined;
}

/**
 * The default run id of a demo report: `demo-` and the first 12 hex digits of the SHA-256 of
 * the dataset fingerprint and the canonical JSON of the parameters.
 *
 * @example Same data and parameters, same id
 * ```ts
 * import { defaultRunId } from "@lib/report/demo_report.ts";
 * import assert from "node:assert/strict";
 * const id = defaultRunId("0".repeat(64), { seed: 42 });
 * assert.match(id, /^demo-[0-9a-f]{12}$/);
 * assert.equal(id, defaultRunId("0".repeat(64), { seed: 42 }));
 * assert.notEqual(id, defaultRunId("0".repeat(64), { seed: 43 }));
 * ```
 */
export function defaultRunId(fingerprint: string, params: Readonly<Record<string, ParamValue>>) {
  return tearSheetRunId("demo", fingerprint, params);
}

/**
 * Build the demo report of a dataset (`buildTearSheet` with the demo's title, benchmark and
 * window; the factor model uses the rolling-beta window). Throws when the benchmark is not a
 * dataset symbol.
 *
 * @example A tiny two-asset store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { loadDataset } from "@lib/panel/load_dataset.ts";
 * import { buildDemoReport } from "@lib/report/demo_report.ts";
 * import { ReportSchema } from "@lib/report/schema.ts";
 * import { renderJson } from "@lib/report/json.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000, n = 48;
 * for (const [k, symbol] of ["BTC", "ALT"].entries()) {
 *   const b = allocBars({ venue: "sim", symbol, freq: "1h" }, n);
 *   for (let i = 0; i < n; i++) {
 *     const p = 100 * Math.exp(0.01 * Math.sin(i * (k + 1)));
 *     b.ts[i] = i * h; b.open[i] = b.high[i] = b.low[i] = b.close[i] = p; b.volume[i] = 1;
 *   }
 *   writeBars(db, b, { source: "doc" });
 * }
 * const dataset = loadDataset(db, { venue: "sim", freq: "1h", symbols: ["BTC", "ALT"] });
 * const model = buildDemoReport(dataset, { benchmark: "BTC", betaWindow: 12, seed: null,
 *   params: {}, dataNote: "doc", git: { commit: "unknown", dirty: null } });
 * assert.equal(model.manifest.dataset.rows, 2 * n);
 * assert.ok(ReportSchema.safeParse(JSON.parse(renderJson(model))).success);
 * ```
 */
export function buildDemoReport(dataset: Dataset, p: DemoReportParams): ReportModel {
  if (!dataset.symbols.includes(p.benchmark)) {
    throw new RangeError(
      `Cannot build the demo report: benchmark "${p.benchmark}" is not in the universe ` +
        `(${dataset.symbols.join(", ")})`,
    );
  }
  const betaWindow = p.betaWindow ?? DEFAULT_BETA_WINDOW;
  const days = Math.round((dataset.to - dataset.from) / 86_400_000 * 10) / 10;
  const model = buildTearSheet(dataset, {
    title: "cryptolab demo report",
    subtitle: `${dataset.symbols.length} assets, ${dataset.freq} bars, ${days} days`,
    dataNote: p.dataNote,
    runIdPrefix: "demo",
    runId: p.runId,
    benchmark: p.benchmark,
    betaWindow,
    factorWindow: betaWindow,
    data: p.data,
    params: p.params,
    seed: p.seed,
    projectDir: p.projectDir,
    git: p.git,
    ledger: p.ledger,
  });
  // the portfolio and backtest section goes before the method
  const portfolio: Section = {
    id: "portfolio",
    title: "Portfolio and backtest",
    blocks: portfolioSection(dataset.panel, {
      ...(p.ledger === undefined ? {} : {
        record: { ledger: p.ledger, dataset: dataset.fingerprint.sha256, freq: dataset.freq },
      }),
    }).blocks,
  };
  const at = model.sections.findIndex((s) => s.id === "method");
  const sections = [...model.sections];
  sections.splice(at < 0 ? sections.length : at, 0, portfolio);
  return { ...model, sections };
}
