/**
 * Tests of the fake exchange itself, so provider and task tests can trust it. Expected values
 * are read straight from the real files in ../shared/data/real (no oracle needed: the
 * exchange must hand back exactly what is in them).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { getJson } from "@lib/providers/http.ts";
import { ProviderError } from "@lib/providers/types.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { type FakeExchange, startFakeExchange } from "./mod.ts";

async function withExchange(
  fn: (ex: FakeExchange) => Promise<void>,
  options: Parameters<typeof startFakeExchange>[0] = {},
): Promise<void> {
  const ex = await startFakeExchange(options);
  try {
    await fn(ex);
  } finally {
    await ex.close();
  }
}

async function getText(url: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(url);
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text: await res.text(),
  };
}

const CAPTURES = realPath("api_payloads", "binance_rest_ws_nautilus", "real_captures");
const KRAKEN = realPath("api_payloads", "kraken_coinbase_nautilus", "kraken");
const DEX = realPath("api_payloads", "dexscreener");

realDataTest("fake exchange: every static endpoint returns the real payload", async () => {
  await withExchange(async (ex) => {
    const files: Array<[string, string]> = [
      ["/api/v3/ticker/price?symbol=BTCUSDT", join(CAPTURES, "http_spot_market_ticker_price.json")],
      ["/api/v3/exchangeInfo", join(CAPTURES, "http_spot_market_exchange_info.json")],
      ["/fapi/v1/exchangeInfo", join(CAPTURES, "http_futures_market_exchange_info.json")],
      ["/api/v3/trades?symbol=BTCUSDT", join(CAPTURES, "http_spot_market_trades.json")],
      ["/api/v3/time", join(CAPTURES, "http_spot_market_time.json")],
      ["/api/v3/avgPrice?symbol=BTCUSDT", join(CAPTURES, "http_spot_market_avg_price.json")],
      [
        "/api/v3/ticker/bookTicker?symbol=BTCUSDT",
        join(CAPTURES, "http_spot_market_book_ticker.json"),
      ],
      ["/api/v3/depth?symbol=BTCUSDT&limit=10", join(CAPTURES, "http_spot_market_depth.json")],
      [
        "/api/v3/historicalTrades?symbol=BTCUSDT",
        join(CAPTURES, "http_spot_market_historical_trades.json"),
      ],
      ["/0/public/Depth?pair=XBTUSDT", join(KRAKEN, "http_order_book.json")],
      ["/0/public/Time", join(KRAKEN, "http_server_time.json")],
      ["/0/public/SystemStatus", join(KRAKEN, "http_system_status.json")],
      ["/derivatives/api/v3/tickers", join(KRAKEN, "http_futures_tickers.json")],
      ["/derivatives/api/v3/instruments", join(KRAKEN, "http_futures_instruments.json")],
      [
        "/derivatives/api/v4/historicalfundingrates?symbol=PF_XBTUSD",
        join(KRAKEN, "http_futures_historical_funding_rates.json"),
      ],
      ["/0/public/Ticker?pair=XBTUSDT", join(KRAKEN, "http_ticker.json")],
      ["/0/public/OHLC?pair=XBTUSDT&interval=1", join(KRAKEN, "http_ohlc.json")],
      ["/0/public/Trades?pair=XBTUSDT&since=0", join(KRAKEN, "http_trades.json")],
      ["/0/public/AssetPairs", join(KRAKEN, "http_asset_pairs.json")],
      [
        "/latest/dex/pairs/solana/6guiXw4mBNpXrGe9rcQ2mhJh3E8is8JZynd8BoAtAX93",
        join(DEX, "7xck_raydium-executor_2023-12_latest_dex_pairs_solana_single.json"),
      ],
      [
        "/latest/dex/tokens/USD1ttGY1N17NEEHLmELoaybftRBUSErhqYiQzvEmuB",
        join(DEX, "fardint_indexer-sdk_2025-11_latest_dex_tokens_USD1.json"),
      ],
    ];
    for (const [route, file] of files) {
      const r = await getText(ex.url + route);
      assert.equal(r.status, 200, route);
      assert.equal(r.text, readFileSync(file, "utf8"), route);
    }
    const multi = JSON.parse(
      readFileSync(
        join(DEX, "fardint_indexer-sdk_2025-11_multi_endpoint_USD1_solana.json"),
        "utf8",
      ),
    );
    const token = "USD1ttGY1N17NEEHLmELoaybftRBUSErhqYiQzvEmuB";
    const parts: Array<[string, string]> = [
      [`/token-pairs/v1/solana/${token}`, "pools"],
      [`/tokens/v1/solana/${token}`, "tokensBatch"],
      ["/latest/dex/search?q=USD1%2FUSDC", "search"],
      ["/token-profiles/latest/v1", "latestProfiles"],
      ["/token-boosts/latest/v1", "latestBoosts"],
    ];
    for (const [route, field] of parts) {
      const r = await getText(ex.url + route);
      assert.equal(r.status, 200, route);
      assert.deepEqual(JSON.parse(r.text), multi[field], route);
    }
    // cryptofeed sessions: every URL-tagged line, asked with its parameters in reverse order
    const dir = realPath("api_payloads", "cryptofeed_recorded_sessions");
    let served = 0;
    for (const name of readdirSync(dir).filter((n) => n.includes(".http."))) {
      for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
        const m = /^(https:\/\/\S+) -> [0-9.]+: (.*)$/.exec(line);
        if (!m) continue;
        const u = new URL(m[1] as string);
        const reversed = new URLSearchParams([...u.searchParams].reverse()).toString();
        const r = await getText(`${ex.url}${u.pathname}${reversed ? "?" + reversed : ""}`);
        assert.equal(r.status, 200, u.href);
        assert.equal(r.text, m[2], u.href);
        served++;
      }
    }
    assert.equal(served, 4 + 10 + 4 + 4 + 10);
    const missing = await getText(`${ex.url}/api/v3/nothing`);
    assert.equal(missing.status, 404);
    assert.match(missing.text, /no payload for \/api\/v3\/nothing/);
  });
});

realDataTest("fake exchange: klines pages are exact slices of the real OHLCV file", async () => {
  const rows = JSON.parse(
    readFileSync(realPath("ohlcv", "binance_spot_2017-2022_djienne", "BTC_USDT-1h.json"), "utf8"),
  ) as number[][];
  const hour = 3_600_000;
  const at = (i: number) => (rows[i] as number[])[0] as number;
  const checkSame = (got: unknown[][], want: number[][]) => {
    assert.equal(got.length, want.length);
    got.forEach((k, i) => {
      const r = want[i] as number[];
      assert.equal(k.length, 12);
      assert.equal(k[0], r[0]);
      for (let c = 1; c <= 5; c++) {
        assert.equal(typeof k[c], "string");
        assert.equal(Number(k[c]), r[c]);
      }
      assert.equal(k[6], (r[0] as number) + hour - 1);
      assert.equal(k[8], 0);
    });
  };
  await withExchange(async (ex) => {
    // a backfill: start mid-file, pages of 1000, next start = last open + 1, until endTime
    const endTime = at(3500);
    let start = at(100) - 1; // not aligned: Binance starts at the first open >= startTime
    const got: unknown[][] = [];
    const sizes: number[] = [];
    for (;;) {
      const q = `symbol=BTCUSDT&interval=1h&startTime=${start}&endTime=${endTime}&limit=1000`;
      const page = JSON.parse((await getText(`${ex.url}/api/v3/klines?${q}`)).text) as unknown[][];
      if (page.length === 0) break;
      sizes.push(page.length);
      got.push(...page);
      start = (page.at(-1)![0] as number) + 1;
    }
    assert.deepEqual(sizes, [1000, 1000, 1000, 401]);
    checkSame(got, rows.slice(100, 3501));
    // endTime only: the last `limit` bars up to it
    const tail = JSON.parse(
      (await getText(
        `${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&endTime=${at(50)}&limit=7`,
      ))
        .text,
    ) as unknown[][];
    checkSame(tail, rows.slice(44, 51));
    // neither: the newest 500 (Binance's default limit)
    const newest = JSON.parse(
      (await getText(`${ex.url}/fapi/v1/klines?symbol=BTCUSDT&interval=1h`)).text,
    ) as unknown[][];
    checkSame(newest, rows.slice(-500));
    // errors as Binance gives them
    const badSymbol = await getText(`${ex.url}/api/v3/klines?symbol=NOPEUSDT&interval=1h`);
    assert.equal(badSymbol.status, 400);
    assert.equal(JSON.parse(badSymbol.text).code, -1121);
    const badInterval = await getText(`${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=7m`);
    assert.equal(JSON.parse(badInterval.text).code, -1120);
    const badLimit = await getText(`${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1001`);
    assert.equal(JSON.parse(badLimit.text).code, -1130);
  });
});

realDataTest("fake exchange: aggTrades pages by fromId cover the real trades", async () => {
  const lines = readFileSync(
    realPath("trades", "binance_futures_BTCUSDT_2020-02-22_tardis_nautilus", "trades.csv"),
    "utf8",
  ).trim().split("\n").slice(1).map((l) => l.split(","));
  await withExchange(async (ex) => {
    let fromId = Number(lines[0]![4]);
    const got: Array<Record<string, unknown>> = [];
    for (;;) {
      const r = await getText(
        `${ex.url}/fapi/v1/aggTrades?symbol=BTCUSDT&fromId=${fromId}&limit=1000`,
      );
      const page = JSON.parse(r.text) as Array<Record<string, unknown>>;
      if (page.length === 0) break;
      got.push(...page);
      fromId = (page.at(-1)!.a as number) + 1;
    }
    assert.equal(got.length, lines.length);
    got.forEach((t, i) => {
      const f = lines[i] as string[];
      assert.equal(t.a, Number(f[4]));
      assert.equal(t.p, f[6]);
      assert.equal(t.q, f[7]);
      assert.equal(t.T, Math.floor(Number(f[2]) / 1000));
      assert.equal(t.m, f[5] === "sell");
      assert.equal("M" in t, false);
    });
    // by time window on spot (XRPETH from freqtrade): the trades inside [start, end]
    const xrp = JSON.parse(
      gunzipSync(readFileSync(realPath("trades", "freqtrade_testdata", "XRP_ETH-trades.json.gz")))
        .toString("utf8"),
    ) as unknown[][];
    const t0 = xrp[10]![0] as number;
    const t1 = xrp[40]![0] as number;
    const want = xrp.filter((r) => (r[0] as number) >= t0 && (r[0] as number) <= t1);
    const r = await getText(
      `${ex.url}/api/v3/aggTrades?symbol=XRPETH&startTime=${t0}&endTime=${t1}&limit=1000`,
    );
    const page = JSON.parse(r.text) as Array<Record<string, unknown>>;
    assert.deepEqual(page.map((t) => t.a), want.map((w) => Number(w[1])));
    assert.deepEqual(page.map((t) => Number(t.p)), want.map((w) => w[4]));
    assert.equal(page[0]!.M, true);
  });
});

const Ticker = z.object({ symbol: z.string(), price: z.string() });
const TICKER = "/api/v3/ticker/price?symbol=BTCUSDT";

realDataTest("fake exchange: HTTP faults behave as specified and are recorded", async () => {
  const real = readFileSync(join(CAPTURES, "http_spot_market_ticker_price.json"), "utf8");
  await withExchange(async (ex) => {
    // 500 for the next two requests, then the real body
    ex.faults.add({ kind: "http_500", path: "/ticker/price", times: 2 });
    assert.equal((await getText(ex.url + TICKER)).status, 500);
    assert.equal((await getText(ex.url + TICKER)).status, 500);
    assert.equal((await getText(ex.url + TICKER)).text, real);
    assert.deepEqual(ex.requests.slice(-3).map((r) => r.faults), [["http_500"], ["http_500"], []]);
    assert.equal(ex.requests.at(-1)!.query, "symbol=BTCUSDT");
    assert.equal(ex.requests.at(-1)!.method, "GET");

    // 429 with Retry-After, as getJson sees it
    ex.faults.add({ kind: "rate_limit", path: "/ticker/price", times: 1, retryAfterSeconds: 3 });
    const e429 = await getJson("binance", ex.url + TICKER, Ticker).catch((e) => e);
    assert.ok(e429 instanceof ProviderError);
    assert.equal(e429.kind, "rate_limited");
    assert.equal(e429.detail.retryAfterMs, 3000);

    // timeout: the server never answers until the client gives up
    ex.faults.add({ kind: "timeout", path: "/ticker/price", times: 1 });
    const t0 = performance.now();
    const eTimeout = await getJson("binance", ex.url + TICKER, Ticker, { timeoutMs: 150 })
      .catch((e) => e);
    assert.equal((eTimeout as ProviderError).kind, "timeout");
    assert.ok(performance.now() - t0 >= 140);

    // slow body: complete and real, but spread over chunks
    ex.faults.add({
      kind: "slow_body",
      path: "/ticker/price",
      times: 1,
      chunks: 5,
      chunkDelayMs: 40,
    });
    const t1 = performance.now();
    const slow = await getText(ex.url + TICKER);
    assert.equal(slow.text, real);
    assert.ok(performance.now() - t1 >= 150, "5 chunks 40 ms apart take at least 160 ms");
    // ... and a slow body longer than the client's timeout is a timeout
    ex.faults.add({
      kind: "slow_body",
      path: "/ticker/price",
      times: 1,
      chunks: 5,
      chunkDelayMs: 100,
    });
    const eSlow = await getJson("binance", ex.url + TICKER, Ticker, { timeoutMs: 150 })
      .catch((e) => e);
    assert.equal((eSlow as ProviderError).kind, "timeout");

    // truncated JSON
    ex.faults.add({ kind: "truncated_json", path: "/ticker/price", times: 1 });
    const cut = await getText(ex.url + TICKER);
    assert.equal(cut.status, 200);
    assert.ok(real.startsWith(cut.text) && cut.text.length < real.length);
    assert.throws(() => JSON.parse(cut.text));

    // wrong types: the price becomes an object
    ex.faults.add({ kind: "wrong_types", path: "/ticker/price", times: 1 });
    const wrong = JSON.parse((await getText(ex.url + TICKER)).text);
    assert.deepEqual(wrong, { symbol: "BTCUSDT", price: { value: JSON.parse(real).price } });
    ex.faults.add({ kind: "wrong_types", path: "/klines", times: 1 });
    const k = JSON.parse(
      (await getText(`${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=1d&limit=2`)).text,
    );
    assert.equal(typeof k[0][1], "object");
    assert.equal(typeof k[1][1], "string");

    // HTML error pages, 502 and 200
    ex.faults.add({ kind: "html_502", path: "/ticker/price", times: 1 });
    ex.faults.add({ kind: "html_200", path: "/ticker/price", times: 1 });
    const h502 = await getText(ex.url + TICKER);
    const h200 = await getText(ex.url + TICKER);
    assert.deepEqual([h502.status, h200.status], [502, 200]);
    assert.match(h502.type, /text\/html/);
    assert.match(h200.text, /^<!DOCTYPE html>[\s\S]*Cloudflare/);
    ex.faults.add({ kind: "html_200", path: "/ticker/price", times: 1 });
    const eHtml = await getJson("binance", ex.url + TICKER, Ticker).catch((e) => e);
    assert.equal((eHtml as ProviderError).kind, "parse");
    assert.match((eHtml as ProviderError).message, /HTML page/);
    // every fault used up: the real body again
    assert.equal((await getJson("binance", ex.url + TICKER, Ticker)).raw, real);
  });
});

realDataTest("fake exchange: share faults, regex paths and the fault list", async () => {
  await withExchange(async (ex) => {
    ex.faults.add({ kind: "http_500", path: /^\/api\/v3\/time$/, share: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await getText(`${ex.url}/api/v3/time`)).status);
    const failed = statuses.filter((s) => s === 500).length;
    assert.ok(failed > 8 && failed < 32, `about half should fail, got ${failed} of 40`);
    assert.equal((await getText(`${ex.url}/api/v3/exchangeInfo`)).status, 200);
    assert.equal(ex.faults.active.length, 1);
    ex.faults.clear();
    assert.equal((await getText(`${ex.url}/api/v3/time`)).status, 200);
    assert.throws(() => ex.faults.add({ kind: "http_500", path: "/", times: 0 }), RangeError);
  }, { seed: 7 });
});

/** The real trade frames of `streams` in receive order, read independently of the server. */
function expectedFrames(market: string, streams: string[]): string[] {
  const dir = realPath("ws_streams", "binance_ws_capture_2024-08-08_hftbacktest", market);
  const rows: Array<[bigint, number, string]> = [];
  let seq = 0;
  for (const name of readdirSync(dir).sort()) {
    if (!streams.some((s) => name.startsWith(s.split("@")[0] + "_"))) continue;
    for (const line of gunzipSync(readFileSync(join(dir, name))).toString("utf8").split("\n")) {
      const sp = line.indexOf(" ");
      if (sp < 0) continue;
      const frame = line.slice(sp + 1);
      const stream = (JSON.parse(frame) as { stream?: string }).stream;
      if (stream !== undefined && streams.includes(stream)) {
        rows.push([BigInt(line.slice(0, sp)), seq++, frame]);
      }
    }
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  return rows.map((r) => r[2]);
}

interface Received {
  messages: string[];
  times: number[];
  code: number;
  wasClean: boolean;
  error?: string;
}

/** Receive `n` messages (or until the server cuts), then close; resolves after the close. */
function receive(url: string, n: number, send: string[] = []): Promise<Received> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const out: Received = { messages: [], times: [], code: 0, wasClean: false };
    ws.onopen = () => send.forEach((m) => ws.send(m));
    ws.onmessage = (e) => {
      if (out.messages.length >= n) return; // frames already in flight when we closed
      out.messages.push(String(e.data));
      out.times.push(performance.now());
      if (out.messages.length === n) ws.close();
    };
    ws.onerror = (e) => {
      out.error = (e as ErrorEvent).message;
    };
    ws.onclose = (e) => {
      out.code = e.code;
      out.wasClean = e.wasClean;
      resolve(out);
    };
  });
}

