/**
 * Abnormal returns of events against a market model with intercept, fitted per event on an
 * estimation window that ends before the event, with the forecast-error correction in their
 * variance (MacKinlay 1997; Campbell, Lo and MacKinlay 1997, ch. 4).
 *
 * @module
 */

/** One event: an asset (column of `returns`) flagged at the close of bar `bar`. */
export interface MarketEvent {
  readonly asset: number;
  readonly bar: number;
}

/** Options of {@link abnormalReturns}; every window is a pair of bar offsets from the event, both ends included. */
export interface AbnormalReturnsOptions {
  /**
   * Bars the market model is fitted on, relative to the event bar; must end before the event
   * window starts, so the event cannot leak into its own benchmark.
   * @default {[-240, -25]}
   */
  readonly estimationWindow?: readonly [number, number];
  /**
   * Bars whose abnormal returns are reported (for the study chart).
   * @default {[-12, 24]}
   */
  readonly eventWindow?: readonly [number, number];
  /**
   * Bars summed into the cumulative abnormal return; inside the event window. The event is
   * flagged at the close of bar 0, so [1, h] is what a trader acting on the flag can earn.
   * @default {[1, 24]}
   */
  readonly carWindow?: readonly [number, number];
  /**
   * Fewest finite estimation rows (asset and every factor finite) an event needs; fewer and the
   * event is dropped with reason "estimation".
   * @default {100}
   */
  readonly minEstimationBars?: number;
}

/** Defaults of {@link AbnormalReturnsOptions}, stated once. */
export const ABNORMAL_RETURNS_DEFAULTS = {
  estimationWindow: [-240, -25] as const,
  eventWindow: [-12, 24] as const,
  carWindow: [1, 24] as const,
  minEstimationBars: 100,
} as const;

/** Why an event was left out of a study. */
export type DroppedReason = "outside" | "estimation" | "event-window";

/** Abnormal returns of the kept events, row-major (event i, offset j at `i * offsets.length + j`). */
export interface AbnormalReturns {
  /** Events kept, in input order. */
  readonly events: readonly MarketEvent[];
  /** Events left out: "outside" (a window leaves the data), "estimation" (too few finite estimation rows), "event-window" (a non-finite return in the event window). */
  readonly dropped: readonly { readonly event: MarketEvent; readonly reason: DroppedReason }[];
  /** Number of regressors including the intercept (2 with one factor, 3 with two). */
  readonly k: number;
  readonly estimationWindow: readonly [number, number];
  readonly eventWindow: readonly [number, number];
  readonly carWindow: readonly [number, number];
  /** Event-window offsets, `eventWindow[0]..eventWindow[1]`. */
  readonly offsets: Int32Array;
  /** Abnormal returns AR = R - x'theta, events x offsets. */
  readonly ar: Float64Array;
  /** Forecast-error variance of each AR: s^2 (1 + x'(X'X)^-1 x). */
  readonly arVariance: Float64Array;
  /** Cumulative abnormal return over `carWindow`, per event. */
  readonly car: Float64Array;
  /** Its variance s^2 (L + g'(X'X)^-1 g), g the sum of the CAR window's regressor rows. */
  readonly carVariance: Float64Array;
  /** Standardized CAR, car / sqrt(carVariance). */
  readonly scar: Float64Array;
  /** Residual variance s^2 = SSR / (n - k) of each event's market model. */
  readonly sigma2: Float64Array;
  /** Coefficients (intercept, then one per factor), events x k. */
  readonly coefficients: Float64Array;
  /** Finite estimation rows used per event. */
  readonly estimationRows: Int32Array;
  /** Estimation-window residuals, events x estimation length, NaN where a row was not finite. */
  readonly residuals: Float64Array;
}

function checkWindow(w: readonly [number, number], name: string): void {
  if (!Number.isInteger(w[0]) || !Number.isInteger(w[1]) || w[0] > w[1]) {
    throw new RangeError(
      `Cannot compute abnormal returns: ${name} must be two integers [from, to] with from <= to, got [${
        w[0]
      }, ${w[1]}]`,
    );
  }
}

