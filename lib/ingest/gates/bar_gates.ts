/**
 * Quality gate for a batch of bars before it is written: the row rules of
 * lib/ingest/gates/rules.ts, then order, duplicates and the jump rule.
 *
 * @module
 */
import { allocBars, type BarColumns } from "../../core/types.ts";
import { freqMs } from "../../core/freq.ts";
import { BAR_JUMP_DEFAULTS, type JumpOptions, markJumps } from "./jump.ts";
import { compareRounded, decimals, morePrecise } from "./rounding.ts";
import { type NearDuplicateOptions, nearlySame, precisionOf } from "./near_duplicate.ts";
import {
  barRule,
  iso,
  REASONS,
  reasonText,
  RULE_DEFAULTS,
  type RuleProblem,
  timeContext,
  timeRule,
} from "./rules.ts";
import type { GateDrop, GateRejection, GateResult } from "./types.ts";

export { iso } from "./rules.ts";

/** Options of {@link gateBars}. */
export interface BarGateOptions {
  /** The current time, UTC epoch ms (injected: gates never read the clock). */
  readonly now: number;
  /**
   * How far past `now` a bar's open time may be, in ms. Default: one bar length
   * (`RULE_DEFAULTS.barFutureBars`): the bar forming now opens at most one bar before `now`, and
   * a clock skew of up to one bar passes.
   */
  readonly futureToleranceMs?: number;
  /** Earliest plausible bar time; default the venue's launch date (lib/ingest/gates/venue_launch.ts). */
  readonly launchMs?: number;
  /** The jump rule (defaults {@link BAR_JUMP_DEFAULTS}); `false` turns it off. */
  readonly jump?: JumpOptions | false;
  /**
   * Tolerances under which rows sharing a time are one bar written twice (defaults
   * `NEAR_DUPLICATE_DEFAULTS` of lib/ingest/gates/near_duplicate.ts): the most precise row is
   * kept and the others are refused as `near-duplicate`; `false` refuses every row of such a
   * group as rows that disagree.
   */
  readonly nearDuplicates?: NearDuplicateOptions | false;
  /** How reasons name input row `i` (default `row i`); importers pass the file's line. */
  readonly rowName?: (i: number) => string;
}

/** What {@link gateBars} returns: a {@link GateResult} plus where each kept bar came from. */
export interface BarGateResult extends GateResult<BarColumns> {
  /** Input index of each accepted bar (accepted bars are sorted by time). */
  readonly acceptedIndex: Int32Array;
  /** Rows left out because another row with the same time says the same (or says it better). */
  readonly dropped: readonly GateDrop[];
}

const COMPARED = [
  "open",
  "high",
  "low",
  "close",
  "volume",
  "quoteVolume",
  "tradeCount",
  "vwap",
] as const;
/** Columns of COMPARED a source rounds to one number of decimals per row: the prices. */
const ROUNDED_TOGETHER = [[0, 1, 2, 3]] as const;
const COLUMN_NAMES = [
  "open",
  "high",
  "low",
  "close",
  "volume",
  "quote_volume",
  "trade_count",
  "vwap",
] as const;

/**
 * Split a batch of bars into the ones fit to store (sorted by time, one per time) and the ones
 * to quarantine. Each row is first judged alone by `barRule` (lib/ingest/gates/rules.ts: finite
 * positive prices, high >= max(open, close), low <= min(open, close), finite non-negative
 * volumes, a time on the grid of `bars.freq`, not before the venue existed or 2009-01-03, not
 * after `now + futureToleranceMs`). The rows that pass are sorted by time; rows sharing a time
 * are kept once when they are identical or differ only by rounding (the more precise row is
 * kept, the other is listed in `dropped`), and refused all together when they disagree (nothing
 * says which is right). Last, a close that jumps from the previous accepted close by more than
 * `k` robust sigmas is refused (lib/ingest/gates/jump.ts). Each refused row gets the first
 * reason that applies.
 *
 * Cost: O(n log n) for the sort (O(n) when already sorted), O(n * W) for the jump rule; pure.
 *
 * @example A zero close and a bar from the future are refused; a shuffled page is sorted
 * ```ts
 * import { gateBars } from "@lib/ingest/gates/bar_gates.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, 4);
 * const h = 3_600_000, t0 = Date.UTC(2024, 0, 1);
 * for (let i = 0; i < 4; i++) {
 *   b.ts[i] = t0 + (3 - i) * h;
 *   b.open[i] = b.low[i] = b.close[i] = 100;
 *   b.high[i] = 101;
 *   b.volume[i] = 5;
 * }
 * b.close[1] = 0;
 * b.ts[2] = t0 + 50 * h;
 * const g = gateBars(b, { now: t0 + 4 * h });
 * assert.deepEqual([...g.accepted.ts], [t0, t0 + 3 * h]);
 * assert.deepEqual([...g.acceptedIndex], [3, 0]);
 * assert.deepEqual(g.rejected.map((r) => r.index), [1, 2]);
 * assert.equal(g.rejected[0]!.reason, "non-positive price: close 0 <= 0");
 * assert.equal(g.rejected[1]!.kind, "timestamp in the future");
 * ```
 */
