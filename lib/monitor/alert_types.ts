/**
 * Types of the live monitor's alert rules: the rules, the observations they step on, the alerts
 * they emit and their (JSON-serializable) state.
 *
 * @module
 */

/** What kind of condition a rule watches. */
export type AlertKind = "z-score" | "price" | "cointegration" | "stale";

/**
 * When a condition must have held before its alert fires (the minimum dwell). Both limits
 * apply: the condition must hold on `minBars` consecutive observations AND for at least
 * `minMs` between the first of them and the current one. The defaults (1 bar, 0 ms) fire on
 * the first observation where the condition holds.
 */
export interface DwellOptions {
  /** Consecutive observations on which the condition holds. @default 1 */
  readonly minBars?: number;
  /** Milliseconds from the first observation of the run to the current one. @default 0 */
  readonly minMs?: number;
}

/**
 * A spread z-score crossing: fires when `|z|` rises to `threshold` or above (held for the dwell)
 * and cannot fire again until `|z|` has fallen below `threshold - hysteresis`.
 */
export interface ZScoreRule extends DwellOptions {
  readonly kind: "z-score";
  /** The rule's name, part of every alert id. @default `z-score>=${threshold}` */
  readonly id?: string;
  /** The pair, as the observations name it (e.g. `BTCUSDT:ETHUSDT`). */
  readonly subject: string;
  /** |z| that fires. @default 2 */
  readonly threshold?: number;
  /** How far below `threshold` |z| must fall to re-arm the rule (>= 0). @default 0.5 */
  readonly hysteresis?: number;
}

/**
 * A price level: fires when the close crosses to `level` or beyond in `direction` (held for the
 * dwell); re-arms when the close is back beyond `level -/+ hysteresis` (absolute price units).
 */
export interface PriceRule extends DwellOptions {
  readonly kind: "price";
  /** @default `price-${direction}-${level}` */
  readonly id?: string;
  /** The symbol, as the observations name it (e.g. `BTCUSDT`). */
  readonly subject: string;
  readonly level: number;
  /** `above`: close >= level fires; `below`: close <= level fires. */
  readonly direction: "above" | "below";
  /** Re-arm distance in price units (>= 0). @default 0 */
  readonly hysteresis?: number;
}

/**
 * A cointegration break: fires when the rolling Engle-Granger / ADF p-value of the pair's
 * current window rises to `level` or above (held for the dwell), re-arms when it falls below
 * `level - hysteresis`.
 */
export interface CointegrationRule extends DwellOptions {
  readonly kind: "cointegration";
  /** @default `cointegration-p>=${level}` */
  readonly id?: string;
  readonly subject: string;
  /** p-value at or above which the pair is called broken. @default 0.1 */
  readonly level?: number;
  /** @default 0 */
  readonly hysteresis?: number;
}

/**
 * Stale data: fires when no trade of `subject` arrived for `maxSilenceMs`. One alert per silent
 * spell: the spell is named by the time of the last trade before it, so a clock check repeated
 * (or replayed after a restart) during the same silence gives the same id.
 */
export interface StaleRule {
  readonly kind: "stale";
  /** @default `stale-${maxSilenceMs}ms` */
  readonly id?: string;
  readonly subject: string;
  /** Silence that fires, in ms. @default 60_000 */
  readonly maxSilenceMs?: number;
}

/** Any alert rule. */
export type AlertRule = ZScoreRule | PriceRule | CointegrationRule | StaleRule;

/**
 * A bar of one subject closed: the values the rules of that subject may watch (a missing or
 * NaN value is "unknown": it neither fires nor re-arms, and it breaks a dwell in progress).
 */
export interface BarObservation {
  readonly kind: "bar";
  /** The pair (`Y:X`) or symbol the values belong to. */
  readonly subject: string;
  /** The bar's open time, UTC epoch ms (the id of every alert it fires). */
  readonly ts: number;
  /** The spread's causal z-score at this bar (z-score rules). */
  readonly z?: number;
  /** The rolling cointegration p-value at this bar (cointegration rules). */
  readonly pValue?: number;
  /** The bar's close (price rules). */
  readonly close?: number;
}

/** A clock check for stale-data rules. */
export interface ClockObservation {
  readonly kind: "clock";
  readonly subject: string;
  /** Now, UTC epoch ms. */
  readonly now: number;
  /** Time of the subject's last stored trade (UTC ms); null when it never traded. */
  readonly lastTradeTs: number | null;
  /** When the monitor started (UTC ms): the silence counts from here when nothing ever traded. */
  readonly startedAt: number;
}

/** What the rules step on. */
export type AlertObservation = BarObservation | ClockObservation;

/** One alert, as stored (append-only) and sent. */
export interface Alert {
  /**
   * `${ruleId}/${subject}/${ts}`: the same rule, subject and bar give the same id, so a replay
   * after a restart re-creates ids already stored and the store keeps one row each.
   */
  readonly id: string;
  readonly ruleId: string;
  readonly kind: AlertKind;
  readonly subject: string;
  /**
   * Bar open time that fired (UTC ms); for a stale alert, the time of the last trade before the
   * silence (the time the alert was noticed is in `value`'s message).
   */
  readonly ts: number;
  /** The observed value that fired: z, close, p-value, or silence in ms. */
  readonly value: number;
  /** The rule's threshold (z threshold, price level, p-value level, silence in ms). */
  readonly threshold: number;
  /** Which side crossed: `above` (z >= +threshold, close >= level, p >= level, silence), `below`. */
  readonly side: "above" | "below";
  /** One sentence for people (printed, shown on the page, sent to the webhook). */
  readonly message: string;
}

/** The state of one threshold rule (plain JSON). */
export interface ThresholdState {
  /** False after it fired, until the value re-crossed the re-arm level. */
  readonly armed: boolean;
  /** Consecutive observations on which the condition held while armed (0 when not holding). */
  readonly held: number;
  /** Time of the first of them (null when not holding). */
  readonly since: number | null;
}

/** The state of a stale-data rule (plain JSON). */
export interface StaleState {
  /** The `lastTradeTs` (or `startedAt`) naming the silent spell already alerted (null: none). */
  readonly alertedFor: number | null;
  /** True when that spell was the "never traded" one. */
  readonly alertedNever: boolean;
}

/** The state of every rule, by rule id (plain JSON; store it or rebuild it by replay). */
export type AlertState = Readonly<Record<string, ThresholdState | StaleState>>;

/** What one step returns. */
export interface AlertStep {
  readonly state: AlertState;
  /** Alerts fired by this observation, in rule order. */
  readonly alerts: readonly Alert[];
}
