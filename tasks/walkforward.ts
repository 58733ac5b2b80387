/**
 * `deno task walkforward --strategy NAME --grid K=V1,V2 [--grid ...] [--window rolling|expanding]
 * [--train-bars N] [--test-bars N | --folds N] [--label-horizon N] [--embargo N]
 * [strategy, cost, data and output flags of deno task backtest]`
 *
 * Walks a strategy forward on bars already in the store (`runWalkForward` of `lib/pipeline`):
 * each fold chooses a parameter set of the grid on its training window by net Sharpe and
 * freezes it for its test window; the report (folds with their choice, in-sample vs
 * out-of-sample Sharpe, stitched out-of-sample equity, the tear sheet of the stitched
 * backtest) is written to `<out>/<run-id>/`. Usage errors exit 2.
 *
 * @module
 */
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { openLedger } from "@lib/research/ledger.ts";
import { parseNullRuns, VERDICT_FLAGS, VERDICT_USAGE } from "./_null_flags.ts";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { parseCount, STRATEGY_FLAGS, STRATEGY_USAGE, strategyOptions } from "./_strategy_flags.ts";
import { ReportInputError } from "@lib/pipeline/report_run.ts";
import {
  type FoldSpec,
  MIN_TRAIN_BARS,
  runWalkForward,
  WALK_FORWARD_RUN_DEFAULTS,
} from "@lib/pipeline/walkforward_run.ts";
import {
  checkStrategyParam,
  checkStrategySpec,
  parseValue,
  type StrategyParam,
  StrategySpecError,
} from "@lib/pipeline/strategy_spec.ts";
import { CostSpecError } from "@lib/pipeline/cost_spec.ts";
import { paramGrid } from "@lib/backtest/walk_forward.ts";
import { writeReport } from "@lib/report/write.ts";

const D = WALK_FORWARD_RUN_DEFAULTS;
const USAGE = `Usage: deno task walkforward --strategy NAME --grid K=V1,V2 [options]

Walk a strategy forward on bars already in the store: on each fold, every parameter set of the
grid is scored by net Sharpe on the training window (purged, embargoed) and the best is frozen
for the test window; the out-of-sample results are stitched. Writes <out>/<run-id>/
(report.html, report.json, manifest.json) with each fold's choice, in-sample vs out-of-sample
Sharpe and the stitched out-of-sample equity.

Examples:
  deno task walkforward --strategy ma-crossover --assets BTCUSDT --grid fast=12,24,48 \\
    --grid slow=168,336 --folds 6
  deno task walkforward --strategy long-short --grid signal=momentum,reversal \\
    --grid lookback=24,72,168 --grid quantile=0.1,0.2

Walk-forward:
  --grid K=V1,V2   values to try for a strategy parameter, repeatable; every combination is a
                   candidate (also "grid": {"fast": [12, 24]} in --config). Any parameter of
                   --param can be a grid, and for long-short also signal (a family such as
                   momentum, reversal, low_vol, or a full name such as momentum_24) and
                   lookback (bars), which replace the family and lookback of --signal
  --window W       rolling or expanding training windows (default ${D.window})
  --train-bars N   training bars before the first test period, at least 2 (default a third
                   of the bars)
  --test-bars N    bars per test period (or --folds)
  --folds N        number of test periods (default ${D.folds})
  --label-horizon N
                   bars after a row its P&L depends on, for purging (default ${D.labelHorizon})
  --embargo N      training rows dropped after each test period (default ${D.embargo})

${STRATEGY_USAGE}
${VERDICT_USAGE}`;

function usage(message: string): UsageError {
  return new UsageError(`${message}\n\n${USAGE}`);
}

const FLAGS = {
  ...STRATEGY_FLAGS,
  grid: { type: "string", multiple: true },
  window: { type: "string" },
  "train-bars": { type: "string" },
  "test-bars": { type: "string" },
  folds: { type: "string" },
  "label-horizon": { type: "string" },
  embargo: { type: "string" },
  ...VERDICT_FLAGS,
} as const;

