/**
 * runEvents on a store with perp data written through lib/store (funding, open interest,
 * liquidations): each planted perp event is flagged at the bar its data is known (a funding rate
 * at the bar whose close follows its funding time, open interest at the bar of its stamp, a
 * liquidation in the bar of its trade time), and changing every stored value after bar t moves no
 * event at or before t (the alignment from the store is causal end to end).
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { writeFunding } from "@lib/store/perp_funding.ts";
import { writeOpenInterest } from "@lib/store/perp_open_interest.ts";
import { writeLiquidations } from "@lib/store/perp_liquidations.ts";
import { allocBars } from "@lib/core/types.ts";
import { liquidationsOnGrid, runEvents } from "@lib/pipeline/events_run.ts";
import { writeRegimeRun } from "@lib/store/regimes.ts";
import { createRng } from "@lib/stats/rng.ts";

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const N = 1200;
const SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const V = "binance_futures";

/** A store of bars and perp data; values after bar `cut` come from a different seed. */
function store(cut: number) {
  const { db } = openStore(":memory:");
  SYMBOLS.forEach((symbol, a) => {
    const rng = createRng(a + 1);
    const alt = createRng(a + 101);
    // both streams advance on every draw, so the values up to the cut are the same whatever it is
    const draw = (t: number) => {
      const x = rng.normal(), y = alt.normal();
      return t > cut ? y : x;
    };
    const b = allocBars({ venue: V, symbol, freq: "1h" }, N);
    let p = 100;
    for (let t = 0; t < N; t++) {
      const o = p;
      p *= Math.exp(0.01 * draw(t));
      b.ts[t] = T0 + t * H;
      b.open[t] = o;
      b.close[t] = p;
      b.high[t] = Math.max(o, p);
      b.low[t] = Math.min(o, p);
      b.volume[t] = 1;
    }
    writeBars(db, b, { source: "test" });
    // funding every 8 hours, stamped 17 ms after the hour; SOL's rate at bar 1000 is extreme
    const funding = [];
    for (let t = 0; t < N; t += 8) {
      const spike = symbol === "SOLUSDT" && t === 1000;
      funding.push({ fundingTime: T0 + t * H + 17, rate: spike ? 0.01 : 1e-4 + 2e-5 * draw(t) });
    }
    writeFunding(db, funding, { venue: V, symbol, source: "test" });
    // open interest stamped at each bar's open; ETH's drops 40% at bar 900
    let oi = 1e6;
    const rows = [];
    for (let t = 0; t < N; t++) {
      oi *= Math.exp(0.005 * draw(t)) * (symbol === "ETHUSDT" && t === 900 ? 0.6 : 1);
      rows.push({ ts: T0 + t * H, openInterest: oi });
    }
    writeOpenInterest(db, rows, { venue: V, symbol, period: "1h", source: "test" });
    // small liquidations through bars 200..1150; BTC longs liquidated in size at bar 800
    const liq = [];
    for (let t = 200; t < 1150; t += 3) {
      const big = symbol === "BTCUSDT" && t === 800;
      const qty = big ? 500 : 1 + Math.abs(draw(t));
      liq.push({
        symbol,
        ts: T0 + t * H + 1234,
        side: big || t % 2 === 0 ? "sell" as const : "buy" as const,
        orderType: "LIMIT",
        timeInForce: "IOC",
        price: 100,
        avgPrice: 100,
        qty,
        lastFilledQty: qty,
        filledQty: qty,
        status: "FILLED",
        eventTime: T0 + t * H + 1300,
      });
    }
    writeLiquidations(db, liq, { venue: V, source: "test" });
  });
  return db;
}

const OPTS = {
  freq: "1h" as const,
  replications: 19,
  holdingPeriods: [4],
  git: { commit: "unknown", dirty: null },
};

