/**
 * Conditional event hypotheses: event definition x regime condition x action x holding period,
 * each traded after costs, tested, adjusted for the whole family and gated.
 *
 * @module
 */
import type { CostModel } from "../cost_model.ts";
import type { SignedEvent } from "../../research/events/event_definitions.ts";
import {
  type BootstrapCarOptions,
  bootstrapCarTest,
} from "../../research/events/bootstrap_car_test.ts";
import { twoSidedT } from "../../research/events/bmp_test.ts";
import { benjaminiHochberg } from "../../stats/benjamini_hochberg.ts";
import { benjaminiYekutieli } from "../../stats/benjamini_yekutieli.ts";
import { indexFreq, type TrialLedger } from "../../research/ledger.ts";
import { BACKTEST_DEFAULTS } from "../backtest_weights.ts";

/** What a hypothesis does at an event: buy, sell, or trade against the event's direction. */
export type EventAction = "long" | "short" | "fade";

/** The actions, in report order. */
export const EVENT_ACTIONS: readonly EventAction[] = ["long", "short", "fade"];

/** A market-wide regime known at each bar's close (e.g. from `deno task regimes`). */
export interface EventRegime {
  /** Name of the regime model, e.g. `vol-percentile`. */
  readonly name: string;
  readonly labels: readonly string[];
  /** State per bar (index into `labels`), -1 where unknown; the state at bar t uses bars <= t. */
  readonly state: Int8Array;
}

/** Inputs of {@link eventHypotheses}. */
export interface EventHypothesisInputs {
  /** Per-asset log returns on one bar grid (NaN = missing). */
  readonly logReturns: readonly Float64Array[];
  /** Bar open times (UTC ms). */
  readonly index: Float64Array;
  /** Events per definition (from `eventsFromFlags`), flagged at the close of their bar. */
  readonly definitions: readonly {
    readonly name: string;
    readonly events: readonly SignedEvent[];
  }[];
  readonly regime?: EventRegime | undefined;
  /** Cost models on the same grid and asset columns (lib/backtest/costs); none = gross. */
  readonly costs?: readonly CostModel[] | undefined;
  /** Dataset fingerprint recorded with each trial. */
  readonly dataset?: string | undefined;
}

/** Options of {@link eventHypotheses}. */
export interface EventHypothesisOptions {
  /**
   * Holding periods in bars: the position opens at the bar after the event bar and closes
   * after `h` bars.
   * @default {[4, 24]}
   */
  readonly holdingPeriods?: readonly number[];
  /**
   * Execution lag in bars, as the backtest engine's `lag`: an event flagged at bar t's close is
   * filled at bar t + lag's close.
   * @default {1}
   */
  readonly lag?: number;
  /** @default {["long", "short", "fade"]} ("fade" is skipped when every event has one sign: it would repeat "long" or "short") */
  readonly actions?: readonly EventAction[];
  /**
   * Fewest trades for promotion.
   * @default {30}
   */
  readonly minEvents?: number;
  /**
   * False-discovery rate of the adjustment and level of the interval.
   * @default {0.05}
   */
  readonly alpha?: number;
  /**
   * Which adjustment gates promotion: Benjamini-Yekutieli is valid under any dependence (the
   * hypotheses share events, so they are dependent); Benjamini-Hochberg is reported beside it.
   * @default {"by"}
   */
  readonly adjustment?: "bh" | "by";
  /**
   * Fewest trades in a regime for it to count in the stability check of an unconditioned
   * hypothesis.
   * @default {10}
   */
  readonly minRegimeTrades?: number;
  /**
   * The concentration gate: a hypothesis fails ("concentrated in few days") when its `topDays`
   * best UTC entry days carry more than `maxTopDayShare` of its total net return (a few crash
   * days are not a repeatable edge).
   * @default {5}
   */
  readonly topDays?: number;
  /** @default {0.5} */
  readonly maxTopDayShare?: number;
  /** The block bootstrap of the interval (replications default 499 here). */
  readonly bootstrap?: BootstrapCarOptions;
  /** Where every hypothesis is recorded as a trial (kind `returns`: its per-trade net returns). */
  readonly ledger?: TrialLedger | undefined;
}

