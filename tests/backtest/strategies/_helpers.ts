/** Shared by the strategy tests: perturbation after a bar, BTC/ETH NFI columns. */
import assert from "node:assert/strict";
import { createRng } from "@lib/stats/rng.ts";
import { nfiPanel } from "../../research/_nfi_panel.ts";

/** Copies of `cols` with every finite value after bar `t` multiplied by a random factor in [0.5, 1.5). */
export function perturbAfter(
  cols: readonly ArrayLike<number>[],
  t: number,
  seed = 7,
): Float64Array[] {
  const rng = createRng(seed);
  return cols.map((c) => {
    const out = Float64Array.from(c);
    for (let s = t + 1; s < out.length; s++) {
      if (out[s] === out[s]) out[s] = out[s]! * (0.5 + rng.next());
    }
    return out;
  });
}

/** Assert two sets of columns agree at rows 0..t (bit for bit). */
export function assertSameUpTo(
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[],
  t: number,
  what: string,
): void {
  assert.equal(a.length, b.length);
  for (let c = 0; c < a.length; c++) {
    for (let s = 0; s <= t; s++) {
      const x = a[c]![s]!, y = b[c]![s]!;
      if (!(x === y || (x !== x && y !== y))) {
        assert.fail(
          `${what}: column ${c} row ${s} changed from ${x} to ${y} (perturbed after ${t})`,
        );
      }
    }
  }
}

/** Assert that some value after t did change (so the perturbation was not a no-op). */
export function assertChangedAfter(
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[],
  t: number,
): void {
  for (let c = 0; c < a.length; c++) {
    for (let s = t + 1; s < a[c]!.length; s++) if (a[c]![s] !== b[c]![s]) return;
  }
  assert.fail(`nothing changed after bar ${t}: the perturbation test would pass vacuously`);
}

/** BTC and ETH hourly OHLC of the NFI panel (5,493 bars, 11 missing candles each). */
export function btcEth() {
  const p = nfiPanel();
  const col = (s: string) => {
    const a = p.assets.indexOf(s);
    assert.ok(a >= 0, `${s} missing from the NFI panel`);
    return a;
  };
  const b = col("BTCUSDT"), e = col("ETHUSDT");
  return {
    index: p.index,
    btc: { close: p.close[b]!, high: p.high[b]!, low: p.low[b]! },
    eth: { close: p.close[e]!, high: p.high[e]!, low: p.low[e]! },
  };
}
