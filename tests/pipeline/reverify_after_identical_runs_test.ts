/**
 * A backtest or walk-forward report keeps verifying (`deno task verify-report`, byte for byte)
 * after its family's generation is closed (`deno task trials close`) and the same run is made
 * again, recording an identical trial in the next generation: the re-render finds the trial its
 * first build recorded among the ledger's trials up to the report's `ledgerUpTo`, not the
 * newest identical one (another generation, another trial count: another verdict). Real
 * Binance hourly bars of 5 NFI pairs, tasks run as users run them (deno.json permissions).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiStore } from "../_shared/nfi_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const BASES = ["BTC", "ETH", "ADA", "LTC", "XRP"];
const FROM = "2021-01-01", TO = "2021-02-15";

realDataTest(
  "a report verifies after its family moved on and an identical run recorded a later trial",
  async (t) => {
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-reverify-same-" });
    try {
      const { db } = await nfiStore(tmp, BASES, { from: FROM, to: TO });
      const common = ["--db", db, "--out", join(tmp, "out"), "--from", FROM, "--to", TO];
      const verify = async (dir: string) => {
        const v = await runDeno(["task", "verify-report", dir, "--db", db]);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.match(v.stdout, /^re-render: OK$/m);
      };
      const twice = async (task: string, family: string, args: string[]) => {
        const dirs: string[] = [];
        for (const id of ["first", "again"]) {
          if (id === "again") { // a new generation of the family, then the same run again
            const c = await runDeno(["task", "trials", "close", family, "--db", db]);
            assert.equal(c.code, 0, c.stdout + c.stderr);
          }
          const run = await runDeno([
            "task",
            task,
            ...args,
            ...common,
            "--run-id",
            `${task}-${id}`,
            "--null-runs",
            "2",
          ]);
          assert.equal(run.code, 0, run.stderr);
          dirs.push(join(tmp, "out", `${task}-${id}`));
        }
        return dirs;
      };
      await t.step("deno task backtest", async () => {
        const [first, again] = await twice("backtest", "backtest:ma-crossover", [
          "--strategy",
          "ma-crossover",
          "--assets",
          "BTCUSDT",
          "--param",
          "fast=12",
          "--param",
          "slow=48",
        ]);
        await verify(first!);
        await verify(again!);
      });
      await t.step("deno task walkforward", async () => {
        const [first, again] = await twice("walkforward", "walkforward:ma-crossover", [
          "--strategy",
          "ma-crossover",
          "--assets",
          "BTCUSDT",
          "--grid",
          "fast=6,12",
          "--param",
          "slow=48",
          "--train-bars",
          "300",
          "--test-bars",
          "150",
        ]);
        await verify(first!);
        await verify(again!);
      });
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
