import assert from "node:assert/strict";
import { renderJson } from "@lib/report/json.ts";
import { ReportSchema } from "@lib/report/schema.ts";
import { z } from "zod";
import { fixtureModel } from "./_fixture.ts";

const parsed = () => JSON.parse(renderJson(fixtureModel()));

Deno.test("report.json of the fixture validates against ReportSchema", () => {
  const r = ReportSchema.safeParse(parsed());
  assert.ok(r.success, r.success ? "" : r.error.message);
  assert.equal(r.data.schemaVersion, "1");
});

Deno.test("NaN cells become null in JSON and null is accepted as 'not defined'", () => {
  const j = parsed();
  const metrics = j.sections[1].blocks[0];
  assert.equal(metrics.rows[1][2], null); // ETH sharpe was NaN
  assert.ok(ReportSchema.safeParse(j).success);
});

Deno.test("ReportSchema rejects a wrong version, unknown keys, string numbers and bad hashes", () => {
  // deno-lint-ignore no-explicit-any -- the point is to mutate parsed JSON freely
  const cases: [string, (j: any) => void][] = [
    ["schemaVersion 2", (j) => (j.schemaVersion = "2")],
    ["unknown top-level key", (j) => (j.extra = 1)],
    ["number as string", (j) => (j.manifest.dataset.rows = "182")],
    ["short fingerprint", (j) => (j.manifest.datasetFingerprint = "abc")],
    ["upper-case hash", (j) => (j.manifest.denoLockSha256 = "CD".repeat(32))],
    ["bad block type", (j) => (j.sections[0].blocks[0].type = "script")],
    ["bad section id", (j) => (j.sections[0].id = "Has Space")],
    ["bad run id", (j) => (j.runId = "../x")],
    ["bad column format", (j) => (j.sections[1].blocks[0].columns[0].format = "html")],
  ];
  for (const [name, mutate] of cases) {
    const j = parsed();
    mutate(j);
    assert.equal(ReportSchema.safeParse(j).success, false, `accepted: ${name}`);
  }
});

Deno.test("the schema converts to a documented JSON Schema", () => {
  const js = JSON.stringify(z.toJSONSchema(ReportSchema));
  assert.match(js, /SHA-256 of the canonical encoding of the rows used/);
  assert.match(js, /null means not defined/);
});
