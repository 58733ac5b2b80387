/**
 * A strategy named by text (a task's flags or a JSON file) turned into the library call that
 * computes its target weights: `ma-crossover`, `vol-breakout` and `event` on one asset, `pairs`
 * on two, `long-short` on every asset from a named library signal or a researcher's own values.
 *
 * @module
 */
import type { Panel } from "../panel/types.ts";
import { subsetPanel } from "../panel/subset_panel.ts";
import { parseSignalName, SIGNAL_FAMILIES } from "../research/signals/mod.ts";
import { resolveFactorAsset } from "../research/factor_assets.ts";
import {
  LONG_SHORT_DEFAULTS,
  longShort,
  type LongShortOptions,
  MA_CROSSOVER_DEFAULTS,
  maCrossover,
  PAIRS_MEAN_REVERSION_DEFAULTS,
  pairsMeanReversion,
  RISK_MODELS,
  type RiskModel,
  type StrategyTargets,
  VOLATILITY_BREAKOUT_DEFAULTS,
  volatilityBreakout,
} from "../backtest/strategies/mod.ts";
import {
  BAR_EVENT_DEFINITIONS,
  EVENT_STRATEGY_DEFAULTS,
  eventStrategy,
} from "../backtest/strategies/event_strategy.ts";

/** The strategies a task can run. */
export const STRATEGY_NAMES = [
  "ma-crossover",
  "vol-breakout",
  "pairs",
  "long-short",
  "event",
] as const;
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
  event: { ...EVENT_STRATEGY_DEFAULTS },
  "long-short": {
    quantile: LONG_SHORT_DEFAULTS.quantile,
    weighting: LONG_SHORT_DEFAULTS.weighting,
    gross: LONG_SHORT_DEFAULTS.gross,
    net: LONG_SHORT_DEFAULTS.net,
    minAssets: LONG_SHORT_DEFAULTS.minAssets,
    // weighting "optimize" only (longShort's optimize option)
    riskModel: LONG_SHORT_DEFAULTS.riskModel,
    optimizeWindow: LONG_SHORT_DEFAULTS.optimizeWindow,
    maxWeight: Infinity,
    betaNeutral: "none",
    turnoverPenalty: LONG_SHORT_DEFAULTS.turnoverPenalty,
  },
};

/**
 * Optional parameters with no default value (their default depends on another one), and
 * their type. `long-short`'s `signal` (a family such as `momentum`, or a full name such as
 * `momentum_24`) and `lookback` (bars) replace the family and lookback of `--signal`, so a
 * walk-forward can choose them (`--grid signal=momentum,reversal --grid lookback=24,168`).
 */
const EXTRA_PARAMS: Readonly<
  Partial<Record<StrategyName, Readonly<Record<string, "number" | "string">>>>
> = {
  pairs: { hedgeMinObs: "number", zMinObs: "number" },
  "long-short": {
    signal: "string",
    lookback: "number",
    optimizeMinRows: "number",
    halfLife: "number",
  },
};

/** The weightings of `long-short`: longShort's two, and "optimize" (equal buckets, optimized). */
export const LONG_SHORT_WEIGHTINGS = ["equal", "signal", "optimize"] as const;

/** `long-short` parameters that apply to `weighting=optimize` only. */
export const OPTIMIZE_PARAMS = [
  "riskModel",
  "optimizeWindow",
  "optimizeMinRows",
  "maxWeight",
  "betaNeutral",
  "turnoverPenalty",
  "halfLife",
] as const;

/** The values a text parameter may take, per strategy (a parameter not listed takes any). */
export const ALLOWED_VALUES: Readonly<
  Partial<Record<StrategyName, Readonly<Record<string, readonly string[]>>>>
> = {
  "ma-crossover": { kind: ["sma", "ema"] },
  pairs: {
    hedge: ["rolling-ols", "kalman"],
    sizing: ["beta", "dollar"],
    hedgeUpdate: ["entry", "every-bar"],
  },
  "long-short": { weighting: LONG_SHORT_WEIGHTINGS, riskModel: RISK_MODELS },
  event: { definition: BAR_EVENT_DEFINITIONS, action: ["long", "short", "fade"] },
};

