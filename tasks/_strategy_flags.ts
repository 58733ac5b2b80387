/**
 * The flags `deno task backtest` and `deno task walkforward` share: the dataset, the strategy
 * and its parameters, the costs, the lag, the output; each may also come from a JSON file
 * (`--config`), flags overriding it.
 *
 * @module
 */
import { type Freq, isFreq } from "@lib/core/freq.ts";
import { isRunId } from "@lib/report/model.ts";
import {
  COST_DEFAULTS,
  type CostSpec,
  CostSpecError,
  parseFees,
  SPREAD_SOURCES,
} from "@lib/pipeline/cost_spec.ts";
import {
  checkStrategyParam,
  checkStrategySpec,
  LONG_SHORT_WEIGHTINGS,
  parseParam,
  parseValue,
  STRATEGY_NAMES,
  STRATEGY_PARAMS,
  type StrategyName,
  type StrategyParam,
  StrategySpecError,
} from "@lib/pipeline/strategy_spec.ts";
import { readSignalFile } from "@lib/pipeline/signal_file.ts";
import { RISK_MODELS } from "@lib/backtest/strategies/long_short.ts";
import { STRATEGY_RUN_DEFAULTS, type StrategyRunOptions } from "@lib/pipeline/backtest_run.ts";
import { UsageError } from "./_cli.ts";

/** Flag definitions (node:util parseArgs) shared by both tasks. */
export const STRATEGY_FLAGS = {
  config: { type: "string" },
  strategy: { type: "string" },
  assets: { type: "string" },
  signal: { type: "string" },
  "signal-file": { type: "string" },
  param: { type: "string", multiple: true },
  weighting: { type: "string" },
  "risk-model": { type: "string" },
  "optimize-window": { type: "string" },
  "beta-neutral": { type: "string" },
  "turnover-penalty": { type: "string" },
  "max-weight": { type: "string" },
  gross: { type: "string" },
  fees: { type: "string" },
  liquidity: { type: "string" },
  spread: { type: "string" },
  impact: { type: "boolean" },
  funding: { type: "boolean" },
  venue: { type: "string" },
  freq: { type: "string" },
  universe: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  lag: { type: "string" },
  "max-gross": { type: "string" },
  "adjust-redenominations": { type: "boolean" },
  "run-id": { type: "string" },
  out: { type: "string" },
} as const;

