/**
 * Unit tests of each format parser on the first lines of the real files (read at test time,
 * never copied) and on hand-made malformed inputs.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import {
  detectFormat,
  epochToMs,
  FileParseError,
  parseBinanceKlineCsv,
  parseBinanceTradesCsv,
  parseBinanceTradesJson,
  parseCddCsv,
  parseFreqtradeJson,
  parseFreqtradeOrderflowCsv,
  parseFreqtradeTrades,
  parseIsoCsv,
  parseKrakenOhlcvtCsv,
  parseKrakenTradesCsv,
  parseNautilusTradesParquet,
  parseTardisTradesCsv,
  validateBars,
  validateTrades,
} from "@lib/ingest/mod.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

/** First `n` lines of a real file (plus a trailing newline). */
function head(rel: string, n: number): string {
  return readFileSync(realPath(rel), "utf8").split("\n").slice(0, n).join("\n") + "\n";
}

const CDD = "ohlcv/cryptodatadownload_2017-2020_ingiorn";
const KRAKEN = "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt";

realDataTest("freqtrade JSON: first candles of the djienne BTC file", () => {
  const text = readFileSync(
    realPath("ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1h.json"),
    "utf8",
  );
  const p = parseFreqtradeJson(text);
  const arr = JSON.parse(text) as number[][];
  assert.equal(p.n, arr.length);
  assert.equal(p.rowsRead, 45024); // PROVENANCE.md rows for this file
  assert.deepEqual(
    [p.ts[0], p.open[0], p.high[0], p.low[0], p.close[0], p.volume[0]],
    arr[0],
  );
  assert.equal(p.raw(1), JSON.stringify(arr[1]));
  assert.equal(p.refKind, "row");
});

Deno.test("freqtrade JSON: truncated file is an error naming the line", () => {
  const text = "[\n [1606780800000, 76.0, 76.7, 74.2, 75.0, 10.9],\n [1606784400000, 75.0,";
  assert.throws(() => parseFreqtradeJson(text), (e: unknown) => {
    assert.ok(e instanceof FileParseError);
    assert.equal(e.line, 3);
    return true;
  });
  assert.throws(() => parseFreqtradeJson('{"a": 1}'), /line 1: expected a JSON array/);
});

Deno.test("freqtrade JSON: a non-numeric price is quarantined, not fatal", () => {
  const t = Date.UTC(2024, 0, 1);
  const p = parseFreqtradeJson(
    `[[${t},1,2,0.5,1.5,10],[${t + 3600000},"abc",2,0.5,1.5,10],[${t + 7200000},1]]`,
  );
  assert.equal(p.problems.length, 1); // the short row
  assert.equal(p.problems[0]!.kind, "malformed row");
  const v = validateBars(p, { venue: "binance", symbol: "X", freq: "1h" });
  assert.deepEqual(v.problems.map((x) => [x.ref, x.kind]), [
    [2, "price is not a finite number"],
    [3, "malformed row"],
  ]);
  assert.equal(v.bars.ts.length, 1);
});

realDataTest("CryptoDataDownload: banner, newest first, ms timestamps, NULL trade counts", () => {
  const top = parseCddCsv(head(`${CDD}/Binance_BTCUSDT_1h.csv`, 5));
  assert.equal(top.symbol, "BTC/USDT");
  assert.equal(top.ts[0], 1609286400000);
  assert.equal(top.close[0], 27392.05);
  assert.equal(top.tradeCount[0], 438);
  assert.ok(top.ts[1]! < top.ts[0]!); // newest first
  // the 2017 tail: seconds with ".0", "04-AM" dates, NULL trade counts, the bogus 16199.91 open
  const lines = readFileSync(realPath(`${CDD}/Binance_BTCUSDT_1h.csv`), "utf8").trimEnd().split(
    "\n",
  );
  const tail = parseCddCsv([lines[0], lines[1], ...lines.slice(-2)].join("\n"));
  assert.deepEqual([...tail.ts], [1502946000000, 1502942400000]);
  assert.equal(tail.open[1], 16199.91);
  assert.ok(Number.isNaN(tail.tradeCount[1]!));
  assert.equal(tail.problems.length, 0);
});

