/**
 * `deno task backtest --strategy NAME [--assets LIST] [--signal NAME | --signal-file PATH]
 * [--param K=V ...] [--config FILE] [--fees VENUE] [--liquidity L] [--spread S] [--impact]
 * [--venue V] [--freq F] [--universe LIST] [--from DATE] [--to DATE] [--lag N] [--run-id ID]
 * [--out DIR] [--db PATH]`
 *
 * Backtests a strategy on bars already in the store (`runBacktest` of `lib/pipeline`): its
 * targets are checked for lookahead on a sample of bars, run through the engine with costs and
 * the lag, its net returns are recorded as a trial of family `backtest:<strategy>` in the
 * store's trial ledger, and the report (data coverage, strategy and costs, strategy tear sheet,
 * the overfitting verdict against the family) is written
 * to `<out>/<run-id>/report.json`, `report.html` and `manifest.json`; paths go to stdout,
 * progress to stderr. Usage errors exit 2.
 *
 * @module
 */
import { parseNullRuns, VERDICT_FLAGS, VERDICT_USAGE } from "./_null_flags.ts";
import { join } from "node:path";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { STRATEGY_FLAGS, STRATEGY_USAGE, strategyOptions } from "./_strategy_flags.ts";
import { ReportInputError } from "@lib/pipeline/report_run.ts";
import { runBacktest } from "@lib/pipeline/backtest_run.ts";
import { StrategySpecError } from "@lib/pipeline/strategy_spec.ts";
import { CostSpecError } from "@lib/pipeline/cost_spec.ts";
import { writeReport } from "@lib/report/write.ts";
import { openStore } from "@lib/store/db.ts";
import { openLedger } from "@lib/research/ledger.ts";

const USAGE = `Usage: deno task backtest --strategy NAME [options]

Backtest a strategy on bars already in the store, with costs and an execution lag, check its
targets for lookahead on a sample of bars, and write the report (strategy tear sheet, trade
log summary, lookahead result, dataset fingerprint) to <out>/<run-id>/ (report.html,
report.json, manifest.json).

Examples:
  deno task backtest --strategy ma-crossover --assets BTCUSDT --param fast=24 --param slow=168
  deno task backtest --strategy long-short --signal momentum_24 --spread corwin-schultz --impact
  deno task backtest --strategy pairs --assets ETHUSDT,BTCUSDT --param entry=2.5

${STRATEGY_USAGE}
${VERDICT_USAGE}`;

function usage(message: string): UsageError {
  return new UsageError(`${message}\n\n${USAGE}`);
}

runMain(async (args) => {
  const { values } = parseFlags(args, { ...STRATEGY_FLAGS, ...VERDICT_FLAGS }, USAGE);
  const nullRuns = parseNullRuns(values["null-runs"], usage);
  const t0 = performance.now();
  const out = values.out ?? "reports";
  const { run } = await strategyOptions(values, usage);
  if (run.lag === 0) {
    console.error(
      "warning: --lag 0 fills orders at the close of the bar that decided them, which cannot " +
        "be done live; the report flags it",
    );
  }
  const store = openTaskStore(values.db, { readOnly: true, mustExist: true });
  // the bars are read through a read-only connection; the backtest's trial (family
  // backtest:<strategy>, lib/store/trials.ts) is appended through its own writing one
  const ledgerStore = values["no-ledger"] ? undefined : openStore(store.path, { mustExist: true });
  try {
    progressLine(`store ${store.path}`);
    progressLine(`backtesting ${run.strategy.strategy}`);
    let r;
    try {
      r = runBacktest(store.db, {
        ...run,
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
        throw usage(`--param: ${e.message}`);
      }
      throw e;
    }
    // what makes the figures meaningless is said here too, not only inside the report
    for (const a of r.alerts) console.error(`warning: ${a}`);
    const dir = join(out, r.model.runId);
    progressLine(`writing ${dir}`);
    const written = writeReport(dir, r.model);
    progressDone();
    const look = r.lookahead === null
      ? "lookahead not checked (signal file)"
      : r.lookahead.passed
      ? `lookahead check passed at ${r.lookahead.checkedBars} bars`
      : `LOOKAHEAD CHECK FAILED at ${r.lookahead.violatingBars.length} bars`;
    console.error(
      `done in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${r.tradeLog.summary.count} ` +
        `closed trades; ${look}; dataset ${r.model.manifest.datasetFingerprint.slice(0, 12)}`,
    );
    console.log(written.paths.html);
    console.log(written.paths.json);
    console.log(written.paths.manifest);
  } finally {
    ledgerStore?.close();
    store.close();
  }
});
