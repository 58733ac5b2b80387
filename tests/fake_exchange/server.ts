/**
 * `startFakeExchange`: a local exchange on 127.0.0.1 that serves real captured payloads and
 * klines/aggTrades pages cut from real files, replays real WebSocket trade frames, records
 * every request and misbehaves on demand.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { binanceRequestWeight } from "@lib/providers/binance.ts";
import { REAL_DATA_DIR } from "../_shared/real_data.ts";
import {
  type AggTradeColumns,
  aggTradesPage,
  readFreqtradeTrades,
  readTardisTrades,
} from "./agg_trades.ts";
import { FaultController, type FaultRule } from "./faults.ts";
import { INTERVAL_MS, klinesSlice, type OhlcvRows, toBinanceKlines } from "./klines.ts";
import { findPayload, loadPayloadIndex } from "./payloads.ts";
import { WsFrameStore } from "./ws_frames.ts";
import { PerpData } from "./perp.ts";
import { tickers24hAt, type UniverseSymbol, widenExchangeInfo } from "./universe.ts";
import { WsReplayServer } from "./ws_server.ts";
import type { LiveTape } from "./live_tape.ts";

/** Options of {@link startFakeExchange}; every field has a default. */
export interface FakeExchangeOptions {
  /** The real-data folder (default: `REAL_DATA_DIR` of `tests/_shared/real_data.ts`). */
  readonly realDir?: string | undefined;
  /** WebSocket replay rate in messages per second; 0 (default) = as fast as possible. */
  readonly wsRate?: number | undefined;
  /** Seed of the generator behind `share` faults (default 42). */
  readonly seed?: number | undefined;
  /**
   * Folders of freqtrade OHLCV files (`BTC_USDT-1h.json`, directly or in `<interval>/`) that
   * klines are cut from, relative to `realDir` or absolute; the first folder holding a
   * symbol and interval wins. Default `["ohlcv/binance_spot_2017-2022_djienne"]`.
   */
  readonly ohlcvDirs?: readonly string[] | undefined;
  /**
   * Real trade files behind aggTrades, by symbol: Tardis CSV or freqtrade JSON(.gz).
   * Default: BTCUSDT from the Tardis Binance-futures capture of 2020-02-22, XRPETH from
   * freqtrade's `XRP_ETH-trades.json.gz`.
   */
  readonly aggTradeFiles?: Readonly<Record<string, string>> | undefined;
  /**
   * Serve the whole-market endpoints that `top:N` needs (`/api/v3/ticker/24hr` without a
   * symbol, and an `exchangeInfo` listing every symbol with hourly klines), built from the real
   * OHLCV files at the captured server time (see `universe.ts`). Default false: the captured
   * `exchangeInfo` (two symbols) is served as recorded.
   */
  readonly wholeMarket?: boolean | undefined;
  /**
   * A clock-driven tape (`live_tape.ts`): its symbols' WebSocket streams publish the tape live
   * (a client that reconnects has missed what traded meanwhile) and `/api/v3/trades`,
   * `historicalTrades` and `aggTrades` (and the `/fapi/v1/` twins) of its symbols serve the
   * tape's history by `fromId`; `/api/v3/klines` of its symbols, at every interval and `1s`,
   * are aggregated from the tape's trades (`LiveTape.klines`: history before the tape started
   * too). Default: none (the capture is replayed).
   */
  readonly live?: LiveTape | undefined;
}

/** One recorded request (`method` is `WS` for a WebSocket connection). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The query string without `?`. */
  readonly query: string;
  /** Epoch ms when the request arrived. */
  readonly time: number;
  /** The faults applied to it, if any. */
  readonly faults: readonly string[];
  /** `oversize`: body bytes the client pulled before it stopped reading. */
  bodyBytesSent?: number;
}

/** A running fake exchange. */
export interface FakeExchange {
  /** REST base, e.g. `http://127.0.0.1:41234` (Binance, Kraken and Dexscreener paths alike). */
  readonly url: string;
  /** Binance spot WebSocket base: connect to `${wsUrl}/stream?streams=btcusdt@trade/...`. */
  readonly wsUrl: string;
  /** Binance USDT-M WebSocket base: `${wsFuturesUrl}/stream?streams=...` replays `usdm/`. */
  readonly wsFuturesUrl: string;
  /** Add or clear faults at runtime. */
  readonly faults: FaultController;
  /** Every request so far, in arrival order. */
  readonly requests: RecordedRequest[];
  /**
   * Cut every WebSocket connection (no close frame) and refuse new ones with HTTP 503 for
   * `awayMs` (default 0): an outage, during which a live tape trades on.
   */
  cutWs(awayMs?: number): void;
  /** Change the WebSocket replay rate for connections opened from now on. */
  setWsRate(messagesPerSecond: number): void;
  /**
   * Weight that other clients on the same IP used: from now on it is added to the
   * `x-mbx-used-weight-1m` header every Binance answer carries (default 0; the header always
   * counts this exchange's own Binance requests of the trailing minute by their published
   * weights, like Binance does).
   */
  setForeignWeight(weight: number): void;
  /** Stop both servers, end hanging and slow responses, and wait until all is closed. */
  close(): Promise<void>;
}

