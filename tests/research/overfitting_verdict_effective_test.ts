/**
 * The verdict deflates with the raw trial count N and shows the effective number of
 * independent trials next to it (average-correlation method, effectiveNumberOfTrials; N_eff
 * recomputed here from the pairwise Pearson correlations), flags autocorrelated returns (Ljung-Box
 * and Lo 2002's annualization, applied when asked), and leaves a walk-forward's stitched series
 * out of the PBO / SPA / StepM candidates.
 */
import assert from "node:assert/strict";
import { overfittingVerdict, type VerdictTrial } from "@lib/research/overfitting_verdict.ts";
import { overfittingSection } from "@lib/report/sections/overfitting_section.ts";
import { loSharpeRatio } from "@lib/stats/lo_sharpe_ratio.ts";
import { createRng } from "@lib/stats/rng.ts";

function trial(id: number, series: Float64Array): VerdictTrial {
  return {
    trialId: id,
    hash: id.toString(16).padStart(64, "0"),
    params: `{"k":${id}}`,
    dataset: "d",
    kind: "returns",
    series,
  };
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n, mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function rows(v: ReturnType<typeof overfittingVerdict>) {
  const t = overfittingSection(v).find((b) => b.type === "table" && b.id === "overfitting-verdict");
  assert.ok(t !== undefined && t.type === "table");
  return t.rows;
}

Deno.test("40 highly correlated lookbacks: raw N = 40 decides the DSR, N_eff is shown beside it", () => {
  const rng = createRng(31);
  const common = Float64Array.from({ length: 500 }, () => 0.01 * rng.normal());
  const fam = Array.from(
    { length: 40 },
    (_, k) => trial(k + 1, Float64Array.from(common, (c) => 0.0008 + c + 0.002 * rng.normal())),
  );
  const v = overfittingVerdict({
    family: "f",
    trials: fam,
    chosen: 7,
    periodsPerYear: 365,
    replications: 100,
  });
  let sum = 0, pairs = 0;
  for (let i = 0; i < 40; i++) {
    for (let j = 0; j < 40; j++) {
      if (i !== j) {
        sum += pearson(fam[i]!.series, fam[j]!.series);
        pairs++;
      }
    }
  }
  const rho = sum / pairs;
  assert.ok(rho > 0.9, `rho ${rho}`);
  assert.equal(v.effectiveTrials.raw, 40);
  assert.ok(Math.abs(v.effectiveTrials.effective - (rho + (1 - rho) * 40)) < 1e-9);
  assert.ok(v.effectiveTrials.effective < 5);
  assert.equal(v.effectiveTrials.decides, "raw");
  assert.equal(v.dsr.nTrials, 40);
  assert.ok(v.effectiveTrials.dsr > v.dsr.dsr, "fewer independent trials deflate less");
  const eff = overfittingVerdict({
    family: "f",
    trials: fam,
    chosen: 7,
    periodsPerYear: 365,
    replications: 100,
    deflateBy: "effective",
  });
  assert.equal(eff.dsr.nTrials, v.effectiveTrials.effective);
  assert.equal(eff.dsr.dsr, v.effectiveTrials.dsr);
  const row = rows(v).find((r) => r[0] === "Effective trials")!;
  assert.match(
    String(row[2]),
    /N = 40 trials counted, about \d\.\d+ independent ones: N_eff = rho/,
  );
  assert.match(String(row[2]), /The DSR above uses the raw N/);
});

Deno.test("autocorrelated returns are flagged (Ljung-Box, Lo 2002) and Lo's annualization applies when asked", () => {
  const rng = createRng(32);
  const ar = new Float64Array(800);
  for (let t = 1; t < ar.length; t++) ar[t] = 0.6 * ar[t - 1]! + 0.01 * rng.normal();
  for (let t = 0; t < ar.length; t++) ar[t] = ar[t]! + 0.001;
  const iid = Float64Array.from({ length: 800 }, () => 0.001 + 0.01 * rng.normal());
  const fam = [trial(1, iid), trial(2, ar)];
  const base = { family: "f", trials: fam, periodsPerYear: 365, replications: 100 };
  const v = overfittingVerdict({ ...base, chosen: 2 });
  const lo = loSharpeRatio(ar, 365, { maxLag: 10 });
  assert.ok(v.autocorrelation !== null && v.autocorrelation.autocorrelated);
  assert.equal(v.autocorrelation.ljungBoxP, lo.ljungBox.pValue);
  assert.equal(v.autocorrelation.adjusted, false);
  assert.equal(v.moments.annualSharpe, lo.naiveAnnualized);
  assert.match(
    String(rows(v).find((r) => r[0] === "Autocorrelation (Ljung-Box p)")![2]),
    /serially correlated/,
  );
  const adj = overfittingVerdict({ ...base, chosen: 2, autocorrelation: "adjust" });
  assert.equal(adj.moments.annualSharpe, lo.annualized);
  assert.ok(lo.annualized < lo.naiveAnnualized, "positive autocorrelation: Lo lowers the Sharpe");
  const quiet = overfittingVerdict({ ...base, chosen: 1 });
  assert.equal(quiet.autocorrelation!.autocorrelated, false);
});

Deno.test("notCandidates: the stitched series counts in N but not among PBO / SPA / StepM candidates", () => {
  const rng = createRng(33);
  const cands = Array.from(
    { length: 4 },
    (_, k) =>
      trial(
        k + 1,
        Float64Array.from({ length: 400 }, () => 0.002 * (k === 0 ? 1 : 0) + 0.01 * rng.normal()),
      ),
  );
  // stitched: NaN before the first test bar, then the first candidate's returns
  const stitched = trial(5, Float64Array.from(cands[0]!.series, (x, i) => (i < 100 ? NaN : x)));
  const all = [...cands, stitched];
  const o = { family: "wf", trials: all, chosen: 5, periodsPerYear: 365, replications: 100 };
  const withIt = overfittingVerdict(o);
  assert.equal(withIt.pbo!.trials, 5);
  assert.equal(withIt.spa!.trials, 5);
  const v = overfittingVerdict({ ...o, notCandidates: [5] });
  assert.equal(v.n, 5);
  assert.equal(v.pbo!.trials, 4);
  assert.equal(v.spa!.trials, 4);
  assert.ok(v.spa!.stepMRejected.every((id) => id !== 5));
  assert.match(v.pboNote, /1 aligned trial left out: not candidates of the selection/);
});
