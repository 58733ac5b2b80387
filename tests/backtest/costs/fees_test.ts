/**
 * Maker/taker fees per venue. Reference: the venues' published default-tier schedules recorded
 * in lib/backtest/costs/fee_schedule.ts (source page and date per venue); the cost is
 * `rate * |traded|`, checked by hand.
 */
import assert from "node:assert/strict";
import { VENUE_FEES, venueFee } from "@lib/backtest/costs/fee_schedule.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";

const bar = (traded: number[]) => ({
  t: 3,
  ts: 0,
  traded: Float64Array.from(traded),
  held: new Float64Array(traded.length),
  equity: 5e4,
});

Deno.test("every venue states its tier, source page and date, and maker <= taker", () => {
  for (const [venue, fee] of Object.entries(VENUE_FEES)) {
    assert.ok(fee.source.startsWith("https://"), venue);
    assert.match(fee.asOf, /^\d{4}-\d{2}$/, venue);
    assert.ok(fee.tier.length > 0, venue);
    assert.ok(fee.maker >= 0 && fee.maker <= fee.taker && fee.taker < 0.02, venue);
  }
  assert.equal(venueFee("binance", "maker"), 0.001);
  assert.equal(venueFee("binance-usdm", "maker"), 0.0002);
  assert.equal(venueFee("binance-usdm", "taker"), 0.0005);
  assert.equal(venueFee("kraken", "taker"), 0.004);
  assert.equal(feeCost({ venue: "kraken" }).rate, 0.004);
  assert.deepEqual([...feeCost({ venue: ["kraken", "binance"] }).rates], [0.004, 0.001]);
});

Deno.test("each default rate names the pages that confirmed it on its check date", () => {
  for (const [venue, fee] of Object.entries(VENUE_FEES)) {
    assert.match(fee.checked.date, /^\d{4}-\d{2}-\d{2}$/, venue);
    for (const page of fee.checked.pages) assert.ok(page.startsWith("https://"), venue);
    assert.equal(fee.checked.confirmed === "none", fee.checked.pages.length === 0, venue);
    assert.ok(fee.checked.note.length > 0, venue);
  }
  // the rates the issue names, as the pages found on 2026-12-06 state them
  const confirmed = (v: string) => VENUE_FEES[v]!.checked.confirmed;
  assert.deepEqual([VENUE_FEES.binance!.maker, VENUE_FEES.binance!.taker, confirmed("binance")], [
    0.001,
    0.001,
    "both",
  ]);
  assert.deepEqual(
    [
      VENUE_FEES["binance-usdm"]!.maker,
      VENUE_FEES["binance-usdm"]!.taker,
      confirmed("binance-usdm"),
    ],
    [0.0002, 0.0005, "both"],
  );
  assert.deepEqual(
    [VENUE_FEES.coinbase!.maker, VENUE_FEES.coinbase!.taker, confirmed("coinbase")],
    [0.006, 0.012, "both"],
  );
  assert.deepEqual([VENUE_FEES.kraken!.taker, confirmed("kraken")], [0.004, "taker"]);
  assert.deepEqual(
    [VENUE_FEES["uniswap-v2"]!.taker, confirmed("uniswap-v2")],
    [0.003, "both"],
  );
});

Deno.test("fees are rate * |traded| per asset, taker by default, maker when asked", () => {
  const out = new Float64Array(3);
  feeCost({ venue: "binance-usdm" }).cost(bar([0.2, -0.1, 0]), out);
  assert.deepEqual([...out], [0.2 * 0.0005, 0.1 * 0.0005, 0]);
  out.fill(0);
  feeCost({ venue: "binance-usdm", liquidity: "maker" }).cost(bar([0.2, -0.1, 0]), out);
  assert.deepEqual([...out], [0.2 * 0.0002, 0.1 * 0.0002, 0]);
});

Deno.test("one venue per asset, overrides replace the default tier, rebates are income", () => {
  const model = feeCost({
    venue: ["binance", "kraken", "vip"],
    overrides: { vip: { maker: -0.0001, taker: 0.0002 }, kraken: { maker: 0.0016, taker: 0.0026 } },
    liquidity: "maker",
    name: "exchange fees",
  });
  assert.equal(model.name, "exchange fees");
  const out = new Float64Array(3);
  model.cost(bar([1, -1, 0.5]), out);
  assert.deepEqual([...out], [0.001, 0.0016, -0.00005]);
  assert.throws(() => model.cost(bar([1]), new Float64Array(1)), /built for 3 assets/);
});

Deno.test("an unknown venue or an implausible rate is refused with the known venues", () => {
  assert.throws(() => feeCost({ venue: "nowhere" }), /known venues are binance, binance-usdm/);
  assert.throws(
    () => feeCost({ venue: "x", overrides: { x: { maker: 0.1, taker: 10 } } }),
    /between -0.01 \(a rebate\) and 0.1, got 10/,
  );
});