Deno.test("runEvents flags planted funding, open-interest and liquidation events where they are known", () => {
  const db = store(N);
  const r = runEvents(db, OPTS);
  const ev = (name: string) => r.workflow.definitions.find((d) => d.name === name)!;
  for (const name of ["funding-high-3z", "oi-shock-4z", "liquidation-cascade-5z"]) {
    assert.equal(ev(name).available, true, name);
  }
  const sol = SYMBOLS.indexOf("SOLUSDT"), eth = SYMBOLS.indexOf("ETHUSDT");
  const btc = SYMBOLS.indexOf("BTCUSDT");
  assert.ok(ev("funding-high-3z").events.some((e) => e.asset === sol && e.bar === 1000));
  assert.ok(ev("oi-shock-4z").events.some((e) => e.asset === eth && e.bar === 900 && e.sign < 0));
  assert.ok(
    ev("liquidation-cascade-5z").events.some((e) => e.asset === btc && e.bar === 800 && e.sign < 0),
  );
  assert.equal(ev("dislocation-3z").available, false);
  db.close();
});

Deno.test("runEvents: data after bar t never moves an event at or before t", () => {
  for (const cut of [700, 950]) {
    const a = store(N), b = store(cut);
    const ra = runEvents(a, OPTS), rb = runEvents(b, OPTS);
    ra.workflow.definitions.forEach((d, i) => {
      const before = (x: typeof d) => x.events.filter((e) => e.bar <= cut);
      assert.deepEqual(before(rb.workflow.definitions[i]!), before(d), `${d.name} at ${cut}`);
    });
    a.close();
    b.close();
  }
});

Deno.test("liquidationsOnGrid: rows after bar t (or none after it) never change a bar at or before t", () => {
  const H = 3_600_000;
  const index = Float64Array.from({ length: 100 }, (_, t) => t * H);
  const row = (t: number, side: "buy" | "sell", q: number) => ({
    ts: t * H + 10,
    side,
    filledQty: q,
    avgPrice: 10,
  });
  const all = [row(10, "sell", 1), row(20, "buy", 2), row(60, "sell", 5), row(90, "buy", 1)];
  const full = liquidationsOnGrid(index, H, all);
  assert.equal(full[20], 20);
  assert.equal(full[60], -50);
  assert.ok(Number.isNaN(full[9]!) && full[10] === -10 && full[11] === 0);
  for (const cut of [15, 30, 70]) {
    // the recorder stopped at `cut`: bars up to it are what they were (an end bound at the last
    // row, as the first version had, turned the bars after it into NaN)
    const upTo = liquidationsOnGrid(index, H, all.filter((r) => r.ts < (cut + 1) * H));
    assert.deepEqual(upTo.subarray(0, cut + 1), full.subarray(0, cut + 1), `cut ${cut}`);
  }
});

/** A regime run of `venue` over the store's grid, trained up to bar `trainEnd`; `state(t)`. */
function regimeRun(
  db: ReturnType<typeof store>,
  id: string,
  trainEnd: number | null,
  state: (t: number) => number,
  venue = V,
): void {
  const index = Float64Array.from({ length: N }, (_, t) => T0 + t * H);
  writeRegimeRun(
    db,
    {
      runId: id.repeat(64).slice(0, 64),
      method: "vol",
      venue,
      freq: "1h",
      labels: ["calm", "wild"],
      features: [],
      trainEndTs: trainEnd === null ? null : T0 + trainEnd * H,
      params: "{}",
      fit: "{}",
      datasetSha256: "d".repeat(64),
      datasetRows: N,
      modelVersion: "test",
      codeVersion: null,
      source: "test",
      ingestRunId: null,
      createdAt: 0,
    },
    index,
    [{
      asset: "*",
      state: Int8Array.from({ length: N }, (_, t) => state(t)),
      probabilities: [],
      features: [],
    }],
  );
}

