/**
 * `deno task demo` on real data (issue 3 item 5): against the local fake exchange, which serves
 * real Binance klines cut from ../shared/data/real and a whole-market ticker built from them at
 * the captured server time, the demo backfills the top pairs and reports on them; with nothing
 * listening it says why on stderr and in the report header, and uses the simulated market.
 */
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { openStore } from "@lib/store/db.ts";
import { readBars } from "@lib/store/bars.ts";
import { verifyReport } from "@lib/report/verify.ts";
import { sha256Hex } from "@lib/report/manifest.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";
import { REPORT_TASK_PERMISSIONS, runDeno, runTask, type TaskOutput } from "../_shared/run_task.ts";

const HOUR = 3_600_000;

/**
 * Forge the first number of the first table row in report.json and the first numeric table
 * cell in report.html, and fix the hashes in the HTML and the manifest.
 */
function forgeTotalCells(dir: string): void {
  const jsonPath = join(dir, "report.json"), htmlPath = join(dir, "report.html");
  const json = readFileSync(jsonPath, "utf8");
  const forgedJson = json.replace(
    /("rows":\s*\[\s*\[\s*"[^"]*",\s*)(-?[0-9][0-9.e+-]*)/,
    "$1123.456",
  );
  assert.notEqual(forgedJson, json, "a numeric table cell in report.json");
  const enc = new TextEncoder();
  const html = readFileSync(htmlPath, "utf8");
  const forgedHtml = html.replace(/(<td[^>]*>)(-?[0-9][0-9.,%]*)(<\/td>)/, "$1123.456$3")
    .replaceAll(sha256Hex(enc.encode(json)), sha256Hex(enc.encode(forgedJson)));
  assert.notEqual(forgedHtml, html, "a numeric table cell in report.html");
  writeFileSync(jsonPath, forgedJson);
  writeFileSync(htmlPath, forgedHtml);
  const mPath = join(dir, "manifest.json");
  const m = JSON.parse(readFileSync(mPath, "utf8"));
  m.outputs["report.json"] = sha256Hex(enc.encode(forgedJson));
  m.outputs["report.html"] = sha256Hex(enc.encode(forgedHtml));
  writeFileSync(mPath, JSON.stringify(m, null, 2) + "\n");
}

function demo(args: string[], binanceUrl: string): Promise<TaskOutput> {
  return runTask("demo", args, {
    permissions: [...REPORT_TASK_PERMISSIONS, "--allow-net=127.0.0.1"],
    env: { CRYPTOLAB_BINANCE_URL: binanceUrl },
  });
}

realDataTest("demo backfills the top Binance pairs when the exchange answers", async () => {
  const ex = await startFakeExchange({ wholeMarket: true });
  const tmp = Deno.makeTempDirSync({ prefix: "cryptolab-demo-real-" });
  try {
    const db = join(tmp, "real.db");
    const r = await demo(["--assets", "5", "--days", "10", "--db", db, "--out", tmp], ex.url);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /demo: Binance answered in \d+ ms: using real data/);
    const dir = r.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    assert.match(report.dataNote, /^real Binance spot hourly bars: top 5 USDT pairs/);
    assert.equal(report.manifest.seed, null);
    // and ledgerUpTo: the largest trial id its overfitting verdicts counted (0 without one)
    assert.deepEqual(report.manifest.params, {
      assets: 5,
      betaWindow: 168,
      days: 10,
      ledgerUpTo: report.manifest.params.ledgerUpTo,
      source: "binance",
    });
    assert.equal(typeof report.manifest.params.ledgerUpTo, "number");
    const symbols: string[] = report.manifest.dataset.symbols;
    assert.equal(symbols.length, 5);
    assert.deepEqual(symbols.slice(0, 2), ["BTCUSDT", "ETHUSDT"]);
    assert.deepEqual(verifyReport(dir).problems, []);
    // The stored bars are the real candles: compare BTCUSDT with the file the klines came from.
    const file = parseFreqtradeJson(
      readFileSync(realPath("ohlcv", "binance_spot_2017-2022_djienne", "BTC_USDT-1h.json"), "utf8"),
    );
    const store = openStore(db, { readOnly: true });
    try {
      const bars = readBars(store.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
      assert.equal(bars.ts.length, 240);
      // The captured server time (2021-10-10T03:11Z) fixes the window: 240 hours before 03:00.
      const serverTime = 1633835466289;
      assert.equal(bars.ts[239], Math.floor(serverTime / HOUR) * HOUR - HOUR);
      const at = new Map(Array.from(file.ts.subarray(0, file.n), (t, i) => [t, i]));
      for (let i = 0; i < bars.ts.length; i++) {
        const k = at.get(bars.ts[i]!)!;
        assert.equal(bars.close[i], file.close[k], `close at ${bars.ts[i]}`);
        assert.equal(bars.volume[i], file.volume[k], `volume at ${bars.ts[i]}`);
      }
    } finally {
      store.close();
    }
    // verify-report re-renders the real-data demo from the backfilled bars, byte for byte
    // (issue 10, item 8: it was skipped), as users run it (deno task, deno.json permissions)
    const v = await runDeno(["task", "verify-report", dir, "--db", db]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^re-render: OK$/m);
    assert.match(v.stdout, /report\.json: \d+ bytes, identical/);
    // a forged copy: a number edited in report.json and report.html, the hashes fixed
    const forged = join(tmp, "forged");
    cpSync(dir, forged, { recursive: true });
    forgeTotalCells(forged);
    assert.deepEqual(verifyReport(forged).problems, []);
    const f = await runDeno(["task", "verify-report", forged, "--db", db]);
    assert.equal(f.code, 1, f.stdout + f.stderr);
    assert.match(f.stdout, /^hashes: OK$/m);
    assert.match(f.stdout, /^re-render: FAILED$/m);
    assert.match(f.stdout, /report\.json: first difference at byte \d+/);
    // Re-running fetches only what is missing: nothing.
    const before = ex.requests.filter((q) => q.path === "/api/v3/klines").length;
    const again = await demo(["--assets", "5", "--days", "10", "--db", db, "--out", tmp], ex.url);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(ex.requests.filter((q) => q.path === "/api/v3/klines").length, before);
  } finally {
    await ex.close();
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("demo says why on stderr and in the report when Binance does not answer", async () => {
  const tmp = Deno.makeTempDirSync({ prefix: "cryptolab-demo-offline-" });
  try {
    const args = ["--seed", "3", "--assets", "3", "--days", "2", "--out", tmp];
    const r = await demo([...args, "--db", join(tmp, "a.db")], "http://127.0.0.1:1");
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("demo: "));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0]!,
      /^demo: Binance did not answer within 3 s: .+; using the simulated market$/,
    );
    const dir = r.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    assert.match(
      report.dataNote,
      /^simulated market, seed 3 \(Binance did not answer within 3 s: /,
    );
    assert.match(
      readFileSync(join(dir, "report.html"), "utf8"),
      /Binance did not answer within 3 s/,
    );
    // --source binance refuses instead of falling back, before touching the store.
    const b = await demo(
      [...args, "--db", join(tmp, "b.db"), "--source", "binance"],
      "http://127.0.0.1:1",
    );
    assert.equal(b.code, 1);
    assert.match(b.stderr, /--source binance: Binance did not answer/);
    // --source sim never probes.
    const s = await demo(
      [...args, "--db", join(tmp, "c.db"), "--source", "sim"],
      "http://127.0.0.1:1",
    );
    assert.equal(s.code, 0, s.stderr);
    assert.doesNotMatch(s.stderr, /Binance/);
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
