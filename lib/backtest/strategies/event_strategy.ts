/**
 * An event strategy: trade each asset for a fixed number of bars after each of its events of a
 * named definition from the event registry (what `deno task events` promotes).
 *
 * @module
 */
import { EVENT_DEFINITIONS, eventsFromFlags } from "../../research/events/event_definitions.ts";
import type { StrategyTargets } from "./types.ts";

/** Options of {@link eventStrategy}; defaults in {@link EVENT_STRATEGY_DEFAULTS}. */
export interface EventStrategyOptions {
  /** Name of a bar-based definition of `EVENT_DEFINITIONS` (e.g. `jump-4sd`). */
  readonly definition?: string;
  /** `long`, `short`, or `fade` (against the event's direction). */
  readonly action?: string;
  /** Bars the position is held after the fill. */
  readonly holding?: number;
  /** Bars after an event during which the asset's next flags are ignored (`eventsFromFlags`). */
  readonly cooldown?: number;
  /** Gross weight of the book: each asset's position is `weight / assets`. */
  readonly weight?: number;
}

/** Defaults of {@link EventStrategyOptions}, stated once. */
export const EVENT_STRATEGY_DEFAULTS = {
  definition: "jump-4sd",
  action: "fade",
  holding: 24,
  cooldown: 24,
  weight: 1,
} as const;

/** The definitions an event strategy can run on bars alone (no funding, OI, liquidations or second venue). */
export const BAR_EVENT_DEFINITIONS: readonly string[] = EVENT_DEFINITIONS
  .filter((d) => d.requires === "bars")
  .map((d) => d.name);

/**
 * Target weights of an event strategy on the asset columns given: at each event of an asset
 * (`definition` flagged at bar t's close, declustered per asset with `cooldown`), its target is
 * `d * weight / assets` (d = +1 long, -1 short, -sign fade) on rows t .. t + holding - 1, then 0;
 * an event inside a held position does not extend it. With the engine's lag each position is
 * held over the same bars as the trade `eventHypotheses` tests with that lag (which pools every
 * asset's events: this book holds them all at once, each at 1 / assets). Causal: row t uses bars
 * <= t. O(assets x bars).
 *
 * @example Fade a -20% jump for 3 bars
 * ```ts
 * import { eventStrategy } from "@lib/backtest/strategies/event_strategy.ts";
 * import assert from "node:assert/strict";
 * const n = 1000;
 * const r = Float64Array.from({ length: n }, (_, t) => (t === 0 ? NaN : 0.01 * Math.sin(t * 1.7)));
 * r[900] = -0.2;
 * const close = new Float64Array(n);
 * close[0] = 100;
 * for (let t = 1; t < n; t++) close[t] = close[t - 1]! * Math.exp(r[t]!);
 * const { weights } = eventStrategy({ open: [close], close: [close] }, { definition: "jump-4sd", action: "fade", holding: 3 });
 * assert.deepEqual([...weights[0]!.slice(899, 904)], [0, 1, 1, 1, 0]);
 * ```
 */
export function eventStrategy(
  bars: { readonly open: readonly Float64Array[]; readonly close: readonly Float64Array[] },
  options: EventStrategyOptions = {},
): StrategyTargets {
  const D = EVENT_STRATEGY_DEFAULTS;
  const name = options.definition ?? D.definition;
  const action = options.action ?? D.action;
  const holding = options.holding ?? D.holding;
  const cooldown = options.cooldown ?? D.cooldown;
  const weight = options.weight ?? D.weight;
  const def = EVENT_DEFINITIONS.find((d) => d.name === name);
  if (def === undefined || def.requires !== "bars") {
    throw new RangeError(
      `Cannot compute an event strategy: definition must be a bar-based event definition (${
        BAR_EVENT_DEFINITIONS.join(", ")
      }), got "${name}"` +
        (def ? `, which needs ${def.requires} (run it with deno task events)` : ""),
    );
  }
  if (action !== "long" && action !== "short" && action !== "fade") {
    throw new RangeError(
      `Cannot compute an event strategy: action must be long, short or fade, got "${action}"`,
    );
  }
  if (!Number.isInteger(holding) || holding < 1) {
    throw new RangeError(
      `Cannot compute an event strategy: holding must be an integer >= 1 bar, got ${holding}`,
    );
  }
  if (!(weight > 0) || !Number.isFinite(weight)) {
    throw new RangeError(
      `Cannot compute an event strategy: weight must be a finite number > 0, got ${weight}`,
    );
  }
  const { open, close } = bars;
  const A = close.length;
  if (A === 0 || open.length !== A) {
    throw new RangeError(
      `Cannot compute an event strategy: give open and close for at least one asset, got ${open.length} and ${A} columns`,
    );
  }
  const logReturns = close.map((c) => {
    const r = new Float64Array(c.length).fill(NaN);
    for (let t = 1; t < c.length; t++) r[t] = Math.log(c[t]! / c[t - 1]!);
    return r;
  });
  const flags = def.flags({ assets: close.map((_, a) => String(a)), open, close, logReturns });
  const events = eventsFromFlags(flags, cooldown);
  const weights = close.map((c) => new Float64Array(c.length));
  const until = new Float64Array(A).fill(-1);
  for (const e of events) {
    if (e.bar <= until[e.asset]!) continue;
    const d = action === "long" ? 1 : action === "short" ? -1 : -e.sign;
    const w = weights[e.asset]!;
    const end = Math.min(w.length - 1, e.bar + holding - 1);
    until[e.asset] = end;
    for (let t = e.bar; t <= end; t++) w[t] = d * weight / A;
  }
  return { weights };
}
