/**
 * Report section: validation of named signals from the signal library (information
 * coefficient, its decay over horizons, quantile returns, turnover), as report blocks.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { forwardReturns } from "../../research/forward_returns.ts";
import { icDecay, type IcDecayRow } from "../../research/ic_decay.ts";
import type { TrialLedger } from "../../research/ledger.ts";
import { quantileReturns, type QuantileReturnsResult } from "../../research/quantile_returns.ts";
import { rankAutocorrelation, turnover } from "../../research/turnover.ts";
import { SIGNAL_DEFAULTS } from "../../research/signal_defaults.ts";
import { mean as meanFinite } from "../../stats/mean.ts";
import { benjaminiHochberg } from "../../stats/benjamini_hochberg.ts";
import { benjaminiYekutieli } from "../../stats/benjamini_yekutieli.ts";
import { namedMinObs, parseSignalName, type SignalDefinition } from "../../research/signals/mod.ts";
import { type Block, column } from "../model.ts";
import { icBarChart } from "../charts/ic_bars.ts";
import { icDecayChart } from "../charts/ic_decay.ts";
import { quantileBarChart } from "../charts/quantile_bars.ts";

/**
 * The signals the demo and `deno task report` validate by default: momentum over a day and a
 * week, one-bar reversal, low volatility, volume surprise, Amihud illiquidity, BTC beta and
 * residual momentum, all with lookbacks that fit a month of hourly bars.
 */
export const DEFAULT_REPORT_SIGNALS: readonly string[] = SIGNAL_DEFAULTS.signals;

/** Forward-return horizons (bars) of the IC table by default: the next bar, 4 bars, 24 bars. */
export const DEFAULT_SIGNAL_HORIZONS: readonly number[] = SIGNAL_DEFAULTS.horizons;

/** Horizons (bars) of the IC decay chart by default (the table's are always added). */
export const DEFAULT_DECAY_HORIZONS: readonly number[] = SIGNAL_DEFAULTS.decayHorizons;

/** Options of {@link signalSection}; every field is optional. */
export interface SignalSectionOptions {
  /** Signal names `<family>_<lookback>` (see `parseSignalName`). Default {@link DEFAULT_REPORT_SIGNALS}. */
  readonly signals?: readonly string[];
  /** Forward-return horizons (bars) of the IC table. Default {@link DEFAULT_SIGNAL_HORIZONS}. */
  readonly horizons?: readonly number[];
  /**
   * Horizons of the IC decay chart; the table's horizons are always included. Default
   * {@link DEFAULT_DECAY_HORIZONS}.
   */
  readonly decayHorizons?: readonly number[];
  /** Buckets of the quantile returns and turnover. Default 5. */
  readonly quantiles?: number;
  /** Horizon of the quantile returns. Default: the largest of `horizons`. */
  readonly quantileHorizon?: number;
  /** Fewest assets with a value at a bar for a cross-sectional IC. Default 5 (`informationCoefficient`'s). */
  readonly minAssets?: number;
  /** Prefix of the block ids. Default `signal`. */
  readonly idPrefix?: string;
  /**
   * Record each signal's IC series in the trial ledger (`icDecay`'s ledger option): family
   * `signal:<family>`, params `{signal, lookback}` plus the horizon. Default: not recorded.
   */
  readonly record?: {
    readonly ledger: TrialLedger;
    /** The dataset fingerprint. */
    readonly dataset: string;
    readonly freq: string;
  } | undefined;
}

/** The numbers behind one signal's rows of the section. */
export interface SignalValidation {
  readonly name: string;
  readonly description: string;
  /**
   * `icDecay(signal, panel.logReturns, horizons, {minAssets})` rows over the sorted union of
   * the table and decay horizons; empty when the signal could not be computed.
   */
  readonly decay: IcDecayRow[];
  /** `quantileReturns(signal, forwardReturns(logReturns, h), {quantiles, horizon: h})`. */
  readonly quantiles: QuantileReturnsResult | null;
  /** Mean of the finite `rankAutocorrelation(signal, 1, {minAssets})` values. */
  readonly meanRankAutocorrelation: number;
  /** Mean of the finite `turnover(signal, {quantiles})` values (top bucket, lag 1). */
  readonly meanTurnover: number;
  /** Asset-bars with a finite signal value. */
  readonly cells: number;
  /** Why the signal could not be computed, or null. */
  readonly error: string | null;
}

