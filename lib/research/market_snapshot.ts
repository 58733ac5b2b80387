/**
 * A market-structure snapshot of a universe at the last row of a panel: dispersion, average
 * correlation, beta dispersion and their class, a volatility regime, breadth and top movers.
 *
 * @module
 */
import type { Panel } from "../panel/types.ts";
import {
  MARKET_STRUCTURE_LABELS,
  marketStructure,
} from "../materialize/regimes/market_structure.ts";
import { volPercentileRegimes } from "../materialize/regimes/vol_percentile_regimes.ts";
import { resolveFactorAsset } from "./factor_assets.ts";

/** Options of {@link marketSnapshot}; defaults in {@link MARKET_SNAPSHOT_DEFAULTS}. */
export interface MarketSnapshotOptions {
  /** Rows of the market-structure window (correlations, betas, dispersion). @default 168 */
  readonly window?: number;
  /** Rows each market-structure feature is z-scored against. @default 720 */
  readonly baseline?: number;
  /** Fewest assets with a full window for the market-structure features. @default 5 */
  readonly minAssets?: number;
  /** Bars of the movers' and advancers' return. @default 24 */
  readonly moverWindow?: number;
  /** Bars of the breadth moving average. @default 168 */
  readonly maWindow?: number;
  /** Movers listed at each end. @default 5 */
  readonly topMovers?: number;
  /** The asset whose volatility regime is reported, resolved like a factor. @default "BTC" */
  readonly volAsset?: string;
  /** Rows of the rolling volatility of the volatility regime. @default 168 */
  readonly volWindow?: number;
  /**
   * Share of the rows (from the first) the volatility thresholds are fitted on; the regime of
   * the last row is then out of sample. @default 0.5
   */
  readonly volTrainFraction?: number;
}

/** Defaults of {@link MarketSnapshotOptions}, stated once. */
export const MARKET_SNAPSHOT_DEFAULTS = {
  window: 168,
  baseline: 720,
  minAssets: 5,
  moverWindow: 24,
  maWindow: 168,
  topMovers: 5,
  volAsset: "BTC",
  volWindow: 168,
  volTrainFraction: 0.5,
} as const;

/** One mover: an asset and its log return over the mover window. */
export interface Mover {
  readonly asset: string;
  readonly logReturn: number;
}

/** What {@link marketSnapshot} returns; every number is at the panel's last row. */
export interface MarketSnapshot {
  /** Open time (UTC ms) of the last row. */
  readonly barTime: number;
  readonly options: Required<MarketSnapshotOptions>;
  /** Market-structure features (E's `marketStructure`) and their trailing z-scores; NaN if undefined. */
  readonly structure: {
    readonly label: string | null;
    readonly dispersion: number;
    readonly avgCorrelation: number;
    readonly betaDispersion: number;
    readonly marketVolatility: number;
    readonly marketReturn: number;
    readonly zDispersion: number;
    readonly zAvgCorrelation: number;
    readonly zBetaDispersion: number;
    readonly zMarketVolatility: number;
    /** Assets with a full window. */
    readonly assets: number;
  };
  /** Volatility-percentile regime of `volAsset` (null when the universe lacks it). */
  readonly volRegime: {
    readonly asset: string;
    /** 0 = calmest .. 2; -1 before the first volatility. */
    readonly state: number;
    readonly volatility: number;
    readonly percentile: number;
    readonly thresholds: readonly number[];
    readonly trainRows: number;
  } | null;
  /** Why there is no volatility regime (the asset is missing, too little history), else null. */
  readonly volNote: string | null;
  readonly breadth: {
    /** Assets whose close is above the mean of their last `maWindow` closes (all finite). */
    readonly aboveMa: number;
    /** Assets with a moving average (the denominator of the share). */
    readonly withMa: number;
    readonly shareAboveMa: number;
    /** Log return over `moverWindow` bars above 0, below 0, exactly 0. */
    readonly advancers: number;
    readonly decliners: number;
    readonly unchanged: number;
  };
  /** Best `topMovers` by log return over `moverWindow`, best first; ties by name. */
  readonly topGainers: readonly Mover[];
  /** Worst `topMovers`, worst first. */
  readonly topLosers: readonly Mover[];
}

