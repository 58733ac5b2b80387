/**
 * The demo end to end on the simulated market: fill the store, build hourly and daily bars,
 * and build the report model. The `demo` task is a thin shell around {@link runDemo}.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { simulateMarket } from "../sim/simulate_market.ts";
import { writeSimMarket } from "../sim/write.ts";
import { BTC_SYMBOL, resolveSimOptions } from "../sim/options.ts";
import { materializeBars } from "../materialize/run.ts";
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
}

/** Default {@link DemoOptions} values. */
export const DEMO_DEFAULTS = { seed: 42, assets: 20, days: 30, betaWindow: 168 } as const;

/** What {@link runDemo} did. */
export interface DemoResult {
  readonly model: ReportModel;
  /** Milliseconds spent in each step. */
  readonly timings: Readonly<Record<"simulate" | "write" | "materialize" | "report", number>>;
  /** 1-minute bars written (new) and already present. */
  readonly minuteBars: { readonly inserted: number; readonly unchanged: number };
}

const DAY_MS = 86_400_000;

/**
 * Fill `db` with the simulated market (venue `sim`, 1-minute bars; a store that already holds
 * the same simulation is left unchanged), build 1h bars from them and 1d bars from the 1h bars
 * (gaps recorded in `bar_gaps`), and build the demo report on the hourly bars.
 *
 * A store holding a different simulation (another seed, size or length) is refused with an
 * error that says to use a fresh `--db`: mixing two simulations in one series would corrupt it.
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
  const simOptions = { seed, assets: assets - 2, freq: "1m" as const, bars: days * 1440 };
  const resolved = resolveSimOptions(simOptions);
  const symbols = resolved.symbols;
  const t0 = performance.now();
  progress(`simulating ${symbols.length} assets x ${days} days of 1-minute bars (seed ${seed})`);
  const market = simulateMarket(simOptions);
  const t1 = performance.now();
  progress(`writing ${market.bars.reduce((s, b) => s + b.ts.length, 0)} 1-minute bars`);
  const written = writeSimMarket(db, market);
  const t2 = performance.now();
  progress("building 1h bars from 1m bars");
  materializeBars(db, { toFreq: "1h", fromFreq: "1m", venue: "sim", symbols });
  progress("building 1d bars from 1h bars");
  materializeBars(db, { toFreq: "1d", fromFreq: "1h", venue: "sim", symbols });
  const t3 = performance.now();
  progress("computing statistics and charts");
  const from = resolved.start;
  const model = buildDemoReport(db, {
    venue: "sim",
    symbols,
    benchmark: BTC_SYMBOL,
    from,
    to: from + days * DAY_MS,
    betaWindow,
    seed,
    params: { seed, assets, days, betaWindow },
    dataNote: `simulated market (offline), seed ${seed}`,
    runId: options.runId,
    ...(options.projectDir === undefined ? {} : { projectDir: options.projectDir }),
    ...(options.git === undefined ? {} : { git: options.git }),
  });
  const t4 = performance.now();
  return {
    model,
    timings: { simulate: t1 - t0, write: t2 - t1, materialize: t3 - t2, report: t4 - t3 },
    minuteBars: { inserted: written.inserted, unchanged: written.unchanged },
  };
}
