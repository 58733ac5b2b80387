/**
 * verify-report re-renders a backtest of a signal file (`deno task backtest --strategy
 * long-short --signal-file PATH`; issue 10, item 8: it was skipped, so a number edited in
 * report.json and report.html with the hashes fixed passed). Run as users do (`deno task`, so
 * with the permissions of deno.json and tasks/_launch.ts): the honest report verifies with the
 * file given; the forged copy fails re-render; a file that cannot be read (not given, so
 * outside the granted paths, or changed) fails the check instead of skipping it.
 */
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { allocBars } from "@lib/core/types.ts";
import { writeBars } from "@lib/store/bars.ts";
import { sha256Hex } from "@lib/report/manifest.ts";
import { runDeno } from "../_shared/run_task.ts";

const H = 3_600_000, BARS = 240;
const SYMBOLS = ["BTCUSDT", "ETHUSDT", "ALTUSDT", "SOLUSDT", "XRPUSDT"];

/** Change the first number of the "Total return" row in report.json and report.html, fix hashes. */
function forgeTotalReturn(dir: string): void {
  const jsonPath = join(dir, "report.json"), htmlPath = join(dir, "report.html");
  const json = readFileSync(jsonPath, "utf8");
  const forgedJson = json.replace(/("Total return",\s*)(-?[0-9.e+-]+)/, "$10.999");
  assert.notEqual(forgedJson, json, "a Total return row in report.json");
  const enc = new TextEncoder();
  const html = readFileSync(htmlPath, "utf8");
  // the HTML lists the SHA-256 of report.json: the forger fixes it too
  const forgedHtml = html.replace(/(<td[^>]*>Total return<\/td><td[^>]*>)([^<]*)/, "$199.9%")
    .replaceAll(sha256Hex(enc.encode(json)), sha256Hex(enc.encode(forgedJson)));
  assert.notEqual(forgedHtml, html, "a Total return cell in report.html");
  writeFileSync(jsonPath, forgedJson);
  writeFileSync(htmlPath, forgedHtml);
  const mPath = join(dir, "manifest.json");
  const m = JSON.parse(readFileSync(mPath, "utf8"));
  m.outputs["report.json"] = sha256Hex(enc.encode(forgedJson));
  m.outputs["report.html"] = sha256Hex(enc.encode(forgedHtml));
  writeFileSync(mPath, JSON.stringify(m, null, 2) + "\n");
}

Deno.test("deno task verify-report re-renders a backtest of a signal file: a forgery or an unread file fails", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-verify-signal-backtest-" });
  try {
    await Deno.mkdir(join(tmp, "store"));
    const db = join(tmp, "store", "test.db");
    const store = openStore(db);
    try {
      for (const [k, symbol] of SYMBOLS.entries()) {
        const b = allocBars({ venue: "x", symbol, freq: "1h" }, BARS);
        for (let i = 0; i < BARS; i++) {
          const p = 100 *
            Math.exp(0.02 * Math.sin(i / (7 + 3 * k)) + 0.001 * ((i * (k + 3)) % 7));
          b.ts[i] = i * H;
          b.open[i] =
            b.high[i] =
            b.low[i] =
            b.close[i] =
              p;
          b.volume[i] = 1;
        }
        writeBars(store.db, b, { source: "test" });
      }
    } finally {
      store.close();
    }
    // the signal file lives outside the store's and the report's folders
    await Deno.mkdir(join(tmp, "signals"));
    const path = join(tmp, "signals", "sig.csv");
    const lines = ["ts,asset,value"];
    for (const symbol of SYMBOLS) {
      for (let i = 0; i < BARS; i++) {
        lines.push(`${new Date(i * H).toISOString()},${symbol},${Math.sin(i / 5 + symbol.length)}`);
      }
    }
    writeFileSync(path, lines.join("\n") + "\n");
    const out = join(tmp, "out");
    const bt = await runDeno([
      "task",
      "backtest",
      "--db",
      db,
      "--out",
      out,
      "--venue",
      "x",
      "--freq",
      "1h",
      "--strategy",
      "long-short",
      "--param",
      "minAssets=2",
      "--signal-file",
      path,
      "--fees",
      "binance",
      "--null-runs",
      "4",
    ]);
    assert.equal(bt.code, 0, bt.stderr);
    const dir = bt.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    assert.equal(m.params.signalFile, path);
    assert.equal(m.params.signalSha256, sha256Hex(readFileSync(path)));
    const forged = join(tmp, "forged");
    cpSync(dir, forged, { recursive: true });

    const verify = (d: string, ...extra: string[]) =>
      runDeno(["task", "verify-report", d, "--db", db, ...extra]);
    // the honest report, the file given again
    let v = await verify(dir, "--signal-file", path);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^re-render: OK$/m);
    assert.match(v.stdout, /report\.json: \d+ bytes, identical/);
    assert.match(v.stdout, /report\.html: \d+ bytes, identical/);
    assert.match(v.stdout, /manifest\.json: \d+ bytes, identical/);
    // without --signal-file the task may not read the manifest's path (outside the granted
    // folders): the check fails, it is not skipped
    v = await verify(dir);
    assert.equal(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout, /^re-render: FAILED$/m);
    assert.match(v.stdout, /was not read; give it with --signal-file/);
    // the forged copy: hashes fixed, so only re-rendering catches it
    forgeTotalReturn(forged);
    v = await verify(forged, "--signal-file", path);
    assert.equal(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout, /^hashes: OK$/m);
    assert.match(v.stdout, /^fingerprint: OK$/m);
    assert.match(v.stdout, /^re-render: FAILED$/m);
    assert.match(v.stdout, /report\.json: first difference at byte \d+/);
    assert.match(v.stdout, /report\.html: first difference at byte \d+/);
    // a changed file
    writeFileSync(path, lines.join("\n") + "\n\n");
    v = await verify(dir, "--signal-file", path);
    assert.equal(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout, /^re-render: FAILED$/m);
    assert.match(v.stdout, /changed since the report: its SHA-256 is/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
