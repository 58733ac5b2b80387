/**
 * Pair analytics as the monitor serves them: bars read from the store, `pairAnalytics` on
 * them, the result as JSON-ready arrays, and a small cache keyed by the parameters and the
 * newest bar of both legs (fifty dashboards asking for the same pair after a bar close cost one
 * computation).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Freq } from "@lib/core/freq.ts";
import { latestTradeTs } from "@lib/store/live_reads.ts";
import { type PairCloses, pairCloses, type PairKey } from "./pair_closes.ts";
import { type MonitorHedge, type PairAnalytics, pairAnalytics } from "./pair_analytics.ts";
import { KALMAN_BLOCK_BARS, kalmanBlockSeries } from "./kalman_blocks.ts";

/** Parameters of one analytics request. */
export interface AnalyticsRequest {
  readonly pair: PairKey;
  readonly freq: Freq;
  readonly window: number;
  readonly hedge: MonitorHedge;
  readonly z: number;
  /** Bars returned (the last ones); `2 window` more are read before them as warm-up. */
  readonly limit: number;
}

/** Defaults of {@link AnalyticsRequest}'s `limit`, stated once. */
export const ANALYTICS_LIMIT_DEFAULT = 300;

/** The analytics of one request with the bars they were computed on. */
export interface ServedAnalytics {
  readonly request: AnalyticsRequest;
  /** The bars read (warm-up included): a direct library call on these gives the same numbers. */
  readonly closes: PairCloses;
  readonly analytics: PairAnalytics;
  /** Index in `closes` of the first bar returned. */
  readonly offset: number;
  /**
   * Kalman only: the starts of the filter runs the returned bars' hedge ratio, spread, bands,
   * z-score and position come from (kalman_blocks.ts: fixed by each bar, as the alerts'), so
   * a bar's values do not depend on `limit`.
   */
  readonly kalmanStarts?: readonly number[];
}

