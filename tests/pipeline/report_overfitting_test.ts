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
    // momentum_24's trials were recorded first: momentum_12 keeps its place k, and N counts
    // every IC trial of the family, also those recorded after it (issue 10, finding 1)
    assert.ok(stored.every((t) => t.kind === "ic"));
    assert.match(
      String(t12.rows[0]![2]),
      new RegExp(`^trial ${k} of ${stored.length} in family signal:momentum `),
    );
    // momentum_24, recorded first, is not "trial 1 of 1"
    const t24 = sec.blocks.find((b) =>
      b.type === "table" && b.id === "overfitting-momentum-24-verdict"
    );
    assert.ok(t24 !== undefined && t24.type === "table");
    assert.match(
      String(t24.rows[0]![2]),
      new RegExp(`^trial 1 of ${stored.length} in family signal:momentum `),
    );
    // the null-suite position: p-value, percentile and rank, and the histogram with the real
    // value marked (19 seeded runs per placebo by default)
    const row = (name: string) => t12.rows.find((r) => r[0] === name);
    const p = row("Null-suite p-value")![1] as number;
    assert.ok(p >= 1 / 20 && p <= 1, `null p ${p}`);
    assert.match(
      String(row("Null-suite p-value")![2]),
      /19 [a-z-]+ placebo runs of the mean rank IC at 1 bars \(seed 0;/,
    );
    assert.match(String(row("Null-suite percentile")![2]), /rank \d+ of 20/);
    const hist = sec.blocks.find((b) =>
      b.type === "table" && b.id === "overfitting-momentum-12-null-histogram"
    );
    assert.ok(hist !== undefined && hist.type === "table");
    assert.equal(hist.rows.reduce((a, r) => a + (r[2] as number), 0), 19);
    assert.equal(hist.rows.filter((r) => r[4] === "<- here").length, 1);
    const trials = sec.blocks.find((b) =>
      b.type === "table" && b.id === "overfitting-momentum-12-trials"
    );
    assert.ok(trials !== undefined && trials.type === "table");
    assert.deepEqual(
      trials.rows.map((r) => [r[0], r[1]]),
      stored.map((t) => [t.trialId, t.hash]),
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

    // fewer placebo runs, recorded in the manifest so verify-report re-renders the same bytes;
    // 0 runs none and says so
    const few = runReport(s.db, { ...opts, nullRuns: 9 }).model;
    assert.equal(few.manifest.params.nullRuns, 9);
    const fewSec = few.sections.find((x) => x.id === "overfitting")!;
    const fewHist = fewSec.blocks.find((b) =>
      b.type === "table" && b.id === "overfitting-momentum-12-null-histogram"
    );
    assert.ok(fewHist !== undefined && fewHist.type === "table");
    assert.equal(fewHist.rows.reduce((a, r) => a + (r[2] as number), 0), 9);
    const dir9 = join(s.dir, "rep9");
    writeReport(dir9, few);
    assert.ok(
      verifyReportRun(dir9, s).checks.every((c) => c.status === "ok"),
      "verify-report with --null-runs 9",
    );
    const none = runReport(s.db, { ...opts, nullRuns: 0 }).model;
    const noneT = none.sections.find((x) => x.id === "overfitting")!.blocks.find((b) =>
      b.type === "table" && b.id === "overfitting-momentum-12-verdict"
    );
    assert.ok(noneT !== undefined && noneT.type === "table");
    assert.deepEqual(noneT.rows.find((r) => r[0] === "Null-suite p-value")!.slice(1), [
      null,
      "no null suite: none was run (--null-runs 0), or the statistic has no finite value on this data",
    ]);
  } finally {
    s.cleanup();
  }
});

Deno.test("signal report (--signal-file path): the IC trial's verdict with its null-suite position; a planted signal beats every placebo", () => {
  const s = tempStore();
  try {
    bars(s.db);
    const base = runReport(s.db, { freq: "1h", git: GIT }).dataset.panel;
    // the next bar's log return, known today: an IC near 1 that no placebo reaches
    const planted = base.logReturns.map((r) => Float64Array.from(r, (_, t) => r[t + 1] ?? NaN));
    const family = "signal-file:planted.csv";
    const opts = {
      freq: "1h" as const,
      horizons: [1],
      git: GIT,
      nullRuns: 19,
      signal: {
        input: planted,
        options: { ledger: openLedger(s.db, { gitCommit: "unknown" }), trial: { family } },
      },
    };
    const m = runReport(s.db, opts).model;
    const sec = m.sections.find((x) => x.id === "overfitting");
    assert.ok(sec !== undefined);
    assert.match(
      (sec.blocks[0] as { text: string }).text,
      /rank IC series at horizon 1 .*not the long-short returns/,
    );
    const t = sec.blocks.find((b) => b.type === "table" && b.id === "overfitting-verdict");
    assert.ok(t !== undefined && t.type === "table");
    // N counts the family's IC series only: the long-short returns trial is left out
    const stored = readTrials(s.db, family);
    const ic = stored.filter((x) => x.kind === "ic").length;
    assert.equal(stored.length, ic + 1);
    assert.match(
      String(t.rows[0]![2]),
      new RegExp(
        `^trial 1 of ${ic} in family ${family} .*not counted: 1 of another kind or frequency ` +
          "\\(return series\\)$",
      ),
    );
    assert.equal(t.rows.find((r) => r[0] === "Null-suite p-value")![1], 1 / 20);
    assert.match(String(t.rows.find((r) => r[0] === "Null-suite percentile")![2]), /rank 1 of 20/);
    // the sentence says it too
    assert.match(
      (sec.blocks[1] as { text: string }).text,
      /placebos with no information beat it in 0% of runs \(null-suite p = 0\.050\)\.$/,
    );
    assert.equal(m.manifest.params.nullRuns, 19);
    // built again without a ledger (as verify-report would): the same section, found in the store
    const again =
      runReport(s.db, { ...opts, signal: { input: planted, options: { trial: { family } } } })
        .model;
    assert.deepEqual(again.sections.find((x) => x.id === "overfitting"), sec);
    // a family the ledger does not hold: a note, no verdict
    const none = runReport(s.db, {
      ...opts,
      signal: { input: planted, options: { trial: { family: "signal-file:other.csv" } } },
    }).model;
    const note = none.sections.find((x) => x.id === "overfitting")!.blocks[0]!;
    assert.equal(note.type, "note");
  } finally {
    s.cleanup();
  }
});
