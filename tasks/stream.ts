/**
 * `deno task stream`: live Binance trades into the store, bars materialized as they close.
 *
 * ```
 * deno task stream --symbols BTCUSDT,ETHUSDT
 * deno task stream --symbols BTCUSDT --market futures --kind aggTrade --bars 1m,1h --db data/live.db
 * deno task stream --symbols BTCUSDT,ETHUSDT --liquidations
 * ```
 *
 * `--liquidations` streams Binance USDT-M liquidation orders (`<symbol>@forceOrder`) into the
 * `liquidations` table instead of trades (tasks/_stream_liquidations.ts), gated by the perp
 * rules; refused frames are quarantined with their raw text.
 *
 * Resumes after the largest stored trade id per symbol (the stream repairs the ids missed while
 * the task was down over REST). Every trade frame passes the row rules; a refused one is
 * quarantined with its raw text and its id is fetched over REST instead. Ids that REST could
 * not deliver yet are kept in `stream_holes` and retried until it does (also on the next
 * start); bars over them stay incomplete until then. A status line goes to stderr every
 * `--status-ms` (trades/s, last id per symbol, reconnects, open holes, resident memory); why a
 * connection failed (error, URL, next retry) is printed as it happens. SIGINT or SIGTERM: the buffer is flushed and
 * committed, the run is marked `interrupted`, exit 0. Base URLs can be replaced with
 * CRYPTOLAB_BINANCE_WS_URL / CRYPTOLAB_BINANCE_FUTURES_WS_URL (WebSocket) and
 * CRYPTOLAB_BINANCE_URL / CRYPTOLAB_BINANCE_FUTURES_URL (REST gap repair).
 *
 * @module
 */
import { type Freq, FREQS } from "@lib/core/freq.ts";
import { runStream, type StreamProgress } from "@lib/ingest/stream.ts";
import { forTerminal } from "@lib/core/for_terminal.ts";
import { BinanceRest } from "@lib/providers/binance.ts";
import { BinanceVenue, type StreamProblem } from "@lib/providers/binance_ws.ts";
import { finishRun, startRun } from "@lib/store/runs.ts";
import { openTaskStore, parseFlags, progressLine, runMain, UsageError } from "./_cli.ts";
import { runLiquidationTask } from "./_stream_liquidations.ts";

const USAGE = `deno task stream --symbols LIST [options]

Stream Binance trades into the store; materialize bars as their intervals close.

  --symbols S       comma-separated symbols, e.g. BTCUSDT,ETHUSDT
  --market M        spot (default) | futures (USDT-M)
  --kind K          trade (default) | aggTrade
  --bars F,...      bar frequencies to materialize (default 1m): ${FREQS.join(", ")}
  --flush-ms N      flush (one transaction) at least every N ms (default 250)
  --flush-rows N    flush as soon as N trades are buffered (default 5000)
  --status-ms N     status line on stderr every N ms (default 1000)
  --liquidations    stream USDT-M liquidation orders (<symbol>@forceOrder) into the
                    liquidations table instead of trades (--market futures implied)
  --db PATH         store file (default data/cryptolab.db or $CRYPTOLAB_DB)

Refused frames go to quarantine; trade ids REST could not fetch yet are kept in the store
and retried (also on the next start). SIGINT/SIGTERM: flush, commit, mark the run
interrupted, exit 0.`;

/** One line saying what went wrong with the stream, safe to print (no control characters). */
function problemLine(p: StreamProblem): string {
  const safe = (s: string) => forTerminal(s, { keepNewlines: false });
  if (p.kind === "connection") {
    const retry = p.retryInMs === undefined
      ? ""
      : `; next retry in ${(p.retryInMs / 1000).toFixed(1)} s`;
    const what = p.message.replace(/; reconnecting in \d+ ms$/, "");
    return p.everConnected === false
      ? `stream: cannot connect to ${safe(p.url ?? "?")}: ${safe(what)}${retry}`
      : `stream: connection to ${safe(p.url ?? "?")} lost: ${safe(what)}${retry}`;
  }
  if (p.kind === "gap") {
    return `stream: gap: ${safe(p.message)}; kept in stream_holes and retried until REST fills it`;
  }
  return `stream: ${p.kind}: ${safe(p.message)}`;
}

