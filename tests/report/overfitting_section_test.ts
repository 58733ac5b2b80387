import assert from "node:assert/strict";
import { overfittingVerdict, type VerdictTrial } from "@lib/research/overfitting_verdict.ts";
import { overfittingSection } from "@lib/report/sections/overfitting_section.ts";
import { renderHtml } from "@lib/report/html.ts";
import { deflatedSharpeRatio } from "@lib/stats/deflated_sharpe_ratio.ts";
import { sharpeMoments } from "@lib/stats/sharpe_moments.ts";
import { createRng } from "@lib/stats/rng.ts";
import type { TableBlock } from "@lib/report/model.ts";
import { fixtureModel, withoutClientScript, XSS_SCRIPT } from "./_fixture.ts";

function trial(id: number, series: Float64Array, params = `{"k":${id}}`): VerdictTrial {
  return {
    trialId: id,
    hash: id.toString(16).padStart(64, "0"),
    params,
    dataset: "fp",
    kind: "returns",
    series,
  };
}

function noiseFamily(n: number, len: number, seed: number): VerdictTrial[] {
  const rng = createRng(seed);
  return Array.from(
    { length: n },
    (_, k) => trial(k + 1, Float64Array.from({ length: len }, () => 0.0005 + 0.01 * rng.normal())),
  );
}

function table(blocks: ReturnType<typeof overfittingSection>, id: string): TableBlock {
  const b = blocks.find((x) => x.type === "table" && x.id === id);
  assert.ok(b !== undefined && b.type === "table", `no table ${id}`);
  return b;
}

Deno.test("trial k of N counts the whole family, also trials after the chosen one; DSR uses that N and V[SR]", () => {
  const fam = noiseFamily(5, 300, 11);
  const v = overfittingVerdict({
    family: "mom",
    trials: fam,
    chosen: 3,
    periodsPerYear: 365,
    replications: 200,
  });
  assert.equal(v.k, 3);
  assert.equal(v.n, 5);
  assert.deepEqual(v.trials.map((t) => t.trialId), [1, 2, 3, 4, 5]);
  // independent recomputation: sample variance (ddof 1) of the per-period Sharpes of trials 1-5
  const srs = fam.map((t) => sharpeMoments(t.series).sharpe);
  const mu = srs.reduce((a, b) => a + b) / 5;
  const varSr = srs.reduce((a, b) => a + (b - mu) ** 2, 0) / 4;
  const want = deflatedSharpeRatio(sharpeMoments(fam[2]!.series), {
    nTrials: 5,
    sharpeVariance: varSr,
  });
  assert.ok(Math.abs(v.dsr.dsr - want.dsr) < 1e-12);
  assert.ok(v.dsr.dsr < v.psr, "deflating by 5 trials lowers the PSR");
  const blocks = overfittingSection(v);
  const stats = table(blocks, "overfitting-verdict");
  assert.match(String(stats.rows[0]![2]), /trial 3 of 5 in family mom/);
  const trials = table(blocks, "overfitting-trials");
  assert.deepEqual(trials.columns.slice(0, 2).map((c) => c.key), ["trial_id", "trial_hash"]);
  assert.deepEqual(trials.rows.map((r) => r[0]), [1, 2, 3, 4, 5]);
  assert.equal(trials.rows[2]![5], "yes");
  assert.equal(v.pbo?.trials, 5);
  assert.equal(v.pbo?.blocks, 16);
  const hist = table(blocks, "overfitting-pbo-logits");
  assert.equal(hist.rows.reduce((a, r) => a + Number(r[2]), 0), v.pbo!.splits);
});

Deno.test("a maximally overfit family: PBO 1, and the sentence says the selection picks noise", () => {
  // trial 1 wins the first half and loses the second, trial 2 the opposite (PBO example)
  const a = Float64Array.from({ length: 40 }, (_, i) => (i < 20 ? 0.02 : -0.02) + (i % 2) * 1e-3);
  const b = Float64Array.from(a, (x) => -x + 1e-4);
  const v = overfittingVerdict({
    family: "fit",
    trials: [trial(1, a), trial(2, b)],
    chosen: 2,
    periodsPerYear: 365,
    replications: 100,
  });
  assert.ok(v.pbo !== null);
  assert.equal(v.pbo.blocks, 10, "40 rows: 10 blocks of 4");
  assert.equal(v.pbo.pbo, 1);
  assert.match(v.sentence, /PBO/);
  assert.match(v.sentence, /picks noise/);
  assert.equal(v.sentence.split(". ").length, 1, "one sentence");
});

Deno.test("one trial: no PBO (with the reason), DSR equals PSR", () => {
  const [t] = noiseFamily(1, 200, 4);
  const v = overfittingVerdict({
    family: "solo",
    trials: [t!],
    chosen: 1,
    periodsPerYear: 365,
    replications: 100,
  });
  assert.equal(v.pbo, null);
  assert.match(v.pboNote, /at least 2 trials/);
  assert.ok(Math.abs(v.dsr.dsr - v.psr) < 1e-15);
  const blocks = overfittingSection(v);
  assert.ok(!blocks.some((b) => b.type === "table" && b.id === "overfitting-pbo-logits"));
  assert.throws(
    () => overfittingVerdict({ family: "solo", trials: [t!], chosen: 9, periodsPerYear: 365 }),
    /trial 9 is not in family solo/,
  );
});

Deno.test("seeded: the same input gives the same section", () => {
  const fam = noiseFamily(3, 250, 5);
  const mk = () =>
    JSON.stringify(
      overfittingSection(
        overfittingVerdict({
          family: "f",
          trials: fam,
          chosen: 3,
          periodsPerYear: 365,
          replications: 150,
          seed: 7,
        }),
      ),
    );
  assert.equal(mk(), mk());
});

Deno.test("hostile family names and parameters are escaped in the report HTML", () => {
  const fam = noiseFamily(2, 120, 9).map((t) => ({ ...t, params: `{"x":"${XSS_SCRIPT}"}` }));
  const v = overfittingVerdict({
    family: XSS_SCRIPT,
    trials: fam,
    chosen: 2,
    periodsPerYear: 365,
    replications: 100,
  });
  const base = fixtureModel();
  const html = renderHtml({
    ...base,
    sections: [
      ...base.sections,
      { id: "overfitting", title: "Overfitting", blocks: overfittingSection(v) },
    ],
  });
  assert.ok(!html.includes(XSS_SCRIPT));
  assert.ok(!/<script/i.test(withoutClientScript(html)));
  assert.ok(html.includes("trial 2 of 2 in family &lt;script&gt;alert(1)&lt;/script&gt;"));
});

Deno.test("scope family: the best trial chosen after the whole grid counts every trial", () => {
  const fam = noiseFamily(6, 200, 13);
  const v = overfittingVerdict({
    family: "grid",
    trials: fam,
    chosen: 2,
    periodsPerYear: 365,
    replications: 100,
    scope: "family",
  });
  assert.equal(v.k, 2);
  assert.equal(v.n, 6);
  assert.equal(v.dsr.nTrials, 6);
  assert.match(
    String(table(overfittingSection(v), "overfitting-verdict").rows[0]![2]),
    /every return series of the generation, also those recorded after this one/,
  );
});