realDataTest("fake exchange: WebSocket replays real frames in order at the set rate", async () => {
  const streams = ["btcusdt@trade", "ethusdt@trade"];
  const want = expectedFrames("spot", streams);
  await withExchange(async (ex) => {
    const url = `${ex.wsUrl}/stream?streams=${streams.join("/")}`;
    const before = performance.now();
    const paced = await receive(url, 100);
    assert.deepEqual(paced.messages, want.slice(0, 100));
    assert.ok(paced.messages.some((m) => m.includes('"ethusdt@trade"')));
    // frame i leaves no earlier than i / 200 s after the connection opened, so the 100th
    // arrives at least 0.495 s after we connected. (Measured from the first frame instead, a
    // loaded machine that delays the first frames sees the paced loop catch up and a shorter
    // span.)
    const last = (paced.times.at(-1)! - before) / 1000;
    assert.ok(last > 0.49, `99 gaps at 200/s take ~0.495 s, the 100th frame came at ${last}`);
    const span = (paced.times.at(-1)! - paced.times[0]!) / 1000;
    assert.ok(span < 1.0, `99 gaps at 200/s take ~0.495 s, took ${span}`);

    ex.setWsRate(0);
    const t0 = performance.now();
    const fast = await receive(url, 20_000);
    const secs = (performance.now() - t0) / 1000;
    assert.deepEqual(fast.messages, want.slice(0, 20_000));
    console.log(`as fast as possible: ${Math.round(20_000 / secs)} messages/s`);

    const usdm = expectedFrames("usdm", ["btcusdt@trade"]);
    const fut = await receive(`${ex.wsFuturesUrl}/stream?streams=btcusdt@trade`, 50);
    assert.deepEqual(fut.messages, usdm.slice(0, 50));

    const ws = ex.requests.filter((r) => r.method === "WS");
    assert.equal(ws.length, 3);
    assert.equal(ws[0]!.query, "streams=btcusdt@trade/ethusdt@trade");
  }, { wsRate: 200 });
});