/**
 * Abnormal returns of each event against a market model with intercept,
 * `R_t = a + b1 F1_t (+ b2 F2_t) + e_t`, fitted by OLS on the event's own estimation window.
 * The variance of each abnormal return carries the forecast error of the fitted coefficients,
 * `s^2 (1 + x_t'(X'X)^-1 x_t)` (MacKinlay 1997, eq. 9; Campbell, Lo and MacKinlay 1997, eq.
 * 4.4.9), and the CAR over `carWindow` has variance `s^2 (L + g'(X'X)^-1 g)` with `g` the sum of
 * its regressor rows (their eq. 4.4.13: gamma' V gamma with V = s^2 I + X*(X'X)^-1X*' s^2).
 * Standardized CARs feed the Boehmer-Musumeci-Poulsen and Kolari-Pynnonen tests.
 *
 * `returns[a]` and `factors[f]` are per-bar log returns on one grid (a factor, e.g. BTC, may also
 * be one of the assets; an event on an asset whose returns are a factor's is refused with a
 * RangeError: it would regress the asset on itself). Cost: O(events (estimation length + event length) k^2).
 *
 * Reference: MacKinlay (1997), "Event Studies in Economics and Finance", JEL 35(1), 13-39.
 *
 * @example A planted jump after the event shows up as abnormal return
 * ```ts
 * import { abnormalReturns } from "@lib/research/events/abnormal_returns.ts";
 * import assert from "node:assert/strict";
 * const n = 400;
 * const btc = Float64Array.from({ length: n }, (_, t) => 0.01 * Math.sin(t * 1.7));
 * const alt = Float64Array.from(btc, (m, t) => 1.5 * m + 0.002 * Math.cos(t * 2.3));
 * alt[301] = alt[301]! + 0.05;
 * const r = abnormalReturns([alt], [btc], [{ asset: 0, bar: 300 }]);
 * assert.ok(Math.abs(r.car[0]! - 0.05) < 0.01);
 * ```
 */
