/**
 * The event strategy: causal (data after t never moves a target at or before t), held by the
 * engine (lag 1) over exactly the bars eventHypotheses trades, refuses a definition that needs
 * more than bars, and resolves from a strategy spec as `deno task backtest` does.
 */
import assert from "node:assert/strict";
import { eventStrategy } from "@lib/backtest/strategies/event_strategy.ts";
import { resolveStrategy } from "@lib/pipeline/strategy_spec.ts";
import { createRng } from "@lib/stats/rng.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { eventHypotheses } from "@lib/backtest/events/event_hypotheses.ts";
import { EVENT_DEFINITIONS, eventsFromFlags } from "@lib/research/events/event_definitions.ts";

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

Deno.test("the engine, given the event strategy's targets, holds exactly the bars eventHypotheses trades", () => {
  const c = prices(4000, 3);
  const r = Float64Array.from(c, (x, t) => (t === 0 ? NaN : Math.log(x / c[t - 1]!)));
  const opts = { definition: "jump-3sd", action: "fade", holding: 6, cooldown: 24 } as const;
  const { weights } = eventStrategy({ open: [c], close: [c] }, opts);
  const bt = backtestWeights({ close: [c] }, weights, { lag: 1 });
  const def = EVENT_DEFINITIONS.find((d) => d.name === "jump-3sd")!;
  const events = eventsFromFlags(
    def.flags({ assets: ["x"], open: [c], close: [c], logReturns: [r] }),
    24,
  );
  const h = eventHypotheses(
    {
      logReturns: [r],
      index: Float64Array.from(c, (_, t) => t * 3_600_000),
      definitions: [{ name: "j", events }],
    },
    { holdingPeriods: [6], actions: ["fade"], lag: 1, bootstrap: { replications: 9 } },
  ).hypotheses[0]!;
  assert.ok(h.n > 20, `${h.n} trades`);
  // per held bar the engine earns weight x simple return; the hypothesis sums log returns per
  // trade: compare the sums of simple returns over the same held bars
  let want = 0;
  for (const e of events) {
    if (e.bar + 1 + 6 + 1 >= c.length) continue;
    for (let q = 1; q <= 6; q++) want += -e.sign * (Math.exp(r[e.bar + 1 + q]!) - 1);
  }
  const got = bt.gross.reduce((a, v) => a + (Number.isFinite(v) ? v : 0), 0);
  assert.ok(Math.abs(got - want) < 1e-9, `engine ${got}, trades ${want}`);
  assert.ok(
    Math.abs(
      h.meanGross * h.n - events.filter((e) => e.bar + 8 < c.length).reduce(
        (a, e) => {
          let s = 0;
          for (let q = 1; q <= 6; q++) s += r[e.bar + 1 + q]!;
          return a - e.sign * s;
        },
        0,
      ),
    ) < 1e-9,
  );
});
