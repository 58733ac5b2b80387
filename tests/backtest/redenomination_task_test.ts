/**
 * `deno task backtest` on real bars holding COCOS's 1:1000 redenomination (Binance, January
 * 2021; ../shared/data/real, PROVENANCE.md: 1h/COCOS_USDT-1h.json), run as users run it (the
 * permissions of deno.json and tasks/_launch.ts): the report warns with the asset, the time
 * and the ratio; `--adjust-redenominations` rescales the prices before the event for the
 * strategy and the engine, says so in the report and records it in the manifest.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { verifyReport } from "@lib/report/verify.ts";
import type { ReportModel } from "@lib/report/model.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { runDeno } from "../_shared/run_task.ts";

const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");

function report(stdout: string): { model: ReportModel; manifest: Record<string, unknown> } {
  const dir = stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
  assert.deepEqual(verifyReport(dir).problems, []);
  return {
    model: JSON.parse(readFileSync(join(dir, "report.json"), "utf8")),
    manifest: JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")),
  };
}

function texts(m: ReportModel): string[] {
  return m.sections.flatMap((s) => s.blocks).flatMap((b) =>
    "text" in b && typeof b.text === "string" ? [b.text] : []
  );
}

realDataTest(
  "deno task backtest warns about COCOS's redenomination and adjusts it on request",
  async (t) => {
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-redenomination-" });
    try {
      const db = join(tmp, "real.db");
      const store = openStore(db);
      try {
        const r = await importPaths(
          store.db,
          ["COCOS", "BTC", "ETH"].map((b) => join(NFI, `${b}_USDT-1h.json`)),
          { venue: "binance", freq: "1h" },
        );
        assert.ok(r.files.every((f) => f.status === "imported"));
      } finally {
        store.close();
      }
      const args = [
        "task",
        "backtest",
        "--strategy",
        "ma-crossover",
        "--assets",
        "COCOSUSDT",
        "--param",
        "fast=6",
        "--param",
        "slow=24",
        "--from",
        "2021-01-10",
        "--to",
        "2021-02-10",
        "--db",
        db,
        "--out",
        join(tmp, "out"),
      ];
      await t.step("warned, data as given", async () => {
        const run = await runDeno(args);
        assert.equal(run.code, 0, run.stderr);
        const { model, manifest } = report(run.stdout);
        const w = texts(model).find((s) => s.startsWith("COCOSUSDT: a redenomination"));
        assert.ok(w, texts(model).join("\n"));
        assert.match(
          w,
          /1 new unit for 1,000 old\) between 2021-01-19T01:00:00\.000Z and 2021-01-23T02:00:00\.000Z/,
        );
        assert.match(w, /close ratio 978\.4/);
        assert.match(w, /is not a real move/);
        assert.equal((manifest.params as Record<string, unknown>).adjustRedenominations, undefined);
      });
      await t.step("--adjust-redenominations: rescaled, said, recorded", async () => {
        const run = await runDeno([...args, "--adjust-redenominations"]);
        assert.equal(run.code, 0, run.stderr);
        const { model, manifest } = report(run.stdout);
        const w = texts(model).find((s) => s.startsWith("COCOSUSDT: a redenomination"));
        assert.ok(w, texts(model).join("\n"));
        assert.match(w, /rescaled by 1000 \(adjusted on request\), so its return there is -2\.2%/);
        assert.equal((manifest.params as Record<string, unknown>).adjustRedenominations, true);
      });
      await t.step("deno task walkforward takes the flag too", async () => {
        const wf = [
          "task",
          "walkforward",
          ...args.slice(2),
          "--grid",
          "fast=6,12",
          "--train-bars",
          "300",
          "--test-bars",
          "150",
          "--adjust-redenominations",
        ];
        const run = await runDeno(wf);
        assert.equal(run.code, 0, run.stderr);
        const { model, manifest } = report(run.stdout);
        assert.ok(
          texts(model).some((s) => /^COCOSUSDT: a redenomination.*rescaled by 1000/.test(s)),
          texts(model).join("\n"),
        );
        assert.equal((manifest.params as Record<string, unknown>).adjustRedenominations, true);
      });
      await t.step("a bad config value is a usage error naming the key", async () => {
        const cfg = join(tmp, "bad.json");
        await Deno.writeTextFile(cfg, JSON.stringify({ adjustRedenominations: "yes" }));
        const run = await runDeno([...args, "--config", cfg]);
        assert.equal(run.code, 2, run.stderr);
        assert.match(run.stderr, /adjustRedenominations must be true or false/);
      });
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
