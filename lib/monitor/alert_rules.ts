/**
 * The live monitor's alert rules as one pure step function: `(state, observation) -> {state,
 * alerts}`, with deterministic alert ids, hysteresis and a minimum dwell.
 *
 * @module
 */
import type {
  Alert,
  AlertKind,
  AlertObservation,
  AlertRule,
  AlertState,
  AlertStep,
  BarObservation,
  ClockObservation,
  StaleState,
  ThresholdState,
} from "./alert_types.ts";

/** Defaults of the rule options, stated once. */
export const ALERT_DEFAULTS = {
  /** |z| that fires a z-score rule. */
  zThreshold: 2,
  /** A z-score rule re-arms when |z| < threshold - 0.5. */
  zHysteresis: 0.5,
  /** A cointegration rule fires at p >= 0.1. */
  pValueLevel: 0.1,
  /** Cointegration and price rules re-arm as soon as the value is back across the level. */
  hysteresis: 0,
  /** A stale-data rule fires after a minute without a trade. */
  maxSilenceMs: 60_000,
  /** Fire on the first observation where the condition holds. */
  minBars: 1,
  minMs: 0,
} as const;

const WHAT = "alert rules";

/** The id a rule's alerts carry (its `id`, or one built from its parameters). */
export function ruleId(rule: AlertRule): string {
  if (rule.id !== undefined) return rule.id;
  switch (rule.kind) {
    case "z-score":
      return `z-score>=${rule.threshold ?? ALERT_DEFAULTS.zThreshold}`;
    case "price":
      return `price-${rule.direction}-${rule.level}`;
    case "cointegration":
      return `cointegration-p>=${rule.level ?? ALERT_DEFAULTS.pValueLevel}`;
    case "stale":
      return `stale-${rule.maxSilenceMs ?? ALERT_DEFAULTS.maxSilenceMs}ms`;
  }
}

/**
 * The deterministic id of an alert: `${ruleId}/${subject}/${ts}` (ts in UTC ms). The same rule
 * on the same subject and bar always gives the same id, so alerts re-created by a replay are
 * recognised by the store (`insertAlerts` keeps one row per id).
 *
 * @example
 * ```ts
 * import { alertId } from "@lib/monitor/alert_rules.ts";
 * import assert from "node:assert/strict";
 * assert.equal(alertId("z-score>=2", "BTCUSDT:ETHUSDT", 1704067200000), "z-score>=2/BTCUSDT:ETHUSDT/1704067200000");
 * ```
 */
export function alertId(rule: string, subject: string, ts: number): string {
  return `${rule}/${subject}/${ts}`;
}

function checkNonNegative(name: string, v: number, id: string): void {
  if (!(v >= 0) || !Number.isFinite(v)) {
    throw new RangeError(
      `Cannot run ${WHAT}: rule ${id}: ${name} must be a finite number >= 0, got ${v}`,
    );
  }
}

/**
 * Check a rule list: known kinds, valid numbers, unique ids (two rules with one id would give
 * colliding alert ids). Throws a RangeError naming the rule and the option.
 */
