/**
 * `deno task events [--universe S1,S2|all] [--venue V] [--freq 1h] [--from DATE] [--to DATE]
 * [--holding 4,24] [--cooldown N] [--min-events N] [--replications N] [--factors BTC,ETH] [--perp-venue V]
 * [--other-venue V] [--regime-run ID] [--fees V|none] [--spread S] [--no-ledger]
 * [--run-id ID] [--out DIR] [--db PATH]`
 *
 * Runs the event workflow (`runEvents` of `lib/pipeline`) on bars already in the store and
 * writes `<out>/<run-id>/report.json`, `report.html`, `manifest.json` and one
 * `candidate-<k>.json` backtest config per runnable promoted hypothesis; paths go to stdout,
 * progress to stderr. Usage errors exit 2.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { type Freq, isFreq } from "@lib/core/freq.ts";
import { isRunId } from "@lib/report/model.ts";
import { writeReport } from "@lib/report/write.ts";
import { openStore } from "@lib/store/db.ts";
import { openLedger } from "@lib/research/ledger.ts";
import { EventsInputError, runEvents } from "@lib/pipeline/events_run.ts";
import { CostSpecError, SPREAD_SOURCES, type SpreadSource } from "@lib/pipeline/cost_spec.ts";
import { EVENT_HYPOTHESIS_DEFAULTS } from "@lib/backtest/events/event_hypotheses.ts";
import { EVENTS_WORKFLOW_DEFAULTS } from "@lib/backtest/events/events_workflow.ts";
import { EVENT_DEFINITIONS } from "@lib/research/events/event_definitions.ts";
import { parseDate } from "./_strategy_flags.ts";

const USAGE = `Usage: deno task events [options]

Event research on bars already in the store: flags the ${EVENT_DEFINITIONS.length} registry event
definitions (funding extremes, volatility squeeze then breakout, liquidation cascades,
open-interest shocks, jumps, gaps, cross-venue dislocations; those whose data the store lacks
are listed as unavailable), runs an event study per definition (market model on BTC and ETH
fitted on bars -240..-25 before each event, BMP, Kolari-Pynnonen and block-bootstrap tests),
tests every hypothesis (definition x regime condition x long/short/fade x holding period) after
the backtest's cost models with BH and BY across the whole family, records each in the trial
ledger, and writes a report to <out>/<run-id>/ (report.html, report.json, manifest.json) with
one candidate-<k>.json per promoted hypothesis that deno task backtest --config replays.

Options:
  --universe LIST  comma-separated symbols, or "all" (default: every series of the venue)
  --venue V        venue of the bars (default: the only venue with --freq bars)
  --freq F         bar frequency (default 1h)
  --from DATE      first bar, ISO date or time in UTC, inclusive (default: the first bar)
  --to DATE        end of the window, exclusive (default: after the last bar)
  --holding LIST   holding periods in bars (default ${
  EVENT_HYPOTHESIS_DEFAULTS.holdingPeriods.join(",")
})
  --cooldown N     bars after an asset's event in which its next flags are dropped (default ${EVENTS_WORKFLOW_DEFAULTS.cooldown})
  --min-events N   fewest trades for promotion (default ${EVENT_HYPOTHESIS_DEFAULTS.minEvents})
  --replications N bootstrap resamples (default ${EVENT_HYPOTHESIS_DEFAULTS.replications})
  --factors LIST   factors of the market model: BTC or BTC,ETH (default BTC,ETH)
  --perp-venue V   venue of funding, open interest and liquidations (default: --venue when it
                   has funding, else binance_futures)
  --other-venue V  a second venue with bars of the same symbols, for dislocations (default none)
  --regime-run ID  a stored regime run (deno task regimes) of this venue and frequency to
                   condition on, by its out-of-sample states only (default: the newest of the
                   venue and frequency with out-of-sample states in the window, if any)
  --fees V         fee schedule, or none (default: the venue's)
  --spread S       ${SPREAD_SOURCES.join(", ")} (default none)
  --no-ledger      do not record the hypotheses in the store's trial ledger
  --run-id ID      report folder name (default: events-<hash of dataset and parameters>)
  --out DIR        folder for reports (default reports)
  --db PATH        store (default: $CRYPTOLAB_DB or data/cryptolab.db)
  -h, --help       show this text`;

function usage(message: string): UsageError {
  return new UsageError(`${message}\n\n${USAGE}`);
}

function list(name: string, v: string): string[] {
  const items = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw usage(`--${name} must list at least one value, got "${v}"`);
  return items;
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw usage(`--${name} must be an integer >= ${min}, got "${v}"`);
  }
  return n;
}

runMain((args) => {
  const { values } = parseFlags(args, {
    universe: { type: "string" },
    venue: { type: "string" },
    freq: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    holding: { type: "string" },
    cooldown: { type: "string" },
    "min-events": { type: "string" },
    replications: { type: "string" },
    factors: { type: "string" },
    "perp-venue": { type: "string" },
    "other-venue": { type: "string" },
    "regime-run": { type: "string" },
    fees: { type: "string" },
    spread: { type: "string" },
    "no-ledger": { type: "boolean" },
    "run-id": { type: "string" },
    out: { type: "string" },
  }, USAGE);
  const freqText = values.freq ?? "1h";
  if (!isFreq(freqText)) {
    throw usage(`--freq must be a bar frequency such as 1h, got "${freqText}"`);
  }
  const freq: Freq = freqText;
  const from = values.from === undefined ? undefined : parseDate("from", values.from, usage);
  const to = values.to === undefined ? undefined : parseDate("to", values.to, usage);
  if (from !== undefined && to !== undefined && !(to > from)) {
    throw usage(`--to must be after --from, got ${values.from} .. ${values.to}`);
  }
  const holding = values.holding === undefined
    ? undefined
    : list("holding", values.holding).map((h) => int("holding", h, 1)!);
  if (holding !== undefined && new Set(holding).size !== holding.length) {
    throw usage("--holding lists a value twice");
  }
  const cooldown = int("cooldown", values.cooldown, 0);
  const minEvents = int("min-events", values["min-events"], 2);
  const replications = int("replications", values.replications, 1);
  const spread = values.spread;
  if (spread !== undefined && !(SPREAD_SOURCES as readonly string[]).includes(spread)) {
    throw usage(`--spread must be one of ${SPREAD_SOURCES.join(", ")}, got "${spread}"`);
  }
  const runId = values["run-id"];
  if (runId !== undefined && !isRunId(runId)) {
    throw usage(
      `--run-id "${runId}" is not a valid folder name: use 1-128 of A-Z a-z 0-9 . _ - ` +
        `starting with a letter or digit`,
    );
  }
  const universe = values.universe === undefined || values.universe === "all"
    ? undefined
    : list("universe", values.universe);
  if (universe !== undefined && new Set(universe).size !== universe.length) {
    throw usage("--universe lists a symbol twice");
  }
  const out = values.out ?? "reports";
  const t0 = performance.now();
  const store = openTaskStore(values.db, true);
  const ledgerStore = values["no-ledger"] ? undefined : openStore(store.path, { mustExist: true });
  try {
    const ledger = ledgerStore === undefined ? undefined : openLedger(ledgerStore.db);
    progressLine(`store ${store.path}`);
    progressLine(`event workflow: ${universe?.length ?? "all"} assets, ${freq} bars`);
    let run;
    try {
      run = runEvents(store.db, {
        freq,
        venue: values.venue,
        symbols: universe,
        from,
        to,
        factors: values.factors === undefined ? undefined : list("factors", values.factors),
        perpVenue: values["perp-venue"],
        otherVenue: values["other-venue"],
        regimeRun: values["regime-run"],
        costs: { fees: values.fees, spread: spread as SpreadSource | undefined },
        holdingPeriods: holding,
        cooldown,
        minEvents,
        replications,
        ledger,
        runId,
      });
    } catch (e) {
      if (e instanceof EventsInputError) {
        throw usage(e.flag === undefined ? e.message : `--${e.flag}: ${e.message}`);
      }
      if (e instanceof CostSpecError) throw usage(e.message);
      throw e;
    }
    const dir = join(out, run.model.runId);
    progressLine(`writing ${dir}`);
    const written = writeReport(dir, run.model);
    for (const c of run.configs) {
      writeFileSync(join(dir, c.file), JSON.stringify(c.config, null, 2) + "\n");
    }
    progressDone();
    const h = run.workflow.hypotheses;
    console.error(
      `done in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${h.family} hypotheses, ` +
        `${h.promoted.length} promoted, ${run.configs.length} backtest configs; dataset ` +
        `${run.model.manifest.datasetFingerprint.slice(0, 12)}`,
    );
    console.log(written.paths.html);
    console.log(written.paths.json);
    console.log(written.paths.manifest);
    for (const c of run.configs) console.log(join(dir, c.file));
  } finally {
    ledgerStore?.close();
    store.close();
  }
});
