/**
 * The cost models of a backtest named by text (a task's flags or a JSON file): fees of a
 * venue, half-spreads from stored quotes or estimated from OHLC bars, square-root impact, perp
 * funding. Each is its own model in the result (`costs[name]`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Panel } from "../panel/types.ts";
import type { CostModel } from "../backtest/cost_model.ts";
import { feeCost } from "../backtest/costs/fee_cost.ts";
import { type Liquidity, VENUE_FEES } from "../backtest/costs/fee_schedule.ts";
import { estimatedSpreads } from "../backtest/costs/estimated_spreads.ts";
import { quotedSpreads } from "../backtest/costs/quoted_spreads.ts";
import { halfSpreadCost } from "../backtest/costs/half_spread_cost.ts";
import { impactInputs } from "../backtest/costs/impact_inputs.ts";
import { squareRootImpact } from "../backtest/costs/square_root_impact.ts";
import { readSpotSnapshots } from "../store/snapshots.ts";
import { freqMs } from "../core/freq.ts";
import { alignFunding } from "../backtest/costs/align_funding.ts";
import { fundingCost } from "../backtest/costs/funding_cost.ts";
import { loadFunding } from "../panel/load_funding.ts";

/** Where half-spreads come from. */
export const SPREAD_SOURCES = ["none", "quotes", "corwin-schultz", "abdi-ranaldo"] as const;
export type SpreadSource = typeof SPREAD_SOURCES[number];

/** The costs of a backtest, as a task reads them; defaults in {@link COST_DEFAULTS}. */
export interface CostSpec {
  /**
   * Fee schedule: a venue of `VENUE_FEES` (e.g. `binance`), `none`, or your own rates as
   * fractions of traded value, `taker=R`, `maker=R` or both comma-separated (e.g.
   * `taker=0.0005,maker=0.0002`; a side not given pays the other's rate; a negative maker rate
   * is a rebate), read by {@link parseFees}.
   * @default the dataset's venue (through {@link FEE_SCHEDULE_OF_VENUE})
   */
  readonly fees?: string | undefined;
  /** Maker or taker fees. @default "taker" */
  readonly liquidity?: Liquidity | undefined;
  /**
   * `quotes`: the stored spot quotes' spread (`spot_snapshots`), Corwin-Schultz estimates where
   * there is no quote younger than one bar; `corwin-schultz` / `abdi-ranaldo`: estimated from
   * OHLC bars only (both overstate the spread of liquid spot books several times); `none`.
   * @default "none"
   */
  readonly spread?: SpreadSource | undefined;
  /** Square-root market impact with its participation cap (limits the fill). @default false */
  readonly impact?: boolean | undefined;
  /**
   * Perp funding from stored funding history (`funding_rates` of the panel's venue): at each
   * funding time a position held across it pays `weight * rate` (longs pay positive rates,
   * shorts receive them). Refused when a traded symbol has no stored funding or misses a
   * funding time inside the backtest window. @default false
   */
  readonly funding?: boolean | undefined;
}

/** Defaults of {@link CostSpec}, stated once. */
export const COST_DEFAULTS = {
  liquidity: "taker" as Liquidity,
  spread: "none" as SpreadSource,
  impact: false,
  funding: false,
} as const;

/**
 * Store venue ids whose fee schedule in `VENUE_FEES` has another name: perp bars are stored
 * under `binance_futures` and pay Binance USDT-M fees (`binance-usdm`).
 */
export const FEE_SCHEDULE_OF_VENUE: Readonly<Record<string, string>> = {
  binance_futures: "binance-usdm",
};

/** A cost request the data cannot meet; the message says what to change. */
export class CostSpecError extends RangeError {
  override name = "CostSpecError";
}

/** A fee schedule as {@link parseFees} reads it. */
export type FeeChoice =
  | { readonly kind: "none" }
  | { readonly kind: "venue"; readonly venue: string }
  | { readonly kind: "custom"; readonly maker: number; readonly taker: number };

/** Name of the custom schedule in `feeCost`'s overrides and in the manifest. */
const CUSTOM_FEES = "custom";

/**
 * Read a fee schedule's text (`--fees`): `none`, a venue of `VENUE_FEES`, or custom rates
 * `taker=R[,maker=R]` (either order, either alone: a side not given pays the other's rate),
 * each a fraction of traded value in [-0.01, 0.1] (a negative maker rate is a rebate). Throws
 * {@link CostSpecError} naming `--fees` and what it accepts.
 *
 * @example
 * ```ts
 * import { parseFees } from "@lib/pipeline/cost_spec.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseFees("binance"), { kind: "venue", venue: "binance" });
 * assert.deepEqual(parseFees("taker=0.0005,maker=0.0002"), { kind: "custom", maker: 0.0002, taker: 0.0005 });
 * assert.deepEqual(parseFees("taker=0.0004"), { kind: "custom", maker: 0.0004, taker: 0.0004 });
 * assert.throws(() => parseFees("NaN"), /--fees must be/);
 * ```
 */
