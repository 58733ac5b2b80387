import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { runDeno } from "../_shared/run_task.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { allocBars } from "@lib/core/types.ts";
import { writeBars } from "@lib/store/bars.ts";
import { appendTrial } from "@lib/store/trials.ts";
import { runReport } from "@lib/pipeline/report_run.ts";
import { column } from "@lib/report/model.ts";
import { writeReport } from "@lib/report/write.ts";
import {
  firstDifference,
  LEDGER_REFERENCE_COLUMNS,
  verifyReportRun,
} from "@lib/pipeline/verify_report_run.ts";

const GIT = { commit: "unknown", dirty: null };

/** One demo on the simulated market, written with `deno task demo` into a temp folder. */
async function demoFolder(): Promise<{ root: string; db: string; report: string }> {
  const root = Deno.makeTempDirSync({ prefix: "cryptolab-verify-" });
  const db = join(root, "s.db");
  const out = await runDeno([
    "task",
    "demo",
    ...["--source", "sim", "--assets", "4", "--days", "3", "--db", db, "--out", join(root, "r")],
  ]);
  assert.equal(out.code, 0, out.stderr);
  const [id] = readdirSync(join(root, "r"));
  return { root, db, report: join(root, "r", id!) };
}

function verifyTask(dir: string, db: string, ...more: string[]) {
  // with deno.json's permissions, through the launcher, as a user runs it
  return runDeno(["task", "verify-report", dir, "--db", db, ...more]);
}

