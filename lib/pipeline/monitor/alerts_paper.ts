/**
 * The live monitor's alerts and paper trading, wired to the store: what the monitor's loop calls
 * on each pair bar close and clock tick, and what the server's `/api/alerts`, `/api/paper` and
 * `POST /api/paper/orders` return. The logic is `lib/monitor` (pure); this file reads bars,
 * writes alerts (append-only, webhook outbox in the same transaction) and paper steps (one
 * transaction per bar), resumes both after a restart, and runs the webhook worker.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import { readBars } from "@lib/store/bars.ts";
import { insertAlerts, listAlerts, type StoredMonitorAlert } from "@lib/store/monitor_alerts.ts";
import { type DeliveryStatus, deliveryStatus } from "@lib/store/monitor_webhooks.ts";
import {
  appendPaperStep,
  ensurePaperAccount,
  insertManualOrder,
  listPaperFills,
  listPaperMarks,
  listPaperOrders,
  loadPaperState,
  pendingManualOrders,
  type StoredPaperAccount,
  type StoredPaperFill,
  type StoredPaperOrder,
} from "@lib/store/monitor_paper.ts";
import {
  advancePaperManual,
  advancePaperRule,
  type Alert,
  type AlertObservation,
  type AlertRule,
  type AlertState,
  initialAlertState,
  manualOrder,
  type PaperBars,
  type PaperOptions,
  type PaperTrade,
  paperTrades,
  paperVsBacktest,
  stepAlerts,
} from "@lib/monitor/mod.ts";
import type { CostModel } from "@lib/backtest/cost_model.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import {
  checkWebhookUrl,
  startWebhookWorker,
  type WebhookOptions,
  type WebhookWorker,
} from "./webhook.ts";

/** A pair as the monitor names it (`Y:X`: y regressed on x). */
export interface MonitorPair {
  readonly y: string;
  readonly x: string;
}

/**
 * The analytics of a pair's latest bars as the monitor computes them (the shape of the
 * server's `ServedAnalytics`): per-bar times, closes, causal z-score and windowed Engle-Granger
 * p-value; `offset` is the first bar that was asked for (earlier ones are warm-up).
 */
export interface PairBarAnalytics {
  readonly analytics: {
    readonly ts: ArrayLike<number>;
    readonly y: ArrayLike<number>;
    readonly x: ArrayLike<number>;
    readonly zScore: ArrayLike<number>;
    readonly pValue: ArrayLike<number>;
  };
  readonly offset: number;
}

/** Which alert rules the monitor runs; defaults in {@link MONITOR_ALERT_DEFAULTS}. */
export interface MonitorAlertOptions {
  /** |z| of the z-score rule: the monitor's `--z`. */
  readonly z: number;
  /** Re-arm distance of the z-score rule. @default 0.5 */
  readonly hysteresis?: number;
  /** Minimum dwell of the z-score and cointegration rules, in bars. @default 1 */
  readonly minBars?: number;
  /** Minimum dwell in ms. @default 0 */
  readonly minMs?: number;
  /** Engle-Granger p-value at or above which a pair is called broken; null: no such rule. @default 0.1 */
  readonly pValueLevel?: number | null;
  /** Silence (no trade) that fires a stale-data alert per symbol; null: no such rule. @default 120_000 */
  readonly maxSilenceMs?: number | null;
  /** Price levels, e.g. `{symbol: "BTCUSDT", level: 100000, direction: "above"}`. @default [] */
  readonly prices?: readonly {
    readonly symbol: string;
    readonly level: number;
    readonly direction: "above" | "below";
  }[];
}

/** Defaults of {@link MonitorAlertOptions}, stated once. */
export const MONITOR_ALERT_DEFAULTS = {
  hysteresis: 0.5,
  minBars: 1,
  minMs: 0,
  pValueLevel: 0.1,
  /** Two minutes: a 1m bar plus the stream's grace, and some. */
  maxSilenceMs: 120_000,
} as const;

