/**
 * A simulated market (lib/sim) as a research panel, with its planted signal on the same grid:
 * the input of the null suite's "simulated market without a planted signal" run and of the
 * power check that the planted signal is found.
 *
 * @module
 */
import { fromColumns } from "../panel/from_columns.ts";
import type { Panel } from "../panel/types.ts";
import { alignToGrid } from "../panel/align_to_grid.ts";
import { simulateMarket } from "../sim/simulate_market.ts";
import type { SimOptions } from "../sim/options.ts";

/** What {@link simulatedPanel} returns. */
export interface SimulatedPanel {
  /** Every simulated symbol on the full time grid (gaps are NaN rows entries). */
  readonly panel: Panel;
  /**
   * The planted signal `[asset][t]`, asset order as `panel.assets`: the value published at the
   * close of bar t, which predicts the asset's log return of bar t + 1 with Pearson correlation
   * `signalIc`; NaN for symbols that carry none (the factors, the pairs' y legs) and where the
   * asset has no bar at t.
   */
  readonly signal: Float64Array[];
  /** The planted time-series IC (`options.signalIc`, 0 for a market without information). */
  readonly signalIc: number;
}

/**
 * Simulate a market with `simulateMarket(options)` and return it as a {@link Panel} with the
 * planted signal aligned to it. Pass `signalIc: 0` for a market whose published signal carries
 * no information (the null), the default 0.05 (or up to 0.1) for one that does. O(symbols x bars).
 *
 * @example An hourly market with and without information
 * ```ts
 * import { simulatedPanel } from "@lib/research/null_suite_sim.ts";
 * import assert from "node:assert/strict";
 * const s = simulatedPanel({ seed: 1, assets: 6, freq: "1h", bars: 100, signalIc: 0 });
 * assert.equal(s.panel.assets.length, 8);
 * assert.equal(s.signal.length, 8);
 * assert.ok(s.signal[0]!.every(Number.isNaN)); // BTCSIM carries no signal
 * assert.ok(Number.isFinite(s.signal[2]![0]!)); // SIMA does
 * assert.equal(s.signalIc, 0);
 * ```
 */
export function simulatedPanel(options: SimOptions = {}): SimulatedPanel {
  const m = simulateMarket(options);
  const ts = m.truth.ts;
  const grid = {
    start: ts[0]!,
    stepMs: ts.length > 1 ? ts[1]! - ts[0]! : m.freq === "1m" ? 60_000 : 3_600_000,
    length: ts.length,
  };
  const fields = { open: [], high: [], low: [], close: [], volume: [] } as Record<
    "open" | "high" | "low" | "close" | "volume",
    Float64Array[]
  >;
  for (const b of m.bars) {
    for (const f of ["open", "high", "low", "close", "volume"] as const) {
      fields[f].push(alignToGrid(b.ts, b[f], grid));
    }
  }
  const panel = fromColumns({
    freq: m.freq,
    venue: "sim",
    assets: m.symbols,
    index: Float64Array.from(ts),
    ...fields,
  });
  const values = m.truth.signal.values;
  const signal = m.symbols.map((sym, a) => {
    const z = values[sym];
    const close = fields.close[a]!;
    return Float64Array.from(
      { length: ts.length },
      (_, t) => z !== undefined && close[t] === close[t] ? z[t]! : NaN,
    );
  });
  return { panel, signal, signalIc: m.truth.signal.ic };
}
