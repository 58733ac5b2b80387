/**
 * A deliberately slow, independent panel builder for tests: reads each series row by row with
 * readBars and places bars through a Map keyed by time, sharing no code with lib/panel or the
 * block cache, so "blocks == reference" means something.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import { readBars } from "@lib/store/bars.ts";

export interface ReferencePanel {
  index: number[];
  fields: Record<"open" | "high" | "low" | "close" | "volume" | "logReturns", Float64Array[]>;
}

export function referencePanel(
  db: DatabaseSync,
  venue: string,
  symbols: readonly string[],
  freq: Freq,
  window: { from?: number; to?: number } = {},
): ReferencePanel {
  const series = symbols.map((symbol) => readBars(db, { venue, symbol, freq }, window));
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    for (const t of s.ts) {
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
  }
  const index: number[] = [];
  for (let t = lo; t <= hi; t += freqMs(freq)) index.push(t);
  const fields = { open: [], high: [], low: [], close: [], volume: [], logReturns: [] } as
    ReferencePanel["fields"];
  for (const s of series) {
    const byTs = new Map<number, number>();
    s.ts.forEach((t, i) => byTs.set(t, i));
    for (const f of ["open", "high", "low", "close", "volume"] as const) {
      fields[f].push(Float64Array.from(index, (t) => {
        const i = byTs.get(t);
        return i === undefined ? NaN : s[f][i]!;
      }));
    }
    const c = fields.close[fields.close.length - 1]!;
    fields.logReturns.push(Float64Array.from(c, (x, t) => (t === 0 ? NaN : Math.log(x / c[t - 1]!))));
  }
  return { index, fields };
}