/** Defaults of {@link EventHypothesisOptions}, stated once. */
export const EVENT_HYPOTHESIS_DEFAULTS = {
  lag: BACKTEST_DEFAULTS.lag,
  holdingPeriods: [4, 24] as readonly number[],
  actions: EVENT_ACTIONS,
  minEvents: 30,
  alpha: 0.05,
  adjustment: "by" as const,
  minRegimeTrades: 10,
  topDays: 5,
  maxTopDayShare: 0.5,
  replications: 499,
} as const;

/** Why a hypothesis was not promoted. */
export type GateFailure =
  | "too few events"
  | "CI crosses zero"
  | "negative expectancy"
  | "not significant after adjustment"
  | "unstable"
  | "concentrated in few days"
  | "eaten by costs";

/** One tested hypothesis. */
export interface EventHypothesis {
  readonly definition: string;
  /** `all`, or `<regime>=<label>`. */
  readonly condition: string;
  readonly action: EventAction;
  readonly holding: number;
  /** Trades (events with a complete holding window). */
  readonly n: number;
  /** Clusters of the t-test (distinct UTC days of the event bars). */
  readonly clusters: number;
  /** Share of the total net return from the `topDays` best entry days (see the gate). */
  readonly topDayShare: number;
  /** Mean gross and net (after costs) return per trade (log-return units). */
  readonly meanGross: number;
  readonly meanNet: number;
  readonly meanCost: number;
  /** Block-bootstrap percentile interval of the mean net return. */
  readonly lower: number;
  readonly upper: number;
  /**
   * Two-sided p of mean net = 0: trades clustered by UTC day of the event bar, with
   * Driscoll-Kraay (Bartlett) covariance between days a holding window can span (`clusterT`),
   * t with clusters - 1 df.
   */
  readonly pValue: number;
  /**
   * Benjamini-Hochberg and Benjamini-Yekutieli adjusted p across the family (NaN for a
   * hypothesis with no trade: it tests nothing and is not counted).
   */
  readonly pBH: number;
  readonly pBY: number;
  /** Mean net return in the first and second half of the grid. */
  readonly firstHalf: number;
  readonly secondHalf: number;
  /** Mean net return per regime label (unconditioned hypotheses with a regime; else empty). */
  readonly byRegime: Readonly<Record<string, { n: number; mean: number; pValue: number }>>;
  readonly promoted: boolean;
  /** Every gate that failed, with its number, e.g. `too few events (12 < 30)`. */
  readonly failures: readonly string[];
  readonly failureKinds: readonly GateFailure[];
  /** Trial sequence number in the ledger, when one was given. */
  readonly trialSeq?: number;
}

/** Result of {@link eventHypotheses}. */
export interface EventHypotheses {
  readonly hypotheses: readonly EventHypothesis[];
  readonly promoted: readonly EventHypothesis[];
  /** Number of hypotheses in the family (the m of the adjustment: those with >= 1 trade). */
  readonly family: number;
  /** Hypotheses with no trade (not in the family). */
  readonly empty: number;
  readonly adjustment: "bh" | "by";
  readonly alpha: number;
  /** The concentration gate's settings (see {@link EventHypothesisOptions.topDays}). */
  readonly topDays: number;
  readonly maxTopDayShare: number;
}

interface Trades {
  bars: Int32Array;
  /** UTC day number of each event bar. */
  days: Int32Array;
  net: Float64Array;
  gross: Float64Array;
  n: number;
}

