/**
 * `deno task monitor`: a live pairs monitor on the streaming data, with a local dashboard.
 *
 * ```
 * deno task monitor --pairs BTCUSDT:ETHUSDT --freq 1m --window 60 --z 2
 * deno task monitor --pairs BTCUSDT:ETHUSDT,SOLUSDT:ETHUSDT --port 8787 --db data/live.db
 * CRYPTOLAB_BINANCE_WS_URL=ws://127.0.0.1:9001 CRYPTOLAB_BINANCE_URL=http://127.0.0.1:9002 \
 *   deno task monitor --pairs BTCUSDT:ETHUSDT     # against a local exchange (offline)
 * deno task monitor --venue kraken --pairs XBTUSDT:ETHUSDT --poll-ms 2000   # REST polling
 * ```
 *
 * `--venue kraken` (no trade stream): Kraken's REST trades are polled every `--poll-ms`
 * (lib/ingest/poll_trades.ts, resuming after the newest stored trade) into the same path: row
 * rules, quarantine, bars as they close, analytics, alerts and paper books; the history
 * candles come from Kraken's OHLC (Kraken has no 1s candles). The launcher grants only that
 * venue's host (`CRYPTOLAB_KRAKEN_URL` replaces it).
 *
 * Streams the pairs' Binance trades into the store exactly as `deno task stream` does (row
 * rules, quarantine, missed trade ids repaired over REST, bars materialized as they close, at
 * `--freq` and every coarser frequency up to 1h for the dashboard's frequency control; on a
 * fresh store the venue's last `300 + 2 window` candles at each of them are loaded first, in the
 * background, so the analytics do not wait for `2 window` live bars), and
 * serves on `http://127.0.0.1:<port>/` the dashboard, the JSON API (`/api/openapi.json`
 * describes it), Server-Sent Events (`/api/events`, polling fallback `/api/poll`), CSV and
 * Parquet export and the OHLC upload (`POST /api/upload/ohlc`). On every bar close each pair's
 * analytics (hedge ratio by rolling OLS or Kalman, spread z-score, rolling correlation,
 * Engle-Granger p-value of the window) are recomputed with the research library's estimators.
 *
 * `--host` other than a loopback address needs a token: `--token`, else CRYPTOLAB_MONITOR_TOKEN,
 * else one is generated and printed; every request must then send it (`?token=` or a bearer
 * header). When the venue cannot be reached, a line on stderr says so (URL, error, next retry)
 * and the dashboard keeps serving the stored data. SIGINT (Ctrl-C) or SIGTERM: the stream
 * flushes and commits, the server closes its event streams, the run is marked `interrupted`,
 * exit 0. A kill -9 loses nothing committed; the next start resumes after the stored trade ids.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { type Freq, freqMs, FREQS } from "@lib/core/freq.ts";
import { forTerminal } from "@lib/core/for_terminal.ts";
import { BinanceRest } from "@lib/providers/binance.ts";
import { BinanceVenue, type StreamProblem } from "@lib/providers/binance_ws.ts";
import { KRAKEN_DEFAULT_URL, KrakenProvider } from "@lib/providers/kraken.ts";
import { baseUrl } from "@lib/providers/http.ts";
import { POLL_TRADES_DEFAULTS, pollTradeStream } from "@lib/ingest/poll_trades.ts";
import { latestTradeTs } from "@lib/store/live_reads.ts";
import { finishRun, startRun } from "@lib/store/runs.ts";
import { parsePairs } from "@lib/pipeline/monitor/params.ts";
import { isLoopback, MONITOR_SERVER_DEFAULTS } from "@lib/pipeline/monitor/server.ts";
import { PAIR_ANALYTICS_DEFAULTS } from "@lib/pipeline/monitor/pair_analytics.ts";
import { runMonitor } from "@lib/pipeline/monitor/run_monitor.ts";
import { ALERT_LOOP_DEFAULTS, monitorAlertRules } from "@lib/pipeline/monitor/alert_loop.ts";
import { PAPER_DEFAULTS } from "@lib/monitor/mod.ts";
import { openTaskStore, parseFlags, progressLine, runMain, UsageError } from "./_cli.ts";

const D = PAIR_ANALYTICS_DEFAULTS;

const USAGE = `deno task monitor --pairs Y:X[,Y:X...] [options]

Live pairs monitor: a venue's trades into the store (Binance's trade stream, or Kraken's REST
trades polled), bars as they close, each pair's hedge ratio, spread z-score, correlation and
Engle-Granger p-value recomputed on every bar close, served as a dashboard and a JSON API on
http://HOST:PORT/.

  --pairs LIST      pairs Y:X (y regressed on x), e.g. BTCUSDT:ETHUSDT,SOLUSDT:ETHUSDT
                    (the venue's symbols: XBTUSDT:ETHUSDT on Kraken)
  --venue V         binance (default; WebSocket trade stream) | kraken (REST trades polled)
  --poll-ms N       kraken: ms between polls (default ${POLL_TRADES_DEFAULTS.intervalMs})
  --freq F          bar frequency of the analytics (default 1m): ${FREQS.join(", ")}
  --window N        bars of every rolling window, >= 20 (default ${D.window})
  --z Z             alert and entry threshold of |z| (default ${D.z})
  --hedge H         rolling-ols (default) | kalman
  --port N          port to listen on (default ${MONITOR_SERVER_DEFAULTS.port}; 0 picks a free one)
  --host H          address to listen on (default ${MONITOR_SERVER_DEFAULTS.host}); any other
                    address needs a token
  --token T         token required on every request (default: $CRYPTOLAB_MONITOR_TOKEN, else
                    generated when --host is not loopback)
  --webhook URL     POST every alert to this URL (retried with backoff; Idempotency-Key =
                    the alert id: one delivered is not sent again after a restart; one
                    cut off by a kill before its answer is recorded may be, with that key)
  --coint-p P       cointegration-break alert when the window's p-value >= P (default ${ALERT_LOOP_DEFAULTS.pValueLevel})
  --coint-hysteresis H  after a break alert, p must fall below P - H before another can fire
                    (default ${ALERT_LOOP_DEFAULTS.pValueHysteresis}, at most P/2; must be below P)
  --coint-dwell N   closed bars p must stay >= P before a break alert (default ${ALERT_LOOP_DEFAULTS.cointDwellBars})
  --z-hysteresis H  after a z-score alert, |z| must fall below Z - H before another can fire
                    (default ${ALERT_LOOP_DEFAULTS.zHysteresis}, at most Z/2; must be below Z)
  --alert-dwell N   closed bars |z| >= Z (or a price beyond its level) must last before the
                    alert fires (default ${ALERT_LOOP_DEFAULTS.dwellBars}: the bar it is first met)
  --alert-dwell-s S  seconds every z-score, price and cointegration condition must also last,
                    from its first bar to the current one (default ${
  ALERT_LOOP_DEFAULTS.dwellMs / 1000
})
  --price-hysteresis PCT  a price alert re-arms when the close is back PCT % beyond its level
                    (default ${ALERT_LOOP_DEFAULTS.priceHysteresisPct})
  --stale-s N       stale-data alert after N seconds without a trade (default ${
  ALERT_LOOP_DEFAULTS.staleMs / 1000
})
  --price-alert L   price levels, e.g. BTCUSDT>70000,ETHUSDT<2000
  --equity N        starting cash of each paper book (default ${PAPER_DEFAULTS.initialEquity})
  --status-ms N     status line on stderr every N ms (default 5000)
  --db PATH         store file (default data/cryptolab.db or $CRYPTOLAB_DB)

Ctrl-C (SIGINT) or SIGTERM: flush, commit, close, exit 0.`;

/** Status line interval default, ms. */
const STATUS_MS = 5_000;
/** The coarsest frequency the monitor materializes besides --freq. */
const COARSEST = "1h";

