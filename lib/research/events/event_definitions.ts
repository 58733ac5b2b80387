/**
 * The registry of named event definitions: causal functions of stored data that flag, per asset,
 * the bars at whose close an event is known.
 *
 * @module
 */
import { trailingStd, trailingZ } from "./_trailing.ts";

/**
 * What the event definitions read: per-asset columns on one bar grid (NaN = missing). Only
 * `logReturns`, `open` and `close` are required; a definition whose input is absent is reported
 * as unavailable, never silently empty.
 */
export interface EventInputs {
  readonly assets: readonly string[];
  readonly open: readonly Float64Array[];
  readonly close: readonly Float64Array[];
  readonly logReturns: readonly Float64Array[];
  /** Funding rate known at each bar's close (`fundingKnownAt` / `loadFundingOnGrid`); NaN where none. */
  readonly funding?: readonly Float64Array[] | undefined;
  /** Open interest known at each bar's close; NaN where none. */
  readonly openInterest?: readonly Float64Array[] | undefined;
  /** Net liquidated notional per bar: + shorts liquidated (buy orders), - longs liquidated; NaN where the store has none. */
  readonly liquidations?: readonly Float64Array[] | undefined;
  /** The same assets' closes on a second venue, for dislocations; NaN where none. */
  readonly otherVenueClose?: readonly Float64Array[] | undefined;
}

/** The input a definition needs beyond bars. */
export type EventInputKind =
  | "bars"
  | "funding"
  | "openInterest"
  | "liquidations"
  | "otherVenueClose";

/** Per-asset flags: +1 / -1 (the event's direction) at the bars whose close reveals an event, 0 elsewhere. */
export type EventFlags = readonly Int8Array[];

/** A named, causal event definition. */
export interface EventDefinition {
  /** Unique name, kebab-case, with its parameters, e.g. `jump-3sd`. */
  readonly name: string;
  readonly family:
    | "funding-extreme"
    | "vol-breakout"
    | "liquidation-cascade"
    | "oi-shock"
    | "jump"
    | "gap"
    | "dislocation";
  /** One sentence a report can print. */
  readonly description: string;
  readonly requires: EventInputKind;
  /** Flags at bar t use data at bars <= t only. */
  flags(inputs: EventInputs): EventFlags;
}

/** Defaults of the event definitions' parameters, stated once. */
export const EVENT_DEFINITION_DEFAULTS = {
  /** Trailing bars of the z-scores (one month of hours). */
  lookback: 720,
  /** Fewest finite trailing values before a z-score exists. */
  minHistory: 168,
  /** Funding z-score that makes an extreme. */
  fundingZ: 2.5,
  /** Short and long volatility windows (bars) of the compression ratio. */
  shortVol: 24,
  longVol: 720,
  /** Compression: short vol below this fraction of long vol at the bar before the breakout. */
  compression: 0.6,
  /** Breakout: |return| above this many short-vol units. */
  breakout: 2.5,
  /** Jump: |return| above this many trailing standard deviations. */
  jumpSd: 4,
  /** Gap: |ln(open_t / close_{t-1})| above this (1%). */
  gap: 0.01,
  /** Open-interest shock: z-score of the one-bar log change in open interest. */
  oiZ: 3,
  /** Liquidation cascade: |net liquidated notional| z-score. */
  liquidationZ: 4,
  /** Dislocation: z-score of ln(close / other venue close). */
  dislocationZ: 4,
} as const;

const D = EVENT_DEFINITION_DEFAULTS;

function columns(inputs: EventInputs, kind: EventInputKind): readonly Float64Array[] | undefined {
  switch (kind) {
    case "bars":
      return inputs.logReturns;
    case "funding":
      return inputs.funding;
    case "openInterest":
      return inputs.openInterest;
    case "liquidations":
      return inputs.liquidations;
    case "otherVenueClose":
      return inputs.otherVenueClose;
  }
}

/** Whether `inputs` carry any finite value of what `def` needs (an empty column set is "unavailable"). */
export function definitionAvailable(def: EventDefinition, inputs: EventInputs): boolean {
  const cols = columns(inputs, def.requires);
  if (cols === undefined) return false;
  for (const c of cols) for (let t = 0; t < c.length; t++) if (Number.isFinite(c[t]!)) return true;
  return false;
}

/** Onset flags from a per-bar signed condition: an event where the sign becomes non-zero or changes. */
function onsets(cond: Int8Array): Int8Array {
  const out = new Int8Array(cond.length);
  for (let t = 0; t < cond.length; t++) {
    const c = cond[t]!;
    if (c !== 0 && c !== (t > 0 ? cond[t - 1]! : 0)) out[t] = c;
  }
  return out;
}

