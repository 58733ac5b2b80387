/**
 * The standalone participation cap `capTrade` (lib/backtest/costs/cap_trade.ts): its values, not
 * only its errors. References: the rule `sign(d) * min(|d|, cap * adv / equity)` worked by hand
 * on round numbers, and the inline cap of `squareRootImpact` (the one the engine calls, "same
 * rule" by its docs) on the causal ADV of real Binance BTC/USDT and PERL/USDT hourly bars
 * (impactInputs, itself checked against pandas in impact_test.ts).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { capTrade } from "@lib/backtest/costs/cap_trade.ts";
import { impactInputs } from "@lib/backtest/costs/impact_inputs.ts";
import { squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
import { realDataTest, realPath } from "../../_shared/real_data.ts";

Deno.test("capTrade limits each trade to cap * ADV / equity, by hand", () => {
  // equity $2m, cap 10%: ADV $3m -> at most $300k = 0.15 of equity; $1m -> 0.05; $500k -> 0.025
  const desired = [0.2, -0.08, 0.01, 0.15, -0.05, 0, 0.3, 0.1, 0.1, 0.1];
  const adv = [3e6, 1e6, 5e5, 3e6, 1e6, 3e6, 0, NaN, -1e6, Infinity];
  const out = capTrade(desired, adv, 2e6, 0.1, new Float64Array(10));
  // capped at its size, sign kept; under the cap unchanged; exactly at the cap unchanged; a
  // zero trade stays zero; unknown or non-positive ADV (0, NaN, negative, infinite): no fill
  const want = [0.15, -0.05, 0.01, 0.15, -0.05, 0, 0, 0, 0, 0];
  out.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-15, `${i}: ${v} vs ${want[i]}`));
  // twice the equity halves the cap as a weight; twice the cap doubles it
  assert.ok(Math.abs(capTrade([1], [3e6], 4e6, 0.1, new Float64Array(1))[0]! - 0.075) < 1e-15);
  assert.ok(Math.abs(capTrade([1], [3e6], 2e6, 0.2, new Float64Array(1))[0]! - 0.3) < 1e-15);
  // it writes into `out` and returns it
  const buf = new Float64Array(1);
  assert.equal(capTrade([-1], [1e6], 1e6, 0.1, buf), buf);
  assert.equal(buf[0], -0.1);
  assert.throws(
    () => capTrade([1, 2], [1], 1, 0.1, new Float64Array(2)),
    /one value per asset, got 2, 1 and 2/,
  );
  assert.throws(() => capTrade([1], [1], 0, 0.1, new Float64Array(1)), /equity must be/);
});

const CASES = JSON.parse(
  readFileSync(new URL("../../oracles/impact_inputs.json", import.meta.url), "utf8"),
) as { cases: Record<string, { path: string }> };

for (const [name, c] of Object.entries(CASES.cases)) {
  realDataTest(`capTrade equals squareRootImpact's capTrade on ${name} (real ADV)`, () => {
    const rows = JSON.parse(readFileSync(realPath(...c.path.split("/")), "utf8")) as number[][];
    const close = [Float64Array.from(rows, (r) => r[4]!)];
    const volume = [Float64Array.from(rows, (r) => r[5]!)];
    const { sigma, adv } = impactInputs({ close, volume }, { window: 168 });
    const cap = 0.05;
    const impact = squareRootImpact({ sigma, adv, participationCap: cap });
    const T = close[0]!.length;
    const a = new Float64Array(1), b = new Float64Array(1);
    let compared = 0, capped = 0;
    for (let t = 0; t < T; t += 7) {
      // the model fills nothing where sigma is unknown too; compare where it prices trades
      if (!Number.isFinite(sigma[0]![t]!)) continue;
      for (const equity of [1e5, 1e7, 1e9]) {
        for (const d of [0.5, -0.02, 1e-4]) {
          capTrade([d], [adv[0]![t]!], equity, cap, a);
          impact.capTrade(t, equity, [d], b);
          assert.equal(a[0], b[0], `bar ${t}, equity ${equity}, desired ${d}`);
          compared++;
          if (a[0] !== d) capped++;
        }
      }
    }
    // both regimes occur: the cap binds on some trades and not on others
    assert.ok(compared > 1000 && capped > 100 && compared - capped > 100, `${compared} ${capped}`);
  });
}
