/**
 * The monitor's HTTP server: the dashboard page, the JSON API (described by
 * `/api/openapi.json`), Server-Sent Events with a polling fallback, CSV and Parquet export, and
 * the OHLC upload. One `Deno.serve` on 127.0.0.1 by default; bound to any other address every
 * request must carry the token (`Authorization: Bearer <token>` or `?token=<token>`).
 *
 * Safety on loopback too: without a token, a request whose `Host` is not the loopback address
 * the server listens on is refused (a DNS-rebinding page cannot read the API), and a POST must
 * carry the header `X-Cryptolab-Request: 1` and, when the browser sends one, an `Origin` equal
 * to the `Host` (a page elsewhere cannot make the browser upload a file or place an order).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { timingSafeEqual } from "node:crypto";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import type { ExportTable } from "@lib/core/export/table.ts";
import { tableToCsv } from "@lib/core/export/csv.ts";
import { tableToParquet } from "@lib/core/export/parquet.ts";
import { recentTrades } from "@lib/store/live_reads.ts";
import { latestBarTs, recentBars } from "@lib/store/live_reads.ts";
import { readBars } from "@lib/store/bars.ts";
import {
  ANALYTICS_LIMIT_DEFAULT,
  AnalyticsService,
  num,
  type ServedAnalytics,
} from "./analytics_service.ts";
import type { EventHub, MonitorEvent } from "./events.ts";
import { monitorOpenApi } from "./openapi.ts";
import {
  BadRequest,
  checkKnown,
  choiceParam,
  freqParam,
  HEDGES,
  intParam,
  numberParam,
  pairParam,
  symbolParam,
  timeParam,
} from "./params.ts";
import type { PairKey } from "./pair_closes.ts";
import { PAIR_ANALYTICS_DEFAULTS } from "./pair_analytics.ts";
import { dashboardHtml } from "./dashboard.ts";
import { MAX_UPLOAD_BYTES, uploadOhlc, type UploadResult } from "./upload.ts";

/** What the server serves: the store, the pairs and the live state of the monitor. */
export interface MonitorServerContext {
  readonly db: DatabaseSync;
  /** Venue id of the stored series, e.g. `binance`. */
  readonly venue: string;
  readonly pairs: readonly PairKey[];
  /** The frequency the monitor works at (`--freq`). */
  readonly freq: Freq;
  /** Every frequency it materializes (the dashboard's frequency control). */
  readonly freqs: readonly Freq[];
  /** Dashboard and API defaults (`--window`, `--z`, the hedge method). */
  readonly window: number;
  readonly z: number;
  readonly hedge: "rolling-ols" | "kalman";
  readonly hub: EventHub;
  readonly analytics: AnalyticsService;
  /** The live state for `/api/health`. */
  readonly health: () => Record<string, unknown>;
  /** Folder where uploads are written before the import reads them (inside the store's folder). */
  readonly uploadDir: string;
  /** Largest upload body, bytes, enforced while it is read. @default MAX_UPLOAD_BYTES (256 MiB) */
  readonly maxUploadBytes?: number;
  /** Stored alerts, newest last (`/api/alerts`); absent until alerts are wired. */
  readonly alerts?: (q: { readonly limit: number }) => unknown;
  /** Paper positions, fills, P&L and equity (`/api/paper`); absent until paper trading is wired. */
  readonly paper?: () => unknown;
  /** A manual paper order from the page (`POST /api/paper/orders`). */
  readonly paperOrder?: (body: unknown) => unknown;
}

/** Options of {@link startMonitorServer}. */
export interface MonitorServerOptions {
  /** Address to listen on. @default "127.0.0.1" */
  readonly host?: string;
  /** Port; 0 picks a free one. @default 8787 */
  readonly port?: number;
  /** Required on every request when `host` is not a loopback address. */
  readonly token?: string | undefined;
  /** Called once listening, with the URL of the dashboard. */
  readonly onListen?: (url: string) => void;
}

/** A running server. */
export interface MonitorServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  /** Ends every event stream and stops listening. */
  shutdown(): Promise<void>;
}

/** Defaults of {@link MonitorServerOptions}, stated once. */
export const MONITOR_SERVER_DEFAULTS = { host: "127.0.0.1", port: 8787 } as const;

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
}

