import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CoinbaseProvider } from "@lib/providers/coinbase.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { fakeFetch, rejects } from "../_shared/fake_fetch.ts";

// The recorded Coinbase Pro session (cryptofeed COINBASE.0) holds only /products and a config
// line: no ticker or candles. The Advanced Trade candles (nautilus test_data, BTC-USD, Apr 2024)
// carry the same six fields in the same order as the Exchange API's rows, so they are served
// as Exchange rows for a value check. No real Exchange ticker payload exists in the data.
const ADV_CANDLES = [
  "api_payloads",
  "kraken_coinbase_nautilus",
  "coinbase_advanced_trade",
  "http_candles.json",
];

const BASE = "http://127.0.0.1:9";
const HOUR = 3_600_000;

/** An Exchange candles endpoint over a deterministic series: newest first, ≤ 300 rows. */
function candleServer(firstListed: number) {
  return (url: URL): string | Response => {
    const g = Number(url.searchParams.get("granularity")) * 1000;
    const start = Date.parse(url.searchParams.get("start") ?? "");
    const end = Date.parse(url.searchParams.get("end") ?? "");
    if ((end - start) / g + 1 > 300) return new Response("too many", { status: 400 });
    const rows: number[][] = [];
    for (let t = end - (end % g); t >= start; t -= g) {
      if (t < firstListed) continue;
      const c = 100 + (t / g) % 17;
      rows.push([t / 1000, c - 1, c + 1, c - 0.5, c, t / g % 5]);
    }
    return JSON.stringify(rows);
  };
}

realDataTest(
  "coinbase candles: real BTC-USD candles come back ascending with their values",
  async () => {
    const adv = JSON.parse(readFileSync(realPath(...ADV_CANDLES), "utf8")).candles as Record<
      string,
      string
    >[];
    // Exchange row order: [time, low, high, open, close, volume], newest first (as in the file).
    const rows = adv.map((c) => [c.start, c.low, c.high, c.open, c.close, c.volume].map(Number));
    const { fetch, urls } = fakeFetch(() => JSON.stringify(rows));
    const cb = new CoinbaseProvider({ fetch, baseUrl: BASE, now: () => Date.UTC(2024, 4, 1) });
    const start = 1712188800 * 1000;
    const page = await cb.fetchCandles({
      symbol: "BTC-USD",
      freq: "1h",
      startTime: start,
      endTime: start + HOUR,
    });
    const b = page.bars;
    assert.deepEqual([...b.ts], [1712188800000, 1712192400000]);
    assert.deepEqual([...b.open], [65984.18, 66312.4]);
    assert.deepEqual([...b.high], [66387.77, 66331.99]);
    assert.deepEqual([...b.low], [65857.35, 66055.14]);
    assert.deepEqual([...b.close], [66314.59, 66181.6]);
    assert.deepEqual([...b.volume], [358.74851052, 355.82896243]);
    assert.equal(page.nextStartTime, undefined); // endTime reached
    const q = urls[0]!;
    assert.equal(q.pathname, "/products/BTC-USD/candles");
    assert.equal(q.searchParams.get("granularity"), "3600");
    assert.equal(q.searchParams.get("start"), "2024-04-04T00:00:00.000Z");
    assert.equal(q.searchParams.get("end"), "2024-04-04T01:00:00.000Z");
  },
);

Deno.test("coinbase candles: windows of 300 buckets cover a range exactly once", async () => {
  const listed = Date.UTC(2024, 0, 1, 7); // nothing before the listing: empty first window
  const { fetch, urls } = fakeFetch(candleServer(listed));
  const cb = new CoinbaseProvider({ fetch, baseUrl: BASE, now: () => Date.UTC(2024, 5, 1) });
  const from = Date.UTC(2023, 11, 15) + 1; // not aligned: the first bucket is the next hour
  const to = Date.UTC(2024, 1, 1);
  const ts: number[] = [];
  let next: number | undefined = from;
  while (next !== undefined) {
    const page: Awaited<ReturnType<typeof cb.fetchCandles>> = await cb.fetchCandles({
      symbol: "ETH-USD",
      freq: "1h",
      startTime: next,
      endTime: to,
    });
    for (let i = 0; i < page.bars.ts.length; i++) {
      const t = page.bars.ts[i]!;
      const c = 100 + (t / HOUR) % 17;
      assert.equal(page.bars.close[i], c);
      assert.equal(page.bars.open[i], c - 0.5);
      assert.equal(page.bars.high[i], c + 1);
      assert.equal(page.bars.low[i], c - 1);
      ts.push(t);
    }
    next = page.nextStartTime;
  }
  const expected: number[] = [];
  for (let t = listed; t <= to; t += HOUR) expected.push(t);
  assert.deepEqual(ts, expected);
  // Every window but the last spans 300 buckets, start and end inclusive, back to back.
  for (let i = 0; i < urls.length; i++) {
    const s = Date.parse(urls[i]!.searchParams.get("start")!);
    const e = Date.parse(urls[i]!.searchParams.get("end")!);
    assert.equal(s % HOUR, 0);
    if (i < urls.length - 1) {
      assert.equal(e - s, 299 * HOUR);
      assert.equal(Date.parse(urls[i + 1]!.searchParams.get("start")!), e + HOUR);
    } else assert.equal(e, to);
  }
  assert.equal(Date.parse(urls[0]!.searchParams.get("start")!), Date.UTC(2023, 11, 15, 1));
  assert.equal(urls.length, Math.ceil((to - Date.UTC(2023, 11, 15, 1) + HOUR) / (300 * HOUR)));
});