/** Usage lines of {@link STRATEGY_FLAGS}. */
export const STRATEGY_USAGE = `Strategy:
  --strategy NAME  ${STRATEGY_NAMES.join(", ")}
  --assets LIST    the traded asset (ma-crossover, vol-breakout) or Y,X (pairs; y is long when
                   the spread is long); event the listed assets or the whole universe;
                   long-short refuses it: it trades the whole --universe (give the names
                   there)
  --signal NAME    long-short: a library signal, e.g. momentum_24, reversal_1
  --signal-file PATH
                   long-short: your own signal, a CSV or Parquet file of (ts, asset, value)
  --param K=V      a strategy parameter, repeatable (e.g. --param fast=20 --param slow=100;
                   ma-crossover: fast, slow, kind, short, weight; vol-breakout: entryWindow,
                   exitWindow, atrWindow, k, short, weight; pairs: hedge, hedgeWindow,
                   hedgeMinObs, zWindow, zMinObs, entry, exit, stop, sizing, gross, hedgeUpdate;
                   long-short: quantile, weighting, gross, net, minAssets, signal, lookback,
                   and with weighting optimize: riskModel, optimizeWindow, optimizeMinRows,
                   maxWeight, betaNeutral, turnoverPenalty, halfLife; event: definition (a
                   bar-based event definition, e.g. jump-4sd), action (long, short, fade),
                   holding, cooldown, weight -- deno task events writes these configs)
  --config FILE    a JSON file with any of: strategy, assets (list), signal, params (object),
                   costs {fees, liquidity, spread, impact, funding}, venue, freq, universe
                   (list), from, to, lag, maxGross, adjustRedenominations; flags override it

Long-short portfolio (shortcuts for --param; also "params" in --config):
  --weighting W    ${LONG_SHORT_WEIGHTINGS.join(", ")} (default ${
  STRATEGY_PARAMS["long-short"].weighting
}): optimize weights the top and bottom
                   quantile by minimum variance with the optimizer of lib/portfolio, each side
                   keeping its total, on returns up to each bar
  --gross G        sum of |weights| (default ${STRATEGY_PARAMS["long-short"].gross})
  --risk-model M   optimize: the window's covariance, ${RISK_MODELS.join(", ")}
                   (default ${STRATEGY_PARAMS["long-short"].riskModel})
  --optimize-window N
                   optimize: bars of returns behind the covariance (default ${
  STRATEGY_PARAMS["long-short"].optimizeWindow
})
  --beta-neutral LIST
                   optimize: assets whose betas the book is neutral to, e.g. BTCUSDT,ETHUSDT
                   (OLS betas over the same window; default none)
  --turnover-penalty C
                   optimize: cost per unit of turnover against the previous bar's weights, in
                   per-bar return units (0.0005 = 5 bp per 100% traded; default 0)
  --max-weight W   optimize: largest |weight| of one asset (default: no cap)

Costs:
  --fees VENUE     fee schedule (binance, binance-usdm, kraken, coinbase, bybit, okx, ...),
                   none, or your own rates as fractions of traded value: taker=0.0005,
                   maker=0.0002 or either alone (the other side pays the same; a negative
                   maker rate is a rebate) (default: the dataset's venue)
  --liquidity L    taker or maker (default ${COST_DEFAULTS.liquidity})
  --spread S       half-spread source: ${
  SPREAD_SOURCES.join(", ")
} (default ${COST_DEFAULTS.spread};
                   quotes = stored spot quotes, Corwin-Schultz where none)
  --impact         square-root market impact with a 10% participation cap, and the capacity
                   curve (default off)
  --funding        perp funding from the store's funding history of the dataset's venue (deno
                   task backfill --kind funding, or import *-funding_rate.json); refused when
                   a traded symbol has none or misses a funding time in the window

Data and execution:
  --venue V        venue of the series (default: the only venue with --freq bars in the store)
  --freq F         bar frequency (default 1h)
  --universe LIST  comma-separated symbols or "all" (default all; long-short ranks over it)
  --from DATE      first bar, ISO date or time in UTC, inclusive (default: the first bar)
  --to DATE        end of the window, ISO date or time in UTC, exclusive (default: the end)
  --lag N          execution lag in bars (default 1: decided at t's close, filled at t+1's
                   close); 0 fills at the deciding bar's own close and is flagged in every
                   output; one that leaves no position held for a bar (bars - 1 or more) exits 2
  --max-gross X    largest gross exposure (sum of |target weights|, a multiple of equity) the
                   targets may reach at any bar; above it the run is refused, naming the bar
                   (default ${STRATEGY_RUN_DEFAULTS.maxGross})
  --adjust-redenominations
                   rescale a traded asset's prices before a detected redenomination (e.g.
                   COCOS 1:1000 in January 2021) for the strategy and the engine; without it
                   each one is only warned about in the report (default off)

Output:
  --run-id ID      report folder name (default: <task>-<hash of dataset and parameters>)
  --out DIR        folder for reports (default reports)
  --db PATH        store (default: $CRYPTOLAB_DB or data/cryptolab.db)
  -h, --help       show this text`;

type Values = { readonly [K in keyof typeof STRATEGY_FLAGS]?: unknown };

/** What {@link strategyOptions} read: the run's options and the config file. */
export interface StrategyFlags {
  readonly run: StrategyRunOptions;
  /** The JSON config file's content (for the walk-forward's own keys), or {}. */
  readonly config: Record<string, unknown>;
}

function list(v: string, name: string, usage: (m: string) => UsageError): string[] {
  const items = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw usage(`--${name} must list at least one value, got "${v}"`);
  return items;
}

