/**
 * The trial ledger: append-only tables (triggers), the hash chain (an edit made with the
 * triggers dropped is found and the first broken row named), family closing, and recording by
 * the backtest engine and the signal validation when given a ledger.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import {
  appendTrial,
  closeTrialFamily,
  decodeSeries,
  LEDGER_GENESIS_HASH,
  listTrialFamilies,
  readTrials,
  type TrialInput,
  verifyLedger,
} from "@lib/store/trials.ts";
import { openLedger, sourceSha256 } from "@lib/research/ledger.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { icDecay } from "@lib/research/ic_decay.ts";
import { walkForward, walkForwardSplits } from "@lib/backtest/mod.ts";
import { informationCoefficient } from "@lib/research/information_coefficient.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";

const BASE: Omit<TrialInput, "params" | "series"> = {
  family: "momentum",
  kind: "returns",
  origin: "test",
  gitCommit: "abc",
  dataset: "fp",
  freq: "1h",
};

function storeWithTrials() {
  const store = openStore(":memory:");
  appendTrial(store.db, { ...BASE, params: { k: 1 }, series: [0.01, -0.02, 0.03, NaN] });
  appendTrial(store.db, { ...BASE, params: { k: 2 }, series: [0.02, 0.01, 0.03, 0.0] });
  appendTrial(store.db, { ...BASE, family: "carry", params: { k: 1 }, series: [0.0, 0.001] });
  return store;
}

Deno.test("ledger tables refuse UPDATE and DELETE (triggers)", () => {
  const { db, close } = storeWithTrials();
  for (const table of ["trials", "trial_families"]) {
    assert.throws(() => db.exec(`UPDATE ${table} SET prev_hash = 'x'`), /append-only/);
    assert.throws(() => db.exec(`DELETE FROM ${table}`), /append-only/);
  }
  closeTrialFamily(db, "carry");
  assert.throws(() => db.exec("DELETE FROM trial_family_closures"), /append-only/);
  assert.throws(() => db.exec("UPDATE trial_family_closures SET reason = 'x'"), /append-only/);
  // an insert that does not extend the chain is refused too
  assert.throws(
    () =>
      db.exec(
        `INSERT INTO trial_families (seq, name, generation, created_at, prev_hash, hash)
         VALUES (99, 'x', 1, 0, '${LEDGER_GENESIS_HASH}', 'h')`,
      ),
    /extend the hash chain/,
  );
  assert.equal(verifyLedger(db).ok, true);
  close();
});

Deno.test("verifyLedger: an intact chain, then an edit with the triggers dropped is named", () => {
  const { db, close } = storeWithTrials();
  const good = verifyLedger(db);
  // 2 family rows + 3 trials
  assert.deepEqual([good.ok, good.rows, good.firstBroken], [true, 5, null]);
  db.exec("DROP TRIGGER trials_no_update");
  // the second trial of momentum (trial_id 2, seq 3): its Sharpe made better
  db.exec("UPDATE trials SET sharpe = 9 WHERE trial_id = 2");
  const bad = verifyLedger(db);
  assert.equal(bad.ok, false);
  assert.deepEqual(
    [bad.firstBroken?.table, bad.firstBroken?.id, bad.firstBroken?.seq],
    ["trials", 2, 3],
  );
  assert.match(bad.firstBroken!.problem, /edited/);
  close();
});

Deno.test("verifyLedger: a changed series, and a recomputed row hash, are found", () => {
  const { db, close } = storeWithTrials();
  db.exec("DROP TRIGGER trials_no_update");
  const bytes = new Uint8Array(new Float64Array([0.5, 0.5, 0.5, 0.5]).buffer);
  db.prepare("UPDATE trials SET series = ? WHERE trial_id = 1").run(bytes);
  assert.equal(verifyLedger(db).firstBroken?.id, 1);
  close();
  // a forger who also rewrites the row's hash breaks the next row's prev_hash
  const s2 = storeWithTrials();
  s2.db.exec("DROP TRIGGER trials_no_update");
  s2.db.exec("UPDATE trials SET hash = 'f00' WHERE trial_id = 1");
  const v = verifyLedger(s2.db);
  assert.equal(v.firstBroken?.seq, 2);
  s2.close();
});

Deno.test("verifyLedger: a row deleted from the middle is found", () => {
  const { db, close } = storeWithTrials();
  db.exec("DROP TRIGGER trials_no_delete");
  db.exec("DELETE FROM trials WHERE trial_id = 2");
  const v = verifyLedger(db);
  assert.equal(v.ok, false);
  assert.match(v.firstBroken!.problem, /missing/);
  close();
});

Deno.test("closing a family starts a new generation; the closed one takes no more trials", () => {
  const { db, close } = storeWithTrials();
  const closed = closeTrialFamily(db, "momentum", { reason: "done" });
  assert.deepEqual([closed.generation, closed.trials, closed.next], [1, 2, "momentum#2"]);
  assert.throws(() => closeTrialFamily(db, "momentum"), /already closed/);
  assert.throws(() => closeTrialFamily(db, "nope"), /no family/);
  const t = appendTrial(db, { ...BASE, params: { k: 3 }, series: [0.01, 0.02] });
  assert.deepEqual([t.generation, t.label], [2, "momentum#2"]);
  assert.equal(readTrials(db, "momentum").length, 1); // the newest generation
  assert.equal(readTrials(db, "momentum#1").length, 2);
  const fams = listTrialFamilies(db);
  assert.deepEqual(
    fams.map((f) => [f.label, f.trials, f.closedAt === null, f.best?.params]),
    [
      ["carry", 1, true, '{"k":1}'],
      ["momentum", 2, false, '{"k":2}'], // k=2 has the higher Sharpe
      ["momentum#2", 1, true, '{"k":3}'],
    ],
  );
  // a direct insert into the closed generation is refused by its trigger
  db.exec("DROP TRIGGER trials_chain");
  assert.throws(
    () =>
      db.exec(
        `INSERT INTO trials (seq, family_id, recorded_at, kind, origin, params, git_commit,
          dataset, freq, series, n, prev_hash, hash)
         VALUES (100, 1, 0, 'returns', 'x', '{}', 'x', 'x', '1h', x'', 0, 'x', 'x')`,
      ),
    /family is closed/,
  );
  assert.equal(verifyLedger(db).ok, true);
  close();
});

Deno.test("trial summary: moments of the finite values; series kept bit for bit", () => {
  const { db, close } = openStore(":memory:");
  const series = Float64Array.of(0.01, -0.02, 0.03, 0.0, NaN, -0);
  const t = appendTrial(db, { ...BASE, params: {}, series });
  const [back] = readTrials(db, "momentum");
  assert.deepEqual(
    new Uint8Array(back!.series.buffer),
    new Uint8Array(series.buffer),
  );
  // numpy / scipy 1.10.1 on x = [.01, -.02, .03, 0, 0] (NaN dropped, -0 kept as 0):
  // mean 0.003999999999999999, std(ddof=1) 0.01816590212458495, skew(x) 0.17904216869721123,
  // kurtosis(x, fisher=False) 2.2685950413223135
  assert.equal(t.n, 5);
  assert.ok(Math.abs(t.mean - 0.004) < 1e-15);
  assert.ok(Math.abs(t.std - 0.01816590212458495) < 1e-15);
  assert.ok(Math.abs(t.sharpe - 0.004 / 0.01816590212458495) < 1e-12);
  assert.ok(Math.abs(t.skewness - 0.17904216869721123) < 1e-12);
  assert.ok(Math.abs(t.kurtosis - 2.2685950413223135) < 1e-12);
  assert.equal(back!.sharpe, t.sharpe);
  close();
});

Deno.test("backtestWeights with a ledger records exactly one trial with its net series", () => {
  const { db, close } = openStore(":memory:");
  const ledger = openLedger(db, { gitCommit: "deadbeef", now: () => 1_700_000_000_000 });
  const h = 3_600_000;
  const close_ = [Float64Array.of(100, 101, 99, 102, 103), Float64Array.of(50, 49, 51, 52, 50)];
  const index = Float64Array.from({ length: 5 }, (_, i) => i * h);
  const target = [Float64Array.of(0.5, 0.5, 0.5, 0.5, 0.5), Float64Array.of(-0.5, -0.5, 0, 0, 0)];
  const signal = (x: number) => x * 2;
  const r = backtestWeights({ close: close_, index }, target, {
    costs: [feeCost({ venue: "binance" })],
    ledger,
    trial: { family: "pairs", params: { z: 2 }, source: signal, dataset: "fp123" },
  });
  const trials = readTrials(db, "pairs");
  assert.equal(trials.length, 1);
  const t = trials[0]!;
  assert.deepEqual([...t.series], [...r.net]);
  assert.equal(t.kind, "returns");
  assert.equal(t.origin, "backtestWeights");
  assert.equal(t.freq, "1h");
  assert.equal(t.dataset, "fp123");
  assert.equal(t.gitCommit, "deadbeef");
  assert.equal(t.recordedAt, 1_700_000_000_000);
  assert.equal(t.sourceSha256, sourceSha256(signal));
  assert.deepEqual(JSON.parse(t.params), {
    z: 2,
    lag: 1,
    rebalance: "every-bar",
    initialEquity: 1_000_000,
    costs: ["fees"],
  });
  // no ledger: nothing recorded; a ledger without a trial name is refused
  backtestWeights({ close: close_, index }, target);
  assert.equal(db.prepare("SELECT count(*) AS n FROM trials").get()?.n, 1);
  assert.throws(() => backtestWeights({ close: close_, index }, target, { ledger }), /trial/);
  // the input's identity stands in for a dataset fingerprint when none is given
  backtestWeights({ close: close_, index }, target, { ledger, trial: { family: "pairs" } });
  assert.match(readTrials(db, "pairs")[1]!.dataset, /^input:[0-9a-f]{64}$/);
  assert.equal(verifyLedger(db).ok, true);
  close();
});

Deno.test("decodeSeries refuses a blob that is not float64", () => {
  assert.throws(() => decodeSeries(new Uint8Array(7)), /not a float64 array/);
});

Deno.test("icDecay with a ledger records one IC trial per horizon with its IC series", () => {
  const { db, close } = openStore(":memory:");
  const ledger = openLedger(db, { gitCommit: "abc" });
  const T = 60, N = 8;
  const r = Array.from(
    { length: N },
    (_, a) => Float64Array.from({ length: T }, (_, t) => Math.sin(a * 7.1 + t * 3.3) / 100),
  );
  const signal = r.map((x) => Float64Array.from(x, (_, t) => (x[t + 1] ?? NaN) + 0.001 * t));
  const rows = icDecay(signal, r, [1, 4], {
    ledger,
    trial: { family: "peek", params: { name: "next" }, freq: "1h", dataset: "fp" },
  });
  const trials = readTrials(db, "peek");
  assert.equal(trials.length, 2);
  for (const [i, h] of [1, 4].entries()) {
    const t = trials[i]!;
    const { ic } = informationCoefficient(signal, forwardReturns(r, h));
    assert.deepEqual([...t.series], [...ic]);
    assert.equal(t.kind, "ic");
    assert.equal(t.origin, "icDecay");
    assert.deepEqual(JSON.parse(t.params), {
      name: "next",
      horizon: h,
      method: "spearman",
      minAssets: 5,
    });
    assert.ok(Math.abs(t.mean - rows[i]!.mean) < 1e-15);
  }
  // without a ledger nothing is recorded and the summaries are the same
  assert.deepEqual(icDecay(signal, r, [1, 4]), rows);
  assert.equal(db.prepare("SELECT count(*) AS n FROM trials").get()?.n, 2);
  close();
});

Deno.test("the same evaluation again is not a new trial (a report re-run)", () => {
  const { db, close } = openStore(":memory:");
  const a = appendTrial(db, { ...BASE, params: { k: 1 }, series: [0.01, 0.02, NaN] });
  const b = appendTrial(db, {
    ...BASE,
    gitCommit: "other",
    params: { k: 1 },
    series: [0.01, 0.02, NaN],
  });
  assert.deepEqual([a.repeated, b.repeated, b.trialId], [false, true, a.trialId]);
  const c = appendTrial(db, { ...BASE, params: { k: 1 }, series: [0.01, 0.03, NaN] });
  assert.equal(c.repeated, false);
  assert.equal(readTrials(db, "momentum").length, 2);
  // after closing, the same evaluation counts in the new generation
  closeTrialFamily(db, "momentum");
  const d = appendTrial(db, { ...BASE, params: { k: 1 }, series: [0.01, 0.02, NaN] });
  assert.deepEqual([d.repeated, d.label], [false, "momentum#2"]);
  assert.equal(verifyLedger(db).ok, true);
  close();
});

Deno.test("walkForward with a ledger records each parameter set's whole-data backtest once", () => {
  const { db, close } = openStore(":memory:");
  const ledger = openLedger(db, { gitCommit: "abc" });
  let p = 100;
  const closes = [
    Float64Array.from({ length: 400 }, (_, t) => (p *= 1 + 0.01 * Math.sin(t * 1.7))),
  ];
  const index = Float64Array.from({ length: 400 }, (_, t) => t * 3_600_000);
  const strategy = (lb: number, d: { close: readonly Float64Array[] }) =>
    d.close.map((c) => c.map((x, t) => (t >= lb && x > c[t - lb]! ? 1 : 0)));
  walkForward({
    data: { close: closes, index },
    strategy,
    paramGrid: [2, 5, 10],
    splits: walkForwardSplits({ bars: 400, trainBars: 100, folds: 3 }),
    ledger,
    trial: { family: "ma-filter", params: { asset: "x" } },
  });
  const trials = readTrials(db, "ma-filter");
  assert.deepEqual(trials.map((t) => JSON.parse(t.params).param), [2, 5, 10]);
  for (const [i, lb] of [2, 5, 10].entries()) {
    const expected = backtestWeights({ close: closes, index }, strategy(lb, { close: closes }));
    assert.deepEqual([...trials[i]!.series], [...expected.net]);
    assert.equal(trials[i]!.sourceSha256, sourceSha256(strategy));
    assert.equal(JSON.parse(trials[i]!.params).asset, "x");
  }
  close();
});