/**
 * The monitor's rules for its pairs: a z-score crossing per pair (with hysteresis and dwell), a
 * cointegration break per pair, stale data per symbol, and the price levels asked for.
 *
 * @example
 * ```ts
 * import { monitorAlertRules } from "@lib/pipeline/monitor/alerts_paper.ts";
 * import assert from "node:assert/strict";
 * const rules = monitorAlertRules([{ y: "BTCUSDT", x: "ETHUSDT" }], { z: 2 });
 * assert.deepEqual(rules.map((r) => `${r.kind} ${r.subject}`), [
 *   "z-score BTCUSDT:ETHUSDT", "cointegration BTCUSDT:ETHUSDT", "stale BTCUSDT", "stale ETHUSDT",
 * ]);
 * ```
 */
export function monitorAlertRules(
  pairs: readonly MonitorPair[],
  o: MonitorAlertOptions,
): AlertRule[] {
  const d = MONITOR_ALERT_DEFAULTS;
  const dwell = { minBars: o.minBars ?? d.minBars, minMs: o.minMs ?? d.minMs };
  const rules: AlertRule[] = [];
  const p = o.pValueLevel === undefined ? d.pValueLevel : o.pValueLevel;
  for (const pair of pairs) {
    const subject = `${pair.y}:${pair.x}`;
    rules.push({
      kind: "z-score",
      subject,
      threshold: o.z,
      hysteresis: Math.min(o.hysteresis ?? d.hysteresis, o.z),
      ...dwell,
    });
    if (p !== null) rules.push({ kind: "cointegration", subject, level: p, ...dwell });
  }
  const silence = o.maxSilenceMs === undefined ? d.maxSilenceMs : o.maxSilenceMs;
  if (silence !== null) {
    for (const s of new Set(pairs.flatMap((q) => [q.y, q.x]))) {
      rules.push({ kind: "stale", subject: s, maxSilenceMs: silence });
    }
  }
  for (const q of o.prices ?? []) {
    rules.push({
      kind: "price",
      subject: q.symbol,
      level: q.level,
      direction: q.direction,
      ...dwell,
    });
  }
  return rules;
}