export function abnormalReturns(
  returns: readonly Float64Array[],
  factors: readonly Float64Array[],
  events: readonly MarketEvent[],
  options: AbnormalReturnsOptions = {},
): AbnormalReturns {
  const est = options.estimationWindow ?? ABNORMAL_RETURNS_DEFAULTS.estimationWindow;
  const win = options.eventWindow ?? ABNORMAL_RETURNS_DEFAULTS.eventWindow;
  const carW = options.carWindow ?? ABNORMAL_RETURNS_DEFAULTS.carWindow;
  const minRows = options.minEstimationBars ?? ABNORMAL_RETURNS_DEFAULTS.minEstimationBars;
  checkWindow(est, "estimationWindow");
  checkWindow(win, "eventWindow");
  checkWindow(carW, "carWindow");
  if (est[1] >= win[0]) {
    throw new RangeError(
      `Cannot compute abnormal returns: estimationWindow must end before eventWindow starts (the event would leak into its benchmark), got [${
        est[0]
      }, ${est[1]}] and [${win[0]}, ${win[1]}]`,
    );
  }
  if (carW[0] < win[0] || carW[1] > win[1]) {
    throw new RangeError(
      `Cannot compute abnormal returns: carWindow must lie inside eventWindow, got [${carW[0]}, ${
        carW[1]
      }] and [${win[0]}, ${win[1]}]`,
    );
  }
  if (factors.length < 1 || factors.length > 2) {
    throw new RangeError(
      `Cannot compute abnormal returns: pass one factor (BTC) or two (BTC, ETH), got ${factors.length}`,
    );
  }
  const k = factors.length + 1;
  if (!Number.isInteger(minRows) || minRows < k + 1) {
    throw new RangeError(
      `Cannot compute abnormal returns: minEstimationBars must be an integer >= ${
        k + 1
      }, got ${minRows}`,
    );
  }
  const n = returns[0]?.length ?? 0;
  for (const f of factors) {
    if (f.length !== n) {
      throw new RangeError(
        `Cannot compute abnormal returns: every factor needs ${n} bars like the returns, got ${f.length}`,
      );
    }
  }
  const estLen = est[1] - est[0] + 1;
  const L = win[1] - win[0] + 1;
  const f1 = factors[0]!;
  const f2 = factors[1];

  const kept: MarketEvent[] = [];
  const dropped: { event: MarketEvent; reason: DroppedReason }[] = [];
  const cap = events.length;
  const ar = new Float64Array(cap * L);
  const arVar = new Float64Array(cap * L);
  const car = new Float64Array(cap);
  const carVar = new Float64Array(cap);
  const sigma2 = new Float64Array(cap);
  const coef = new Float64Array(cap * k);
  const rows = new Int32Array(cap);
  const resid = new Float64Array(cap * estLen);
  const xtx = new Float64Array(9);
  const inv = new Float64Array(9);
  const xty = new Float64Array(3);
  const x = new Float64Array(3);
  const g = new Float64Array(3);

  // an event on a factor asset regresses the asset on itself: residual variance ~0 and
  // meaningless standardized CARs, so it is refused (the caller leaves such events out)
  const isFactor = new Map<number, number>();
  const factorOf = (a: number, r: Float64Array): number => {
    let hit = isFactor.get(a);
    if (hit === undefined) {
      hit = factors.findIndex((f) => f === r || sameSeries(f, r));
      isFactor.set(a, hit);
    }
    return hit;
  };
  for (const ev of events) {
    const r = returns[ev.asset];
    if (r === undefined || r.length !== n) {
      throw new RangeError(
        `Cannot compute abnormal returns: event asset ${ev.asset} is not a column of returns (${returns.length} columns of ${n} bars)`,
      );
    }
    const fi = factorOf(ev.asset, r);
    if (fi >= 0) {
      throw new RangeError(
        `Cannot compute abnormal returns: event asset ${ev.asset} (bar ${ev.bar}) is factor ${fi} of the market model (its returns are that factor's), so its abnormal returns are 0 by construction; leave the factor assets' events out, or use other factors`,
      );
    }
    if (ev.bar + est[0] < 0 || ev.bar + win[1] >= n) {
      dropped.push({ event: ev, reason: "outside" });
      continue;
    }
    // event window must be finite (asset and factors)
    let finite = true;
    for (let j = win[0]; j <= win[1] && finite; j++) {
      const t = ev.bar + j;
      if (!Number.isFinite(r[t]!) || !Number.isFinite(f1[t]!) || (f2 && !Number.isFinite(f2[t]!))) {
        finite = false;
      }
    }
    if (!finite) {
      dropped.push({ event: ev, reason: "event-window" });
      continue;
    }
    xtx.fill(0);
    xty.fill(0);
    let m = 0;
    for (let j = est[0]; j <= est[1]; j++) {
      const t = ev.bar + j;
      const y = r[t]!;
      x[0] = 1;
      x[1] = f1[t]!;
      if (f2) x[2] = f2[t]!;
      if (!Number.isFinite(y) || !Number.isFinite(x[1]!) || (f2 && !Number.isFinite(x[2]!))) {
        continue;
      }
      m++;
      for (let a = 0; a < k; a++) {
        xty[a] = xty[a]! + x[a]! * y;
        for (let b = 0; b < k; b++) xtx[a * 3 + b] = xtx[a * 3 + b]! + x[a]! * x[b]!;
      }
    }
    if (m < minRows || !invertSymmetric(xtx, inv, k)) {
      dropped.push({ event: ev, reason: "estimation" });
      continue;
    }
    const i = kept.length;
    const th = coef.subarray(i * k, i * k + k);
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let b = 0; b < k; b++) s += inv[a * 3 + b]! * xty[b]!;
      th[a] = s;
    }
    let ssr = 0;
    const ro = i * estLen;
    for (let j = est[0]; j <= est[1]; j++) {
      const t = ev.bar + j;
      const y = r[t]!;
      const fit = th[0]! + th[1]! * f1[t]! + (f2 ? th[2]! * f2[t]! : 0);
      const e = y - fit;
      resid[ro + j - est[0]] = e; // NaN where a row was not finite
      if (Number.isFinite(e)) ssr += e * e;
    }
    const s2 = ssr / (m - k);
    g.fill(0);
    let c = 0;
    const o = i * L;
    for (let j = win[0]; j <= win[1]; j++) {
      const t = ev.bar + j;
      x[0] = 1;
      x[1] = f1[t]!;
      if (f2) x[2] = f2[t]!;
      const fit = th[0]! + th[1]! * x[1]! + (f2 ? th[2]! * x[2]! : 0);
      const a = r[t]! - fit;
      ar[o + j - win[0]] = a;
      arVar[o + j - win[0]] = s2 * (1 + quad(inv, x, k));
      if (j >= carW[0] && j <= carW[1]) {
        c += a;
        for (let q = 0; q < k; q++) g[q] = g[q]! + x[q]!;
      }
    }
    const cv = s2 * (carW[1] - carW[0] + 1 + quad(inv, g, k));
    car[i] = c;
    carVar[i] = cv;
    sigma2[i] = s2;
    rows[i] = m;
    kept.push(ev);
  }
  const nk = kept.length;
  const scar = new Float64Array(nk);
  for (let i = 0; i < nk; i++) scar[i] = car[i]! / Math.sqrt(carVar[i]!);
  const offsets = new Int32Array(L);
  for (let j = 0; j < L; j++) offsets[j] = win[0] + j;
  return {
    events: kept,
    dropped,
    k,
    estimationWindow: [est[0], est[1]],
    eventWindow: [win[0], win[1]],
    carWindow: [carW[0], carW[1]],
    offsets,
    ar: ar.slice(0, nk * L),
    arVariance: arVar.slice(0, nk * L),
    car: car.slice(0, nk),
    carVariance: carVar.slice(0, nk),
    scar,
    sigma2: sigma2.slice(0, nk),
    coefficients: coef.slice(0, nk * k),
    estimationRows: rows.slice(0, nk),
    residuals: resid.slice(0, nk * estLen),
  };
}