/** What {@link signalSection} returns. */
export interface SignalSectionResult {
  readonly blocks: Block[];
  /** One entry per requested signal, in the order asked. */
  readonly signals: SignalValidation[];
  /** The table's horizons. */
  readonly horizons: readonly number[];
  /** The horizon of the quantile returns. */
  readonly quantileHorizon: number;
}

/**
 * Validate each named signal on the panel with the library's functions and present the
 * result: a table of the IC summary (`icDecay`: mean, std, IR, hit rate, naive and Newey-West
 * t-stats with lags covering the h-bar overlap) per signal and horizon, IC bars, the IC decay
 * over horizons, mean forward returns by signal quintile (`quantileReturns`), and the mean
 * rank autocorrelation and top-quintile turnover (`rankAutocorrelation`, `turnover`).
 *
 * Degenerate inputs give notes, not exceptions: fewer assets than `minAssets` (no
 * cross-sectional IC is possible), a signal that cannot be computed (e.g. `beta_168` without a
 * BTC asset: the library's reason is shown), or one with no IC value (too little history for
 * its lookback). A bad signal name is a caller's error and throws `parseSignalName`'s
 * RangeError listing the families.
 *
 * Cost: O(signals x horizons x bars x assets log assets).
 *
 * @example Too few assets for a cross-sectional IC
 * ```ts
 * import { signalSection } from "@lib/report/sections/signal_section.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const n = 50;
 * const close = [1, 2, 3].map((k) => Float64Array.from({ length: n }, (_, i) => 100 + k * Math.sin(i)));
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: ["A", "B", "C"],
 *   index: Float64Array.from({ length: n }, (_, i) => i * 3_600_000), close });
 * const s = signalSection(panel, { signals: ["momentum_24"], horizons: [1] });
 * assert.equal(s.signals.length, 0);
 * assert.ok(s.blocks.some((b) => b.type === "note" && /3 assets/.test(b.text)));
 * ```
 */
