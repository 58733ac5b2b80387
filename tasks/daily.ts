/**
 * `deno task daily [--venue V] [--freq 1h] [--universe A,B|all] [--now ISO] [--run-id ID]
 * [--out DIR] [--db PATH] [tuning flags]`
 *
 * Writes the daily market-structure report of a universe at its last CLOSED bar
 * (lib/pipeline/daily_run.ts) to <out>/<run-id>/ (report.html, report.json, manifest.json).
 *
 * @module
 */
import { join } from "node:path";
import { isFreq } from "@lib/core/freq.ts";
import { DAILY_DEFAULTS, runDaily } from "@lib/pipeline/daily_run.ts";
import { CLOSED_BAR_RULE } from "@lib/pipeline/scan_run.ts";
import { ReportInputError } from "@lib/pipeline/report_run.ts";
import { isRunId } from "@lib/report/model.ts";
import { writeReport } from "@lib/report/write.ts";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";

const D = DAILY_DEFAULTS;
const USAGE = `Usage: deno task daily [options]

Write the daily market-structure report of a universe at its last CLOSED bar (${CLOSED_BAR_RULE}):
cross-sectional dispersion, average pairwise correlation, beta dispersion and the market-structure
class, the volatility regime, funding and basis, breadth (share above the moving average,
advancers and decliners) and top movers, to <out>/<run-id>/ (report.html, report.json,
manifest.json with the dataset fingerprint).

Options:
  --venue V          venue of the series (default: the only venue with --freq bars)
  --freq F           bar frequency: 1s 1m 5m 15m 1h 4h 1d (default 1h)
  --universe LIST    comma-separated symbols, or "all" (default: every series of the venue)
  --now ISO          the clock the closed-bar rule uses, UTC (default: now)
  --perp-venue V     venue of the funding rates and perp bars (default ${D.perpVenue})
  --spot-venue V     venue of the spot bars the basis compares the perp with (default: the
                     perp venue's spot venue, binance for binance_futures; else --venue)
  --window N         bars of the market-structure window (default ${D.window})
  --baseline N       bars the structure z-scores are taken against (default ${D.baseline})
  --min-assets N     assets with a full window the structure needs (default ${D.minAssets})
  --mover-window N   bars of the movers' and advancers' return (default ${D.moverWindow})
  --ma-window N      bars of the breadth moving average (default ${D.maWindow})
  --top N            movers listed at each end (default ${D.topMovers})
  --vol-asset NAME   asset of the volatility regime (default ${D.volAsset})
  --vol-window N     bars of its rolling volatility (default ${D.volWindow})
  --run-id ID        report folder name (default: daily-<hash of dataset and parameters>)
  --out DIR          folder for reports (default reports)
  --db PATH          store (default: $CRYPTOLAB_DB or data/cryptolab.db)
  -h, --help         show this text`;

function usage(message: string): UsageError {
  return new UsageError(`${message}\n\n${USAGE}`);
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
    venue: { type: "string" },
    freq: { type: "string" },
    universe: { type: "string" },
    now: { type: "string" },
    "perp-venue": { type: "string" },
    "spot-venue": { type: "string" },
    window: { type: "string" },
    baseline: { type: "string" },
    "min-assets": { type: "string" },
    "mover-window": { type: "string" },
    "ma-window": { type: "string" },
    top: { type: "string" },
    "vol-asset": { type: "string" },
    "vol-window": { type: "string" },
    "run-id": { type: "string" },
    out: { type: "string" },
  }, USAGE);
  const freq = values.freq ?? "1h";
  if (!isFreq(freq)) {
    throw usage(`--freq must be a bar frequency (1s 1m 5m 15m 1h 4h 1d), got "${freq}"`);
  }
  let universe: string[] | undefined;
  if (values.universe !== undefined && values.universe !== "all") {
    universe = values.universe.split(",").map((s) => s.trim()).filter((s) => s !== "");
    if (universe.length === 0) throw usage(`--universe must list at least one symbol`);
    if (new Set(universe).size !== universe.length) throw usage("--universe lists a symbol twice");
  }
  let now: number | undefined;
  if (values.now !== undefined) {
    const v = values.now;
    const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?)?$/.test(v);
    now = ok ? Date.parse(/Z$|^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v.replace(" ", "T")}Z`) : NaN;
    if (!Number.isFinite(now)) {
      throw usage(`--now must be an ISO date or time in UTC (2021-01-31T12:00), got "${v}"`);
    }
  }
  const runId = values["run-id"];
  if (runId !== undefined && !isRunId(runId)) {
    throw usage(
      `--run-id "${runId}" is not a valid folder name: use 1-128 of A-Z a-z 0-9 . _ - ` +
        `starting with a letter or digit`,
    );
  }
  const tuning = Object.fromEntries(
    Object.entries({
      window: int("window", values.window, 3),
      baseline: int("baseline", values.baseline, 10),
      minAssets: int("min-assets", values["min-assets"], 3),
      moverWindow: int("mover-window", values["mover-window"], 1),
      maWindow: int("ma-window", values["ma-window"], 1),
      topMovers: int("top", values.top, 1),
      volAsset: values["vol-asset"],
      volWindow: int("vol-window", values["vol-window"], 2),
    }).filter(([, v]) => v !== undefined),
  );
  const out = values.out ?? "reports";
  const store = openTaskStore(values.db, { readOnly: true, mustExist: true });
  try {
    progressLine(`store ${store.path}`);
    let run;
    try {
      run = runDaily(store.db, {
        freq,
        venue: values.venue,
        symbols: universe,
        now,
        perpVenue: values["perp-venue"],
        spotVenue: values["spot-venue"],
        runId,
        ...tuning,
      });
    } catch (e) {
      if (!(e instanceof ReportInputError)) throw e;
      const msg = e.message.replace(/\bminAssets\b/, "--min-assets");
      throw usage(e.flag === undefined ? msg : `--${e.flag}: ${msg}`);
    }
    const dir = join(out, run.model.runId);
    progressLine(`writing ${dir}`);
    const written = writeReport(dir, run.model);
    progressDone();
    console.error(
      `bar ${new Date(run.snapshot.barTime).toISOString()}; dataset ` +
        `${run.model.manifest.datasetFingerprint.slice(0, 12)}`,
    );
    console.log(written.paths.html);
    console.log(written.paths.json);
    console.log(written.paths.manifest);
  } finally {
    store.close();
  }
});
