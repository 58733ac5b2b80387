/**
 * The live monitor as one call: the trade stream into the store (`runStream`, the code behind
 * `deno task stream`: row rules, quarantine, holes repaired by trade id, bars as they close),
 * the HTTP server of the dashboard and API, and on every bar close the pairs' analytics
 * recomputed and published as events, the alert rules stepped (alert_loop.ts: stored, printed,
 * published, POSTed to webhooks) and the paper books advanced (paper_loop.ts).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type IngestTradeStream, runStream, type RunStreamResult } from "@lib/ingest/stream.ts";
import type { StreamProblem } from "@lib/providers/binance_ws.ts";
import type { TradeSource } from "@lib/providers/types.ts";
import { latestBarTs, latestTradeTs } from "@lib/store/live_reads.ts";
import { readBars } from "@lib/store/bars.ts";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import { ANALYTICS_LIMIT_DEFAULT, AnalyticsService } from "./analytics_service.ts";
import { loadHistory } from "./history.ts";
import type { CandleSource } from "@lib/providers/types.ts";
import { EventHub } from "./events.ts";
import type { PairKey } from "./pair_closes.ts";
import type { MonitorHedge } from "./pair_analytics.ts";
import { type MonitorServer, startMonitorServer } from "./server.ts";
import type { Alert, AlertRule } from "@lib/monitor/mod.ts";
import { AlertLoop } from "./alert_loop.ts";
import { PaperLoop } from "./paper_loop.ts";
import { startWebhookWorker, type WebhookOptions } from "./webhook.ts";
import { forTerminal } from "@lib/core/for_terminal.ts";

/** Options of {@link runMonitor}. */
export interface RunMonitorOptions {
  readonly venue: string;
  readonly pairs: readonly PairKey[];
  /** The frequency the analytics and alerts run at. */
  readonly freq: Freq;
  /** Every frequency materialized (includes `freq`). */
  readonly freqs: readonly Freq[];
  readonly window: number;
  readonly z: number;
  readonly hedge: MonitorHedge;
  readonly host?: string;
  readonly port?: number;
  readonly token?: string | undefined;
  readonly uploadDir: string;
  /** Opens the trade stream (as `runStream`'s option). */
  readonly openStream: (ctx: {
    readonly lastIds: Readonly<Record<string, number>>;
    readonly onProblem: (p: StreamProblem) => void;
  }) => IngestTradeStream;
  /** REST trades by id, to repair holes. */
  readonly repair?: TradeSource;
  /** Abort to stop (Ctrl-C): the stream flushes and commits, the server closes. */
  readonly signal: AbortSignal;
  /** `ingest_runs` row. */
  readonly runId?: number;
  /** Flush interval of the stream, ms. @default 250 */
  readonly flushEveryMs?: number;
  /** Wall-clock grace before a quiet symbol's bar closes, ms. @default 1000 */
  readonly graceMs?: number;
  /** Alert rules and webhook URLs; absent: no alerts. */
  readonly alerts?: {
    readonly rules: readonly AlertRule[];
    readonly webhookUrls: readonly string[];
    /** Webhook retry settings (tests shorten them). */
    readonly webhook?: WebhookOptions & { readonly pollMs?: number };
  };
  /**
   * Where to load the recent candles a fresh store lacks (history.ts), e.g. `BinanceRest`;
   * absent: none (the analytics start once `2 window` live bars have closed).
   */
  readonly history?: CandleSource;
  /** Paper trading of every pair; absent: none. */
  readonly paper?: { readonly initialEquity?: number };
  /** One human line per notable thing (listening, venue unreachable, bar closes). */
  readonly log?: (line: string) => void;
  /** Problems of the stream, as `deno task stream` reports them. */
  readonly onProblem?: (p: StreamProblem) => void;
  /** Called once the server listens. */
  readonly onListen?: (server: MonitorServer) => void;
  /** Called after every flush (status line). */
  readonly onProgress?: Parameters<typeof runStream>[1]["onProgress"];
  /** Clock, UTC ms. @default Date.now */
  readonly now?: () => number;
}

/**
 * The venue connection in `/api/health` (`venueConnection`) and in `status` events.
 * `state`: `connecting` (started, no answer and no failure yet), `connected`, `reconnecting`
 * (it was reached, then lost; retrying), `down` (never reached; retrying); `since`: when that
 * state began (UTC ms; for `reconnecting` the moment it was lost, not the last retry).
 */