realDataTest("CryptoDataDownload: Gemini banner and header, the zero-open row is refused", () => {
  const lines = readFileSync(realPath(`${CDD}/gemini_BTCUSD_1hr.csv`), "utf8").trimEnd().split(
    "\n",
  );
  assert.match(lines[0]!, /^Created on/);
  const p = parseCddCsv([lines[0], lines[1], ...lines.slice(-3)].join("\n"));
  assert.equal(p.symbol, "BTCUSD");
  assert.equal(p.ts[2], 1444309200000); // integer seconds
  assert.ok(Number.isNaN(p.quoteVolume[0]!));
  const v = validateBars(p, { venue: "gemini", symbol: "BTCUSD", freq: "1h" });
  assert.deepEqual(v.problems.map((x) => x.kind), ["non-positive price"]);
  assert.match(v.problems[0]!.raw, /,0\.0,245\.0,0\.0,245\.0,/);
  assert.equal(v.problems[0]!.ref, 5); // the last line of the 5-line excerpt
});

Deno.test("CryptoDataDownload: unix and date columns that disagree are refused", () => {
  const p = parseCddCsv(
    "https://www.CryptoDataDownload.com\nunix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount\n" +
      "1506448800.0,2017-09-26 02-PM,BTC/USDT,3891.03,3920,3890.98,3900,4.76,18580.82,NULL\n",
  );
  assert.equal(p.n, 0);
  assert.equal(p.problems[0]!.kind, "unix and date disagree");
  assert.equal(p.problems[0]!.ref, 3);
  assert.throws(() => parseCddCsv("unix,date\n1,2\n"), /line 1: not a CryptoDataDownload file/);
  assert.throws(
    () => parseCddCsv("https://www.CryptoDataDownload.com\nfoo,bar\n"),
    /line 2: CryptoDataDownload header lacks/,
  );
});

realDataTest("Kraken OHLCVT: seconds and trade counts", () => {
  const p = parseKrakenOhlcvtCsv(head(`${KRAKEN}/XBTUSDC_60.csv`, 3));
  assert.deepEqual([p.ts[0], p.open[0], p.tradeCount[0]], [1672531200000, 16535.97, 31]);
  assert.equal(p.n, 3);
});

realDataTest("ISO CSVs: Binance.US and FTX times", () => {
  const us = parseIsoCsv(
    head("ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m/BTCUSDC_1m_20230301_20230321.csv", 4),
  );
  assert.deepEqual([...us.ts], [1677628800000, 1677628860000, 1677628920000]);
  assert.equal(us.volume[1], 0); // zero volume is a valid bar
  const ftx = parseIsoCsv(
    head("ohlcv/ftx_btc-perp_1m_2022-01_nautilus/ftx-btc-perp-20211231-20220201_1m.csv", 3),
  );
  assert.equal(ftx.ts[0], Date.UTC(2021, 11, 31, 23, 1));
  assert.equal(ftx.close[1], 46411.0);
});