Deno.test("coinbase candles: the bucket still forming is left out and ends the range", async () => {
  const now = Date.UTC(2024, 0, 2, 10, 30);
  const { fetch } = fakeFetch(candleServer(0));
  const cb = new CoinbaseProvider({ fetch, baseUrl: BASE, now: () => now });
  const page = await cb.fetchCandles({
    symbol: "BTC-USD",
    freq: "1h",
    startTime: Date.UTC(2024, 0, 2),
  });
  assert.equal(page.bars.ts.length, 10); // 00:00 .. 09:00 closed, 10:00 still forming
  assert.equal(page.bars.ts[9], Date.UTC(2024, 0, 2, 9));
  assert.equal(page.nextStartTime, undefined);
  const latest = await cb.fetchCandles({ symbol: "BTC-USD", freq: "1h", limit: 3 });
  assert.equal(latest.bars.ts.length, 0); // the fake serves nothing without start/end
  await assert.rejects(cb.fetchCandles({ symbol: "BTC-USD", freq: "4h" }), RangeError);
});

Deno.test("coinbase candles: without startTime the latest closed candles, limited", async () => {
  const now = Date.UTC(2024, 0, 2, 10, 30);
  const rows = [10, 9, 8, 7, 6].map((h) => [Date.UTC(2024, 0, 2, h) / 1000, 1, 3, 2, 2.5, h]);
  const { fetch, urls } = fakeFetch(() => JSON.stringify(rows));
  const cb = new CoinbaseProvider({ fetch, baseUrl: BASE, now: () => now });
  const page = await cb.fetchCandles({ symbol: "BTC-USD", freq: "1h", limit: 3 });
  assert.deepEqual([...page.bars.volume], [7, 8, 9]);
  assert.equal(page.nextStartTime, undefined);
  assert.equal(urls[0]?.search, "?granularity=3600");
});

Deno.test("coinbase ticker: price, bid, ask, volume and the trade time", async () => {
  const body = JSON.stringify({
    trade_id: 86326522,
    price: "6268.48",
    size: "0.00698254",
    time: "2020-03-20T00:22:57.833897Z",
    bid: "6265.15",
    ask: "6267.71",
    volume: "53602.03940154",
  });
  const { fetch, urls } = fakeFetch(() => body);
  const cb = new CoinbaseProvider({ fetch, baseUrl: BASE, now: () => 0 });
  const quotes = await cb.fetchQuotes(["BTC-USD", "ETH-EUR"]);
  assert.deepEqual(quotes[0], {
    venue: "coinbase",
    symbol: "BTC-USD",
    ts: Date.UTC(2020, 2, 20, 0, 22, 57, 833),
    price: 6268.48,
    bid: 6265.15,
    ask: 6267.71,
    volume24h: 53602.03940154,
  });
  assert.equal(quotes[1]?.symbol, "ETH-EUR");
  assert.deepEqual(urls.map((u) => u.pathname), [
    "/products/BTC-USD/ticker",
    "/products/ETH-EUR/ticker",
  ]);
});

Deno.test("coinbase: wrong types, truncated JSON and HTML give kind parse with raw", async () => {
  const ticker = '{"price":"6268.48","bid":"6265.15","ask":"6267.71","volume":"1"}';
  const bad: [string, (c: CoinbaseProvider) => Promise<unknown>][] = [
    [ticker.slice(0, 20), (c) => c.fetchQuotes(["BTC-USD"])],
    ['{"price":6268.48}', (c) => c.fetchQuotes(["BTC-USD"])],
    ['{"price":"Infinity"}', (c) => c.fetchQuotes(["BTC-USD"])],
    ['{"price":"1","time":"yesterday"}', (c) => c.fetchQuotes(["BTC-USD"])],
    ["<!DOCTYPE html><title>Cloudflare</title>", (c) => c.fetchQuotes(["BTC-USD"])],
    ['[[1712188800,"66055.14",1,1,1,1]]', (c) => c.fetchCandles({ symbol: "X", freq: "1h" })],
    ["[[1712188800,1,1,1,1]]", (c) => c.fetchCandles({ symbol: "X", freq: "1h" })],
    ['{"message":"NotFound"}', (c) => c.fetchCandles({ symbol: "X", freq: "1h" })],
  ];
  for (const [body, call] of bad) {
    const cb = new CoinbaseProvider({ fetch: fakeFetch(() => body).fetch, baseUrl: BASE });
    const e = await rejects(call(cb));
    assert.equal(e.kind, "parse", `${body}: ${e.message}`);
    assert.equal(e.detail.raw, body);
  }
});

Deno.test("coinbase: base URL from CRYPTOLAB_COINBASE_URL, product ids encoded", async () => {
  const { fetch, urls } = fakeFetch(() => '{"price":"1"}');
  const before = Deno.env.get("CRYPTOLAB_COINBASE_URL");
  Deno.env.set("CRYPTOLAB_COINBASE_URL", "http://127.0.0.1:7");
  try {
    await new CoinbaseProvider({ fetch }).fetchQuotes(["A/B?C"]);
  } finally {
    if (before === undefined) Deno.env.delete("CRYPTOLAB_COINBASE_URL");
    else Deno.env.set("CRYPTOLAB_COINBASE_URL", before);
  }
  assert.equal(urls[0]?.href, "http://127.0.0.1:7/products/A%2FB%3FC/ticker");
});
