/**
 * `deno task regimes --method vol|markov|structure [--universe LIST] [--venue V] [--freq 1h] ...`
 *
 * Computes regimes on bars already in the store and stores them as one run in regime_runs and
 * regime_states (lib/research/regime_run.ts): progress on stderr, a summary table on stdout.
 * The run id comes from the dataset fingerprint, the method and its parameters, so a second run
 * on the same data writes nothing and says the run exists.
 *
 * @module
 */
import { materializeRegimes, TrainEndError } from "@lib/research/regime_run.ts";
import { readRegimeRun, type RegimeMethod } from "@lib/store/regimes.ts";
import { listSeries } from "@lib/store/bars.ts";
import { forTerminal } from "@lib/core/for_terminal.ts";
import { type Freq, parseFreq } from "@lib/core/freq.ts";
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
  `usage: deno task regimes --method vol|markov|structure [--universe LIST] [--venue V] [--freq F]
                          [--train-fraction F | --train-end DATE] [--window N] [--cuts A,B]
                          [--band X] [--min-dwell N] [--k 2|3] [--starts N] [--refit-every N]
                          [--baseline N] [--json] [--db PATH]

Computes regimes on stored bars and stores them as one run (regime_runs, regime_states). The
run id is the SHA-256 of the dataset fingerprint, the method, its parameters and the model
version: running it again on the same data writes nothing. Every stored state at bar t is known
at the close of bar t (causal); only filtered Markov probabilities are stored, never smoothed.

  --method M         vol: volatility-percentile regimes per asset (hysteresis, dwell time)
                     markov: Markov-switching mean/variance regimes per asset
                     structure: market-structure classes of the universe (risk_off,
                     beta_compression, dispersion, chop)
  --universe LIST    comma-separated symbols, or "all" (default all series of the venue)
  --venue V          venue (default: the only venue with --freq bars in the store)
  --freq F           bar frequency (default 1h)
  --train-fraction F vol, markov: the first F of the bars are training data (thresholds,
                     Markov parameters); later bars are out of sample (default 0.5)
  --train-end DATE   vol, markov: train on the bars that open before DATE (ISO, UTC) instead;
                     a fixed end keeps earlier states unchanged when later bars arrive; it
                     must leave at least 24 bars after it (out of sample)
  --window N         vol: volatility window (default 168); structure: feature window (default 168)
  --cuts A,B         vol: cut points in percentile units, e.g. 0.333,0.667 (default 1/3, 2/3)
  --band X           vol: hysteresis half-band in percentile units (default 0.05)
  --min-dwell N      vol: minimum bars in a state before it can switch (default 24)
  --k N              markov: 2 or 3 states (default 2)
  --starts N         markov: optimizer starting points (default 6)
  --refit-every N    markov: re-fit every N bars after the training window on all earlier bars
                     (an expanding window; default: fit once on the training window)
  --baseline N       structure: bars of the trailing z-score baseline (default 720)
  --json             print the run and each series' state shares as JSON on stdout
  --db PATH          store file (default: $CRYPTOLAB_DB or data/cryptolab.db)`;

function usage(message: string): UsageError {
  return new UsageError(`${message}\n\n${USAGE}`);
}

function posInt(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) < 1) {
    throw usage(`--${flag} must be a positive integer, got "${forTerminal(s)}"`);
  }
  return Number(s);
}

function fraction(flag: string, s: string | undefined, lo: number, hi: number): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (s.trim() === "" || !Number.isFinite(v) || !(v > lo && v <= hi)) {
    throw usage(`--${flag} must be a number in (${lo}, ${hi}], got "${forTerminal(s)}"`);
  }
  return v;
}

/** An ISO date or time in UTC (`2021-03-01`, `2021-03-01T12:00`) as ms, or a usage error. */
function parseDate(flag: string, v: string): number {
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?Z?)?$/.test(v);
  const ms = ok
    ? Date.parse(/Z$|^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v.replace(" ", "T")}Z`)
    : NaN;
  if (!Number.isFinite(ms)) {
    throw usage(
      `--${flag} must be an ISO date or time in UTC (2021-03-01, 2021-03-01T12:00), got "${
        forTerminal(v)
      }"`,
    );
  }
  return ms;
}