function error(status: number, message: string): Response {
  return json({ error: message, status }, status);
}

/** SSE frame of one event. */
function sseFrame(e: MonitorEvent): string {
  return `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = new TextEncoder().encode(given), b = new TextEncoder().encode(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The request handler of the monitor (exported for tests that call it without a socket).
 * `listen` is the `host:port` the server is bound to, for the Host check.
 */
export function monitorHandler(
  ctx: MonitorServerContext,
  options: { readonly token?: string | undefined; readonly hosts: readonly string[] },
  streams: Set<() => void>,
): (req: Request) => Promise<Response> {
  const enc = new TextEncoder();
  const symbols = [...new Set(ctx.pairs.flatMap((p) => [p.y, p.x]))];
  const routes: Record<string, (req: Request, q: URLSearchParams) => Response | Promise<Response>> =
    {
      "GET /": (_req, q) => {
        checkKnown(q, []);
        const page = dashboardHtml({
          pairs: ctx.pairs,
          venue: ctx.venue,
          freq: ctx.freq,
          freqs: ctx.freqs,
          window: ctx.window,
          z: ctx.z,
          hedge: ctx.hedge,
        });
        return new Response(page.html, {
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": page.csp,
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
            "cache-control": "no-store",
          },
        });
      },
      "GET /api/health": (_req, q) => {
        checkKnown(q, []);
        return json({
          status: "ok",
          venue: ctx.venue,
          pairs: ctx.pairs.map((p) => `${p.y}:${p.x}`),
          freq: ctx.freq,
          freqs: ctx.freqs,
          lastEventSeq: ctx.hub.lastSeq,
          eventSubscribers: ctx.hub.subscribers,
          ...ctx.health(),
        });
      },
      "GET /api/openapi.json": (_req, q) => {
        checkKnown(q, []);
        return json(monitorOpenApi({ pairs: ctx.pairs, freqs: ctx.freqs }));
      },
      "GET /api/pairs": (_req, q) => {
        checkKnown(q, []);
        return json({
          pairs: ctx.pairs.map((p) => {
            const s = ctx.analytics.compute({
              pair: p,
              freq: ctx.freq,
              window: ctx.window,
              hedge: ctx.hedge,
              z: ctx.z,
              limit: 1,
            });
            const body = ctx.analytics.toJson(s);
            return {
              pair: body.pair,
              y: p.y,
              x: p.x,
              latest: body.latest,
              freshness: body.freshness,
            };
          }),
        });
      },
      "GET /api/analytics": (_req, q) => {
        checkKnown(q, ["pair", "freq", "window", "z", "hedge", "limit", "format"]);
        const s = analyticsOf(q);
        const format = choiceParam(q, "format", "json", ["json", "csv", "parquet"]);
        if (format === "json") return json(ctx.analytics.toJson(s));
        return exportResponse(analyticsTable(s, ctx.venue), format);
      },
      "GET /api/bars": (_req, q) => {
        checkKnown(q, ["symbol", "freq", "limit", "format", "from", "to"]);
        const symbol = symbolParam(q, symbols);
        const freq = freqParam(q, ctx.freq, ctx.freqs);
        const limit = intParam(q, "limit", 500, 1, 100_000);
        const format = choiceParam(q, "format", "json", ["json", "csv", "parquet"]);
        const from = timeParam(q, "from"), to = timeParam(q, "to");
        if (from !== undefined && to !== undefined && !(from < to)) {
          throw new BadRequest(
            `parameter "from" (${new Date(from).toISOString()}) must be before "to" (${
              new Date(to).toISOString()
            })`,
          );
        }
        const key = { venue: ctx.venue, symbol, freq };
        // from/to: bars with from <= ts < to, the first `limit` of them when `from` is given
        // (page on with from = the last ts + 1), else the last `limit` before `to`
        const b = from === undefined && to === undefined
          ? latestBars(key, limit)
          : barsBetween(key, from, to, limit);
        const table: ExportTable = {
          name: "bars",
          metadata: { venue: ctx.venue, symbol, freq },
          columns: [
            { name: "ts", type: "timestamp", values: b.ts },
            { name: "open", type: "float", values: b.open },
            { name: "high", type: "float", values: b.high },
            { name: "low", type: "float", values: b.low },
            { name: "close", type: "float", values: b.close },
            { name: "volume", type: "float", values: b.volume },
            { name: "trade_count", type: "float", values: b.tradeCount },
            { name: "complete", type: "int", values: b.complete },
          ],
        };
        if (format !== "json") return exportResponse(table, format);
        return json({
          venue: ctx.venue,
          symbol,
          freq,
          bars: Array.from(b.ts, (t, i) => ({
            ts: t,
            open: b.open[i],
            high: b.high[i],
            low: b.low[i],
            close: b.close[i],
            volume: b.volume[i],
            tradeCount: num(b.tradeCount[i]),
            complete: b.complete[i] === 1,
          })),
        });
      },
      "GET /api/trades": (_req, q) => {
        checkKnown(q, ["symbol", "limit"]);
        const symbol = symbolParam(q, symbols);
        const limit = intParam(q, "limit", 100, 1, 10_000);
        const t = recentTrades(ctx.db, ctx.venue, symbol, limit);
        return json({
          venue: ctx.venue,
          symbol,
          trades: Array.from(t.ts, (ts, i) => ({
            id: t.tradeId[i],
            ts,
            price: t.price[i],
            qty: t.qty[i],
            side: t.side[i],
          })),
        });
      },
      "GET /api/alerts": (_req, q) => {
        checkKnown(q, ["limit"]);
        const limit = intParam(q, "limit", 200, 1, 10_000);
        if (ctx.alerts === undefined) return json({ alerts: [], wired: false });
        return json(ctx.alerts({ limit }));
      },
      "GET /api/paper": (_req, q) => {
        checkKnown(q, []);
        if (ctx.paper === undefined) return json({ wired: false });
        return json(ctx.paper());
      },
      "POST /api/paper/orders": async (req, q) => {
        checkKnown(q, []);
        if (ctx.paperOrder === undefined) return error(404, "paper trading is not wired");
        let body: unknown;
        try {
          body = await req.json();
        } catch {
          throw new BadRequest(
            'the body must be JSON, e.g. {"pair":"BTCUSDT:ETHUSDT","action":"open-long"} ' +
              "(action: open-long, open-short or close)",
          );
        }
        return json(ctx.paperOrder(body));
      },
      "GET /api/poll": (_req, q) => {
        checkKnown(q, ["since"]);
        const since = intParam(q, "since", 0, 0, Number.MAX_SAFE_INTEGER);
        const { events, missed } = ctx.hub.since(since);
        return json({ lastSeq: ctx.hub.lastSeq, missed, events });
      },
      "GET /api/events": (req, q) => {
        checkKnown(q, ["since"]);
        const header = req.headers.get("last-event-id");
        const since = header !== null && /^\d+$/.test(header)
          ? Number(header)
          : intParam(q, "since", ctx.hub.lastSeq, 0, Number.MAX_SAFE_INTEGER);
        let off = () => {};
        let beat: ReturnType<typeof setInterval> | undefined;
        let closer: (() => void) | undefined;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            const stop = () => {
              off();
              clearInterval(beat);
              if (closer) streams.delete(closer);
            };
            closer = () => {
              stop();
              try {
                controller.close();
              } catch { /* already closed */ }
            };
            streams.add(closer);
            const send = (text: string) => {
              try {
                controller.enqueue(enc.encode(text));
              } catch {
                stop(); // the client went away
              }
            };
            // reconnect delay for EventSource, then what was missed since `since`
            send(`retry: 1000\n: connected seq ${ctx.hub.lastSeq}\n\n`);
            for (const e of ctx.hub.since(since).events) send(sseFrame(e));
            off = ctx.hub.subscribe((e) => send(sseFrame(e)));
            beat = setInterval(() => send(`: keep-alive\n\n`), 15_000);
          },
          cancel() {
            off();
            clearInterval(beat);
            if (closer) streams.delete(closer);
          },
        });
        return new Response(body, {
          headers: {
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-store",
            "x-accel-buffering": "no",
          },
        });
      },
      "POST /api/upload/ohlc": async (req, q) => {
        checkKnown(q, ["filename", "venue", "symbol", "freq"]);
        const r: UploadResult = await uploadOhlc(
          ctx.db,
          req,
          q,
          ctx.uploadDir,
          ctx.maxUploadBytes ?? MAX_UPLOAD_BYTES,
        );
        for (const f of r.files) {
          if (f.status === "imported") ctx.hub.publish("upload", { line: f.summary });
        }
        return json(r, r.files.every((f) => f.status === "failed") ? 422 : 200);
      },
    };

  function latestBars(key: { venue: string; symbol: string; freq: Freq }, limit: number) {
    const end = latestBarTs(ctx.db, key);
    return end === undefined ? recentBars(ctx.db, key, 1, -1) : recentBars(ctx.db, key, limit, end);
  }

  function barsBetween(
    key: { venue: string; symbol: string; freq: Freq },
    from: number | undefined,
    to: number | undefined,
    limit: number,
  ) {
    // one bar per interval: `limit` intervals hold at most `limit` bars
    const span = limit * freqMs(key.freq);
    if (from !== undefined) {
      return readBars(ctx.db, key, { from, to: Math.min(to ?? Infinity, from + span) });
    }
    const end = to ?? Number.MAX_SAFE_INTEGER;
    const last = latestBarTs(ctx.db, key);
    // without from: the last `limit` intervals before `to` that the series has
    const top = last === undefined ? end : Math.min(end, last + 1);
    return readBars(ctx.db, key, { from: top - span, to: top });
  }

  function analyticsOf(q: URLSearchParams): ServedAnalytics {
    const pair = pairParam(q, ctx.pairs);
    const freq = freqParam(q, ctx.freq, ctx.freqs);
    const window = intParam(q, "window", ctx.window, 20, 5_000);
    const z = numberParam(q, "z", ctx.z, 0, 20);
    const hedge = choiceParam(q, "hedge", ctx.hedge, HEDGES);
    const limit = intParam(q, "limit", ANALYTICS_LIMIT_DEFAULT, 1, 5_000);
    return ctx.analytics.compute({ pair, freq, window, hedge, z, limit });
  }

  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const host = (req.headers.get("host") ?? "").toLowerCase();
    // without a token the loopback binding is the protection, so the Host must be it (a
    // DNS-rebinding page names its own host); with one, the token is (any name of the machine)
    if (options.token === undefined && !options.hosts.includes(host)) {
      return error(
        421,
        `Host "${host}" is not this server's address (${options.hosts[0]}); open the URL the ` +
          "monitor printed",
      );
    }
    if (options.token !== undefined) {
      const auth = req.headers.get("authorization");
      const given = auth?.startsWith("Bearer ") ? auth.slice(7) : url.searchParams.get("token");
      if (!tokenMatches(given, options.token)) {
        return error(
          401,
          "this monitor listens on a non-loopback address and needs its token: send " +
            "Authorization: Bearer <token> or add ?token=<token> to the URL",
        );
      }
    }
    if (req.method === "POST") {
      if (req.headers.get("x-cryptolab-request") !== "1") {
        return error(403, "a POST must carry the header X-Cryptolab-Request: 1");
      }
      const origin = req.headers.get("origin");
      if (origin !== null && origin.toLowerCase() !== `http://${host}`) {
        return error(403, `a POST from origin ${origin} is not allowed`);
      }
    }
    const route = routes[`${req.method} ${url.pathname}`];
    if (route === undefined) {
      const known = Object.keys(routes).filter((k) => k.endsWith(` ${url.pathname}`));
      if (known.length > 0) {
        return error(
          405,
          `${req.method} is not allowed on ${url.pathname}; use ${known.join(", ")}`,
        );
      }
      return error(404, `no route ${url.pathname}; the API is described at /api/openapi.json`);
    }
    try {
      return await route(req, url.searchParams);
    } catch (e) {
      if (e instanceof BadRequest) return error(400, e.message);
      if (e instanceof RangeError) return error(400, e.message);
      return error(500, `internal error: ${(e as Error).message}`);
    }
  };
}