/**
 * Test every hypothesis `definition x condition x action x holding` on the events given. Each
 * event at bar t (known at t's close) takes a unit position `d` on its asset (d = +1 long, -1
 * short, -sign fade) filled at bar o = t + lag's close, held over bars o + 1 .. o + h and closed
 * after, as the backtest engine executes a target set at t's close with the same lag (an
 * `event` strategy config replays it); its gross return is `d sum r` and its
 * cost what the cost models charge for that entry, holding and exit (fees and spread both ways,
 * funding while held). Per hypothesis: expectancy (mean net), a block-bootstrap percentile
 * interval (trades in time order, circular blocks, `bootstrapCarTest`), a cluster-robust t p-value
 * (trades clustered by UTC day of the event bar, with Driscoll-Kraay covariance between the
 * days one holding window can span, `clusterT`: a market-wide shock hitting 50 assets, and the
 * overlapping holds of the hours around it, count as one day, not as 50 independent trades),
 * the share of the net return from the best `topDays` days, the mean in each half of the grid
 * and, without a condition, in each regime; then BH and BY across every hypothesis with at least
 * one trade (the m counts all of those, even with too few events; one with no trade tests
 * nothing and is left out), and the gates. With a ledger, every hypothesis is one trial (family `event:<definition>`).
 * Cost: O(hypotheses x (trades + replications x trades)).
 *
 * @example A planted drift over the bars a lag-1 trade holds is promoted, long; short fails
 * ```ts
 * import { eventHypotheses } from "@lib/backtest/events/event_hypotheses.ts";
 * import assert from "node:assert/strict";
 * const n = 5000;
 * const r = Float64Array.from({ length: n }, (_, t) => 0.01 * Math.sin(t * 2.1 + t * t * 0.37));
 * const events = [];
 * for (let b = 50; b < n - 30; b += 40) { for (let s = 2; s <= 5; s++) r[b + s] = r[b + s]! + 0.003; events.push({ asset: 0, bar: b, sign: 1 }); }
 * const out = eventHypotheses(
 *   { logReturns: [r], index: Float64Array.from({ length: n }, (_, t) => t * 3.6e6), definitions: [{ name: "x", events }] },
 *   { holdingPeriods: [4], bootstrap: { replications: 199 } },
 * );
 * const long = out.hypotheses.find((h) => h.action === "long")!;
 * assert.ok(long.promoted && Math.abs(long.meanNet - 0.012) < 0.004);
 * const short = out.hypotheses.find((h) => h.action === "short")!;
 * assert.deepEqual(short.failureKinds, ["negative expectancy"]);
 * ```
 */
