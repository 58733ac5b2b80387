/**
 * eventHypotheses: the cluster-robust t against statsmodels 0.13.5 OLS cov_type="cluster"
 * (tests/oracles/event_hypotheses.py), BH/BY across the whole family against
 * multipletests fdr_bh/fdr_by, costs from lib/backtest/costs, each gate's failure, regime
 * conditions and the trial ledger.
 */
import assert from "node:assert/strict";
import {
  clusterT,
  eventHypotheses,
  topClusterShare,
} from "@lib/backtest/events/event_hypotheses.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { benjaminiHochberg } from "@lib/stats/benjamini_hochberg.ts";
import { benjaminiYekutieli } from "@lib/stats/benjamini_yekutieli.ts";
import { createRng } from "@lib/stats/rng.ts";
import { openStore } from "@lib/store/db.ts";
import { listTrialFamilies, readTrials } from "@lib/store/trials.ts";
import { openLedger } from "@lib/research/ledger.ts";

// deno-lint-ignore no-explicit-any
const O: any = JSON.parse(
  Deno.readTextFileSync(new URL("../../oracles/event_hypotheses.json", import.meta.url)),
);

Deno.test("clusterT equals statsmodels OLS with clustered standard errors (CR1, t with G - 1 df)", () => {
  for (const c of O.cases) {
    const r = clusterT(Float64Array.from(c.x), Int32Array.from(c.bars));
    assert.ok(Math.abs(r.mean - c.mean) < 1e-14);
    assert.ok(Math.abs(r.se - c.se) < 1e-12 * Math.max(1, c.se), `se ${r.se} vs ${c.se}`);
    assert.ok(Math.abs(r.pValue - c.pValue) < 1e-9, `p ${r.pValue} vs ${c.pValue}`);
    assert.equal(r.clusters, c.clusters);
  }
});

Deno.test("clusterT with maxLag equals statsmodels hac-groupsum (Driscoll-Kraay, cluster correction)", () => {
  for (const c of O.driscollKraay) {
    const r = clusterT(Float64Array.from(c.x), Int32Array.from(c.days), c.maxLag);
    assert.ok(Math.abs(r.mean - c.mean) < 1e-14);
    assert.ok(Math.abs(r.se - c.se) < 1e-12 * Math.max(1, c.se), `se ${r.se} vs ${c.se}`);
    // maxLag 0 (CR1) ignores the covariance between neighbouring days: another number
    const cr1 = clusterT(Float64Array.from(c.x), Int32Array.from(c.days));
    assert.ok(Math.abs(cr1.se - r.se) > 1e-9, `${cr1.se} vs ${r.se}`);
  }
  // lags are in id units: a day with no trade is a zero sum, so days 0 and 2 are 2 apart
  const x = Float64Array.of(1, 2, 3, 4);
  const a = clusterT(x, Int32Array.of(0, 2, 4, 6), 1);
  const b = clusterT(x, Int32Array.of(0, 2, 4, 6), 0);
  assert.equal(a.se, b.se);
  assert.notEqual(clusterT(x, Int32Array.of(0, 1, 2, 3), 1).se, b.se);
});

Deno.test("topClusterShare: the share of the total from the k best clusters", () => {
  const x = Float64Array.of(3, 1, -1, 0.5, 0.5);
  const ids = Int32Array.of(0, 1, 2, 3, 3);
  // cluster sums 3, 1, -1, 1; total 4; best one 3 -> 75%, best two 4 -> 100%
  assert.equal(topClusterShare(x, ids, 1), 0.75);
  assert.equal(topClusterShare(x, ids, 2), 1);
  // a negative total: the best are the most negative
  assert.equal(topClusterShare(Float64Array.of(-2, 1, -1), Int32Array.of(0, 1, 2), 1), 1);
  assert.ok(Number.isNaN(topClusterShare(Float64Array.of(1, -1), Int32Array.of(0, 1), 1)));
});

Deno.test("hypotheses with no trade are left out of the BH/BY family", () => {
  const n = 3000;
  const r = market(n, 2, 5);
  const index = Float64Array.from({ length: n }, (_, t) => t * H);
  const events = [];
  for (let b = 100; b < n - 40; b += 29) events.push({ asset: b % 2, bar: b, sign: 1 });
  // the regime is never "b": every hypothesis conditioned on it has no trade
  const regime = { name: "r", labels: ["a", "b"], state: new Int8Array(n) };
  const out = eventHypotheses(
    { logReturns: r, index, definitions: [{ name: "x", events }], regime },
    { holdingPeriods: [4], actions: ["long", "short"], bootstrap: { replications: 99 } },
  );
  assert.equal(out.hypotheses.length, 6);
  assert.equal(out.family, 4);
  assert.equal(out.empty, 2);
  const empty = out.hypotheses.filter((h) => h.n === 0);
  assert.deepEqual(empty.map((h) => h.condition), ["r=b", "r=b"]);
  assert.ok(empty.every((h) => Number.isNaN(h.pBY) && Number.isNaN(h.pBH)));
  const full = out.hypotheses.filter((h) => h.n > 0);
  const by = benjaminiYekutieli(Float64Array.from(full, (h) => h.pValue));
  full.forEach((h, i) => assert.equal(h.pBY, by[i]));
});

Deno.test("the FDR functions used match statsmodels multipletests fdr_bh / fdr_by", () => {
  const bh = benjaminiHochberg(Float64Array.from(O.p));
  const by = benjaminiYekutieli(Float64Array.from(O.p));
  (O.bh as number[]).forEach((w, i) => assert.ok(Math.abs(bh[i]! - w) < 1e-12));
  (O.by as number[]).forEach((w, i) => assert.ok(Math.abs(by[i]! - w) < 1e-12));
});