export function parseFees(text: string): FeeChoice {
  if (text === "none") return { kind: "none" };
  if (Object.hasOwn(VENUE_FEES, text)) return { kind: "venue", venue: text };
  const help = `--fees must be none, a venue (${Object.keys(VENUE_FEES).join(", ")}) or your ` +
    `own rates as fractions of traded value, e.g. taker=0.0005,maker=0.0002; got "${text}"`;
  if (!text.includes("=")) throw new CostSpecError(help);
  const rates: Partial<Record<Liquidity, number>> = {};
  for (const part of text.split(",")) {
    const m = /^\s*(taker|maker)\s*=\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*$/.exec(part);
    if (m === null) throw new CostSpecError(help);
    const side = m[1] as Liquidity, rate = Number(m[2]);
    if (side in rates) throw new CostSpecError(`--fees gives the ${side} rate twice: "${text}"`);
    if (!(rate >= -0.01 && rate <= 0.1)) {
      throw new CostSpecError(
        `--fees ${side} rate must be a fraction of traded value between -0.01 (a rebate) and ` +
          `0.1, got ${m[2]} (0.0005 is 5 bp)`,
      );
    }
    rates[side] = rate;
  }
  const taker = rates.taker ?? rates.maker!, maker = rates.maker ?? rates.taker!;
  return { kind: "custom", maker, taker };
}

/** What {@link buildCosts} returns. */
export interface BuiltCosts {
  readonly models: CostModel[];
  /** The spec after defaults, for the manifest. */
  readonly resolved: {
    readonly fees: string;
    readonly liquidity: Liquidity;
    readonly spread: SpreadSource;
    readonly impact: boolean;
    readonly funding: boolean;
  };
  /** One sentence per model on what it charges (for the report). */
  readonly notes: string[];
}

/**
 * Build the cost models of `spec` for the traded columns of `panel` (its assets, in order).
 * `db` is read for stored quotes (`spread: "quotes"`) and stored funding (`funding: true`):
 * funding of each asset comes from `funding_rates` of the panel's venue (`deno task backfill
 * --kind funding` or `deno task import *-funding_rate.json`), each rate charged in the bar
 * that contains its funding time (`alignFunding`). A traded symbol without stored funding, or
 * with a funding time of the window missing (a missing rate is not a zero rate), is refused
 * with what to run; a perp strategy never runs as if funding were free.
 *
 * @example Binance taker fees on one asset
 * ```ts
 * import { buildCosts } from "@lib/pipeline/cost_spec.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const panel = fromColumns({ venue: "binance", freq: "1h", assets: ["BTCUSDT"],
 *   index: Float64Array.of(0, 3_600_000), close: [Float64Array.of(1, 2)] });
 * const c = buildCosts({}, panel, undefined);
 * assert.deepEqual(c.models.map((m) => m.name), ["fees"]);
 * assert.equal(c.resolved.fees, "binance");
 * ```
 */