function zEvents(x: Float64Array, threshold: number, sign: 1 | -1 | 0): Int8Array {
  const z = trailingZ(x, D.lookback, D.minHistory);
  const cond = new Int8Array(x.length);
  for (let t = 0; t < x.length; t++) {
    const v = z[t]!;
    if (!(Math.abs(v) >= threshold)) continue;
    const s = v > 0 ? 1 : -1;
    if (sign === 0 || s === sign) cond[t] = s;
  }
  return onsets(cond);
}

/** Funding extreme: the known rate `z` trailing standard deviations above (high) or below (low) its mean. */
export function fundingExtremeEvent(side: "high" | "low", z: number = D.fundingZ): EventDefinition {
  const sign = side === "high" ? 1 : -1;
  return {
    name: `funding-${side}-${z}z`,
    family: "funding-extreme",
    description: `Funding rate known at the bar's close ${
      side === "high" ? "above" : "below"
    } its trailing ${D.lookback}-bar mean by ${z} standard deviations (onset bar).`,
    requires: "funding",
    flags: (inputs) => (inputs.funding ?? []).map((f) => zEvents(f, z, sign)),
  };
}

/** Volatility compression then breakout. */
export function volBreakoutEvent(
  compression: number = D.compression,
  breakout: number = D.breakout,
): EventDefinition {
  return {
    name: `vol-squeeze-${compression}-breakout-${breakout}`,
    family: "vol-breakout",
    description:
      `Volatility compression (${D.shortVol}-bar vol below ${compression} x ${D.longVol}-bar vol at the previous bar) then a return beyond ${breakout} short-vol units; direction of the return.`,
    requires: "bars",
    flags: (inputs) =>
      inputs.logReturns.map((r) => {
        const sv = trailingStd(r, D.shortVol, D.shortVol - 4);
        const lv = trailingStd(r, D.longVol, D.minHistory);
        const out = new Int8Array(r.length);
        for (let t = 1; t < r.length; t++) {
          const s = sv[t - 1]!;
          if (!(s < compression * lv[t - 1]!)) continue;
          const x = r[t]!;
          if (Math.abs(x) > breakout * s) out[t] = x > 0 ? 1 : -1;
        }
        return out;
      }),
  };
}

/** A large one-bar move against trailing volatility. */
export function jumpEvent(sd: number = D.jumpSd): EventDefinition {
  return {
    name: `jump-${sd}sd`,
    family: "jump",
    description:
      `A bar's log return beyond ${sd} standard deviations of the previous ${D.lookback} bars; direction of the return.`,
    requires: "bars",
    flags: (inputs) =>
      inputs.logReturns.map((r) => {
        const z = trailingZ(r, D.lookback, D.minHistory);
        const out = new Int8Array(r.length);
        for (let t = 0; t < r.length; t++) {
          const v = z[t]!;
          if (Math.abs(v) > sd) out[t] = v > 0 ? 1 : -1;
        }
        return out;
      }),
  };
}

/** An open away from the previous close. */
export function gapEvent(size: number = D.gap): EventDefinition {
  return {
    name: `gap-${size * 100}pct`,
    family: "gap",
    description: `The bar opens more than ${
      size * 100
    }% away from the previous bar's close (a gap in the record or a venue halt); direction of the gap.`,
    requires: "bars",
    flags: (inputs) =>
      inputs.open.map((o, a) => {
        const c = inputs.close[a]!;
        const out = new Int8Array(o.length);
        for (let t = 1; t < o.length; t++) {
          const g = Math.log(o[t]! / c[t - 1]!);
          if (Math.abs(g) > size) out[t] = g > 0 ? 1 : -1;
        }
        return out;
      }),
  };
}

/** A one-bar open-interest change beyond `z` trailing standard deviations. */
export function oiShockEvent(z: number = D.oiZ): EventDefinition {
  return {
    name: `oi-shock-${z}z`,
    family: "oi-shock",
    description:
      `The one-bar log change of open interest beyond ${z} trailing standard deviations; + for a build-up, - for a flush.`,
    requires: "openInterest",
    flags: (inputs) =>
      (inputs.openInterest ?? []).map((oi) => {
        const d = new Float64Array(oi.length).fill(NaN);
        for (let t = 1; t < oi.length; t++) d[t] = Math.log(oi[t]! / oi[t - 1]!);
        return zEvents(d, z, 0);
      }),
  };
}