Deno.test("Binance kline dump: with and without header, ms and µs timestamps", () => {
  // OHLCV of the real djienne BTC_USDT-1h.json first candle as a data-dump row (the other
  // columns are filled in by hand)
  const row = (t: string) =>
    `${t},4261.48,4313.62,4261.32,4308.83,47.181009,1502945999999,202366.1,171,35.16,150952.5,0`;
  const withHeader = "open_time,open,high,low,close,volume,close_time,quote_volume,count," +
    "taker_buy_volume,taker_buy_quote_volume,ignore\n" + row("1502942400000") + "\n";
  const a = parseBinanceKlineCsv(withHeader);
  const b = parseBinanceKlineCsv(row("1502942400000000") + "\n");
  assert.deepEqual([a.ts[0], b.ts[0]], [1502942400000, 1502942400000]);
  assert.deepEqual([a.quoteVolume[0], a.tradeCount[0]], [202366.1, 171]);
  assert.equal(a.ref[0], 2);
  assert.equal(b.ref[0], 1);
  assert.equal(detectFormat("BTCUSDT-1h-2017-08.csv", row("1502942400000")).kind, "format");
  assert.throws(
    () => parseBinanceKlineCsv("open_time,open\n1,2\n"),
    /line 1: not a Binance kline header/,
  );
  const short = parseBinanceKlineCsv(row("1502942400000") + "\n1502946000000,1,2\n");
  assert.equal(short.problems[0]!.kind, "malformed row");
  assert.equal(short.problems[0]!.ref, 2);
});

Deno.test("epochToMs tells seconds, ms and µs apart by magnitude", () => {
  assert.equal(epochToMs(1507802400.0), 1507802400000);
  assert.equal(epochToMs(1507802400123), 1507802400123);
  assert.equal(epochToMs(1507802400123456), 1507802400123.456);
});

realDataTest("Binance REST historicalTrades CSV dump", () => {
  const p = parseBinanceTradesCsv(
    head("trades/binance_spot_rest_historicalTrades_2025-02_saja/BTCUSDT_trades.csv", 3),
  );
  assert.deepEqual(
    [p.tradeId[0], p.ts[0], p.price[0], p.qty[0], p.side[0]],
    [4561955490, Date.UTC(2025, 1, 15, 23, 28, 13, 706), 97594.05, 0.00013, -1],
  );
});

Deno.test("Binance data-dump aggTrades and trades CSV, with and without header", () => {
  // values from the real XRP_OLD-trades.json.gz aggTrade payloads
  const agg = "13519807,0.00141342,23.00000000,15373518,15373518,1570752011620,True,True\n" +
    "13519810,0.00141379,581.00000000,15373521,15373521,1570752028907,False,True\n";
  const a = parseBinanceTradesCsv(agg);
  assert.deepEqual([...a.side], [-1, 1]);
  assert.deepEqual(a.tradeId, [13519807, 13519810]);
  const aggHeader =
    "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n" +
    "13519807,0.00141342,23.0,15373518,15373518,1570752011620000,true\n";
  assert.equal(parseBinanceTradesCsv(aggHeader).ts[0], 1570752011620);
  const trades = "15373518,0.00141342,23.0,0.03250866,1570752011620,True,True\n";
  const t = parseBinanceTradesCsv(trades);
  assert.deepEqual([t.tradeId[0], t.qty[0], t.ts[0], t.side[0]], [15373518, 23, 1570752011620, -1]);
  const bad = parseBinanceTradesCsv("15373518,abc,23.0,0.03,1570752011620,True,True\n");
  const v = validateTrades(bad, "binance", "XRPETH");
  assert.equal(v.problems[0]!.kind, "price is not a finite number");
});

realDataTest("Binance REST trades and aggTrades JSON (real captures)", () => {
  const dir = "api_payloads/binance_rest_ws_nautilus/real_captures";
  const t = parseBinanceTradesJson(
    readFileSync(realPath(`${dir}/http_spot_market_trades.json`), "utf8"),
  );
  assert.deepEqual([t.tradeId[0], t.price[0], t.qty[0], t.ts[0], t.side[0], t.side[1]], [
    1111468873,
    60650,
    0.02924,
    1634942949263,
    -1,
    1,
  ]);
  const a = parseBinanceTradesJson(
    readFileSync(realPath(`${dir}/http_spot_market_agg_trades.json`), "utf8"),
  );
  assert.deepEqual([a.tradeId[0], a.ts[0], a.side[0]], [966492862, 1634944096633, 1]);
});

