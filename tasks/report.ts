/**
 * `deno task report [--signals A,B] [--universe S1,S2|all] [--venue V] [--freq 1h]
 * [--from DATE] [--to DATE] [--horizons 1,4,24] [--pairs-top N] [--signal-file PATH [--family NAME]] [--run-id ID] [--out DIR]
 * [--null-runs N] [--no-ledger] [--db PATH]`
 *
 * Builds the research report (data coverage, returns and risk, correlation and beta, factor
 * decomposition, signal validation, pairs screen) on bars already in the store (`runReport`
 * of `lib/pipeline`) and writes `<out>/<run-id>/report.json`,
 * `report.html` and `manifest.json`; paths go to stdout, progress to stderr. Usage errors
 * exit 2.
 *
 * @module
 */
import { basename, join } from "node:path";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { type Freq, isFreq } from "@lib/core/freq.ts";
import { parseSignalName, SIGNAL_FAMILIES } from "@lib/research/signals/mod.ts";
import {
  DEFAULT_REPORT_SIGNALS,
  DEFAULT_SIGNAL_HORIZONS,
} from "@lib/report/sections/signal_section.ts";
import { DEFAULT_PAIRS_TOP } from "@lib/report/sections/pairs_section.ts";
import { ReportInputError, runReport } from "@lib/pipeline/report_run.ts";
import { readSignalFile, type SignalFile } from "@lib/pipeline/signal_file.ts";
import { isRunId } from "@lib/report/model.ts";
import { writeReport } from "@lib/report/write.ts";
import { openStore } from "@lib/store/db.ts";
import { openLedger } from "@lib/research/ledger.ts";
import { REPORT_NULL_DEFAULTS } from "@lib/pipeline/null_position.ts";

const USAGE = `Usage: deno task report [options]

Build a research report (data coverage, returns, volatility, Sharpe and drawdown, correlation
and beta, BTC/ETH factor decomposition, signal validation, pairs screen with FDR-adjusted
p-values) on bars already in the store, and write it to <out>/<run-id>/ (report.html,
report.json, manifest.json).

Options:
  --signals LIST   comma-separated signal names <family>_<lookback bars>, e.g.
                   momentum_24,reversal_1; families: ${SIGNAL_FAMILIES.join(", ")}
                   (default ${DEFAULT_REPORT_SIGNALS.join(",")})
  --universe LIST  comma-separated symbols, e.g. BTCUSDT,ETHUSDT,SOLUSDT, or "all" (default:
                   every series of the venue at --freq)
  --venue V        venue of the series (default: the only venue with --freq bars in the store)
  --freq F         bar frequency (default 1h)
  --from DATE      first bar, ISO date or time in UTC, inclusive (default: the first bar)
  --to DATE        end of the window, ISO date or time in UTC, exclusive (default: after the
                   last bar)
  --horizons LIST  forward-return horizons in bars (default ${DEFAULT_SIGNAL_HORIZONS.join(",")})
  --pairs-top N    pairs listed in the pairs table (default ${DEFAULT_PAIRS_TOP})
  --signal-file PATH
                   instead of the research report, the signal tear sheet of your own signal:
                   a CSV or Parquet file of (ts, asset, value) rows, ts = the bar's open time
                   (ISO 8601 UTC or epoch ms); IC, decay, quantile returns, turnover and the
                   long-short quantile portfolio backtested with Binance taker fees, lag 1
  --family NAME    ledger family a --signal-file's trials are recorded in and counted with
                   (default signal-file:<venue>-<freq>: every signal file tried on these bars)
  --null-runs N    placebo runs per placebo kind of the null suite in each overfitting verdict
                   (seeded; 0 runs none; default ${REPORT_NULL_DEFAULTS.runs}, fewer on a large
                   panel, at least ${REPORT_NULL_DEFAULTS.minRuns})
  --no-ledger      do not record the signals' IC series (and a signal file's long-short
                   returns) in the store's trial ledger (default: record them)
  --run-id ID      report folder name (default: report-<hash of dataset and parameters>)
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

function date(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?)?$/.test(v);
  const ms = ok ? Date.parse(/Z$|^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v}Z`) : NaN;
  if (!Number.isFinite(ms)) {
    throw usage(
      `--${name} must be an ISO date or time in UTC (2021-01-31, 2021-01-31T12:00), ` +
        `got "${v}"`,
    );
  }
  return ms;
}

function posInt(name: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) {
    throw usage(`--${name} must be an integer >= 1, got "${v}"`);
  }
  return n;
}

function nonNegInt(name: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw usage(`--${name} must be an integer >= 0, got "${v}"`);
  }
  return n;
}

