/**
 * The demo's data path, shared by `deno task demo` and the getting-started notebook so that
 * the two can never disagree about the `sim` data in a store: simulated 1-minute bars, 1h bars
 * materialized from them, 1d bars materialized from the 1h bars.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { simulateMarket } from "../sim/simulate_market.ts";
import { writeSimMarket } from "../sim/write.ts";
import { resolveSimOptions } from "../sim/options.ts";
import type { SimMarket } from "../sim/types.ts";
import { listSeries } from "../store/bars.ts";
import { materializeBars, type SeriesMaterialization } from "../materialize/run.ts";
import { DEFAULT_BETA_WINDOW } from "../report/sections/correlation_section.ts";

/** Default demo parameters; {@link fillDemoStore} uses `seed`, `assets` and `days`. */
export const DEMO_DEFAULTS = {
  seed: 42,
  assets: 20,
  days: 30,
  betaWindow: DEFAULT_BETA_WINDOW,
} as const;

/** What data the demo puts in the store; each option has its default in {@link DEMO_DEFAULTS}. */
export interface DemoStoreOptions {
  /** Seed of the simulated market. Default 42. */
  readonly seed?: number;
  /** Number of assets in all, including `BTCSIM` and `ETHSIM` (>= 2). Default 20. */
  readonly assets?: number;
  /** Days of 1-minute bars (>= 2). Default 30 (20 assets x 30 days = 864,000 bars). */
  readonly days?: number;
}

/** One step of {@link planDemoStore}: run the steps in order. */
export interface DemoStoreStep {
  /** What the step does, e.g. `building 1h bars of 20 assets from 1m bars`. */
  readonly label: string;
  /** Do it (synchronously; a notebook can await a progress update between steps). */
  readonly run: () => void;
}

/** What filling the store did. */
export interface DemoStoreFill {
  /** The universe, `BTCSIM` and `ETHSIM` first. */
  readonly symbols: readonly string[];
  /** First bar open time (UTC ms) and the end of the last day (exclusive). */
  readonly from: number;
  readonly to: number;
  /** 1-minute bars written (new) and already present. */
  readonly minuteBars: { readonly inserted: number; readonly unchanged: number };
  /** Milliseconds spent in each part. */
  readonly timings: Readonly<Record<"simulate" | "write" | "materialize", number>>;
}

/** The steps that fill a store with the demo's data, and their result once all have run. */
export interface DemoStorePlan {
  readonly seed: number;
  readonly assets: number;
  readonly days: number;
  readonly symbols: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly steps: readonly DemoStoreStep[];
  /** The outcome; throws if a step has not run yet. */
  result(): DemoStoreFill;
}

const DAY_MS = 86_400_000;
const FIX = "Use a fresh store: --db <fresh file> (or CRYPTOLAB_DB=<fresh file>).";

function checkInt(name: string, v: number, min: number, extra = ""): void {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(
      `Cannot fill the demo store: ${name} must be an integer >= ${min}${extra}, got ${v}`,
    );
  }
}

/**
 * Throw unless every stored `sim` bar of `freq` was built by the materializer in this run:
 * a bar kept from another source (values or flags differing), or a stored row the
 * materializer did not build (the series has more rows than it produced), means the store
 * holds `sim` bars of another origin (e.g. hourly bars written directly by an older
 * notebook), and the report would silently describe them.
 */
function checkMaterialized(
  db: DatabaseSync,
  freq: "1h" | "1d",
  built: readonly SeriesMaterialization[],
): void {
  const stored = new Map(listSeries(db, { venue: "sim", freq }).map((s) => [s.symbol, s.rows]));
  for (const m of built) {
    const foreign = m.keptVenueBars + m.keptVenueFlags;
    const extra = (stored.get(m.symbol) ?? 0) - m.bars;
    if (foreign > 0 || extra !== 0) {
      throw new Error(
        `Cannot run the demo on this store: its ${m.venue} ${m.to} bars of ${m.symbol} were ` +
          `not all built by the materializer from the store's own ${m.from} bars (${foreign} ` +
          `kept from another source, ${Math.max(0, extra)} not built from ${m.from}), e.g. ` +
          `hourly bars written directly by an older notebook. ${FIX}`,
      );
    }
  }
}

/** Refuse, before anything is written, sim 1h/1d bars of the universe with no 1m bars at all. */
function refuseOrphans(db: DatabaseSync, symbols: readonly string[]): void {
  const mine = new Set(symbols);
  const have = listSeries(db, { venue: "sim" }).filter((s) => mine.has(s.symbol));
  const minute = new Set(have.filter((s) => s.freq === "1m").map((s) => s.symbol));
  const orphan = have.find((s) => s.freq !== "1m" && !minute.has(s.symbol));
  if (orphan !== undefined) {
    throw new Error(
      `Cannot run the demo on this store: it holds sim ${orphan.freq} bars of ` +
        `${orphan.symbol} but no 1-minute bars they could have been built from (e.g. ` +
        `hourly bars written directly by an older notebook). ${FIX}`,
    );
  }
}

