/**
 * The signal library: causal cross-sectional signals computed from a {@link Panel}, and a
 * registry of named signals (`momentum_24`, `reversal_1`, ...) for tasks and reports.
 *
 * Every signal returns an asset-major panel `[asset][t]` whose value at t uses bars up to t
 * only (NaN = no value), so it can be tested against `forwardReturns(logReturns, h)` (returns
 * t+1..t+h) without look-ahead.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { amihudIlliquidity } from "./amihud.ts";
import { btcBeta } from "./beta.ts";
import { lowVolatility } from "./low_volatility.ts";
import { momentum } from "./momentum.ts";
import { residualMomentum } from "./residual_momentum.ts";
import { reversal } from "./reversal.ts";
import { volumeSurprise } from "./volume_surprise.ts";

export { amihudIlliquidity } from "./amihud.ts";
export type { AmihudOptions } from "./amihud.ts";
export { btcBeta } from "./beta.ts";
export type { BtcBetaOptions } from "./beta.ts";
export { lowVolatility } from "./low_volatility.ts";
export type { LowVolatilityOptions } from "./low_volatility.ts";
export { momentum } from "./momentum.ts";
export type { MomentumOptions } from "./momentum.ts";
export { residualMomentum } from "./residual_momentum.ts";
export type { ResidualMomentumOptions } from "./residual_momentum.ts";
export { reversal } from "./reversal.ts";
export type { ReversalOptions } from "./reversal.ts";
export { volumeSurprise } from "./volume_surprise.ts";
export type { VolumeSurpriseOptions } from "./volume_surprise.ts";

/** The signal families a name `<family>_<lookback>` may use. */
export const SIGNAL_FAMILIES = [
  "momentum",
  "residual_momentum",
  "reversal",
  "low_vol",
  "volume_surprise",
  "amihud",
  "beta",
] as const;

/** One of {@link SIGNAL_FAMILIES}. */
export type SignalFamily = typeof SIGNAL_FAMILIES[number];

/** A named, parameterized signal. */
export interface SignalDefinition {
  /** `<family>_<lookback>`, e.g. `momentum_24`. */
  readonly name: string;
  readonly family: SignalFamily;
  /** Lookback in bars. */
  readonly lookback: number;
  /** One line on what it measures and the sign convention. */
  readonly description: string;
  /** Compute the signal panel `[asset][t]` (causal: the value at t uses bars up to t). */
  readonly compute: (panel: Panel) => Float64Array[];
}

/**
 * The fewest finite bars a named signal needs in its window: all of them below 100 bars, 95%
 * from 100 bars on, so that a shared exchange outage of an hour or two does not blank a 720-bar
 * signal for a month (on the NFI universe strict 720-bar windows leave 35% of cells). Call the
 * signal functions directly for other choices.
 *
 * @example Strict short windows, 95% for long ones
 * ```ts
 * import { namedMinObs } from "@lib/research/signals/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(namedMinObs(24), 24);
 * assert.equal(namedMinObs(720), 684);
 * ```
 */
export function namedMinObs(lookback: number): number {
  return lookback < 100 ? lookback : Math.ceil(0.95 * lookback);
}

const DESCRIPTIONS: Record<SignalFamily, string> = {
  momentum: "sum of the last L log returns (higher = recent winner)",
  residual_momentum:
    "sum of the last L causal residual returns after rolling BTC/ETH betas (720-bar window)",
  reversal: "minus the last L-bar log return (higher = recent loser)",
  low_vol: "minus the std of the last L log returns (higher = calmer)",
  volume_surprise: "log of volume over its mean of the previous L bars",
  amihud: "mean of |log return| / (close * volume) over L bars (higher = less liquid)",
  beta: "rolling beta of log returns to BTC over L bars",
};

function build(family: SignalFamily, L: number): (panel: Panel) => Float64Array[] {
  const minObs = namedMinObs(L);
  switch (family) {
    case "momentum":
      return (p) => momentum(p, { lookback: L, minObs });
    case "residual_momentum":
      return (p) =>
        residualMomentum(p, {
          lookback: L,
          minObs,
          window: 720,
          regressionMinObs: namedMinObs(720),
        });
    case "reversal":
      return (p) => reversal(p, { lookback: L });
    case "low_vol":
      return (p) => lowVolatility(p, { lookback: L, minObs });
    case "volume_surprise":
      return (p) => volumeSurprise(p, { lookback: L, minObs });
    case "amihud":
      return (p) => amihudIlliquidity(p, { lookback: L, minObs });
    case "beta":
      return (p) => btcBeta(p, { lookback: L, minObs });
  }
}

/**
 * Parse a signal name `<family>_<lookback>` (any family of {@link SIGNAL_FAMILIES}, any integer
 * lookback the family accepts: >= 1, >= 2 for `low_vol` and `beta`) into its definition. Names
 * outside {@link SIGNALS} work too (`momentum_72`). Throws a `RangeError` listing the families
 * on a bad name. Windows follow {@link namedMinObs}.
 *
 * @example Parse a name, refuse an unknown family
 * ```ts
 * import { parseSignalName } from "@lib/research/signals/mod.ts";
 * import assert from "node:assert/strict";
 * const s = parseSignalName("residual_momentum_168");
 * assert.equal(s.family, "residual_momentum");
 * assert.equal(s.lookback, 168);
 * assert.throws(() => parseSignalName("carry_24"), /unknown signal family "carry"/);
 * ```
 */
export function parseSignalName(name: string): SignalDefinition {
  const cut = name.lastIndexOf("_");
  const family = name.slice(0, cut);
  const lookbackText = name.slice(cut + 1);
  if (cut <= 0 || !/^[1-9][0-9]*$/.test(lookbackText)) {
    throw new RangeError(
      `Cannot parse signal name "${name}": expected <family>_<lookback bars>, e.g. momentum_24`,
    );
  }
  if (!(SIGNAL_FAMILIES as readonly string[]).includes(family)) {
    throw new RangeError(
      `Cannot parse signal name "${name}": unknown signal family "${family}"; known families: ` +
        SIGNAL_FAMILIES.join(", "),
    );
  }
  const f = family as SignalFamily;
  const lookback = Number(lookbackText);
  if ((f === "low_vol" || f === "beta") && lookback < 2) {
    throw new RangeError(`Cannot parse signal name "${name}": ${f} needs a lookback >= 2 bars`);
  }
  return {
    name,
    family: f,
    lookback,
    description: DESCRIPTIONS[f].replaceAll("L", String(lookback)),
    compute: build(f, lookback),
  };
}

/** The names of the default signals, in report order. */
export const SIGNAL_NAMES = [
  "momentum_24",
  "momentum_168",
  "momentum_720",
  "residual_momentum_168",
  "reversal_1",
  "low_vol_168",
  "volume_surprise_24",
  "amihud_168",
  "beta_720",
] as const;

/**
 * The default signal library by name: momentum over a day, a week and a month of hourly bars,
 * residual momentum, one-bar reversal, low volatility, volume surprise, Amihud illiquidity and
 * BTC beta. Each entry is {@link parseSignalName} of its name.
 *
 * @example The nine default signals
 * ```ts
 * import { SIGNALS } from "@lib/research/signals/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(SIGNALS.momentum_24.lookback, 24);
 * assert.equal(Object.keys(SIGNALS).length, 9);
 * ```
 */
export const SIGNALS: Readonly<Record<typeof SIGNAL_NAMES[number], SignalDefinition>> = Object
  .fromEntries(SIGNAL_NAMES.map((n) => [n, parseSignalName(n)])) as Record<
    typeof SIGNAL_NAMES[number],
    SignalDefinition
  >;