Deno.test("regime conditions use only a run's out-of-sample states (perturbing the training states moves nothing)", () => {
  // two runs alike after their training end (bar 600), different before it (as when the
  // thresholds fitted on bars after an event would label it otherwise); before the fix every
  // state was used, so the conditional hypotheses differed
  const stateAfter = (t: number) => (Math.floor(t / 50) % 2);
  const results = ["a", "b"].map((id, k) => {
    const db = store(N);
    regimeRun(db, id, 600, (t) => (t <= 600 ? (k === 0 ? 0 : 1) : stateAfter(t)));
    const r = runEvents(db, { ...OPTS, minEvents: 2 });
    db.close();
    return r;
  });
  const [a, b] = results.map((r) => r.workflow.hypotheses.hypotheses);
  assert.equal(a!.length, b!.length);
  a!.forEach((h, i) => {
    const g = b![i]!;
    assert.deepEqual([g.condition, g.n, g.meanNet], [h.condition, h.n, h.meanNet], h.condition);
  });
  // no event at or before the training end is in a condition
  const w = results[0]!.workflow;
  for (const h of a!.filter((x) => x.condition !== "all" && x.n > 0)) {
    const all = a!.find((x) =>
      x.condition === "all" && x.definition === h.definition && x.action === h.action &&
      x.holding === h.holding
    )!;
    assert.ok(h.n <= all.n, `${h.definition} ${h.condition}`);
  }
  const jump = w.definitions.find((d) => d.family === "jump" || d.name.startsWith("jump"))!;
  const late = jump.events.filter((e) => e.bar > 600 && e.bar + 1 + 4 + 1 < N).length;
  const cond = a!.filter((x) =>
    x.definition === jump.name && x.condition !== "all" && x.action === "long"
  ).reduce((s, x) => s + x.n, 0);
  assert.equal(cond, late);
  assert.match(JSON.stringify(results[0]!.model), /only its out-of-sample states/);
});

Deno.test("a regime run of another venue or period is refused, one trained past the window too", () => {
  const db = store(N);
  regimeRun(db, "c", 600, (t) => t % 2, "kraken");
  assert.throws(
    () => runEvents(db, { ...OPTS, regimeRun: "c".repeat(64) }),
    (e: Error & { flag?: string }) =>
      e.flag === "regime-run" &&
      /is of kraken 1h bars, the events run on binance_futures 1h/.test(e.message),
  );
  regimeRun(db, "e", 600, (t) => t % 2);
  assert.throws(
    () => runEvents(db, { ...OPTS, regimeRun: "e".repeat(64), to: T0 + 500 * H }),
    /trained on bars up to 2025-01-26, so every state in the events' window \(to 2025-01-21\) is in sample/,
  );
  // the default run (newest of the venue) with no out-of-sample bar in the window is skipped, said
  const r = runEvents(db, { ...OPTS, to: T0 + 500 * H });
  assert.equal(r.model.manifest.params.regimeRun, null);
  assert.match(JSON.stringify(r.model), /have no out-of-sample state in this window/);
  db.close();
});

Deno.test("funding stored outside the window is named, not called missing", () => {
  // funding only for bars 1000..1199; the window ends at bar 800
  const db = store(N);
  db.exec(`DELETE FROM funding_rates WHERE funding_time < ${T0 + 1000 * H}`);
  const r = runEvents(db, { ...OPTS, to: T0 + 800 * H });
  const f = r.workflow.definitions.find((d) => d.name === "funding-high-3z")!;
  assert.equal(f.available, false);
  assert.match(
    f.reason!,
    /funding rates are stored on binance_futures for 3 of these assets, but only from 2025-02-11T16:00Z to 2025-02-19T16:00Z, outside the window 2025-01-01T00:00Z to 2025-02-03T08:00Z/,
  );
  db.close();
  // none stored at all: the old message
  const db2 = store(N);
  db2.exec("DELETE FROM funding_rates");
  const r2 = runEvents(db2, OPTS);
  assert.match(
    r2.workflow.definitions.find((d) => d.name === "funding-high-3z")!.reason!,
    /the store has no funding rates/,
  );
  db2.close();
});
