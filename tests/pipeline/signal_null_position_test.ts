/**
 * The signal null suite of the reports runs the four placebo kinds of the issue: random ranks,
 * the permutation across assets, the block shuffle and the simulated market without a planted
 * signal (before, only the middle two). A planted signal is above every placebo run of every
 * kind; the simulated market evaluates the signal's own definition when one is given.
 */
import assert from "node:assert/strict";
import { simulatedPanel } from "@lib/research/null_suite_sim.ts";
import { SIGNAL_PLACEBOS, signalNullPosition } from "@lib/pipeline/null_position.ts";
import type { Panel } from "@lib/panel/types.ts";
import { nullSuite } from "@lib/research/null_suite.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";
import { informationCoefficient } from "@lib/research/information_coefficient.ts";

Deno.test("signal null suite: four kinds, a planted signal is above all of them", () => {
  assert.deepEqual(SIGNAL_PLACEBOS, [
    "random-ranks",
    "cross-section-permutation",
    "block-shuffle",
    "simulated-market",
  ]);
  const { panel, signal } = simulatedPanel({
    seed: 5,
    assets: 8,
    freq: "1h",
    bars: 600,
    signalIc: 0.1,
  });
  const pos = signalNullPosition(panel, signal, 1, { runs: 9, minAssets: 4 })!;
  assert.deepEqual(pos.kinds!.map((k) => k.kind), [...SIGNAL_PLACEBOS]);
  for (const k of pos.kinds!) {
    assert.equal(k.runs, 9, k.kind);
    assert.equal(k.pValue, 0.1, `${k.kind}: p = ${k.pValue}`);
  }
});

Deno.test("signal null suite: the simulated market runs the given signal definition on its own panel", () => {
  const { panel, signal } = simulatedPanel({
    seed: 6,
    assets: 6,
    freq: "1h",
    bars: 300,
    signalIc: 0,
  });
  const seen: Panel[] = [];
  const def = (p: Panel) => {
    seen.push(p);
    // a 12-bar momentum on whatever panel it is given
    return p.close.map((c) =>
      Float64Array.from(c, (v, t) => (t >= 12 ? Math.log(v / c[t - 12]!) : NaN))
    );
  };
  const pos = signalNullPosition(panel, signal, 1, {
    runs: 7,
    minAssets: 4,
    simulatedSignal: def,
  })!;
  assert.equal(seen.length, 7);
  assert.ok(seen.every((p) => p !== panel && p.index.length === panel.index.length));
  const sim = pos.kinds!.find((k) => k.kind === "simulated-market")!;
  assert.ok(sim.runs === 7 && sim.pValue > 0 && sim.pValue <= 1);
});

Deno.test("signal null suite: the simulated market has as many signal-carrying assets as the panel", () => {
  // 6 assets and minAssets 5: the default simulated market's pair legs carry no signal (4 of 6
  // did), so every simulated run had no IC and the kind's p-value was 1 for a planted signal
  const { panel } = simulatedPanel({
    seed: 8,
    assets: 4,
    freq: "1h",
    bars: 400,
    signalIc: 0,
    pairs: [],
  });
  assert.equal(panel.assets.length, 6);
  const planted = panel.logReturns.map((r) => Float64Array.from(r, (_, t) => r[t + 1] ?? NaN));
  const pos = signalNullPosition(panel, planted, 1, { runs: 9, minAssets: 5 })!;
  const sim = pos.kinds!.find((k) => k.kind === "simulated-market")!;
  assert.equal(sim.runs, 9);
  assert.equal(sim.pValue, 0.1);
  assert.equal(pos.pValue, 0.1);
});

Deno.test("signal null suite: the simulated values reused for a second signal give what running them gives", () => {
  const { panel, signal } = simulatedPanel({
    seed: 10,
    assets: 6,
    freq: "1h",
    bars: 300,
    signalIc: 0.05,
    pairs: [],
  });
  const other = signal.map((c) => Float64Array.from(c, (v) => -v));
  const o = { runs: 9, minAssets: 4, seed: 3 };
  signalNullPosition(panel, signal, 1, o); // fills the cache
  const reused = signalNullPosition(panel, other, 1, o)!;
  const fwd = forwardReturns(panel.logReturns, 1);
  const pipeline = (s: readonly Float64Array[], p: Panel = panel) => {
    const f = p === panel ? fwd : forwardReturns(p.logReturns, 1);
    const ic = informationCoefficient(s, f, { minAssets: 4 }).ic.filter(Number.isFinite);
    return ic.reduce((a, b) => a + b, 0) / ic.length;
  };
  const direct = nullSuite({
    panel,
    signal: other,
    pipeline,
    runs: 9,
    seed: 3,
    kinds: SIGNAL_PLACEBOS,
    simulated: { market: { pairs: [], assets: 6, freq: "1h", bars: 300 } },
  });
  assert.deepEqual(
    reused.kinds!.map((k) => [k.kind, k.pValue, k.percentile]),
    direct.nulls.map((d) => [d.kind, d.pValue, d.percentile]),
  );
});