export function checkAlertRules(rules: readonly AlertRule[]): void {
  const seen = new Set<string>();
  for (const r of rules) {
    const id = ruleId(r);
    if (typeof r.subject !== "string" || r.subject === "") {
      throw new RangeError(`Cannot run ${WHAT}: rule ${id} needs a subject (a pair or symbol)`);
    }
    const key = `${id}/${r.subject}`;
    if (seen.has(key)) {
      throw new RangeError(
        `Cannot run ${WHAT}: two rules are named ${id} for ${r.subject}; give them distinct ids`,
      );
    }
    seen.add(key);
    if (r.kind === "stale") {
      const s = r.maxSilenceMs ?? ALERT_DEFAULTS.maxSilenceMs;
      if (!(s > 0) || !Number.isFinite(s)) {
        throw new RangeError(
          `Cannot run ${WHAT}: rule ${id}: maxSilenceMs must be a finite number > 0, got ${s}`,
        );
      }
      continue;
    }
    if (r.kind !== "z-score" && r.kind !== "price" && r.kind !== "cointegration") {
      throw new RangeError(
        `Cannot run ${WHAT}: unknown rule kind ${(r as { kind: unknown }).kind}; use z-score, ` +
          `price, cointegration or stale`,
      );
    }
    const minBars = r.minBars ?? ALERT_DEFAULTS.minBars;
    if (!Number.isInteger(minBars) || minBars < 1) {
      throw new RangeError(
        `Cannot run ${WHAT}: rule ${id}: minBars must be an integer >= 1, got ${minBars}`,
      );
    }
    checkNonNegative("minMs", r.minMs ?? ALERT_DEFAULTS.minMs, id);
    const t = threshold(r);
    if (!Number.isFinite(t.level) || (r.kind === "z-score" && !(t.level > 0))) {
      throw new RangeError(
        `Cannot run ${WHAT}: rule ${id}: the threshold must be a finite number${
          r.kind === "z-score" ? " > 0" : ""
        }, got ${t.level}`,
      );
    }
    checkNonNegative("hysteresis", t.hysteresis, id);
    // a rule starts disarmed and arms beyond its re-arm level: that level must be reachable
    // (|z| and p-values are >= 0, prices > 0)
    if ((r.kind !== "price" || t.direction === "above") && !(t.hysteresis < t.level)) {
      throw new RangeError(
        `Cannot run ${WHAT}: rule ${id}: hysteresis must be below the threshold ${t.level} ` +
          `(the value must be able to fall below threshold - hysteresis to re-arm), got ` +
          `${t.hysteresis}`,
      );
    }
  }
}

interface Threshold {
  readonly level: number;
  readonly hysteresis: number;
  readonly direction: "above" | "below";
}

function threshold(r: Exclude<AlertRule, { kind: "stale" }>): Threshold {
  switch (r.kind) {
    case "z-score":
      return {
        level: r.threshold ?? ALERT_DEFAULTS.zThreshold,
        hysteresis: r.hysteresis ?? ALERT_DEFAULTS.zHysteresis,
        direction: "above",
      };
    case "price":
      return {
        level: r.level,
        hysteresis: r.hysteresis ?? ALERT_DEFAULTS.hysteresis,
        direction: r.direction,
      };
    case "cointegration":
      return {
        level: r.level ?? ALERT_DEFAULTS.pValueLevel,
        hysteresis: r.hysteresis ?? ALERT_DEFAULTS.hysteresis,
        direction: "above",
      };
  }
}

/** The state every rule starts from (see {@link stepAlerts} on start-up). */
export function initialAlertState(rules: readonly AlertRule[]): AlertState {
  checkAlertRules(rules);
  const out: Record<string, ThresholdState | StaleState> = {};
  for (const r of rules) {
    out[`${ruleId(r)}/${r.subject}`] = r.kind === "stale"
      ? { alertedFor: null, alertedNever: false }
      : { armed: false, held: 0, since: null };
  }
  return out;
}

const NOT_HOLDING: ThresholdState = { armed: true, held: 0, since: null };

/**
 * One threshold rule on one value: returns the next state and whether it fires. A value that is
 * not a finite number breaks a dwell in progress and changes nothing else.
 */
function thresholdStep(
  s: ThresholdState,
  value: number | undefined,
  ts: number,
  t: Threshold,
  minBars: number,
  minMs: number,
): { readonly state: ThresholdState; readonly fire: boolean } {
  if (value === undefined || !Number.isFinite(value)) {
    return { state: s.held === 0 ? s : { armed: s.armed, held: 0, since: null }, fire: false };
  }
  const up = t.direction === "above";
  if (!s.armed) {
    const rearm = up ? value < t.level - t.hysteresis : value > t.level + t.hysteresis;
    return { state: rearm ? NOT_HOLDING : s, fire: false };
  }
  const holds = up ? value >= t.level : value <= t.level;
  if (!holds) return { state: s.held === 0 ? s : NOT_HOLDING, fire: false };
  const held = s.held + 1, since = s.since ?? ts;
  if (held >= minBars && ts - since >= minMs) {
    return { state: { armed: false, held: 0, since: null }, fire: true };
  }
  return { state: { armed: true, held, since }, fire: false };
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, "");
}

