import assert from "node:assert/strict";
import { overfittingVerdict, type VerdictTrial } from "@lib/research/overfitting_verdict.ts";
import { overfittingSection } from "@lib/report/sections/overfitting_section.ts";
import { openStore } from "@lib/store/db.ts";
import { appendTrial, readTrials } from "@lib/store/trials.ts";
import { createRng } from "@lib/stats/rng.ts";

// What N counts (issue 10, review findings 1 and 5): the whole family generation whatever the
// recording order, only series of the chosen trial's kind and frequency, never an all-NaN one.

function noise(seed: number, len = 300): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: len }, () => 0.0005 + 0.01 * rng.normal());
}

function trial(
  id: number,
  series: Float64Array,
  kind: "returns" | "ic" = "returns",
  freq = "1h",
): VerdictTrial {
  return {
    trialId: id,
    hash: id.toString(16).padStart(64, "0"),
    params: `{"k":${id}}`,
    dataset: "fp",
    kind,
    freq,
    series,
  };
}

Deno.test("the first-recorded variant is trial 1 of 3 once two more ran, not 1 of 1", () => {
  const fam = [trial(1, noise(1)), trial(2, noise(2)), trial(3, noise(3))];
  const v = overfittingVerdict({ family: "f", trials: fam, chosen: 1, periodsPerYear: 8760 });
  assert.equal(v.k, 1);
  assert.equal(v.n, 3);
  assert.equal(v.dsr.nTrials, 3);
  assert.ok(v.dsr.sharpeVariance > 0);
  assert.equal(v.pbo?.trials, 3);
  assert.deepEqual(v.excluded, { otherKind: 0, empty: 0, later: 0 });
  assert.equal(v.upTo, 3);
});

Deno.test("IC series, another frequency and all-NaN series are not counted with return series", () => {
  const fam = [
    trial(1, noise(1)),
    trial(2, noise(2), "ic"),
    trial(3, noise(3), "returns", "1d"),
    trial(4, new Float64Array(300).fill(NaN)),
    trial(5, noise(5)),
  ];
  const v = overfittingVerdict({ family: "f", trials: fam, chosen: 5, periodsPerYear: 8760 });
  assert.equal(v.k, 2);
  assert.equal(v.n, 2);
  assert.deepEqual(v.trials.map((t) => t.trialId), [1, 5]);
  assert.deepEqual(v.excluded, { otherKind: 2, empty: 1, later: 0 });
  assert.equal(v.pbo?.trials, 2);
  assert.equal(v.spa?.trials, 2);
  const row = overfittingSection(v).find((b) => b.type === "table" && b.id.endsWith("-verdict"));
  assert.ok(row?.type === "table");
  assert.match(
    String(row.rows[0]![2]),
    /^trial 2 of 2 in family f .*not counted: 2 of another kind or frequency .*1 with no finite value/,
  );
  // an IC trial is judged among the IC trials only
  const ic = overfittingVerdict({ family: "f", trials: fam, chosen: 2, periodsPerYear: 8760 });
  assert.equal(ic.n, 1);
  assert.equal(ic.kind, "ic");
});

Deno.test("upTo: trials recorded after a first build are not counted when it is built again", () => {
  const fam = [trial(1, noise(1)), trial(4, noise(2)), trial(9, noise(3))];
  const v = overfittingVerdict({
    family: "f",
    trials: fam,
    chosen: 1,
    periodsPerYear: 8760,
    upTo: 4,
  });
  assert.equal(v.n, 2);
  assert.equal(v.upTo, 4);
  assert.deepEqual(v.excluded, { otherKind: 0, empty: 0, later: 1 });
});

Deno.test("a repeated run is the same ledger row: it keeps its k while N counts the family", () => {
  const { db } = openStore(":memory:");
  const add = (fast: number, series: Float64Array) =>
    appendTrial(db, {
      family: "backtest:ma-crossover",
      kind: "returns",
      origin: "test",
      params: { fast },
      gitCommit: "unknown",
      dataset: "fp",
      freq: "1h",
      series,
    });
  const first = add(24, noise(24));
  add(12, noise(12));
  add(48, noise(48));
  const again = add(24, noise(24));
  assert.equal(again.repeated, true);
  assert.equal(again.trialId, first.trialId);
  const v = overfittingVerdict({
    family: again.label,
    trials: readTrials(db, again.label),
    chosen: again.trialId,
    periodsPerYear: 8760,
  });
  assert.equal(v.k, 1);
  assert.equal(v.n, 3);
  db.close();
});