Deno.test("deno task verify-report: a demo on the simulated market verifies; a tampered byte, a changed bar and a missing store are reported", async () => {
  const { root, db, report } = await demoFolder();
  try {
    // 1. everything matches
    let out = await verifyTask(report, db);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    for (const c of ["hashes: OK", "fingerprint: OK", "re-render: OK"]) {
      assert.ok(out.stdout.includes(c), c);
    }
    assert.match(out.stdout, /report\.html: \d+ bytes, identical/);
    assert.match(out.stdout, /ledger: SKIPPED\n {2}the report references no ledger trials/);

    // a backtest on the same store re-renders too (parameters given out of order, costs)
    out = await runDeno([
      "task",
      "backtest",
      ...["--strategy", "ma-crossover", "--assets", "BTCSIM", "--param", "slow=10"],
      ...["--param", "fast=3", "--fees", "binance", "--spread", "corwin-schultz", "--impact"],
      ...["--db", db, "--out", join(root, "bt"), "--run-id", "bt"],
    ]);
    assert.equal(out.code, 0, out.stderr);
    out = await verifyTask(join(root, "bt", "bt"), db);
    assert.equal(out.code, 0, out.stdout + out.stderr);
    assert.match(out.stdout, /re-render: OK\n {2}report\.json: \d+ bytes, identical/);

    // 2. one byte of report.html changed: the hash and the byte offset
    const tampered = join(root, "tampered");
    cpSync(report, tampered, { recursive: true });
    const html = readFileSync(join(tampered, "report.html"));
    const at = html.indexOf("cryptolab demo report");
    assert.ok(at > 0);
    html[at] = "C".charCodeAt(0);
    writeFileSync(join(tampered, "report.html"), html);
    out = await verifyTask(tampered, db);
    assert.equal(out.code, 1, out.stdout);
    assert.match(
      out.stdout,
      /hashes: FAILED\n {2}report\.json: SHA-256 as listed[^\n]*\n {2}report\.html: report\.html was changed/,
    );
    assert.ok(
      out.stdout.includes(`report.html: first difference at byte ${at} `),
      out.stdout,
    );
    assert.match(out.stdout, /on disk: {5}".*<title>Cryptolab demo report/);
    assert.match(out.stdout, /re-rendered: ".*<title>cryptolab demo report/);
    assert.match(out.stdout, /report\.json: \d+ bytes, identical/);
    assert.match(out.stdout, /FAILED: hashes, re-render\n/);

    // --out keeps the re-rendered folder, equal to the original
    out = await verifyTask(tampered, db, "--out", join(root, "again"));
    const again = join(root, "again", report.split("/").pop()!);
    for (const f of ["report.json", "report.html", "manifest.json"]) {
      assert.deepEqual(readFileSync(join(again, f)), readFileSync(join(report, f)), f);
    }

    // 3. a stored bar changed after the report: the fingerprint differs
    const s = new DatabaseSync(db);
    const changed = s.prepare(
      "UPDATE bars SET close = close * 1.001 WHERE venue = 'sim' AND freq = '1h' AND " +
        "ts = (SELECT min(ts) + 3600000 * 5 FROM bars WHERE venue = 'sim' AND freq = '1h') " +
        "AND symbol = 'BTCSIM'",
    ).run();
    s.close();
    assert.equal(changed.changes, 1);
    out = await verifyTask(report, db);
    assert.equal(out.code, 1, out.stdout);
    assert.match(out.stdout, /fingerprint: FAILED\n[^\n]*the stored bars changed since the report/);
    assert.match(out.stdout, /hashes: OK/);
    assert.match(out.stdout, /re-render: FAILED\n {2}report\.json: first difference at byte \d+/);

    // 4. no store at the path: said, and not verified
    out = await verifyTask(report, join(root, "nowhere", "gone.db"));
    assert.equal(out.code, 1, out.stdout);
    assert.match(out.stdout, /fingerprint: SKIPPED\n {2}the store [^\n]*gone\.db is absent/);
    assert.match(out.stdout, /NOT VERIFIED: the store [^\n]*gone\.db is absent/);

    // usage errors
    out = await runDeno(["task", "verify-report", "--db", db]);
    assert.equal(out.code, 2);
    out = await runDeno(["task", "verify-report", root, "--db", db]);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /holds no manifest\.json/);
  } finally {
    rmSync(root, { recursive: true });
  }
});

function threeAssets(db: DatabaseSync): void {
  const h = 3_600_000, n = 72;
  for (const [k, symbol] of ["BTCUSDT", "ETHUSDT", "ALTUSDT"].entries()) {
    const b = allocBars({ venue: "x", symbol, freq: "1h" }, n);
    for (let i = 0; i < n; i++) {
      const p = 100 * Math.exp(0.01 * Math.sin(i * (k + 1)));
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

Deno.test("verifyReportRun: a research report re-renders byte for byte; a later bar outside the window changes nothing", () => {
  const s = tempStore();
  const dir = join(s.dir, "rep");
  try {
    threeAssets(s.db);
    const m = runReport(s.db, {
      freq: "1h",
      signals: ["momentum_24"],
      horizons: [1, 4],
      git: GIT,
    }).model;
    writeReport(dir, m);
    let r = verifyReportRun(dir, s);
    assert.deepEqual(r.checks.map((c) => [c.name, c.status]), [
      ["hashes", "ok"],
      ["fingerprint", "ok"],
      ["re-render", "ok"],
      ["ledger", "skipped"],
    ]);
    assert.equal(r.ok, true);
    // the manifest records the window: a bar appended after it does not change the fingerprint
    const b = allocBars({ venue: "x", symbol: "BTCUSDT", freq: "1h" }, 1);
    b.ts[0] = 72 * 3_600_000;
    b.open[0] =
      b.high[0] =
      b.low[0] =
      b.close[0] =
        100;
    writeBars(s.db, b, { source: "test" });
    r = verifyReportRun(dir, s);
    assert.equal(r.ok, true, JSON.stringify(r.checks));
  } finally {
    s.cleanup();
  }
});

Deno.test("verifyReportRun: the ledger trials a report references must exist with their hashes, and the chain must verify", () => {
  const s = tempStore();
  const dir = join(s.dir, "rep");
  try {
    threeAssets(s.db);
    const trial = appendTrial(s.db, {
      family: "f",
      kind: "returns",
      origin: "test",
      params: { k: 1 },
      gitCommit: "unknown",
      dataset: "d",
      freq: "1h",
      series: [0.01, 0.02, -0.01],
    });
    const base = runReport(s.db, { freq: "1h", signals: ["momentum_24"], git: GIT }).model;
    const withTrials = (rows: [number, string][]) => ({
      ...base,
      sections: [...base.sections, {
        id: "overfitting",
        title: "Overfitting",
        blocks: [{
          type: "table" as const,
          id: "trials",
          title: "Trials",
          caption: "",
          columns: [
            column(LEDGER_REFERENCE_COLUMNS.id, "Trial", "integer"),
            column(LEDGER_REFERENCE_COLUMNS.hash, "Hash", "text"),
          ],
          rows,
        }],
      }],
    });
    writeReport(dir, withTrials([[trial.trialId, trial.hash]]));
    let r = verifyReportRun(dir, s);
    let ledger = r.checks.find((c) => c.name === "ledger")!;
    assert.equal(ledger.status, "ok", ledger.lines.join("\n"));
    assert.match(ledger.lines.join("\n"), /1 of 1 referenced trials found/);

    writeReport(dir, withTrials([[trial.trialId, "0".repeat(64)], [trial.trialId + 7, "a"]]));
    r = verifyReportRun(dir, s);
    ledger = r.checks.find((c) => c.name === "ledger")!;
    assert.equal(ledger.status, "failed");
    assert.match(ledger.lines.join("\n"), /the report lists 0{64}/);
    assert.match(
      ledger.lines.join("\n"),
      new RegExp(`trial ${trial.trialId + 7}: not in the ledger`),
    );
    assert.equal(r.ok, false);

    // an edited ledger row: the chain is broken
    writeReport(dir, withTrials([[trial.trialId, trial.hash]]));
    s.db.exec("DROP TRIGGER trials_no_update");
    s.db.exec(`UPDATE trials SET params = '{"k":2}'`);
    r = verifyReportRun(dir, s);
    ledger = r.checks.find((c) => c.name === "ledger")!;
    assert.equal(ledger.status, "failed");
    assert.match(ledger.lines[0]!, /hash chain broken at seq \d+ \(trials row/);
  } finally {
    s.cleanup();
  }
});

Deno.test("firstDifference: offsets of a change, a prefix and equality", () => {
  const a = new Uint8Array([1, 2, 3, 4]);
  assert.equal(firstDifference(a, a.slice()), -1);
  assert.equal(firstDifference(a, new Uint8Array([1, 2, 9, 4])), 2);
  assert.equal(firstDifference(a, a.subarray(0, 3)), 3);
  assert.equal(firstDifference(new Uint8Array(), a), 0);
});