realDataTest("Tardis trades: venue mapping, µs times, UUID ids", () => {
  const f = parseTardisTradesCsv(
    head("trades/binance_futures_BTCUSDT_2020-02-22_tardis_nautilus/trades.csv", 3),
  );
  assert.deepEqual([f.venue, f.symbol, f.ts[0], f.tradeId[0], f.side[0]], [
    "binance_futures",
    "BTCUSDT",
    1582329602111,
    42377944,
    1,
  ]);
  const b = parseTardisTradesCsv(
    readFileSync(
      realPath("trades/bitmex_XBTUSD_tardis_sample_nautilus/bitmex_trades_XBTUSD.csv"),
      "utf8",
    ),
  );
  assert.equal(b.venue, "bitmex");
  assert.equal(b.tradeId[0], "ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf");
  assert.equal(b.n, 10);
  assert.equal(b.side[0], -1);
});

realDataTest("freqtrade trades: list and ccxt-dict files hold the same trades", () => {
  const dir = "trades/freqtrade_testdata";
  const list = parseFreqtradeTrades(
    gunzipSync(readFileSync(realPath(`${dir}/XRP_ETH-trades.json.gz`))).toString("utf8"),
  );
  const dicts = parseFreqtradeTrades(
    gunzipSync(readFileSync(realPath(`${dir}/XRP_OLD-trades.json.gz`))).toString("utf8"),
  );
  assert.equal(list.n, 12477);
  assert.equal(dicts.n, 12477);
  assert.equal(dicts.symbol, "XRP/ETH");
  // the ccxt dicts carry Binance's raw aggTrade payload: the venue comes from the content
  assert.equal(dicts.venue, "binance");
  assert.equal(list.venue, undefined);
  assert.deepEqual(list.tradeId.slice(0, 100), dicts.tradeId.slice(0, 100));
  assert.deepEqual([...list.ts], [...dicts.ts]);
  assert.deepEqual([...list.side], [...dicts.side]);
});

Deno.test("freqtrade ccxt trades: only a Binance spot aggTrade payload names the venue", () => {
  const rec = (info: unknown) =>
    JSON.stringify({
      info,
      timestamp: 1570752011620,
      symbol: "XRP/ETH",
      id: "13519807",
      side: "sell",
      price: 0.00141342,
      amount: 23,
    });
  const spot = { a: 13519807, p: "0.00141342", q: "23", f: 1, l: 1, T: 1570752011620, m: true };
  const venue = (...infos: unknown[]) => parseFreqtradeTrades(`[${infos.map(rec)}]`).venue;
  assert.equal(venue({ ...spot, M: true }), "binance");
  assert.equal(venue(spot), undefined); // futures aggTrades have no M
  assert.equal(venue({ ...spot, M: true, a: 1 }), undefined); // another trade's payload
  assert.equal(venue({ ...spot, M: true }, { id: "x" }), undefined); // one record is not Binance
  assert.equal(venue(null), undefined);
});

realDataTest("freqtrade orderflow CSV and Kraken trade CSV", () => {
  const o = parseFreqtradeOrderflowCsv(
    head("trades/freqtrade_testdata/orderflow_public_trades_list.csv", 3),
  );
  assert.deepEqual([o.tradeId[1], o.ts[1], o.side[1], o.price[1]], [
    1206419188,
    1675329600214,
    -1,
    1666.79,
  ]);
  const k = parseKrakenTradesCsv(head("trades/freqtrade_testdata/kraken_trades_csv_BCHEUR.csv", 3));
  assert.deepEqual([k.ts[0], k.price[0], k.qty[0], k.side[0]], [
    1672531436000,
    90.54,
    1.1044842,
    0,
  ]);
  assert.equal(k.tradeId[0], "1672531436000:90.54:1.1044842:0");
  // the id depends only on the row: the same row in another file gets the same id
  const again = parseKrakenTradesCsv(
    head("trades/freqtrade_testdata/kraken_trades_csv_BCHEUR.csv", 1),
  );
  assert.equal(again.tradeId[0], k.tradeId[0]);
});

