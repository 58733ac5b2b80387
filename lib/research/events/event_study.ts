/**
 * An event study: abnormal returns, their average path with a confidence band, and the three
 * tests of the mean CAR.
 *
 * @module
 */
import {
  type AbnormalReturns,
  abnormalReturns,
  type AbnormalReturnsOptions,
  type MarketEvent,
} from "./abnormal_returns.ts";
import { type BmpTest, bmpTest } from "./bmp_test.ts";
import {
  type BootstrapCarOptions,
  type BootstrapCarTest,
  bootstrapCarTest,
} from "./bootstrap_car_test.ts";
import {
  type KolariPynnonenOptions,
  type KolariPynnonenTest,
  kolariPynnonenTest,
} from "./kolari_pynnonen.ts";
import { normalQuantile } from "../../stats/distributions.ts";

/** Options of {@link eventStudy}: those of its parts, plus the band's coverage. */
export interface EventStudyOptions extends AbnormalReturnsOptions {
  readonly kolariPynnonen?: KolariPynnonenOptions;
  readonly bootstrap?: BootstrapCarOptions;
  /**
   * Two-sided coverage of the band around the average cumulative abnormal return.
   * @default {0.95}
   */
  readonly bandLevel?: number;
}

/** Default of {@link EventStudyOptions.bandLevel}, stated once. */
export const EVENT_STUDY_DEFAULTS = { bandLevel: 0.95 } as const;

/** Result of {@link eventStudy}; the tests are `null` with fewer than 2 kept events. */
export interface EventStudy {
  readonly abnormal: AbnormalReturns;
  /** Average abnormal return per event-window offset (AAR). */
  readonly aar: Float64Array;
  /** Cumulative average abnormal return from the event window's first bar (CAAR). */
  readonly caar: Float64Array;
  /** CAAR -/+ z * cross-sectional standard error of the events' cumulative ARs. */
  readonly caarLower: Float64Array;
  readonly caarUpper: Float64Array;
  /** Mean CAR over the CAR window. */
  readonly meanCar: number;
  readonly bmp: BmpTest | null;
  readonly kolariPynnonen: KolariPynnonenTest | null;
  readonly bootstrap: BootstrapCarTest | null;
}

/**
 * Run an event study of `events` on per-bar log returns against one or two factors (BTC, ETH):
 * `abnormalReturns` (market model on a window that ends before the event, forecast-error
 * variance), then the BMP, Kolari-Pynnonen and block-bootstrap tests of the mean CAR, and the
 * CAAR path with a normal band from the cross-sectional standard error of the events' cumulative
 * abnormal returns (the band for a chart; the tests above are the inference). Cost: that of its
 * parts.
 *
 * Reference: Campbell, Lo and MacKinlay (1997), The Econometrics of Financial Markets, ch. 4.
 *
 * @example
 * ```ts
 * import { eventStudy } from "@lib/research/events/event_study.ts";
 * import assert from "node:assert/strict";
 * const n = 4000; // events 250 bars apart, so no jump falls in another's estimation window
 * const m = Float64Array.from({ length: n }, (_, t) => 0.01 * Math.sin(t * 1.3));
 * const a = Float64Array.from(m, (v, t) => v + 0.004 * Math.cos(t * 2.9 + 0.3 * t * t));
 * const events = [];
 * for (let b = 300; b < 3900; b += 250) { a[b + 2] = a[b + 2]! + 0.02; events.push({ asset: 0, bar: b }); }
 * const s = eventStudy([a], [m], events, { bootstrap: { replications: 199 } });
 * assert.ok(s.meanCar > 0.015 && s.bmp!.pValue < 0.01);
 * ```
 */
export function eventStudy(
  returns: readonly Float64Array[],
  factors: readonly Float64Array[],
  events: readonly MarketEvent[],
  options: EventStudyOptions = {},
): EventStudy {
  const ab = abnormalReturns(returns, factors, events, options);
  const n = ab.events.length;
  const L = ab.offsets.length;
  const aar = new Float64Array(L);
  const caar = new Float64Array(L);
  const lower = new Float64Array(L);
  const upper = new Float64Array(L);
  const z = normalQuantile(1 - (1 - (options.bandLevel ?? EVENT_STUDY_DEFAULTS.bandLevel)) / 2);
  const cum = new Float64Array(n);
  for (let j = 0; j < L; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const a = ab.ar[i * L + j]!;
      s += a;
      cum[i] = cum[i]! + a;
    }
    aar[j] = n > 0 ? s / n : NaN;
    let m = 0;
    for (let i = 0; i < n; i++) m += cum[i]!;
    m = n > 0 ? m / n : NaN;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (cum[i]! - m) ** 2;
    const se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN;
    caar[j] = m;
    lower[j] = m - z * se;
    upper[j] = m + z * se;
  }
  let sc = 0;
  for (let i = 0; i < n; i++) sc += ab.car[i]!;
  const ok = n >= 2;
  return {
    abnormal: ab,
    aar,
    caar,
    caarLower: lower,
    caarUpper: upper,
    meanCar: n > 0 ? sc / n : NaN,
    bmp: ok ? bmpTest(ab.scar) : null,
    kolariPynnonen: ok ? kolariPynnonenTest(ab, options.kolariPynnonen) : null,
    bootstrap: ok
      ? bootstrapCarTest(ab.car, Int32Array.from(ab.events, (e) => e.bar), options.bootstrap)
      : null,
  };
}