/**
 * The parameter names of a strategy: those with defaults, then the optional ones.
 *
 * @example
 * ```ts
 * import { strategyParamNames } from "@lib/pipeline/strategy_spec.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(strategyParamNames("ma-crossover"), ["fast", "slow", "kind", "short", "weight"]);
 * assert.ok(strategyParamNames("long-short").includes("lookback"));
 * ```
 */
export function strategyParamNames(strategy: StrategyName): string[] {
  return [...Object.keys(STRATEGY_PARAMS[strategy]), ...Object.keys(EXTRA_PARAMS[strategy] ?? {})];
}

/** A strategy and its parameters, as a task reads them. */
export interface StrategySpec {
  readonly strategy: StrategyName;
  /**
   * The traded assets: one for `ma-crossover` / `vol-breakout`, `[y, x]` for `pairs`
   * (y long when the spread is long), any for `event` (default: the whole universe). Refused
   * for `long-short`, which trades the whole universe: narrow it with the dataset's universe
   * (`--universe`) instead.
   */
  readonly assets?: readonly string[] | undefined;
  /** `long-short`: a library signal name such as `momentum_24`. */
  readonly signal?: string | undefined;
  /** Parameters by name (see {@link STRATEGY_PARAMS}); unset ones take the library default. */
  readonly params?: Readonly<Record<string, StrategyParam>> | undefined;
  /**
   * Parameters a walk-forward chooses per fold from its grid: `params` holds a placeholder for
   * each (the grid's first value, so the spec resolves), which the label does not name as if
   * the run used it (for `long-short`, a `signal` or `lookback` among them makes the label say
   * the signal is chosen per fold). @default none
   */
  readonly chosenPerFold?: readonly string[] | undefined;
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
  /**
   * The source text of the library code computing the targets (the strategy function, and the
   * signal's for `long-short`): what the trial ledger hashes as the trial's `source_sha256`.
   */
  readonly source: string;
}

/** The source text of library functions, joined: a strategy's code identity in the ledger. */
// deno-lint-ignore ban-types
function sourceOf(...fns: Function[]): string {
  return fns.map((f) => Function.prototype.toString.call(f)).join("\n");
}

