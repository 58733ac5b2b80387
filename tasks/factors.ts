/**
 * `deno task factors --venue V --freq F [--window N] [--min-obs N] [--factors BTC,ETH] [--db PATH]`
 *
 * Fits the rolling BTC/ETH factor model to every series of a venue and frequency and stores
 * the run (lib/research/factor_run.ts): progress on stderr, a per-asset summary table on
 * stdout. The run id comes from the dataset fingerprint and the parameters, so a second run on
 * the same data writes nothing and says the run exists (then prints the stored run's table).
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { materializeFactors } from "@lib/research/factor_run.ts";
import { readFactorRun } from "@lib/store/factors.ts";
import type { DatabaseSync } from "node:sqlite";
import { listSeries } from "@lib/store/bars.ts";
import { resolveFactorAsset } from "@lib/research/factor_assets.ts";
import { forTerminal } from "@lib/core/for_terminal.ts";
import { type FactorFitSummary, summarizeFactorFits } from "@lib/research/factor_summary.ts";
import { type Freq, parseFreq, PERIODS_PER_YEAR } from "@lib/core/freq.ts";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { knownList } from "./_known.ts";

const USAGE =
  `usage: deno task factors --venue V --freq F [--window N] [--min-obs N] [--factors BTC,ETH] [--db PATH]

Fits, per asset of the venue, rolling OLS betas of its log returns on BTC's and ETH's (BTC
only where ETH is missing), with alpha, R² and causal out-of-sample residual returns, and
stores them as one run in factor_runs, factor_betas and residual_returns. The run id is the
SHA-256 of the dataset fingerprint, the parameters and the model version: running it again on
the same data and parameters writes nothing.

  --venue V        the universe: every --freq series of this venue (required)
  --freq F         bar frequency: 1s 1m 5m 15m 1h 4h 1d (required)
  --window N       bars per rolling window (default 720)
  --min-obs N      complete rows a window needs for a fit (default window / 2, rounded up, at least 3)
  --factors A,B    the factors, BTC first: base names (BTC -> BTCUSDT, BTC/USDT, ...) or
                   exact symbols (default BTC,ETH)
  --db PATH        store file (default: $CRYPTOLAB_DB or data/cryptolab.db)`;

function usage(message: string): UsageError {
  return new UsageError(`${message}\n\n${USAGE}`);
}

function positiveInt(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw usage(`--${flag} must be a positive integer, got "${s}"`);
  return Number(s);
}

/**
 * The checked-out commit read from `.git` (no git binary, so no --allow-run), with `?` when
 * it cannot be read; null outside a checkout. Whether the tree is dirty is not known here.
 */
function gitHead(dir: string): string | null {
  try {
    let git = join(dir, ".git");
    if (!existsSync(git)) return null;
    if (statSync(git).isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(git, "utf8"));
      if (m === null) return null;
      git = resolve(dir, m[1]!.trim());
    }
    const head = readFileSync(join(git, "HEAD"), "utf8").trim();
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (ref === undefined) return /^[0-9a-f]{40,64}$/.test(head) ? head : null;
    const loose = join(git, ref);
    if (existsSync(loose)) return readFileSync(loose, "utf8").trim();
    const packed = join(git, "packed-refs");
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, "utf8").split("\n")) {
        const [sha, name] = line.trim().split(" ");
        if (name === ref && sha !== undefined) return sha;
      }
    }
    return null;
  } catch {
    return null; // no read permission or an odd layout: the version is unknown
  }
}

function fmt(x: number, digits: number, width: number): string {
  return (Number.isFinite(x) ? x.toFixed(digits) : "-").padStart(width);
}

function printTable(all: readonly FactorFitSummary[], freq: Freq): void {
  // Assets without a single fit have no stored rows; leave them out of both the fresh and the
  // stored run's table so the two print the same.
  const rows = all.filter((r) => r.bars > 0);
  const ann = Math.sqrt(PERIODS_PER_YEAR[freq]);
  const w = Math.max(5, ...rows.map((r) => r.asset.length));
  console.log(
    `${"asset".padEnd(w)} ${"bars".padStart(6)} ${"btcOnly".padStart(7)} ${"betaBtc".padStart(8)} ${
      "betaEth".padStart(8)
    } ${"R2".padStart(6)} ${"residVol".padStart(9)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.asset.padEnd(w)} ${String(r.bars).padStart(6)} ${String(r.btcOnlyBars).padStart(7)} ${
        fmt(r.meanBetaBtc, 3, 8)
      } ${fmt(r.meanBetaEth, 3, 8)} ${fmt(r.meanRSquared, 3, 6)} ${
        fmt(100 * r.residualVol * ann, 1, 8)
      }%`,
    );
  }
  console.log(
    `(means over bars with a fit; btcOnly: bars fit on BTC alone; residVol: std of the causal ` +
      `residual returns, annualized with ${PERIODS_PER_YEAR[freq]} bars a year)` +
      (rows.length < all.length ? `; ${all.length - rows.length} assets without a fit` : ""),
  );
}