function exportResponse(table: ExportTable, format: "csv" | "parquet"): Response {
  const name = `${table.name}_${
    Object.values(table.metadata).join("_").replace(/[^A-Za-z0-9_-]/g, "_")
  }`;
  if (format === "csv") {
    return new Response(tableToCsv(table), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${name}.csv"`,
        "cache-control": "no-store",
      },
    });
  }
  return new Response(tableToParquet(table) as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": "application/vnd.apache.parquet",
      "content-disposition": `attachment; filename="${name}.parquet"`,
      "cache-control": "no-store",
    },
  });
}

/** The served analytics (returned bars only) as an export table. */
export function analyticsTable(s: ServedAnalytics, venue: string): ExportTable {
  const a = s.analytics, o = s.offset, r = s.request;
  const f = (x: Float64Array) => x.subarray(o);
  return {
    name: "analytics",
    metadata: {
      venue,
      pair: `${r.pair.y}:${r.pair.x}`,
      freq: r.freq,
      window: String(r.window),
      hedge: r.hedge,
      z: String(r.z),
    },
    columns: [
      { name: "ts", type: "timestamp", values: f(a.ts) },
      { name: "y_close", type: "float", values: f(a.y) },
      { name: "x_close", type: "float", values: f(a.x) },
      { name: "hedge_ratio", type: "float", values: f(a.hedgeRatio) },
      { name: "spread", type: "float", values: f(a.spread) },
      { name: "spread_mean", type: "float", values: f(a.spreadMean) },
      { name: "spread_std", type: "float", values: f(a.spreadStd) },
      { name: "z_score", type: "float", values: f(a.zScore) },
      { name: "correlation", type: "float", values: f(a.correlation) },
      { name: "p_value", type: "float", values: f(a.pValue) },
      { name: "ols_intercept", type: "float", values: f(a.regression.intercept) },
      { name: "ols_r_squared", type: "float", values: f(a.regression.rSquared) },
      { name: "ols_residual_std", type: "float", values: f(a.regression.residualStd) },
      { name: "ols_slope_std_error", type: "float", values: f(a.regression.slopeStdError) },
      { name: "position", type: "int", values: a.position.subarray(o) },
    ],
  };
}

