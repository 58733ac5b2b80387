import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { KrakenProvider } from "@lib/providers/kraken.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { rejects } from "../_shared/fake_fetch.ts";

// Real payloads: nautilus_trader Kraken test_data, live captures of Nov 2025 (PROVENANCE.md).
const DIR = ["api_payloads", "kraken_coinbase_nautilus", "kraken"];
const readReal = (name: string) => readFileSync(realPath(...DIR, name), "utf8");

/** A fetch that answers from `answer` and records every URL asked for. */
function fakeFetch(answer: (url: string) => string | Response) {
  const urls: URL[] = [];
  const fetch = (u: string) => {
    urls.push(new URL(u));
    const a = answer(u);
    return Promise.resolve(typeof a === "string" ? new Response(a) : a);
  };
  return { fetch, urls };
}

const BASE = "http://127.0.0.1:9";

realDataTest("kraken Ticker: the real payload yields c[0], b[0], a[0], v[1]", async () => {
  const raw = readReal("http_ticker.json");
  const t = JSON.parse(raw).result.XBTUSDT;
  const { fetch, urls } = fakeFetch(() => raw);
  const kraken = new KrakenProvider({ fetch, baseUrl: BASE, now: () => 1_762_820_100_000 });
  const quotes = await kraken.fetchQuotes(["XBTUSDT"]);
  assert.deepEqual(quotes, [{
    venue: "kraken",
    symbol: "XBTUSDT",
    ts: 1_762_820_100_000, // Kraken's ticker has no time: the fetch time
    price: Number(t.c[0]),
    bid: Number(t.b[0]),
    ask: Number(t.a[0]),
    volume24h: Number(t.v[1]),
  }]);
  assert.equal(quotes[0]?.price, 105899.4); // read off the raw file by eye as well
  assert.equal(quotes[0]?.volume24h, 163.28908096);
  assert.equal(urls.length, 1);
  assert.equal(urls[0]?.pathname, "/0/public/Ticker");
  assert.equal(urls[0]?.searchParams.get("pair"), "XBTUSDT");
});

realDataTest("kraken Ticker: Kraken's legacy keys map back to the symbols asked", async () => {
  const t = JSON.parse(readReal("http_ticker.json")).result.XBTUSDT;
  const eth = { ...t, c: ["3500.10000", "1"] };
  const body = JSON.stringify({ error: [], result: { XETHZUSD: eth, XXBTZUSD: t } });
  const { fetch, urls } = fakeFetch(() => body);
  const quotes = await new KrakenProvider({ fetch, baseUrl: BASE }).fetchQuotes([
    "XBTUSD",
    "ETHUSD",
  ]);
  assert.deepEqual(quotes.map((q) => [q.symbol, q.price]), [["XBTUSD", 105899.4], [
    "ETHUSD",
    3500.1,
  ]]);
  assert.equal(urls[0]?.searchParams.get("pair"), "XBTUSD,ETHUSD");
});

realDataTest("kraken OHLC: real candles, forming candle excluded, last is the cursor", async () => {
  const raw = readReal("http_ohlc.json");
  const json = JSON.parse(raw);
  const rows: unknown[][] = json.result.XBTUSDT;
  const last: number = json.result.last;
  const first = rows[0]![0] as number;
  const forming = rows[rows.length - 1]![0] as number;
  assert.ok(forming > last, "the real payload ends with the candle after `last`");
  const { fetch, urls } = fakeFetch(() => raw);
  const kraken = new KrakenProvider({ fetch, baseUrl: BASE });
  const page = await kraken.fetchCandles({
    symbol: "XBTUSDT",
    freq: "1m",
    startTime: first * 1000,
  });
  const b = page.bars;
  assert.equal(b.ts.length, rows.length - 1);
  assert.equal(b.ts.length, 720);
  assert.ok(!b.ts.includes(forming * 1000), "the still-forming candle must not be returned");
  for (let i = 0; i < b.ts.length; i++) {
    const r = rows[i]!;
    assert.equal(b.ts[i], (r[0] as number) * 1000);
    assert.equal(b.open[i], Number(r[1]));
    assert.equal(b.high[i], Number(r[2]));
    assert.equal(b.low[i], Number(r[3]));
    assert.equal(b.close[i], Number(r[4]));
    assert.equal(b.vwap[i], Number(r[5]));
    assert.equal(b.volume[i], Number(r[6]));
    assert.equal(b.tradeCount[i], r[7]);
  }
  assert.equal(b.venue, "kraken");
  assert.equal(b.symbol, "XBTUSDT");
  assert.equal(b.freq, "1m");
  assert.equal(b.ts[b.ts.length - 1], last * 1000);
  assert.equal(page.nextStartTime, (last + 60) * 1000);
  const q = urls[0]!;
  assert.equal(q.pathname, "/0/public/OHLC");
  assert.equal(q.searchParams.get("pair"), "XBTUSDT");
  assert.equal(q.searchParams.get("interval"), "1");
  assert.equal(q.searchParams.get("since"), String(first - 1));

  // Resuming at the cursor finds nothing committed yet: the range is exhausted, no loop.
  const again = await kraken.fetchCandles({
    symbol: "XBTUSDT",
    freq: "1m",
    startTime: page.nextStartTime!,
  });
  assert.equal(again.bars.ts.length, 0);
  assert.equal(again.nextStartTime, undefined);
});