export function eventHypotheses(
  inputs: EventHypothesisInputs,
  options: EventHypothesisOptions = {},
): EventHypotheses {
  const D = EVENT_HYPOTHESIS_DEFAULTS;
  const holdings = options.holdingPeriods ?? D.holdingPeriods;
  const lag = options.lag ?? D.lag;
  if (!Number.isInteger(lag) || lag < 0) {
    throw new RangeError(
      `Cannot test event hypotheses: lag must be an integer >= 0 bars, got ${lag}`,
    );
  }
  const actions = options.actions ?? D.actions;
  const minEvents = options.minEvents ?? D.minEvents;
  const alpha = options.alpha ?? D.alpha;
  const adjustment = options.adjustment ?? D.adjustment;
  const minRegime = options.minRegimeTrades ?? D.minRegimeTrades;
  const topDays = options.topDays ?? D.topDays;
  const maxTopShare = options.maxTopDayShare ?? D.maxTopDayShare;
  if (!Number.isInteger(topDays) || topDays < 1) {
    throw new RangeError(
      `Cannot test event hypotheses: topDays must be an integer >= 1, got ${topDays}`,
    );
  }
  if (!(maxTopShare > 0 && maxTopShare <= 1)) {
    throw new RangeError(
      `Cannot test event hypotheses: maxTopDayShare must be in (0, 1], got ${maxTopShare}`,
    );
  }
  const boot: BootstrapCarOptions = {
    ...options.bootstrap,
    replications: options.bootstrap?.replications ?? D.replications,
    level: 1 - alpha,
  };
  for (const h of holdings) {
    if (!Number.isInteger(h) || h < 1) {
      throw new RangeError(
        `Cannot test event hypotheses: holding periods must be integers >= 1 bar, got ${h}`,
      );
    }
  }
  if (!Number.isInteger(minEvents) || minEvents < 2) {
    throw new RangeError(
      `Cannot test event hypotheses: minEvents must be an integer >= 2, got ${minEvents}`,
    );
  }
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`Cannot test event hypotheses: alpha must be in (0, 1), got ${alpha}`);
  }
  const { logReturns, index, regime } = inputs;
  const T = index.length;
  const A = logReturns.length;
  if (regime && regime.state.length !== T) {
    throw new RangeError(
      `Cannot test event hypotheses: the regime has ${regime.state.length} states for ${T} bars`,
    );
  }
  const costs = inputs.costs ?? [];
  const traded = new Float64Array(A);
  const held = new Float64Array(A);
  const active = new Int32Array(1);
  const out = new Float64Array(A);
  const costOf = (asset: number, t: number, tr: number, hd: number): number => {
    if (costs.length === 0) return 0;
    traded[asset] = tr;
    held[asset] = hd;
    active[0] = asset;
    let c = 0;
    for (const m of costs) {
      out[asset] = 0;
      m.cost({ t, ts: index[t]!, traded, held, equity: 1, active, activeCount: 1 }, out);
      c += out[asset]!;
    }
    traded[asset] = 0;
    held[asset] = 0;
    return c;
  };

  const conditions: { name: string; state: number }[] = [{ name: "all", state: -2 }];
  if (regime) {
    regime.labels.forEach((l, k) => conditions.push({ name: `${regime.name}=${l}`, state: k }));
  }
  const half = Math.floor(T / 2);
  const DAY = 86_400_000;
  const dayOf = (bar: number) => Math.floor(index[bar]! / DAY);
  const step = T > 1 ? index[1]! - index[0]! : DAY;
  // days a trade's window (event bar .. exit bar's close) can reach beyond its entry day
  const lagDays = (h: number) => Math.ceil((lag + h + 1) * step / DAY);

  interface Raw {
    definition: string;
    condition: string;
    action: EventAction;
    holding: number;
    trades: Trades;
    maxLag: number;
    byRegime: Record<string, { n: number; mean: number; pValue: number }>;
  }
  const raws: Raw[] = [];
  for (const def of inputs.definitions) {
    const signs = new Set(def.events.map((e) => e.sign));
    for (const h of holdings) {
      // per event and direction: gross and cost once, shared by conditions and actions
      const ne = def.events.length;
      const grossUp = new Float64Array(ne).fill(NaN);
      const costUp = new Float64Array(ne);
      const costDown = new Float64Array(ne);
      def.events.forEach((e, i) => {
        const r = logReturns[e.asset]!;
        const o = e.bar + lag; // filled at this bar's close, held over o + 1 .. o + h
        if (o + h + 1 >= T) return;
        let s = 0;
        for (let q = 1; q <= h; q++) s += r[o + q]!;
        if (!Number.isFinite(s)) return;
        grossUp[i] = s;
        for (const d of [1, -1]) {
          let c = costOf(e.asset, o + 1, d, d);
          for (let q = 2; q <= h; q++) c += costOf(e.asset, o + q, 0, d);
          c += costOf(e.asset, o + h + 1, -d, 0);
          if (d === 1) costUp[i] = c;
          else costDown[i] = c;
        }
      });
      for (const action of actions) {
        if (action === "fade" && signs.size < 2) continue;
        const dirOf = (e: SignedEvent) => action === "long" ? 1 : action === "short" ? -1 : -e.sign;
        for (const cond of conditions) {
          const pick: number[] = [];
          def.events.forEach((e, i) => {
            if (!Number.isFinite(grossUp[i]!)) return;
            if (cond.state !== -2 && regime!.state[e.bar] !== cond.state) return;
            pick.push(i);
          });
          const trades: Trades = {
            bars: Int32Array.from(pick, (i) => def.events[i]!.bar),
            days: Int32Array.from(pick, (i) => dayOf(def.events[i]!.bar)),
            gross: Float64Array.from(pick, (i) => dirOf(def.events[i]!) * grossUp[i]!),
            net: Float64Array.from(pick, (i) => {
              const d = dirOf(def.events[i]!);
              return d * grossUp[i]! - (d === 1 ? costUp[i]! : costDown[i]!);
            }),
            n: pick.length,
          };
          const byRegime: Raw["byRegime"] = {};
          if (cond.state === -2 && regime) {
            regime.labels.forEach((l, k) => {
              const idx: number[] = [];
              for (let j = 0; j < trades.n; j++) {
                if (regime.state[trades.bars[j]!] === k) idx.push(j);
              }
              const sub = Float64Array.from(idx, (j) => trades.net[j]!);
              const days = Int32Array.from(idx, (j) => trades.days[j]!);
              const ct = clusterT(sub, days, lagDays(h));
              byRegime[l] = { n: idx.length, mean: ct.mean, pValue: ct.pValue };
            });
          }
          raws.push({
            definition: def.name,
            condition: cond.name,
            action,
            holding: h,
            trades,
            maxLag: lagDays(h),
            byRegime,
          });
        }
      }
    }
  }
  const tests = raws.map((w) => clusterT(w.trades.net, w.trades.days, w.maxLag));
  // the family: hypotheses with at least one trade (an empty one tests nothing)
  const member = raws.map((w, i) => w.trades.n > 0 ? i : -1).filter((i) => i >= 0);
  const pRaw = Float64Array.from(
    member,
    (i) => Number.isNaN(tests[i]!.pValue) ? 1 : tests[i]!.pValue,
  );
  const pBH = new Float64Array(raws.length).fill(NaN);
  const pBY = new Float64Array(raws.length).fill(NaN);
  if (member.length > 0) {
    const bh = benjaminiHochberg(pRaw);
    const by = benjaminiYekutieli(pRaw);
    member.forEach((i, k) => {
      pBH[i] = bh[k]!;
      pBY[i] = by[k]!;
    });
  }
  const freq = indexFreq(index);
  const hypotheses: EventHypothesis[] = raws.map((w, i) => {
    const { trades } = w;
    const ct = tests[i]!;
    const b = trades.n >= 2 ? bootstrapCarTest(trades.net, trades.bars, boot) : null;
    let s1 = 0, c1 = 0, s2 = 0, c2 = 0, sg = 0;
    for (let j = 0; j < trades.n; j++) {
      sg += trades.gross[j]!;
      if (trades.bars[j]! < half) {
        s1 += trades.net[j]!;
        c1++;
      } else {
        s2 += trades.net[j]!;
        c2++;
      }
    }
    const meanNet = ct.mean;
    const meanGross = trades.n > 0 ? sg / trades.n : NaN;
    const firstHalf = c1 > 0 ? s1 / c1 : NaN;
    const secondHalf = c2 > 0 ? s2 / c2 : NaN;
    const failures: string[] = [];
    const kinds: GateFailure[] = [];
    const fail = (k: GateFailure, why: string) => {
      kinds.push(k);
      failures.push(`${k} (${why})`);
    };
    if (trades.n < minEvents) fail("too few events", `${trades.n} < ${minEvents}`);
    const lower = b?.lower ?? NaN;
    const upper = b?.upper ?? NaN;
    // only a profitable hypothesis can be promoted: its whole interval must be above zero
    if (upper < 0) fail("negative expectancy", `interval ${pct(lower)} to ${pct(upper)}`);
    else if (!(lower > 0)) fail("CI crosses zero", `${pct(lower)} to ${pct(upper)}`);
    const q = adjustment === "by" ? pBY[i]! : pBH[i]!;
    if (!(q <= alpha)) {
      fail(
        "not significant after adjustment",
        `${adjustment.toUpperCase()} q = ${fmtP(q)} > ${alpha}`,
      );
    }
    const sign = Math.sign(meanNet);
    const unstable: string[] = [];
    if (!(Math.sign(firstHalf) === sign && Math.sign(secondHalf) === sign)) {
      unstable.push(`halves ${pct(firstHalf)} / ${pct(secondHalf)}`);
    }
    for (const [l, g] of Object.entries(w.byRegime)) {
      if (g.n >= minRegime && Math.sign(g.mean) === -sign && g.pValue < alpha) {
        unstable.push(`regime ${l} ${pct(g.mean)} (p ${fmtP(g.pValue)})`);
      }
    }
    if (unstable.length > 0) fail("unstable", unstable.join("; "));
    const topDayShare = topClusterShare(trades.net, trades.days, topDays);
    if (meanNet > 0 && topDayShare > maxTopShare) {
      fail(
        "concentrated in few days",
        `the best ${topDays} of ${ct.clusters} days carry ${
          (topDayShare * 100).toFixed(0)
        }% of the net return > ${(maxTopShare * 100).toFixed(0)}%`,
      );
    }
    if (meanGross > 0 && !(meanNet > 0)) {
      fail("eaten by costs", `gross ${pct(meanGross)}, net ${pct(meanNet)}`);
    }
    let trialSeq: number | undefined;
    if (options.ledger) {
      const params = { condition: w.condition, action: w.action, holding: w.holding };
      trialSeq = options.ledger.record({
        spec: {
          family: `event:${w.definition}`,
          params,
          ...(inputs.dataset !== undefined ? { dataset: inputs.dataset } : {}),
        },
        kind: "returns",
        origin: "eventHypotheses",
        params: { ...params, series: "net return per trade", costs: costs.map((m) => m.name) },
        dataset: inputs.dataset ?? "unknown",
        freq,
        series: trades.net,
      }).seq;
    }
    return {
      definition: w.definition,
      condition: w.condition,
      action: w.action,
      holding: w.holding,
      n: trades.n,
      clusters: ct.clusters,
      topDayShare,
      meanGross,
      meanNet,
      meanCost: meanGross - meanNet,
      lower,
      upper,
      pValue: ct.pValue,
      pBH: pBH[i]!,
      pBY: pBY[i]!,
      firstHalf,
      secondHalf,
      byRegime: w.byRegime,
      promoted: failures.length === 0,
      failures,
      failureKinds: kinds,
      ...(trialSeq !== undefined ? { trialSeq } : {}),
    };
  });
  return {
    hypotheses,
    promoted: hypotheses.filter((h) => h.promoted),
    family: member.length,
    empty: raws.length - member.length,
    adjustment,
    alpha,
    topDays,
    maxTopDayShare: maxTopShare,
  };
}