export function gateBars(bars: BarColumns, opts: BarGateOptions): BarGateResult {
  const n = bars.ts.length;
  const step = freqMs(bars.freq);
  const ctx = timeContext(
    bars.venue,
    opts.now,
    opts.futureToleranceMs ?? step * RULE_DEFAULTS.barFutureBars,
    opts.launchMs,
  );
  const name = opts.rowName ?? ((i: number) => `row ${i}`);
  const problems: (RuleProblem | undefined)[] = new Array(n).fill(undefined);
  const good: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = barRule(
      {
        ts: bars.ts[i]!,
        open: bars.open[i]!,
        high: bars.high[i]!,
        low: bars.low[i]!,
        close: bars.close[i]!,
        volume: bars.volume[i]!,
        quoteVolume: bars.quoteVolume[i]!,
        tradeCount: bars.tradeCount[i]!,
      },
      step,
      ctx,
    );
    if (p === undefined) good.push(i);
    else problems[i] = p;
  }
  let ascending = true;
  for (let k = 1; k < good.length && ascending; k++) {
    ascending = bars.ts[good[k]!]! > bars.ts[good[k - 1]!]!;
  }
  if (!ascending) good.sort((a, b) => bars.ts[a]! - bars.ts[b]! || a - b);

  const keep: number[] = [];
  const dropped: GateDrop[] = [];
  const values = (i: number) => COMPARED.map((c) => bars[c][i]!);
  for (let k = 0; k < good.length;) {
    const first = good[k]!;
    let end = k + 1;
    while (end < good.length && bars.ts[good[end]!] === bars.ts[first]) end++;
    if (end === k + 1) {
      keep.push(first);
      k = end;
      continue;
    }
    // rows sharing one time, in input order (the sort is stable on index)
    let best = first;
    const drops: GateDrop[] = [];
    let conflict = "";
    for (let g = k + 1; g < end && conflict === ""; g++) {
      const r = good[g]!;
      const rel = morePrecise(values(best), values(r), ROUNDED_TOGETHER);
      if (rel === "same") drops.push({ index: r, keptIndex: best, kind: "identical" });
      else if (rel === "a") drops.push({ index: r, keptIndex: best, kind: "rounded" });
      else if (rel === "b") {
        drops.push({ index: best, keptIndex: r, kind: "rounded" });
        best = r;
      } else conflict = `${name(best)} vs ${name(r)}: ${differences(bars, best, r)}`;
    }
    const rows = good.slice(k, end);
    const near = conflict === "" || opts.nearDuplicates === false ? undefined : nearKeep(
      bars,
      rows,
      values,
      keep.length > 0 ? bars.close[keep[keep.length - 1]!]! : NaN,
      opts.nearDuplicates,
    );
    if (conflict === "") {
      keep.push(best);
      for (const d of drops) dropped.push({ ...d, keptIndex: best });
    } else if (near !== undefined) {
      // every row of the group is one bar within the tolerances: keep the most precise one
      keep.push(near);
      for (const r of rows) {
        if (r === near) continue;
        const rel = morePrecise(values(near), values(r), ROUNDED_TOGETHER);
        if (rel === "same") dropped.push({ index: r, keptIndex: near, kind: "identical" });
        else if (rel === "a") dropped.push({ index: r, keptIndex: near, kind: "rounded" });
        else {
          problems[r] = {
            kind: REASONS.nearDuplicate,
            detail: `kept the more precise row (${beyondRounding(values(near), values(r))}; ` +
              `kept ${name(near)})`,
          };
        }
      }
    } else {
      const names = good.slice(k, end).map(name).join(", ");
      for (let g = k; g < end; g++) {
        problems[good[g]!] = {
          kind: REASONS.duplicateTs,
          detail: `none of the ${end - k} rows kept: ${names} share the time ` +
            `${iso(bars.ts[first]!)}; ${conflict}`,
        };
      }
    }
    k = end;
  }
  if (opts.jump !== false && keep.length > 0) {
    const close = Float64Array.from(keep, (i) => bars.close[i]!);
    const ts = Float64Array.from(keep, (i) => bars.ts[i]!);
    const jumps: (string | undefined)[] = new Array(keep.length).fill(undefined);
    markJumps(close, jumps, opts.jump ?? {}, "bars", BAR_JUMP_DEFAULTS, ts);
    for (let j = 0; j < keep.length; j++) {
      if (jumps[j] !== undefined) problems[keep[j]!] = { kind: REASONS.jump, detail: jumps[j]! };
    }
  }
  const kept = keep.filter((i) => problems[i] === undefined);
  const rejected: GateRejection[] = [];
  for (let i = 0; i < n; i++) {
    const p = problems[i];
    if (p !== undefined) rejected.push({ index: i, kind: p.kind, reason: reasonText(p) });
  }
  dropped.sort((a, b) => a.index - b.index);
  return {
    accepted: pick(bars, kept),
    acceptedIndex: Int32Array.from(kept),
    rejected,
    dropped,
  };
}

