/**
 * DEX execution on a Uniswap v2 constant-product pool.
 *
 * References: the v2 formula `out = in * 997 * R_out / (R_in * 1000 + in * 997)`
 * (UniswapV2Library.getAmountOut) and its test vector in=1, R_in=5, R_out=10 ->
 * 1.662497915624478906 (exact to double precision); exact rational arithmetic with BigInt for
 * other integer inputs; the cost against mid worked by hand.
 */
import assert from "node:assert/strict";
import { uniswapV2AmountOut } from "@lib/backtest/costs/uniswap_v2.ts";
import { dexPoolCost } from "@lib/backtest/costs/dex_pool_cost.ts";
import { createRng } from "@lib/stats/rng.ts";

Deno.test("the Uniswap v2 test vector, exactly to double precision", () => {
  const out = uniswapV2AmountOut(1, 5, 10);
  assert.equal(out, Number("1.662497915624478906"));
  assert.equal(out, (1 * 997 * 10) / (5 * 1000 + 1 * 997)); // the contract's own form
  assert.equal(out, 9970 / 5997);
});

/** The exact quotient a/b rounded to the nearest double, from BigInt long division. */
function exactRatio(a: bigint, b: bigint): number {
  const scale = 10n ** 40n;
  const q = (a * scale) / b;
  const s = q.toString().padStart(41, "0");
  return Number(`${s.slice(0, -40)}.${s.slice(-40)}`);
}

Deno.test("getAmountOut equals the exact rational on random integer pools (BigInt)", () => {
  const rng = createRng(9);
  for (let k = 0; k < 500; k++) {
    const rin = BigInt(1 + Math.floor(rng.next() * 1e9));
    const rout = BigInt(1 + Math.floor(rng.next() * 1e9));
    const amountIn = BigInt(1 + Math.floor(rng.next() * 1e6));
    const want = exactRatio(amountIn * 997n * rout, rin * 1000n + amountIn * 997n);
    const got = uniswapV2AmountOut(Number(amountIn), Number(rin), Number(rout));
    assert.ok(Math.abs(got - want) <= Math.abs(want) * 2 ** -52, `${got} vs ${want}`);
  }
});

Deno.test("the pool cost is fee plus price impact against the mid (worked by hand)", () => {
  // pool 100 ETH / 300,000 USDC (mid 3,000); equity $1m
  const model = dexPoolCost({ reserveBase: [[100]], reserveQuote: [[300_000]] });
  const cost = (w: number, equity = 1e6) => {
    const out = new Float64Array(1);
    model.cost({ t: 0, ts: 0, traded: Float64Array.of(w), held: Float64Array.of(w), equity }, out);
    return out[0]!;
  };
  // buy $30,000: out = 30000*997*100/(300000*1000 + 30000*997) = 2,991,000,000/329,910,000
  //   = 9.066108938801491 ETH, worth 27,198.326816404475 at the mid: cost $2,801.67
  //   (exact fractions, Python `fractions.Fraction`): 0.002801673183595526 of equity
  const tokens = 2_991_000_000 / 329_910_000;
  assert.ok(Math.abs(cost(0.03) - (30_000 - tokens * 3000) / 1e6) < 1e-15);
  assert.ok(Math.abs(cost(0.03) - 0.002801673183595526) < 1e-15);
  // sell $30,000 worth at the mid = 10 ETH: out = 10*997*300000/(100*1000 + 10*997)
  //   = 2,991,000,000/109,970 = 27,198.326816404475 USDC: the same cost (for a buy and a
  //   sell of the same value both reduce to 0.997 Q R_q / (R_q + 0.997 Q))
  assert.ok(Math.abs(cost(-0.03) - (30_000 - 2_991_000_000 / 109_970) / 1e6) < 1e-15);
  assert.ok(Math.abs(cost(-0.03) - 0.002801673183595526) < 1e-15);
  // a tiny trade pays the 0.30% fee and almost no impact
  assert.ok(Math.abs(cost(1e-9) / 1e-9 - 0.003) < 1e-6);
  assert.ok(Math.abs(cost(-1e-9) / 1e-9 - 0.003) < 1e-6);
  // size-dependent: 10x the capital more than 10x the cost in money
  assert.ok(cost(0.03, 1e7) * 1e7 > 10 * cost(0.03) * 1e6);
});

Deno.test("dexPoolCost skips assets without a pool and refuses unknown reserves", () => {
  const model = dexPoolCost({
    reserveBase: [undefined, [NaN, 10]],
    reserveQuote: [undefined, [NaN, 10]],
    feeBps: 5,
  });
  const out = new Float64Array(2);
  const bar = (t: number) => ({
    t,
    ts: 0,
    traded: Float64Array.of(0.5, 0.001),
    held: Float64Array.of(0.5, 0.001),
    equity: 1,
  });
  model.cost(bar(1), out);
  assert.equal(out[0], 0);
  assert.ok(out[1]! > 0.0005 * 0.001);
  assert.throws(() => model.cost(bar(0), new Float64Array(2)), /reserves NaN \/ NaN/);
  assert.throws(
    () => dexPoolCost({ reserveBase: [[1]], reserveQuote: [undefined] }),
    /same columns/,
  );
  assert.throws(() => uniswapV2AmountOut(1, 0, 1), /reserves must be positive/);
});