function positiveInt(flag: string, value: string | undefined, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${flag} must be a positive integer, got "${value}"`);
  }
  return n;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    symbols: { type: "string" },
    market: { type: "string" },
    kind: { type: "string" },
    bars: { type: "string" },
    "flush-ms": { type: "string" },
    "flush-rows": { type: "string" },
    "status-ms": { type: "string" },
    liquidations: { type: "boolean" },
  }, USAGE);
  const symbols = (values.symbols ?? "").split(",").map((s) => s.trim().toUpperCase()).filter(
    (s) => s !== "",
  );
  if (symbols.length === 0) throw new UsageError(`--symbols is required\n\n${USAGE}`);
  for (const s of symbols) {
    if (!/^[A-Z0-9]{2,30}$/.test(s)) {
      throw new UsageError(`--symbols: "${s}" is not a Binance symbol like BTCUSDT`);
    }
  }
  if (values.liquidations) {
    return await runLiquidationTask({ symbols, market: values.market, db: values.db }, problemLine);
  }
  const market = values.market ?? "spot";
  if (market !== "spot" && market !== "futures") {
    throw new UsageError(`--market must be spot or futures, got "${market}"`);
  }
  const kind = values.kind ?? "trade";
  if (kind !== "trade" && kind !== "aggTrade") {
    throw new UsageError(`--kind must be trade or aggTrade, got "${kind}"`);
  }
  const freqs = (values.bars ?? "1m").split(",").map((f) => f.trim()).filter((f) => f !== "");
  for (const f of freqs) {
    if (!(FREQS as readonly string[]).includes(f)) {
      throw new UsageError(`--bars: unknown frequency "${f}"; use ${FREQS.join(", ")}`);
    }
  }
  const flushEveryMs = positiveInt("flush-ms", values["flush-ms"], 250);
  const flushEveryRows = positiveInt("flush-rows", values["flush-rows"], 5_000);
  const statusMs = positiveInt("status-ms", values["status-ms"], 1_000);

  const store = openTaskStore(values.db);
  const db = store.db;
  const params = { symbols, market, kind, bars: freqs };
  const runId = startRun(db, "stream", params);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);

  const venue = new BinanceVenue({ market });
  // REST trades by id of the stream's kind fill the holes the stream could not repair itself
  const repair = new BinanceRest({ market, trades: kind === "trade" ? "raw" : "agg" });
  const t0 = performance.now();
  let lastAt = t0, lastInserted = 0, lastStatus = 0;
  const status = (p: StreamProgress, force = false) => {
    const t = performance.now();
    if (!force && t - lastStatus < statusMs) return;
    const rate = ((p.inserted - lastInserted) * 1000) / Math.max(1, t - lastAt);
    lastAt = lastStatus = t;
    lastInserted = p.inserted;
    const ids = Object.entries(p.lastIds).map(([s, id]) => `${s}#${id}`).join(" ");
    const mem = Deno.memoryUsage();
    progressLine(
      `stream: ${p.inserted} trades (${Math.round(rate)}/s) ${ids || "waiting"} ` +
        `reconnects=${p.reconnects} gaps=${p.gaps} holes=${p.openHoles} ` +
        `missing=${p.missingIds} repaired=${p.repaired} quarantined=${p.quarantined} ` +
        `bars=${p.barsWritten} ` +
        `flush=${p.lastFlushMs.toFixed(1)}ms heap=${(mem.heapUsed / 1048576).toFixed(1)}MB ` +
        `rss=${(mem.rss / 1048576).toFixed(1)}MB`,
    );
  };
  try {
    const result = await runStream(db, {
      venue: market === "futures" ? "binance_futures" : "binance",
      symbols,
      barFreqs: freqs as Freq[],
      flushEveryMs,
      flushEveryRows,
      signal: stop.signal,
      runId,
      repair,
      // one REST attempt inside the stream: a hole it cannot fill at once is kept and retried
      // by runStream without holding up the trades of every other symbol
      openStream: ({ lastIds, onProblem }) =>
        venue.openTradeStream({ symbols, kind, lastIds, onProblem, repairAttempts: 1 }),
      onProblem: (p) => console.error(problemLine(p)),
      onQuarantine: (q) =>
        console.error(
          `stream: quarantined ${forTerminal(q.symbol, { keepNewlines: false })}: ${
            forTerminal(q.reason, { keepNewlines: false })
          }`,
        ),
      onProgress: (p) => status(p),
    });
    status(result, true);
    const secs = (performance.now() - t0) / 1000;
    const message = `${result.inserted} trades in ${secs.toFixed(1)} s, ${result.barsWritten} ` +
      `bars, ${result.reconnects} reconnects, ${result.gaps} gaps, ${result.repaired} repaired, ` +
      `${result.openHoles} holes open (${result.missingIds} ids), ${result.quarantined} ` +
      `quarantined, ${result.conflicts} conflicts`;
    finishRun(db, runId, result.reason === "aborted" ? "interrupted" : "ok", {
      rowsWritten: result.inserted,
      message,
    });
    console.error(`stream: ${result.reason === "aborted" ? "interrupted" : "ended"}: ${message}`);
    return 0;
  } catch (e) {
    finishRun(db, runId, "failed", { message: (e as Error).message });
    throw e;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    store.close();
  }
}

if (import.meta.main) runMain(main);
