import { readdirSync, readFileSync } from "node:fs";
import { parseBytes } from "@lib/ingest/parse.ts";
import { validateBars } from "@lib/ingest/validate_bars.ts";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { withTransaction } from "@lib/store/db.ts";
const dir = "/work/shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h";
const files = readdirSync(dir).sort();
let t = performance.now();
let tp = 0, tv = 0, tw = 0;
try {
  Deno.removeSync("/tmp/ing/q.db");
} catch { /* */ }
const { db } = openStore("/tmp/ing/q.db");
for (const f of files) {
  let a = performance.now();
  const b = readFileSync(`${dir}/${f}`);
  const p = await parseBytes("freqtrade_json", b);
  tp += performance.now() - a;
  a = performance.now();
  if (p.kind !== "bars") throw 0;
  const v = validateBars(p, { venue: "binance", symbol: f, freq: "1h" });
  tv += performance.now() - a;
  a = performance.now();
  withTransaction(db, () => writeBars(db, v.bars, { source: "x" }));
  tw += performance.now() - a;
}
console.log({ tp, tv, tw, total: performance.now() - t });