function checkInt(name: string, v: number, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) {
    throw new RangeError(
      `Cannot build a market snapshot: ${name} must be an integer >= ${min}, got ${v}`,
    );
  }
}

/**
 * The market-structure snapshot of `panel` at its last row (give it a panel that ends at the
 * last closed bar; lib/pipeline/daily_run.ts does):
 *
 * - structure: `marketStructure(logReturns, {window, baseline, minAssets})` at the last row
 *   (lib/materialize/regimes): dispersion (mean over the window of the cross-sectional sd of
 *   returns), exact average pairwise correlation, beta dispersion (sd of betas on the
 *   equal-weighted market: low = beta compression), market volatility and return, their z-scores
 *   and the class (`risk_off`, `beta_compression`, `dispersion`, `chop`);
 * - volatility regime: `volPercentileRegimes` of `volAsset`'s returns with thresholds fitted on
 *   the first `volTrainFraction` of the rows;
 * - breadth: the share of assets whose close is above the mean of their last `maWindow`
 *   closes, and advancers / decliners by their log return over `moverWindow` bars;
 * - movers: the `topMovers` best and worst of those returns.
 *
 * Cost: O(T N window) for the structure (its rolling correlations), O(N (maWindow + T)) for the rest.
 *
 * @example Breadth and movers of three assets
 * ```ts
 * import { marketSnapshot } from "@lib/research/market_snapshot.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const n = 40;
 * const up = Float64Array.from({ length: n }, (_, i) => 100 * 1.01 ** i);
 * const down = Float64Array.from({ length: n }, (_, i) => 100 * 0.99 ** i);
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["UP", "DOWN", "BTC"],
 *   index: Float64Array.from(up, (_, i) => i * 3_600_000), close: [up, down, up] });
 * const s = marketSnapshot(p, { window: 10, baseline: 10, minAssets: 3, moverWindow: 5, maWindow: 10, topMovers: 1, volWindow: 5 });
 * assert.deepEqual([s.breadth.aboveMa, s.breadth.advancers, s.breadth.decliners], [2, 2, 1]);
 * assert.equal(s.topLosers[0]!.asset, "DOWN");
 * assert.ok(Math.abs(s.topLosers[0]!.logReturn - 5 * Math.log(0.99)) < 1e-12);
 * ```
 */
