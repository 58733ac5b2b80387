/**
 * Issue 9 item 3 (perp funding accrued at each funding time from stored funding history,
 * longs pay positive rates) with issue 12's store: the REAL Binance BTCUSDT funding file
 * (freqtrade, jilee1212, 2025-08-29 to 09-28) and the real BTCUSDT perp 1h candles of the same
 * download are imported into a test store; `buildCosts({ funding: true })` charges each rate
 * in the bar containing its funding time, checked by hand below. Before this change
 * `--funding` was always refused ("the store holds no perp funding history").
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { buildCosts, CostSpecError } from "@lib/pipeline/cost_spec.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { runDeno } from "../_shared/run_task.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

const DIR = realPath("funding_and_futures", "binance_usdm_2025_jilee1212");
const H = 3_600_000;
const FROM = Date.UTC(2025, 7, 29), TO = Date.UTC(2025, 8, 28);

async function perpStore(dir: string, withFunding = true): Promise<string> {
  const db = join(dir, "perp.db");
  const s = openStore(db);
  try {
    const files = ["BTC_USDT_USDT-1h-futures.json", "ETH_USDT_USDT-1h-futures.json"];
    if (withFunding) files.push("BTC_USDT_USDT-8h-funding_rate.json");
    const r = await importPaths(s.db, files.map((f) => join(DIR, f)));
    assert.ok(r.files.every((f) => f.status === "imported"), JSON.stringify(r.files));
  } finally {
    s.close();
  }
  return db;
}

realDataTest(
  "--funding charges each stored rate at its funding time: by hand on the real BTCUSDT file",
  async () => {
    const dir = Deno.makeTempDirSync();
    try {
      const s = openStore(await perpStore(dir));
      try {
        const panel = loadPanel(s.db, {
          venue: "binance_futures",
          symbols: ["BTCUSDT"],
          freq: "1h",
          from: FROM,
          to: TO,
        });
        assert.equal(panel.index.length, 720);
        const costs = buildCosts({ fees: "none", funding: true }, panel, s.db);
        assert.deepEqual(costs.models.map((m) => m.name), ["funding"]);
        assert.match(costs.notes[0]!, /^funding: 90 stored funding events of binance_futures/);
        const file = JSON.parse(
          readFileSync(join(DIR, "BTC_USDT_USDT-8h-funding_rate.json"), "utf8"),
        ) as number[][];
        const inWindow = file.filter((r) => r[0]! >= FROM && r[0]! < TO);
        assert.equal(inWindow.length, 90);

        // long 1 from the start: with the default lag of 1 the position is held from bar 1 on
        const long = backtestWeights(panel, [new Float64Array(720).fill(1)], {
          costs: costs.models,
        });
        const paid = long.costs.funding!;
        // by hand: the first funding time is 2025-08-29T00:00:00.000Z (bar 0, nothing held yet),
        // the second 08:00 (bar 8) at 0.0001 -> a long of weight 1 pays 0.0001 of equity there
        assert.equal(inWindow[0]![0], FROM);
        assert.equal(paid[0], 0);
        assert.equal(inWindow[1]![0], FROM + 8 * H);
        assert.equal(inWindow[1]![1], 0.0001);
        assert.ok(Math.abs(paid[8]! - long.weights[0]![8]! * 0.0001) < 1e-18);
        assert.ok(Math.abs(paid[8]! - 0.0001) < 1e-15);
        // every funding bar pays held weight x rate, every other bar nothing
        const barOf = (f: number) => Math.floor((f - FROM) / H);
        const expected = new Float64Array(720);
        for (const [f, rate] of inWindow) {
          expected[barOf(f!)]! += long.weights[0]![barOf(f!)]! * rate!;
        }
        for (let t = 0; t < 720; t++) {
          assert.ok(Math.abs(paid[t]! - expected[t]!) < 1e-15, `bar ${t}`);
        }
        const total = inWindow.slice(1).reduce((a, r) => a + r[1]!, 0);
        assert.ok(Math.abs(paid.reduce((a, b) => a + b, 0) - total) < 1e-12);
        // a short receives the same rates: its funding cost is the negative
        const short = backtestWeights(panel, [new Float64Array(720).fill(-1)], {
          costs: costs.models,
        });
        for (let t = 0; t < 720; t++) {
          assert.ok(Math.abs(short.costs.funding![t]! + expected[t]!) < 1e-15, `short bar ${t}`);
        }

        // a traded symbol without stored funding is refused, naming it and what to run
        const both = loadPanel(s.db, {
          venue: "binance_futures",
          symbols: ["BTCUSDT", "ETHUSDT"],
          freq: "1h",
          from: FROM,
          to: TO,
        });
        assert.throws(
          () => buildCosts({ funding: true }, both, s.db),
          (e: unknown) =>
            e instanceof CostSpecError &&
            /no funding history for ETHUSDT on binance_futures/.test(e.message) &&
            /deno task backfill --kind funding --venue binance_futures --symbols ETHUSDT/.test(
              e.message,
            ),
        );
        // a window reaching past the stored funding misses a funding time: refused, not zero
        const late = loadPanel(s.db, {
          venue: "binance_futures",
          symbols: ["BTCUSDT"],
          freq: "1h",
          from: FROM,
          to: TO + 10 * H,
        });
        assert.throws(
          () => buildCosts({ funding: true }, late, s.db),
          /misses funding times .* first BTCUSDT at 2025-09-28T08:00:00.000Z; a missing rate is not a zero rate/,
        );
      } finally {
        s.close();
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

realDataTest(
  "deno task backtest --funding on stored perp funding runs and reports the funding model",
  async () => {
    const dir = Deno.makeTempDirSync();
    try {
      const db = await perpStore(dir);
      const common = [
        "--db",
        db,
        "--out",
        join(dir, "out"),
        "--venue",
        "binance_futures",
        "--freq",
        "1h",
        "--from",
        "2025-08-29",
        "--to",
        "2025-09-28",
        "--strategy",
        "ma-crossover",
        "--assets",
        "BTCUSDT",
        "--param",
        "fast=12",
        "--param",
        "slow=48",
      ]; // deno-fmt-ignore
      const run = await runDeno(["task", "backtest", ...common, "--funding"]);
      assert.equal(run.code, 0, run.stderr);
      const html = run.stdout.trim().split("\n")[0]!;
      const json = readFileSync(html.replace(/report\.html$/, "report.json"), "utf8");
      assert.match(json, /funding: 90 stored funding events of binance_futures/);
      // without funding history for the asset, the task exits 2 naming the flag
      const dir2 = Deno.makeTempDirSync();
      try {
        const bare = await perpStore(dir2, false);
        const refused = await runDeno([
          "task",
          "backtest",
          ...common.map((a) => (a === db ? bare : a)),
          "--funding",
        ]); // deno-fmt-ignore
        assert.equal(refused.code, 2, refused.stderr);
        assert.match(refused.stderr, /--funding: the store holds no funding history for BTCUSDT/);
      } finally {
        Deno.removeSync(dir2, { recursive: true });
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
);