function main(args: string[]): number {
  const { values } = parseFlags(args, {
    method: { type: "string" },
    universe: { type: "string" },
    venue: { type: "string" },
    freq: { type: "string" },
    "train-fraction": { type: "string" },
    "train-end": { type: "string" },
    window: { type: "string" },
    cuts: { type: "string" },
    band: { type: "string" },
    "min-dwell": { type: "string" },
    k: { type: "string" },
    starts: { type: "string" },
    "refit-every": { type: "string" },
    baseline: { type: "string" },
    json: { type: "boolean" },
  }, USAGE);
  const method = values.method;
  if (method === undefined) throw usage("--method is required (vol, markov or structure)");
  if (method !== "vol" && method !== "markov" && method !== "structure") {
    throw usage(`--method must be vol, markov or structure, got "${forTerminal(method)}"`);
  }
  let freq: Freq;
  try {
    freq = parseFreq(values.freq ?? "1h");
  } catch (e) {
    throw usage(`--freq: ${(e as Error).message}`);
  }
  const universe = values.universe === undefined || values.universe === "all"
    ? undefined
    : values.universe.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (universe !== undefined && new Set(universe).size !== universe.length) {
    throw usage("--universe lists a symbol twice");
  }
  const trainFraction = fraction("train-fraction", values["train-fraction"], 0, 1);
  const trainEnd = values["train-end"] === undefined
    ? undefined
    : parseDate("train-end", values["train-end"]);
  if (trainEnd !== undefined && trainFraction !== undefined) {
    throw usage("--train-end and --train-fraction exclude each other: give one");
  }
  const band = values.band === undefined ? undefined : Number(values.band);
  if (band !== undefined && !(band >= 0 && band < 0.5)) {
    throw usage(`--band must be in [0, 0.5) percentile units, got "${forTerminal(values.band!)}"`);
  }
  const cuts = values.cuts?.split(",").map((s) => Number(s.trim()));
  if (
    cuts !== undefined && cuts.some((c, i) => !(c > 0 && c < 1) || (i > 0 && !(c > cuts[i - 1]!)))
  ) {
    throw usage(
      `--cuts must be increasing numbers inside (0, 1) (percentile units), got "${
        forTerminal(values.cuts!)
      }"`,
    );
  }
  const k = posInt("k", values.k);
  if (k !== undefined && k !== 2 && k !== 3) throw usage(`--k must be 2 or 3, got ${k}`);
  const window = posInt("window", values.window);
  if (window !== undefined && window < 3) throw usage(`--window must be at least 3, got ${window}`);
  const baseline = posInt("baseline", values.baseline);
  if (baseline !== undefined && baseline < 10) {
    throw usage(`--baseline must be at least 10, got ${baseline}`);
  }
  const store = openTaskStore(values.db, { mustExist: true });
  try {
    const series = listSeries(store.db, { freq });
    const venues = [...new Set(series.map((s) => s.venue))];
    const venue = values.venue ?? (venues.length === 1 ? venues[0] : undefined);
    if (venue === undefined) {
      throw new UsageError(
        venues.length === 0
          ? `--freq ${freq}: the store has no ${freq} bars; import or backfill some first`
          : `--venue: the store has ${freq} bars of several venues (${
            knownList(venues)
          }); pick one`,
      );
    }
    const symbols = series.filter((s) => s.venue === venue).map((s) => s.symbol);
    if (symbols.length === 0) {
      throw new UsageError(
        `--venue ${forTerminal(venue)}: no ${freq} bars of it; venues with ${freq} bars: ${
          knownList(venues)
        }`,
      );
    }
    const unknown = (universe ?? []).filter((s) => !symbols.includes(s));
    if (unknown.length > 0) {
      throw new UsageError(
        `--universe: no ${freq} bars of ${forTerminal(venue)} ${
          unknown.map((u) => forTerminal(u)).join(", ")
        }; stored: ${knownList(symbols)}`,
      );
    }
    if (method === "structure" && (universe ?? symbols).length < 5) {
      throw new UsageError(
        `--universe: the structure method needs at least 5 assets, got ${
          (universe ?? symbols).length
        }`,
      );
    }
    let r;
    try {
      r = materializeRegimes(store.db, {
        venue,
        freq,
        method: method as RegimeMethod,
        symbols: universe,
        trainFraction,
        trainEnd,
        window,
        cuts,
        band,
        minDwell: posInt("min-dwell", values["min-dwell"]),
        k,
        starts: posInt("starts", values.starts),
        refitEvery: posInt("refit-every", values["refit-every"]),
        baseline,
        onProgress: progressLine,
      });
    } catch (e) {
      if (e instanceof TrainEndError) {
        throw new UsageError(`--train-end ${forTerminal(values["train-end"]!)}: ${e.detail}`);
      }
      throw e;
    } finally {
      progressDone();
    }
    const run = r.run;
    for (const s of r.skipped) {
      console.error(`skipped ${forTerminal(s.asset)}: ${forTerminal(s.reason)}`);
    }
    const stored = readRegimeRun(store.db, r.runId)!;
    const labels = run.labels;
    const summary = stored.series.map((s) => {
      const counts = labels.map(() => 0);
      let bars = 0, last = -1, lastTs: number | null = null;
      s.state.forEach((v, t) => {
        if (v >= 0) {
          counts[v]!++;
          bars++;
          last = v;
          lastTs = stored.index[t]!;
        }
      });
      return { asset: s.asset, bars, counts, last, lastTs: lastTs as number | null };
    });
    if (values.json) {
      // JSON keeps the stored strings byte for byte (JSON.stringify escapes control characters)
      console.log(JSON.stringify(
        {
          schema: "cryptolab.regimes/1",
          runId: r.runId,
          status: r.status,
          method: run.method,
          venue: run.venue,
          freq: run.freq,
          labels,
          features: run.features,
          trainEndTs: run.trainEndTs,
          dataset: { sha256: run.datasetSha256, rows: run.datasetRows },
          modelVersion: run.modelVersion,
          stateRows: run.stateRows,
          skipped: r.skipped,
          series: summary.map((x) => ({
            asset: x.asset,
            bars: x.bars,
            share: Object.fromEntries(
              labels.map((l, j) => [l, x.bars > 0 ? x.counts[j]! / x.bars : 0]),
            ),
            last: x.last >= 0 ? { state: labels[x.last], ts: x.lastTs } : null,
          })),
        },
        null,
        2,
      ));
      return 0;
    }
    console.log(
      r.status === "exists"
        ? `run ${r.runId} exists (complete, created ${
          new Date(run.createdAt).toISOString()
        }): same data and parameters, nothing written`
        : `run ${r.runId} created: ${run.assets} series, ${r.stateRows} state rows`,
    );
    console.log(
      `dataset ${run.datasetSha256} (${run.datasetRows} bars), ${
        forTerminal(run.venue)
      } ${run.freq}, ` +
        `method ${run.method}, ${run.modelVersion}` +
        (run.trainEndTs === null
          ? ", nothing fitted (rolling windows ending at each bar)"
          : `, trained on bars up to ${new Date(run.trainEndTs).toISOString()}`),
    );
    const w = Math.max(6, ...stored.series.map((s) => s.asset.length));
    console.log(
      `${"series".padEnd(w)} ${"bars".padStart(6)} ${
        labels.map((l) => l.padStart(Math.max(8, l.length))).join(" ")
      }  last state`,
    );
    for (const x of summary) {
      console.log(
        `${forTerminal(x.asset).padEnd(w)} ${String(x.bars).padStart(6)} ${
          x.counts.map((c, j) =>
            `${(x.bars > 0 ? (100 * c) / x.bars : 0).toFixed(1)}%`.padStart(
              Math.max(8, labels[j]!.length),
            )
          ).join(" ")
        }  ${x.last >= 0 ? labels[x.last] : "-"}`,
      );
    }
    console.log(
      `(share of bars in each state; the last state is the one known at the last bar's close)`,
    );
    return 0;
  } finally {
    store.close();
  }
}

if (import.meta.main) runMain(main);
