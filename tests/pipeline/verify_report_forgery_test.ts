/**
 * verify-report re-renders walk-forward and signal tear-sheet reports (issue 10, review finding
 * 2: it skipped them, so a DSR edited in report.json and report.html with the hashes fixed
 * passed): the forgery is caught, an honest report passes, also after more trials of its family
 * were recorded (the manifest's `ledgerUpTo`).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { tempStore } from "../_shared/tmp_store.ts";
import { allocBars } from "@lib/core/types.ts";
import { writeBars } from "@lib/store/bars.ts";
import { readTrials } from "@lib/store/trials.ts";
import { openLedger } from "@lib/research/ledger.ts";
import { runWalkForward } from "@lib/pipeline/walkforward_run.ts";
import { runReport } from "@lib/pipeline/report_run.ts";
import { readSignalFile } from "@lib/pipeline/signal_file.ts";
import { sha256Hex } from "@lib/report/manifest.ts";
import { writeReport } from "@lib/report/write.ts";
import { verifyReportRun } from "@lib/pipeline/verify_report_run.ts";

const GIT = { commit: "unknown", dirty: null };
const H = 3_600_000, BARS = 240;

function bars(db: DatabaseSync): void {
  for (const [k, symbol] of ["BTCUSDT", "ETHUSDT", "ALTUSDT", "SOLUSDT", "XRPUSDT"].entries()) {
    const b = allocBars({ venue: "x", symbol, freq: "1h" }, BARS);
    for (let i = 0; i < BARS; i++) {
      const p = 100 * Math.exp(0.02 * Math.sin(i / (7 + 3 * k)) + 0.001 * ((i * (k + 3)) % 7));
      b.ts[i] = i * H;
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

/** Change the DSR value in report.json and report.html, and fix both hashes in the manifest. */
function forgeDsr(dir: string): void {
  const jsonPath = join(dir, "report.json"), htmlPath = join(dir, "report.html");
  const json = readFileSync(jsonPath, "utf8");
  const forgedJson = json.replace(/("DSR",\s*)(-?[0-9.e+-]+|null)/, "$10.999");
  assert.notEqual(forgedJson, json, "a DSR row in report.json");
  const enc = new TextEncoder();
  const html = readFileSync(htmlPath, "utf8");
  // the HTML lists the SHA-256 of report.json: the forger fixes it too
  const forgedHtml = html.replace(/(<td[^>]*>DSR<\/td><td[^>]*>)([^<]*)/, "$10.999")
    .replaceAll(sha256Hex(enc.encode(json)), sha256Hex(enc.encode(forgedJson)));
  assert.notEqual(forgedHtml, html, "a DSR cell in report.html");
  writeFileSync(jsonPath, forgedJson);
  writeFileSync(htmlPath, forgedHtml);
  const mPath = join(dir, "manifest.json");
  const m = JSON.parse(readFileSync(mPath, "utf8"));
  m.outputs["report.json"] = sha256Hex(enc.encode(forgedJson));
  m.outputs["report.html"] = sha256Hex(enc.encode(forgedHtml));
  writeFileSync(mPath, JSON.stringify(m, null, 2) + "\n");
}

function statuses(r: ReturnType<typeof verifyReportRun>): string[][] {
  return r.checks.map((c) => [c.name, c.status]);
}

Deno.test("verify-report re-renders a walk-forward report: a forged DSR fails, later trials change nothing", () => {
  const s = tempStore();
  try {
    bars(s.db);
    const ledger = openLedger(s.db, { gitCommit: "unknown" });
    const opts = {
      freq: "1h" as const,
      strategy: { strategy: "ma-crossover" as const, assets: ["BTCUSDT"], params: { slow: 50 } },
      grid: { fast: [3, 6] },
      costs: { fees: "binance" },
      folds: { folds: 3 },
      nullRuns: 4,
      git: GIT,
    };
    const m = runWalkForward(s.db, { ...opts, ledger }).model;
    assert.equal(typeof m.manifest.params.ledgerUpTo, "number");
    const dir = join(s.dir, "wf");
    writeReport(dir, m);
    let r = verifyReportRun(dir, s);
    assert.deepEqual(statuses(r).slice(0, 3), [
      ["hashes", "ok"],
      ["fingerprint", "ok"],
      ["re-render", "ok"],
    ], JSON.stringify(r.checks));
    // another grid of the same strategy adds trials to the family: the report still re-renders
    const before = readTrials(s.db, "walkforward:ma-crossover").length;
    runWalkForward(s.db, { ...opts, grid: { fast: [4, 8] }, ledger });
    assert.ok(readTrials(s.db, "walkforward:ma-crossover").length > before);
    r = verifyReportRun(dir, s);
    assert.equal(r.ok, true, JSON.stringify(r.checks));
    forgeDsr(dir);
    r = verifyReportRun(dir, s);
    assert.deepEqual(statuses(r).slice(0, 3), [
      ["hashes", "ok"],
      ["fingerprint", "ok"],
      ["re-render", "failed"],
    ]);
    assert.equal(r.ok, false);
    assert.ok(r.differences.some((d) => d.file === "report.json"));
  } finally {
    s.cleanup();
  }
});

Deno.test("verify-report re-renders a signal tear sheet from its file: a forged DSR or a changed file fails", async () => {
  const s = tempStore();
  try {
    bars(s.db);
    // a signal file: each asset's last 12-bar return
    const lines = ["ts,asset,value"];
    for (const symbol of ["BTCUSDT", "ETHUSDT", "ALTUSDT", "SOLUSDT", "XRPUSDT"]) {
      for (let i = 0; i < BARS; i++) {
        lines.push(`${new Date(i * H).toISOString()},${symbol},${Math.sin(i / 5 + symbol.length)}`);
      }
    }
    const path = join(s.dir, "sig.csv");
    writeFileSync(path, lines.join("\n") + "\n");
    const file = await readSignalFile(path);
    const m = runReport(s.db, {
      freq: "1h",
      horizons: [1, 4],
      nullRuns: 4,
      git: GIT,
      signal: {
        input: file.signal,
        source: { path, sha256: file.sha256 },
        options: {
          ledger: openLedger(s.db, { gitCommit: "unknown" }),
          trial: { params: { sha256: file.sha256 } },
        },
      },
    }).model;
    // the default family: every signal file on these bars
    assert.equal(m.manifest.params.ledgerFamily, "signal-file:x-1h");
    const dir = join(s.dir, "sf");
    writeReport(dir, m);
    let r = verifyReportRun(dir, s, { signalFile: file });
    assert.equal(r.ok, true, JSON.stringify(r.checks));
    assert.deepEqual(statuses(r)[2], ["re-render", "ok"]);
    // without the file: it cannot be re-rendered, and that is a failure, not a skip
    r = verifyReportRun(dir, s);
    assert.deepEqual(statuses(r)[2], ["re-render", "failed"]);
    assert.match(r.checks[2]!.lines.join("\n"), /was not read; give it with --signal-file/);
    // a changed file
    writeFileSync(path, lines.join("\n") + "\n\n");
    r = verifyReportRun(dir, s, { signalFile: await readSignalFile(path) });
    assert.match(r.checks[2]!.lines.join("\n"), /changed since the report: its SHA-256 is/);
    assert.equal(r.ok, false);
    // the forgery
    forgeDsr(dir);
    r = verifyReportRun(dir, s, { signalFile: file });
    assert.deepEqual(statuses(r).slice(0, 3), [
      ["hashes", "ok"],
      ["fingerprint", "ok"],
      ["re-render", "failed"],
    ]);
  } finally {
    s.cleanup();
  }
});