export function marketSnapshot(panel: Panel, options: MarketSnapshotOptions = {}): MarketSnapshot {
  const o: Required<MarketSnapshotOptions> = {
    window: options.window ?? MARKET_SNAPSHOT_DEFAULTS.window,
    baseline: options.baseline ?? MARKET_SNAPSHOT_DEFAULTS.baseline,
    minAssets: options.minAssets ?? MARKET_SNAPSHOT_DEFAULTS.minAssets,
    moverWindow: options.moverWindow ?? MARKET_SNAPSHOT_DEFAULTS.moverWindow,
    maWindow: options.maWindow ?? MARKET_SNAPSHOT_DEFAULTS.maWindow,
    topMovers: options.topMovers ?? MARKET_SNAPSHOT_DEFAULTS.topMovers,
    volAsset: options.volAsset ?? MARKET_SNAPSHOT_DEFAULTS.volAsset,
    volWindow: options.volWindow ?? MARKET_SNAPSHOT_DEFAULTS.volWindow,
    volTrainFraction: options.volTrainFraction ?? MARKET_SNAPSHOT_DEFAULTS.volTrainFraction,
  };
  checkInt("moverWindow", o.moverWindow, 1);
  checkInt("maWindow", o.maWindow, 1);
  checkInt("topMovers", o.topMovers, 1);
  if (!(o.volTrainFraction > 0 && o.volTrainFraction <= 1)) {
    throw new RangeError(
      `Cannot build a market snapshot: volTrainFraction must be in (0, 1], got ${o.volTrainFraction}`,
    );
  }
  const n = panel.index.length;
  if (n === 0) throw new RangeError("Cannot build a market snapshot: the panel has no bars");
  const t = n - 1;
  const ms = marketStructure(panel.logReturns, {
    window: o.window,
    baseline: o.baseline,
    minAssets: o.minAssets,
  });
  const code = ms.classes[t]!;
  const structure = {
    label: code >= 0 ? MARKET_STRUCTURE_LABELS[code]! : null,
    dispersion: ms.dispersion[t]!,
    avgCorrelation: ms.avgCorrelation[t]!,
    betaDispersion: ms.betaDispersion[t]!,
    marketVolatility: ms.marketVolatility[t]!,
    marketReturn: ms.marketReturn[t]!,
    zDispersion: ms.z.dispersion[t]!,
    zAvgCorrelation: ms.z.avgCorrelation[t]!,
    zBetaDispersion: ms.z.betaDispersion[t]!,
    zMarketVolatility: ms.z.marketVolatility[t]!,
    assets: ms.assets[t]!,
  };

  let volRegime: MarketSnapshot["volRegime"] = null;
  let volNote: string | null = null;
  let volIdx = -1;
  try {
    volIdx = panel.assets.indexOf(resolveFactorAsset(panel.assets, o.volAsset));
  } catch {
    volNote = `the universe holds no ${o.volAsset} (or ${o.volAsset} quoted in USDT, USD, ...)`;
  }
  const trainEnd = Math.max(1, Math.floor(n * o.volTrainFraction));
  let v;
  try {
    if (volIdx >= 0) {
      v = volPercentileRegimes(panel.logReturns[volIdx]!, { trainEnd, window: o.volWindow });
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    volNote = e.message.replace(/^Cannot compute volatility-percentile regimes: /, "");
  }
  if (v !== undefined) {
    volRegime = {
      asset: panel.assets[volIdx]!,
      state: v.state[t]!,
      volatility: v.volatility[t]!,
      percentile: v.percentile[t]!,
      thresholds: [...v.thresholds],
      trainRows: trainEnd,
    };
  }

  let aboveMa = 0, withMa = 0, advancers = 0, decliners = 0, unchanged = 0;
  const moves: Mover[] = [];
  panel.close.forEach((c, a) => {
    if (t - o.maWindow + 1 >= 0) {
      let s = 0;
      for (let i = t - o.maWindow + 1; i <= t; i++) s += c[i]!;
      if (Number.isFinite(s)) {
        withMa++;
        if (c[t]! > s / o.maWindow) aboveMa++;
      }
    }
    const r = t - o.moverWindow >= 0 ? Math.log(c[t]! / c[t - o.moverWindow]!) : NaN;
    if (Number.isFinite(r)) {
      moves.push({ asset: panel.assets[a]!, logReturn: r });
      if (r > 0) advancers++;
      else if (r < 0) decliners++;
      else unchanged++;
    }
  });
  const byName = (x: Mover, y: Mover) => (x.asset < y.asset ? -1 : x.asset > y.asset ? 1 : 0);
  const gainers = [...moves].sort((x, y) => y.logReturn - x.logReturn || byName(x, y));
  const losers = [...moves].sort((x, y) => x.logReturn - y.logReturn || byName(x, y));
  return {
    barTime: panel.index[t]!,
    options: o,
    structure,
    volRegime,
    volNote,
    breadth: {
      aboveMa,
      withMa,
      shareAboveMa: withMa > 0 ? aboveMa / withMa : NaN,
      advancers,
      decliners,
      unchanged,
    },
    topGainers: gainers.slice(0, o.topMovers),
    topLosers: losers.slice(0, o.topMovers),
  };
}