/** A number for JSON: NaN and infinities become null. */
export function num(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

function arr(a: ArrayLike<number>, from: number): (number | null)[] {
  const out: (number | null)[] = new Array(Math.max(0, a.length - from));
  for (let i = from; i < a.length; i++) out[i - from] = num(a[i]);
  return out;
}

/** Computes and caches pair analytics for the server and the alert loop. */
export class AnalyticsService {
  readonly #db: DatabaseSync;
  readonly #venue: string;
  readonly #cache = new Map<string, ServedAnalytics>();
  readonly #keep: number;

  readonly #kalmanBlockBars: number;

  /**
   * `kalmanBlockBars`: intervals per Kalman block (kalman_blocks.ts); the alert loop's
   * `replayBars` must be the same for the chart to show the alerts' values.
   */
  constructor(db: DatabaseSync, venue: string, keep = 64, kalmanBlockBars = KALMAN_BLOCK_BARS) {
    this.#db = db;
    this.#venue = venue;
    this.#keep = keep;
    this.#kalmanBlockBars = kalmanBlockBars;
  }

  /** The analytics of `r` on the store's current bars. */
  compute(r: AnalyticsRequest): ServedAnalytics {
    const closes = pairCloses(this.#db, this.#venue, r.pair, r.freq, r.limit + 2 * r.window);
    const end = closes.ts.length === 0 ? -1 : closes.ts[closes.ts.length - 1]!;
    const key = JSON.stringify([r.pair.y, r.pair.x, r.freq, r.window, r.hedge, r.z, r.limit, end]);
    const hit = this.#cache.get(key);
    // bars of a closed interval can still be rebuilt (a repaired hole): compare the closes
    if (hit !== undefined && sameCloses(hit.closes, closes)) return hit;
    let analytics = pairAnalytics(closes.ts, closes.y, closes.x, {
      window: r.window,
      hedge: r.hedge,
      z: r.z,
      pValueBars: r.limit,
    });
    const offset = Math.max(0, closes.ts.length - r.limit);
    let kalmanStarts: number[] | undefined;
    if (r.hedge === "kalman") {
      // the returned bars' filter values from starts fixed by each bar (as the alerts')
      const k = kalmanBlockSeries(
        this.#db,
        this.#venue,
        r.pair,
        r.freq,
        {
          window: r.window,
          z: r.z,
          blockBars: this.#kalmanBlockBars,
        },
        closes.ts,
        offset,
      );
      const merge = <T extends Float64Array | Int8Array>(warm: T, fixed: T): T => {
        const out = warm.slice() as T;
        out.set(fixed.subarray(offset), offset);
        return out;
      };
      analytics = {
        ...analytics,
        hedgeRatio: merge(analytics.hedgeRatio, k.hedgeRatio),
        spread: merge(analytics.spread, k.spread),
        spreadMean: merge(analytics.spreadMean, k.spreadMean),
        spreadStd: merge(analytics.spreadStd, k.spreadStd),
        zScore: merge(analytics.zScore, k.zScore),
        position: merge(analytics.position, k.position),
      };
      kalmanStarts = k.starts;
    }
    const served: ServedAnalytics = {
      request: r,
      closes,
      analytics,
      offset,
      ...(kalmanStarts !== undefined ? { kalmanStarts } : {}),
    };
    this.#cache.delete(key);
    this.#cache.set(key, served);
    if (this.#cache.size > this.#keep) this.#cache.delete(this.#cache.keys().next().value!);
    return served;
  }

  /** The values at bar `i` of `s.analytics` (the `latest` object of the JSON body). */
  barJson(s: ServedAnalytics, i: number): Record<string, unknown> {
    const a = s.analytics;
    return {
      ts: a.ts[i],
      y: num(a.y[i]),
      x: num(a.x[i]),
      hedgeRatio: num(a.hedgeRatio[i]),
      spread: num(a.spread[i]),
      zScore: num(a.zScore[i]),
      correlation: num(a.correlation[i]),
      pValue: num(a.pValue[i]),
      position: a.position[i],
      regression: {
        intercept: num(a.regression.intercept[i]),
        slope: num(a.regression.slope[i]),
        rSquared: num(a.regression.rSquared[i]),
        residualStd: num(a.regression.residualStd[i]),
        slopeStdError: num(a.regression.slopeStdError[i]),
      },
    };
  }

  /** The JSON body of `/api/analytics`. */
  toJson(s: ServedAnalytics): Record<string, unknown> {
    const a = s.analytics, r = s.request, o = s.offset, n = a.ts.length;
    const last = n - 1;
    return {
      pair: `${r.pair.y}:${r.pair.x}`,
      y: r.pair.y,
      x: r.pair.x,
      venue: this.#venue,
      freq: r.freq,
      window: a.window,
      hedge: a.hedge,
      z: a.z,
      input: {
        bars: n,
        from: n > 0 ? a.ts[0] : null,
        to: n > 0 ? a.ts[last] : null,
        ...(s.kalmanStarts !== undefined ? { kalmanStarts: s.kalmanStarts } : {}),
      },
      freshness: {
        lastBarTs: n > 0 ? a.ts[last] : null,
        lastTradeTs: {
          [r.pair.y]: latestTradeTs(this.#db, this.#venue, r.pair.y) ?? null,
          [r.pair.x]: latestTradeTs(this.#db, this.#venue, r.pair.x) ?? null,
        },
      },
      latest: n === 0 ? null : this.barJson(s, last),
      stationarity: {
        ...a.stationarity,
        statistic: num(a.stationarity.statistic),
        pValue: num(a.stationarity.pValue),
        hedgeRatio: num(a.stationarity.hedgeRatio),
        criticalValues: {
          "1%": num(a.stationarity.criticalValues["1%"]),
          "5%": num(a.stationarity.criticalValues["5%"]),
          "10%": num(a.stationarity.criticalValues["10%"]),
        },
      },
      series: {
        ts: Array.from(a.ts.subarray(o)),
        y: arr(a.y, o),
        x: arr(a.x, o),
        yNormalized: arr(a.yNormalized, o),
        xNormalized: arr(a.xNormalized, o),
        hedgeRatio: arr(a.hedgeRatio, o),
        spread: arr(a.spread, o),
        spreadMean: arr(a.spreadMean, o),
        spreadStd: arr(a.spreadStd, o),
        zScore: arr(a.zScore, o),
        correlation: arr(a.correlation, o),
        pValue: arr(a.pValue, o),
        intercept: arr(a.regression.intercept, o),
        rSquared: arr(a.regression.rSquared, o),
        residualStd: arr(a.regression.residualStd, o),
        slopeStdError: arr(a.regression.slopeStdError, o),
        position: Array.from(a.position.subarray(o)),
      },
    };
  }
}

function sameCloses(a: PairCloses, b: PairCloses): boolean {
  if (a.ts.length !== b.ts.length) return false;
  for (let i = 0; i < a.ts.length; i++) {
    if (a.ts[i] !== b.ts[i] || !Object.is(a.y[i], b.y[i]) || !Object.is(a.x[i], b.x[i])) {
      return false;
    }
  }
  return true;
}