realDataTest("fake exchange: WebSocket ping, pong and subscription replies", async () => {
  await withExchange(async (ex) => {
    // no capture for xrpusdt, so only the replies arrive
    const url = `${ex.wsUrl}/stream?streams=xrpusdt@trade`;
    const got = await receive(url, 2, ["ping", '{"method":"LIST_SUBSCRIPTIONS","id":7}']);
    assert.deepEqual(got.messages, ["pong", '{"result":["xrpusdt@trade"],"id":7}']);
    assert.equal(got.wasClean, true);

    // a protocol-level ping frame (opcode 9) is answered with a pong frame carrying its data
    const port = Number(new URL(ex.wsUrl).port);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const enc = new TextEncoder();
    await conn.write(enc.encode(
      "GET /stream?streams=xrpusdt@trade HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n" +
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n\r\n",
    ));
    let text = "";
    const buf = new Uint8Array(4096);
    while (!text.includes("\r\n\r\n")) {
      text += new TextDecoder().decode(buf.subarray(0, (await conn.read(buf))!));
    }
    assert.match(text, /101 Switching Protocols/);
    assert.match(text, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/); // RFC 6455 example
    const mask = [1, 2, 3, 4];
    const data = enc.encode("hb");
    await conn.write(
      new Uint8Array([0x89, 0x80 | 2, ...mask, ...data.map((b, i) => b ^ mask[i]!)]),
    );
    const n = (await conn.read(buf))!;
    assert.deepEqual([...buf.subarray(0, n)], [0x8a, 2, ...data]);
    conn.close();
  });
});