export function signalSection(
  panel: Panel,
  options: SignalSectionOptions = {},
): SignalSectionResult {
  const names = options.signals ?? DEFAULT_REPORT_SIGNALS;
  const defs = names.map((n) => parseSignalName(n));
  const horizons = options.horizons ?? DEFAULT_SIGNAL_HORIZONS;
  if (horizons.length === 0) {
    throw new RangeError("Cannot build the signal section: pass at least one horizon");
  }
  const decayHorizons = options.decayHorizons ?? DEFAULT_DECAY_HORIZONS;
  for (const h of [...horizons, ...decayHorizons]) {
    if (!Number.isInteger(h) || h < 1) {
      throw new RangeError(
        `Cannot build the signal section: horizons must be integers >= 1 bar, got ${h}`,
      );
    }
  }
  const allHorizons = [...new Set([...horizons, ...decayHorizons])].sort((a, b) => a - b);
  const q = options.quantiles ?? 5;
  const qh = options.quantileHorizon ?? Math.max(...horizons);
  const minAssets = options.minAssets ?? 5;
  const prefix = options.idPrefix ?? "signal";
  const blocks: Block[] = [];
  const nAssets = panel.assets.length;
  if (nAssets < minAssets) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `No signal validation: a cross-sectional information coefficient compares ` +
        `assets at each bar and needs at least ${minAssets} of them, and the universe has ` +
        `${nAssets} assets (${panel.assets.join(", ")}). Add assets to the universe.`,
    });
    return { blocks, signals: [], horizons, quantileHorizon: qh };
  }
  const forwardQ = forwardReturns(panel.logReturns, qh);
  const signals = defs.map((d) =>
    validate(d, panel, allHorizons, forwardQ, q, qh, minAssets, options.record)
  );

  blocks.push({
    type: "paragraph",
    text: `${defs.length} signal${defs.length === 1 ? "" : "s"} from the signal library, each ` +
      `computed at every bar from data up to that bar only, compared across the ${nAssets} ` +
      `assets with the forward log return over the next h bars (bars t+1 to t+h, nothing at ` +
      `or before t). The information coefficient (IC) at a bar is the Spearman rank ` +
      `correlation of signal and forward return across assets with both (at least ` +
      `${minAssets}); the table summarizes its series.`,
  });
  const failed = signals.filter((s) => s.error !== null);
  for (const s of failed) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `${s.name} could not be computed on this universe: ${s.error}`,
    });
  }
  const ok = signals.filter((s) => s.error === null);
  const empty = ok.filter((s) => s.decay.every((r) => r.n === 0));
  if (empty.length > 0) {
    const resid = empty.some((s) => s.name.startsWith("residual_momentum_"));
    blocks.push({
      type: "note",
      level: "warning",
      text: `No IC for ${empty.map((s) => s.name).join(", ")}: ` +
        `the signal needs more history than the ${panel.index.length} bars of the window (or ` +
        `fewer than ${minAssets} assets have it at any bar)` +
        (resid
          ? `; residual momentum first needs its 720-bar BTC/ETH regression to fill (at ` +
            `least ${namedMinObs(720)} bars) before its lookback starts`
          : "") +
        `. Use a longer period or a shorter lookback. ${
          empty.length === 1 ? "It is" : "They are"
        } left out of the charts.`,
    });
  }
  const tableRows = ok.flatMap((s) =>
    horizons.map((h) => {
      const r = s.decay.find((d) => d.horizon === h)!;
      return [
        s.name,
        h,
        r.mean,
        r.std,
        r.ir,
        r.hitRate,
        r.tStat,
        r.tStatNeweyWest,
        r.pValueNeweyWest,
        r.neweyWestLags,
        r.n,
        r.pValueEwc,
      ];
    })
  );
  // one family: every signal x horizon of the table (a NaN p-value counts as 1 in m)
  const pEwc = Float64Array.from(tableRows, (r) => r[11] as number);
  const bh = benjaminiHochberg(pEwc), by = benjaminiYekutieli(pEwc);
  tableRows.forEach((r, i) => r.push(bh[i]!, by[i]!));
  if (ok.length === 0) return { blocks, signals, horizons, quantileHorizon: qh };
  const charted = ok.filter((s) => !empty.includes(s));
  blocks.push({
    type: "table",
    id: `${prefix}-ic-summary`,
    title: "Information coefficient by signal and horizon",
    caption: "Mean and sample standard deviation (ddof 1) of the per-bar rank IC; IR = mean / " +
      "std (per bar, not annualized); hit rate = share of bars with IC > 0; t = naive t-stat " +
      "(assumes independent bars); t NW = Newey-West t-stat with at least h - 1 lags, since " +
      "h-bar forward returns overlap; p NW = its two-sided normal p-value; n = bars with an IC; " +
      "p EWC = the calibrated two-sided p-value (equal-weighted cosine variance, Student's t; " +
      "uniform under no skill, overlap included: decide with this one); p EWC (BH) and " +
      "(BY) = p EWC adjusted across every signal and horizon of this table at once " +
      `(${tableRows.length} tests; Benjamini-Hochberg controls the false discovery rate for ` +
      "independent or positively dependent tests, Benjamini-Yekutieli under any dependence: " +
      "the same signal at nearby horizons is strongly dependent, so read BY).",
    columns: [
      column("signal", "Signal", "text"),
      column("horizon", "h (bars)", "integer"),
      column("mean_ic", "Mean IC", "number", 4),
      column("std_ic", "Std IC", "number", 4),
      column("ir", "IR", "number", 3),
      column("hit_rate", "Hit rate", "percent", 1),
      column("t", "t", "number", 2),
      column("t_nw", "t NW", "number", 2),
      column("p_nw", "p NW", "number", 4),
      column("nw_lags", "NW lags", "integer"),
      column("n", "n", "integer"),
      column("p_ewc", "p EWC", "number", 4),
      column("p_ewc_bh", "p EWC (BH)", "number", 4),
      column("p_ewc_by", "p EWC (BY)", "number", 4),
    ],
    rows: tableRows,
  });
  blocks.push(
    icBarChart(
      charted.flatMap((s) =>
        horizons.map((h) => {
          const r = s.decay.find((d) => d.horizon === h)!;
          return { signal: s.name, horizon: h, ic: r.mean, tStat: r.tStatNeweyWest };
        })
      ),
      { id: `${prefix}-ic-bars` },
    ),
  );
  if (allHorizons.length >= 2 && charted.length > 0) {
    blocks.push(
      icDecayChart(
        charted.flatMap((s) =>
          s.decay.map((r) => ({ signal: s.name, horizon: r.horizon, ic: r.mean }))
        ),
        { id: `${prefix}-ic-decay` },
      ),
    );
  }
  const withQ = ok.filter((s) => s.quantiles !== null && s.quantiles.nTimestamps > 0);
  if (withQ.length > 0) {
    blocks.push(
      quantileBarChart(
        withQ.map((s) => ({
          signal: s.name,
          means: s.quantiles!.meanByQuantile,
          longShortMean: s.quantiles!.longShortMean,
          longShortTStat: s.quantiles!.longShortTStatNeweyWest,
        })),
        qh,
        { id: `${prefix}-quantile-returns` },
      ),
    );
  }
  blocks.push({
    type: "table",
    id: `${prefix}-turnover`,
    title: "Signal stability and turnover",
    caption: `Rank autocorrelation: mean over bars of the Spearman correlation of the ` +
      `signal's cross-sectional ranks at t and t-1 (1 = the ranking never changes). Turnover: ` +
      `mean share of the top ${q}-quantile bucket at t that was not in it at t-1. Tied bucket ` +
      `edges: bars where equal signal values made the quantile edges coincide.`,
    columns: [
      column("signal", "Signal", "text"),
      column("description", "What it measures", "text"),
      column("cells", "Asset-bars with a value", "integer"),
      column("rank_autocorr", "Rank autocorrelation", "number", 3),
      column("turnover", "Top-bucket turnover", "percent", 1),
      column("tied_edges", "Tied bucket edges", "integer"),
    ],
    rows: ok.map((s) => [
      s.name,
      s.description,
      s.cells,
      s.meanRankAutocorrelation,
      s.meanTurnover,
      s.quantiles?.nTiedEdges ?? null,
    ]),
  });
  return { blocks, signals, horizons, quantileHorizon: qh };
}

