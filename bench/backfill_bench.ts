/**
 * Backfill of one year of 1-minute klines for one symbol (525,600 bars) from the local fake
 * exchange, through the real `backfill` of `lib/ingest/backfill.ts` with `BinanceRest` (what
 * `deno task backfill --venue binance --symbols BTCUSDT --freq 1m` runs), into a fresh store.
 *
 *   deno bench -A bench/backfill_bench.ts
 *   /usr/bin/python3 bench/backfill_peer.py   # side by side with Python requests + sqlite3
 *
 * The data. The real-data folder has no year of Binance 1m klines: its longest Binance-format
 * 1m series is Binance.US BTCUSDT, 2023-03-01 to 2023-03-21 (30,240 bars,
 * `ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m/`). The bench repeats those 21 days
 * 17.4 times, shifted in time, to fill 2023-01-01 .. 2024-01-01 exactly (prices unchanged, so
 * each repeat starts with a jump), and writes them as a freqtrade file
 * `bench/.out/backfill_ohlcv/BTC_USDT-1m.json`. The fake exchange (`tests/fake_exchange`, in
 * its own process so that serving does not share a thread with the backfill) cuts Binance
 * klines pages of 1,000 bars from it, exactly as for the tests.
 *
 * Side effects: `bench/.out/backfill_template.db` (an empty store with the real schema, for the
 * Python peer) and `bench/.out/backfill_deno.db` (the store of the last iteration, which the
 * peer compares its own bars with).
 *
 * @module
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { backfill } from "@lib/ingest/backfill.ts";
import { BinanceRest } from "@lib/providers/binance.ts";
import { realPath } from "../tests/_shared/real_data.ts";
import { spawnFakeExchange } from "./_load_exchange.ts";

const MINUTE = 60_000;
const SINCE = Date.UTC(2023, 0, 1);
const UNTIL = Date.UTC(2024, 0, 1);
const BARS = (UNTIL - SINCE) / MINUTE; // 525,600
const OUT = new URL("./.out/", import.meta.url).pathname;
const DIR = join(OUT, "backfill_ohlcv");
const FILE = join(DIR, "BTC_USDT-1m.json");
const SOURCE = realPath(
  "ohlcv",
  "binanceus_kraken_btc_2023Q1_iaqf",
  "binanceus_1m",
  "BTCUSDT_1m_20230301_20230321.csv",
);

/** The real 21 days as freqtrade rows, checked to be a complete 1-minute grid. */
function realRows(): number[][] {
  const lines = readFileSync(SOURCE, "utf8").trim().split("\n").slice(1);
  const rows = lines.map((l) => {
    const [t, ...v] = l.split(",");
    return [Date.parse(t!.replace(" ", "T")), ...v.map(Number)];
  });
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]![0]! - rows[i - 1]![0]! !== MINUTE) {
      throw new Error(`${SOURCE}: not a complete 1m grid at row ${i}`);
    }
  }
  return rows;
}

mkdirSync(DIR, { recursive: true });
if (!existsSync(FILE)) {
  const real = realRows();
  const year: string[] = [];
  for (let j = 0; j < BARS; j++) {
    const r = real[j % real.length]!;
    year.push(`[${SINCE + j * MINUTE},${r[1]},${r[2]},${r[3]},${r[4]},${r[5]}]`);
  }
  writeFileSync(FILE, `[${year.join(",")}]`);
}
const template = join(OUT, "backfill_template.db");
if (existsSync(template)) rmSync(template);
openStore(template).close();

const ex = await spawnFakeExchange(DIR);
// the first request makes the server parse the file; not part of any iteration
await (await fetch(`${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1`)).body?.cancel();
const scratch = Deno.makeTempDirSync({ dir: OUT, prefix: "backfill-" });
globalThis.addEventListener("unload", () => rmSync(scratch, { recursive: true, force: true }));
let k = 0;

Deno.bench({
  name: `backfill ${BARS} 1m bars (1 year, pages of 1,000) from the local fake exchange`,
  warmup: 1,
  n: 3,
  async fn(b) {
    const path = join(scratch, `b${k++}.db`);
    const store = openStore(path, { backup: false });
    try {
      b.start();
      const r = await backfill(store.db, {
        source: new BinanceRest({ baseUrl: ex.url }),
        symbols: ["BTCUSDT"],
        freq: "1m",
        since: SINCE,
        until: UNTIL,
      });
      b.end();
      if (r.status !== "ok" || r.inserted !== BARS) {
        throw new Error(`backfill ${r.status}: ${r.inserted} of ${BARS} bars`);
      }
    } finally {
      store.close();
    }
    copyFileSync(path, join(OUT, "backfill_deno.db"));
    rmSync(path, { force: true });
  },
});
