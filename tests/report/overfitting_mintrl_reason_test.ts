/**
 * The MinTRL row says why no track record is long enough: a trial with no finite value (a failed
 * evaluation, an empty or NaN-only series) has "no finite returns", not "the Sharpe ratio is not
 * above 0"; a losing trial keeps that reason.
 */
import assert from "node:assert/strict";
import { overfittingVerdict, type VerdictTrial } from "@lib/research/overfitting_verdict.ts";
import { overfittingSection } from "@lib/report/sections/overfitting_section.ts";
import { createRng } from "@lib/stats/rng.ts";

function trial(id: number, series: Float64Array): VerdictTrial {
  return {
    trialId: id,
    hash: id.toString(16).padStart(64, "0"),
    params: `{"k":${id}}`,
    dataset: "fp",
    kind: "returns",
    series,
  };
}

function minTrlReason(chosen: Float64Array): string {
  const rng = createRng(5);
  const other = Float64Array.from({ length: 200 }, () => 0.01 * rng.normal());
  const v = overfittingVerdict({
    family: "f",
    trials: [trial(1, other), trial(2, chosen)],
    chosen: 2,
    periodsPerYear: 365,
    replications: 50,
  });
  const stats = overfittingSection(v).find((b) =>
    b.type === "table" && b.id === "overfitting-verdict"
  );
  assert.ok(stats !== undefined && stats.type === "table");
  const row = stats.rows.find((r) => r[0] === "MinTRL (years)");
  assert.ok(row !== undefined);
  assert.equal(row[1], null);
  return String(row[2]);
}

Deno.test("MinTRL: a NaN-only series has no finite returns (not 'Sharpe not above 0')", () => {
  const reason = minTrlReason(new Float64Array(200).fill(NaN));
  assert.match(reason, /no finite returns/);
  assert.doesNotMatch(reason, /not above 0/);
});

Deno.test("MinTRL: a losing series keeps 'the Sharpe ratio is not above 0'", () => {
  const rng = createRng(6);
  const reason = minTrlReason(
    Float64Array.from({ length: 200 }, () => -0.003 + 0.01 * rng.normal()),
  );
  assert.match(reason, /the Sharpe ratio is not above 0/);
});
