/**
 * A strategy named by text (a task's flags or a JSON file) turned into the library call that
 * computes its target weights: `ma-crossover` and `vol-breakout` on one asset, `pairs` on two,
 * `long-short` on every asset from a named library signal or a researcher's own values.
 *
 * @module
 */
import type { Panel } from "../panel/types.ts";
import { subsetPanel } from "../panel/subset_panel.ts";
import { parseSignalName } from "../research/signals/mod.ts";
import {
  LONG_SHORT_DEFAULTS,
  longShort,
  MA_CROSSOVER_DEFAULTS,
  maCrossover,
  PAIRS_MEAN_REVERSION_DEFAULTS,
  pairsMeanReversion,
  type StrategyTargets,
  VOLATILITY_BREAKOUT_DEFAULTS,
  volatilityBreakout,
} from "../backtest/strategies/mod.ts";

/** The strategies a task can run. */
export const STRATEGY_NAMES = ["ma-crossover", "vol-breakout", "pairs", "long-short"] as const;
export type StrategyName = typeof STRATEGY_NAMES[number];

/** A parameter value as text gives it. */
export type StrategyParam = number | string | boolean;

/**
 * The parameters each strategy takes, with their defaults (the library's, stated once there),
 * and their type: a parameter not listed here is refused.
 */
export const STRATEGY_PARAMS: Readonly<
  Record<StrategyName, Readonly<Record<string, StrategyParam>>>
> = {
  "ma-crossover": { ...MA_CROSSOVER_DEFAULTS },
  "vol-breakout": { ...VOLATILITY_BREAKOUT_DEFAULTS },
  pairs: { ...PAIRS_MEAN_REVERSION_DEFAULTS },
  "long-short": {
    quantile: LONG_SHORT_DEFAULTS.quantile,
    weighting: LONG_SHORT_DEFAULTS.weighting,
    gross: LONG_SHORT_DEFAULTS.gross,
    net: LONG_SHORT_DEFAULTS.net,
    minAssets: LONG_SHORT_DEFAULTS.minAssets,
  },
};

/** Optional parameters with no default value (their default depends on another one). */
const EXTRA_NUMBER_PARAMS: Readonly<Partial<Record<StrategyName, readonly string[]>>> = {
  pairs: ["hedgeMinObs", "zMinObs"],
};

/** A strategy and its parameters, as a task reads them. */
export interface StrategySpec {
  readonly strategy: StrategyName;
  /**
   * The traded assets: one for `ma-crossover` / `vol-breakout`, `[y, x]` for `pairs`
   * (y long when the spread is long); ignored by `long-short`, which trades the whole universe.
   */
  readonly assets?: readonly string[] | undefined;
  /** `long-short`: a library signal name such as `momentum_24`. */
  readonly signal?: string | undefined;
  /** Parameters by name (see {@link STRATEGY_PARAMS}); unset ones take the library default. */
  readonly params?: Readonly<Record<string, StrategyParam>> | undefined;
}

/** A checked spec: what {@link resolveStrategy} returns. */
export interface ResolvedStrategy {
  readonly strategy: StrategyName;
  /** The panel columns the strategy trades, in the order its targets come. */
  readonly assets: readonly string[];
  /** Every parameter after defaults. */
  readonly params: Readonly<Record<string, StrategyParam>>;
  /** Short human name, e.g. `ma-crossover BTCUSDT (fast 20, slow 100)`. */
  readonly label: string;
  /**
   * Target weights on a panel holding (at least) `assets`; causal as the library function is.
   * `values` replaces the library signal of `long-short` (a researcher's own values aligned to
   * the panel); rows past the panel's end are ignored.
   */
  readonly targets: (panel: Panel) => StrategyTargets;
}

/** A spec that cannot run; the message says what to change. */
export class StrategySpecError extends RangeError {
  override name = "StrategySpecError";
}

/**
 * Parse `key=value` as a parameter: numbers (`20`, `0.5`, `Infinity`), `true` / `false`, else
 * the text.
 *
 * @example
 * ```ts
 * import { parseParam } from "@lib/pipeline/strategy_spec.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseParam("fast=20"), ["fast", 20]);
 * assert.deepEqual(parseParam("short=true"), ["short", true]);
 * assert.deepEqual(parseParam("kind=ema"), ["kind", "ema"]);
 * ```
 */
export function parseParam(text: string): [string, StrategyParam] {
  const eq = text.indexOf("=");
  if (eq <= 0) {
    throw new StrategySpecError(`a parameter must be key=value, e.g. fast=20; got "${text}"`);
  }
  return [text.slice(0, eq).trim(), parseValue(text.slice(eq + 1).trim())];
}

/** A value as text: a number, true/false, or the text itself. */
export function parseValue(v: string): StrategyParam {
  if (v === "true") return true;
  if (v === "false") return false;
  if (v === "Infinity" || v === "-Infinity") return Number(v);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) return Number(v);
  return v;
}