realDataTest("kraken OHLC: limit and endTime cut the page and set the next start", async () => {
  const raw = readReal("http_ohlc.json");
  const rows: number[][] = JSON.parse(raw).result.XBTUSDT;
  const { fetch, urls } = fakeFetch(() => raw);
  const kraken = new KrakenProvider({ fetch, baseUrl: BASE });
  const start = rows[10]![0]! * 1000;
  const page = await kraken.fetchCandles({ symbol: "XBTUSDT", freq: "1h", startTime: start });
  assert.equal(urls[0]?.searchParams.get("interval"), "60");
  const limited = await kraken.fetchCandles({
    symbol: "XBTUSDT",
    freq: "1m",
    startTime: start,
    limit: 5,
  });
  assert.deepEqual([...limited.bars.ts], rows.slice(10, 15).map((r) => r[0]! * 1000));
  assert.equal(limited.nextStartTime, rows[15]![0]! * 1000);
  assert.equal(page.bars.ts[0], start);
  const ended = await kraken.fetchCandles({
    symbol: "XBTUSDT",
    freq: "1m",
    startTime: start,
    endTime: rows[19]![0]! * 1000,
  });
  assert.equal(ended.bars.ts.length, 10);
  assert.equal(ended.nextStartTime, undefined);
});

realDataTest("kraken Trades: every real trade, trade_id as id, `last` as next", async () => {
  const raw = readReal("http_trades.json");
  const json = JSON.parse(raw);
  const rows: unknown[][] = json.result.XBTUSDT;
  const { fetch, urls } = fakeFetch(() => raw);
  const kraken = new KrakenProvider({ fetch, baseUrl: BASE });
  const page = await kraken.fetchTrades({
    symbol: "XBTUSDT",
    from: "1762795400000000000",
    limit: 1000,
  });
  const t = page.trades;
  assert.equal(t.ts.length, 1000);
  assert.equal(t.ts.length, rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    assert.equal(t.price[i], Number(r[0]));
    assert.equal(t.qty[i], Number(r[1]));
    assert.equal(t.ts[i], (r[2] as number) * 1000);
    assert.equal(t.side[i], r[3] === "b" ? 1 : -1);
    assert.equal(t.tradeId[i], r[6]);
  }
  assert.equal(t.price[0], 105433.6);
  assert.equal(t.tradeId[0], 10218208);
  assert.equal(page.next, "1762820035982277754");
  assert.equal(page.next, json.result.last);
  const q = urls[0]!;
  assert.equal(q.pathname, "/0/public/Trades");
  assert.equal(q.searchParams.get("pair"), "XBTUSDT");
  assert.equal(q.searchParams.get("since"), "1762795400000000000");
  assert.equal(q.searchParams.get("count"), "1000");
});

realDataTest("kraken Trades: without trade_id the ids are deterministic and unique", async () => {
  const json = JSON.parse(readReal("http_trades.json"));
  const rows: unknown[][] = json.result.XBTUSDT.map((r: unknown[]) => r.slice(0, 6));
  rows.push([...rows[rows.length - 1]!]); // an exact duplicate row still gets its own id
  const body = JSON.stringify({ error: [], result: { XXBTZUSD: rows, last: json.result.last } });
  const kraken = new KrakenProvider({ fetch: fakeFetch(() => body).fetch, baseUrl: BASE });
  const a = await kraken.fetchTrades({ symbol: "XBTUSD" });
  const b = await kraken.fetchTrades({ symbol: "XBTUSD" });
  assert.equal(a.trades.symbol, "XBTUSD");
  assert.deepEqual(a.trades.tradeId, b.trades.tradeId);
  assert.equal(new Set(a.trades.tradeId).size, rows.length);
  assert.ok(a.trades.tradeId.every((id) => typeof id === "string"));
});

Deno.test("kraken Trades: an empty page has no next cursor", async () => {
  const body = JSON.stringify({ error: [], result: { XXBTZUSD: [], last: "1762820035982277754" } });
  const kraken = new KrakenProvider({ fetch: fakeFetch(() => body).fetch, baseUrl: BASE });
  const page = await kraken.fetchTrades({ symbol: "XBTUSD", from: "1762820035982277754" });
  assert.equal(page.trades.ts.length, 0);
  assert.equal(page.next, undefined);
});

