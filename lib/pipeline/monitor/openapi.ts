/**
 * The OpenAPI 3.1 description of the monitor's API, served at `/api/openapi.json`.
 *
 * @module
 */
import { FREQS } from "@lib/core/freq.ts";
import type { Freq } from "@lib/core/freq.ts";
import type { PairKey } from "./pair_closes.ts";
import { PAIR_ANALYTICS_DEFAULTS } from "./pair_analytics.ts";
import { ANALYTICS_LIMIT_DEFAULT } from "./analytics_service.ts";

type Json = Record<string, unknown>;

const num = { type: ["number", "null"] };
const numArray = { type: "array", items: num };

function query(name: string, schema: Json, description: string, required = false): Json {
  return { name, in: "query", required, schema, description };
}

const ERROR = {
  description: "What was wrong with the request",
  content: {
    "application/json": {
      schema: {
        type: "object",
        required: ["error", "status"],
        properties: { error: { type: "string" }, status: { type: "integer" } },
      },
    },
  },
};

function ok(description: string, schema: Json = { type: "object" }, extra: Json = {}): Json {
  return {
    "200": {
      description,
      content: { "application/json": { schema }, ...extra },
    },
    "400": ERROR,
    "401": ERROR,
  };
}

const FILES = {
  "text/csv": { schema: { type: "string" } },
  "application/vnd.apache.parquet": { schema: { type: "string", format: "binary" } },
};

/**
 * The document for a monitor of `pairs` materializing `freqs`.
 *
 * @example Every path the server routes is described
 * ```ts
 * import { monitorOpenApi } from "@lib/pipeline/monitor/openapi.ts";
 * import assert from "node:assert/strict";
 * const doc = monitorOpenApi({ pairs: [{ y: "BTCUSDT", x: "ETHUSDT" }], freqs: ["1m"] });
 * assert.equal(doc.openapi, "3.1.0");
 * assert.ok("/api/analytics" in (doc.paths as object));
 * ```
 */
