/**
 * `deno task report --signal-file PATH` end to end, as users run it (`deno task`, so with the
 * permissions of deno.json and tasks/_launch.ts): a researcher's own signal in a CSV file and
 * the same values in a Parquet file, on real Binance hourly bars imported into a temporary
 * store, give the signal tear sheet with the file's SHA-256 in the manifest and the IC the
 * library computes on the same dataset.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { readTrials } from "@lib/store/trials.ts";
import { tableToParquet } from "@lib/core/export/parquet.ts";
import { sha256Hex } from "@lib/report/manifest.ts";
import { ReportSchema } from "@lib/report/schema.ts";
import { verifyReport } from "@lib/report/verify.ts";
import { signalTearSheet } from "@lib/report/tears/signal_tear_sheet.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiStore } from "../_shared/nfi_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const BASES = ["BTC", "ETH", "ADA", "DOT", "LINK", "LTC", "EOS", "ETC"];
const FROM = "2021-01-01", TO = "2021-03-01";

realDataTest(
  "deno task report --signal-file: CSV and Parquet signal files on real bars",
  async () => {
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-signal-file-" });
    try {
      const { db, dataset } = await nfiStore(tmp, BASES, { from: FROM, to: TO });
      // the researcher's signal: 24-bar momentum, written in long format outside the store's folder
      const { panel } = dataset;
      const signal = panel.close.map((c) =>
        Float64Array.from(c, (x, t) => (t >= 24 ? Math.log(x / c[t - 24]!) : NaN))
      );
      const ts: number[] = [], asset: string[] = [], value: number[] = [];
      const lines = ["ts,asset,value"];
      panel.assets.forEach((a, k) => {
        for (let t = 0; t < panel.index.length; t++) {
          const v = signal[k]![t]!;
          ts.push(panel.index[t]!);
          asset.push(a);
          value.push(v);
          lines.push(
            `${new Date(panel.index[t]!).toISOString()},${a},${Number.isFinite(v) ? v : ""}`,
          );
        }
      });
      await Deno.mkdir(join(tmp, "signals"));
      const csvPath = join(tmp, "signals", "momentum.csv");
      const pqPath = join(tmp, "signals", "momentum.parquet");
      await Deno.writeTextFile(csvPath, lines.join("\n") + "\n");
      await Deno.writeFile(
        pqPath,
        tableToParquet({
          name: "signal",
          columns: [
            { name: "ts", type: "timestamp", values: ts },
            { name: "asset", type: "string", values: asset },
            { name: "value", type: "float", values: value },
          ],
          metadata: {},
        }),
      );
      const expected = signalTearSheet(panel, signal, { horizons: [1, 4, 24] });
      const icRows = expected.decay.filter((r) => [1, 4, 24].includes(r.horizon)).map((
        r,
      ) => [r.horizon, r.mean]);

      for (const path of [csvPath, pqPath]) {
        const out = await runDeno([
          "task",
          "report",
          "--db",
          db,
          "--out",
          join(tmp, "out"),
          "--from",
          FROM,
          "--to",
          TO,
          "--signal-file",
          path,
        ]);
        assert.equal(out.code, 0, out.stderr);
        const html = out.stdout.trim().split("\n")[0]!;
        const dir = html.replace(/\/report\.html$/, "");
        assert.deepEqual(verifyReport(dir).problems, []);
        const m = ReportSchema.parse(JSON.parse(readFileSync(join(dir, "report.json"), "utf8")));
        assert.equal(m.manifest.params.signalSha256, sha256Hex(await Deno.readFile(path)));
        assert.match(m.runId, /^signal-[0-9a-f]{12}$/);
        const ids = m.sections.map((s) => s.id);
        for (
          const id of [
            "data",
            "signal-sheet-input",
            "signal-sheet-ic",
            "signal-sheet-quantiles",
            "signal-sheet-long-short-returns",
          ]
        ) {
          assert.ok(ids.includes(id), `${id} in ${ids.join(",")}`);
        }
        const ic = m.sections.flatMap((s) => s.blocks).find((b) =>
          b.type === "table" && b.id === "signal-sheet-ic-summary"
        );
        assert.ok(ic !== undefined && ic.type === "table");
        assert.deepEqual(ic.rows.map((r) => [r[0], r[1]]), icRows, path);
        const align = m.sections.flatMap((s) => s.blocks).find((b) =>
          b.type === "table" && b.id === "signal-sheet-alignment"
        );
        assert.ok(align !== undefined && align.type === "table");
        assert.equal(align.rows[0]![0], panel.assets.length * panel.index.length); // every row placed
        // the overfitting verdict of the IC trial the task recorded, with its null-suite position
        const verdict = m.sections.flatMap((s) => s.blocks).find((b) =>
          b.type === "table" && b.id === "overfitting-verdict"
        );
        assert.ok(verdict !== undefined && verdict.type === "table", ids.join(","));
        // every signal file tried on these bars is one family (issue 10, finding 1): the CSV
        // is trial 1, the Parquet file (other bytes, same values) comes after it, and N counts
        // the family's IC series (not the long-short returns)
        const base = path.split("/").pop()!;
        // the title and the regime tables name the signal by the file's base name, not its path
        assert.equal(m.title, `cryptolab signal tear sheet: ${base}`);
        const regimeRows = m.sections.find((s) => s.id === "regimes")!.blocks.flatMap((b) =>
          b.type === "table" ? b.rows : []
        );
        assert.ok(regimeRows.some((r) => r[0] === base), JSON.stringify(regimeRows[0]));
        assert.ok(!JSON.stringify(m.sections).includes(path), "the full path in a section");
        const ledger = openStore(db, { mustExist: true });
        const stored = readTrials(ledger.db, "signal-file:binance-1h");
        ledger.close();
        const ics = stored.filter((t) => t.kind === "ic");
        const k = ics.findIndex((t) => {
          const q = JSON.parse(t.params);
          return q.file === base && q.horizon === 1;
        }) + 1;
        assert.ok(k >= 1 && stored.length > ics.length);
        assert.match(
          String(verdict.rows[0]![2]),
          new RegExp(`^trial ${k} of ${ics.length} in family signal-file:binance-1h `),
        );
        assert.equal(m.manifest.params.ledgerFamily, "signal-file:binance-1h");
        // verify-report re-renders the signal tear sheet from the file (issue 10, finding 2)
        const v = await runDeno(["task", "verify-report", dir, "--db", db, "--signal-file", path]);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.match(v.stdout, /^re-render: OK$/m);
        assert.match(
          String(verdict.rows.find((r) => r[0] === "Null-suite p-value")![2]),
          /against 19 [a-z-]+ placebo runs of the mean rank IC at 1 bars \(seed 0;/,
        );
        assert.ok(ids.includes("overfitting"));
      }
      // --no-ledger records nothing (the trial recorded above is still found); --null-runs 0
      const quiet = await runDeno([
        "task",
        "report",
        "--db",
        db,
        "--out",
        join(tmp, "out"),
        "--from",
        FROM,
        "--to",
        TO,
        "--signal-file",
        csvPath,
        "--no-ledger",
        "--null-runs",
        "0",
      ]);
      assert.equal(quiet.code, 0, quiet.stderr);
      const qm = ReportSchema.parse(
        JSON.parse(readFileSync(quiet.stdout.trim().split("\n")[1]!, "utf8")),
      );
      const qv = qm.sections.flatMap((s) => s.blocks).find((b) =>
        b.type === "table" && b.id === "overfitting-verdict"
      );
      assert.ok(qv !== undefined && qv.type === "table");
      assert.match(String(qv.rows[0]![2]), /^trial \d+ of \d+ in family signal-file:binance-1h /);
      assert.deepEqual(qv.rows.find((r) => r[0] === "Null-suite p-value")!.slice(1), [
        null,
        "no null suite: none was run (--null-runs 0), or the statistic has no finite value on this data",
      ]);
      const bad = await runDeno(["task", "report", "--db", db, "--null-runs", "many"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--null-runs must be an integer >= 0, got "many"/);

      const missing = await runDeno([
        "task",
        "report",
        "--db",
        db,
        "--signal-file",
        join(tmp, "nope.csv"),
      ]);
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /--signal-file: Cannot read the signal file .*nope\.csv/);
      const both = await runDeno([
        "task",
        "report",
        "--db",
        db,
        "--signals",
        "momentum_24",
        "--signal-file",
        csvPath,
      ]);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /--signals and --signal-file exclude each other/);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
