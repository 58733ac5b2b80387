/**
 * The monitor's alerts: the rules of lib/monitor stepped on every closed bar (z-score and
 * cointegration p-value of each pair, close of each leg) and on the clock (stale data), every
 * alert stored append-only with `insertAlerts` (its webhook deliveries queued in the same
 * transaction), printed and published. On start the rules are replayed over the stored bars, so
 * the state (hysteresis, dwell) is what it was and an alert a kill -9 lost before it was stored
 * (on the newest bars) is stored now, under the same id; one already stored is not stored or
 * sent again, and a rule added on this start does not fire for old bars (`AlertLoop.start`).
 *
 * With `hedge: "kalman"` the filter's state at a bar depends on where the bars it runs on start,
 * so the alerts compute each bar from a start fixed by the bar alone (its block of `replayBars`
 * intervals, less the warm-up): a replay gives the same z as the live step. Rolling OLS uses
 * only its window and needs no such care.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import { latestBarTs } from "@lib/store/live_reads.ts";
import {
  type Alert,
  type AlertObservation,
  type AlertRule,
  type AlertState,
  checkAlertRules,
  replayAlerts,
  stepAlerts,
} from "@lib/monitor/mod.ts";
import { insertAlerts, listAlerts } from "@lib/store/monitor_alerts.ts";
import type { AnalyticsService, ServedAnalytics } from "./analytics_service.ts";
import { pairClosesSince, type PairKey } from "./pair_closes.ts";
import { type MonitorHedge, pairAnalytics } from "./pair_analytics.ts";
import { KALMAN_BLOCK_BARS } from "./kalman_blocks.ts";

/** What the task's flags say about alerts; defaults in {@link ALERT_LOOP_DEFAULTS}. */
export interface MonitorAlertSpec {
  readonly pairs: readonly PairKey[];
  /** |z| of the z-score rule (the monitor's `--z`). */
  readonly z: number;
  /**
   * Re-arm distance of the z-score rule (`--z-hysteresis`): after firing it re-arms when |z| <
   * z - zHysteresis. The default is capped at `z / 2`; a value given must be below `z`.
   * @default 0.5
   */
  readonly zHysteresis?: number;
  /**
   * Closed bars the z-score and price conditions must hold on before they fire
   * (`--alert-dwell`). @default 1
   */
  readonly dwellBars?: number;
  /**
   * Closed bars the cointegration break must hold on before it fires (`--coint-dwell`).
   * @default 3
   */
  readonly cointDwellBars?: number;
  /**
   * Milliseconds every threshold rule's condition must hold, from the first bar of the run to
   * the current one (`--alert-dwell-s`), besides its bars. @default 0
   */
  readonly dwellMs?: number;
  /** Window p-value at or above which a pair is called broken (`--coint-p`). @default 0.1 */
  readonly pValueLevel?: number;
  /**
   * Re-arm distance of the cointegration rule (`--coint-hysteresis`): after firing it re-arms
   * only when p < pValueLevel - pValueHysteresis. Must be below `pValueLevel`. @default 0.05
   */
  readonly pValueHysteresis?: number;
  /** Silence (no trade of a leg) that fires a stale-data alert, ms. @default 60000 */
  readonly staleMs?: number;
  /** Price levels: `{symbol, level, direction}`. @default [] */
  readonly prices?: readonly { symbol: string; level: number; direction: "above" | "below" }[];
  /**
   * Re-arm distance of the price rules in percent of their level (`--price-hysteresis`): an
   * `above` rule re-arms when close < level (1 - pct/100), `below` when close > level (1 +
   * pct/100). @default 0.1
   */
  readonly priceHysteresisPct?: number;
}

/** Defaults of {@link MonitorAlertSpec}, stated once. */
export const ALERT_LOOP_DEFAULTS = {
  zHysteresis: 0.5,
  /** z-score and price rules fire on the bar the condition is first met (hysteresis re-arms). */
  dwellBars: 1,
  /** A cointegration break must hold on 3 consecutive closes (one noisy window does not fire). */
  cointDwellBars: 3,
  dwellMs: 0,
  pValueLevel: 0.1,
  /** p must fall below 0.1 - 0.05 = 0.05 before another break can fire. */
  pValueHysteresis: 0.05,
  staleMs: 60_000,
  /** A price rule re-arms 0.1% back on the other side of its level. */
  priceHysteresisPct: 0.1,
  /**
   * Bars replayed on start (per pair, at the monitor's frequency); also the Kalman block
   * (kalman_blocks.ts), the same as the dashboard's series.
   */
  replayBars: KALMAN_BLOCK_BARS,
} as const;