/**
 * Plan the demo's data path as four steps: simulate the market (1-minute bars), write it (one
 * transaction; a store holding another simulation is refused), build 1h bars from the 1m bars
 * and 1d bars from the 1h bars with the materializer. Nothing happens
 * until a step runs; {@link fillDemoStore} runs them all.
 *
 * Before writing, a store whose `sim` series of this universe have 1h or 1d bars but no 1m
 * bars is refused; after each materialization, a series with any bar the materializer did not
 * build from the store's own finer bars is refused. Either error names the fix,
 * `--db <fresh file>`.
 *
 * @example Run the steps one by one (a notebook updates a progress bar between them)
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { planDemoStore } from "@lib/pipeline/demo_fill.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const plan = planDemoStore(db, { assets: 3, days: 2 });
 * assert.equal(plan.steps.length, 4);
 * for (const step of plan.steps) step.run();
 * assert.ok(plan.result().minuteBars.inserted > 0);
 * ```
 */
export function planDemoStore(db: DatabaseSync, options: DemoStoreOptions = {}): DemoStorePlan {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const assets = options.assets ?? DEMO_DEFAULTS.assets;
  const days = options.days ?? DEMO_DEFAULTS.days;
  checkInt("assets", assets, 2, " (BTCSIM and ETHSIM are always included)");
  checkInt("days", days, 2);
  const simOptions = { seed, assets: assets - 2, freq: "1m" as const, bars: days * 1440 };
  const resolved = resolveSimOptions(simOptions);
  const symbols = resolved.symbols;
  const from = resolved.start;
  const timings = { simulate: 0, write: 0, materialize: 0 };
  let market: SimMarket | undefined;
  let minuteBars: DemoStoreFill["minuteBars"] | undefined;
  let built = 0;
  const timed = (part: keyof typeof timings, fn: () => void) => () => {
    const t0 = performance.now();
    fn();
    timings[part] += performance.now() - t0;
  };
  const steps: DemoStoreStep[] = [
    {
      label: `simulating ${symbols.length} assets x ${days} days of 1-minute bars (seed ${seed})`,
      run: timed("simulate", () => {
        refuseOrphans(db, symbols);
        market = simulateMarket(simOptions);
      }),
    },
    {
      label: `writing ${symbols.length} x ${
        days * 1440
      } 1-minute bars (fewer where gaps are planted)`,
      run: timed("write", () => {
        if (market === undefined) throw new Error("Cannot write: run the simulate step first");
        const w = writeSimMarket(db, market);
        minuteBars = { inserted: w.inserted, unchanged: w.unchanged };
        market = undefined; // free ~100 MB before materializing
      }),
    },
  ];
  // One materializer call per frequency: each call scans the venue's series to plan, so a
  // call per symbol would cost a scan of every sim bar per symbol.
  for (const [fromFreq, toFreq] of [["1m", "1h"], ["1h", "1d"]] as const) {
    steps.push({
      label: `building ${toFreq} bars of ${symbols.length} assets from ${fromFreq} bars`,
      run: timed("materialize", () => {
        const r = materializeBars(db, { toFreq, fromFreq, venue: "sim", symbols });
        checkMaterialized(db, toFreq, r.series);
        built++;
      }),
    });
  }
  return {
    seed,
    assets,
    days,
    symbols,
    from,
    to: from + days * DAY_MS,
    steps,
    result() {
      if (minuteBars === undefined || built < 2) {
        throw new Error("Cannot read the demo store result: run every step of the plan first");
      }
      return {
        symbols,
        from,
        to: from + days * DAY_MS,
        minuteBars,
        timings: { ...timings },
      };
    },
  };
}

/**
 * Fill `db` with the demo's data (see {@link planDemoStore}): simulated 1-minute bars of
 * venue `sim`, 1h bars built from them and 1d bars built from the 1h bars, gaps recorded.
 * A store that already holds the same simulation is left unchanged. Used by `runDemo` (the
 * `demo` task) and by `notebooks/01_getting_started.ipynb`.
 *
 * @example A small store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { listSeries } from "@lib/store/bars.ts";
 * import { fillDemoStore } from "@lib/pipeline/demo_fill.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const f = fillDemoStore(db, { assets: 3, days: 2 });
 * assert.deepEqual(f.symbols, ["BTCSIM", "ETHSIM", "SIMA"]);
 * assert.equal(listSeries(db, { venue: "sim", freq: "1d" }).length, 3);
 * assert.equal(fillDemoStore(db, { assets: 3, days: 2 }).minuteBars.inserted, 0);
 * ```
 */
export function fillDemoStore(
  db: DatabaseSync,
  options: DemoStoreOptions & { readonly onProgress?: (line: string) => void } = {},
): DemoStoreFill {
  const plan = planDemoStore(db, options);
  for (const step of plan.steps) {
    options.onProgress?.(step.label);
    step.run();
  }
  return plan.result();
}