function quad(inv: Float64Array, v: Float64Array, k: number): number {
  let s = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) s += v[a]! * inv[a * 3 + b]! * v[b]!;
  }
  return s;
}

/** Invert a k x k (k <= 3) symmetric positive-definite matrix stored with row stride 3; false when singular. */
function invertSymmetric(m: Float64Array, out: Float64Array, k: number): boolean {
  // Gauss-Jordan with partial pivoting on a 3x6 scratch (k <= 3, so no allocation pressure matters)
  const a = new Float64Array(18);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) a[r * 6 + c] = m[r * 3 + c]!;
    a[r * 6 + 3 + r] = 1;
  }
  const scale = Math.max(Math.abs(m[0]!), Math.abs(m[4]!), k === 3 ? Math.abs(m[8]!) : 0);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r * 6 + c]!) > Math.abs(a[p * 6 + c]!)) p = r;
    const piv = a[p * 6 + c]!;
    if (!(Math.abs(piv) > 1e-13 * scale)) return false;
    if (p !== c) {
      for (let q = 0; q < 6; q++) {
        const tmp = a[c * 6 + q]!;
        a[c * 6 + q] = a[p * 6 + q]!;
        a[p * 6 + q] = tmp;
      }
    }
    for (let q = 0; q < 6; q++) a[c * 6 + q] = a[c * 6 + q]! / piv;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r * 6 + c]!;
      if (f === 0) continue;
      for (let q = 0; q < 6; q++) a[r * 6 + q] = a[r * 6 + q]! - f * a[c * 6 + q]!;
    }
  }
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) out[r * 3 + c] = a[r * 6 + 3 + c]!;
  return true;
}

/** True when two series are equal bar by bar (NaN equal to NaN). */
function sameSeries(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) return false;
  }
  return true;
}