/**
 * The rules of a monitor: per pair a z-score crossing and a cointegration break, per leg stale
 * data, and the price levels given.
 *
 * @example
 * ```ts
 * import { monitorAlertRules } from "@lib/pipeline/monitor/alert_loop.ts";
 * import assert from "node:assert/strict";
 * const rules = monitorAlertRules({ pairs: [{ y: "BTCUSDT", x: "ETHUSDT" }], z: 2 });
 * assert.deepEqual(rules.map((r) => `${r.kind} ${r.subject}`), [
 *   "z-score BTCUSDT:ETHUSDT", "cointegration BTCUSDT:ETHUSDT", "stale BTCUSDT", "stale ETHUSDT",
 * ]);
 * ```
 */
export function monitorAlertRules(spec: MonitorAlertSpec): AlertRule[] {
  const d = ALERT_LOOP_DEFAULTS;
  const rules: AlertRule[] = [];
  const dwellBars = spec.dwellBars ?? d.dwellBars, minMs = spec.dwellMs ?? d.dwellMs;
  const pLevel = spec.pValueLevel ?? d.pValueLevel;
  for (const p of spec.pairs) {
    const subject = `${p.y}:${p.x}`;
    rules.push({
      kind: "z-score",
      subject,
      threshold: spec.z,
      // the default at most half of z: the re-arm level z - hysteresis must stay above 0, or a
      // rule that starts disarmed could never arm (with --z 0.5 no z-score alert was raised)
      hysteresis: spec.zHysteresis ?? Math.min(d.zHysteresis, spec.z / 2),
      minBars: dwellBars,
      minMs,
    });
    rules.push({
      kind: "cointegration",
      subject,
      level: pLevel,
      // the default at most half of the level, for the same reason
      hysteresis: spec.pValueHysteresis ?? Math.min(d.pValueHysteresis, pLevel / 2),
      minBars: spec.cointDwellBars ?? d.cointDwellBars,
      minMs,
    });
  }
  for (const s of new Set(spec.pairs.flatMap((p) => [p.y, p.x]))) {
    rules.push({ kind: "stale", subject: s, maxSilenceMs: spec.staleMs ?? d.staleMs });
  }
  const pct = spec.priceHysteresisPct ?? d.priceHysteresisPct;
  for (const p of spec.prices ?? []) {
    rules.push({
      kind: "price",
      subject: p.symbol,
      level: p.level,
      direction: p.direction,
      hysteresis: p.level * pct / 100,
      minBars: dwellBars,
      minMs,
    });
  }
  checkAlertRules(rules);
  return rules;
}

/** Bars closed this long before a subject's newest one can hold alerts a kill lost. */
const START_LOSS_MS = 30_000;

/** Options of {@link AlertLoop}. */
export interface AlertLoopOptions {
  /** Venue id of the stored bars, e.g. `binance`. */
  readonly venue: string;
  readonly pairs: readonly PairKey[];
  readonly freq: Freq;
  readonly window: number;
  readonly z: number;
  readonly hedge: MonitorHedge;
  readonly rules: readonly AlertRule[];
  /** Webhook URLs every new alert is queued for. */
  readonly webhookUrls: readonly string[];
  /** When the monitor started (stale rules count silence from here when nothing traded). */
  readonly startedAt: number;
  /** Bars replayed per pair on start. @default 500 */
  readonly replayBars?: number;
}

/** Alerts stepped, stored and reported (see the module notes). */
export class AlertLoop {
  readonly #db: DatabaseSync;
  readonly #analytics: AnalyticsService;
  readonly #o: AlertLoopOptions;
  #state: AlertState | undefined;
  /** Newest bar stepped, per pair and per leg. */
  readonly #done = new Map<string, number>();

  constructor(db: DatabaseSync, analytics: AnalyticsService, options: AlertLoopOptions) {
    this.#db = db;
    this.#analytics = analytics;
    this.#o = options;
  }

