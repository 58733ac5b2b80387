/**
 * A signal-file report keeps verifying after later reports record other trials (issue 9, second
 * review, item 1), and a file on which no IC can be computed is refused (item 3a); run as users
 * run them (`deno task report` / `deno task verify-report`, the permissions of deno.json and
 * tasks/_launch.ts) on real Binance hourly bars of 8 NFI pairs.
 *
 * The first report's trial used to be looked up by origin, dataset, horizon and IC series
 * only, the newest match winning: reporting the same momentum times 2 (same ranks, same IC
 * series) made the first report's re-render name the second file's trial ("FAILED:
 * re-render"), and a constant file read back the trial of any other file with an empty IC
 * series (another constant). Now the trial is found by the file's SHA-256 among trials up to the report's
 * `ledgerUpTo` (0 for a report that found none: built with --no-ledger). A 2- or 3-asset file used to give an empty sheet (exit 0) and 7 empty trials.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { readTrials } from "@lib/store/trials.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiStore } from "../_shared/nfi_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const BASES = ["BTC", "ETH", "ADA", "DOT", "LINK", "LTC", "EOS", "ETC"];
const FROM = "2021-01-01", TO = "2021-01-08";
const FAMILY = "signal-file:binance-1h";

realDataTest(
  "deno task verify-report: a signal-file report verifies after other files are reported; a file without an IC is refused",
  async () => {
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-signal-reverify-" });
    try {
      const { db, dataset: { panel } } = await nfiStore(tmp, BASES, { from: FROM, to: TO });
      await Deno.mkdir(join(tmp, "signals"));
      const write = async (
        name: string,
        cell: (a: number, t: number) => string,
        assets = panel.assets.length,
      ) => {
        const lines = ["ts,asset,value"];
        panel.assets.slice(0, assets).forEach((a, k) => {
          for (let t = 0; t < panel.index.length; t++) {
            lines.push(`${new Date(panel.index[t]!).toISOString()},${a},${cell(k, t)}`);
          }
        });
        const path = join(tmp, "signals", name);
        await Deno.writeTextFile(path, lines.join("\n") + "\n");
        return path;
      };
      // 24-bar momentum (causal) and the same times 2: same ranks, same IC series
      const mom = (k: number, t: number) => {
        const c = panel.close[k]!;
        const v = Math.log(c[t]! / c[t - 24]!);
        return Number.isFinite(v) ? v : NaN;
      };
      const cell = (v: number) => Number.isFinite(v) ? String(v) : "";
      const momPath = await write("mom.csv", (k, t) => cell(mom(k, t)));
      const mom2Path = await write("mom2.csv", (k, t) => cell(2 * mom(k, t)));
      const constPath = await write("const.csv", () => "1");
      const const2Path = await write("const2.csv", () => "2");
      const two = await write("two.csv", (k, t) => cell(mom(k, t)), 2);
      const three = await write("three.csv", (k, t) => cell(mom(k, t)), 3);

      const report = (path: string, out = "out", ...more: string[]) =>
        runDeno([
          "task",
          "report",
          ...more,
          "--db",
          db,
          "--out",
          join(tmp, out),
          "--from",
          FROM,
          "--to",
          TO,
          "--signal-file",
          path,
          "--null-runs",
          "0",
        ]);
      const verify = (dir: string, path: string) =>
        runDeno(["task", "verify-report", dir, "--db", db, "--signal-file", path]);
      const reported = async (path: string) => {
        const r = await report(path);
        assert.equal(r.code, 0, r.stderr);
        return dirname(r.stdout.trim().split("\n")[0]!);
      };
      const verifies = async (dir: string, path: string) => {
        const v = await verify(dir, path);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.match(v.stdout, /^re-render: OK$/m);
        assert.match(v.stdout, /report\.json: \d+ bytes, identical/);
        assert.match(v.stdout, /manifest\.json: \d+ bytes, identical/);
      };
      const trials = () => {
        const s = openStore(db, { mustExist: true });
        try {
          return readTrials(s.db, FAMILY).length;
        } finally {
          s.close();
        }
      };

      // first without the ledger: no verdict (ledgerUpTo 0), and none may appear in its
      // rebuild once the ledger holds the file's trials
      const q = await report(momPath, "quiet", "--no-ledger");
      assert.equal(q.code, 0, q.stderr);
      const quiet = dirname(q.stdout.trim().split("\n")[0]!);
      assert.match(readFileSync(join(quiet, "report.json"), "utf8"), /No overfitting verdict/);
      const first = await reported(momPath);
      const r1 = await report(momPath);
      // the progress line names the file's signal, not the research report's 8 signals
      assert.match(r1.stderr, /building the report: all assets, the signal of mom\.csv, horizons/);
      assert.doesNotMatch(r1.stderr, /\d+ signals/);
      const firstJson = readFileSync(join(first, "report.json"), "utf8");
      assert.match(firstJson, /trial \d+ in the ledger/);
      await verifies(first, momPath);
      const constDir = await reported(constPath);
      await verifies(constDir, constPath);
      const recorded = trials();

      // fewer than 5 assets with values at every bar: refused, exit 2, nothing recorded
      for (const [path, n] of [[two, 2], [three, 3]] as const) {
        const r = await report(path);
        assert.equal(r.code, 2, r.stderr);
        assert.match(
          r.stderr,
          new RegExp(
            `--signal-file: Cannot report on ${n === 2 ? "two" : "three"}\\.csv: a rank IC needs ` +
              `values of at least 5 assets at a bar \\(minAssets\\), and no bar of the panel ` +
              `has more than ${n} \\(it has values of ${n} of the panel's 8 assets: ADAUSDT, `,
          ),
        );
        assert.match(r.stderr, /no trial was recorded/);
      }
      assert.equal(trials(), recorded);

      // another file with the same ranks: its own trials
      const second = await reported(mom2Path);
      assert.ok(trials() > recorded);
      // and another constant: the same empty IC series
      await reported(const2Path);
      // the first reports still verify: their trial is found by the file's SHA-256, among the
      // trials up to their ledgerUpTo
      await verifies(first, momPath);
      await verifies(constDir, constPath);
      await verifies(second, mom2Path);
      await verifies(quiet, momPath);
      assert.equal(readFileSync(join(first, "report.json"), "utf8"), firstJson);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