const HTML_ERROR_PAGE = `<!DOCTYPE html>
<html lang="en-US"><head><title>api.binance.com | 502: Bad gateway</title>
<meta charset="UTF-8" /></head>
<body><div id="cf-wrapper"><div id="cf-error-details">
<h1><span class="inline-block">Bad gateway</span> <span class="code-label">Error code 502</span></h1>
<p>The web server reported a bad gateway error.</p>
<span>Cloudflare Ray ID: <strong>7d2f1e9b8c3a4f21</strong></span>
</div></div></body></html>
`;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function binanceError(code: number, msg: string): Response {
  return json(400, { code, msg });
}

const PRICE_KEYS = new Set(["price", "p", "lastPrice", "priceUsd", "priceNative", "c"]);

/**
 * Turn the first price-like field of a JSON value (or, failing that, its first string leaf,
 * e.g. the open of the first kline array) into an object `{ value: original }`; a value with
 * no string at all is wrapped whole.
 */
function corrupt(root: unknown): unknown {
  let done = false;
  const visitKeys = (v: unknown): void => {
    if (done || v === null || typeof v !== "object") return;
    if (Array.isArray(v)) {
      for (const x of v) visitKeys(x);
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (PRICE_KEYS.has(k) && (typeof o[k] === "string" || typeof o[k] === "number")) {
        o[k] = { value: o[k] };
        done = true;
        return;
      }
      visitKeys(o[k]);
      if (done) return;
    }
  };
  visitKeys(root);
  if (done) return root;
  const visitLeaves = (v: unknown): void => {
    if (done || v === null || typeof v !== "object") return;
    const entries: Array<[string | number, unknown]> = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v as Record<string, unknown>);
    for (const [k, x] of entries) {
      if (typeof x === "string") {
        (v as Record<string | number, unknown>)[k] = { value: x };
        done = true;
        return;
      }
      visitLeaves(x);
      if (done) return;
    }
  };
  visitLeaves(root);
  return done ? root : { value: root };
}

/** Index `SYMBOL:interval` -> freqtrade file for every OHLCV folder. */
function indexOhlcv(dirs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const add = (dir: string): void => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      if (name.isDirectory() && name.name in INTERVAL_MS) add(join(dir, name.name));
      const m = /^([A-Z0-9]+)_([A-Z0-9]+)-(\w+)\.json$/.exec(name.name);
      if (!name.isFile() || !m) continue;
      const key = `${m[1]}${m[2]}:${m[3]}`;
      if (!out.has(key)) out.set(key, join(dir, name.name));
    }
  };
  for (const d of dirs) {
    if (!existsSync(d)) throw new Error(`Cannot start the fake exchange: ${d} not found`);
    add(d);
  }
  return out;
}

function intParam(p: URLSearchParams, name: string): number | undefined | "bad" {
  const v = p.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : "bad";
}

/**
 * Start the fake exchange on 127.0.0.1 (free ports). Close it with `close()` in a `finally`.
 *
 * REST routes: Binance `/api/v3/*` and `/fapi/v1/*` captures (ticker price, book ticker,
 * avgPrice, depth, trades, historicalTrades, time, exchangeInfo), every cryptofeed-recorded
 * URL by path and query, `/api/v3/klines` and `/fapi/v1/klines` cut from real OHLCV files,
 * `/api/v3/aggTrades` and `/fapi/v1/aggTrades` cut from real trades, the perp endpoints of
 * `perp.ts` (funding and mark replayed from real files; index, premium, open interest and
 * forceOrder frames synthetic and labelled), Kraken `/0/public/*`
 * and `/derivatives/api/*`, Dexscreener `/latest/dex/*`, `/token-pairs/v1/*`, `/tokens/v1/*`,
 * `/token-profiles/latest/v1`, `/token-boosts/latest/v1`. Anything else is a 404.
 *
 * @example Serve a real ticker and fail the next call (skips quietly without the real data)
 * ```ts
 * import { startFakeExchange } from "./server.ts";
 * import { HAS_REAL_DATA } from "../_shared/real_data.ts";
 * import assert from "node:assert/strict";
 * if (HAS_REAL_DATA) {
 *   const ex = await startFakeExchange();
 *   try {
 *     const ok = await fetch(`${ex.url}/api/v3/ticker/price?symbol=BTCUSDT`);
 *     assert.equal((await ok.json()).symbol, "BTCUSDT");
 *     ex.faults.add({ kind: "http_500", path: "/ticker/price", times: 1 });
 *     const bad = await fetch(`${ex.url}/api/v3/ticker/price?symbol=BTCUSDT`);
 *     await bad.body?.cancel();
 *     assert.equal(bad.status, 500);
 *     assert.equal(ex.requests.length, 2);
 *   } finally {
 *     await ex.close();
 *   }
 * }
 * ```
 */
