/**
 * The research report's overfitting verdict: built with a ledger, each signal's IC trial at the
 * first horizon is judged against its family `signal:<family>` (trial k of N, with trial_id and
 * trial_hash); verify-report re-renders it byte for byte from the ledger and checks the trials;
 * without a ledger entry the report has no such section.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { tempStore } from "../_shared/tmp_store.ts";
import { allocBars } from "@lib/core/types.ts";
import { writeBars } from "@lib/store/bars.ts";
import { readTrials } from "@lib/store/trials.ts";
import { openLedger } from "@lib/research/ledger.ts";
import { runReport } from "@lib/pipeline/report_run.ts";
import { writeReport } from "@lib/report/write.ts";
import { verifyReportRun } from "@lib/pipeline/verify_report_run.ts";
import { createRng } from "@lib/stats/rng.ts";

const GIT = { commit: "unknown", dirty: null };

function bars(db: DatabaseSync): void {
  const h = 3_600_000, n = 400;
  const rng = createRng(3);
  for (
    const [k, symbol] of ["BTCUSDT", "ETHUSDT", "ADAUSDT", "XRPUSDT", "LTCUSDT", "LINKUSDT"]
      .entries()
  ) {
    const b = allocBars({ venue: "x", symbol, freq: "1h" }, n);
    let p = 100 * (k + 1);
    for (let i = 0; i < n; i++) {
      p *= Math.exp(0.01 * rng.normal());
      b.ts[i] = i * h;
      b.open[i] =
        b.high[i] =
        b.low[i] =
        b.close[i] =
          p;
      b.volume[i] = 1;
    }
    writeBars(db, b, { source: "test" });
  }
}

Deno.test("research report with a ledger: an overfitting verdict per signal that verify-report re-renders", () => {
  const s = tempStore();
  try {
    bars(s.db);
    const opts = {
      freq: "1h" as const,
      signals: ["momentum_24", "momentum_12"],
      horizons: [1, 4],
      git: GIT,
    };
    // before any trial is recorded: no verdict
    const plain = runReport(s.db, opts).model;
    assert.ok(!plain.sections.some((x) => x.id === "overfitting"));

    const m = runReport(s.db, { ...opts, ledger: openLedger(s.db, { gitCommit: "unknown" }) })
      .model;
    const sec = m.sections.find((x) => x.id === "overfitting");
    assert.ok(sec !== undefined, "an overfitting section");
    const stored = readTrials(s.db, "signal:momentum");
    // every horizon of the IC decay is a trial; the verdict is about the first report horizon
    const k = stored.findIndex((t) => {
      const q = JSON.parse(t.params);
      return q.signal === "momentum_12" && q.horizon === 1;
    }) + 1;
    assert.ok(k > 1 && stored.length > 4, `${k} of ${stored.length}`);
    const t12 = sec.blocks.find((b) =>
      b.type === "table" && b.id === "overfitting-momentum-12-verdict"
    );
    assert.ok(t12 !== undefined && t12.type === "table");
    // momentum_24's trials were recorded first: momentum_12 is judged against those before it
    assert.match(
      String(t12.rows[0]![2]),
      new RegExp(`^trial ${k} of ${k} in family signal:momentum `),
    );
    const trials = sec.blocks.find((b) =>
      b.type === "table" && b.id === "overfitting-momentum-12-trials"
    );
    assert.ok(trials !== undefined && trials.type === "table");
    assert.deepEqual(
      trials.rows.map((r) => [r[0], r[1]]),
      stored.slice(0, k).map((t) => [t.trialId, t.hash]),
    );

    const dir = join(s.dir, "rep");
    writeReport(dir, m);
    const r = verifyReportRun(dir, s);
    assert.deepEqual(r.checks.map((c) => [c.name, c.status]), [
      ["hashes", "ok"],
      ["fingerprint", "ok"],
      ["re-render", "ok"],
      ["ledger", "ok"],
    ], JSON.stringify(r.checks));
  } finally {
    s.cleanup();
  }
});