/**
 * Mean of `x` and its cluster-robust two-sided t-test. Clusters are equal `ids` (integers in time
 * order, e.g. UTC day numbers); with `maxLag` L > 0 the cluster sums are also allowed to be
 * correlated with those of clusters up to L ids away, with Bartlett weights 1 - l / (L + 1)
 * (Driscoll and Kraay 1998, "Consistent covariance matrix estimation with spatially dependent
 * panel data", REStat 80(4); Newey and West 1987): with s_g = sum_{i in g} (x_i - mean),
 * se^2 = G / (G - 1) * (sum_g s_g^2 + 2 sum_{l=1..L} w_l sum_{g, g' = g + l} s_g s_g') / n^2 and a t
 * with G - 1 df, G = clusters. An id with no trade counts as a zero sum (so lags are in id units,
 * e.g. calendar days). L = 0 is CR1 clustering (statsmodels `cluster`); L > 0 with consecutive ids
 * is statsmodels' `hac-groupsum` with `use_correction="cluster"`.
 */
export function clusterT(
  x: Float64Array,
  ids: Int32Array,
  maxLag = 0,
): { mean: number; se: number; pValue: number; clusters: number } {
  const n = x.length;
  if (n === 0) return { mean: NaN, se: NaN, pValue: NaN, clusters: 0 };
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const mean = s / n;
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => ids[p]! - ids[q]! || p - q);
  const gId: number[] = [];
  const gSum: number[] = [];
  let cur = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j]!;
    cur += x[i]! - mean;
    if (j === n - 1 || ids[order[j + 1]!] !== ids[i]) {
      gId.push(ids[i]!);
      gSum.push(cur);
      cur = 0;
    }
  }
  const G = gId.length;
  let acc = 0;
  for (let g = 0; g < G; g++) {
    acc += gSum[g]! * gSum[g]!;
    for (let k = g + 1; k < G && gId[k]! - gId[g]! <= maxLag; k++) {
      acc += 2 * (1 - (gId[k]! - gId[g]!) / (maxLag + 1)) * gSum[g]! * gSum[k]!;
    }
  }
  if (G < 2 || !(acc > 0)) return { mean, se: NaN, pValue: NaN, clusters: G };
  const se = Math.sqrt(G / (G - 1) * acc) / n;
  return { mean, se, pValue: se > 0 ? twoSidedT(mean / se, G - 1) : NaN, clusters: G };
}

/**
 * Share of the total of `x` (in the direction of its sign) that its `k` best clusters carry:
 * cluster sums S_g over equal `ids`, total S, share = (sum of the k largest sign(S) S_g) / |S|.
 * NaN when S is 0 or there are no values. Above 1 when the other clusters lose in sum.
 */
export function topClusterShare(x: Float64Array, ids: Int32Array, k: number): number {
  const sums = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    sums.set(ids[i]!, (sums.get(ids[i]!) ?? 0) + x[i]!);
    total += x[i]!;
  }
  if (!(Math.abs(total) > 0)) return NaN;
  const sg = Math.sign(total);
  const top = [...sums.values()].map((v) => sg * v).sort((a, b) => b - a).slice(0, k);
  let t = 0;
  for (const v of top) t += v;
  return t / Math.abs(total);
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(3)}%` : "n/a";
}

function fmtP(p: number): string {
  return Number.isFinite(p) ? (p < 1e-4 ? p.toExponential(1) : p.toFixed(4)) : "n/a";
}