/** Options of {@link createAlertsPaper}. */
export interface AlertsPaperOptions {
  readonly venue: string;
  readonly pairs: readonly MonitorPair[];
  /** The monitor's bar frequency. */
  readonly freq: Freq;
  /** The monitor's window, threshold and hedge method: the paper rule is the dashboard's. */
  readonly window: number;
  readonly z: number;
  readonly hedge: "rolling-ols" | "kalman";
  /** Alert rules. @default monitorAlertRules(pairs, {z}) */
  readonly rules?: readonly AlertRule[];
  /** Webhook URL for every new alert (`--webhook`). */
  readonly webhookUrl?: string | undefined;
  readonly webhook?: WebhookOptions & { readonly pollMs?: number };
  /**
   * Paper trading: `false` turns it off. `costs` are applied to both legs at every fill.
   * @default {costs: [feeCost({venue: "binance"})] (spot taker, 0.1%), initialEquity: 1_000_000}
   */
  readonly paper?: false | {
    readonly costs?: readonly CostModel[];
    /** What `costs` are, stored with the account (a different description opens another). */
    readonly costsLabel?: string;
    readonly initialEquity?: number;
  };
  /**
   * The pair's analytics over its last `bars` bars (the server's `AnalyticsService.compute`
   * with `limit: bars`); used at start-up to replay the alert rules on the stored bars.
   */
  readonly replay?: (pair: MonitorPair, bars: number) => PairBarAnalytics;
  /** Bars replayed at start-up. @default 300 */
  readonly replayBars?: number;
  /** Each new alert (printed by the task). @default log */
  readonly onAlert?: (alert: Alert) => void;
  /** Clock. @default Date.now */
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/** An event for the server's hub. */
export interface MonitorEvent {
  readonly type: string;
  readonly data: unknown;
}

/** A time series for the page's charts (`window.cryptolabCharts.lineChart` series). */
export interface SeriesJson {
  readonly t: number[];
  readonly y: (number | null)[];
}

/** The backtest of the rule book's rule on the same bars (`paperVsBacktest`). */
export interface PaperBacktestJson {
  readonly equity: SeriesJson;
  /** Closed round trips of the backtest. */
  readonly trades: number;
  /** Largest |paper - backtest| equity, quote currency. */
  readonly maxAbsDifference: number;
  readonly notes: readonly string[];
}

/** One paper book in `/api/paper` (NaN as null). */
export interface PaperBookJson {
  readonly accountId: string;
  readonly book: "rule" | "manual";
  readonly initialEquity: number;
  /** The last bar's mark, null before the first. */
  readonly state: {
    readonly ts: number;
    readonly equity: number;
    readonly pnl: number;
    readonly cash: number;
    readonly position: -1 | 0 | 1;
    readonly unitsY: number;
    readonly unitsX: number;
    readonly priceY: number | null;
    readonly priceX: number | null;
    readonly z: number | null;
    readonly hedgeRatio: number | null;
  } | null;
  /** Equity at each bar's close before its fill (the last 5,000 bars). */
  readonly equity: SeriesJson;
  /** The last 100 fills. */
  readonly fills: readonly StoredPaperFill[];
  /** The last 100 orders (rule decisions or manual orders). */
  readonly orders: readonly (Omit<StoredPaperOrder, "hedgeRatio" | "z"> & {
    readonly hedgeRatio: number | null;
    readonly z: number | null;
  })[];
  /** The last 100 round trips (an open one marked at the last closes). */
  readonly trades: readonly PaperTrade[];
  /** Rule book only: the backtest of the same rule on the same bars. */
  readonly backtest: PaperBacktestJson | null;
}

/** `/api/paper` when paper trading is on. */
export interface PaperApiJson {
  readonly wired: true;
  readonly options: { readonly rule: unknown; readonly costs: string };
  readonly summary: readonly {
    readonly pair: string;
    readonly rule: PaperBookJson["state"];
    readonly manual: PaperBookJson["state"];
  }[];
  /** The first pair's rule book (what the page charts). */
  readonly equity: SeriesJson;
  readonly backtest: PaperBacktestJson | null;
  readonly pairs: readonly {
    readonly pair: string;
    readonly rule: PaperBookJson;
    readonly manual: PaperBookJson;
  }[];
}

/** An alert in the API (a missing value as null). */
export type AlertJson = Omit<StoredMonitorAlert, "value" | "createdAt"> & {
  readonly value: number | null;
  readonly createdAt?: number;
};

/** `/api/alerts`. */
export interface AlertsApiJson {
  readonly wired: true;
  readonly rules: readonly AlertRule[];
  /** Oldest first. */
  readonly alerts: readonly AlertJson[];
  /** Delivery state per queued alert, null without `--webhook`. */
  readonly webhook: { readonly url: string; readonly deliveries: readonly DeliveryStatus[] } | null;
}

/** `POST /api/paper/orders`. */
export interface PaperOrderJson {
  /** False when an order with this id was already placed (nothing new stored). */
  readonly inserted: boolean;
  readonly order: Omit<PaperBookJson["orders"][number], "createdAt">;
  /** Time of the close that fills it (the next bar's close). */
  readonly fillsAt: number;
}

/** What {@link createAlertsPaper} returns: the monitor's hooks and a stop. */
export interface AlertsPaper {
  /** The rules in force. */
  readonly rules: readonly AlertRule[];
  /** Call when both legs of `pair` closed a new bar, with the analytics of that bar. */
  onPairBar(pair: MonitorPair, served: PairBarAnalytics): MonitorEvent[];
  /** Call after each flush with the newest trade time per symbol. */
  onTick(lastTradeTs: Readonly<Record<string, number | undefined>>, now: number): MonitorEvent[];
  /** The server's routes. */
  readonly server: {
    alerts(q: { readonly limit: number }): AlertsApiJson;
    paper(): PaperApiJson | { readonly wired: false };
    /** Throws a RangeError (the server's 400) that says what was wrong. */
    paperOrder(body: unknown): PaperOrderJson;
  };
  /** Stop the webhook worker (after its request in flight). */
  stop(): Promise<void>;
}

const n2 = (v: number) => (Number.isFinite(v) ? v : null);

function alertJson(a: StoredMonitorAlert | Alert): AlertJson {
  return { ...a, value: n2(a.value) };
}

/**
 * Wire alerts and paper trading for a running monitor. At creation it replays the alert rules
 * on the last `replayBars` bars of each pair (through `replay`) and stores what a killed process
 * had not written (same ids: nothing stored twice), and starts the webhook worker, which first
 * sends what a previous run left pending. Then, per pair bar close: the rules step on the bar's
 * z-score, p-value and closes, new alerts are stored, queued, printed and returned as `alert`
 * events; the pair's two paper books (`rule`: the pairs z-score rule with the monitor's window,
 * threshold and hedge method, exit 0.5, stop 4, both legs' fees; `manual`: the page's orders)
 * advance over the bars closed since their last stored mark and are stored in one transaction
 * per book. A new book starts `2 window` bars before its first bar close (the rule's warm-up).
 */
export function createAlertsPaper(db: DatabaseSync, o: AlertsPaperOptions): AlertsPaper {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const startedAt = now();
  const rules = o.rules ?? monitorAlertRules(o.pairs, { z: o.z });
  const urls = o.webhookUrl === undefined ? [] : [checkWebhookUrl(o.webhookUrl)];
  const onAlert = o.onAlert ?? ((a: Alert) => log(`alert: ${a.message}`));
  const barMs = freqMs(o.freq);
  const priceSubjects = new Set(rules.filter((r) => r.kind === "price").map((r) => r.subject));
  const lastPriceTs = new Map<string, number>();
  /** Per pair, the last bar the rules stepped on. */
  const lastObserved = new Map<string, number>();
  let state: AlertState = initialAlertState(rules);
  const worker: WebhookWorker | undefined = urls.length > 0
    ? startWebhookWorker(db, { ...o.webhook, ...(o.log ? { log: o.log } : {}) })
    : undefined;

  const observations = (
    pair: MonitorPair,
    a: PairBarAnalytics["analytics"],
    i: number,
  ): AlertObservation[] => {
    const ts = a.ts[i]!;
    const out: AlertObservation[] = [{
      kind: "bar",
      subject: `${pair.y}:${pair.x}`,
      ts,
      z: a.zScore[i]!,
      pValue: a.pValue[i]!,
    }];
    for (const [sym, col] of [[pair.y, a.y], [pair.x, a.x]] as const) {
      if (!priceSubjects.has(sym) || !(ts > (lastPriceTs.get(sym) ?? -Infinity))) continue;
      lastPriceTs.set(sym, ts);
      out.push({ kind: "bar", subject: sym, ts, close: col[i]! });
    }
    return out;
  };

  /** Last bar time both legs have in the analytics (the bar that just closed for the pair). */
  const lastBoth = (a: PairBarAnalytics["analytics"]): number => {
    let ly = -Infinity, lx = -Infinity;
    for (let i = a.ts.length - 1; i >= 0 && (ly === -Infinity || lx === -Infinity); i--) {
      if (ly === -Infinity && a.y[i]! === a.y[i]!) ly = a.ts[i]!;
      if (lx === -Infinity && a.x[i]! === a.x[i]!) lx = a.ts[i]!;
    }
    return Math.min(ly, lx);
  };
  /**
   * Step the rules on the rows from `from` up to the last bar both legs have, skipping the rows
   * already stepped on (a leg ahead of the other is observed once the other has caught up).
   */
  const observeUpTo = (
    pair: MonitorPair,
    a: PairBarAnalytics["analytics"],
    from: number,
  ): Alert[] => {
    const key = `${pair.y}:${pair.x}`;
    const end = lastBoth(a), done = lastObserved.get(key) ?? -Infinity;
    const fired: Alert[] = [];
    for (let i = from; i < a.ts.length; i++) {
      const ts = a.ts[i]!;
      if (!(ts > done) || ts > end) continue;
      for (const ob of observations(pair, a, i)) {
        const step = stepAlerts(rules, state, ob);
        state = step.state;
        fired.push(...step.alerts);
      }
      lastObserved.set(key, ts);
    }
    return fired;
  };

  const store = (alerts: readonly Alert[]): MonitorEvent[] => {
    if (alerts.length === 0) return [];
    const r = insertAlerts(db, alerts, { webhookUrls: urls, now: now() });
    for (const a of r.inserted) onAlert(a as Alert);
    if (r.queued > 0) worker?.kick();
    return r.inserted.map((a) => ({ type: "alert", data: alertJson(a as Alert) }));
  };

  // start-up: replay the stored bars (rebuilds the rule state; writes what a kill lost)
  if (o.replay !== undefined) {
    const replayed: Alert[] = [];
    for (const pair of o.pairs) {
      let served: PairBarAnalytics;
      try {
        served = o.replay(pair, o.replayBars ?? 300);
      } catch (e) {
        log(`alerts: replay of ${pair.y}:${pair.x} skipped: ${(e as Error).message}`);
        continue;
      }
      replayed.push(...observeUpTo(pair, served.analytics, Math.max(0, served.offset)));
    }
    store(replayed);
  }

  // paper books
  const paperOn = o.paper !== false;
  const paperCfg = o.paper === false ? {} : o.paper ?? {};
  const paperOptions: PaperOptions = {
    rule: {
      hedge: o.hedge,
      hedgeWindow: o.window,
      zWindow: o.window,
      entry: o.z,
      exit: 0.5,
      stop: Math.max(4, o.z + 1),
    },
    costs: paperCfg.costs ?? [feeCost({ venue: "binance" })],
    ...(paperCfg.initialEquity !== undefined ? { initialEquity: paperCfg.initialEquity } : {}),
  };
  const costsLabel = paperCfg.costsLabel ??
    (paperCfg.costs === undefined ? "fees: binance spot taker" : "custom");
  const accounts = new Map<string, { rule: StoredPaperAccount; manual: StoredPaperAccount }>();
  const accountsOf = (pair: MonitorPair) => {
    const key = `${pair.y}:${pair.x}`;
    let a = accounts.get(key);
    if (a === undefined) {
      const spec = (book: "rule" | "manual") => ({
        book,
        venue: o.venue,
        ySymbol: pair.y,
        xSymbol: pair.x,
        freq: o.freq,
        params: { rule: paperOptions.rule, costs: costsLabel },
        initialEquity: paperOptions.initialEquity ?? 1_000_000,
      });
      a = {
        rule: ensurePaperAccount(db, spec("rule")),
        manual: ensurePaperAccount(db, spec("manual")),
      };
      accounts.set(key, a);
    }
    return a;
  };
  /** The pair's closes on the full grid from `from` to `to` (inclusive). */
  const barsOf = (pair: MonitorPair, from: number, to: number): PaperBars => {
    const rows = Math.round((to - from) / barMs) + 1;
    const ts = Float64Array.from({ length: Math.max(0, rows) }, (_, i) => from + i * barMs);
    const y = new Float64Array(ts.length).fill(NaN), x = new Float64Array(ts.length).fill(NaN);
    for (const [sym, out] of [[pair.y, y], [pair.x, x]] as const) {
      const b = readBars(db, { venue: o.venue, symbol: sym, freq: o.freq }, { from, to: to + 1 });
      for (let i = 0; i < b.ts.length; i++) {
        const k = Math.round((b.ts[i]! - from) / barMs);
        if (k >= 0 && k < ts.length) out[k] = b.close[i]!;
      }
    }
    return { ts, y, x, barMs };
  };
  const advanceBooks = (pair: MonitorPair, end: number): MonitorEvent[] => {
    const acc = accountsOf(pair);
    const events: MonitorEvent[] = [];
    for (const book of ["rule", "manual"] as const) {
      const account = acc[book];
      const { state: s, firstTs } = loadPaperState(db, account.accountId);
      let from = firstTs ?? end - 2 * o.window * barMs;
      if (firstTs === null) {
        // a new book: from the first bar either leg has in its warm-up span
        const w = barsOf(pair, from, end);
        let k = 0;
        while (k < w.ts.length && w.y[k]! !== w.y[k]! && w.x[k]! !== w.x[k]!) k++;
        from = w.ts[k] ?? end;
      }
      if (s.ts !== null && s.ts >= end) continue;
      const bars = barsOf(pair, from, end);
      const step = book === "rule"
        ? advancePaperRule(s, bars, paperOptions)
        : advancePaperManual(s, bars, pendingManualOrders(db, account.accountId), paperOptions);
      if (step.marks.length === 0) continue;
      appendPaperStep(db, account, step, now());
      const m = step.marks[step.marks.length - 1]!;
      events.push({
        type: "paper",
        data: {
          pair: `${pair.y}:${pair.x}`,
          book,
          ts: m.ts,
          equity: m.equity,
          position: m.position,
          fills: step.fills.length,
          orders: step.orders.map((x) => x.action),
        },
      });
      for (const f of step.fills) {
        if (f.orderId !== null) {
          log(
            `paper ${book} ${pair.y}:${pair.x}: ${f.qty > 0 ? "bought" : "sold"} ` +
              `${Math.abs(f.qty).toPrecision(6)} ${f.leg === 0 ? pair.y : pair.x} at ${f.price} ` +
              `(${f.orderId})`,
          );
        }
      }
    }
    return events;
  };

  const comparisons = new Map<string, { key: string; value: PaperBacktestJson }>();
  const seriesOf = (
    pair: MonitorPair,
    account: StoredPaperAccount,
    book: "rule" | "manual",
  ): PaperBookJson => {
    const marks = listPaperMarks(db, account.accountId);
    const last = marks[marks.length - 1];
    const tail = marks.slice(-5000);
    const fills = listPaperFills(db, account.accountId);
    let backtest: PaperBacktestJson | null = null;
    if (book === "rule" && last !== undefined) {
      const key = `${marks.length}/${last.ts}`;
      const hit = comparisons.get(account.accountId);
      if (hit?.key === key) backtest = hit.value;
      else {
        const bars = barsOf(pair, marks[0]!.ts, last.ts);
        const c = paperVsBacktest(bars, paperOptions, marks);
        const from = Math.max(0, c.ts.length - 5000);
        backtest = {
          equity: {
            t: Array.from(c.ts.subarray(from)),
            y: Array.from(c.backtestEquity.subarray(from), n2),
          },
          trades: c.backtest.tradeLog.summary.count,
          maxAbsDifference: c.maxAbsDifference,
          notes: c.notes,
        };
        comparisons.set(account.accountId, { key, value: backtest });
      }
    }
    return {
      accountId: account.accountId,
      book,
      initialEquity: account.initialEquity,
      state: last === undefined ? null : {
        ts: last.ts,
        equity: last.equity,
        pnl: last.equity - account.initialEquity,
        cash: last.cash,
        position: last.position,
        unitsY: last.unitsY,
        unitsX: last.unitsX,
        priceY: n2(last.priceY),
        priceX: n2(last.priceX),
        z: n2(last.z),
        hedgeRatio: n2(last.hedgeRatio),
      },
      equity: { t: tail.map((m) => m.ts), y: tail.map((m) => m.equity) },
      fills: fills.slice(-100),
      orders: listPaperOrders(db, account.accountId, { limit: 100 }).map((x) => ({
        ...x,
        hedgeRatio: n2(x.hedgeRatio),
        z: n2(x.z),
      })),
      trades: paperTrades(fills, last?.priceY ?? NaN, last?.priceX ?? NaN).slice(-100),
      backtest,
    };
  };

  return {
    rules,
    onPairBar(pair, served) {
      const a = served.analytics;
      const events = store(observeUpTo(pair, a, 0));
      if (paperOn) {
        try {
          const end = lastBoth(a);
          if (Number.isFinite(end)) events.push(...advanceBooks(pair, end));
        } catch (e) {
          log(`paper ${pair.y}:${pair.x}: ${(e as Error).message}`);
        }
      }
      return events;
    },
    onTick(last, t) {
      const fired: Alert[] = [];
      for (const r of rules) {
        if (r.kind !== "stale") continue;
        const step = stepAlerts(rules, state, {
          kind: "clock",
          subject: r.subject,
          now: t,
          lastTradeTs: last[r.subject] ?? null,
          startedAt,
        });
        state = step.state;
        fired.push(...step.alerts);
      }
      return store(fired);
    },
    server: {
      alerts({ limit }) {
        return {
          wired: true,
          rules,
          alerts: listAlerts(db, { limit }).map(alertJson),
          webhook: urls.length === 0 ? null : {
            url: urls[0]!,
            deliveries: deliveryStatus(db, { limit: Math.min(limit, 200) }),
          },
        };
      },
      paper() {
        if (!paperOn) return { wired: false };
        const pairs = o.pairs.map((pair) => {
          const acc = accountsOf(pair);
          return {
            pair: `${pair.y}:${pair.x}`,
            rule: seriesOf(pair, acc.rule, "rule"),
            manual: seriesOf(pair, acc.manual, "manual"),
          };
        });
        const first = pairs[0]?.rule;
        return {
          wired: true,
          options: { rule: paperOptions.rule, costs: costsLabel },
          summary: pairs.map((p) => ({
            pair: p.pair,
            rule: p.rule.state,
            manual: p.manual.state,
          })),
          equity: first?.equity ?? { t: [], y: [] },
          backtest: first?.backtest ?? null,
          pairs,
        };
      },
      paperOrder(body) {
        if (!paperOn) throw new RangeError("paper trading is off in this monitor");
        const b = (body ?? {}) as Record<string, unknown>;
        const names = o.pairs.map((p) => `${p.y}:${p.x}`);
        const pairName = b.pair ?? names[0];
        const pair = o.pairs.find((p) => `${p.y}:${p.x}` === pairName);
        if (pair === undefined) {
          throw new RangeError(`pair must be one of ${names.join(", ")}, got ${String(pairName)}`);
        }
        const action = b.action;
        if (action !== "open-long" && action !== "open-short" && action !== "close") {
          throw new RangeError(
            `action must be open-long, open-short or close, got ${String(action)}`,
          );
        }
        const gross = b.gross;
        if (gross !== undefined && !(typeof gross === "number" && gross > 0 && gross <= 10)) {
          throw new RangeError(`gross must be a number in (0, 10], got ${String(gross)}`);
        }
        const id = b.id === undefined ? crypto.randomUUID() : b.id;
        if (typeof id !== "string" || !/^[\w.:-]{1,100}$/.test(id)) {
          throw new RangeError("id must be 1-100 letters, digits, '.', ':', '_' or '-'");
        }
        const acc = accountsOf(pair).manual;
        const { firstTs, state: s } = loadPaperState(db, acc.accountId);
        if (s.ts === null) {
          throw new RangeError(
            `no bar of ${pairName} has closed since the monitor started; place the order after the first bar`,
          );
        }
        const bars = barsOf(pair, firstTs!, s.ts);
        const order = manualOrder(bars, {
          id,
          action,
          ...(gross !== undefined ? { gross: gross as number } : {}),
        }, paperOptions);
        const inserted = insertManualOrder(db, acc.accountId, order, now());
        log(`paper manual ${pairName}: ${action} placed (${id}), fills at the next bar's close`);
        return {
          inserted,
          order: { ...order, hedgeRatio: n2(order.hedgeRatio), z: n2(order.z) },
          fillsAt: order.decidedTs + barMs,
        };
      },
    },
    async stop() {
      await worker?.stop();
    },
  };
}