realDataTest("nautilus parquet trades: schema and first rows", async () => {
  const p = await parseNautilusTradesParquet(
    readFileSync(realPath("trades/binance_spot_BTCUSDT_nautilus/btcusdt-trades.parquet")),
  );
  assert.equal(p.n, 2001); // num_rows in the parquet footer
  assert.deepEqual([p.tradeId[0], p.ts[0], p.price[0], p.qty[0], p.side[0], p.side[1]], [
    553287559,
    Date.UTC(2021, 0, 8, 0, 0, 0, 278),
    39432.48,
    0.000263,
    -1,
    1,
  ]);
  await assert.rejects(
    parseNautilusTradesParquet(
      readFileSync(realPath("trades/binance_spot_BTCUSDT_nautilus/btcusdt-quotes.parquet")),
    ),
    /line 1: parquet columns are \[timestamp, symbol, ask_size/,
  );
});

realDataTest("detectFormat recognises every real layout", () => {
  const cases: [string, string][] = [
    ["ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1d.json", "freqtrade_json"],
    [
      "funding_and_futures/freqtrade_testdata_XRP_2021-11/XRP_USDT_USDT-1h-futures.json",
      "freqtrade_json",
    ],
    [`${CDD}/gemini_BTCUSD_1hr.csv`, "cdd_csv"],
    [`${KRAKEN}/XBTUSD_5.csv`, "kraken_ohlcvt_csv"],
    ["ohlcv/ftx_btc-perp_1m_2022-01_nautilus/ftx-btc-perp-20211231-20220201_1m.csv", "iso_csv"],
    [
      "trades/binance_spot_rest_historicalTrades_2025-02_saja/XRPUSDT_trades.csv",
      "binance_trades_csv",
    ],
    ["trades/bitmex_XBTUSD_tardis_sample_nautilus/bitmex_trades_XBTUSD.csv", "tardis_trades_csv"],
    ["trades/freqtrade_testdata/orderflow_public_trades_list.csv", "freqtrade_orderflow_csv"],
    ["trades/freqtrade_testdata/kraken_trades_csv_incremental_q2_BCHEUR.csv", "kraken_trades_csv"],
    [
      "api_payloads/binance_rest_ws_nautilus/real_captures/http_spot_market_agg_trades.json",
      "binance_trades_json",
    ],
  ];
  for (const [rel, want] of cases) {
    const d = detectFormat(realPath(rel), head(rel, 5));
    assert.deepEqual(d, { kind: "format", format: want }, rel);
  }
  const gz = gunzipSync(readFileSync(realPath("trades/freqtrade_testdata/XRP_OLD-trades.json.gz")))
    .subarray(0, 4096).toString("utf8");
  assert.deepEqual(detectFormat("XRP_OLD-trades.json.gz", gz), {
    kind: "format",
    format: "freqtrade_trades",
  });
  for (
    const rel of [
      "PROVENANCE.md",
      "MANIFEST.tsv",
      "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m/metadata_range_1m_20230301_20230321.csv",
      "trades/binance_spot_BTCUSDT_nautilus/btcusdt-quotes.parquet",
    ]
  ) assert.equal(detectFormat(realPath(rel), "").kind, "skip", rel);
  assert.equal(detectFormat("x.csv", "a,b,c\n").kind, "unknown");
  // issue 12: freqtrade perp files are read by lib/ingest/import_perp.ts
  assert.deepEqual(
    detectFormat(
      realPath(
        "funding_and_futures/binance_usdm_2025_jilee1212/BTC_USDT_USDT-8h-funding_rate.json",
      ),
      "",
    ),
    { kind: "perp", format: "freqtrade_funding_json" },
  );
  assert.deepEqual(
    detectFormat(
      realPath("funding_and_futures/freqtrade_testdata_XRP_2021-11/XRP_USDT-8h-mark.json"),
      "",
    ),
    { kind: "perp", format: "freqtrade_mark_json" },
  );
});
