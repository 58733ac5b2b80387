import { openStore } from "@lib/store/db.ts";
import { importNfi } from "./_nfi.ts";
import { readSeriesBlocks, seriesSymbols } from "@lib/store/blocks.ts";
const path = "/tmp/panelw/speed.db";
let fresh = false;
try {
  Deno.statSync(path);
} catch {
  fresh = true;
}
const s = openStore(path);
if (fresh) {
  const t = performance.now();
  importNfi(s.db);
  console.log("import ms", performance.now() - t);
}
let t = performance.now();
const syms = seriesSymbols(s.db, "binance", "1h");
console.log("symbols", syms.length, performance.now() - t);
for (const round of ["cold", "warm", "warm2"]) {
  if (round === "cold") s.db.exec("DELETE FROM bar_blocks");
  t = performance.now();
  let n = 0;
  for (const sym of syms) {
    n += readSeriesBlocks(s.db, { venue: "binance", symbol: sym, freq: "1h" }).ts.length;
  }
  console.log(round, n, (performance.now() - t).toFixed(1), "ms");
}