function barAlert(
  rule: Exclude<AlertRule, { kind: "stale" }>,
  id: string,
  obs: BarObservation,
  value: number,
  t: Threshold,
): Alert {
  const when = new Date(obs.ts).toISOString();
  const kind: AlertKind = rule.kind;
  let side: "above" | "below" = t.direction;
  let message: string;
  if (rule.kind === "z-score") {
    side = value >= 0 ? "above" : "below";
    message = `${obs.subject}: spread z-score ${fmt(value)} crossed ${
      side === "above" ? "above +" : "below -"
    }${fmt(t.level)} (bar ${when})`;
  } else if (rule.kind === "price") {
    message = `${obs.subject}: close ${fmt(value)} crossed ${side} ${fmt(t.level)} (bar ${when})`;
  } else {
    message = `${obs.subject}: cointegration p-value ${fmt(value)} rose to ${
      fmt(t.level)
    } or above: the pair may have broken (bar ${when})`;
  }
  return {
    id: alertId(id, obs.subject, obs.ts),
    ruleId: id,
    kind,
    subject: obs.subject,
    ts: obs.ts,
    value,
    threshold: t.level,
    side,
    message,
  };
}

function staleStep(
  rule: Extract<AlertRule, { kind: "stale" }>,
  id: string,
  s: StaleState,
  obs: ClockObservation,
): { readonly state: StaleState; readonly alert: Alert | undefined } {
  const max = rule.maxSilenceMs ?? ALERT_DEFAULTS.maxSilenceMs;
  const last = obs.lastTradeTs;
  const anchor = last ?? obs.startedAt;
  const silence = obs.now - anchor;
  const already = last === null ? s.alertedNever && s.alertedFor === anchor : s.alertedFor === last;
  if (!(silence >= max) || already) return { state: s, alert: undefined };
  const ts = anchor + max;
  const message = last === null
    ? `${obs.subject}: no trade since the monitor started at ${new Date(anchor).toISOString()} (${
      fmt(silence / 1000)
    } s, limit ${fmt(max / 1000)} s)`
    : `${obs.subject}: no trade for ${fmt(silence / 1000)} s since ${
      new Date(last).toISOString()
    } (limit ${fmt(max / 1000)} s)`;
  return {
    state: { alertedFor: anchor, alertedNever: last === null },
    alert: {
      id: alertId(id, obs.subject, ts),
      ruleId: id,
      kind: "stale",
      subject: obs.subject,
      ts,
      value: silence,
      threshold: max,
      side: "above",
      message,
    },
  };
}

/**
 * Step every rule of `rules` on one observation and return the next state and the alerts it
 * fired. Pure: the same rules, state and observation always give the same result, so a replay
 * of the stored bars re-creates the same alerts with the same ids.
 *
 * Rules only see observations of their own `subject`. A bar observation steps the z-score
 * rules on `z` (|z| against the threshold), the cointegration rules on `pValue` and the price
 * rules on `close`; a clock observation steps the stale-data rules.
 *
 * - Hysteresis: after firing, a threshold rule is disarmed until the value is back beyond the
 *   re-arm level (|z| < threshold - hysteresis; close < level - hysteresis for `above`, >
 *   level + hysteresis for `below`; p < level - hysteresis).
 * - Minimum dwell: while armed, the condition must hold on `minBars` consecutive observations
 *   and for `minMs` from the first of them; a NaN or missing value, or a value that does not
 *   hold, restarts the count. The alert carries the bar at which the dwell was met.
 * - Start-up: every threshold rule starts DISARMED (see {@link initialAlertState}): a value
 *   already beyond the threshold at the first observation is not a crossing (nothing was seen
 *   to cross), so the rule must first see the value at its re-arm level. A consequence worth
 *   relying on: a replay started at any later bar reaches exactly the state of the full run at
 *   the first bar where the value is at its re-arm level, and from there fires the same alerts
 *   with the same ids (before that it may fire fewer, never others).
 * - Stale data fires once per silent spell, the spell named by the last trade before it (or by
 *   `startedAt` when nothing ever traded); its alert time is `lastTradeTs + maxSilenceMs`.
 *
 * O(rules) per observation.
 *
 * @example Hysteresis: fires at 2.1, not again at 2.3, again after |z| fell below 1.5
 * ```ts
 * import { initialAlertState, stepAlerts } from "@lib/monitor/alert_rules.ts";
 * import assert from "node:assert/strict";
 * const rules = [{ kind: "z-score" as const, subject: "BTCUSDT:ETHUSDT", threshold: 2, hysteresis: 0.5 }];
 * let state = initialAlertState(rules);
 * const fired: string[] = [];
 * [0.3, 2.1, 1.7, 2.3, 1.2, -2.4].forEach((z, i) => {
 *   const step = stepAlerts(rules, state, { kind: "bar", subject: "BTCUSDT:ETHUSDT", ts: i * 60_000, z });
 *   state = step.state;
 *   fired.push(...step.alerts.map((a) => a.id));
 * });
 * assert.deepEqual(fired, ["z-score>=2/BTCUSDT:ETHUSDT/60000", "z-score>=2/BTCUSDT:ETHUSDT/300000"]);
 * ```
 */