/**
 * The venue must hold --freq bars and each --factors name must resolve to one of its symbols;
 * otherwise a usage error that lists what the store holds.
 */
function checkNames(
  db: DatabaseSync,
  venue: string,
  freq: Freq,
  factors: readonly string[] | undefined,
): void {
  const series = listSeries(db, { freq });
  const symbols = series.filter((s) => s.venue === venue).map((s) => s.symbol);
  if (symbols.length === 0) {
    const held = listSeries(db).map((s) => `${s.venue} ${s.freq}`);
    throw new UsageError(
      `--venue ${forTerminal(venue)} --freq ${freq}: no such bars in the store; it holds bars of ` +
        `(venue freq): ${knownList(held)}`,
    );
  }
  for (const name of factors ?? []) {
    try {
      resolveFactorAsset(symbols, name);
    } catch (e) {
      const why = (e as Error).message.replace("no asset of the panel is", "no stored symbol is")
        .replace(/\.?\s*Pass the exact asset name.*$/s, "");
      throw new UsageError(
        `--factors: ${why.replace(/^Cannot resolve factor /, "cannot resolve ")}. Pass a base ` +
          `name or one of the ${symbols.length} symbols of ${venue} ${freq}: ${knownList(symbols)}`,
      );
    }
  }
}

function main(args: string[]): number {
  const { values } = parseFlags(args, {
    venue: { type: "string" },
    freq: { type: "string" },
    window: { type: "string" },
    "min-obs": { type: "string" },
    factors: { type: "string" },
  }, USAGE);
  if (values.venue === undefined) throw usage("--venue is required");
  if (values.freq === undefined) throw usage("--freq is required");
  let freq: Freq;
  try {
    freq = parseFreq(values.freq);
  } catch (e) {
    throw usage(`--freq: ${(e as Error).message}`);
  }
  const window = positiveInt("window", values.window);
  const minObs = positiveInt("min-obs", values["min-obs"]);
  const factors = values.factors?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (factors !== undefined && (factors.length < 1 || factors.length > 2)) {
    throw usage(
      `--factors takes one or two names, BTC first (e.g. BTC,ETH), got "${values.factors}"`,
    );
  }
  const store = openTaskStore(values.db, { mustExist: true });
  try {
    checkNames(store.db, values.venue, freq, factors);
    const r = materializeFactors(store.db, {
      venue: values.venue,
      freq,
      window,
      minObs,
      factors,
      codeVersion: gitHead(Deno.cwd()),
      onProgress: progressLine,
    });
    progressDone();
    const t = r.timings;
    const run = r.run;
    if (r.status === "exists") {
      console.log(
        `run ${r.runId} exists (complete, created ${
          new Date(run.createdAt).toISOString()
        }): same data and parameters, nothing written`,
      );
    } else {
      console.error(
        `fingerprint ${(t.fingerprintMs / 1000).toFixed(2)}s, load ${
          (t.loadMs / 1000).toFixed(2)
        }s, fit ${(t.fitMs / 1000).toFixed(2)}s, write ${(t.writeMs / 1000).toFixed(2)}s`,
      );
      console.log(
        `run ${r.runId} created: ${run.assets} assets, ${r.betaRows} beta rows, ` +
          `${r.residualRows} residual rows`,
      );
    }
    console.log(
      `dataset ${run.datasetSha256} (${run.datasetRows} bars), ${run.venue} ${run.freq}, ` +
        `window ${run.window}, minObs ${run.minObs}, factors ${run.factors.join(", ")}, ` +
        `${run.causal ? "causal" : "in-sample"}, ${run.modelVersion}`,
    );
    const series = r.fit?.assets ?? readFactorRun(store.db, r.runId)!.assets;
    printTable(summarizeFactorFits(series), freq);
    return 0;
  } finally {
    store.close();
  }
}

if (import.meta.main) runMain(main);
