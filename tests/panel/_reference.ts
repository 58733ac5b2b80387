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
  const fields = {
    open: [],
    high: [],
    low: [],
    close: [],
    volume: [],
    logReturns: [],
  } as ReferencePanel["fields"];
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
    fields.logReturns.push(
      Float64Array.from(c, (x, t) => (t === 0 ? NaN : Math.log(x / c[t - 1]!))),
    );
  }
  return { index, fields };
}

/**
 * Assert a panel equals the reference exactly (Object.is per cell, so NaN equals NaN and 0
 * differs from -0), reporting the first differing cell instead of dumping megabytes of arrays.
 */
export function assertSamePanel(
  p: {
    index: Float64Array;
    assets: readonly string[];
  } & Record<keyof ReferencePanel["fields"], readonly Float64Array[]>,
  ref: ReferencePanel,
): void {
  if (p.index.length !== ref.index.length) {
    throw new Error(`index length ${p.index.length} vs reference ${ref.index.length}`);
  }
  for (let t = 0; t < ref.index.length; t++) {
    if (p.index[t] !== ref.index[t]) {
      throw new Error(`index[${t}] ${p.index[t]} vs ${ref.index[t]}`);
    }
  }
  for (const f of Object.keys(ref.fields) as (keyof ReferencePanel["fields"])[]) {
    const got = p[f], want = ref.fields[f];
    if (got.length !== want.length) throw new Error(`${f}: ${got.length} vs ${want.length} assets`);
    for (let a = 0; a < want.length; a++) {
      const g = got[a]!, w = want[a]!;
      if (g.length !== w.length) throw new Error(`${f} ${p.assets[a]}: length ${g.length}`);
      for (let t = 0; t < w.length; t++) {
        if (!Object.is(g[t], w[t])) {
          throw new Error(
            `${f} of ${p.assets[a]} at row ${t} (${new Date(ref.index[t]!).toISOString()}): ` +
              `${g[t]} vs reference ${w[t]}`,
          );
        }
      }
    }
  }
}
