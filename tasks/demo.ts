/**
 * `deno task demo [--source auto|binance|sim] [--run-id ID] [--seed N] [--assets N] [--days N]
 * [--db PATH] [--out DIR]`
 *
 * The main job end to end. With `--source auto` (the default) it asks Binance for its clock and
 * waits at most 3 s: when Binance answers, the top pairs' hourly bars are backfilled into the
 * store and the report is built on them; otherwise it says why in one line on stderr and uses
 * the simulated market (1-minute bars, then 1h and 1d bars). Either way the report header says
 * which data it describes. Writes `<out>/<run-id>/report.json`, `report.html` and
 * `manifest.json`; paths go to stdout, progress to stderr.
 *
 * @module
 */
import { join } from "node:path";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { DEMO_DEFAULTS, type DemoResult, runDemo } from "@lib/pipeline/demo_run.ts";
import {
  type BinanceDemoResult,
  probeBinance,
  runBinanceDemo,
} from "@lib/pipeline/demo_binance.ts";
import { type ChainConfig, loadChainConfig } from "@lib/providers/chain_config.ts";
import { backfillProgressText } from "./_backfill_progress.ts";
import { isRunId } from "@lib/report/model.ts";
import { openLedger } from "@lib/research/ledger.ts";
import { writeReport } from "@lib/report/write.ts";

const USAGE = `Usage: deno task demo [options]

Fill the store with real Binance hourly bars of the top pairs when Binance answers within
3 s, else with a simulated market; build hourly and daily bars and write a report to
<out>/<run-id>/ (report.html, report.json, manifest.json).

Options:
  --source S    auto (default: Binance if it answers within 3 s, else simulated), binance
                (fail if Binance does not answer) or sim (never touch the network)
  --run-id ID   report folder name (default: demo-<hash of dataset fingerprint and parameters>)
  --seed N      seed of the simulated market (default ${DEMO_DEFAULTS.seed})
  --assets N    number of assets: the top USDT pairs by 24h quote volume with BTCUSDT and
                ETHUSDT, or simulated assets with BTCSIM and ETHSIM (default ${DEMO_DEFAULTS.assets})
  --days N      days of hourly bars from Binance, or of simulated 1-minute bars
                (default ${DEMO_DEFAULTS.days})
  --db PATH     store (default: $CRYPTOLAB_DB or data/cryptolab.db)
  --out DIR     folder for reports (default reports)
  --no-ledger   do not record the signals' IC series in the store's trial ledger (default:
                record them; the report then shows each signal's overfitting verdict)
  -h, --help    show this text`;

function int(name: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${v}"\n\n${USAGE}`);
  }
  return n;
}

const PROBE_TIMEOUT_MS = 3000;

runMain(async (args) => {
  const { values } = parseFlags(args, {
    source: { type: "string" },
    "run-id": { type: "string" },
    seed: { type: "string" },
    assets: { type: "string" },
    days: { type: "string" },
    out: { type: "string" },
    "no-ledger": { type: "boolean" },
  }, USAGE);
  const runId = values["run-id"];
  if (runId !== undefined && !isRunId(runId)) {
    throw new UsageError(
      `--run-id "${runId}" is not a valid folder name: use 1-128 of A-Z a-z 0-9 . _ - ` +
        `starting with a letter or digit\n\n${USAGE}`,
    );
  }
  const source = values.source ?? "auto";
  if (source !== "auto" && source !== "binance" && source !== "sim") {
    throw new UsageError(`--source must be auto, binance or sim, got "${source}"\n\n${USAGE}`);
  }
  const seed = int("seed", values.seed, DEMO_DEFAULTS.seed, 0);
  const assets = int("assets", values.assets, DEMO_DEFAULTS.assets, 2);
  const days = int("days", values.days, DEMO_DEFAULTS.days, 2);
  const out = values.out ?? "reports";
  const t0 = performance.now();

  // Decide the data before opening the store, so a refused --source binance writes nothing.
  let serverTime: number | undefined;
  let reason: string | undefined;
  if (source !== "sim") {
    const probe = await probeBinance({}, PROBE_TIMEOUT_MS);
    if (probe.ok) {
      serverTime = probe.serverTime;
      console.error(
        `demo: Binance answered in ${Math.round(probe.latencyMs)} ms: using real data ` +
          `(top ${assets} USDT pairs, ${days} days of 1h bars)`,
      );
    } else if (source === "binance") {
      throw new Error(`--source binance: Binance did not answer: ${probe.reason}`);
    } else {
      reason = `Binance did not answer within ${PROBE_TIMEOUT_MS / 1000} s: ${probe.reason}`;
      console.error(`demo: ${reason}; using the simulated market`);
    }
  }

  // The same providers config as `deno task backfill` (retry and breaker settings).
  let config: ChainConfig | undefined;
  if (serverTime !== undefined) {
    try {
      config = loadChainConfig(undefined).config;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }

  const store = openTaskStore(values.db);
  const ctrl = new AbortController();
  const stop = () => ctrl.abort();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, stop);
  try {
    // the signal validation's IC series go to the store's trial ledger unless --no-ledger
    const ledger = values["no-ledger"] ? undefined : openLedger(store.db);
    progressLine(`store ${store.path}`);
    let real: BinanceDemoResult | undefined;
    if (serverTime !== undefined) {
      const tb = Date.now();
      try {
        real = await runBinanceDemo(store.db, {
          serverTime,
          config,
          assets,
          days,
          runId,
          ledger,
          signal: ctrl.signal,
          onProgress: (line) => progressLine(line),
          onBackfill: (p) => progressLine(backfillProgressText(p, Date.now() - tb)),
          onRetry: (e) =>
            console.error(
              `\nretry ${e.attempt} in ${Math.round(e.delayMs)} ms: ${e.error.message}`,
            ),
        });
      } catch (e) {
        if (source === "binance" || ctrl.signal.aborted) throw e;
        reason = `Binance answered but the real-data demo failed: ${(e as Error).message}`;
        progressDone();
        console.error(`demo: ${reason}; using the simulated market`);
      }
    }
    let sim: DemoResult | undefined;
    if (real === undefined) {
      sim = runDemo(store.db, {
        seed,
        assets,
        days,
        runId,
        ledger,
        ...(reason === undefined ? {} : { reason }),
        onProgress: (line) => progressLine(line),
      });
    }
    const model = real?.model ?? sim!.model;
    const dir = join(out, model.runId);
    progressLine(`writing ${dir}`);
    const written = writeReport(dir, model);
    progressDone();
    const steps = Object.entries(real?.timings ?? sim!.timings)
      .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(", ");
    console.error(
      `done in ${((performance.now() - t0) / 1000).toFixed(1)} s (${steps}); ` +
        `data: ${model.dataNote}; dataset ${model.manifest.datasetFingerprint.slice(0, 12)}`,
    );
    console.log(written.paths.html);
    console.log(written.paths.json);
    console.log(written.paths.manifest);
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, stop);
    store.close();
  }
});
