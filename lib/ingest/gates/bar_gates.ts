/**
 * Quality gate for a batch of bars before it is written.
 *
 * @module
 */
import { allocBars, type BarColumns } from "../../core/types.ts";
import { freqMs } from "../../core/freq.ts";
import { BAR_JUMP_DEFAULTS, type JumpOptions, markJumps } from "./jump.ts";
import { venueLaunchMs } from "./venue_launch.ts";
import type { GateRejection, GateResult } from "./types.ts";

/** Options of {@link gateBars}. */
export interface BarGateOptions {
  /** The current time, UTC epoch ms (injected: gates never read the clock). */
  readonly now: number;
  /**
   * How far past `now` a bar's open time may be, in ms. Default: one bar length (the bar that
   * is forming now opens at most one bar before `now`; a clock skew of up to one bar passes).
   */
  readonly futureToleranceMs?: number;
  /** Earliest plausible bar time; default the venue's launch date ({@link venueLaunchMs}). */
  readonly launchMs?: number;
  /** The jump rule (defaults {@link BAR_JUMP_DEFAULTS}); `false` turns it off. */
  readonly jump?: JumpOptions | false;
}

const PRICE_NAMES = ["open", "high", "low", "close"] as const;

/**
 * Split a batch of bars into the ones fit to store and the ones to quarantine. In order, a bar
 * is refused when: a price is NaN or <= 0; high < low; open or close lies outside [low, high];
 * volume is NaN or negative; its time is not finite, later than `now + futureToleranceMs`,
 * before the venue's launch, off the grid of `bars.freq`, or not after the previous accepted
 * bar; its close jumps from the previous accepted close by more than `k` robust sigmas
 * (see lib/ingest/gates/jump.ts). Each refused bar gets the first reason that applies.
 *
 * Cost: O(n * W log W) for the jump rule, O(n) for the rest; pure, no I/O.
 *
 * @example A zero close and a bar from the future are refused
 * ```ts
 * import { gateBars } from "@lib/ingest/gates/bar_gates.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, 3);
 * const h = 3_600_000, t0 = Date.UTC(2024, 0, 1);
 * for (let i = 0; i < 3; i++) {
 *   b.ts[i] = t0 + i * h;
 *   b.open[i] = b.low[i] = b.close[i] = 100;
 *   b.high[i] = 101;
 *   b.volume[i] = 5;
 * }
 * b.close[1] = 0;
 * b.ts[2] = t0 + 50 * h;
 * const g = gateBars(b, { now: t0 + 3 * h });
 * assert.equal(g.accepted.ts.length, 1);
 * assert.deepEqual(g.rejected.map((r) => r.index), [1, 2]);
 * assert.equal(g.rejected[0]!.reason, "close 0 <= 0");
 * assert.match(g.rejected[1]!.reason, /in the future/);
 * ```
 */