runMain(async (args) => {
  const { values } = parseFlags(args, {
    signals: { type: "string" },
    universe: { type: "string" },
    venue: { type: "string" },
    freq: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    horizons: { type: "string" },
    "pairs-top": { type: "string" },
    "signal-file": { type: "string" },
    family: { type: "string" },
    "null-runs": { type: "string", nonNegative: true },
    "no-ledger": { type: "boolean" },
    "run-id": { type: "string" },
    out: { type: "string" },
  }, USAGE);
  const signals = values.signals === undefined
    ? [...DEFAULT_REPORT_SIGNALS]
    : list("signals", values.signals);
  for (const s of signals) {
    try {
      parseSignalName(s);
    } catch (e) {
      throw usage(`--signals: ${(e as Error).message.replace(/^Cannot parse signal name /, "")}`);
    }
  }
  if (new Set(signals).size !== signals.length) throw usage("--signals lists a signal twice");
  const freqText = values.freq ?? "1h";
  if (!isFreq(freqText)) {
    throw usage(`--freq must be a bar frequency such as 1h, got "${freqText}"`);
  }
  const freq: Freq = freqText;
  const from = date("from", values.from);
  const to = date("to", values.to);
  if (from !== undefined && to !== undefined && !(to > from)) {
    throw usage(`--to must be after --from, got ${values.from} .. ${values.to}`);
  }
  const horizons = values.horizons === undefined
    ? [...DEFAULT_SIGNAL_HORIZONS]
    : list("horizons", values.horizons).map((h) => posInt("horizons", h));
  if (new Set(horizons).size !== horizons.length) throw usage("--horizons lists a value twice");
  const pairsTop = values["pairs-top"] === undefined
    ? DEFAULT_PAIRS_TOP
    : posInt("pairs-top", values["pairs-top"]);
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
  const nullRuns = values["null-runs"] === undefined
    ? undefined
    : nonNegInt("null-runs", values["null-runs"]);
  const out = values.out ?? "reports";
  const t0 = performance.now();
  const signalPath = values["signal-file"];
  if (signalPath !== undefined && values.signals !== undefined) {
    throw usage("--signals and --signal-file exclude each other: a report is on one or the other");
  }
  if (values.family !== undefined) {
    if (signalPath === undefined) {
      throw usage("--family names the ledger family of a --signal-file; give --signal-file too");
    }
    if (!/^[^#\p{Cc}]{1,200}$/u.test(values.family)) {
      throw usage(
        `--family must be 1 to 200 characters without "#" (it separates a family's ` +
          `generation) or control characters, got ${JSON.stringify(values.family)}`,
      );
    }
  }
  let signalFile: SignalFile | undefined;
  if (signalPath !== undefined) {
    progressLine(`reading ${signalPath}`);
    try {
      signalFile = await readSignalFile(signalPath);
    } catch (e) {
      throw usage(`--signal-file: ${(e as Error).message}`);
    }
  }

  const store = openTaskStore(values.db, true);
  // the data is read through a read-only connection; the trial ledger (every signal's IC
  // series, lib/store/trials.ts) is appended through its own writing one
  const ledgerStore = values["no-ledger"] ? undefined : openStore(store.path, { mustExist: true });
  try {
    const ledger = ledgerStore === undefined ? undefined : openLedger(ledgerStore.db);
    progressLine(`store ${store.path}`);
    progressLine(
      `building the report: ${universe?.length ?? "all"} assets, ` +
        (signalFile === undefined
          ? `${signals.length} signals`
          : `the signal of ${basename(signalFile.path)}`) +
        `, horizons ${horizons.join(",")}`,
    );
    let run;
    try {
      run = runReport(store.db, {
        venue: values.venue,
        freq,
        symbols: universe,
        from,
        to,
        signals,
        horizons,
        pairsTop,
        runId,
        ledger,
        nullRuns,
        signal: signalFile === undefined ? undefined : {
          input: signalFile.signal,
          source: { path: signalFile.path, sha256: signalFile.sha256 },
          options: {
            ledger,
            trial: {
              // default: signal-file:<venue>-<freq> (signalFileFamily of lib/pipeline)
              family: values.family,
              params: { sha256: signalFile.sha256, file: basename(signalFile.path) },
            },
          },
        },
      });
    } catch (e) {
      if (!(e instanceof ReportInputError)) throw e;
      throw usage(
        e.flag === "universe" || e.flag === "signal-file" ? `--${e.flag}: ${e.message}` : e.message,
      );
    }
    const { model } = run;
    // what makes the figures meaningless is said here too, not only inside the report
    for (const w of run.warnings) console.error(`warning: ${w}`);
    const dir = join(out, model.runId);
    progressLine(`writing ${dir}`);
    const written = writeReport(dir, model);
    progressDone();
    console.error(
      `done in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
        `dataset ${model.manifest.datasetFingerprint.slice(0, 12)}`,
    );
    console.log(written.paths.html);
    console.log(written.paths.json);
    console.log(written.paths.manifest);
  } finally {
    ledgerStore?.close();
    store.close();
  }
});