export function monitorOpenApi(
  o: { readonly pairs: readonly PairKey[]; readonly freqs: readonly Freq[] },
): Json {
  const d = PAIR_ANALYTICS_DEFAULTS;
  const pairNames = o.pairs.map((p) => `${p.y}:${p.x}`);
  const symbols = [...new Set(o.pairs.flatMap((p) => [p.y, p.x]))];
  const freq = query(
    "freq",
    { type: "string", enum: [...o.freqs] },
    `Bar frequency (${FREQS.join(", ")}); this monitor materializes ${o.freqs.join(", ")}. ` +
      "Default: the monitor's --freq.",
  );
  const format = query(
    "format",
    { type: "string", enum: ["json", "csv", "parquet"], default: "json" },
    "json, or a CSV / Parquet file of the same rows (export)",
  );
  const symbol = query(
    "symbol",
    { type: "string", enum: symbols },
    "A leg of a monitored pair",
    true,
  );
  const event = {
    type: "object",
    properties: {
      seq: { type: "integer" },
      type: {
        type: "string",
        enum: ["bar", "analytics", "alert", "paper", "status", "upload", "history"],
      },
      at: { type: "integer", description: "Server time, UTC ms" },
      data: { type: "object" },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "cryptolab live monitor",
      version: "1",
      description: "Read-only JSON API of `deno task monitor`: the store's bars and trades, pair " +
        "analytics computed with the research library's estimators on every bar close, alerts " +
        "and paper trading. Every time is UTC epoch milliseconds; a missing value is null. " +
        "Bound to a non-loopback address every request needs the token (bearer or ?token=). " +
        "A bad parameter, an unknown one or one given twice is a 400 whose `error` says " +
        "what was wrong.",
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        queryToken: { type: "apiKey", in: "query", name: "token" },
      },
    },
    paths: {
      "/api/health": {
        get: {
          summary: "Health: the venue connection, the newest trade per symbol and its age",
          description: "`status` is `degraded` while the venue is down or reconnecting. " +
            "`venueConnection.state`: connecting (started, no answer yet), connected, " +
            "reconnecting (reached, then lost; retrying) or down (never reached; retrying); " +
            "`since` is when that state began (for reconnecting: when the connection was " +
            "lost, not the last retry), `forMs` how long ago, `lastProblem` / `lastProblemAt` " +
            "the last connection error. The same state comes as `status` events.",
          responses: ok("Health", {
            type: "object",
            properties: {
              status: { type: "string", enum: ["ok", "degraded"] },
              venue: { type: "string" },
              uptimeMs: { type: "integer" },
              tradesStored: { type: "integer" },
              venueConnection: {
                type: "object",
                properties: {
                  state: {
                    type: "string",
                    enum: ["connecting", "connected", "reconnecting", "down"],
                  },
                  since: { type: "integer", description: "UTC ms the state began" },
                  forMs: { type: "integer" },
                  connected: { type: "boolean" },
                  everConnected: { type: "boolean" },
                  lastProblem: { type: ["string", "null"] },
                  lastProblemAt: { type: ["integer", "null"] },
                  url: { type: ["string", "null"] },
                },
              },
              symbols: { type: "object" },
            },
          }),
        },
      },
      "/api/pairs": {
        get: {
          summary: "The monitored pairs with their latest analytics (default parameters)",
          responses: ok("Pairs"),
        },
      },
      "/api/analytics": {
        get: {
          summary: "A pair's analytics: hedge ratio, spread and z-score series, correlation, " +
            "Engle-Granger p-value of the trailing window",
          description: "Computed on the last `limit + 2 window` bars (the first 2 window are " +
            "warm-up; `input` gives their span): the causal rolling OLS (or Kalman) hedge ratio " +
            "and spread of pairsMeanReversion, spreadZScore, the Pearson correlation of log " +
            "returns over the window and engleGranger on each trailing window of log prices. " +
            "With hedge=kalman the filter's values of a bar (hedge ratio, spread, bands, " +
            "z-score, position) come from its run started at a time fixed by the bar (its " +
            "block of 500 intervals less the warm-up; `input.kalmanStarts` lists them), the " +
            "values the alerts use, whatever `limit` is.",
          parameters: [
            query(
              "pair",
              { type: "string", enum: pairNames },
              "Y:X (y regressed on x)",
              pairNames.length > 1,
            ),
            freq,
            query(
              "window",
              { type: "integer", minimum: 20, maximum: 5000, default: d.window },
              "Bars of every rolling window (default: --window)",
            ),
            query(
              "z",
              { type: "number", exclusiveMinimum: 0, maximum: 20, default: d.z },
              "Entry threshold of |z| (default: --z)",
            ),
            query(
              "hedge",
              { type: "string", enum: ["rolling-ols", "kalman"], default: d.hedge },
              "Hedge ratio estimator",
            ),
            query("limit", {
              type: "integer",
              minimum: 1,
              maximum: 5000,
              default: ANALYTICS_LIMIT_DEFAULT,
            }, "Bars returned"),
            format,
          ],
          responses: ok("Analytics", {
            type: "object",
            properties: {
              pair: { type: "string" },
              freq: { type: "string" },
              window: { type: "integer" },
              hedge: { type: "string" },
              z: { type: "number" },
              input: { type: "object" },
              freshness: { type: "object" },
              latest: {
                type: ["object", "null"],
                description: "The last bar's values, with `regression`: intercept, slope, " +
                  "rSquared, residualStd, slopeStdError of the OLS of log y on log x over the " +
                  "window ending at the bar before (the rolling-OLS hedge ratio's fit; " +
                  "lib/stats ols, classical standard errors)",
              },
              stationarity: { type: "object" },
              series: {
                type: "object",
                properties: Object.fromEntries(
                  [
                    "y",
                    "x",
                    "yNormalized",
                    "xNormalized",
                    "hedgeRatio",
                    "spread",
                    "spreadMean",
                    "spreadStd",
                    "zScore",
                    "correlation",
                    "pValue",
                    "intercept",
                    "rSquared",
                    "residualStd",
                    "slopeStdError",
                  ].map((k): [string, Json] => [k, numArray]).concat([
                    ["ts", { type: "array", items: { type: "integer" } }],
                    ["position", { type: "array", items: { type: "integer", enum: [-1, 0, 1] } }],
                  ]),
                ),
              },
            },
          }, FILES),
        },
      },
      "/api/bars": {
        get: {
          summary: "The bars of a leg: the newest, or those of a time range",
          description: "Without from/to: the newest `limit` bars. With `from`: the first " +
            "`limit` bars with from <= ts < to (page on with from = the last ts + 1). With " +
            "only `to`: the last `limit` bars before it. A time is UTC epoch ms or an ISO 8601 " +
            "date (2024-01-01, 2024-01-01T12:00:00Z); from must be before to (else 400).",
          parameters: [
            symbol,
            freq,
            query(
              "limit",
              { type: "integer", minimum: 1, maximum: 100000, default: 500 },
              "Bars returned (at most)",
            ),
            query(
              "from",
              { type: ["integer", "string"] },
              "First bar open time included (UTC ms or ISO 8601)",
            ),
            query(
              "to",
              { type: ["integer", "string"] },
              "Bar open times before this one (UTC ms or ISO 8601; excluded)",
            ),
            format,
          ],
          responses: ok("Bars", { type: "object" }, FILES),
        },
      },
      "/api/trades": {
        get: {
          summary: "The newest stored trades of a leg",
          parameters: [
            symbol,
            query(
              "limit",
              { type: "integer", minimum: 1, maximum: 10000, default: 100 },
              "Trades returned",
            ),
          ],
          responses: ok("Trades"),
        },
      },
      "/api/alerts": {
        get: {
          summary: "Stored alerts, newest last",
          parameters: [
            query(
              "limit",
              { type: "integer", minimum: 1, maximum: 10000, default: 200 },
              "Alerts returned",
            ),
          ],
          responses: ok("Alerts"),
        },
      },
      "/api/paper": {
        get: {
          summary: "Paper positions, fills, P&L and equity, with the backtest of the same rule",
          responses: ok("Paper trading"),
        },
      },
      "/api/paper/orders": {
        post: {
          summary: "A manual paper order (open or close a pair's position at the next bar)",
          description: "Needs the header X-Cryptolab-Request: 1.",
          requestBody: { content: { "application/json": { schema: { type: "object" } } } },
          responses: ok("The order as recorded"),
        },
      },
      "/api/events": {
        get: {
          summary: "Server-Sent Events: bar closes, analytics, alerts, paper fills",
          description: "Each event's id is its seq; a reconnecting EventSource sends " +
            "Last-Event-ID and gets what it missed. Fallback: /api/poll.",
          parameters: [
            query("since", { type: "integer", minimum: 0 }, "Replay events after this seq"),
          ],
          responses: {
            "200": {
              description: "An event stream",
              content: { "text/event-stream": { schema: event } },
            },
            "400": ERROR,
            "401": ERROR,
          },
        },
      },
      "/api/poll": {
        get: {
          summary: "Polling fallback: the events after `since`",
          parameters: [
            query("since", { type: "integer", minimum: 0, default: 0 }, "Last seq seen"),
          ],
          responses: ok("Events", {
            type: "object",
            properties: {
              lastSeq: { type: "integer" },
              missed: { type: "integer", description: "Events after since no longer kept" },
              events: { type: "array", items: event },
            },
          }),
        },
      },
      "/api/upload/ohlc": {
        post: {
          summary: "Import OHLC or trade files as `deno task import` does (same parser, row " +
            "rules, quarantine and per-file summary)",
          description: "multipart/form-data with `file` fields (and optional venue, symbol, " +
            "freq), or the raw file with ?filename=NAME. Needs the header " +
            "X-Cryptolab-Request: 1.",
          parameters: [
            query(
              "filename",
              { type: "string" },
              "Name of a raw-body upload (format, venue, symbol, frequency are inferred from it)",
            ),
            query("venue", { type: "string" }, "Override, as import --venue"),
            query("symbol", { type: "string" }, "Override, as import --symbol"),
            query("freq", { type: "string", enum: [...FREQS] }, "Override, as import --freq"),
          ],
          requestBody: {
            content: {
              "multipart/form-data": { schema: { type: "object" } },
              "application/octet-stream": { schema: { type: "string", format: "binary" } },
            },
          },
          responses: { ...ok("Per-file summaries"), "422": ERROR },
        },
      },
    },
  };
}