function checkParams(
  strategy: StrategyName,
  params: Readonly<Record<string, StrategyParam>>,
): Record<string, StrategyParam> {
  const defaults = STRATEGY_PARAMS[strategy];
  const extra = EXTRA_NUMBER_PARAMS[strategy] ?? [];
  const out: Record<string, StrategyParam> = { ...defaults };
  for (const [k, v] of Object.entries(params)) {
    const d = defaults[k];
    if (d === undefined && !extra.includes(k)) {
      throw new StrategySpecError(
        `${strategy} has no parameter "${k}"; its parameters are ` +
          [...Object.keys(defaults), ...extra].join(", "),
      );
    }
    const want = d === undefined ? "number" : typeof d;
    const got = typeof v;
    if (got !== want) {
      throw new StrategySpecError(
        `${strategy} parameter ${k} must be a ${want}, got ${JSON.stringify(v)}`,
      );
    }
    out[k] = v;
  }
  return out;
}

/**
 * Check a spec against a universe and return the function that computes its targets. Errors
 * (unknown strategy, parameter, asset or signal; wrong number of assets) are
 * {@link StrategySpecError}s that say what to pass instead.
 *
 * @example A moving-average crossover on BTC
 * ```ts
 * import { resolveStrategy } from "@lib/pipeline/strategy_spec.ts";
 * import assert from "node:assert/strict";
 * const s = resolveStrategy({ strategy: "ma-crossover", assets: ["BTCUSDT"], params: { fast: 5 } },
 *   ["BTCUSDT", "ETHUSDT"]);
 * assert.equal(s.params.fast, 5);
 * assert.equal(s.params.slow, 100);
 * assert.throws(() => resolveStrategy({ strategy: "pairs", assets: ["BTCUSDT"] }, ["BTCUSDT"]),
 *   /pairs trades two assets/);
 * ```
 */
export function resolveStrategy(
  spec: StrategySpec,
  universe: readonly string[],
  values?: readonly ArrayLike<number>[],
): ResolvedStrategy {
  const strategy = spec.strategy;
  if (!(STRATEGY_NAMES as readonly string[]).includes(strategy)) {
    throw new StrategySpecError(
      `unknown strategy "${strategy}"; choose one of ${STRATEGY_NAMES.join(", ")}`,
    );
  }
  const params = checkParams(strategy, spec.params ?? {});
  const p = params as Record<string, never>;
  const want = strategy === "pairs" ? 2 : strategy === "long-short" ? 0 : 1;
  let assets: readonly string[];
  if (want === 0) {
    assets = universe;
  } else {
    assets = spec.assets ?? [];
    if (assets.length !== want) {
      throw new StrategySpecError(
        strategy === "pairs"
          ? `pairs trades two assets: give --assets Y,X (y long when the spread is long), got ` +
            `${assets.length}`
          : `${strategy} trades one asset: give --assets SYMBOL, got ${assets.length}`,
      );
    }
    const missing = assets.filter((a) => !universe.includes(a));
    if (missing.length > 0) {
      throw new StrategySpecError(
        `${missing.join(", ")} not in the dataset; it holds ${universe.slice(0, 30).join(", ")}` +
          (universe.length > 30 ? ", ..." : ""),
      );
    }
    if (new Set(assets).size !== assets.length) {
      throw new StrategySpecError(`pairs needs two different assets, got ${assets.join(",")}`);
    }
  }
  const shown = Object.entries(spec.params ?? {}).map(([k, v]) => `${k} ${v}`).join(", ");
  const suffix = shown === "" ? "" : ` (${shown})`;
  const pick = (panel: Panel) =>
    panel.assets.length === assets.length && panel.assets.every((a, i) => a === assets[i])
      ? panel
      : subsetPanel(panel, { assets });
  switch (strategy) {
    case "ma-crossover":
      return {
        strategy,
        assets,
        params,
        label: `ma-crossover ${assets[0]}${suffix}`,
        targets: (panel) => maCrossover(pick(panel).close[0]!, p),
      };
    case "vol-breakout":
      return {
        strategy,
        assets,
        params,
        label: `vol-breakout ${assets[0]}${suffix}`,
        targets: (panel) => {
          const q = pick(panel);
          return volatilityBreakout({ high: q.high[0]!, low: q.low[0]!, close: q.close[0]! }, p);
        },
      };
    case "pairs":
      return {
        strategy,
        assets,
        params,
        label: `pairs ${assets[0]}/${assets[1]}${suffix}`,
        targets: (panel) => {
          const q = pick(panel);
          return pairsMeanReversion({ y: q.close[0]!, x: q.close[1]! }, p);
        },
      };
    case "long-short": {
      if (values !== undefined) {
        if (values.length !== universe.length) {
          throw new StrategySpecError(
            `the signal values have ${values.length} asset columns for ${universe.length} assets`,
          );
        }
        return {
          strategy,
          assets,
          params,
          label: `long-short on ${spec.signal ?? "a signal file"}${suffix}`,
          targets: (panel) =>
            longShort(values.map((v) => Array.prototype.slice.call(v, 0, panel.index.length)), p),
        };
      }
      if (spec.signal === undefined) {
        throw new StrategySpecError(
          "long-short needs a signal: --signal NAME (a library signal such as momentum_24) or " +
            "--signal-file PATH",
        );
      }
      let compute: (panel: Panel) => Float64Array[];
      try {
        compute = parseSignalName(spec.signal).compute;
      } catch (e) {
        throw new StrategySpecError(`--signal: ${(e as Error).message}`);
      }
      return {
        strategy,
        assets,
        params,
        label: `long-short on ${spec.signal}${suffix}`,
        targets: (panel) => longShort(compute(pick(panel)), p),
      };
    }
  }
}
