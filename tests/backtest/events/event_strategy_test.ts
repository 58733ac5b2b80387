/**
 * The event strategy: causal (data after t never moves a target at or before t), refuses a
 * definition that needs more than bars, and resolves from a strategy spec as `deno task
 * backtest` does.
 */
import assert from "node:assert/strict";
import { eventStrategy } from "@lib/backtest/strategies/event_strategy.ts";
import { resolveStrategy } from "@lib/pipeline/strategy_spec.ts";
import { createRng } from "@lib/stats/rng.ts";

function prices(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const c = new Float64Array(n);
  c[0] = 100;
  for (let t = 1; t < n; t++) c[t] = c[t - 1]! * Math.exp(0.01 * rng.studentT(3));
  return c;
}

Deno.test("eventStrategy is causal", () => {
  const c = prices(3000, 1);
  const base = eventStrategy({ open: [c], close: [c] }, { definition: "jump-3sd", holding: 6 })
    .weights[0]!;
  assert.ok(base.some((w) => w !== 0), "some events");
  for (const cut of [1000, 2000, 2500]) {
    const d = c.slice();
    const other = prices(3000, 7);
    for (let t = cut + 1; t < 3000; t++) d[t] = other[t]! * 3;
    const w = eventStrategy({ open: [d], close: [d] }, { definition: "jump-3sd", holding: 6 })
      .weights[0]!;
    assert.deepEqual(w.subarray(0, cut + 1), base.subarray(0, cut + 1));
  }
});

Deno.test("eventStrategy refuses a definition that needs funding, naming the bar-based ones", () => {
  const c = prices(100, 1);
  assert.throws(
    () => eventStrategy({ open: [c], close: [c] }, { definition: "funding-high-2z" }),
    /bar-based event definition \(.*jump-4sd.*\), got "funding-high-2z", which needs funding/,
  );
  assert.throws(
    () => eventStrategy({ open: [c], close: [c] }, { action: "buy" }),
    /action must be long, short or fade/,
  );
});

Deno.test("resolveStrategy runs an event config on one asset and checks its parameters", () => {
  const s = resolveStrategy({
    strategy: "event",
    assets: ["BTCUSDT"],
    params: { definition: "gap-1pct", action: "long", holding: 4 },
  }, ["BTCUSDT", "ETHUSDT"]);
  assert.equal(s.params.cooldown, 24);
  assert.match(s.label, /^event gap-1pct long on BTCUSDT/);
  const all = resolveStrategy({ strategy: "event", params: { definition: "jump-3sd" } }, [
    "BTCUSDT",
    "ETHUSDT",
  ]);
  assert.deepEqual(all.assets, ["BTCUSDT", "ETHUSDT"]);
  assert.throws(
    () =>
      resolveStrategy({
        strategy: "event",
        assets: ["BTCUSDT"],
        params: { definition: "oi-shock-4z" },
      }, ["BTCUSDT"]),
    /definition must be one of .*jump-4sd/,
  );
});