export function startFakeExchange(options: FakeExchangeOptions = {}): Promise<FakeExchange> {
  const realDir = options.realDir ?? REAL_DATA_DIR;
  const abs = (p: string) => (p.startsWith("/") ? p : join(realDir, p));
  const payloads = loadPayloadIndex(realDir);
  const ohlcvFiles = indexOhlcv(
    (options.ohlcvDirs ?? ["ohlcv/binance_spot_2017-2022_djienne"]).map(abs),
  );
  const tradeFiles: Record<string, string> = {
    BTCUSDT: "trades/binance_futures_BTCUSDT_2020-02-22_tardis_nautilus/trades.csv",
    XRPETH: "trades/freqtrade_testdata/XRP_ETH-trades.json.gz",
    ...options.aggTradeFiles,
  };
  const ohlcvCache = new Map<string, OhlcvRows>();
  const perp = new PerpData(realDir);
  const tradeCache = new Map<string, AggTradeColumns>();
  const faults = new FaultController(options.seed ?? 42);
  const requests: RecordedRequest[] = [];
  let wsRate = options.wsRate ?? 0;
  // Binance's used-weight count of the trailing minute: (arrival time, weight) of each request
  const weightLog: { t: number; w: number }[] = [];
  let foreignWeight = 0;
  const usedWeight = (url: URL): number => {
    const t = Date.now();
    weightLog.push({ t, w: binanceRequestWeight(url.href) ?? 1 });
    while (weightLog.length > 0 && weightLog[0]!.t <= t - 60_000) weightLog.shift();
    let sum = foreignWeight;
    for (const e of weightLog) sum += e.w;
    return sum;
  };
  const shutdown = new AbortController();
  const hanging = new Set<() => void>();

  const klines = (path: string, p: URLSearchParams): Response => {
    const futures = path.startsWith("/fapi/");
    const symbol = p.get("symbol");
    if (symbol === null) return binanceError(-1102, "Mandatory parameter 'symbol' was not sent.");
    const interval = p.get("interval") ?? "";
    // Binance's spot API has 1s klines, its futures API does not
    const step = interval === "1s" && !futures ? 1_000 : INTERVAL_MS[interval];
    if (step === undefined) return binanceError(-1120, "Invalid interval.");
    const limit = intParam(p, "limit");
    const startTime = intParam(p, "startTime");
    const endTime = intParam(p, "endTime");
    const max = futures ? 1500 : 1000;
    if (limit === "bad" || (limit !== undefined && (limit < 1 || limit > max))) {
      return binanceError(-1130, "Data sent for parameter 'limit' is not valid.");
    }
    if (startTime === "bad" || endTime === "bad") {
      return binanceError(-1100, "Illegal characters found in parameter 'startTime'/'endTime'.");
    }
    // a live tape's symbol: klines of every interval aggregated from the tape's own trades
    if (!futures && options.live?.symbols.includes(symbol)) {
      return json(
        200,
        toBinanceKlines(options.live.klines(symbol, step, { startTime, endTime, limit }), step),
      );
    }
    const file = ohlcvFiles.get(`${symbol}:${interval}`);
    if (file === undefined) {
      const known = [...ohlcvFiles.keys()].some((k) => k.startsWith(symbol + ":"));
      return known
        ? binanceError(-1120, `Invalid interval: no real ${interval} klines for ${symbol}.`)
        : binanceError(-1121, "Invalid symbol.");
    }
    let rows = ohlcvCache.get(file);
    if (!rows) {
      rows = JSON.parse(readFileSync(file, "utf8")) as OhlcvRows;
      ohlcvCache.set(file, rows);
    }
    return json(200, toBinanceKlines(klinesSlice(rows, { startTime, endTime, limit }), step));
  };

  const aggTrades = (path: string, p: URLSearchParams): Response => {
    const symbol = p.get("symbol");
    if (symbol === null) return binanceError(-1102, "Mandatory parameter 'symbol' was not sent.");
    const rel = tradeFiles[symbol];
    if (rel === undefined) return binanceError(-1121, "Invalid symbol.");
    const limit = intParam(p, "limit");
    const fromId = intParam(p, "fromId");
    const startTime = intParam(p, "startTime");
    const endTime = intParam(p, "endTime");
    if (limit === "bad" || (limit !== undefined && (limit < 1 || limit > 1000))) {
      return binanceError(-1130, "Data sent for parameter 'limit' is not valid.");
    }
    if (fromId === "bad" || startTime === "bad" || endTime === "bad") {
      return binanceError(-1100, "Illegal characters found in a parameter.");
    }
    let cols = tradeCache.get(symbol);
    if (!cols) {
      const file = abs(rel);
      cols = file.endsWith(".csv") ? readTardisTrades(file) : readFreqtradeTrades(file);
      tradeCache.set(symbol, cols);
    }
    const spot = path.startsWith("/api/");
    return json(200, aggTradesPage(cols, { fromId, startTime, endTime, limit }, spot));
  };

  let wholeMarket: { tickers: string; exchangeInfo: string } | undefined;
  const market = () => {
    if (wholeMarket) return wholeMarket;
    const symbols: UniverseSymbol[] = [];
    for (const [key, file] of ohlcvFiles) {
      const m = /^([A-Z0-9]+)_([A-Z0-9]+)-1h\.json$/.exec(basename(file));
      if (!key.endsWith(":1h") || !m) continue;
      let rows = ohlcvCache.get(file);
      if (!rows) {
        rows = JSON.parse(readFileSync(file, "utf8")) as OhlcvRows;
        ohlcvCache.set(file, rows);
      }
      symbols.push({ symbol: m[1]! + m[2]!, baseAsset: m[1]!, quoteAsset: m[2]!, hourly: rows });
    }
    const time = findPayload(payloads, "/api/v3/time", "");
    const info = findPayload(payloads, "/api/v3/exchangeInfo", "");
    if (!time || !info) {
      throw new Error("fake exchange: the captured time/exchangeInfo are missing");
    }
    const serverTime = (JSON.parse(time.body) as { serverTime: number }).serverTime;
    wholeMarket = {
      tickers: JSON.stringify(tickers24hAt(symbols, serverTime)),
      exchangeInfo: widenExchangeInfo(info.body, symbols),
    };
    return wholeMarket;
  };

  const normal = (path: string, search: string): Response => {
    const p = new URLSearchParams(search);
    if (options.wholeMarket && path === "/api/v3/ticker/24hr" && !p.has("symbol")) {
      return new Response(market().tickers, { headers: { "content-type": "application/json" } });
    }
    if (options.wholeMarket && path === "/api/v3/exchangeInfo") {
      return new Response(market().exchangeInfo, {
        headers: { "content-type": "application/json" },
      });
    }
    if (path === "/api/v3/klines" || path === "/fapi/v1/klines") return klines(path, p);
    const perpAnswer = perp.answer(path, p);
    if (perpAnswer !== undefined) return perpAnswer;
    const tape = options.live?.restAnswer(path, p);
    if (tape !== undefined) {
      return new Response(tape, { headers: { "content-type": "application/json" } });
    }
    if (path === "/api/v3/aggTrades" || path === "/fapi/v1/aggTrades") return aggTrades(path, p);
    const hit = findPayload(payloads, path, search);
    if (hit) {
      return new Response(hit.body, { headers: { "content-type": "application/json" } });
    }
    return json(404, { code: -5, msg: `fake exchange has no payload for ${path}${search}` });
  };

  const oversizeBody = (rule: FaultRule, record: RecordedRequest): Response => {
    const total = rule.bytes ?? 256 * 2 ** 20;
    const row = new TextEncoder().encode(
      '[1577836800000,"7195.24","7196.25","7175.46","7177.02","511.81","1577840399999"],',
    );
    const chunk = new Uint8Array(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = row[i % row.length]!;
    chunk[0] = 0x5b; // "["
    record.bodyBytesSent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        const sent = record.bodyBytesSent!;
        if (sent >= total) return ctrl.close();
        const n = Math.min(chunk.length, total - sent);
        ctrl.enqueue(chunk.slice(0, n));
        record.bodyBytesSent = sent + n;
      },
    });
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (rule.declareLength) headers["content-length"] = String(total);
    return new Response(body, { status: 200, headers });
  };

  const slowBody = (text: string, rule: FaultRule, status: number): Response => {
    const chunks = Math.max(1, rule.chunks ?? 4);
    const delay = rule.chunkDelayMs ?? 50;
    const bytes = new TextEncoder().encode(text);
    const size = Math.ceil(bytes.length / chunks);
    const stop = new AbortController();
    const onShutdown = () => stop.abort();
    shutdown.signal.addEventListener("abort", onShutdown, { once: true });
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: async (ctrl) => {
        if (i > 0) await wait(delay, stop.signal);
        if (stop.signal.aborted || i * size >= bytes.length) {
          shutdown.signal.removeEventListener("abort", onShutdown);
          ctrl.close();
          return;
        }
        ctrl.enqueue(bytes.slice(i * size, (i + 1) * size));
        i += 1;
      },
      cancel: () => {
        stop.abort();
        shutdown.signal.removeEventListener("abort", onShutdown);
      },
    });
    return new Response(body, { status, headers: { "content-type": "application/json" } });
  };

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const binance = url.pathname.startsWith("/api/v3/") || url.pathname.startsWith("/fapi/");
    const weight = binance ? usedWeight(url) : 0;
    const res = await answer(req, url);
    if (binance) res.headers.set("x-mbx-used-weight-1m", String(weight));
    return res;
  };

  const answer = async (req: Request, url: URL): Promise<Response> => {
    const path = url.pathname;
    const search = url.search;
    const rule = faults.take(path, search);
    const record: RecordedRequest = {
      method: req.method,
      path,
      query: search.slice(1),
      time: Date.now(),
      faults: rule ? [rule.kind] : [],
    };
    requests.push(record);
    if (!rule) return normal(path, search);
    switch (rule.kind) {
      case "non_json_200":
        return new Response("upstream connect error or disconnect/reset before headers", {
          status: 200,
          headers: { "content-type": "application/json" },
        });
      case "oversize":
        return oversizeBody(rule, record);
      case "http_500":
        return json(500, { code: -1000, msg: "An unknown error occurred while processing." });
      case "rate_limit":
        return json(429, { code: -1003, msg: "Too many requests; current limit exceeded." }, {
          "retry-after": String(rule.retryAfterSeconds ?? 1),
        });
      case "html_502":
      case "html_200":
        return new Response(HTML_ERROR_PAGE, {
          status: rule.kind === "html_502" ? 502 : 200,
          headers: { "content-type": "text/html; charset=UTF-8" },
        });
      case "timeout":
        await new Promise<void>((resolve) => {
          const done = () => {
            hanging.delete(done);
            req.signal.removeEventListener("abort", done);
            resolve();
          };
          hanging.add(done);
          req.signal.addEventListener("abort", done, { once: true });
        });
        return json(504, { msg: "client gave up" });
      default: {
        const res = normal(path, search);
        const text = await res.text();
        if (rule.kind === "truncated_json") {
          return new Response(text.slice(0, Math.floor(text.length / 2)), {
            status: res.status,
            headers: { "content-type": "application/json" },
          });
        }
        if (rule.kind === "wrong_types") {
          return json(res.status, corrupt(JSON.parse(text)));
        }
        if (rule.kind === "edit_body" && rule.edit !== undefined) {
          return new Response(rule.edit(text), {
            status: res.status,
            headers: { "content-type": "application/json" },
          });
        }
        return slowBody(text, rule, res.status);
      }
    }
  };

  const frames = new WsFrameStore(
    join(realDir, "ws_streams", "binance_ws_capture_2024-08-08_hftbacktest"),
  );
  const ws = WsReplayServer.start({
    frames,
    faults,
    rate: () => wsRate,
    onConnection: (e) => requests.push({ method: "WS", ...e }),
    live: options.live,
  });
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => {
        resolve({
          url: `http://127.0.0.1:${port}`,
          wsUrl: `ws://127.0.0.1:${ws.port}`,
          wsFuturesUrl: `ws://127.0.0.1:${ws.port}/usdm`,
          faults,
          requests,
          setForeignWeight: (w: number) => {
            if (!(w >= 0)) throw new RangeError(`Cannot set the foreign weight to ${w}: use >= 0`);
            foreignWeight = w;
          },
          cutWs: (awayMs?: number) => ws.cut(awayMs),
          setWsRate: (r: number) => {
            if (!(r >= 0)) throw new RangeError(`Cannot set the WebSocket rate to ${r}: use >= 0`);
            wsRate = r;
          },
          close: async () => {
            shutdown.abort();
            for (const done of [...hanging]) done();
            await Promise.all([server.shutdown(), ws.close()]);
          },
        });
      },
    }, handler);
  });
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
