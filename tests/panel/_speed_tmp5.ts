import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "@lib/store/migrations.ts";
import { NFI_1H_DIR, nfiFiles, nfiSymbol, readFreqtradeJson } from "./_nfi.ts";
import { join } from "node:path";
const batches = nfiFiles().slice(0, 126).map((f) =>
  readFreqtradeJson(join(NFI_1H_DIR, f), "binance", nfiSymbol(f), "1h")
);
const simple = (r: string) =>
  `DELETE FROM bar_blocks WHERE venue = ${r}.venue AND symbol = ${r}.symbol AND freq = ${r}.freq AND block_start = ${r}.ts - ${r}.ts % (4096 * 3600000);`;
const CASE = (r: string) => `(CASE ${r}.freq WHEN '1s' THEN 4096000 WHEN '1m' THEN 245760000 WHEN '5m' THEN 1228800000 WHEN '15m' THEN 3686400000 WHEN '1h' THEN 14745600000 WHEN '4h' THEN 58982400000 WHEN '1d' THEN 353894400000 END)`;
const inline = (r: string) => `DELETE FROM bar_blocks WHERE venue = ${r}.venue AND symbol = ${r}.symbol AND freq = ${r}.freq AND block_start = ${r}.ts - (${r}.ts % ${CASE(r)} + ${CASE(r)}) % ${CASE(r)};`;
const variants: Record<string, string> = {
  none: "",
  current: MIGRATIONS[1]!.sql.slice(MIGRATIONS[1]!.sql.indexOf("CREATE TRIGGER")),
  simple: `CREATE TRIGGER a AFTER INSERT ON bars BEGIN ${simple("NEW")} END;`,
  inlineCase: `CREATE TRIGGER a AFTER INSERT ON bars BEGIN ${inline("NEW")} END;`,
};
for (const round of [0, 1]) {
  for (const [name, trig] of Object.entries(variants)) {
    const dir = Deno.makeTempDirSync();
    const db = new DatabaseSync(`${dir}/x.db`);
    db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
    db.exec(MIGRATIONS[0]!.sql);
    db.exec(MIGRATIONS[1]!.sql.slice(0, MIGRATIONS[1]!.sql.indexOf("CREATE TRIGGER")));
    if (trig) db.exec(trig);
    const ins = db.prepare(
      `INSERT INTO bars (venue, symbol, freq, ts, open, high, low, close, volume, quote_volume, trade_count, vwap, complete, source, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`,
    );
    const t0 = performance.now();
    let n = 0;
    for (const b of batches) {
      db.exec("BEGIN");
      for (let i = 0; i < b.ts.length; i++) {
        ins.run(
          b.venue,
          b.symbol,
          b.freq,
          b.ts[i]!,
          b.open[i]!,
          b.high[i]!,
          b.low[i]!,
          b.close[i]!,
          b.volume[i]!,
          null,
          null,
          null,
          1,
          "x",
          null,
        );
        n++;
      }
      db.exec("COMMIT");
    }
    const ms = performance.now() - t0;
    console.log(round, name, n, ms.toFixed(0), "ms", (n / ms * 1000).toFixed(0), "rows/s");
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}