function positiveInt(flag: string, value: string | undefined, dflt: number, min = 1): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${flag} must be an integer >= ${min}, got "${value}"`);
  }
  return n;
}

/**
 * A re-arm distance flag: a number >= 0 and below the level it is subtracted from (`limitFlag`'s
 * value), else the rule could never re-arm; undefined when the flag is absent (the default).
 */
function belowLimit(
  flag: string,
  value: string | undefined,
  limit: number,
  limitFlag: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0 && n < limit)) {
    throw new UsageError(
      `--${flag} must be a number >= 0 and below ${limitFlag} (${limit}): the value must be ` +
        `able to fall below ${limitFlag} - ${flag.replace(/^.*-/, "")} to re-arm; got "${value}"`,
    );
  }
  return n;
}

/** `freq` and every coarser frequency up to 1h (the dashboard's frequency control). */
export function monitorFreqs(freq: Freq): Freq[] {
  const all = FREQS as readonly Freq[];
  const out = all.filter((f) => freqMs(f) >= freqMs(freq) && freqMs(f) <= freqMs(COARSEST));
  return out.length === 0 ? [freq] : out;
}

function problemLine(p: StreamProblem, dashboard: string, first: boolean): string {
  const safe = (s: string) => forTerminal(s, { keepNewlines: false });
  if (p.kind === "connection") {
    const retry = p.retryInMs === undefined
      ? ""
      : `; next retry in ${(p.retryInMs / 1000).toFixed(1)} s`;
    const what = p.message.replace(/; reconnecting in \d+ ms$/, "");
    return p.everConnected === false
      ? `monitor: cannot reach the venue at ${safe(p.url ?? "?")}: ${safe(what)}${retry}` +
        (first ? `; the dashboard ${dashboard} shows the stored data meanwhile` : "")
      : `monitor: connection to ${safe(p.url ?? "?")} lost: ${safe(what)}${retry}`;
  }
  if (p.kind === "gap") {
    return `monitor: gap: ${safe(p.message)}; kept in stream_holes and retried until REST fills it`;
  }
  return `monitor: ${p.kind}: ${safe(p.message)}`;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    pairs: { type: "string" },
    venue: { type: "string" },
    "poll-ms": { type: "string" },
    freq: { type: "string" },
    window: { type: "string" },
    z: { type: "string" },
    hedge: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    token: { type: "string" },
    webhook: { type: "string" },
    "coint-p": { type: "string" },
    "coint-hysteresis": { type: "string" },
    "coint-dwell": { type: "string" },
    "z-hysteresis": { type: "string" },
    "alert-dwell": { type: "string" },
    "alert-dwell-s": { type: "string" },
    "price-hysteresis": { type: "string" },
    "stale-s": { type: "string" },
    "price-alert": { type: "string" },
    equity: { type: "string" },
    "status-ms": { type: "string" },
  }, USAGE);
  if (values.pairs === undefined) throw new UsageError(`--pairs is required\n\n${USAGE}`);
  let pairs;
  try {
    pairs = parsePairs(values.pairs);
  } catch (e) {
    throw new UsageError(`--pairs: ${(e as Error).message}`);
  }
  const venueId = values.venue ?? "binance";
  if (venueId !== "binance" && venueId !== "kraken") {
    throw new UsageError(`--venue must be binance or kraken, got "${values.venue}"`);
  }
  if (values["poll-ms"] !== undefined && venueId !== "kraken") {
    throw new UsageError(`--poll-ms applies to --venue kraken (Binance trades are streamed)`);
  }
  const pollMs = positiveInt("poll-ms", values["poll-ms"], POLL_TRADES_DEFAULTS.intervalMs, 100);
  const freq = values.freq ?? "1m";
  if (!(FREQS as readonly string[]).includes(freq)) {
    throw new UsageError(`--freq: unknown frequency "${freq}"; use ${FREQS.join(", ")}`);
  }
  const window = positiveInt("window", values.window, D.window, 20);
  const z = values.z === undefined ? D.z : Number(values.z);
  if (!(z > 0 && z <= 20)) {
    throw new UsageError(`--z must be a number in (0, 20], got "${values.z}"`);
  }
  const hedge = values.hedge ?? D.hedge;
  if (hedge !== "rolling-ols" && hedge !== "kalman") {
    throw new UsageError(`--hedge must be rolling-ols or kalman, got "${hedge}"`);
  }
  const port = positiveInt("port", values.port, MONITOR_SERVER_DEFAULTS.port, 0);
  if (port > 65_535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const host = values.host ?? MONITOR_SERVER_DEFAULTS.host;
  let token = values.token ?? Deno.env.get("CRYPTOLAB_MONITOR_TOKEN");
  if (token === "") token = undefined;
  let generated = false;
  if (!isLoopback(host) && token === undefined) {
    token = crypto.randomUUID().replaceAll("-", "");
    generated = true;
  }
  if (values.webhook !== undefined) {
    let u: URL;
    try {
      u = new URL(values.webhook);
    } catch {
      throw new UsageError(
        `--webhook must be a URL like http://127.0.0.1:9000/hook, got "${values.webhook}"`,
      );
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new UsageError(`--webhook must be an http(s) URL, got "${values.webhook}"`);
    }
  }
  const statusMs = positiveInt("status-ms", values["status-ms"], STATUS_MS);
  const pValueLevel = values["coint-p"] === undefined
    ? ALERT_LOOP_DEFAULTS.pValueLevel
    : Number(values["coint-p"]);
  if (!(pValueLevel > 0 && pValueLevel < 1)) {
    throw new UsageError(`--coint-p must be a p-value in (0, 1), got "${values["coint-p"]}"`);
  }
  const staleS = positiveInt("stale-s", values["stale-s"], ALERT_LOOP_DEFAULTS.staleMs / 1000);
  const prices = (values["price-alert"] ?? "").split(",").map((x) => x.trim()).filter((x) =>
    x !== ""
  ).map((x) => {
    const m = /^([A-Za-z0-9]{2,30})([<>])(\d+(?:\.\d+)?)$/.exec(x);
    if (!m || !(Number(m[3]) > 0)) {
      throw new UsageError(
        `--price-alert: "${x}" is not SYMBOL>LEVEL or SYMBOL<LEVEL, e.g. BTCUSDT>70000`,
      );
    }
    const symbol = m[1]!.toUpperCase();
    if (!pairs.some((p) => p.y === symbol || p.x === symbol)) {
      throw new UsageError(`--price-alert: ${symbol} is not a leg of --pairs`);
    }
    return {
      symbol,
      level: Number(m[3]),
      direction: m[2] === ">" ? "above" as const : "below" as const,
    };
  });
  const equity = values.equity === undefined ? PAPER_DEFAULTS.initialEquity : Number(values.equity);
  if (!(equity > 0 && Number.isFinite(equity))) {
    throw new UsageError(`--equity must be a positive amount, got "${values.equity}"`);
  }
  const zHysteresis = belowLimit("z-hysteresis", values["z-hysteresis"], z, "--z");
  const pValueHysteresis = belowLimit(
    "coint-hysteresis",
    values["coint-hysteresis"],
    pValueLevel,
    "--coint-p",
  );
  const dwellBars = positiveInt(
    "alert-dwell",
    values["alert-dwell"],
    ALERT_LOOP_DEFAULTS.dwellBars,
  );
  const cointDwellBars = positiveInt(
    "coint-dwell",
    values["coint-dwell"],
    ALERT_LOOP_DEFAULTS.cointDwellBars,
  );
  const dwellS = values["alert-dwell-s"] === undefined
    ? ALERT_LOOP_DEFAULTS.dwellMs / 1000
    : Number(values["alert-dwell-s"]);
  if (!(dwellS >= 0 && dwellS <= 86_400) || values["alert-dwell-s"]?.trim() === "") {
    throw new UsageError(
      `--alert-dwell-s must be a number of seconds in [0, 86400], got "${values["alert-dwell-s"]}"`,
    );
  }
  const priceHysteresisPct = values["price-hysteresis"] === undefined
    ? ALERT_LOOP_DEFAULTS.priceHysteresisPct
    : Number(values["price-hysteresis"]);
  if (
    !(priceHysteresisPct >= 0 && priceHysteresisPct < 100) ||
    values["price-hysteresis"]?.trim() === ""
  ) {
    throw new UsageError(
      `--price-hysteresis must be a percentage in [0, 100), got "${values["price-hysteresis"]}"`,
    );
  }
  const rules = monitorAlertRules({
    pairs,
    z,
    ...(zHysteresis === undefined ? {} : { zHysteresis }),
    dwellBars,
    cointDwellBars,
    dwellMs: dwellS * 1000,
    pValueLevel,
    ...(pValueHysteresis === undefined ? {} : { pValueHysteresis }),
    staleMs: staleS * 1000,
    prices,
    priceHysteresisPct,
  });
  const freqs = monitorFreqs(freq as Freq);
  const symbols = [...new Set(pairs.flatMap((p) => [p.y, p.x]))];

  const store = openTaskStore(values.db);
  const db = store.db;
  const runId = startRun(db, "monitor", {
    pairs: pairs.map((p) => `${p.y}:${p.x}`),
    venue: venueId,
    freq,
    window,
    z,
    hedge,
    host,
    port,
  });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const binance = venueId === "binance" ? new BinanceVenue({ market: "spot" }) : undefined;
  const kraken = venueId === "kraken" ? new KrakenProvider() : undefined;
  const repair = kraken ?? new BinanceRest({ market: "spot", trades: "raw" });
  let dashboard = "", serverUrl = "";
  let told = false; // the first connection failure also says the dashboard keeps serving
  let lastStatus = 0;
  try {
    const result = await runMonitor(db, {
      venue: venueId,
      pairs,
      freq: freq as Freq,
      freqs,
      window,
      z,
      hedge,
      host,
      port,
      token,
      uploadDir: join(dirname(store.path), "monitor-uploads"),
      alerts: { rules, webhookUrls: values.webhook === undefined ? [] : [values.webhook] },
      paper: { initialEquity: equity },
      history: repair,
      signal: stop.signal,
      runId,
      // Kraken's REST trades page by time, not by id: holes are recorded, not fetched by id
      ...(kraken === undefined ? { repair } : {}),
      openStream: ({ lastIds, onProblem }) =>
        kraken !== undefined
          ? pollTradeStream({
            source: kraken,
            venue: "kraken",
            symbols,
            lastIds,
            lastTs: Object.fromEntries(symbols.map((s) => [s, latestTradeTs(db, "kraken", s)])),
            intervalMs: pollMs,
            url: baseUrl("KRAKEN", KRAKEN_DEFAULT_URL),
            onProblem,
          })
          : binance!.openTradeStream({
            symbols,
            kind: "trade",
            lastIds,
            onProblem,
            repairAttempts: 1,
          }),
      onProblem: (p) => {
        console.error(problemLine(p, serverUrl, !told));
        if (p.kind === "connection") told = true;
      },
      onListen: (s) => {
        serverUrl = `${s.url}/`;
        dashboard = `${s.url}/${token !== undefined ? `?token=${token}` : ""}`;
        console.error(
          `monitor: dashboard at ${dashboard} (API: ${s.url}/api/openapi.json); ` +
            `${pairs.map((p) => `${p.y}:${p.x}`).join(", ")} on ${venueId}` +
            `${kraken !== undefined ? ` (REST trades polled every ${pollMs} ms)` : ""} at ` +
            `${freq}, window ${window}, ` +
            `|z| ${z}, ${hedge}`,
        );
        if (generated) {
          console.error(
            `monitor: ${host} is not a loopback address: every request needs the token ` +
              `above (set --token or CRYPTOLAB_MONITOR_TOKEN to choose it)`,
          );
        }
      },
      log: (line) => console.error(forTerminal(line, { keepNewlines: false })),
      onProgress: (p) => {
        const t = performance.now();
        if (t - lastStatus < statusMs) return;
        lastStatus = t;
        const ids = Object.entries(p.lastIds).map(([s, id]) => `${s}#${id}`).join(" ");
        progressLine(
          `monitor: ${p.inserted} trades ${ids || "waiting"} bars=${p.barsWritten} ` +
            `reconnects=${p.reconnects} holes=${p.openHoles} quarantined=${p.quarantined}`,
        );
      },
    });
    const s = result.stream;
    const message = `${s.inserted} trades, ${s.barsWritten} bars, ${result.barEvents} bar ` +
      `events, ${s.reconnects} reconnects, ${s.openHoles} holes open, ${s.quarantined} quarantined`;
    finishRun(db, runId, s.reason === "aborted" ? "interrupted" : "ok", {
      rowsWritten: s.inserted,
      message,
    });
    console.error(`monitor: ${s.reason === "aborted" ? "stopped" : "stream ended"}: ${message}`);
    return 0;
  } catch (e) {
    finishRun(db, runId, "failed", { message: (e as Error).message });
    if (e instanceof Deno.errors.AddrInUse) {
      throw new UsageError(
        `--port ${port}: the address ${host}:${port} is in use; choose another --port (0 picks a free one)`,
      );
    }
    throw e;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    store.close();
  }
}

if (import.meta.main) runMain(main);
