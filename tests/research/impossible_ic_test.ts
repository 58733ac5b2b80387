/**
 * impossibleIc: the thresholds by hand, and on the real NFI panel every library signal passes
 * (no false alarm on causal signals, at every horizon of the tear sheet) while a signal that
 * is the next bar's return, a partly leaked one and its negative are flagged.
 */
import assert from "node:assert/strict";
import {
  IMPOSSIBLE_IC_THRESHOLDS,
  impossibleIc,
  impossibleIcWarning,
} from "@lib/research/impossible_ic.ts";
import { icDecay } from "@lib/research/ic_decay.ts";
import { SIGNAL_NAMES, SIGNALS } from "@lib/research/signals/mod.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiPanel } from "./_nfi_panel.ts";

const row = (
  o: Partial<{ horizon: number; mean: number; std: number; hitRate: number; n: number }>,
) => ({
  horizon: 1,
  mean: 0.02,
  std: 0.3,
  hitRate: 0.52,
  n: 500,
  ...o,
});

Deno.test("impossibleIc: each threshold on its own, and too few bars judge nothing", () => {
  const th = IMPOSSIBLE_IC_THRESHOLDS;
  assert.deepEqual([th.minBars, th.absMean, th.consistentMean, th.absIr, th.hitRate], [
    30,
    0.8,
    0.2,
    2,
    0.98,
  ]);
  assert.equal(impossibleIc([row({})]).length, 0);
  assert.deepEqual(impossibleIc([row({ mean: -0.85, std: 0.5, hitRate: 0.1 })])[0]!.reasons, [
    "|mean IC| 0.850 >= 0.8",
  ]);
  assert.deepEqual(impossibleIc([row({ mean: 0.3, std: 0.1, hitRate: 0.9 })])[0]!.reasons, [
    "|mean / std| 3.00 >= 2",
  ]);
  assert.deepEqual(impossibleIc([row({ mean: 0.3, std: 0.5, hitRate: 0.99 })])[0]!.reasons, [
    "hit rate 99.0% >= 98%",
  ]);
  assert.deepEqual(impossibleIc([row({ mean: -0.3, std: 0.5, hitRate: 0.01 })])[0]!.reasons, [
    "hit rate 1.0% <= 2%",
  ]);
  assert.equal(impossibleIc([row({ mean: 1, std: 0, hitRate: 1, n: 29 })]).length, 0);
  // a steady but small IC (a wide universe's causal signal) is not flagged
  assert.equal(impossibleIc([row({ mean: 0.05, std: 0.02, hitRate: 0.99 })]).length, 0);
  assert.equal(impossibleIc([row({ mean: NaN, n: 0 })]).length, 0);
  assert.equal(impossibleIcWarning([]), null);
});

realDataTest("impossibleIc on NFI bars: library signals pass, future returns are flagged", () => {
  const full = nfiPanel();
  // 40 assets (BTC and ETH among them, for the factor signals) x 2,000 bars keeps it short
  const names = [
    "BTCUSDT",
    "ETHUSDT",
    ...full.assets.filter((a) => a !== "BTCUSDT" && a !== "ETHUSDT").slice(0, 38),
  ];
  const cols = names.map((a) => full.assets.indexOf(a));
  const pick = (f: readonly Float64Array[]) => cols.map((a) => f[a]!.slice(0, 2000));
  const panel = fromColumns({
    freq: full.freq,
    venue: full.venue,
    assets: names,
    index: full.index.slice(0, 2000),
    open: pick(full.open),
    high: pick(full.high),
    low: pick(full.low),
    close: pick(full.close),
    volume: pick(full.volume),
  });
  const horizons = [1, 2, 4, 8, 12, 24];
  for (const name of SIGNAL_NAMES) {
    const sig = SIGNALS[name].compute(panel);
    const found = impossibleIc(icDecay(sig, panel.logReturns, horizons));
    assert.deepEqual(found, [], name);
  }
  // the next bar's log return, dated at this bar: IC 1 at h = 1
  const next = panel.logReturns.map((r) => Float64Array.from(r, (_, t) => r[t + 1] ?? NaN));
  const flagged = impossibleIc(icDecay(next, panel.logReturns, horizons));
  assert.deepEqual(flagged.map((f) => f.horizon).slice(0, 1), [1]);
  assert.ok(flagged[0]!.mean > 0.99);
  assert.match(
    impossibleIcWarning(flagged)!,
    /^This signal looks like it uses future data: .*h=1: mean IC 1\.000/,
  );
  // half the next return plus noise of the same size: no IC of 1, still impossible
  const rng = createRng(3);
  const leaky = next.map((c) => Float64Array.from(c, (x) => x + 0.01 * (rng.next() - 0.5)));
  const f2 = impossibleIc(icDecay(leaky, panel.logReturns, [1]));
  assert.equal(f2.length, 1);
  assert.ok(f2[0]!.mean < 0.99);
  // the negative (short the winners of the next bar) too
  const neg = next.map((c) => c.map((x) => -x));
  assert.equal(impossibleIc(icDecay(neg, panel.logReturns, [1]))[0]!.hitRate, 0);
});