realDataTest("fake exchange: WebSocket drop, duplicate and out-of-order faults", async () => {
  const streams = ["btcusdt@trade"];
  const want = expectedFrames("spot", streams);
  await withExchange(async (ex) => {
    const url = `${ex.wsUrl}/stream?streams=btcusdt@trade`;
    ex.faults.add({ kind: "ws_drop", path: "/stream", times: 1, afterMessages: 25 });
    const dropped = await receive(url, 1000);
    assert.deepEqual(dropped.messages, want.slice(0, 25));
    // no close frame was sent: browsers report 1006, Deno's client reports code 0 after an
    // "Unexpected EOF" error; either way the close is not clean
    assert.ok(dropped.code === 1006 || dropped.code === 0, `code ${dropped.code}`);
    assert.equal(dropped.wasClean, false);
    assert.match(dropped.error ?? "", /EOF/);

    ex.faults.add({ kind: "ws_duplicate", path: "/stream", times: 1, every: 10 });
    const dup = await receive(url, 33);
    assert.equal(dup.messages[10], dup.messages[9]);
    assert.equal(dup.messages[21], dup.messages[20]);
    assert.deepEqual(
      dup.messages.filter((m, i) => i === 0 || m !== dup.messages[i - 1]),
      want.slice(0, 30),
    );

    ex.faults.add({ kind: "ws_out_of_order", path: "/stream", times: 1, every: 5 });
    const ooo = await receive(url, 20);
    assert.equal(ooo.messages[3], want[4]);
    assert.equal(ooo.messages[4], want[3]);
    const id = (m: string) => (JSON.parse(m) as { data: { t: number } }).data.t;
    assert.ok(id(ooo.messages[4]!) < id(ooo.messages[3]!));
    assert.deepEqual([...ooo.messages].sort((a, b) => id(a) - id(b)), want.slice(0, 20));

    // faults used up: the next connection is clean
    const clean = await receive(url, 30);
    assert.deepEqual(clean.messages, want.slice(0, 30));
    assert.deepEqual(
      ex.requests.filter((r) => r.method === "WS").map((r) => r.faults),
      [["ws_drop"], ["ws_duplicate"], ["ws_out_of_order"], []],
    );
  });
});