/** An ISO date/time in UTC as ms, or a usage error. */
export function parseDate(name: string, v: string, usage: (m: string) => UsageError): number {
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?)?$/.test(v);
  const ms = ok ? Date.parse(/Z$|^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v}Z`) : NaN;
  if (!Number.isFinite(ms)) {
    throw usage(
      `--${name} must be an ISO date or time in UTC (2021-01-31, 2021-01-31T12:00), got "${v}"`,
    );
  }
  return ms;
}

/** An integer >= min from text, or a usage error. */
export function parseCount(
  name: string,
  v: string,
  min: number,
  usage: (m: string) => UsageError,
): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw usage(`--${name} must be an integer >= ${min}, got "${v}"`);
  }
  return n;
}

/** Read a JSON config file: an object, or a usage error naming the file. */
export async function readConfig(
  path: string | undefined,
  usage: (m: string) => UsageError,
): Promise<Record<string, unknown>> {
  if (path === undefined) return {};
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw usage(`--config: cannot read ${path}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw usage(`--config: ${path} is not JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw usage(`--config: ${path} must hold a JSON object, e.g. {"strategy": "ma-crossover"}`);
  }
  return parsed as Record<string, unknown>;
}

function str(config: Record<string, unknown>, key: string, usage: (m: string) => UsageError) {
  const v = config[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" && typeof v !== "number") {
    throw usage(`--config: "${key}" must be a string, got ${JSON.stringify(v)}`);
  }
  return String(v);
}

/**
 * A list of names from the config (`["BTCUSDT", "ETHUSDT"]`), joined with commas; text in its
 * place is a wrong type (exit 2), except the words in `words` (`"universe": "all"`).
 */
function strList(
  config: Record<string, unknown>,
  key: string,
  usage: (m: string) => UsageError,
  words: readonly string[] = [],
) {
  const v = config[key];
  if (v === undefined) return undefined;
  if (typeof v === "string" && words.includes(v)) return v;
  if (
    !Array.isArray(v) || v.length === 0 ||
    !v.every((x) => typeof x === "string" && x.trim() !== "")
  ) {
    throw usage(
      `--config: "${key}" must be a non-empty list of strings, e.g. ["BTCUSDT"]` +
        (words.length === 0 ? "" : ` (or ${words.map((w) => `"${w}"`).join(", ")})`) +
        `, got ${JSON.stringify(v)}`,
    );
  }
  return v.map((x) => x.trim()).join(",");
}

/** An integer >= min from the config (a number in JSON: "1" is text, a wrong type). */
function configCount(
  config: Record<string, unknown>,
  key: string,
  flag: string,
  min: number,
  usage: (m: string) => UsageError,
): number | undefined {
  const v = config[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
    throw usage(
      `--config: "${key}" (--${flag}) must be an integer >= ${min}, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/**
 * `--max-gross X` over the config's `maxGross`: a finite number > 0, or undefined (the
 * library's default, {@link STRATEGY_RUN_DEFAULTS}); else a usage error naming the flag or key.
 */
function parseMaxGross(
  flagText: string | undefined,
  configValue: unknown,
  usage: (m: string) => UsageError,
): number | undefined {
  if (flagText === undefined && configValue === undefined) return undefined;
  const fromFlag = flagText !== undefined;
  const x = fromFlag
    ? (/^\s*$/.test(flagText) ? NaN : Number(flagText))
    : typeof configValue === "number"
    ? configValue
    : NaN;
  if (!(x > 0) || !Number.isFinite(x)) {
    const got = fromFlag ? `"${flagText}"` : JSON.stringify(configValue);
    throw usage(
      `${fromFlag ? "--max-gross" : '--config: "maxGross" (--max-gross)'} must be a number > 0 ` +
        `(the largest sum of |target weights| as a multiple of equity, default ` +
        `${STRATEGY_RUN_DEFAULTS.maxGross}), got ${got}`,
    );
  }
  return x;
}

/** The long-short flags: flag, parameter, and how its value is read. */
const PORTFOLIO_FLAGS = [
  ["weighting", "weighting", "weighting"],
  ["risk-model", "riskModel", "riskModel"],
  ["optimize-window", "optimizeWindow", "window"],
  ["beta-neutral", "betaNeutral", "list"],
  ["turnover-penalty", "turnoverPenalty", "nonNegative"],
  ["max-weight", "maxWeight", "positive"],
  ["gross", "gross", "positive"],
] as const;

function portfolioFlag(
  name: string,
  kind: typeof PORTFOLIO_FLAGS[number][2],
  v: string,
  usage: (m: string) => UsageError,
): StrategyParam {
  const oneOf = (allowed: readonly string[]) => {
    if (!allowed.includes(v)) {
      throw usage(`--${name} must be one of ${allowed.join(", ")}, got "${v}"`);
    }
    return v;
  };
  switch (kind) {
    case "weighting":
      return oneOf(LONG_SHORT_WEIGHTINGS);
    case "riskModel":
      return oneOf(RISK_MODELS);
    case "list":
      return v === "none" ? v : list(v, name, usage).join(",");
    case "window":
      return parseCount(name, v, 2, usage);
    default: {
      const x = parseValue(v);
      const ok = typeof x === "number" && Number.isFinite(x) &&
        (kind === "positive" ? x > 0 : x >= 0);
      if (!ok) {
        throw usage(
          `--${name} must be a number ${kind === "positive" ? "> 0" : ">= 0"}, got "${v}"`,
        );
      }
      return x as number;
    }
  }
}

/** The first value of each `--grid k=v1,v2` flag and `grid` key of the config file. */
function firstGridValues(
  values: Values,
  config: Record<string, unknown>,
): Record<string, StrategyParam> {
  const out: Record<string, StrategyParam> = {};
  const fromConfig = config.grid;
  if (typeof fromConfig === "object" && fromConfig !== null && !Array.isArray(fromConfig)) {
    for (const [k, v] of Object.entries(fromConfig as Record<string, unknown>)) {
      const first = Array.isArray(v) ? v[0] : undefined;
      if (typeof first === "string") out[k] = parseValue(first);
      else if (typeof first === "number" || typeof first === "boolean") out[k] = first;
    }
  }
  const flags = (values as Record<string, unknown>).grid;
  for (const g of Array.isArray(flags) ? flags as string[] : []) {
    const eq = g.indexOf("=");
    const first = eq > 0
      ? g.slice(eq + 1).split(",").map((x) => x.trim()).find((x) => x)
      : undefined;
    if (first !== undefined) out[g.slice(0, eq).trim()] = parseValue(first);
  }
  return out;
}

/**
 * Which flag an error about the strategy's parameters as a whole names: `--config: params.K`
 * (each parameter the message names, when every one of them came from --config), else
 * `--param`.
 *
 * @example
 * ```ts
 * import { paramSource } from "./_strategy_flags.ts";
 * import assert from "node:assert/strict";
 * const params = { fast: 12, slow: Infinity };
 * assert.equal(paramSource("slow must be an integer >= 2", params, new Set(["slow"])), "--config: params.slow");
 * assert.equal(paramSource("slow must be an integer >= 2", params, new Set()), "--param");
 * assert.equal(paramSource("fast must be below slow", params, new Set(["slow"])), "--param");
 * ```
 */
export function paramSource(
  message: string,
  params: Readonly<Record<string, unknown>>,
  fromConfig: ReadonlySet<string>,
): string {
  const named = Object.keys(params).filter((k) =>
    new RegExp(`(^|[^A-Za-z0-9_])${k.replace(/[^A-Za-z0-9_]/g, "\\$&")}([^A-Za-z0-9_]|$)`).test(
      message,
    )
  );
  return named.length > 0 && named.every((k) => fromConfig.has(k))
    ? `--config: ${named.map((k) => `params.${k}`).join(", ")}`
    : "--param";
}

/**
 * The run options from the flags (`values` of parseArgs with {@link STRATEGY_FLAGS}) over the
 * `--config` file. Every error is a usage error naming the flag or key.
 */
export async function strategyOptions(
  values: Values,
  usage: (m: string) => UsageError,
  allowedConfigKeys: readonly string[] = [],
): Promise<StrategyFlags> {
  // a walk-forward's grid fills in parameters (--param slow=10 --grid fast=2,3): its task checks
  // each parameter set of the grid as a whole, so here the parameters are not checked together
  const gridFills = allowedConfigKeys.includes("grid");
  const config = await readConfig(values.config as string | undefined, usage);
  const known = [
    "strategy",
    "assets",
    "signal",
    "params",
    "costs",
    "venue",
    "freq",
    "universe",
    "from",
    "to",
    "lag",
    "maxGross",
    "adjustRedenominations",
    ...allowedConfigKeys,
  ];
  for (const k of Object.keys(config)) {
    if (k === "signalFile") {
      throw usage("--config: give the signal file as --signal-file PATH (it is granted read)");
    }
    if (!known.includes(k)) throw usage(`--config: unknown key "${k}"; keys: ${known.join(", ")}`);
  }
  const flag = (k: keyof typeof STRATEGY_FLAGS) => values[k] as string | undefined;
  const strategyText = flag("strategy") ?? str(config, "strategy", usage);
  if (strategyText === undefined) {
    throw usage(`--strategy is required: one of ${STRATEGY_NAMES.join(", ")}`);
  }
  if (!(STRATEGY_NAMES as readonly string[]).includes(strategyText)) {
    throw usage(`--strategy must be one of ${STRATEGY_NAMES.join(", ")}, got "${strategyText}"`);
  }
  const strategy = strategyText as StrategyName;
  const assetsText = flag("assets") ?? strList(config, "assets", usage);
  const params: Record<string, StrategyParam> = {};
  // parameters whose value came from --config (a flag given later replaces it): an error about
  // them names `--config: params.K`, not --param
  const fromConfig = new Set<string>();
  const cp = config.params;
  if (cp !== undefined) {
    if (cp === null || typeof cp !== "object" || Array.isArray(cp)) {
      throw usage(`--config: "params" must be an object, e.g. {"fast": 20}`);
    }
    for (const [k, v] of Object.entries(cp)) {
      if (k === "betaNeutral" && Array.isArray(v) && v.every((x) => typeof x === "string")) {
        params[k] = v.join(",");
        continue;
      }
      if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") {
        throw usage(`--config: params.${k} must be a number, string or boolean`);
      }
      // JSON says the type: "24" is text, not the number 24 (a wrong type exits 2); JSON has
      // no Infinity, so "Infinity" (a stop or maxWeight that never binds) is read as the number
      const value = v === "Infinity" || v === "-Infinity" ? Number(v) : v;
      try {
        checkStrategyParam(strategy, k, value);
      } catch (e) {
        if (e instanceof StrategySpecError) throw usage(`--config: params.${k}: ${e.message}`);
        throw e;
      }
      params[k] = value;
      fromConfig.add(k);
    }
  }
  for (const p of (values.param as string[] | undefined) ?? []) {
    try {
      const [k, v] = parseParam(p);
      params[k] = v;
      fromConfig.delete(k);
    } catch (e) {
      if (e instanceof StrategySpecError) throw usage(`--param: ${e.message}`);
      throw e;
    }
  }
  for (const [flagName, key, kind] of PORTFOLIO_FLAGS) {
    const v = values[flagName] as string | undefined;
    if (v === undefined) continue;
    if (strategy !== "long-short") {
      throw usage(`--${flagName} is for --strategy long-short, not ${strategy}`);
    }
    params[key] = portfolioFlag(flagName, kind, v, usage);
    fromConfig.delete(key);
  }
  for (const [k, v] of Object.entries(params)) {
    try {
      checkStrategyParam(strategy, k, v);
    } catch (e) {
      if (e instanceof StrategySpecError) throw usage(`--param ${k}: ${e.message}`);
      throw e;
    }
  }
  const cc = (config.costs ?? {}) as Record<string, unknown>;
  if (typeof cc !== "object" || cc === null || Array.isArray(cc)) {
    throw usage(`--config: "costs" must be an object, e.g. {"fees": "binance"}`);
  }
  for (const k of Object.keys(cc)) {
    if (!["fees", "liquidity", "spread", "impact", "funding"].includes(k)) {
      throw usage(
        `--config: unknown costs key "${k}"; keys: fees, liquidity, spread, impact, funding`,
      );
    }
  }
  const bool = (k: "impact" | "funding") => {
    const f = values[k] as boolean | undefined;
    if (f !== undefined) return f;
    const v = cc[k];
    if (v !== undefined && typeof v !== "boolean") {
      throw usage(`--config: costs.${k} must be true or false`);
    }
    return v as boolean | undefined;
  };
  const liquidity = flag("liquidity") ?? str(cc, "liquidity", usage);
  if (liquidity !== undefined && liquidity !== "taker" && liquidity !== "maker") {
    throw usage(`--liquidity must be taker or maker, got "${liquidity}"`);
  }
  const spread = flag("spread") ?? str(cc, "spread", usage);
  if (spread !== undefined && !(SPREAD_SOURCES as readonly string[]).includes(spread)) {
    throw usage(`--spread must be one of ${SPREAD_SOURCES.join(", ")}, got "${spread}"`);
  }
  const fees = flag("fees") ?? str(cc, "fees", usage);
  if (fees !== undefined) {
    try {
      parseFees(fees);
    } catch (e) {
      if (e instanceof CostSpecError) throw usage(e.message);
      throw e;
    }
  }
  const costs: CostSpec = {
    fees,
    liquidity: liquidity as "taker" | "maker" | undefined,
    spread: spread as CostSpec["spread"],
    impact: bool("impact"),
    funding: bool("funding"),
  };
  const freqText = flag("freq") ?? str(config, "freq", usage) ?? "1h";
  if (!isFreq(freqText)) {
    throw usage(`--freq must be a bar frequency such as 1h, got "${freqText}"`);
  }
  const freq: Freq = freqText;
  const fromText = flag("from") ?? str(config, "from", usage);
  const toText = flag("to") ?? str(config, "to", usage);
  const from = fromText === undefined ? undefined : parseDate("from", fromText, usage);
  const to = toText === undefined ? undefined : parseDate("to", toText, usage);
  if (from !== undefined && to !== undefined && !(to > from)) {
    throw usage(`--to must be after --from, got ${fromText} .. ${toText}`);
  }
  const adjustFlag = values["adjust-redenominations"] as boolean | undefined;
  const adjustConfig = config.adjustRedenominations;
  if (adjustConfig !== undefined && typeof adjustConfig !== "boolean") {
    throw usage(`--config: adjustRedenominations must be true or false`);
  }
  const adjustRedenominations = adjustFlag ?? (adjustConfig as boolean | undefined);
  const lagText = flag("lag");
  const lag = lagText === undefined
    ? configCount(config, "lag", "lag", 0, usage)
    : parseCount("lag", lagText, 0, usage);
  const maxGross = parseMaxGross(flag("max-gross"), config.maxGross, usage);
  const universeText = flag("universe") ?? strList(config, "universe", usage, ["all"]);
  const symbols = universeText === undefined || universeText === "all"
    ? undefined
    : list(universeText, "universe", usage);
  if (symbols !== undefined && new Set(symbols).size !== symbols.length) {
    throw usage("--universe lists a symbol twice");
  }
  // the whole spec before any data is read: values together (fast below slow), --assets for
  // long-short, a --universe list too small for long-short's minAssets
  const assets = assetsText === undefined ? undefined : list(assetsText, "assets", usage);
  // with a grid, parameters the grid completes (--param slow=10 --grid fast=2,3) pass when they
  // pass with the first value of each grid key in place (--param fast=0 --grid slow=50,100 does
  // not); the task then checks every parameter set of the grid, naming --grid
  const check = (p: Record<string, StrategyParam>) =>
    checkStrategySpec({ strategy, assets, signal: undefined, params: p }, symbols?.length);
  try {
    try {
      check(params);
    } catch (e) {
      if (!(gridFills && e instanceof StrategySpecError && e.flag === undefined)) throw e;
      check({ ...params, ...firstGridValues(values, config) });
    }
  } catch (e) {
    if (e instanceof StrategySpecError) {
      throw usage(
        e.flag === undefined
          ? `${paramSource(e.message, params, fromConfig)}: ${e.message}`
          : e.message,
      );
    }
    throw e;
  }
  const runId = flag("run-id");
  if (runId !== undefined && !isRunId(runId)) {
    throw usage(
      `--run-id "${runId}" is not a valid folder name: use 1-128 of A-Z a-z 0-9 . _ - ` +
        `starting with a letter or digit`,
    );
  }
  const signal = flag("signal") ?? str(config, "signal", usage);
  const signalPath = flag("signal-file");
  if (signal !== undefined && signalPath !== undefined) {
    throw usage("--signal and --signal-file exclude each other");
  }
  if (strategy !== "long-short" && (signal !== undefined || signalPath !== undefined)) {
    throw usage(`--signal and --signal-file are for --strategy long-short, not ${strategy}`);
  }
  let signalValues: StrategyRunOptions["signalValues"];
  if (signalPath !== undefined) {
    try {
      const f = await readSignalFile(signalPath);
      signalValues = { input: f.signal, source: { path: f.path, sha256: f.sha256 } };
    } catch (e) {
      throw usage(`--signal-file: ${(e as Error).message}`);
    }
  }
  return {
    run: {
      freq,
      venue: flag("venue") ?? str(config, "venue", usage),
      symbols,
      from,
      to,
      strategy: {
        strategy,
        assets,
        signal,
        params,
      },
      signalValues,
      costs,
      lag,
      maxGross,
      adjustRedenominations,
      runId,
    },
    config,
  };
}