function validate(
  def: SignalDefinition,
  panel: Panel,
  horizons: readonly number[],
  forwardQ: Float64Array[],
  q: number,
  qh: number,
  minAssets: number,
  record?: SignalSectionOptions["record"],
): SignalValidation {
  let signal: Float64Array[];
  try {
    signal = def.compute(panel);
  } catch (e) {
    return {
      name: def.name,
      description: def.description,
      decay: [],
      quantiles: null,
      meanRankAutocorrelation: NaN,
      meanTurnover: NaN,
      cells: 0,
      error: e instanceof Error ? e.message : String(e),
    };
  }
  let cells = 0;
  for (const s of signal) for (let t = 0; t < s.length; t++) if (Number.isFinite(s[t]!)) cells++;
  return {
    name: def.name,
    description: def.description,
    decay: icDecay(signal, panel.logReturns, horizons, {
      minAssets,
      ...(record === undefined ? {} : {
        ledger: record.ledger,
        trial: {
          family: `signal:${def.family}`,
          params: { signal: def.name, lookback: def.lookback },
          source: def.compute,
          dataset: record.dataset,
          freq: record.freq,
        },
      }),
    }),
    quantiles: panel.assets.length >= q
      ? quantileReturns(signal, forwardQ, { quantiles: q, horizon: qh })
      : null,
    meanRankAutocorrelation: meanFinite(rankAutocorrelation(signal, 1, { minAssets })),
    meanTurnover: panel.assets.length >= q ? meanFinite(turnover(signal, { quantiles: q })) : NaN,
    cells,
    error: null,
  };
}
