import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { buildManifest, denoLockSha256, gitInfo, sha256Hex } from "@lib/report/manifest.ts";
import { checkModel } from "@lib/report/model.ts";
import { fixtureModel } from "./_fixture.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function run(cmd: string, args: string[]): string {
  const out = new Deno.Command(cmd, { args, cwd: ROOT, stdout: "piped", stderr: "null" })
    .outputSync();
  return out.success ? new TextDecoder().decode(out.stdout).trim() : "";
}

Deno.test("gitInfo reads the commit of the checkout and its dirty flag", () => {
  const head = run("git", ["rev-parse", "HEAD"]);
  if (head === "") {
    console.log("skipping: the repository is not a git checkout here");
    return;
  }
  const g = gitInfo(ROOT);
  assert.equal(g.commit, head);
  assert.equal(g.dirty, run("git", ["status", "--porcelain"]) !== "");
});

Deno.test("gitInfo outside a checkout is unknown, not an error", () => {
  const dir = Deno.makeTempDirSync();
  assert.deepEqual(gitInfo(dir), { commit: "unknown", dirty: null });
  Deno.removeSync(dir);
});

Deno.test("denoLockSha256 equals sha256sum of deno.lock", () => {
  // Oracle: GNU coreutils sha256sum.
  const expected = run("sha256sum", ["deno.lock"]).split(" ")[0];
  assert.equal(denoLockSha256(ROOT), expected);
  assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
});

Deno.test("buildManifest: sorted params, no outputs, no clock, rejects a bad fingerprint", () => {
  const input = {
    datasetFingerprint: "f".repeat(64),
    dataset: { venue: "sim", freq: "1h", symbols: ["A"], from: 0, to: 1, rows: 1 },
    params: { z: 1, a: "x" },
    seed: 1,
    projectDir: ROOT,
  };
  const a = buildManifest(input);
  assert.deepEqual(Object.keys(a.params), ["a", "z"]);
  assert.deepEqual(a.outputs, {});
  assert.equal(a.deno, Deno.version.deno);
  assert.deepEqual(buildManifest(input), a);
  assert.throws(
    () => buildManifest({ ...input, datasetFingerprint: "abc" }),
    /expected 64 lower-case hex/,
  );
});

Deno.test("checkModel rejects bad ids, duplicate ids and ragged rows", () => {
  const m = fixtureModel();
  checkModel(m);
  assert.throws(() => checkModel({ ...m, runId: "a/b" }), /Invalid run id/);
  const s0 = m.sections[0]!;
  assert.throws(
    () => checkModel({ ...m, sections: [s0, { ...s0, blocks: [] }] }),
    /duplicate id "coverage"/,
  );
  assert.throws(
    () =>
      checkModel({
        ...m,
        sections: [{
          id: "x",
          title: "X",
          blocks: [{
            type: "table",
            id: "t",
            title: "",
            caption: "",
            columns: [{ key: "a", label: "A", format: "text", digits: 0 }],
            rows: [["a", 1]],
          }],
        }],
      }),
    /row 0 has 2 cells, expected 1/,
  );
});