  /**
   * Replay the rules over the last `replayBars` stored bars of every pair: the state is set
   * as after stepping them, and every alert they fire is returned, stored or not, without
   * storing anything (`start` decides what to store and report).
   */
  replay(now: number): readonly Alert[] {
    const obs: AlertObservation[] = [];
    const bars = this.#o.replayBars ?? ALERT_LOOP_DEFAULTS.replayBars;
    for (const p of this.#o.pairs) obs.push(...this.#observations(p, bars, now));
    obs.sort((a, b) => (a as { ts: number }).ts - (b as { ts: number }).ts);
    const r = replayAlerts(this.#o.rules, obs);
    this.#state = r.state;
    return r.alerts;
  }

  /**
   * Replay the rules over the stored bars of every pair ({@link replay}), so their state
   * (hysteresis, dwell) is what it was; returns the alerts reported as new (stored, printed,
   * published, queued for the webhooks): those a previous process fired but had not stored
   * (killed between storing a bar and storing its alert), normally none. Of the alerts the
   * replay finds that are not stored yet, only those on the newest bars of their subject (the
   * last 30 s of bars, at least the last one: what one flush closes) can be such a loss:
   * - a rule with stored alerts reports them, however long ago those bars closed;
   * - a rule with none (added on this start, e.g. `--price-alert`, or one that never fired)
   *   reports them only while they are recent (closed within two intervals plus 5 s of `now`);
   * - anything older is dropped: the process that stepped those bars did not fire it (a replay
   *   starting at another bar can differ in hysteresis state), and a new rule does not fire
   *   for old bars.
   */
  start(now: number): readonly Alert[] {
    const found = this.replay(now);
    if (found.length === 0) return [];
    const step = freqMs(this.#o.freq);
    const history = new Set<string>();
    for (const subject of new Set(found.map((a) => a.subject))) {
      for (const a of listAlerts(this.#db, { subject, limit: 1_000_000 })) {
        history.add(`${a.ruleId}/${a.subject}`);
      }
    }
    const report = found.filter((a) => {
      const newest = this.#done.get(a.subject) ?? -Infinity;
      if (a.ts < newest - Math.max(step, START_LOSS_MS)) return false;
      return history.has(`${a.ruleId}/${a.subject}`) || a.ts + step >= now - 2 * step - 5_000;
    });
    return this.#store(report, now);
  }

  /** Step the bars of `pair` closed since the last call; returns the alerts stored. */
  onPairBar(pair: PairKey, now: number): readonly Alert[] {
    if (this.#state === undefined) return this.start(now);
    const fresh: Alert[] = [];
    // only the bars closed since the last step need their values (one p-value each)
    const replay = this.#o.replayBars ?? ALERT_LOOP_DEFAULTS.replayBars;
    const done = this.#done.get(`${pair.y}:${pair.x}`);
    const newest = Math.max(
      ...[pair.y, pair.x].map((symbol) =>
        latestBarTs(this.#db, { venue: this.#o.venue, symbol, freq: this.#o.freq }) ?? -Infinity
      ),
    );
    const bars = done === undefined || !Number.isFinite(newest)
      ? replay
      : Math.min(replay, Math.max(1, Math.round((newest - done) / freqMs(this.#o.freq)) + 1));
    for (const o of this.#observations(pair, bars, now)) {
      const step = stepAlerts(this.#o.rules, this.#state!, o);
      this.#state = step.state;
      fresh.push(...step.alerts);
    }
    return this.#store(fresh, now);
  }

  /** Clock check of the stale-data rules; returns the alerts stored. */
  onClock(
    lastTradeTs: Readonly<Record<string, number | undefined>>,
    now: number,
  ): readonly Alert[] {
    if (this.#state === undefined) return [];
    const fresh: Alert[] = [];
    for (const r of this.#o.rules) {
      if (r.kind !== "stale") continue;
      const step = stepAlerts(this.#o.rules, this.#state, {
        kind: "clock",
        subject: r.subject,
        now,
        lastTradeTs: lastTradeTs[r.subject] ?? null,
        startedAt: this.#o.startedAt,
      });
      this.#state = step.state;
      fresh.push(...step.alerts);
    }
    return this.#store(fresh, now);
  }

  /** Stored alerts, newest `limit`, oldest first (`/api/alerts`). */
  list(limit: number): { alerts: unknown[] } {
    return {
      alerts: listAlerts(this.#db, { limit }).map((a) => ({
        ...a,
        value: Number.isFinite(a.value) ? a.value : null,
      })),
    };
  }

  #store(alerts: readonly Alert[], now: number): readonly Alert[] {
    if (alerts.length === 0) return [];
    const r = insertAlerts(this.#db, alerts, { webhookUrls: this.#o.webhookUrls, now });
    return r.inserted as readonly Alert[];
  }

  /** Observations of the pair's (and its legs') bars closed after the last ones stepped. */
  #observations(pair: PairKey, bars: number, _now: number): AlertObservation[] {
    if (this.#o.hedge === "kalman") return this.#kalmanObservations(pair, bars);
    const name = `${pair.y}:${pair.x}`;
    let s: ServedAnalytics;
    try {
      s = this.#analytics.compute({
        pair,
        freq: this.#o.freq,
        window: this.#o.window,
        hedge: this.#o.hedge,
        z: this.#o.z,
        limit: bars,
      });
    } catch {
      return []; // too few bars for the estimators yet
    }
    const a = s.analytics, n = a.ts.length;
    // only bars both legs have closed: a leg still open at the last row is stepped next time
    let end = n - 1;
    while (end >= 0 && !(Number.isFinite(a.y[end]!) && Number.isFinite(a.x[end]!))) end--;
    const out: AlertObservation[] = [];
    const after = this.#done.get(name) ?? -Infinity;
    for (let t = s.offset; t <= end; t++) {
      const ts = a.ts[t]!;
      if (ts <= after) continue;
      out.push({ kind: "bar", subject: name, ts, z: a.zScore[t]!, pValue: a.pValue[t]! });
      for (const [sym, close] of [[pair.y, a.y[t]!], [pair.x, a.x[t]!]] as const) {
        if (ts > (this.#done.get(sym) ?? -Infinity)) {
          out.push({ kind: "bar", subject: sym, ts, close });
          this.#done.set(sym, ts);
        }
      }
      this.#done.set(name, ts);
    }
    return out;
  }

  /**
   * The Kalman filter's state at a bar depends on where its bars start, so each bar's values
   * come from bars starting at a time fixed by the bar alone: the start of its block of
   * `replayBars` intervals, less the `2 window` warm-up. The live step and a replay after a
   * restart then compute the same z for the same bar, and fire the same alerts.
   */
  #kalmanObservations(pair: PairKey, bars: number): AlertObservation[] {
    const name = `${pair.y}:${pair.x}`;
    const o = this.#o, step = freqMs(o.freq);
    const block = (o.replayBars ?? ALERT_LOOP_DEFAULTS.replayBars) * step;
    const newest = Math.max(
      ...[pair.y, pair.x].map((symbol) =>
        latestBarTs(this.#db, { venue: o.venue, symbol, freq: o.freq }) ?? -Infinity
      ),
    );
    if (!Number.isFinite(newest)) return [];
    const after = this.#done.get(name) ?? -Infinity;
    const from = Math.max(after + step, newest - (bars - 1) * step);
    const out: AlertObservation[] = [];
    for (let b = Math.floor(from / block); b * block <= newest; b++) {
      const c = pairClosesSince(this.#db, o.venue, pair, o.freq, b * block - 2 * o.window * step);
      let end = c.ts.length - 1;
      while (end >= 0 && !(Number.isFinite(c.y[end]!) && Number.isFinite(c.x[end]!))) end--;
      let first = 0;
      while (first <= end && c.ts[first]! < Math.max(from, b * block)) first++;
      if (first > end) continue;
      let a;
      try {
        a = pairAnalytics(c.ts, c.y, c.x, {
          window: o.window,
          hedge: "kalman",
          z: o.z,
          pValueBars: c.ts.length - first,
        });
      } catch {
        continue; // too few bars for the estimators yet
      }
      for (let t = first; t <= end && c.ts[t]! < (b + 1) * block; t++) {
        const ts = c.ts[t]!;
        out.push({ kind: "bar", subject: name, ts, z: a.zScore[t]!, pValue: a.pValue[t]! });
        for (const [sym, close] of [[pair.y, c.y[t]!], [pair.x, c.x[t]!]] as const) {
          if (ts > (this.#done.get(sym) ?? -Infinity)) {
            out.push({ kind: "bar", subject: sym, ts, close });
            this.#done.set(sym, ts);
          }
        }
        this.#done.set(name, ts);
      }
    }
    return out;
  }
}