/**
 * Why a timestamp is impossible (not finite, in the future, before the venue existed or before
 * 2009-01-03) as reason text, or undefined when it is plausible. A shorthand for
 * `timeRule` of lib/ingest/gates/rules.ts.
 *
 * @example A trade time before the venue launched
 * ```ts
 * import { timeProblem } from "@lib/ingest/gates/bar_gates.ts";
 * import assert from "node:assert/strict";
 * const launch = Date.UTC(2013, 8, 10);
 * assert.equal(timeProblem(launch, Date.UTC(2024, 0, 1), 0, launch, "kraken"), undefined);
 * assert.match(timeProblem(Date.UTC(2012, 0, 1), Date.UTC(2024, 0, 1), 0, launch, "kraken")!, /before kraken existed/);
 * ```
 */
export function timeProblem(
  ts: number,
  now: number,
  toleranceMs: number,
  launchMs: number | undefined,
  venue: string,
): string | undefined {
  const p = timeRule(ts, { now, toleranceMs, launchMs, venue });
  return p === undefined ? undefined : reasonText(p);
}

/**
 * The row of a group sharing one time to keep when every pair of its rows is
 * {@link nearlySame}: the most precise ({@link precisionOf}), on a tie the one whose open is
 * closest to the previous kept close; undefined when two rows disagree beyond the tolerances,
 * or when another row with other values ties with the best on both counts.
 */
function nearKeep(
  bars: BarColumns,
  rows: readonly number[],
  values: (i: number) => number[],
  prevClose: number,
  options: NearDuplicateOptions | undefined,
): number | undefined {
  const v = rows.map(values);
  for (let x = 0; x < rows.length; x++) {
    for (let y = x + 1; y < rows.length; y++) {
      if (!nearlySame(v[x]!, v[y]!, ROUNDED_TOGETHER[0], options)) return undefined;
    }
  }
  const gap = (i: number) => Number.isNaN(prevClose) ? 0 : Math.abs(bars.open[i]! - prevClose);
  let best = 0;
  for (let x = 1; x < rows.length; x++) {
    const d = precisionOf(v[x]!) - precisionOf(v[best]!);
    if (d > 0 || (d === 0 && gap(rows[x]!) < gap(rows[best]!))) best = x;
  }
  // a row as precise and as near the previous close as the best one, with other values:
  // nothing tells them apart, and the row order must not decide which price survives
  for (let x = 0; x < rows.length; x++) {
    if (
      x !== best && precisionOf(v[x]!) === precisionOf(v[best]!) &&
      gap(rows[x]!) === gap(rows[best]!) &&
      morePrecise(v[best]!, v[x]!, ROUNDED_TOGETHER) !== "same"
    ) return undefined;
  }
  return rows[best];
}

/** The columns in which two rows differ by more than a rounding, as `open 387.01 vs 387`. */
function beyondRounding(a: readonly number[], b: readonly number[]): string {
  const prices = ROUNDED_TOGETHER[0];
  const d = (row: readonly number[], c: number) =>
    (prices as readonly number[]).includes(c)
      ? Math.max(...prices.map((k) => Number.isNaN(row[k]!) ? 0 : decimals(row[k]!)))
      : decimals(row[c]!);
  const out: string[] = [];
  for (let c = 0; c < a.length; c++) {
    if (compareRounded(a[c]!, b[c]!, d(a, c), d(b, c)) === "different") {
      out.push(`${COLUMN_NAMES[c]} ${a[c]} vs ${b[c]}`);
    }
  }
  return out.join(", ");
}

function differences(bars: BarColumns, a: number, b: number): string {
  const out: string[] = [];
  COMPARED.forEach((c, k) => {
    const x = bars[c][a]!, y = bars[c][b]!;
    if (!(x === y || (Number.isNaN(x) && Number.isNaN(y)))) {
      out.push(`${COLUMN_NAMES[k]} ${x} vs ${y}`);
    }
  });
  return out.join(", ");
}

function pick(bars: BarColumns, rows: readonly number[]): BarColumns {
  const out = allocBars(bars, rows.length);
  for (let j = 0; j < rows.length; j++) {
    const i = rows[j]!;
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
  }
  return out;
}
