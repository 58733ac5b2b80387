/**
 * screenPairs and rollingCointegration against statsmodels 0.13.5 on real Binance hourly log
 * prices (the first 12 assets of the NFI universe: 66 pairs, ragged listings, missing candles);
 * see tests/oracles/pairs.py part B for the exact calls. Plus recovery of planted cointegrated
 * pairs among random walks, the nominal rejection rate of independent random walks, and the
 * refusal of returns.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { screenPairs } from "@lib/research/pairs/screen_pairs.ts";
import { rollingCointegration } from "@lib/research/pairs/rolling_cointegration.ts";
import { engleGranger } from "@lib/stats/engle_granger.ts";
import { benjaminiHochberg } from "@lib/stats/benjamini_hochberg.ts";
import { createRng, type Rng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { logOf, nfiCloses } from "./_pairs_data.ts";

interface OraclePair {
  y: string;
  x: string;
  nobs: number;
  statistic: number;
  pValue: number;
  hedgeRatio: number;
  intercept: number;
  halfLife: number | null;
  phi: number;
  returnCorrelation: number;
  bh: number;
  by: number;
}
const oracle = JSON.parse(
  readFileSync(new URL("../oracles/pairs.json", import.meta.url), "utf8"),
).b as {
  names: string[];
  firstTs: number;
  gridLength: number;
  pairs: OraclePair[];
  ct: { y: string; x: string; statistic: number; pValue: number }[];
  rollingPair: [string, string];
  rolling: { end: number; nobs: number; statistic: number; pValue: number; hedgeRatio: number }[];
};

function close(actual: number, expected: number, tol: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs statsmodels ${expected}`,
  );
}

function universe() {
  const g = nfiCloses(12);
  assert.deepEqual(g.names, oracle.names);
  assert.equal(g.firstTs, oracle.firstTs);
  assert.equal(g.length, oracle.gridLength);
  return { names: g.names, logPrices: g.closes.map(logOf) };
}

realDataTest("screenPairs equals statsmodels coint + multipletests on 66 real NFI pairs", () => {
  const { names, logPrices } = universe();
  for (const fdr of ["bh", "by"] as const) {
    const r = screenPairs(logPrices, names, { fdr });
    assert.equal(r.tested, 66);
    assert.equal(r.skipped, 0);
    assert.equal(r.pairs.length, 66);
    for (let k = 1; k < r.pairs.length; k++) {
      assert.ok(r.pairs[k - 1]!.pValue <= r.pairs[k]!.pValue);
    }
    const byKey = new Map(r.pairs.map((p) => [`${p.y}/${p.x}`, p]));
    let rejected = 0;
    for (const o of oracle.pairs) {
      const p = byKey.get(`${o.y}/${o.x}`);
      assert.ok(p, `pair ${o.y}/${o.x} missing (y must be the earlier asset)`);
      assert.equal(p.nobs, o.nobs);
      // statsmodels 0.13.5 coint(y, x, trend="c", autolag="aic") on df[[y, x]].dropna():
      // pinv-based OLS vs QR and a Cholesky lag search vs per-lag refits agree to ~1e-10 on
      // the statistic; the p-value is a smooth polynomial of it. 1e-8 is rounding, not slack.
      close(p.statistic, o.statistic, 1e-8, `${o.y}/${o.x} statistic`);
      close(p.pValue, o.pValue, 1e-8, `${o.y}/${o.x} pValue`);
      close(p.hedgeRatio, o.hedgeRatio, 1e-9, `${o.y}/${o.x} hedgeRatio`);
      close(p.intercept, o.intercept, 1e-9, `${o.y}/${o.x} intercept`);
      // OLS of diff(resid) on [1, resid[:-1]]: ln(0.5) / ln(1 + lambda)
      assert.ok(o.halfLife !== null, "every real pair reverts a little in sample");
      close(p.halfLife, o.halfLife!, 1e-7, `${o.y}/${o.x} halfLife`);
      // pandas Series.corr of the grid log returns (pairwise complete)
      close(p.returnCorrelation, o.returnCorrelation, 1e-12, `${o.y}/${o.x} corr`);
      // multipletests(p, method="fdr_bh" | "fdr_by")[1] over all 66 p-values
      close(p.adjustedPValue, fdr === "bh" ? o.bh : o.by, 1e-8, `${o.y}/${o.x} ${fdr}`);
      if ((fdr === "bh" ? o.bh : o.by) <= 0.05) rejected++;
    }
    assert.equal(r.rejectedAtAlpha, rejected);
    assert.equal(screenPairs(logPrices, names, { fdr, maxPairs: 5 }).pairs.length, 5);
  }
});

realDataTest("screenPairs trend 'ct' and rollingCointegration equal statsmodels coint", () => {
  const { names, logPrices } = universe();
  for (const o of oracle.ct) {
    const i = names.indexOf(o.y), j = names.indexOf(o.x);
    const r = screenPairs([logPrices[i]!, logPrices[j]!], [o.y, o.x], { trend: "ct" });
    // coint(y, x, trend="ct", autolag="aic"); tolerance as above
    close(r.pairs[0]!.statistic, o.statistic, 1e-8, `${o.y}/${o.x} ct statistic`);
    close(r.pairs[0]!.pValue, o.pValue, 1e-8, `${o.y}/${o.x} ct pValue`);
  }
  const [ny, nx] = oracle.rollingPair;
  const ly = logPrices[names.indexOf(ny)]!, lx = logPrices[names.indexOf(nx)]!;
  // coint on the complete rows of grid rows end-1499..end, ends 1499, 1999, ...
  const r = rollingCointegration(ly, lx, { window: 1500, step: 500, logPrices: true });
  assert.equal(r.end.length, oracle.rolling.length);
  oracle.rolling.forEach((o, k) => {
    assert.equal(r.end[k], o.end);
    assert.equal(r.nobs[k], o.nobs);
    close(r.statistic[k]!, o.statistic, 1e-8, `window ${o.end} statistic`);
    close(r.pValue[k]!, o.pValue, 1e-8, `window ${o.end} pValue`);
    close(r.hedgeRatio[k]!, o.hedgeRatio, 1e-9, `window ${o.end} hedgeRatio`);
  });
  // The same through prices: logs taken inside.
  const viaPrices = rollingCointegration(ly.map(Math.exp), lx.map(Math.exp), {
    window: 1500,
    step: 500,
  });
  close(viaPrices.pValue[2]!, oracle.rolling[2]!.pValue, 1e-8, "rolling via prices");
});

realDataTest("screenPairs refuses log returns, naming the pair and the reason", () => {
  const { names, logPrices } = universe();
  const returns = logPrices.slice(0, 3).map((p) => p.map((v, t) => (t > 0 ? v - p[t - 1]! : NaN)));
  assert.throws(
    () => screenPairs(returns, names.slice(0, 3)),
    (e: Error) => {
      assert.match(
        e.message,
        /^Cannot screen pairs: pair AAVE ~ ADA: Cannot compute Engle-Granger/,
      );
      assert.match(e.message, /stationary by construction/);
      assert.match(e.message, /Pass log prices/);
      return true;
    },
  );
  assert.throws(() => screenPairs(logPrices.slice(0, 2), ["A"]), /2 series but 1 names/);
  assert.throws(() => screenPairs(logPrices.slice(0, 2), ["A", "A"]), /names must be unique/);
});

function walk(rng: Rng, n: number, sd = 0.01): Float64Array {
  const a = new Float64Array(n);
  a[0] = 3 * rng.next();
  for (let t = 1; t < n; t++) a[t] = a[t - 1]! + sd * rng.normal();
  return a;
}

Deno.test("recovery: planted cointegrated pairs are found with their hedge ratio and half-life", () => {
  const planted = [
    { b: 1.4, phi: 0.9, sd: 0.004 },
    { b: 0.6, phi: 0.95, sd: 0.003 },
    { b: 2.0, phi: 0.8, sd: 0.005 },
  ];
  for (const seed of [1, 2, 3]) {
    const rng = createRng(seed);
    const n = 3000;
    const walks = Array.from({ length: 15 }, () => walk(rng, n));
    // y = a + b x + s, s an AR(1) with phi: half-life ln 0.5 / ln phi. The planted y's come
    // first in the order, so each is the dependent asset of its pair.
    const ys = planted.map((p, k) => {
      const x = walks[k]!;
      const y = new Float64Array(n);
      let s = 0;
      for (let t = 0; t < n; t++) {
        s = p.phi * s + p.sd * rng.normal();
        y[t] = 0.3 + p.b * x[t]! + s;
      }
      return y;
    });
    const series = [...ys, ...walks];
    const names = [...ys.map((_, k) => `P${k}`), ...walks.map((_, i) => `W${i}`)];
    const r = screenPairs(series, names);
    assert.equal(r.tested, (18 * 17) / 2);
    const top = r.pairs.slice(0, 3);
    for (const [k, p] of planted.entries()) {
      const hit = top.find((q) => q.y === `P${k}` && q.x === `W${k}`);
      assert.ok(
        hit,
        `seed ${seed}: planted pair ${k} not in the top 3: ${top.map((q) => q.y + q.x)}`,
      );
      assert.ok(hit.adjustedPValue < 0.01, `seed ${seed} pair ${k} q=${hit.adjustedPValue}`);
      // x wanders over ~+-0.5, the spread sd is ~0.01: the OLS slope is within ~0.02
      assert.ok(
        Math.abs(hit.hedgeRatio - p.b) < 0.03,
        `seed ${seed} pair ${k} b=${hit.hedgeRatio}`,
      );
      const hl = Math.log(0.5) / Math.log(p.phi);
      // sd of the AR(1) estimate of phi with n = 3000 is sqrt((1 - phi^2) / n) ~ 0.004-0.008
      assert.ok(
        Math.abs(hit.halfLife - hl) < 0.35 * hl,
        `seed ${seed} pair ${k} hl=${hit.halfLife} vs ${hl}`,
      );
    }
    // The 105 walk-walk pairs are true nulls: after BH at 5% they are rarely rejected.
    const nullRejected = r.pairs.filter((q) => q.y.startsWith("W") && q.adjustedPValue <= 0.05);
    assert.ok(nullRejected.length <= 1, `seed ${seed}: ${nullRejected.length} null pairs rejected`);
  }
});

Deno.test("independent random walks are rejected at about the nominal rate", () => {
  // 1,500 independent pairs of Gaussian random walks, n = 1000 each: the share with p < 0.05
  // should be 0.05 (binomial sd 0.0056; MacKinnon's asymptotic surface adds ~0.005 at this n),
  // so [0.035, 0.07] fails a broken p-value but not an honest one.
  const rng = createRng(99);
  let r05 = 0, r10 = 0;
  const trials = 1500;
  for (let k = 0; k < trials; k++) {
    const r = screenPairs([walk(rng, 1000), walk(rng, 1000)], ["a", "b"]);
    const p = r.pairs[0]!.pValue;
    if (p < 0.05) r05++;
    if (p < 0.10) r10++;
  }
  assert.ok(r05 / trials > 0.035 && r05 / trials < 0.07, `5% level: ${r05 / trials}`);
  assert.ok(r10 / trials > 0.08 && r10 / trials < 0.125, `10% level: ${r10 / trials}`);
});

Deno.test("bothDirections: two tests per pair, the stronger kept, BH over 2 x min p per pair", () => {
  const rng = createRng(5);
  const s = [walk(rng, 800), walk(rng, 800), walk(rng, 800), walk(rng, 800)];
  let e = 0;
  s.push(s[1]!.map((v) => (e = 0.9 * e + 0.004 * rng.normal(), 1 + 1.3 * v + e)));
  const names = ["A", "B", "C", "D", "E"];
  const r = screenPairs(s, names, { bothDirections: true });
  assert.equal(r.tested, 10);
  assert.equal(r.pairs.length, 10);
  const all: { y: number; x: number; p: number }[] = [];
  for (let i = 0; i < 5; i++) {
    for (let j = i + 1; j < 5; j++) {
      all.push({
        y: i,
        x: j,
        p: engleGranger(s[i]!, s[j]!, { allowStationaryInputs: true }).pValue,
      });
      all.push({
        y: j,
        x: i,
        p: engleGranger(s[j]!, s[i]!, { allowStationaryInputs: true }).pValue,
      });
    }
  }
  // One hypothesis per pair (all[] holds the two directions of pair i at 2i and 2i + 1): its
  // p-value is the Bonferroni bound 2 x min over the directions, then BH over the 10 pairs.
  const perPair = Array.from({ length: 10 }, (_, i) => {
    return Math.min(1, 2 * Math.min(all[2 * i]!.p, all[2 * i + 1]!.p));
  });
  const q = benjaminiHochberg(perPair);
  for (const p of r.pairs) {
    const k = all.findIndex((t) => t.y === p.yIndex && t.x === p.xIndex);
    const other = all.findIndex((t) => t.y === p.xIndex && t.x === p.yIndex);
    assert.equal(p.pValue, all[k]!.p);
    assert.ok(all[k]!.p <= all[other]!.p, "the stronger direction is kept");
    assert.ok(Math.abs(p.adjustedPValue - q[k >> 1]!) < 1e-15);
  }
  assert.ok(new Set(["B/E", "E/B"]).has(`${r.pairs[0]!.y}/${r.pairs[0]!.x}`));
});

Deno.test("stationary assets (stablecoins) among prices: their mutual pair is skipped, not thrown", () => {
  const rng = createRng(8);
  const n = 1000;
  const peg = () => Float64Array.from({ length: n }, () => 0.001 * rng.normal());
  const r = screenPairs([walk(rng, n), peg(), walk(rng, n), peg()], ["BTC", "USDC", "ETH", "TUSD"]);
  assert.deepEqual(r.stationaryAssets, ["USDC", "TUSD"]);
  assert.equal(r.skipped, 1);
  assert.equal(r.tested, 5);
  assert.ok(!r.pairs.some((p) => p.y === "USDC" && p.x === "TUSD"));
});
