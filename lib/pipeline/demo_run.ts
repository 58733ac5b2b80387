/**
 * The demo end to end on the simulated market: fill the store, build hourly and daily bars,
 * and build the report model. The `demo` task is a thin shell around {@link runDemo}.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { BTC_SYMBOL } from "../sim/options.ts";
import { DEMO_DEFAULTS, fillDemoStore } from "./demo_fill.ts";
import type { GitInfo, ReportModel } from "./model.ts";
import { buildDemoReport } from "./demo_report.ts";

/** Parameters of the demo; each has the default stated. */
export interface DemoOptions {
  /** Seed of the simulated market. Default 42. */
  readonly seed?: number;
  /** Number of assets in all, including `BTCSIM` and `ETHSIM` (>= 2). Default 20. */
  readonly assets?: number;
  /** Days of 1-minute bars (>= 2). Default 30 (20 assets x 30 days = 864,000 bars). */
  readonly days?: number;
  /** Rolling-beta window in hours. Default 168 (7 days). */
  readonly betaWindow?: number;
  /** Run id; default derived from the dataset fingerprint and parameters. */
  readonly runId?: string | undefined;
  /** Folder with `deno.lock` and the git checkout. Default: the current directory. */
  readonly projectDir?: string;
  /** Override the git state (tests). */
  readonly git?: GitInfo;
  /** Called with a short line at each step (progress on stderr in the task). */
  readonly onProgress?: (line: string) => void;
  /**
   * Why the simulated market is used (e.g. `Binance did not answer within 3 s: ...`), shown in
   * the report header after the data description.
   */
  readonly reason?: string;
}

export { DEMO_DEFAULTS } from "./demo_fill.ts";

/** What {@link runDemo} did. */
export interface DemoResult {
  readonly model: ReportModel;
  /** Milliseconds spent in each step. */
  readonly timings: Readonly<Record<"simulate" | "write" | "materialize" | "report", number>>;
  /** 1-minute bars written (new) and already present. */
  readonly minuteBars: { readonly inserted: number; readonly unchanged: number };
}

/**
 * Fill `db` with {@link fillDemoStore} (simulated 1-minute bars of venue `sim`; a store that
 * already holds the same simulation is left unchanged; 1h bars built from them and 1d bars
 * from the 1h bars, gaps recorded in `bar_gaps`), and build the demo report on the hourly bars.
 *
 * A store holding a different simulation (another seed, size or length), or `sim` 1h/1d bars
 * the materializer did not build from the store's own 1-minute bars (e.g. written directly by
 * an older notebook), is refused with an error that says to use a fresh `--db`: the report
 * would otherwise describe data other than what it says.
 *
 * @example A small run
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { runDemo } from "@lib/report/demo_run.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const r = runDemo(db, { assets: 4, days: 3, git: { commit: "unknown", dirty: null } });
 * assert.equal(r.model.manifest.dataset.symbols.length, 4);
 * assert.equal(r.model.manifest.seed, 42);
 * assert.match(r.model.runId, /^demo-[0-9a-f]{12}$/);
 * ```
 */
export function runDemo(db: DatabaseSync, options: DemoOptions = {}): DemoResult {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const assets = options.assets ?? DEMO_DEFAULTS.assets;
  const days = options.days ?? DEMO_DEFAULTS.days;
  const betaWindow = options.betaWindow ?? DEMO_DEFAULTS.betaWindow;
  if (!Number.isInteger(assets) || assets < 2) {
    throw new RangeError(
      `Cannot run the demo: assets must be an integer >= 2 (BTCSIM and ETHSIM are always ` +
        `included), got ${assets}`,
    );
  }
  if (!Number.isInteger(days) || days < 2) {
    throw new RangeError(`Cannot run the demo: days must be an integer >= 2, got ${days}`);
  }
  if (!Number.isInteger(betaWindow) || betaWindow < 2) {
    throw new RangeError(
      `Cannot run the demo: betaWindow must be an integer >= 2 hours, got ${betaWindow}`,
    );
  }
  const progress = options.onProgress ?? (() => {});
  const fill = fillDemoStore(db, { seed, assets, days, onProgress: progress });
  const t3 = performance.now();
  progress("computing statistics and charts");
  const symbols = fill.symbols;
  const from = fill.from;
  const model = buildDemoReport(db, {
    venue: "sim",
    symbols,
    benchmark: BTC_SYMBOL,
    from,
    to: fill.to,
    betaWindow,
    seed,
    params: { seed, assets, days, betaWindow },
    dataNote: `simulated market, seed ${seed}` +
      (options.reason === undefined ? "" : ` (${options.reason})`),
    runId: options.runId,
    ...(options.projectDir === undefined ? {} : { projectDir: options.projectDir }),
    ...(options.git === undefined ? {} : { git: options.git }),
  });
  const t4 = performance.now();
  return {
    model,
    timings: { ...fill.timings, report: t4 - t3 },
    minuteBars: fill.minuteBars,
  };
}