Deno.test("kraken error arrays become ProviderErrors, rate limits as rate_limited", async () => {
  // Kraken sends all of these with HTTP 200 (docs.kraken.com, "REST API: errors").
  const cases: [string, string, boolean][] = [
    ["EQuery:Unknown asset pair", "http", false],
    ["EGeneral:Too many requests", "rate_limited", true],
    ["EAPI:Rate limit exceeded", "rate_limited", true],
    ["EService:Unavailable", "http", true],
    ["EService:Busy", "http", true],
    ["EService:Deadline elapsed", "http", true],
  ];
  for (const [msg, kind, retryable] of cases) {
    const body = JSON.stringify({ error: [msg] });
    const kraken = new KrakenProvider({ fetch: fakeFetch(() => body).fetch, baseUrl: BASE });
    const e = await rejects(kraken.fetchQuotes(["NOPEUSD"]));
    assert.equal(e.kind, kind, msg);
    assert.equal(e.retryable, retryable, msg);
    assert.equal(e.provider, "kraken");
    assert.ok(e.message.includes(msg), e.message);
    assert.equal(e.detail.raw, body);
    const e2 = await rejects(kraken.fetchCandles({ symbol: "NOPEUSD", freq: "1h" }));
    assert.equal(e2.kind, kind);
    const e3 = await rejects(kraken.fetchTrades({ symbol: "NOPEUSD" }));
    assert.equal(e3.kind, kind);
  }
});

realDataTest("kraken: wrong types, truncated JSON and HTML give kind parse with raw", async () => {
  const ohlc = readReal("http_ohlc.json");
  const ticker = JSON.parse(readReal("http_ticker.json"));
  const bad: [string, (k: KrakenProvider) => Promise<unknown>][] = [
    [ohlc.slice(0, 5000), (k) => k.fetchCandles({ symbol: "XBTUSDT", freq: "1m" })],
    ["<html><body>502 Bad Gateway</body></html>", (k) => k.fetchQuotes(["XBTUSDT"])],
    [
      ohlc.replace('"106038.2"', "106038.2"),
      (k) => k.fetchCandles({ symbol: "XBTUSDT", freq: "1m" }),
    ],
    [
      ohlc.replace('"last": 1762820160', '"last": "soon"'),
      (k) => k.fetchCandles({ symbol: "XBTUSDT", freq: "1m" }),
    ],
    [
      JSON.stringify({ ...ticker, result: { XBTUSDT: { ...ticker.result.XBTUSDT, c: ["NaN"] } } }),
      (k) => k.fetchQuotes(["XBTUSDT"]),
    ],
    [
      readReal("http_trades.json").replace('"b"', '"x"'),
      (k) => k.fetchTrades({ symbol: "XBTUSDT" }),
    ],
    [JSON.stringify({ result: {} }), (k) => k.fetchQuotes(["XBTUSDT"])],
  ];
  for (const [body, call] of bad) {
    assert.notEqual(body, ohlc);
    const kraken = new KrakenProvider({ fetch: fakeFetch(() => body).fetch, baseUrl: BASE });
    const e = await rejects(call(kraken));
    assert.equal(e.kind, "parse", e.message);
    assert.equal(e.detail.raw, body);
    // not JSON at all (cut off, an HTML page) is most often the transport: retried
    let json = true;
    try {
      JSON.parse(body);
    } catch {
      json = false;
    }
    assert.equal(e.retryable, !json, body.slice(0, 40));
  }
});

Deno.test("kraken: base URL from CRYPTOLAB_KRAKEN_URL; 1s candles are refused", async () => {
  const { fetch, urls } = fakeFetch(() =>
    JSON.stringify({ error: [], result: { XXBTZUSD: [], last: 0 } })
  );
  const before = Deno.env.get("CRYPTOLAB_KRAKEN_URL");
  Deno.env.set("CRYPTOLAB_KRAKEN_URL", "http://127.0.0.1:7/mirror/");
  try {
    await new KrakenProvider({ fetch }).fetchCandles({ symbol: "XBTUSD", freq: "1d" });
  } finally {
    if (before === undefined) Deno.env.delete("CRYPTOLAB_KRAKEN_URL");
    else Deno.env.set("CRYPTOLAB_KRAKEN_URL", before);
  }
  assert.equal(urls[0]?.origin + urls[0]!.pathname, "http://127.0.0.1:7/mirror/0/public/OHLC");
  assert.equal(urls[0]?.searchParams.get("interval"), "1440");
  assert.equal(urls[0]?.searchParams.has("since"), false);
  await assert.rejects(
    new KrakenProvider({ fetch }).fetchCandles({ symbol: "XBTUSD", freq: "1s" }),
    RangeError,
  );
});
