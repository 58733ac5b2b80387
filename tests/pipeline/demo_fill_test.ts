/**
 * The demo and the notebook fill a store through the same path (review finding C9), and the
 * demo refuses a store whose sim 1h/1d bars were not built by the materializer from its own
 * 1-minute bars.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { listSeries, readBars, writeBars } from "@lib/store/bars.ts";
import { fingerprintBars } from "@lib/store/fingerprint.ts";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { fillDemoStore, planDemoStore } from "@lib/pipeline/demo_fill.ts";
import { runDemo } from "@lib/pipeline/demo_run.ts";
import { sliceBars } from "@lib/core/types.ts";

const SMALL = { assets: 3, days: 2 } as const;
const GIT = { commit: "unknown", dirty: null } as const;
const FRESH = /--db <fresh file>/;

Deno.test("the notebook's step-by-step plan fills the store exactly as the demo does", () => {
  const a = openStore(":memory:"), b = openStore(":memory:");
  const plan = planDemoStore(a.db, SMALL);
  const labels = plan.steps.map((s) => s.label);
  assert.match(labels[0]!, /^simulating 3 assets x 2 days of 1-minute bars \(seed 42\)$/);
  assert.deepEqual(labels.slice(2), [
    "building 1h bars of 3 assets from 1m bars",
    "building 1d bars of 3 assets from 1h bars",
  ]);
  assert.throws(() => plan.result(), /run every step/);
  for (const s of plan.steps) s.run();
  fillDemoStore(b.db, SMALL);
  for (const freq of ["1m", "1h", "1d"] as const) {
    assert.equal(
      fingerprintBars(a.db, { venue: "sim", freq }).sha256,
      fingerprintBars(b.db, { venue: "sim", freq }).sha256,
      freq,
    );
  }
  // the demo after the notebook: nothing new to write, the report is built on the same bars
  const r = runDemo(a.db, { ...SMALL, git: GIT });
  assert.equal(r.minuteBars.inserted, 0);
  assert.equal(
    r.model.manifest.datasetFingerprint,
    runDemo(b.db, { ...SMALL, git: GIT }).model.manifest.datasetFingerprint,
  );
  a.close();
  b.close();
});

Deno.test("a store with sim hourly bars written directly (old notebook) is refused before any write", () => {
  const s = openStore(":memory:");
  writeSimMarket(s.db, simulateMarket({ seed: 42, assets: 1, freq: "1h", bars: 48 }));
  assert.throws(() => runDemo(s.db, { ...SMALL, git: GIT }), (e: Error) => {
    assert.match(e.message, /sim 1h bars of BTCSIM but no 1-minute bars/);
    assert.match(e.message, FRESH);
    return true;
  });
  assert.equal(listSeries(s.db, { venue: "sim", freq: "1m" }).length, 0, "nothing was written");
  s.close();
});

Deno.test("a sim hourly bar from another source next to the demo's own is refused", () => {
  // an extra hour the materializer did not build (after the last 1-minute bar)
  const s = openStore(":memory:");
  const f = fillDemoStore(s.db, SMALL);
  const one = sliceBars(readBars(s.db, { venue: "sim", symbol: "SIMA", freq: "1h" }), 0, 1);
  one.ts[0] = f.to;
  writeBars(s.db, one, { source: "notebook" });
  assert.throws(() => fillDemoStore(s.db, SMALL), (e: Error) => {
    assert.match(e.message, /1h bars of SIMA were not all built by the materializer/);
    assert.match(e.message, FRESH);
    return true;
  });
  s.close();

  // a bar with other values at an hour the materializer builds: the venue's bar is kept
  const t = openStore(":memory:");
  fillDemoStore(t.db, SMALL);
  const h = readBars(t.db, { venue: "sim", symbol: "ETHSIM", freq: "1h" });
  const bad = sliceBars(h, 0, 1);
  bad.close[0] = bad.close[0]! * 1.01;
  bad.high[0] = Math.max(bad.high[0]!, bad.close[0]!);
  writeBars(t.db, bad, { source: "notebook", onConflict: "replace" });
  assert.throws(() => runDemo(t.db, { ...SMALL, git: GIT }), FRESH);
  t.close();
});
