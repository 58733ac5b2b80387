/**
 * Binance REST provider against REAL payloads (nautilus_trader real captures of 2021-10-22/23,
 * cryptofeed's recorded exchangeInfo sessions of 2021), served by an injected fetch that
 * records every URL. Expected values are read from the raw JSON itself (JSON.parse + Number),
 * so every assertion checks the provider's mapping against the venue's own bytes. No network.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  BINANCE_REQUEST_WEIGHTS,
  binanceRequestWeight,
  BinanceRest,
  type BinanceSymbol,
  STABLE_ASSETS,
  topSymbolsByQuoteVolume,
} from "@lib/providers/binance.ts";
import { ProviderError } from "@lib/providers/types.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

const NAUTILUS = ["api_payloads", "binance_rest_ws_nautilus", "real_captures"];
const DOCS_SHAPE_ONLY = ["api_payloads", "binance_rest_ws_nautilus", "_docs_examples_NOT_REAL"];
const CRYPTOFEED = ["api_payloads", "cryptofeed_recorded_sessions"];
const BASE = "http://127.0.0.1:9";
const FAR_FUTURE = Date.UTC(2100, 0, 1);

function nautilus(name: string): string {
  return readFileSync(realPath(...NAUTILUS, name), "utf8");
}

/** A fetch that answers every request with `body` (and `init`) and records the URLs. */
function fakeFetch(body: string | (() => string), init: ResponseInit = {}) {
  const urls: string[] = [];
  const fetch = (url: string) => {
    urls.push(url);
    return Promise.resolve(new Response(typeof body === "string" ? body : body(), init));
  };
  return { fetch, urls };
}

/** Query parameters of a recorded URL, and its path. */
function query(url: string): { path: string; q: Record<string, string> } {
  const u = new URL(url);
  return { path: u.pathname, q: Object.fromEntries(u.searchParams) };
}

/** REST payloads of a cryptofeed session file: lines `<url> -> <unix_ts>: <body>`. */
function cryptofeedRest(file: string): { url: string; body: string }[] {
  const out: { url: string; body: string }[] = [];
  for (const line of readFileSync(realPath(...CRYPTOFEED, file), "utf8").split("\n")) {
    const arrow = line.indexOf(" -> ");
    if (!line.startsWith("http") || arrow < 0) continue;
    const colon = line.indexOf(": ", arrow);
    out.push({ url: line.slice(0, arrow), body: line.slice(colon + 2) });
  }
  return out;
}

