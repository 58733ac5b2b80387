/**
 * Rolling annualized volatility and Sharpe (lib/backtest/metrics/rolling.ts): causal (a
 * perturbation test: change the returns after bar t, nothing at or before t moves) and equal
 * to pandas rolling windows (oracle: tests/oracles/rolling_risk.py, pandas 1.5.3 on Debian
 * /usr/bin/python3, real BTC/USDT hourly returns with missing bars).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { rollingRisk } from "@lib/backtest/metrics/rolling.ts";

interface Oracle {
  readonly ppy: number;
  readonly returns: (number | null)[];
  readonly windows: Record<string, { volatility: (number | null)[]; sharpe: (number | null)[] }>;
}
const oracle = JSON.parse(
  readFileSync(new URL("../oracles/rolling_risk.json", import.meta.url), "utf8"),
) as Oracle;
const returns = Float64Array.from(oracle.returns, (x) => x ?? NaN);

function closeTo(got: Float64Array, want: (number | null)[], label: string): void {
  assert.equal(got.length, want.length, label);
  for (let t = 0; t < got.length; t++) {
    const w = want[t];
    if (w === null || w === undefined) {
      assert.ok(Number.isNaN(got[t]!), `${label}[${t}]: pandas NaN, got ${got[t]}`);
      continue;
    }
    const tol = 1e-9 * Math.max(1, Math.abs(w));
    assert.ok(Math.abs(got[t]! - w) <= tol, `${label}[${t}]: ${got[t]} vs pandas ${w}`);
  }
}

Deno.test("rolling volatility and Sharpe equal pandas rolling(w) on real returns with gaps", () => {
  for (const [w, want] of Object.entries(oracle.windows)) {
    const got = rollingRisk(returns, Number(w), oracle.ppy);
    closeTo(got.volatility, want.volatility, `volatility w=${w}`);
    closeTo(got.sharpe, want.sharpe, `sharpe w=${w}`);
    // the missing bars make their windows NaN (min_periods = w), in both
    assert.ok(Number.isNaN(got.volatility[101 + Number(w) - 1]!));
  }
  const w24 = rollingRisk(returns, 24, oracle.ppy).volatility;
  assert.ok(Number.isFinite(w24[101 + 24]!) && Number.isNaN(w24[250 + 23]!));
});

Deno.test("rolling volatility and Sharpe are causal: changing returns after t moves nothing at or before t", () => {
  const w = 24, n = returns.length;
  const base = rollingRisk(returns, w, oracle.ppy);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let checked = 0;
  for (let t = 0; t < n - 1; t++) {
    const changed = Float64Array.from(returns);
    // after t: other values, a few missing, one huge move
    for (let u = t + 1; u < n; u++) changed[u] = rand() < 0.05 ? NaN : (rand() - 0.5) * 0.1;
    changed[t + 1] = 5;
    const got = rollingRisk(changed, w, oracle.ppy);
    for (let u = 0; u <= t; u++) {
      assert.ok(Object.is(got.volatility[u], base.volatility[u]), `volatility[${u}] moved, t=${t}`);
      assert.ok(Object.is(got.sharpe[u], base.sharpe[u]), `sharpe[${u}] moved, t=${t}`);
    }
    // and the change is seen at t + 1 where its window is complete (the test can fail)
    if (Number.isFinite(got.volatility[t + 1]!)) {
      assert.notEqual(got.volatility[t + 1], base.volatility[t + 1]);
      checked++;
    }
  }
  assert.ok(checked > 400, `the change after t was seen at ${checked} bars`);
});