const H = 3_600_000;
function market(n: number, assets: number, seed: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from(
    { length: assets },
    () => Float64Array.from({ length: n }, () => 0.01 * rng.normal()),
  );
}

Deno.test("family-wide adjustment, gates with reasons, costs and the ledger", () => {
  const n = 6000;
  const r = market(n, 4, 3);
  const index = Float64Array.from({ length: n }, (_, t) => t * H);
  // "drift": +1% over the 4 bars after each event (found); "tiny": +0.15% (eaten by 0.2% fees);
  // "rare": 10 events (too few)
  const drift = [];
  const tiny = [];
  const rare = [];
  for (let b = 100, k = 0; b < n - 40; b += 37, k++) {
    const a = k % 4;
    for (let s = 2; s <= 5; s++) r[a]![b + s] = r[a]![b + s]! + 0.0025;
    drift.push({ asset: a, bar: b, sign: 1 });
  }
  for (let b = 110, k = 0; b < n - 40; b += 7, k++) {
    const a = k % 4;
    for (let s = 2; s <= 5; s++) r[a]![b + s] = r[a]![b + s]! + 0.000375;
    tiny.push({ asset: a, bar: b, sign: 1 });
  }
  for (let b = 120; b < 1200; b += 108) rare.push({ asset: 1, bar: b, sign: 1 });
  const { db } = openStore(":memory:");
  const ledger = openLedger(db, { gitCommit: "unknown" });
  const fees = feeCost({ venue: "binance" }); // 0.1% taker each way
  const regime = {
    name: "vol",
    labels: ["calm", "wild"],
    state: Int8Array.from({ length: n }, (_, t) => (t % 1000 < 500 ? 0 : 1)),
  };
  const out = eventHypotheses(
    {
      logReturns: r,
      index,
      definitions: [{ name: "drift", events: drift }, { name: "tiny", events: tiny }, {
        name: "rare",
        events: rare,
      }],
      costs: [fees],
      regime,
      dataset: "test",
    },
    { holdingPeriods: [4, 8], bootstrap: { replications: 199 }, ledger },
  );
  // 3 definitions x 2 holdings x 2 actions (one-signed: no fade) x 3 conditions
  assert.equal(out.family, 36);
  assert.equal(out.hypotheses.length, 36);
  const raw = Float64Array.from(out.hypotheses, (h) => (Number.isNaN(h.pValue) ? 1 : h.pValue));
  const by = benjaminiYekutieli(raw);
  out.hypotheses.forEach((h, i) => assert.equal(h.pBY, by[i]));
  const get = (d: string, c: string, a: string, h: number) =>
    out.hypotheses.find((x) =>
      x.definition === d && x.condition === c && x.action === a && x.holding === h
    )!;
  const found = get("drift", "all", "long", 4);
  assert.ok(found.promoted, found.failures.join("; "));
  assert.ok(Math.abs(found.meanGross - 0.01) < 0.003, `${found.meanGross}`);
  assert.ok(Math.abs(found.meanCost - 0.002) < 1e-12, `round trip fees ${found.meanCost}`);
  assert.ok(
    get("drift", "vol=calm", "long", 4).n + get("drift", "vol=wild", "long", 4).n === found.n,
  );
  assert.deepEqual(Object.keys(found.byRegime), ["calm", "wild"]);
  assert.ok(get("drift", "all", "short", 4).failureKinds.includes("negative expectancy"));
  const eaten = get("tiny", "all", "long", 4);
  assert.ok(eaten.failureKinds.includes("eaten by costs"), eaten.failures.join("; "));
  const few = get("rare", "all", "long", 4);
  assert.ok(
    few.failures.some((f) => f.startsWith("too few events (10 < 30)")),
    few.failures.join("; "),
  );
  // every hypothesis is a trial of its definition's family
  const fams = listTrialFamilies(db).map((f) => f.name).sort();
  assert.deepEqual(fams, ["event:drift", "event:rare", "event:tiny"]);
  assert.equal(readTrials(db, "event:drift").length, 12);
  const t = readTrials(db, "event:drift").find((x) => x.seq === found.trialSeq)!;
  assert.equal(t.series.length, found.n);
  db.close();
});

Deno.test("an effect that reverses in the second half is unstable", () => {
  const n = 6000;
  const r = market(n, 2, 8);
  const events = [];
  for (let b = 100, k = 0; b < n - 40; b += 23, k++) {
    const d = b < n / 2 ? 0.004 : -0.002;
    for (let s = 2; s <= 5; s++) r[k % 2]![b + s] = r[k % 2]![b + s]! + d;
    events.push({ asset: k % 2, bar: b, sign: 1 });
  }
  const out = eventHypotheses(
    {
      logReturns: r,
      index: Float64Array.from({ length: n }, (_, t) => t * H),
      definitions: [{ name: "early", events }],
    },
    { holdingPeriods: [4], actions: ["long"], bootstrap: { replications: 199 } },
  );
  const h = out.hypotheses[0]!;
  assert.ok(h.firstHalf > 0.01 && h.secondHalf < -0.004 && h.meanNet > 0, JSON.stringify(h));
  assert.ok(h.failureKinds.includes("unstable"), h.failures.join("; "));
});

Deno.test("eventHypotheses rejects bad options, naming them", () => {
  const inputs = {
    logReturns: [new Float64Array(10)],
    index: new Float64Array(10),
    definitions: [],
  };
  assert.throws(
    () => eventHypotheses(inputs, { holdingPeriods: [0] }),
    /holding periods must be integers >= 1/,
  );
  assert.throws(() => eventHypotheses(inputs, { alpha: 1 }), /alpha must be in \(0, 1\)/);
  assert.throws(
    () => eventHypotheses(inputs, { minEvents: 1 }),
    /minEvents must be an integer >= 2/,
  );
});