async function rejectsWith(p: Promise<unknown>, kind: string): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected a ProviderError, got ${e}`);
    assert.equal(e.kind, kind, e.message);
    return e;
  }
  assert.fail(`expected a ProviderError of kind ${kind}, got a result`);
}

// ---------------------------------------------------------------- klines

realDataTest("spot klines: every field of every real row is mapped", async () => {
  const text = nautilus("http_spot_market_klines.json");
  const raw = JSON.parse(text) as (number | string)[][];
  const { fetch, urls } = fakeFetch(text);
  const b = new BinanceRest({ fetch, baseUrl: BASE, now: () => FAR_FUTURE });
  const start = Number(raw[0]![0]);
  const page = await b.fetchCandles({ symbol: "BTCUSDT", freq: "1m", startTime: start });
  assert.equal(page.bars.ts.length, raw.length);
  assert.equal(page.bars.venue, "binance");
  assert.equal(page.bars.symbol, "BTCUSDT");
  raw.forEach((k, i) => {
    assert.equal(page.bars.ts[i], k[0]);
    assert.equal(page.bars.open[i], Number(k[1]));
    assert.equal(page.bars.high[i], Number(k[2]));
    assert.equal(page.bars.low[i], Number(k[3]));
    assert.equal(page.bars.close[i], Number(k[4]));
    assert.equal(page.bars.volume[i], Number(k[5]));
    assert.equal(page.bars.quoteVolume[i], Number(k[7]));
    assert.equal(page.bars.tradeCount[i], k[8]);
    assert.equal(page.bars.vwap[i], Number(k[7]) / Number(k[5]));
    assert.equal(page.bars.complete[i], 1);
  });
  // spot-check literal values from the capture
  assert.equal(page.bars.ts[0], 1634943780000);
  assert.equal(page.bars.open[0], 60685.22);
  assert.equal(page.bars.tradeCount[0], 617);
  assert.equal(page.bars.quoteVolume[1], 1331667.7506458);
  const { path, q } = query(urls[0]!);
  assert.equal(path, "/api/v3/klines");
  assert.deepEqual(q, {
    symbol: "BTCUSDT",
    interval: "1m",
    startTime: String(start),
    limit: "1000",
  });
  // fewer rows than the limit: the range is exhausted
  assert.equal(page.nextStartTime, undefined);
});

realDataTest("spot klines: pagination cursor, endTime and the still-open kline", async () => {
  const text = nautilus("http_spot_market_klines.json");
  const raw = JSON.parse(text) as (number | string)[][];
  const n = raw.length;
  const lastOpen = Number(raw[n - 1]![0]);
  const lastClose = Number(raw[n - 1]![6]);

  // a full page: resume one interval after the last open time
  let f = fakeFetch(text);
  let b = new BinanceRest({ fetch: f.fetch, baseUrl: BASE, now: () => FAR_FUTURE });
  let page = await b.fetchCandles({ symbol: "BTCUSDT", freq: "1m", limit: n, endTime: 2e12 });
  assert.equal(page.nextStartTime, lastOpen + 60_000);
  assert.equal(query(f.urls[0]!).q.endTime, "2000000000000");
  assert.equal(query(f.urls[0]!).q.limit, String(n));

  // a full page whose next bar starts after endTime: done
  f = fakeFetch(text);
  b = new BinanceRest({ fetch: f.fetch, baseUrl: BASE, now: () => FAR_FUTURE });
  page = await b.fetchCandles({ symbol: "BTCUSDT", freq: "1m", limit: n, endTime: lastOpen });
  assert.equal(page.nextStartTime, undefined);
  assert.equal(page.bars.ts.length, n);

  // "now" inside the last kline: it is still open, so it is dropped and paging stops
  f = fakeFetch(text);
  b = new BinanceRest({ fetch: f.fetch, baseUrl: BASE, now: () => lastClose - 1 });
  page = await b.fetchCandles({ symbol: "BTCUSDT", freq: "1m", limit: n });
  assert.equal(page.bars.ts.length, n - 1);
  assert.equal(page.bars.ts[n - 2], raw[n - 2]![0]);
  assert.equal(page.nextStartTime, undefined);
  // at its close time it is final and kept
  b = new BinanceRest({ fetch: fakeFetch(text).fetch, baseUrl: BASE, now: () => lastClose });
  assert.equal(
    (await b.fetchCandles({ symbol: "BTCUSDT", freq: "1m", limit: n })).bars.ts.length,
    n,
  );
});

realDataTest("futures klines and mark-price klines hit /fapi/v1 with futures limits", async () => {
  const text = nautilus("http_spot_market_klines.json"); // same row shape on both markets
  const f = fakeFetch(text);
  const fut = new BinanceRest({
    market: "futures",
    fetch: f.fetch,
    baseUrl: BASE,
    now: () => FAR_FUTURE,
  });
  assert.equal(fut.id, "binance_futures");
  const page = await fut.fetchCandles({ symbol: "BTCUSDT", freq: "1h", startTime: 0 });
  assert.equal(page.bars.venue, "binance_futures");
  assert.equal(page.bars.freq, "1h");
  assert.deepEqual(query(f.urls[0]!), {
    path: "/fapi/v1/klines",
    q: { symbol: "BTCUSDT", interval: "1h", startTime: "0", limit: "1500" },
  });
  await assert.rejects(
    fut.fetchCandles({ symbol: "BTCUSDT", freq: "1m", limit: 1501 }),
    /limit must be an integer in \[1, 1500\], got 1501/,
  );
  await assert.rejects(fut.fetchCandles({ symbol: "BTCUSDT", freq: "1s" }), /no 1s interval/);

  // mark-price klines: docs example, SHAPE only (its values are not real)
  const shape = readFileSync(
    realPath(...DOCS_SHAPE_ONLY, "http_futures_market_mark_price_klines.json"),
    "utf8",
  );
  const m = fakeFetch(shape);
  const mark = new BinanceRest({
    market: "futures",
    klines: "mark",
    fetch: m.fetch,
    baseUrl: BASE,
    now: () => FAR_FUTURE,
  });
  const mp = await mark.fetchCandles({ symbol: "BTCUSDT", freq: "1m", limit: 10 });
  assert.equal(mp.bars.ts.length, (JSON.parse(shape) as unknown[]).length);
  assert.ok(Number.isNaN(mp.bars.quoteVolume[0]!) && Number.isNaN(mp.bars.tradeCount[0]!));
  assert.equal(query(m.urls[0]!).path, "/fapi/v1/markPriceKlines");
  assert.throws(() => new BinanceRest({ klines: "mark" }), /only on USDT-M futures/);
});

Deno.test("spot klines reject a limit above 1000", async () => {
  const b = new BinanceRest({ fetch: fakeFetch("[]").fetch, baseUrl: BASE });
  await assert.rejects(
    b.fetchCandles({ symbol: "BTCUSDT", freq: "1m", limit: 1001 }),
    /limit must be an integer in \[1, 1000\], got 1001/,
  );
  const empty = await b.fetchCandles({ symbol: "BTCUSDT", freq: "1m" });
  assert.equal(empty.bars.ts.length, 0);
  assert.equal(empty.nextStartTime, undefined);
});

// ---------------------------------------------------------------- trades

realDataTest("aggTrades: every real row, side from m, fromId and the next cursor", async () => {
  const text = nautilus("http_spot_market_agg_trades.json");
  const raw = JSON.parse(text) as { a: number; p: string; q: string; T: number; m: boolean }[];
  const f = fakeFetch(text);
  const b = new BinanceRest({ fetch: f.fetch, baseUrl: BASE });
  const page = await b.fetchTrades({ symbol: "BTCUSDT", from: raw[0]!.a, limit: raw.length });
  const t = page.trades;
  assert.equal(t.tradeId.length, raw.length);
  raw.forEach((r, i) => {
    assert.equal(t.tradeId[i], r.a);
    assert.equal(t.price[i], Number(r.p));
    assert.equal(t.qty[i], Number(r.q));
    assert.equal(t.ts[i], r.T);
    assert.equal(t.side[i], r.m ? -1 : 1);
  });
  assert.equal(t.price[0], 60759.6);
  assert.equal(t.side[2], -1); // "m": true in the capture: the seller was the aggressor
  assert.equal(t.side[0], 1);
  assert.ok(t.side.includes(-1) && t.side.includes(1));
  assert.deepEqual(query(f.urls[0]!), {
    path: "/api/v3/aggTrades",
    q: { symbol: "BTCUSDT", fromId: String(raw[0]!.a), limit: String(raw.length) },
  });
  assert.equal(page.next, raw[raw.length - 1]!.a + 1); // full page: more may follow
  const partial = await b.fetchTrades({ symbol: "BTCUSDT", limit: raw.length + 1 });
  assert.equal(partial.next, undefined); // short page: caught up
  assert.equal(query(f.urls[1]!).q.fromId, undefined);
});

realDataTest("futures aggTrades use /fapi/v1/aggTrades", async () => {
  const text = nautilus("http_spot_market_agg_trades.json");
  const f = fakeFetch(text);
  const b = new BinanceRest({ market: "futures", fetch: f.fetch, baseUrl: BASE });
  const page = await b.fetchTrades({ symbol: "ETHUSDT", from: "5" });
  assert.equal(page.trades.venue, "binance_futures");
  assert.deepEqual(query(f.urls[0]!), {
    path: "/fapi/v1/aggTrades",
    q: { symbol: "ETHUSDT", fromId: "5", limit: "1000" },
  });
  await assert.rejects(b.fetchTrades({ symbol: "ETHUSDT", from: "x" }), /non-negative integer/);
});

for (
  const [file, from, path] of [
    ["http_spot_market_trades.json", undefined, "/api/v3/trades"],
    ["http_spot_market_historical_trades.json", 1111471896, "/api/v3/historicalTrades"],
  ] as const
) {
  realDataTest(`raw trades: ${file} maps every row (${path})`, async () => {
    const text = nautilus(file);
    const raw = JSON.parse(text) as {
      id: number;
      price: string;
      qty: string;
      time: number;
      isBuyerMaker: boolean;
    }[];
    const f = fakeFetch(text);
    const b = new BinanceRest({ trades: "raw", fetch: f.fetch, baseUrl: BASE });
    const req = from === undefined
      ? { symbol: "BTCUSDT", limit: raw.length }
      : { symbol: "BTCUSDT", from, limit: raw.length };
    const page = await b.fetchTrades(req);
    raw.forEach((r, i) => {
      assert.equal(page.trades.tradeId[i], r.id);
      assert.equal(page.trades.price[i], Number(r.price));
      assert.equal(page.trades.qty[i], Number(r.qty));
      assert.equal(page.trades.ts[i], r.time);
      assert.equal(page.trades.side[i], r.isBuyerMaker ? -1 : 1);
    });
    // consecutive ids in the capture, so the cursor continues the sequence without a hole
    for (let i = 1; i < raw.length; i++) assert.equal(raw[i]!.id, raw[i - 1]!.id + 1);
    assert.equal(page.next, raw[raw.length - 1]!.id + 1);
    const { path: p, q } = query(f.urls[0]!);
    assert.equal(p, path);
    assert.equal(q.fromId, from === undefined ? undefined : String(from));
    assert.equal(q.limit, String(raw.length));
  });
}

// ---------------------------------------------------------------- quotes

realDataTest("ticker/price: one symbol and several", async () => {
  const text = nautilus("http_spot_market_ticker_price.json");
  const raw = JSON.parse(text) as { symbol: string; price: string };
  const f = fakeFetch(text);
  const b = new BinanceRest({ fetch: f.fetch, baseUrl: BASE, now: () => 1634943000000 });
  const [q] = await b.fetchQuotes(["BTCUSDT"]);
  assert.deepEqual(q, {
    venue: "binance",
    symbol: "BTCUSDT",
    ts: 1634943000000, // the spot ticker has no time: the fetch time stands in
    price: Number(raw.price),
    bid: undefined,
    ask: undefined,
    volume24h: undefined,
  });
  assert.equal(q.price, 60740);
  assert.deepEqual(query(f.urls[0]!), { path: "/api/v3/ticker/price", q: { symbol: "BTCUSDT" } });

  const many = fakeFetch(`[${text}]`);
  const b2 = new BinanceRest({ fetch: many.fetch, baseUrl: BASE });
  const qs = await b2.fetchQuotes(["ETHUSDT", "BTCUSDT"]);
  assert.deepEqual(qs.map((x) => x.symbol), ["BTCUSDT"]); // ETHUSDT not returned: left out
  assert.deepEqual(query(many.urls[0]!).q, { symbols: '["ETHUSDT","BTCUSDT"]' });
  assert.equal(binanceRequestWeight(many.urls[0]!), 4);
  assert.deepEqual(await b2.fetchQuotes([]), []);
});

realDataTest("bookTicker: bid, ask and mid", async () => {
  const text = nautilus("http_spot_market_book_ticker.json");
  const raw = JSON.parse(text) as { bidPrice: string; askPrice: string };
  const f = fakeFetch(text);
  const b = new BinanceRest({ quotes: "book", fetch: f.fetch, baseUrl: BASE });
  const [q] = await b.fetchQuotes(["BTCUSDT"]);
  assert.equal(q!.bid, Number(raw.bidPrice));
  assert.equal(q!.ask, Number(raw.askPrice));
  assert.equal(q!.bid, 60741.67);
  assert.equal(q!.price, (60741.67 + 60741.68) / 2);
  assert.equal(query(f.urls[0]!).path, "/api/v3/ticker/bookTicker");

  // futures with several symbols: no `symbols` parameter there, so all are fetched
  const fut = fakeFetch(`[${text}]`);
  const bf = new BinanceRest({
    market: "futures",
    quotes: "book",
    fetch: fut.fetch,
    baseUrl: BASE,
  });
  assert.equal((await bf.fetchQuotes(["BTCUSDT", "ETHUSDT"])).length, 1);
  assert.deepEqual(query(fut.urls[0]!), { path: "/fapi/v1/ticker/bookTicker", q: {} });
});

// ---------------------------------------------------------------- exchangeInfo and top:N

function checkExchangeInfo(got: BinanceSymbol[], text: string): void {
  const raw = JSON.parse(text) as {
    symbols: { symbol: string; status: string; baseAsset: string; quoteAsset: string }[];
  };
  assert.equal(got.length, raw.symbols.length);
  raw.symbols.forEach((s, i) => {
    assert.equal(got[i]!.symbol, s.symbol);
    assert.equal(got[i]!.status, s.status);
    assert.equal(got[i]!.baseAsset, s.baseAsset);
    assert.equal(got[i]!.quoteAsset, s.quoteAsset);
  });
}

realDataTest("exchangeInfo: nautilus spot and futures captures", async () => {
  for (const [market, file] of [["spot", "spot"], ["futures", "futures"]] as const) {
    const text = nautilus(`http_${file}_market_exchange_info.json`);
    const f = fakeFetch(text);
    const b = new BinanceRest({ market, fetch: f.fetch, baseUrl: BASE });
    const got = await b.fetchExchangeInfo();
    checkExchangeInfo(got, text);
    assert.equal(got[0]!.symbol, "BTCUSDT");
    assert.equal(got[0]!.status, "TRADING");
    assert.equal(
      query(f.urls[0]!).path,
      market === "spot" ? "/api/v3/exchangeInfo" : "/fapi/v1/exchangeInfo",
    );
    if (market === "futures") assert.equal(got[0]!.contractType, "PERPETUAL");
  }
});

realDataTest("exchangeInfo: every cryptofeed recorded session parses", async () => {
  let sessions = 0;
  for (const [file, market] of [["BINANCE.0", "spot"], ["BINANCE_FUTURES.0", "futures"]] as const) {
    for (const { url, body } of cryptofeedRest(file)) {
      const f = fakeFetch(body);
      const b = new BinanceRest({ market, fetch: f.fetch, baseUrl: BASE });
      const got = await b.fetchExchangeInfo();
      checkExchangeInfo(got, body);
      assert.equal(new URL(f.urls[0]!).pathname, new URL(url).pathname); // same endpoint
      sessions++;
    }
  }
  assert.equal(sessions, 2);
});

realDataTest("topSymbolsByQuoteVolume on the real 2021 spot symbol list", () => {
  const [{ body }] = cryptofeedRest("BINANCE.0") as [{ url: string; body: string }];
  const raw = JSON.parse(body) as {
    symbols: { symbol: string; status: string; baseAsset: string; quoteAsset: string }[];
  };
  const info: BinanceSymbol[] = raw.symbols.map((s) => ({ ...s, contractType: undefined }));
  // Every symbol gets a distinct volume; leveraged tokens, stable pairs and halted symbols get
  // the largest ones so that any failure to exclude them would surface at the top.
  const bad = (s: BinanceSymbol) =>
    s.status !== "TRADING" || /(UP|DOWN|BULL|BEAR)$/.test(s.baseAsset) ||
    (STABLE_ASSETS.has(s.baseAsset) && STABLE_ASSETS.has(s.quoteAsset));
  const tickers = info.map((s, i) => ({
    symbol: s.symbol,
    quoteVolume: (bad(s) ? 1e12 : 1e6) + i,
  }));
  for (const name of ["BTCUPUSDT", "ETHBULLUSDT", "BULLUSDT", "USDCUSDT", "BUSDUSDT"]) {
    assert.ok(info.some((s) => s.symbol === name), `${name} in the 2021 list`);
  }
  const top = topSymbolsByQuoteVolume(tickers, info, 10, { quote: "USDT" });
  // Independent expectation: plain filter and sort over the same list.
  const expected = info
    .filter((s) => s.quoteAsset === "USDT" && !bad(s))
    .map((s) => tickers.find((t) => t.symbol === s.symbol)!)
    .sort((a, b) => b.quoteVolume - a.quoteVolume)
    .slice(0, 10)
    .map((t) => t.symbol);
  assert.deepEqual(top, expected);
  assert.equal(top.length, 10);
  assert.throws(() => topSymbolsByQuoteVolume(tickers, info, 0), /positive integer, got 0/);
});

Deno.test("topSymbolsByQuoteVolume keeps perpetuals only and JUP-like bases", () => {
  const s = (symbol: string, baseAsset: string, contractType?: string): BinanceSymbol => ({
    symbol,
    status: "TRADING",
    baseAsset,
    quoteAsset: "USDT",
    contractType,
  });
  const info = [
    s("BTCUSDT", "BTC", "PERPETUAL"),
    s("BTCUSDT_251226", "BTC", "CURRENT_QUARTER"),
    s("JUPUSDT", "JUP", "PERPETUAL"),
  ];
  const t = [
    { symbol: "BTCUSDT", quoteVolume: 1 },
    { symbol: "BTCUSDT_251226", quoteVolume: 3 },
    { symbol: "JUPUSDT", quoteVolume: 2 },
  ];
  assert.deepEqual(topSymbolsByQuoteVolume(t, info, 3), ["JUPUSDT", "BTCUSDT"]);
});

Deno.test("24h tickers: all symbols from /api/v3/ticker/24hr", async () => {
  // Shape from Binance's docs (no real 24hr capture exists in the shared data).
  const body = JSON.stringify([{
    symbol: "BNBBTC",
    lastPrice: "4.00000200",
    volume: "8913.30000000",
    quoteVolume: "15.30000000",
    closeTime: 1499869899040,
  }]);
  const f = fakeFetch(body);
  const b = new BinanceRest({ fetch: f.fetch, baseUrl: BASE });
  const [t] = await b.fetchTickers24h();
  assert.deepEqual(t, {
    symbol: "BNBBTC",
    lastPrice: 4.000002,
    volume: 8913.3,
    quoteVolume: 15.3,
    closeTime: 1499869899040,
  });
  assert.deepEqual(query(f.urls[0]!), { path: "/api/v3/ticker/24hr", q: {} });
  assert.equal(binanceRequestWeight(f.urls[0]!), 80);
});

// ---------------------------------------------------------------- funding

realDataTest("funding: docs shape parses; real freqtrade rates round-trip", async () => {
  const shape = readFileSync(
    realPath(...DOCS_SHAPE_ONLY, "http_futures_market_funding_rate.json"),
    "utf8",
  );
  let f = fakeFetch(shape);
  let b = new BinanceRest({ market: "futures", fetch: f.fetch, baseUrl: BASE });
  const docs = await b.fetchFunding({ symbol: "BTCUSDT", startTime: 1, endTime: 2, limit: 5 });
  assert.equal(docs.length, (JSON.parse(shape) as unknown[]).length);
  assert.equal(docs[0]!.markPrice, undefined);
  assert.deepEqual(query(f.urls[0]!), {
    path: "/fapi/v1/fundingRate",
    q: { symbol: "BTCUSDT", startTime: "1", endTime: "2", limit: "5" },
  });

  // Real 2025 BTCUSDT funding (freqtrade rows [ts, rate, 0, 0, 0, 0]) served in Binance's shape,
  // old rows with markPrice "" as Binance sends them.
  const rows = JSON.parse(
    readFileSync(
      realPath(
        "funding_and_futures",
        "binance_usdm_2025_jilee1212",
        "BTC_USDT_USDT-8h-funding_rate.json",
      ),
      "utf8",
    ),
  ) as number[][];
  const body = JSON.stringify(rows.map((r, i) => ({
    symbol: "BTCUSDT",
    fundingRate: String(r[1]),
    fundingTime: r[0],
    markPrice: i % 2 === 0 ? "" : "110000.5",
  })));
  f = fakeFetch(body);
  b = new BinanceRest({ market: "futures", fetch: f.fetch, baseUrl: BASE });
  const got = await b.fetchFunding({ symbol: "BTCUSDT" });
  assert.equal(got.length, rows.length);
  got.forEach((g, i) => {
    assert.equal(g.ts, rows[i]![0]);
    assert.equal(g.rate, rows[i]![1]);
    assert.equal(g.markPrice, i % 2 === 0 ? undefined : 110000.5);
    assert.ok(Math.abs(g.rate) < 0.01, "BTC funding per 8h stays well under 1%");
  });
  assert.equal(query(f.urls[0]!).q.limit, "1000");
  const spot = new BinanceRest({ fetch: f.fetch, baseUrl: BASE });
  await assert.rejects(spot.fetchFunding({ symbol: "BTCUSDT" }), /only on perpetuals/);
});

// ---------------------------------------------------------------- faults

realDataTest(
  "wrong types, non-finite values, truncated JSON and HTML are parse errors",
  async () => {
    const klines = nautilus("http_spot_market_klines.json");
    const agg = nautilus("http_spot_market_agg_trades.json");
    const cases: [string, (b: BinanceRest) => Promise<unknown>][] = [
      // a price as a JSON number instead of a string
      [agg.replace('"p": "60759.60000000"', '"p": 60759.6'), (b) => b.fetchTrades({ symbol: "X" })],
      // a non-finite price
      [
        klines.replace('"60685.22000000"', '"NaN"'),
        (b) => b.fetchCandles({ symbol: "X", freq: "1m" }),
      ],
      [
        klines.replace('"60685.22000000"', '"1e999"'),
        (b) => b.fetchCandles({ symbol: "X", freq: "1m" }),
      ],
      [
        klines.replace('"60685.22000000"', '""'),
        (b) => b.fetchCandles({ symbol: "X", freq: "1m" }),
      ],
      // a missing field
      [agg.replace('"m": false,', ""), (b) => b.fetchTrades({ symbol: "X" })],
      // truncated mid-body
      [
        klines.slice(0, Math.floor(klines.length / 2)),
        (b) => b.fetchCandles({ symbol: "X", freq: "1m" }),
      ],
      // an HTML error page from a proxy
      ["<html><body><h1>502 Bad Gateway</h1></body></html>", (b) => b.fetchQuotes(["BTCUSDT"])],
      // an object where an array belongs
      [
        '{"code":-1121,"msg":"Invalid symbol."}',
        (b) => b.fetchCandles({ symbol: "X", freq: "1m" }),
      ],
    ];
    for (const [body, call] of cases) {
      const b = new BinanceRest({
        fetch: fakeFetch(body).fetch,
        baseUrl: BASE,
        now: () => FAR_FUTURE,
      });
      const e = await rejectsWith(call(b), "parse");
      assert.equal(e.detail.raw, body);
      assert.equal(e.provider, "binance");
      // not JSON at all (cut off, an HTML page) is most often the transport: retried
      let json = true;
      try {
        JSON.parse(body);
      } catch {
        json = false;
      }
      assert.equal(e.retryable, !json, body.slice(0, 40));
    }
  },
);

Deno.test("429 and 418 with Retry-After are rate_limited with retryAfterMs", async () => {
  for (const status of [429, 418]) {
    const f = fakeFetch('{"code":-1003,"msg":"Too many requests."}', {
      status,
      headers: { "retry-after": "7" },
    });
    const b = new BinanceRest({ fetch: f.fetch, baseUrl: BASE });
    const e = await rejectsWith(b.fetchCandles({ symbol: "BTCUSDT", freq: "1m" }), "rate_limited");
    assert.equal(e.detail.status, status);
    assert.equal(e.detail.retryAfterMs, 7000);
    assert.equal(e.retryable, true);
  }
  const e = await rejectsWith(
    new BinanceRest({ fetch: fakeFetch("oops", { status: 503 }).fetch, baseUrl: BASE })
      .fetchExchangeInfo(),
    "http",
  );
  assert.equal(e.detail.status, 503);
});

// ---------------------------------------------------------------- base URLs and weights

Deno.test("base URLs come from CRYPTOLAB_BINANCE_URL / CRYPTOLAB_BINANCE_FUTURES_URL", () => {
  const saved = [
    Deno.env.get("CRYPTOLAB_BINANCE_URL"),
    Deno.env.get("CRYPTOLAB_BINANCE_FUTURES_URL"),
  ];
  try {
    Deno.env.delete("CRYPTOLAB_BINANCE_URL");
    Deno.env.delete("CRYPTOLAB_BINANCE_FUTURES_URL");
    assert.equal(new BinanceRest().base, "https://api.binance.com");
    assert.equal(new BinanceRest({ market: "futures" }).base, "https://fapi.binance.com");
    Deno.env.set("CRYPTOLAB_BINANCE_URL", "http://127.0.0.1:1/");
    Deno.env.set("CRYPTOLAB_BINANCE_FUTURES_URL", "http://127.0.0.1:2");
    assert.equal(new BinanceRest().base, "http://127.0.0.1:1");
    assert.equal(new BinanceRest({ market: "futures" }).base, "http://127.0.0.1:2");
    assert.equal(new BinanceRest({ baseUrl: "http://127.0.0.1:3" }).base, "http://127.0.0.1:3");
  } finally {
    const restore = (k: string, v: string | undefined) =>
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    restore("CRYPTOLAB_BINANCE_URL", saved[0]);
    restore("CRYPTOLAB_BINANCE_FUTURES_URL", saved[1]);
  }
});

Deno.test("request weights follow Binance's published tables", () => {
  const w = (url: string) => binanceRequestWeight(`https://x${url}`);
  assert.equal(w("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000"), 2);
  assert.equal(w("/api/v3/aggTrades?symbol=BTCUSDT"), 4);
  assert.equal(w("/api/v3/historicalTrades?symbol=BTCUSDT&fromId=1"), 25);
  assert.equal(w("/api/v3/exchangeInfo"), 20);
  assert.equal(w("/api/v3/ticker/price?symbol=BTCUSDT"), 2);
  assert.equal(w("/api/v3/ticker/24hr?symbol=BTCUSDT"), 2);
  const syms = (n: number) =>
    encodeURIComponent(JSON.stringify(Array.from({ length: n }, (_, i) => `S${i}`)));
  assert.equal(w(`/api/v3/ticker/24hr?symbols=${syms(20)}`), 2);
  assert.equal(w(`/api/v3/ticker/24hr?symbols=${syms(21)}`), 40);
  assert.equal(w(`/api/v3/ticker/24hr?symbols=${syms(101)}`), 80);
  for (const [limit, weight] of [[99, 1], [100, 2], [499, 2], [500, 5], [1000, 5], [1001, 10]]) {
    assert.equal(w(`/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=${limit}`), weight);
    assert.equal(w(`/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1m&limit=${limit}`), weight);
  }
  assert.equal(w("/fapi/v1/klines?symbol=BTCUSDT&interval=1m"), 5); // default limit 500
  assert.equal(w("/fapi/v1/aggTrades?symbol=BTCUSDT"), 20);
  assert.equal(w("/fapi/v1/exchangeInfo"), 1);
  assert.equal(w("/api/v3/order"), undefined);
  // every endpoint the provider calls has a weight
  for (
    const p of [
      "/api/v3/klines",
      "/api/v3/trades",
      "/api/v3/ticker/bookTicker",
      "/fapi/v1/fundingRate",
      "/fapi/v1/ticker/24hr",
      "/fapi/v1/ticker/price",
      "/fapi/v1/historicalTrades",
    ]
  ) assert.ok(BINANCE_REQUEST_WEIGHTS[p] !== undefined, p);
});
