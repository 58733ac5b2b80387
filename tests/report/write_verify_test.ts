import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeReport } from "@lib/report/write.ts";
import { verifyReport } from "@lib/report/verify.ts";
import { ManifestFileSchema, ReportSchema } from "@lib/report/schema.ts";
import { fixtureModel } from "./_fixture.ts";

function tmp(): string {
  return Deno.makeTempDirSync({ prefix: "cryptolab-report-" });
}

function sha256sum(path: string): string {
  // Oracle: GNU coreutils sha256sum, independent of node:crypto.
  const out = new Deno.Command("sha256sum", { args: [path], stdout: "piped" }).outputSync();
  return new TextDecoder().decode(out.stdout).split(" ")[0]!;
}

Deno.test("two writes of the same model give byte-identical files", () => {
  const a = tmp(), b = tmp();
  try {
    writeReport(a, fixtureModel("same-id"));
    writeReport(b, fixtureModel("same-id"));
    for (const f of ["report.json", "report.html", "manifest.json"]) {
      assert.deepEqual(readFileSync(join(a, f)), readFileSync(join(b, f)), f);
    }
  } finally {
    rmSync(a, { recursive: true });
    rmSync(b, { recursive: true });
  }
});

Deno.test("hash chain: report.json has no outputs, the HTML lists report.json, the manifest both", () => {
  const d = tmp();
  try {
    const w = writeReport(d, fixtureModel());
    const json = JSON.parse(readFileSync(w.paths.json, "utf8"));
    assert.ok(ReportSchema.safeParse(json).success);
    assert.deepEqual(json.manifest.outputs, {});
    const jsonSha = sha256sum(w.paths.json);
    assert.ok(readFileSync(w.paths.html, "utf8").includes(jsonSha));
    const manifest = ManifestFileSchema.parse(JSON.parse(readFileSync(w.paths.manifest, "utf8")));
    assert.deepEqual(manifest.outputs, {
      "report.html": sha256sum(w.paths.html),
      "report.json": jsonSha,
    });
    assert.equal(manifest.datasetFingerprint, "ab".repeat(32));
    assert.equal(manifest.runId, "test-run");
    const v = verifyReport(d);
    assert.deepEqual(v.problems, []);
    assert.deepEqual([...v.checked].sort(), ["report.html", "report.json"]);
  } finally {
    rmSync(d, { recursive: true });
  }
});

Deno.test("verifyReport detects a tampered report.html", () => {
  const d = tmp();
  try {
    const w = writeReport(d, fixtureModel());
    const html = readFileSync(w.paths.html, "utf8");
    writeFileSync(w.paths.html, html.replace("Fixture report", "Fixture rep0rt"));
    const v = verifyReport(d);
    assert.equal(v.ok, false);
    assert.equal(v.problems.length, 1);
    assert.equal(v.problems[0]!.file, "report.html");
    assert.match(v.problems[0]!.message, /report\.html was changed/);
    assert.equal(v.problems[0]!.actual, sha256sum(w.paths.html));
  } finally {
    rmSync(d, { recursive: true });
  }
});

Deno.test("verifyReport detects a changed report.json, a missing file and a bad manifest", () => {
  const d = tmp();
  try {
    const w = writeReport(d, fixtureModel());
    writeFileSync(w.paths.json, readFileSync(w.paths.json, "utf8") + " ");
    let v = verifyReport(d);
    assert.deepEqual(v.problems.map((p) => p.file), ["report.json"]);
    rmSync(w.paths.html);
    v = verifyReport(d);
    assert.ok(v.problems.some((p) => p.file === "report.html" && /missing/.test(p.message)));
    const m = JSON.parse(readFileSync(w.paths.manifest, "utf8"));
    m.outputs["../../etc/passwd"] = "0".repeat(64);
    writeFileSync(w.paths.manifest, JSON.stringify(m));
    v = verifyReport(d);
    assert.ok(v.problems.some((p) => /not a plain file name/.test(p.message)));
    writeFileSync(w.paths.manifest, "{not json");
    v = verifyReport(d);
    assert.match(v.problems[0]!.message, /does not match its schema/);
  } finally {
    rmSync(d, { recursive: true });
  }
});