export interface VenueConnection {
  readonly state: "connecting" | "connected" | "reconnecting" | "down";
  readonly since: number;
  /** Milliseconds in this state (health only). */
  readonly forMs: number;
  readonly connected: boolean;
  readonly everConnected: boolean;
  /** The last connection error and when it happened (kept after a reconnect). */
  readonly lastProblem: string | null;
  readonly lastProblemAt: number | null;
  readonly url: string | null;
}

/** Defaults of {@link RunMonitorOptions}, stated once. */
export const RUN_MONITOR_DEFAULTS = { flushEveryMs: 250, graceMs: 1_000 } as const;

/** What {@link runMonitor} returns once stopped. */
export interface RunMonitorResult {
  readonly stream: RunStreamResult;
  /** Bar-close events published. */
  readonly barEvents: number;
}

/**
 * Run the monitor until `signal` aborts (see the module notes). The server starts first, so
 * the dashboard serves what the store holds even while the venue cannot be reached.
 */
export async function runMonitor(
  db: DatabaseSync,
  o: RunMonitorOptions,
): Promise<RunMonitorResult> {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const started = now();
  // event numbers keep growing across restarts (see EventHub's seqBase)
  const hub = new EventHub({ now, seqBase: Math.floor(started) * 1_000 });
  const analytics = new AnalyticsService(db, o.venue);
  const symbols = [...new Set(o.pairs.flatMap((p) => [p.y, p.x]))];
  // the venue connection as /api/health and the page's banner show it (see VenueConnection)
  const venueState = {
    state: "connecting" as VenueConnection["state"],
    since: started,
    connected: false,
    everConnected: false,
    lastProblem: null as string | null,
    lastProblemAt: null as number | null,
    url: null as string | null,
  };
  let stream: IngestTradeStream | undefined;
  let trades = 0;
  // trades received (new or already stored) when the connection was last lost
  let receivedAtProblem = 0;
  let received = 0;
  const statusEvent = () => ({
    venue: o.venue,
    state: venueState.state,
    connected: venueState.connected,
    since: venueState.since,
    ...(venueState.connected ? {} : {
      message: venueState.lastProblem,
      lastProblemAt: venueState.lastProblemAt,
    }),
  });
  const alertLoop = o.alerts === undefined ? undefined : new AlertLoop(db, analytics, {
    venue: o.venue,
    pairs: o.pairs,
    freq: o.freq,
    window: o.window,
    z: o.z,
    hedge: o.hedge,
    rules: o.alerts.rules,
    webhookUrls: o.alerts.webhookUrls,
    startedAt: started,
  });
  const paperLoop = o.paper === undefined ? undefined : new PaperLoop(db, {
    venue: o.venue,
    pairs: o.pairs,
    freq: o.freq,
    window: o.window,
    z: o.z,
    hedge: o.hedge,
    ...(o.paper.initialEquity !== undefined ? { initialEquity: o.paper.initialEquity } : {}),
  }, started);
  const webhook = o.alerts !== undefined && o.alerts.webhookUrls.length > 0
    ? startWebhookWorker(db, { log, ...(o.alerts.webhook ?? {}) })
    : undefined;
  const reportAlerts = (alerts: readonly Alert[]) => {
    for (const a of alerts) {
      log(`monitor: ALERT ${forTerminal(a.message, { keepNewlines: false })} (${a.id})`);
      hub.publish("alert", a);
    }
    if (alerts.length > 0) webhook?.kick();
  };
  let server: MonitorServer;
  try {
    server = await startServer();
  } catch (e) {
    await webhook?.stop(); // nothing else started yet
    throw e;
  }
  async function startServer(): Promise<MonitorServer> {
    return await startMonitorServer({
      db,
      venue: o.venue,
      pairs: o.pairs,
      freq: o.freq,
      freqs: o.freqs,
      window: o.window,
      z: o.z,
      hedge: o.hedge,
      hub,
      analytics,
      uploadDir: o.uploadDir,
      health: () => {
        const t = now();
        const last: Record<string, unknown> = {};
        for (const s of symbols) {
          const ts = latestTradeTs(db, o.venue, s);
          last[s] = { lastTradeTs: ts ?? null, ageMs: ts === undefined ? null : t - ts };
        }
        return {
          uptimeMs: t - started,
          tradesStored: trades,
          // degraded once the venue failed (down) or was lost (reconnecting)
          status: venueState.state === "down" || venueState.state === "reconnecting"
            ? "degraded"
            : "ok",
          venueConnection: { ...venueState, forMs: t - venueState.since },
          symbols: last,
        };
      },
      ...(alertLoop !== undefined
        ? { alerts: (q: { limit: number }) => alertLoop.list(q.limit) }
        : {}),
      ...(paperLoop !== undefined
        ? {
          paper: () => paperLoop.summary(),
          paperOrder: (body: unknown) => {
            const r = paperLoop.order(body, now());
            hub.publish("paper", { order: r.order });
            return r;
          },
        }
        : {}),
    }, {
      ...(o.host !== undefined ? { host: o.host } : {}),
      ...(o.port !== undefined ? { port: o.port } : {}),
      token: o.token,
    });
  }
  o.onListen?.(server);

  // newest bar per symbol and frequency, and per pair at the monitor's frequency
  const lastBar = new Map<string, number | undefined>();
  for (const s of symbols) {
    for (const f of o.freqs) {
      lastBar.set(`${s} ${f}`, latestBarTs(db, { venue: o.venue, symbol: s, freq: f }));
    }
  }
  const pairBar = new Map<string, number>();
  for (const p of o.pairs) {
    const a = lastBar.get(`${p.y} ${o.freq}`), b = lastBar.get(`${p.x} ${o.freq}`);
    pairBar.set(`${p.y}:${p.x}`, Math.min(a ?? -Infinity, b ?? -Infinity));
  }
  let barEvents = 0;
  const publishAll = (events: readonly { type: string; data: unknown }[] | void) => {
    for (const e of events ?? []) hub.publish(e.type, e.data);
  };
  // a fresh store: the venue's recent candles, in the background (the stream starts at once)
  const history = o.history === undefined ? Promise.resolve() : (async () => {
    // the monitor's frequency first, then the coarser ones of the frequency control
    for (const f of [o.freq, ...o.freqs.filter((x) => x !== o.freq)]) {
      if (o.signal.aborted) break;
      const results = await loadHistory(db, {
        source: o.history!,
        venue: o.venue,
        symbols,
        freq: f,
        bars: ANALYTICS_LIMIT_DEFAULT + 2 * o.window,
        now,
        signal: o.signal,
      });
      for (const r of results) {
        if (r.status === "loaded" && r.inserted > 0) {
          log(`monitor: history: ${r.symbol} ${r.inserted} ${f} bars loaded`);
        }
        if (r.status === "loaded" && r.inserted === 0 && f === o.freq) {
          log(`monitor: history: the venue has no recent ${r.symbol} ${f} candles`);
        }
        if (r.status === "failed" && f === o.freq) {
          log(
            `monitor: history: could not load ${r.symbol} ${f} candles (${r.error}); its ` +
              `analytics start once ${2 * o.window} live bars have closed`,
          );
        }
      }
      const failed = results.filter((r) => r.status === "failed");
      if (f !== o.freq && failed.length > 0) {
        // the coarser frequencies of the control: one line, not one per symbol
        log(
          `monitor: history: could not load ${f} candles of ${
            failed.map((r) => r.symbol).join(", ")
          }` +
            ` (${failed[0]!.error})`,
        );
      }
      if (results.some((r) => r.inserted > 0)) hub.publish("history", { freq: f });
    }
  })();
  // catch up with what the store holds: the alert state (and alerts a kill -9 lost), the books
  try {
    reportAlerts(alertLoop?.start(now()) ?? []);
    for (const p of o.pairs) publishAll(paperLoop?.onPairBar(p, now()));
  } catch (e) {
    log(`monitor: catching up alerts and paper books failed: ${(e as Error).message}`);
  }
  // stale-data rules: a clock check every second, whether trades flow or not
  const clock = alertLoop === undefined ? undefined : setInterval(() => {
    try {
      const last: Record<string, number | undefined> = {};
      for (const s of symbols) last[s] = latestTradeTs(db, o.venue, s);
      reportAlerts(alertLoop.onClock(last, now()));
    } catch (e) {
      log(`monitor: stale-data check failed: ${(e as Error).message}`);
    }
  }, 1_000);
  const afterFlush = () => {
    for (const f of o.freqs) {
      const closed: { symbol: string; ts: number }[] = [];
      for (const s of symbols) {
        const key = `${s} ${f}`;
        const ts = latestBarTs(db, { venue: o.venue, symbol: s, freq: f });
        const prev = lastBar.get(key);
        if (ts !== undefined && ts !== prev) {
          lastBar.set(key, ts);
          if (ts < (prev ?? -Infinity)) {
            closed.push({ symbol: s, ts });
          } else {
            // every bar stored since the last flush gets its event, not only the newest (a
            // slow flush, e.g. during an upload, can close several 1s bars at once); with no
            // bar before, those from the interval before the start on (not the history load)
            const step = freqMs(f);
            const from = prev !== undefined ? prev + 1 : Math.floor(started / step) * step - step;
            const b = readBars(db, { venue: o.venue, symbol: s, freq: f }, { from, to: ts + 1 });
            if (b.ts.length === 0) closed.push({ symbol: s, ts });
            for (const t of b.ts) closed.push({ symbol: s, ts: t });
          }
        }
      }
      if (closed.length === 0) continue;
      for (const c of closed) {
        barEvents++;
        hub.publish("bar", { symbol: c.symbol, freq: f, ts: c.ts });
      }
      if (f !== o.freq) continue;
      for (const p of o.pairs) {
        const name = `${p.y}:${p.x}`;
        const both = Math.min(
          lastBar.get(`${p.y} ${f}`) ?? -Infinity,
          lastBar.get(`${p.x} ${f}`) ?? -Infinity,
        );
        const before = pairBar.get(name)!;
        if (!(both > before)) continue;
        pairBar.set(name, both);
        try {
          // one analytics event per pair bar closed since the last flush (at most
          // ANALYTICS_LIMIT_DEFAULT; only the newest when the monitor had none before)
          const step = freqMs(f);
          const newest = Math.max(
            lastBar.get(`${p.y} ${f}`) ?? -Infinity,
            lastBar.get(`${p.x} ${f}`) ?? -Infinity,
          );
          const count = before === -Infinity
            ? 1 + Math.round((newest - both) / step)
            : Math.min(ANALYTICS_LIMIT_DEFAULT, Math.round((newest - before) / step));
          const served = analytics.compute({
            pair: p,
            freq: f,
            window: o.window,
            hedge: o.hedge,
            z: o.z,
            limit: count,
          });
          const a = served.analytics;
          for (let i = served.offset; i < a.ts.length; i++) {
            if (a.ts[i]! > both || (before === -Infinity ? a.ts[i]! < both : a.ts[i]! <= before)) {
              continue;
            }
            const latest = analytics.barJson(served, i);
            hub.publish("analytics", { pair: name, freq: f, ts: a.ts[i], latest });
          }
          reportAlerts(alertLoop?.onPairBar(p, now()) ?? []);
          publishAll(paperLoop?.onPairBar(p, now()));
        } catch (e) {
          log(`monitor: analytics of ${name} failed: ${(e as Error).message}`);
        }
      }
    }
  };

  let result: RunStreamResult;
  try {
    result = await runStream(db, {
      venue: o.venue,
      symbols,
      barFreqs: o.freqs,
      flushEveryMs: o.flushEveryMs ?? RUN_MONITOR_DEFAULTS.flushEveryMs,
      graceMs: o.graceMs ?? RUN_MONITOR_DEFAULTS.graceMs,
      signal: o.signal,
      ...(o.runId !== undefined ? { runId: o.runId } : {}),
      ...(o.repair !== undefined ? { repair: o.repair } : {}),
      now,
      openStream: (ctx) => {
        stream = o.openStream({
          lastIds: ctx.lastIds,
          onProblem: (p) => {
            if (p.kind === "connection") {
              const t = now();
              if (venueState.connected || venueState.state === "connecting") {
                // lost (or never reached): the state and its start change once, not per retry
                venueState.state = venueState.everConnected ? "reconnecting" : "down";
                venueState.since = t;
              }
              venueState.connected = false;
              venueState.lastProblem = p.message;
              venueState.lastProblemAt = t;
              venueState.url = p.url ?? null;
              receivedAtProblem = received;
              hub.publish("status", statusEvent());
            }
            ctx.onProblem(p);
          },
        });
        return stream;
      },
      onProblem: (p) => o.onProblem?.(p),
      onProgress: (p) => {
        trades = p.inserted;
        received = p.inserted + p.unchanged;
        // live again: the stream says it is caught up (an open socket, a poll that answered),
        // or, for a stream that cannot say, trades arrived since the connection was lost (a
        // cumulative count would call a dead venue connected)
        const caughtUp = stream?.caughtUp;
        const live = caughtUp === undefined
          ? received > receivedAtProblem
          : caughtUp && (stream?.stats?.connections ?? 1) > 0; // a poller before its 1st answer
        if (!venueState.connected && live) {
          venueState.connected = true;
          venueState.everConnected = true;
          venueState.state = "connected";
          venueState.since = now();
          hub.publish("status", statusEvent());
        }
        try {
          afterFlush();
        } catch (e) {
          log(`monitor: after a flush: ${(e as Error).message}`);
        }
        o.onProgress?.(p);
      },
    });
  } finally {
    clearInterval(clock);
    await history.catch(() => {});
    await server.shutdown();
    await webhook?.stop();
  }
  return { stream: result, barEvents };
}