export function stepAlerts(
  rules: readonly AlertRule[],
  state: AlertState,
  observation: AlertObservation,
): AlertStep {
  const next: Record<string, ThresholdState | StaleState> = { ...state };
  const alerts: Alert[] = [];
  for (const rule of rules) {
    if (rule.subject !== observation.subject) continue;
    const id = ruleId(rule);
    const key = `${id}/${rule.subject}`;
    const s = state[key];
    if (s === undefined) {
      throw new RangeError(
        `Cannot run ${WHAT}: the state has no entry for rule ${key}; start from ` +
          `initialAlertState(rules) with the same rules`,
      );
    }
    if (rule.kind === "stale") {
      if (observation.kind !== "clock") continue;
      const r = staleStep(rule, id, s as StaleState, observation);
      next[key] = r.state;
      if (r.alert) alerts.push(r.alert);
      continue;
    }
    if (observation.kind !== "bar") continue;
    const value = rule.kind === "z-score"
      ? observation.z
      : rule.kind === "price"
      ? observation.close
      : observation.pValue;
    const t = threshold(rule);
    const watched = rule.kind === "z-score" && value !== undefined ? Math.abs(value) : value;
    const r = thresholdStep(
      s as ThresholdState,
      watched,
      observation.ts,
      t,
      rule.minBars ?? ALERT_DEFAULTS.minBars,
      rule.minMs ?? ALERT_DEFAULTS.minMs,
    );
    next[key] = r.state;
    if (r.fire) alerts.push(barAlert(rule, id, observation, value!, t));
  }
  return { state: next, alerts };
}

/** What {@link replayAlerts} returns. */
export interface AlertReplay {
  /** Every alert fired, in observation order. */
  readonly alerts: readonly Alert[];
  /** The state after the last observation. */
  readonly state: AlertState;
}

/**
 * Run {@link stepAlerts} over observations in order, from `state` (default: the start-up state).
 * What a restarted monitor calls on the stored bars to rebuild its state; the alerts it returns
 * are already stored (same ids) except those the killed process had not written yet.
 *
 * @example
 * ```ts
 * import { replayAlerts } from "@lib/monitor/alert_rules.ts";
 * import assert from "node:assert/strict";
 * const rules = [{ kind: "price" as const, subject: "BTCUSDT", level: 100, direction: "above" as const, minBars: 2 }];
 * const obs = [99, 101, 99, 101, 102, 103].map((close, i) => ({ kind: "bar" as const, subject: "BTCUSDT", ts: i, close }));
 * assert.deepEqual(replayAlerts(rules, obs).alerts.map((a) => a.ts), [4]);
 * ```
 */
export function replayAlerts(
  rules: readonly AlertRule[],
  observations: Iterable<AlertObservation>,
  state: AlertState = initialAlertState(rules),
): AlertReplay {
  const alerts: Alert[] = [];
  let s = state;
  for (const o of observations) {
    const step = stepAlerts(rules, s, o);
    s = step.state;
    for (const a of step.alerts) alerts.push(a);
  }
  return { alerts, state: s };
}
