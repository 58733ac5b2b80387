/**
 * The demo end to end, as a user runs it: `deno run` of tasks/demo.ts with the task's own
 * permissions, a small size, a temp store and a temp output folder.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openStore } from "@lib/store/db.ts";
import { fingerprintBars } from "@lib/store/fingerprint.ts";
import { listGaps } from "@lib/store/gaps.ts";
import { ReportSchema } from "@lib/report/schema.ts";
import { verifyReport } from "@lib/report/verify.ts";
import { defaultRunId } from "@lib/report/demo_report.ts";
import { checkPage, HAS_CHROMIUM } from "./_chromium.ts";
import { REPORT_TASK_PERMISSIONS, runTaskSync, type TaskOutput } from "../_shared/run_task.ts";

const FILES = ["report.json", "report.html", "manifest.json"];
const SMALL = ["--seed", "7", "--assets", "5", "--days", "9"];

function demo(args: string[]): TaskOutput {
  return runTaskSync("demo", args, { permissions: REPORT_TASK_PERMISSIONS });
}

const tmp = Deno.makeTempDirSync({ prefix: "cryptolab-demo-" });
const db1 = join(tmp, "one.db"), db2 = join(tmp, "two.db");
let first: { runId: string; dir: string } | undefined;

function firstRun() {
  if (first !== undefined) return first;
  const r = demo([...SMALL, "--db", db1, "--out", join(tmp, "a")]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 3, r.stdout);
  const dir = lines[0]!.replace(/\/report\.html$/, "");
  first = { runId: dir.split("/").pop()!, dir };
  return first;
}

Deno.test("demo writes report.html, report.json and manifest.json and prints their paths", () => {
  const { dir, runId } = firstRun();
  assert.match(runId, /^demo-[0-9a-f]{12}$/);
  for (const f of FILES) assert.ok(existsSync(join(dir, f)), `${f} missing`);
  const json = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
  const parsed = ReportSchema.safeParse(json);
  assert.ok(parsed.success, parsed.success ? "" : parsed.error.message);
  assert.equal(parsed.data.runId, runId);
  // ledgerUpTo: the largest trial id its overfitting verdicts counted (verify-report counts the
  // same trials, whatever was recorded since)
  const { ledgerUpTo, ...params } = parsed.data.manifest.params;
  assert.deepEqual(params, { assets: 5, betaWindow: 168, days: 9, seed: 7 });
  assert.equal(typeof ledgerUpTo, "number");
  assert.equal(parsed.data.manifest.seed, 7);
  assert.equal(parsed.data.manifest.deno, Deno.version.deno);
  assert.match(parsed.data.manifest.git.commit, /^([0-9a-f]{40}|unknown)$/);
  const v = verifyReport(dir);
  assert.deepEqual(v.problems, []);
  // The research sections follow the co-movement section, each with its table.
  assert.deepEqual(parsed.data.sections.map((s) => s.id), [
    "data",
    "performance",
    "co-movement",
    "factors",
    "signals",
    "pairs",
    "portfolio",
    "overfitting",
    "method",
  ]);
  // the task records the signals' IC series in the store's ledger by default, and says how many
  const over = parsed.data.sections.find((s) => s.id === "overfitting")!;
  assert.match(
    (over.blocks[0] as { text: string }).text,
    /^\d+ signals of this report are trials in the store's trial ledger/,
  );
  const ids = parsed.data.sections.flatMap((s) => s.blocks.map((b) => "id" in b ? b.id : b.type));
  for (
    const id of [
      "factor-summary",
      "signal-ic-summary",
      "pairs-screen",
      "pairs-spread",
      "portfolio-long-short-equity",
      "portfolio-long-short-costs",
      "portfolio-allocation-summary",
    ]
  ) {
    assert.ok(ids.includes(id), `${id} missing: ${ids.join(", ")}`);
  }
});

Deno.test("the manifest fingerprint equals a fresh fingerprint of the rows used", () => {
  const { dir, runId } = firstRun();
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const store = openStore(db1, { readOnly: true });
  try {
    // The fresh store holds only this simulation: every sim 1h bar is a row the report used.
    const fp = fingerprintBars(store.db, { venue: "sim", freq: "1h" });
    assert.equal(manifest.datasetFingerprint, fp.sha256);
    assert.equal(manifest.dataset.rows, fp.rows);
    // 5 assets x 216 hours, less the hours recorded as missing.
    const missing = listGaps(store.db, { venue: "sim", freq: "1h" }).reduce(
      (s, g) => s + g.missing,
      0,
    );
    assert.equal(fp.rows, 5 * 216 - missing);
    // The default run id is derived from the fingerprint and the parameters.
    // (all but ledgerUpTo, recorded after the run id is set)
    const { ledgerUpTo: _, ...asked } = manifest.params;
    assert.equal(runId, defaultRunId(fp.sha256, asked));
  } finally {
    store.close();
  }
});

Deno.test("two runs with the same --run-id give byte-identical files (same store; fresh stores with --no-ledger)", () => {
  // the ledger's trials carry the time they were recorded, so a fresh store's trial hashes
  // differ: the same store (its ledger already holds the trials: nothing is added) gives the
  // same bytes, and so do fresh stores without the ledger
  const { dir, runId } = firstRun();
  const again = demo([...SMALL, "--db", db1, "--out", join(tmp, "b"), "--run-id", runId]);
  assert.equal(again.code, 0, again.stderr);
  const same = (a: string, b: string) => {
    for (const f of FILES) {
      assert.ok(
        readFileSync(join(a, f)).equals(readFileSync(join(b, f))),
        `${a}/${f} != ${b}/${f}`,
      );
    }
  };
  same(join(tmp, "b", runId), dir);
  const quiet = [...SMALL, "--no-ledger", "--run-id", runId];
  const fresh = demo([...quiet, "--db", db2, "--out", join(tmp, "c")]);
  assert.equal(fresh.code, 0, fresh.stderr);
  const fresh2 = demo([...quiet, "--db", join(tmp, "three.db"), "--out", join(tmp, "d")]);
  assert.equal(fresh2.code, 0, fresh2.stderr);
  same(join(tmp, "c", runId), join(tmp, "d", runId));
  // without a ledger (and none in the store) there is no verdict
  const m = JSON.parse(readFileSync(join(tmp, "c", runId, "report.json"), "utf8"));
  assert.ok(!m.sections.some((s: { id: string }) => s.id === "overfitting"));
});

Deno.test("demo rejects unknown flags and bad values with a usage error", () => {
  const r = demo(["--bogus"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bogus/);
  const s = demo(["--run-id", "../escape", "--db", join(tmp, "x.db")]);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /not a valid folder name/);
});

Deno.test({
  name: "the report opens in headless Chromium with no console error and no request",
  ignore: !HAS_CHROMIUM,
  async fn() {
    const { dir } = firstRun();
    const shot = "/tmp/cryptolab-demo-report.png";
    const page = await checkPage(pathToFileURL(join(dir, "report.html")).href, {
      screenshot: shot,
    });
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.requests, []);
    assert.ok(existsSync(shot));
  },
});
if (!HAS_CHROMIUM) console.log("skipping the Chromium test: /usr/bin/chromium not found");

Deno.test({
  name: "the Chromium check does catch console errors, exceptions and blocked requests",
  ignore: !HAS_CHROMIUM,
  async fn() {
    const page = join(tmp, "bad.html");
    Deno.writeTextFileSync(
      page,
      `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" ` +
        `content="default-src 'none'; script-src 'unsafe-inline'"></head><body>` +
        `<img src="http://example.invalid/x.png"><script>console.error("boom"); nope();</script>` +
        `</body></html>`,
    );
    const r = await checkPage(pathToFileURL(page).href);
    assert.ok(r.errors.some((e) => e.includes("boom")), r.errors.join("\n"));
    assert.ok(r.errors.some((e) => e.includes("nope is not defined")), r.errors.join("\n"));
    assert.ok(r.errors.some((e) => e.includes("Content Security Policy")), r.errors.join("\n"));
  },
});

Deno.test("cleanup", () => rmSync(tmp, { recursive: true }));