export function gateBars(bars: BarColumns, opts: BarGateOptions): GateResult<BarColumns> {
  const n = bars.ts.length;
  const step = freqMs(bars.freq);
  const tolerance = opts.futureToleranceMs ?? step;
  const launch = opts.launchMs ?? venueLaunchMs(bars.venue);
  const reasons: (string | undefined)[] = new Array(n).fill(undefined);
  const cols = { open: bars.open, high: bars.high, low: bars.low, close: bars.close };
  let lastTs = -Infinity;
  rows: for (let i = 0; i < n; i++) {
    for (const name of PRICE_NAMES) {
      const v = cols[name][i]!;
      if (Number.isNaN(v)) {
        reasons[i] = `${name} is not a number`;
        continue rows;
      }
      if (v <= 0) {
        reasons[i] = `${name} ${v} <= 0`;
        continue rows;
      }
    }
    const o = bars.open[i]!, h = bars.high[i]!, l = bars.low[i]!, c = bars.close[i]!;
    const v = bars.volume[i]!, ts = bars.ts[i]!;
    if (h < l) reasons[i] = `impossible candle: high ${h} < low ${l}`;
    else if (o < l || o > h) reasons[i] = `impossible candle: open ${o} not in [${l}, ${h}]`;
    else if (c < l || c > h) reasons[i] = `impossible candle: close ${c} not in [${l}, ${h}]`;
    else if (Number.isNaN(v)) reasons[i] = "volume is not a number";
    else if (v < 0) reasons[i] = `volume ${v} < 0`;
    else {
      const t = timeProblem(ts, opts.now, tolerance, launch, bars.venue);
      if (t !== undefined) reasons[i] = t;
      else if (ts % step !== 0) {
        reasons[i] = `time ${iso(ts)} is off the ${bars.freq} grid (not a multiple of ${step} ms)`;
      } else if (ts <= lastTs) {
        reasons[i] = `time ${iso(ts)} is not after the previous accepted bar ${iso(lastTs)}`;
      } else lastTs = ts;
    }
  }
  if (opts.jump !== false) {
    markJumps(bars.close, reasons, opts.jump ?? {}, "bars", BAR_JUMP_DEFAULTS, bars.ts);
  }
  return split(bars, reasons);
}

/**
 * Why a timestamp is impossible (not finite, in the future, before the venue existed), or
 * undefined when it is plausible. Shared by the bar and trade gates.
 *
 * @example A trade time before the venue launched
 * ```ts
 * import { timeProblem } from "@lib/ingest/gates/bar_gates.ts";
 * import assert from "node:assert/strict";
 * const launch = Date.UTC(2013, 8, 10);
 * assert.equal(timeProblem(launch, Date.UTC(2024, 0, 1), 0, launch, "kraken"), undefined);
 * assert.match(timeProblem(0, Date.UTC(2024, 0, 1), 0, launch, "kraken")!, /before kraken existed/);
 * ```
 */
export function timeProblem(
  ts: number,
  now: number,
  toleranceMs: number,
  launchMs: number | undefined,
  venue: string,
): string | undefined {
  if (!Number.isFinite(ts)) return `time ${ts} is not a valid epoch-ms timestamp`;
  if (ts > now + toleranceMs) {
    return `time ${iso(ts)} is in the future: after now ${iso(now)} + ${toleranceMs} ms tolerance`;
  }
  if (launchMs !== undefined && ts < launchMs) {
    return `time ${iso(ts)} is before ${venue} existed (launched ${iso(launchMs).slice(0, 10)})`;
  }
  return undefined;
}

/**
 * ISO-8601 text of an epoch-ms time, or the number itself when it is out of Date's range.
 *
 * @example
 * ```ts
 * import { iso } from "@lib/ingest/gates/bar_gates.ts";
 * import assert from "node:assert/strict";
 * assert.equal(iso(0), "1970-01-01T00:00:00.000Z");
 * assert.equal(iso(1e300), "1e+300");
 * ```
 */
export function iso(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
}

function split(bars: BarColumns, reasons: (string | undefined)[]): GateResult<BarColumns> {
  const rejected: GateRejection[] = [];
  for (let i = 0; i < reasons.length; i++) {
    const r = reasons[i];
    if (r !== undefined) rejected.push({ index: i, reason: r });
  }
  const m = reasons.length - rejected.length;
  const out = allocBars(bars, m);
  let j = 0;
  for (let i = 0; i < reasons.length; i++) {
    if (reasons[i] !== undefined) continue;
    out.ts[j] = bars.ts[i]!;
    out.open[j] = bars.open[i]!;
    out.high[j] = bars.high[i]!;
    out.low[j] = bars.low[i]!;
    out.close[j] = bars.close[i]!;
    out.volume[j] = bars.volume[i]!;
    out.quoteVolume[j] = bars.quoteVolume[i]!;
    out.tradeCount[j] = bars.tradeCount[i]!;
    out.vwap[j] = bars.vwap[i]!;
    out.complete[j] = bars.complete[i]!;
    j++;
  }
  return { accepted: out, rejected };
}
