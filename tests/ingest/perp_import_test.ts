/**
 * Issue 12 item 4: `deno task import` reads the freqtrade funding-rate and mark files users
 * hold into the perp tables, through the perp rules, as a user runs it (deno.json
 * permissions). Before this change both were skipped ("funding rates, not bars or trades",
 * "mark-price candles").
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { readFunding } from "@lib/store/perp_funding.ts";
import { readPerpKlines } from "@lib/store/perp_price_klines.ts";
import { runDeno } from "../_shared/run_task.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

const V = "binance_futures";
const read = (...p: string[]) => JSON.parse(readFileSync(realPath(...p), "utf8")) as number[][];

realDataTest(
  "import stores real freqtrade funding and mark files; a re-import changes nothing",
  async () => {
    const dir = Deno.makeTempDirSync();
    const db = join(dir, "perp.db");
    try {
      const jilee = realPath("funding_and_futures", "binance_usdm_2025_jilee1212");
      const files = ["BTC_USDT_USDT-8h-funding_rate.json", "BTC_USDT_USDT-8h-mark.json"]
        .map((f) => join(jilee, f));
      const a = await runDeno(["task", "import", ...files, "--db", db]);
      assert.equal(a.code, 0, a.stderr);
      // the XRP test data's path names no exchange: --venue is asked for, then given
      const xrp = realPath(
        "funding_and_futures",
        "freqtrade_testdata_XRP_2021-11",
        "XRP_USDT-8h-funding_rate.json",
      );
      const refused = await runDeno(["task", "import", xrp, "--db", db]);
      assert.equal(refused.code, 1);
      assert.match(refused.stdout + refused.stderr, /--venue binance_futures/);
      const b = await runDeno(["task", "import", xrp, "--venue", V, "--db", db]);
      assert.equal(b.code, 0, b.stderr);

      const s = openStore(db);
      try {
        const btc = read(
          "funding_and_futures",
          "binance_usdm_2025_jilee1212",
          "BTC_USDT_USDT-8h-funding_rate.json",
        );
        const f = readFunding(s.db, V, "BTCUSDT");
        assert.deepEqual([...f.time], btc.map((r) => r[0]));
        assert.deepEqual([...f.rate], btc.map((r) => r[1]));
        const x = readFunding(s.db, V, "XRPUSDT");
        assert.equal(x.time.length, 91);
        assert.equal(x.time[0], 1637193600017);
        const markFile = read(
          "funding_and_futures",
          "binance_usdm_2025_jilee1212",
          "BTC_USDT_USDT-8h-mark.json",
        );
        const mark = readPerpKlines(s.db, {
          venue: V,
          symbol: "BTCUSDT",
          kind: "mark",
          freq: "8h",
        });
        assert.deepEqual([...mark.ts], markFile.map((r) => r[0]));
        assert.deepEqual([...mark.close], markFile.map((r) => r[4]));
        const src = s.db.prepare("SELECT DISTINCT source FROM funding_rates ORDER BY source").all()
          .map((r) => String(r.source));
        assert.equal(src.length, 2);
        assert.ok(src.every((x) => x.startsWith("file:")));
      } finally {
        s.close();
      }
      const again = await runDeno(["task", "import", ...files, "--db", db]);
      assert.equal(again.code, 0, again.stderr);
      const s2 = openStore(db);
      try {
        const runs = s2.db.prepare(
          "SELECT rows_written FROM ingest_runs ORDER BY run_id DESC LIMIT 1",
        )
          .get();
        assert.equal(runs?.rows_written, 0);
      } finally {
        s2.close();
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

Deno.test("import quarantines a funding row the rules refuse and keeps the rest", async () => {
  const dir = Deno.makeTempDirSync();
  const db = join(dir, "perp.db");
  try {
    const path = join(dir, "binance", "futures", "ETH_USDT_USDT-8h-funding_rate.json");
    Deno.mkdirSync(join(dir, "binance", "futures"), { recursive: true });
    // a rate of 1.5 (150% in 8 hours: a percentage read as a fraction) and an off-grid time
    Deno.writeTextFileSync(
      path,
      JSON.stringify([
        [1756425600000, 0.0001, 0, 0, 0, 0],
        [1756454400000, 1.5, 0, 0, 0, 0],
        [1756458000000, 0.0001, 0, 0, 0, 0],
        [1756483200000, -0.0002, 0, 0, 0, 0],
      ]),
    );
    const r = await runDeno(["task", "import", path, "--db", db]);
    assert.equal(r.code, 0, r.stderr);
    const s = openStore(db);
    try {
      assert.deepEqual([...readFunding(s.db, V, "ETHUSDT").rate], [0.0001, -0.0002]);
      const q = s.db.prepare("SELECT reason FROM quarantine ORDER BY id").all().map((x) =>
        String(x.reason)
      );
      assert.equal(q.length, 2);
      assert.match(q[0]!, /^funding rate out of bounds: /);
      assert.match(q[1]!, /^funding time off the funding grid: /);
    } finally {
      s.close();
    }
    // a file stating a 1h funding grid (contracts that fund hourly) is gated on that grid
    const hourly = join(dir, "binance", "futures", "SOL_USDT_USDT-1h-funding_rate.json");
    Deno.writeTextFileSync(
      hourly,
      JSON.stringify(
        [0, 1, 2, 3].map((h) => [1756425600000 + h * 3_600_000 + 5, 0.00005, 0, 0, 0, 0]),
      ),
    );
    const r2 = await runDeno(["task", "import", hourly, "--db", db]);
    assert.equal(r2.code, 0, r2.stderr);
    const s2 = openStore(db);
    try {
      assert.equal(readFunding(s2.db, V, "SOLUSDT").time.length, 4);
    } finally {
      s2.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("import reads funding and mark files with bare NaN (as Python writes it), quarantining those rows", async () => {
  const dir = Deno.makeTempDirSync();
  const db = join(dir, "perp.db");
  try {
    Deno.mkdirSync(join(dir, "binance", "futures"), { recursive: true });
    const funding = join(dir, "binance", "futures", "ETH_USDT_USDT-8h-funding_rate.json");
    // Python's json.dump writes float("nan") as a bare NaN, which JSON.parse refuses
    Deno.writeTextFileSync(
      funding,
      "[[1756425600000, 0.0001, 0.0, 0.0, 0.0, 0.0], [1756454400000, NaN, 0.0, 0.0, 0.0, 0.0], " +
        "[1756483200000, -0.0002, 0.0, 0.0, 0.0, 0.0]]",
    );
    const mark = join(dir, "binance", "futures", "ETH_USDT_USDT-8h-mark.json");
    Deno.writeTextFileSync(
      mark,
      "[[1756425600000, 4000.0, 4010.0, 3990.0, 4005.0, 0.0],\n" +
        " [1756454400000, 4005.0, NaN, 3995.0, 4001.0, 0.0],\n" +
        " [1756483200000, 4001.0, 4020.0, 3999.0, 4015.0, 0.0]]",
    );
    for (const path of [funding, mark]) {
      const r = await runDeno(["task", "import", path, "--db", db]);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /invalid JSON|Unexpected token/i);
    }
    const s = openStore(db);
    try {
      assert.deepEqual([...readFunding(s.db, V, "ETHUSDT").rate], [0.0001, -0.0002]);
      const k = readPerpKlines(s.db, {
        venue: V,
        symbol: "ETHUSDT",
        kind: "mark",
        freq: "8h",
      });
      assert.deepEqual([...k.ts], [1756425600000, 1756483200000]);
      const q = s.db.prepare("SELECT reason FROM quarantine ORDER BY id").all().map((x) =>
        String(x.reason)
      );
      assert.equal(q.length, 2, q.join("\n"));
      assert.match(q[0]!, /^funding rate is not a finite number: rate NaN at 2025-08-29T08:00/);
      assert.match(q[1]!, /^price is not a finite number: high NaN/);
    } finally {
      s.close();
    }
    // a file that is not JSON even with NaN read as null is still refused as a whole
    const broken = join(dir, "binance", "futures", "BTC_USDT_USDT-8h-funding_rate.json");
    Deno.writeTextFileSync(broken, "[[1756425600000, NaN, 0.0, 0.0, 0.0, 0.0],");
    const b = await runDeno(["task", "import", broken, "--db", db]);
    assert.notEqual(b.code, 0);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