/** A spec that cannot run; the message says what to change. */
export class StrategySpecError extends RangeError {
  override name = "StrategySpecError";
  /** The CLI flag the error is about when it is not `--param` (the message names it). */
  readonly flag: string | undefined;
  constructor(message: string, flag?: string) {
    super(message);
    this.flag = flag;
  }
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

/**
 * Check one parameter value of a strategy: a known name, the right type, one of the allowed
 * values of a text parameter (a `long-short` signal: a known family or `<family>_<lookback>`).
 * Throws {@link StrategySpecError} naming the parameter and what it accepts.
 *
 * @example
 * ```ts
 * import { checkStrategyParam } from "@lib/pipeline/strategy_spec.ts";
 * import assert from "node:assert/strict";
 * checkStrategyParam("long-short", "signal", "reversal");
 * assert.throws(() => checkStrategyParam("long-short", "weighting", "best"),
 *   /weighting must be one of equal, signal, optimize, got "best"/);
 * assert.throws(() => checkStrategyParam("ma-crossover", "fst", 3), /no parameter "fst"/);
 * ```
 */
export function checkStrategyParam(
  strategy: StrategyName,
  key: string,
  value: StrategyParam,
): void {
  const d = STRATEGY_PARAMS[strategy][key];
  const extra = EXTRA_PARAMS[strategy]?.[key];
  if (d === undefined && extra === undefined) {
    throw new StrategySpecError(
      `${strategy} has no parameter "${key}"; its parameters are ` +
        strategyParamNames(strategy).join(", "),
    );
  }
  const want = d === undefined ? extra! : typeof d;
  const got = typeof value;
  if (got !== want) {
    throw new StrategySpecError(
      `${strategy} parameter ${key} must be a ${want}, got ${JSON.stringify(value)}`,
    );
  }
  const allowed = ALLOWED_VALUES[strategy]?.[key];
  if (allowed !== undefined && !allowed.includes(value as string)) {
    throw new StrategySpecError(
      `${strategy} parameter ${key} must be one of ${allowed.join(", ")}, got ` +
        JSON.stringify(value),
    );
  }
  if (strategy === "long-short" && key === "signal") {
    const v = value as string;
    if (!(SIGNAL_FAMILIES as readonly string[]).includes(v)) {
      try {
        parseSignalName(v);
      } catch {
        throw new StrategySpecError(
          `long-short parameter signal must be a signal family (${SIGNAL_FAMILIES.join(", ")}) ` +
            `or <family>_<lookback bars> such as momentum_24, got ${JSON.stringify(v)}`,
        );
      }
    }
  }
  if (strategy === "long-short" && key === "lookback") {
    const v = value as number;
    if (!Number.isInteger(v) || v < 1) {
      throw new StrategySpecError(
        `long-short parameter lookback must be an integer >= 1 (bars), got ${v}`,
      );
    }
  }
}

/**
 * Check a spec before any data is read: every parameter (as {@link checkStrategyParam}) and
 * their values together, by running the strategy's library function on a one-bar series so
 * that its own option checks (e.g. `fast` below `slow`, `quantile` in (0, 0.5]) are the only
 * ones; `assets` given to `long-short` (use the universe instead); and, when the universe is
 * known (`universeSize`), a `long-short` universe smaller than `minAssets`, where no bar could
 * hold a book. Throws {@link StrategySpecError} saying what to change.
 *
 * @example
 * ```ts
 * import { checkStrategySpec } from "@lib/pipeline/strategy_spec.ts";
 * import assert from "node:assert/strict";
 * checkStrategySpec({ strategy: "ma-crossover", params: { fast: 20, slow: 100 } });
 * assert.throws(() => checkStrategySpec({ strategy: "ma-crossover", params: { fast: 200 } }),
 *   /slow \(100\) must be above fast \(200\)/);
 * assert.throws(() => checkStrategySpec({ strategy: "long-short", signal: "momentum_24" }, 1),
 *   /needs at least 2 assets/);
 * ```
 */
export function checkStrategySpec(spec: StrategySpec, universeSize?: number): void {
  const strategy = spec.strategy;
  if (!(STRATEGY_NAMES as readonly string[]).includes(strategy)) {
    throw new StrategySpecError(
      `unknown strategy "${strategy}"; choose one of ${STRATEGY_NAMES.join(", ")}`,
    );
  }
  const params = checkParams(strategy, spec.params ?? {});
  const p = params as Record<string, never>;
  if (strategy === "long-short" && spec.assets !== undefined && spec.assets.length > 0) {
    throw new StrategySpecError(
      `long-short trades every asset of the universe and takes no --assets (got ` +
        `${spec.assets.join(",")}): give them as --universe ${spec.assets.join(",")} ` +
        `(or "universe" in --config)`,
      "assets",
    );
  }
  if (strategy === "long-short" && universeSize !== undefined) {
    const need = params.minAssets as number;
    if (universeSize < need) {
      throw new StrategySpecError(
        `long-short needs at least ${need} assets with a signal value on a bar (minAssets ` +
          `${need}), but the universe holds ${universeSize}: give more with --universe (or ` +
          "all), or lower --param minAssets (at least 2)",
        "universe",
      );
    }
  }
  const one = Float64Array.of(1);
  try {
    switch (strategy) {
      case "ma-crossover":
        maCrossover(one, p);
        break;
      case "vol-breakout":
        volatilityBreakout({ high: one, low: one, close: one }, p);
        break;
      case "pairs":
        pairsMeanReversion({ y: one, x: one }, p);
        break;
      case "event":
        eventStrategy({ open: [one], close: [one] }, p);
        break;
      case "long-short":
        longShort(
          [one, one],
          params.weighting === "optimize"
            // the optimizer's options too (its beta-neutral assets are resolved on the data)
            ? longShortOptions({ ...params, betaNeutral: "none" }, [])(
              { close: [one, one], assets: [] } as unknown as Panel,
            )
            : longShortBase(params),
        );
        break;
    }
  } catch (e) {
    if (e instanceof RangeError) throw new StrategySpecError(e.message);
    throw e;
  }
}

function checkParams(
  strategy: StrategyName,
  params: Readonly<Record<string, StrategyParam>>,
): Record<string, StrategyParam> {
  const out: Record<string, StrategyParam> = { ...STRATEGY_PARAMS[strategy] };
  for (const [k, v] of Object.entries(params)) {
    checkStrategyParam(strategy, k, v);
    out[k] = v;
  }
  if (strategy === "long-short" && out.weighting !== "optimize") {
    const given = OPTIMIZE_PARAMS.filter((k) => k in params);
    if (given.length > 0) {
      throw new StrategySpecError(
        `long-short parameter${given.length === 1 ? "" : "s"} ${given.join(", ")} apply to ` +
          `weighting=optimize only (--weighting optimize), not weighting=${out.weighting}`,
      );
    }
  }
  return out;
}

/**
 * The library signal name of a `long-short` spec: `--signal`, with its family and lookback
 * replaced by the `signal` and `lookback` parameters when given.
 */
function longShortSignal(
  spec: StrategySpec,
  params: Readonly<Record<string, StrategyParam>>,
): string | undefined {
  const ps = params.signal as string | undefined, pl = params.lookback as number | undefined;
  if (ps === undefined && pl === undefined) return spec.signal;
  let family: string | undefined, lookback: number | undefined;
  const take = (name: string) => {
    try {
      const d = parseSignalName(name);
      family = d.family;
      lookback = d.lookback;
    } catch (e) {
      throw new StrategySpecError(`--signal: ${(e as Error).message}`);
    }
  };
  if (spec.signal !== undefined) take(spec.signal);
  if (ps !== undefined) {
    if ((SIGNAL_FAMILIES as readonly string[]).includes(ps)) family = ps;
    else take(ps);
  }
  if (pl !== undefined) lookback = pl;
  if (family === undefined) {
    throw new StrategySpecError(
      "long-short needs a signal family: --signal NAME (e.g. momentum_24) or --param signal=" +
        `FAMILY, one of ${SIGNAL_FAMILIES.join(", ")}`,
    );
  }
  if (lookback === undefined) {
    throw new StrategySpecError(
      `long-short signal ${family} needs a lookback: --param lookback=BARS (e.g. 24) or a full ` +
        `name such as ${family}_24`,
    );
  }
  return `${family}_${lookback}`;
}

/** Close-to-close simple returns; NaN where this bar's or the previous bar's close is missing. */
function closeReturns(close: readonly Float64Array[]): Float64Array[] {
  return close.map((c) => {
    const r = new Float64Array(c.length).fill(NaN);
    for (let t = 1; t < c.length; t++) {
      const a = c[t - 1]!, b = c[t]!;
      if (a > 0 && Number.isFinite(a) && Number.isFinite(b)) r[t] = b / a - 1;
    }
    return r;
  });
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
  checkStrategySpec(spec, strategy === "long-short" ? universe.length : undefined);
  const params = checkParams(strategy, spec.params ?? {});
  const p = params as Record<string, never>;
  const want = strategy === "pairs" ? 2 : strategy === "long-short" ? 0 : 1;
  let assets: readonly string[];
  if (want === 0 || (strategy === "event" && (spec.assets ?? []).length !== 1)) {
    // event: the given assets, or the whole universe (as deno task events tested it)
    assets = strategy === "event" && spec.assets !== undefined && spec.assets.length > 0
      ? spec.assets
      : universe;
    const missing = assets.filter((a) => !universe.includes(a));
    if (missing.length > 0) {
      throw new StrategySpecError(
        `${missing.join(", ")} not in the dataset; it holds ${universe.slice(0, 30).join(", ")}` +
          (universe.length > 30 ? ", ..." : ""),
      );
    }
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
  const perFold = spec.chosenPerFold ?? [];
  const shown = Object.entries(spec.params ?? {}).filter(([k]) => !perFold.includes(k))
    .map(([k, v]) => `${k} ${v}`).join(", ");
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
        source: sourceOf(maCrossover),
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
        source: sourceOf(volatilityBreakout),
      };
    case "event":
      return {
        strategy,
        assets,
        params,
        label: `event ${
          perFold.includes("definition") ? "per-fold definition" : params.definition
        } ${perFold.includes("action") ? "per-fold action" : params.action} on ${
          assets.length === 1 ? assets[0] : `${assets.length} assets`
        }${suffix}`,
        targets: (panel) => {
          const q = pick(panel);
          return eventStrategy({ open: q.open, close: q.close }, p);
        },
        source: sourceOf(eventStrategy),
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
        source: sourceOf(pairsMeanReversion),
      };
    case "long-short": {
      const lsOptions = longShortOptions(params, universe);
      if (values !== undefined) {
        if (params.signal !== undefined || params.lookback !== undefined) {
          throw new StrategySpecError(
            "the signal and lookback parameters choose a library signal; with --signal-file " +
              "the file's values are the signal",
          );
        }
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
            longShort(
              values.map((v) => Array.prototype.slice.call(v, 0, panel.index.length)),
              lsOptions(panel),
            ),
          source: sourceOf(longShort),
        };
      }
      const signalName = longShortSignal(spec, params);
      if (signalName === undefined) {
        throw new StrategySpecError(
          "long-short needs a signal: --signal NAME (a library signal such as momentum_24) or " +
            "--signal-file PATH",
        );
      }
      let compute: (panel: Panel) => Float64Array[];
      try {
        compute = parseSignalName(signalName).compute;
      } catch (e) {
        throw new StrategySpecError(`--signal: ${(e as Error).message}`);
      }
      return {
        strategy,
        assets,
        params,
        label: `long-short on ${
          perFold.includes("signal") || perFold.includes("lookback")
            ? "a signal chosen per fold"
            : signalName
        }${suffix}`,
        targets: (panel) => longShort(compute(pick(panel)), lsOptions(pick(panel))),
        source: sourceOf(longShort, compute),
      };
    }
  }
}

