/**
 * `buildCosts` (what `deno task backtest --fees/--spread/--impact/--funding` build): stored spot
 * quotes price the half-spread where there is a quote younger than one bar and the OHLC estimate
 * fills in elsewhere; unknown venues, funding without history and bad sources are refused with
 * the flag to change; the impact inputs never price a trade whose volatility is unknown.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeSpotSnapshots } from "@lib/store/snapshots.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import { buildCosts, CostSpecError } from "@lib/pipeline/cost_spec.ts";

const H = 3_600_000, T = 12;
const index = Float64Array.from({ length: T }, (_, t) => t * H);
const close = [0, 1].map((k) =>
  Float64Array.from({ length: T }, (_, t) => 100 * (1 + 0.01 * Math.sin(t + k)))
);
const panel = fromColumns({
  venue: "binance",
  freq: "1h",
  assets: ["BTCUSDT", "ETHUSDT"],
  index,
  close,
  high: close.map((c) => c.map((x) => x * 1.01)),
  low: close.map((c) => c.map((x) => x * 0.99)),
  volume: close.map((c) => c.map(() => 1000)),
});

function costAt(model: { cost: (b: never, out: Float64Array) => void }, t: number) {
  const out = new Float64Array(2);
  const traded = Float64Array.of(0.5, 0.5);
  model.cost({ t, ts: index[t]!, traded, held: traded, equity: 1e6 } as never, out);
  return out;
}

Deno.test("buildCosts: stored quotes price the spread, the OHLC estimate fills in", () => {
  const { db } = openStore(":memory:");
  // BTC quoted 4 bp wide at bar 5's open; ETH never quoted
  writeSpotSnapshots(db, [{
    venue: "binance",
    symbol: "BTCUSDT",
    ts: 5 * H,
    price: 100,
    bid: 99.98,
    ask: 100.02,
    volume24h: undefined,
  }], { source: "test" });
  const built = buildCosts({ spread: "quotes", fees: "none" }, panel, db);
  assert.deepEqual(built.models.map((m) => m.name), ["spread"]);
  assert.match(built.notes[0]!, /1 stored quotes/);
  const withQuote = costAt(built.models[0]!, 5);
  // half of 4 bp on a trade of half the equity
  assert.ok(Math.abs(withQuote[0]! - 0.5 * 0.0002) < 1e-12, `${withQuote[0]}`);
  // without a quote (ETH, or BTC once the quote is older than a bar) the estimate is used
  const est = buildCosts({ spread: "corwin-schultz", fees: "none" }, panel, db);
  const e9 = costAt(est.models[0]!, 9), q9 = costAt(built.models[0]!, 9);
  assert.deepEqual([...q9], [...e9]);
  assert.equal(costAt(built.models[0]!, 5)[1], costAt(est.models[0]!, 5)[1]);
  assert.notEqual(withQuote[0], costAt(est.models[0]!, 5)[0]);
});

Deno.test("buildCosts: fees of the dataset's venue by default, refusals name the flag", () => {
  const c = buildCosts({ impact: true }, panel, undefined);
  assert.deepEqual(c.models.map((m) => m.name), ["fees", "impact"]);
  assert.equal(c.resolved.fees, "binance");
  assert.equal(c.resolved.spread, "none");
  // the impact inputs are in their warm-up on 12 bars: the participation cap fills nothing
  // there (the engine calls capTrade before pricing), so no trade is priced without sigma
  const impact = c.models[1] as unknown as {
    capTrade: (t: number, e: number, d: ArrayLike<number>, o: Float64Array) => Float64Array;
  };
  const filled = impact.capTrade(6, 1e6, [0.5, -0.5], new Float64Array(2));
  assert.ok(filled.every((x) => x === 0), `${filled}`);
  assert.throws(() => buildCosts({ fees: "nowhere" }, panel, undefined), CostSpecError);
  assert.throws(
    () => buildCosts({ fees: "nowhere" }, panel, undefined),
    /pass --fees with one of binance/,
  );
  assert.throws(
    () => buildCosts({ funding: true }, panel, undefined),
    /--funding reads the stored funding history/,
  );
  assert.throws(
    () => buildCosts({ spread: "guess" as never }, panel, undefined),
    /spread must be one of none, quotes/,
  );
  assert.deepEqual(buildCosts({ fees: "none" }, panel, undefined).models, []);
});

Deno.test("buildCosts: impact where ADV is known but sigma is not fills nothing and never throws", () => {
  // every 4th close missing: 375 closes (ADV known, >= 360) but only 250 returns (sigma not)
  const n = 500;
  const c = Float64Array.from({ length: n }, (_, t) => (t % 4 === 3 ? NaN : 100 + Math.sin(t)));
  const p = fromColumns({
    venue: "binance",
    freq: "1h",
    assets: ["X"],
    index: Float64Array.from({ length: n }, (_, t) => t * H),
    close: [c],
    volume: [Float64Array.from(c, () => 1000)],
  });
  const impact = buildCosts({ impact: true, fees: "none" }, p, undefined).models[0] as unknown as {
    capTrade: (t: number, e: number, d: ArrayLike<number>, o: Float64Array) => Float64Array;
    cost: (b: unknown, out: Float64Array) => void;
  };
  // at every bar, what the cap lets through is priced without an error
  for (let t = 0; t < n; t++) {
    const filled = impact.capTrade(t, 1e6, [0.5], new Float64Array(1));
    const out = new Float64Array(1);
    impact.cost({ t, ts: t * H, traded: filled, held: filled, equity: 1e6 }, out);
    assert.ok(out[0]! >= 0, `bar ${t}`);
  }
});