/** Net liquidations beyond `z` trailing standard deviations. */
export function liquidationCascadeEvent(z: number = D.liquidationZ): EventDefinition {
  return {
    name: `liquidation-cascade-${z}z`,
    family: "liquidation-cascade",
    description:
      `Net liquidated notional in the bar beyond ${z} trailing standard deviations; + when shorts were liquidated, - when longs were.`,
    requires: "liquidations",
    flags: (inputs) => (inputs.liquidations ?? []).map((l) => zEvents(l, z, 0)),
  };
}

/** The price gap to a second venue beyond `z` trailing standard deviations. */
export function dislocationEvent(z: number = D.dislocationZ): EventDefinition {
  return {
    name: `dislocation-${z}z`,
    family: "dislocation",
    description:
      `ln(close / close on the second venue) beyond ${z} trailing standard deviations; + when this venue is rich.`,
    requires: "otherVenueClose",
    flags: (inputs) =>
      (inputs.otherVenueClose ?? []).map((o, a) => {
        const c = inputs.close[a]!;
        const x = Float64Array.from(o, (v, t) => Math.log(c[t]! / v));
        return zEvents(x, z, 0);
      }),
  };
}

/**
 * The registry: 20 named event definitions (each family at two or three thresholds), in a fixed
 * order; build others with the factories (`jumpEvent(6)`, ...). Each `flags` is causal: the flag
 * at bar t reads bars <= t only (trailing statistics end at t - 1 or t; the tests perturb the data
 * after t and check).
 *
 * @example Jumps on a quiet series with one large move
 * ```ts
 * import { EVENT_DEFINITIONS } from "@lib/research/events/event_definitions.ts";
 * import assert from "node:assert/strict";
 * const r = Float64Array.from({ length: 1000 }, (_, t) => 0.01 * Math.sin(t * 1.7));
 * r[900] = -0.2;
 * const close = Float64Array.from({ length: 1000 }, (_, t) => 100 + t);
 * const jump = EVENT_DEFINITIONS.find((d) => d.family === "jump")!;
 * const [f] = jump.flags({ assets: ["X"], open: [close], close: [close], logReturns: [r] });
 * assert.equal(f![900], -1);
 * ```
 */
export const EVENT_DEFINITIONS: readonly EventDefinition[] = [
  fundingExtremeEvent("high", 2),
  fundingExtremeEvent("high", 3),
  fundingExtremeEvent("low", 2),
  fundingExtremeEvent("low", 3),
  volBreakoutEvent(0.5, 2.5),
  volBreakoutEvent(0.5, 3.5),
  volBreakoutEvent(0.7, 2.5),
  volBreakoutEvent(0.7, 3.5),
  liquidationCascadeEvent(3),
  liquidationCascadeEvent(5),
  oiShockEvent(2.5),
  oiShockEvent(4),
  jumpEvent(3),
  jumpEvent(4),
  jumpEvent(5),
  gapEvent(0.005),
  gapEvent(0.01),
  gapEvent(0.02),
  dislocationEvent(3),
  dislocationEvent(5),
];

/** An event with its direction. */
export interface SignedEvent {
  readonly asset: number;
  readonly bar: number;
  /** +1 or -1: the event's direction (see each definition). */
  readonly sign: number;
}

/**
 * Events from flags, declustered per asset: a flag within `cooldown` bars after the asset's last
 * kept event is dropped (so one episode is one event and event windows of one asset do not
 * overlap by much). Causal: whether bar t is kept depends on flags at bars <= t. Sorted by bar,
 * then asset. O(assets x bars).
 *
 * @example
 * ```ts
 * import { eventsFromFlags } from "@lib/research/events/event_definitions.ts";
 * import assert from "node:assert/strict";
 * const f = new Int8Array(100); f[10] = 1; f[12] = 1; f[50] = -1;
 * assert.deepEqual(eventsFromFlags([f], 24).map((e) => e.bar), [10, 50]);
 * ```
 */
export function eventsFromFlags(flags: EventFlags, cooldown: number): SignedEvent[] {
  if (!Number.isInteger(cooldown) || cooldown < 0) {
    throw new RangeError(
      `Cannot list events: cooldown must be an integer >= 0 bars, got ${cooldown}`,
    );
  }
  const out: SignedEvent[] = [];
  flags.forEach((f, asset) => {
    let last = -Infinity;
    for (let t = 0; t < f.length; t++) {
      const s = f[t]!;
      if (s === 0 || t - last <= cooldown) continue;
      last = t;
      out.push({ asset, bar: t, sign: s });
    }
  });
  return out.sort((a, b) => a.bar - b.bar || a.asset - b.asset);
}