runMain(async (args) => {
  const { values } = parseFlags(args, FLAGS, USAGE);
  const t0 = performance.now();
  const out = values.out ?? "reports";
  const { run, config } = await strategyOptions(values, usage, ["grid", "folds"]);
  const grid: Record<string, StrategyParam[]> = {};
  const cg = config.grid;
  if (cg !== undefined) {
    if (cg === null || typeof cg !== "object" || Array.isArray(cg)) {
      throw usage(`--config: "grid" must be an object of lists, e.g. {"fast": [12, 24]}`);
    }
    for (const [k, v] of Object.entries(cg)) {
      if (!Array.isArray(v) || v.length === 0) {
        throw usage(`--config: grid.${k} must be a non-empty list`);
      }
      // JSON says the type: "12" is text, not the number 12 (a wrong type exits 2)
      grid[k] = v.map((x) => {
        if (typeof x !== "number" && typeof x !== "string" && typeof x !== "boolean") {
          throw usage(
            `--config: grid.${k} must list numbers, strings or booleans, got ${JSON.stringify(x)}`,
          );
        }
        try {
          checkStrategyParam(run.strategy.strategy, k, x);
        } catch (e) {
          if (e instanceof StrategySpecError) throw usage(`--config: grid.${k}: ${e.message}`);
          throw e;
        }
        return x;
      });
    }
  }
  for (const g of values.grid ?? []) {
    const eq = g.indexOf("=");
    const vs = eq > 0
      ? g.slice(eq + 1).split(",").map((s) => s.trim()).filter((s) => s !== "")
      : [];
    if (eq <= 0 || vs.length === 0) throw usage(`--grid must be key=v1,v2,..., got "${g}"`);
    grid[g.slice(0, eq).trim()] = vs.map(parseValue);
  }
  if (Object.keys(grid).length === 0) {
    throw usage("--grid is required: at least one parameter to choose, e.g. --grid fast=12,24,48");
  }
  const librarySignal = Object.keys(grid).filter((k) => k === "signal" || k === "lookback");
  if (run.signalValues !== undefined && librarySignal.length > 0) {
    throw usage(
      `--grid ${librarySignal.join(",")}: these choose a library signal, but with --signal-file ` +
        "the file's values are the signal; grid the book's parameters instead (e.g. --grid " +
        "quantile=0.1,0.2)",
    );
  }
  // a parameter is either fixed or chosen per fold: the grid replaces a fixed value (the
  // backtest's flags can be reused with a grid added), and says so
  const both = Object.keys(grid).filter((k) => run.strategy.params?.[k] !== undefined);
  if (both.length > 0) {
    console.error(
      `warning: ${both.map((k) => `${k}=${run.strategy.params![k]}`).join(", ")} (--param, a ` +
        `portfolio flag or "params" in --config) is replaced by --grid ${both.join(",")}: ` +
        "each fold chooses from the grid",
    );
  }
  // every value of the grid checked before any data is read: the error names the flag, the
  // parameter and what it accepts
  const strategy = run.strategy.strategy;
  for (const [k, vs] of Object.entries(grid)) {
    for (const v of vs) {
      try {
        checkStrategyParam(strategy, k, v);
      } catch (e) {
        if (e instanceof StrategySpecError) throw usage(`--grid ${k}: ${e.message}`);
        throw e;
      }
    }
    if (new Set(vs).size !== vs.length) throw usage(`--grid ${k} lists a value twice`);
  }
  // and every parameter set of the grid as a whole, by the library's own checks (fast >= 1,
  // fast below slow, ...), as the run would resolve it
  const gridKeys = Object.keys(grid);
  for (const g of paramGrid(grid)) {
    try {
      checkStrategySpec({ ...run.strategy, params: { ...run.strategy.params, ...g } });
    } catch (e) {
      if (!(e instanceof StrategySpecError)) throw e;
      const set = gridKeys.map((k) => `${k} ${g[k]}`).join(", ");
      throw usage(
        gridKeys.length === 1
          ? `--grid ${gridKeys[0]}: ${e.message}`
          : `--grid ${gridKeys.join(",")} (${set}): ${e.message}`,
      );
    }
  }
  const cf = (config.folds ?? {}) as Record<string, unknown>;
  if (typeof cf !== "object" || cf === null || Array.isArray(cf)) {
    throw usage(`--config: "folds" must be an object, e.g. {"trainBars": 720, "folds": 5}`);
  }
  const foldKeys = ["window", "trainBars", "testBars", "folds", "labelHorizon", "embargo"];
  for (const k of Object.keys(cf)) {
    if (!foldKeys.includes(k)) {
      throw usage(`--config: unknown folds key "${k}"; keys: ${foldKeys.join(", ")}`);
    }
  }
  const num = (flag: string, key: string, min: number) => {
    const v = (values as Record<string, unknown>)[flag] as string | undefined;
    if (v !== undefined) return parseCount(flag, v, min, usage);
    const c = cf[key];
    if (c === undefined) return undefined;
    if (typeof c !== "number" || !Number.isSafeInteger(c) || c < min) {
      throw usage(
        `--config: folds.${key} (--${flag}) must be an integer >= ${min}, got ${JSON.stringify(c)}`,
      );
    }
    return c;
  };
  if (cf.window !== undefined && typeof cf.window !== "string") {
    throw usage(`--config: folds.window must be "rolling" or "expanding"`);
  }
  const window = values.window ?? (cf.window as string | undefined);
  if (window !== undefined && window !== "rolling" && window !== "expanding") {
    throw usage(`--window must be rolling or expanding, got "${window}"`);
  }
  const testBars = num("test-bars", "testBars", 1), folds = num("folds", "folds", 1);
  if (testBars !== undefined && folds !== undefined) {
    throw usage("--test-bars and --folds exclude each other: give one");
  }
  const foldSpec: FoldSpec = {
    window: window as FoldSpec["window"],
    // one training bar gives no Sharpe ratio to choose by (it needs two returns)
    trainBars: num("train-bars", "trainBars", MIN_TRAIN_BARS),
    testBars,
    folds,
    labelHorizon: num("label-horizon", "labelHorizon", 0),
    embargo: num("embargo", "embargo", 0),
  };
  if (run.lag === 0) {
    console.error(
      "warning: --lag 0 fills orders at the close of the bar that decided them, which cannot " +
        "be done live; the report flags it",
    );
  }
  const nullRuns = parseNullRuns(values["null-runs"], usage);
  const store = openTaskStore(values.db, { readOnly: true, mustExist: true });
  // the bars are read through a read-only connection; the trials (each candidate's backtest
  // and the stitched out-of-sample returns, family walkforward:<strategy>) are appended
  // through a writing one
  const ledgerStore = values["no-ledger"] ? undefined : openStore(store.path, { mustExist: true });
  try {
    progressLine(`store ${store.path}`);
    const n = Object.values(grid).reduce((a, v) => a * v.length, 1);
    progressLine(`walking ${run.strategy.strategy} forward over ${n} parameter sets`);
    let r;
    try {
      r = runWalkForward(store.db, {
        ...run,
        grid,
        folds: foldSpec,
        nullRuns,
        ledger: ledgerStore === undefined ? undefined : openLedger(ledgerStore.db),
      });
    } catch (e) {
      if (e instanceof ReportInputError) {
        throw usage(e.flag === "universe" ? `--universe: ${e.message}` : e.message);
      }
      if (e instanceof StrategySpecError || e instanceof CostSpecError) throw usage(e.message);
      // a strategy parameter out of its range, found when the library computes the targets
      if (e instanceof RangeError && /^Cannot compute a /.test(e.message)) {
        const k = Object.keys(grid).find((g) => new RegExp(`\\b${g}\\b`).test(e.message));
        throw usage(`${k === undefined ? "--param" : `--grid ${k}`}: ${e.message}`);
      }
      if (e instanceof RangeError && /^Cannot make walk-forward splits/.test(e.message)) {
        throw usage(e.message);
      }
      throw e;
    }
    // what makes the figures meaningless is said here too, not only inside the report: the
    // headline's alerts first (an impossible IC, no book), as backtest prints them
    for (const a of [...r.tearSheet.alerts, ...r.warnings]) console.error(`warning: ${a}`);
    const dir = join(out, r.model.runId);
    progressLine(`writing ${dir}`);
    const written = writeReport(dir, r.model);
    progressDone();
    console.error(
      `done in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${r.result.folds.length} ` +
        `folds; out-of-sample Sharpe ${r.result.sharpe.toFixed(2)}; dataset ` +
        r.model.manifest.datasetFingerprint.slice(0, 12),
    );
    console.log(written.paths.html);
    console.log(written.paths.json);
    console.log(written.paths.manifest);
  } finally {
    ledgerStore?.close();
    store.close();
  }
});
