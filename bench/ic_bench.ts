/**
 * Spearman information coefficient over every hourly cross-section of the 126-asset NFI
 * universe (Binance spot, 126 assets x 5,493 hours): momentum_24 against 1-bar forward returns.
 * Also Pearson IC, and the full IC decay over 7 horizons.
 *
 *   deno bench -A bench/ic_bench.ts
 *   /usr/bin/python3 bench/ic_peer.py   # the same inputs through pandas / scipy, with ratios
 *
 * The panel is read from ../shared/data/real (freqtrade JSON, see tests/research/_nfi_panel.ts).
 * On load the bench writes its inputs and its IC to bench/.out/ (git-ignored) so the peer
 * compares results on exactly the same numbers.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { informationCoefficient } from "@lib/research/information_coefficient.ts";
import { icDecay } from "@lib/research/ic_decay.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";
import { momentum } from "@lib/research/signals/momentum.ts";
import { nfiPanel } from "../tests/research/_nfi_panel.ts";

const panel = nfiPanel();
const signal = momentum(panel, { lookback: 24 });
const forward = forwardReturns(panel.logReturns, 1);
const N = signal.length, T = signal[0]!.length;

function flat(cols: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(N * T);
  cols.forEach((c, a) => out.set(c, a * T));
  return out;
}
const out = new URL("./.out/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const result = informationCoefficient(signal, forward);
writeFileSync(`${out}ic_signal.f64`, new Uint8Array(flat(signal).buffer));
writeFileSync(`${out}ic_forward.f64`, new Uint8Array(flat(forward).buffer));
writeFileSync(`${out}ic_deno.f64`, new Uint8Array(result.ic.buffer));
writeFileSync(`${out}ic_shape.json`, JSON.stringify({ assets: N, rows: T }));
let defined = 0;
for (const v of result.ic) if (Number.isFinite(v)) defined++;
console.error(`IC bench: ${N} assets x ${T} rows, ${defined} cross-sections with an IC`);

Deno.bench({
  name: `Spearman IC, ${N} assets x ${T} cross-sections`,
  group: "ic",
  baseline: true,
  warmup: 5,
  n: 30,
  fn() {
    informationCoefficient(signal, forward);
  },
});

Deno.bench({
  name: `Pearson IC, ${N} assets x ${T} cross-sections`,
  group: "ic",
  warmup: 5,
  n: 30,
  fn() {
    informationCoefficient(signal, forward, { method: "pearson" });
  },
});

Deno.bench({
  name: "icDecay, 7 horizons (forward returns + Spearman IC + HAC summary each)",
  group: "decay",
  warmup: 2,
  n: 10,
  fn() {
    icDecay(signal, panel.logReturns);
  },
});