/**
 * Start the server. Bound to a non-loopback `host` it refuses to start without a token.
 *
 * @example Health over HTTP on a free port
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { EventHub } from "@lib/pipeline/monitor/events.ts";
 * import { AnalyticsService } from "@lib/pipeline/monitor/analytics_service.ts";
 * import { startMonitorServer } from "@lib/pipeline/monitor/server.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const server = await startMonitorServer({
 *   db, venue: "binance", pairs: [{ y: "BTCUSDT", x: "ETHUSDT" }], freq: "1m", freqs: ["1m"],
 *   window: 60, z: 2, hedge: "rolling-ols", hub: new EventHub(),
 *   analytics: new AnalyticsService(db, "binance"), health: () => ({}), uploadDir: "/tmp",
 * }, { port: 0 });
 * const res = await fetch(`${server.url}/api/health`);
 * assert.equal((await res.json()).status, "ok");
 * const bad = await fetch(`${server.url}/api/analytics?window=5`);
 * assert.equal(bad.status, 400);
 * assert.match((await bad.json()).error, /"window" must be an integer from 20/);
 * await server.shutdown();
 * ```
 */
export async function startMonitorServer(
  ctx: MonitorServerContext,
  options: MonitorServerOptions = {},
): Promise<MonitorServer> {
  const host = options.host ?? MONITOR_SERVER_DEFAULTS.host;
  const token = options.token === "" ? undefined : options.token;
  if (!isLoopback(host) && token === undefined) {
    throw new RangeError(
      `The monitor binds to ${host}, which is not a loopback address: give a token ` +
        "(--token or CRYPTOLAB_MONITOR_TOKEN) so only you can read it",
    );
  }
  const streams = new Set<() => void>();
  const hosts: string[] = [];
  const handlerRef: { h?: (req: Request) => Promise<Response> } = {};
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: host,
    port: options.port ?? MONITOR_SERVER_DEFAULTS.port,
    onListen: (addr) => listening.resolve(addr as Deno.NetAddr),
  }, (req) => handlerRef.h!(req));
  const addr = await listening.promise;
  const port = addr.port;
  const shown = host.includes(":") ? `[${host}]` : host;
  hosts.push(`${shown}:${port}`);
  if (isLoopback(host)) hosts.push(`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`);
  handlerRef.h = monitorHandler(ctx, { token, hosts }, streams);
  const url = `http://${shown}:${port}`;
  options.onListen?.(url);
  return {
    url,
    port,
    async shutdown() {
      for (const close of [...streams]) close();
      await server.shutdown();
    },
  };
}

export { PAIR_ANALYTICS_DEFAULTS };