export function buildCosts(
  spec: CostSpec,
  panel: Panel,
  db: DatabaseSync | undefined,
): BuiltCosts {
  const fees = spec.fees ?? FEE_SCHEDULE_OF_VENUE[panel.venue] ?? panel.venue;
  const liquidity = spec.liquidity ?? COST_DEFAULTS.liquidity;
  const spread = spec.spread ?? COST_DEFAULTS.spread;
  const impact = spec.impact ?? COST_DEFAULTS.impact;
  const funding = spec.funding ?? COST_DEFAULTS.funding;
  const models: CostModel[] = [];
  const notes: string[] = [];
  if (liquidity !== "taker" && liquidity !== "maker") {
    throw new CostSpecError(`liquidity must be "taker" or "maker", got "${liquidity}"`);
  }
  const feeChoice = Object.hasOwn(VENUE_FEES, fees) || fees === "none" || fees.includes("=")
    ? parseFees(fees)
    : undefined;
  if (feeChoice?.kind === "custom") {
    const { maker, taker } = feeChoice;
    models.push(
      feeCost({ venue: CUSTOM_FEES, liquidity, overrides: { custom: { maker, taker } } }),
    );
    notes.push(
      `fees: your own ${liquidity} rate, ${(feeChoice[liquidity] * 1e4).toFixed(1)} bp of the ` +
        `traded value (--fees ${fees})`,
    );
  } else if (fees !== "none") {
    const schedule = VENUE_FEES[fees];
    if (schedule === undefined) {
      throw new CostSpecError(
        `no fee schedule for venue "${fees}"; pass --fees with one of ` +
          `${Object.keys(VENUE_FEES).join(", ")}, your own rates (--fees ` +
          "taker=0.0005,maker=0.0002), or --fees none",
      );
    }
    models.push(feeCost({ venue: fees, liquidity }));
    notes.push(
      `fees: ${fees} ${liquidity} ${(schedule[liquidity] * 1e4).toFixed(1)} bp of the traded ` +
        `value (${schedule.tier}, ${schedule.source}, as of ${schedule.asOf})`,
    );
  }
  if (!(SPREAD_SOURCES as readonly string[]).includes(spread)) {
    throw new CostSpecError(
      `spread must be one of ${SPREAD_SOURCES.join(", ")}, got "${spread}"`,
    );
  }
  if (spread !== "none") {
    const bars = { high: panel.high, low: panel.low, close: panel.close };
    const estimator = spread === "abdi-ranaldo" ? "abdi-ranaldo" : "corwin-schultz";
    const estimated = estimatedSpreads(bars, { estimator });
    if (spread === "quotes") {
      let quoted = 0;
      const spreads = panel.assets.map((symbol) => {
        const rows = db === undefined ? [] : readSpotSnapshots(db, { venue: panel.venue, symbol })
          .filter((r) => r.bid !== null && r.ask !== null);
        quoted += rows.length;
        return quotedSpreads(
          panel.index,
          rows.map((r) => r.ts),
          rows.map((r) => r.bid!),
          rows.map((r) => r.ask!),
        );
      });
      models.push(halfSpreadCost({ spreads, fallback: estimated }));
      notes.push(
        `spread: half the quoted spread of ${quoted} stored quotes, Corwin-Schultz estimates ` +
          "from OHLC bars where no quote is younger than one bar, 20 bp where neither is known",
      );
    } else {
      models.push(halfSpreadCost({ spreads: estimated }));
      notes.push(
        `spread: half the ${estimator} spread estimated from OHLC bars (causal rolling window), ` +
          "20 bp in the warm-up; OHLC estimators overstate liquid spot spreads",
      );
    }
  }
  if (impact) {
    const { sigma, adv } = impactInputs({ close: panel.close, volume: panel.volume });
    models.push(squareRootImpact({ sigma, adv }));
    notes.push(
      "impact: k * sigma * sqrt(Q / ADV) of the traded value, k = 1, sigma and ADV over the " +
        "720 bars before the trade (at least 360 present); a fill is capped at 10% of ADV (the " +
        "rest waits), and nothing is filled where sigma or ADV is not known yet",
    );
  }
  if (funding) {
    if (db === undefined) {
      throw new CostSpecError(
        "--funding reads the stored funding history, but no store was given",
      );
    }
    const n = panel.index.length;
    const from = n > 0 ? panel.index[0]! : 0;
    const end = n > 0 ? panel.index[n - 1]! + freqMs(panel.freq) : 0;
    const series = loadFunding(db, { venue: panel.venue, symbols: panel.assets, from, to: end });
    const none = series.filter((s) => s.time.length === 0).map((s) => s.symbol);
    if (none.length > 0) {
      throw new CostSpecError(
        `--funding: the store holds no funding history for ${none.join(", ")} on ` +
          `${panel.venue} between ${new Date(from).toISOString()} and ` +
          `${new Date(end).toISOString()}; fill it with deno task backfill --kind funding ` +
          `--venue ${panel.venue === "binance" ? "binance_futures" : panel.venue} --symbols ` +
          `${none.join(",")} --since ${new Date(from).toISOString().slice(0, 10)} (or deno task ` +
          "import a freqtrade *-funding_rate.json). Funding is stored per venue: a perp " +
          "backtest runs on the perp's bars (e.g. --venue binance_futures); spot positions " +
          "pay none, so run spot strategies without --funding",
      );
    }
    const gaps = series.filter((s) => s.missing.length > 0);
    if (gaps.length > 0) {
      const g = gaps[0]!;
      throw new CostSpecError(
        `--funding: the stored funding of ${
          gaps.map((s) => `${s.symbol} (${s.missing.length} missing)`).join(", ")
        } misses funding times inside the backtest window, first ${g.symbol} at ` +
          `${new Date(g.missing[0]!).toISOString()}; a missing rate is not a zero rate: ` +
          "backfill them (deno task backfill --kind funding) or narrow the window with " +
          "--from/--to",
      );
    }
    const rates = series.map((s) => alignFunding(panel.index, s.time, s.rate, { end }));
    models.push(fundingCost({ rates }));
    const events = series.reduce((a, s) => a + s.time.length, 0);
    notes.push(
      `funding: ${events} stored funding events of ${panel.venue} (${series.length} ` +
        "symbols), each charged in the bar containing its funding time on the weight held " +
        "across it: longs pay positive rates, shorts receive them",
    );
  }
  return { models, resolved: { fees, liquidity, spread, impact, funding }, notes };
}