/** longShort's options from the checked `long-short` parameters, without the optimizer's. */
function longShortBase(params: Readonly<Record<string, StrategyParam>>): LongShortOptions {
  return {
    quantile: params.quantile as number,
    weighting: params.weighting === "signal" ? "signal" : "equal",
    gross: params.gross as number,
    net: params.net as number,
    minAssets: params.minAssets as number,
  };
}

/**
 * longShort's options from the checked `long-short` parameters, as a function of the panel
 * (weighting "optimize" needs its returns): equal buckets weighted by the optimizer, with the
 * beta-neutral assets resolved to columns of the universe (`BTC` finds `BTCUSDT`).
 */
function longShortOptions(
  params: Readonly<Record<string, StrategyParam>>,
  universe: readonly string[],
): (panel: Panel) => LongShortOptions {
  const base = longShortBase(params);
  if (params.weighting !== "optimize") return () => base;
  const names = String(params.betaNeutral) === "none"
    ? []
    : String(params.betaNeutral).split(",").map((x) => x.trim()).filter((x) => x !== "");
  const factors = names.map((n) => {
    try {
      return resolveFactorAsset(universe, n);
    } catch {
      throw new StrategySpecError(
        `long-short parameter betaNeutral: ${n} is not in the dataset; give assets of the ` +
          `universe such as ${universe.slice(0, 5).join(",")} (or none)`,
      );
    }
  });
  const window = params.optimizeWindow as number;
  return (panel) => ({
    ...base,
    optimize: {
      returns: closeReturns(panel.close),
      window,
      ...(params.optimizeMinRows === undefined
        ? {}
        : { minRows: params.optimizeMinRows as number }),
      ...(Number.isFinite(params.maxWeight as number)
        ? { maxWeight: params.maxWeight as number }
        : {}),
      riskModel: params.riskModel as RiskModel,
      ...(params.halfLife === undefined ? {} : { halfLife: params.halfLife as number }),
      betaNeutral: factors.map((f) => panel.assets.indexOf(f)),
      turnoverPenalty: params.turnoverPenalty as number,
    },
  });
}
