import assert from "node:assert/strict";
import { validateTrades } from "@lib/ingest/validate_trades.ts";
import { parseBinanceTradesCsv } from "@lib/ingest/formats/binance_trades_csv.ts";

Deno.test("a trade id seen twice with different values keeps none of its rows", () => {
  // id,price,qty,quote_qty,time,is_buyer_maker,is_best_match (Binance trades data dump)
  const csv = [
    "1,100.0,1.0,100.0,1700000000000,true,true",
    "2,101.0,1.0,101.0,1700000000001,false,true",
    "2,105.0,1.0,105.0,1700000000001,false,true",
    "3,102.0,1.0,102.0,1700000000002,true,true",
    "3,102.0,1.0,102.0,1700000000002,true,true",
  ].join("\n");
  const v = validateTrades(parseBinanceTradesCsv(csv), "binance", "BTCUSDT");
  assert.deepEqual(v.trades.tradeId, [1, 3]);
  assert.equal(v.duplicatesDropped, 1, "the identical repeat of id 3 is dropped silently");
  assert.equal(v.problems.length, 2, "both rows of id 2 are refused");
  for (const p of v.problems) {
    assert.equal(p.kind, "duplicate trade id with different values");
    assert.match(p.detail, /none of its rows is kept/);
  }
});
