/**
 * The event workflow on a store, end to end: load the bars, the perp data the store holds
 * (funding known at each bar, open interest, liquidations), a second venue and a stored regime,
 * build the backtest's cost models, run `eventsWorkflow` and build its report. `deno task
 * events` is a thin shell around {@link runEvents}.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import { listSeries } from "../store/bars.ts";
import { listFundingSeries } from "../store/perp_funding.ts";
import { OPEN_INTEREST_PERIODS, readOpenInterest } from "../store/perp_open_interest.ts";
import { readLiquidations } from "../store/perp_liquidations.ts";
import { listRegimeRuns, readRegimeRun } from "../store/regimes.ts";
import type { Dataset } from "../panel/dataset.ts";
import { loadDataset } from "../panel/load_dataset.ts";
import { loadFundingOnGrid } from "../panel/load_funding.ts";
import { fundingKnownAt } from "../panel/funding_on_grid.ts";
import { detectRedenominations } from "../panel/redenominations.ts";
import { GRID_DEFAULTS } from "../core/grid_size.ts";
import { resolveFactorAsset } from "../research/factor_assets.ts";
import type { TrialLedger } from "../research/ledger.ts";
import {
  type EventsWorkflow,
  eventsWorkflow,
  type EventsWorkflowInputs,
} from "../backtest/events/events_workflow.ts";
import {
  EVENT_HYPOTHESIS_DEFAULTS,
  type EventRegime,
} from "../backtest/events/event_hypotheses.ts";
import { EVENTS_WORKFLOW_DEFAULTS } from "../backtest/events/events_workflow.ts";
import { buildCosts, type CostSpec } from "./cost_spec.ts";
import type { GitInfo, ParamValue, ReportModel } from "../report/model.ts";
import { buildEventsReport } from "../report/events_report.ts";

/** A request the store cannot satisfy; `flag` names the option to change. */
export class EventsInputError extends RangeError {
  readonly flag: string | undefined;
  constructor(message: string, flag?: string) {
    super(message);
    this.name = "EventsInputError";
    this.flag = flag;
  }
}

/** What {@link runEvents} runs on; only `freq` is required. */
export interface EventsRunOptions {
  readonly freq: Freq;
  /** Venue of the bars. Default: the only venue with `freq` bars. */
  readonly venue?: string | undefined;
  readonly symbols?: readonly string[] | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  /**
   * Venue of the perp data (funding, open interest, liquidations). Default: the bars' venue
   * when it has stored funding, else `binance_futures`.
   */
  readonly perpVenue?: string | undefined;
  /** A second venue with bars of the same symbols, for the dislocation definitions. Default: none. */
  readonly otherVenue?: string | undefined;
  /**
   * Stored regime run (`deno task regimes`) conditioning the hypotheses: its cross-sectional
   * series (`*`) or BTC's. Default: the newest complete run of the venue and frequency; none
   * when the store has none.
   */
  readonly regimeRun?: string | undefined;
  /**
   * Factors of the market model, as base names resolved in the universe (`BTC` finds
   * `BTCUSDT`): one or two. Without BTC in the universe the equal-weighted market is used.
   * @default {EVENTS_RUN_DEFAULTS.factors} (BTC and ETH)
   */
  readonly factors?: readonly string[] | undefined;
  /** Cost models, as `deno task backtest` builds them. @default fees of the venue, taker */
  readonly costs?: CostSpec | undefined;
  /** @default {EVENT_HYPOTHESIS_DEFAULTS.holdingPeriods} */
  readonly holdingPeriods?: readonly number[] | undefined;
  /** @default {EVENTS_WORKFLOW_DEFAULTS.cooldown} */
  readonly cooldown?: number | undefined;
  /** @default {EVENT_HYPOTHESIS_DEFAULTS.minEvents} */
  readonly minEvents?: number | undefined;
  /** Bootstrap replications of the studies and the hypotheses. @default {EVENT_HYPOTHESIS_DEFAULTS.replications} */
  readonly replications?: number | undefined;
  readonly ledger?: TrialLedger | undefined;
  readonly runId?: string | undefined;
  readonly git?: GitInfo | undefined;
  readonly projectDir?: string | undefined;
}

/**
 * Net liquidated notional per bar of a grid (`index` = bar open times, `step` ms): + where shorts
 * were liquidated (buy orders), - where longs were, `filledQty x avgPrice` summed over the rows
 * whose trade time falls in the bar; 0 from the first row's bar on where there is none, NaN
 * before it (nothing was recorded yet). Causal: the value at bar t depends on rows up to the end
 * of bar t only. O(bars + rows).
 *
 * @example
 * ```ts
 * import { liquidationsOnGrid } from "@lib/pipeline/events_run.ts";
 * import assert from "node:assert/strict";
 * const row = { ts: 3_600_000 + 5, side: "sell" as const, filledQty: 2, avgPrice: 100 };
 * const col = liquidationsOnGrid(Float64Array.of(0, 3_600_000, 7_200_000), 3_600_000, [row]);
 * assert.deepEqual([...col], [NaN, -200, 0]);
 * ```
 */
export function liquidationsOnGrid(
  index: Float64Array,
  step: number,
  rows: readonly {
    readonly ts: number;
    readonly side: "buy" | "sell";
    readonly filledQty: number;
    readonly avgPrice: number;
  }[],
): Float64Array {
  const T = index.length;
  const col = new Float64Array(T).fill(NaN);
  if (rows.length === 0 || T === 0) return col;
  // 0 from the first row's bar on: whether a bar is 0 or NaN must not depend on later rows (a
  // "last row" bound would)
  const first = Math.floor((rows[0]!.ts - index[0]!) / step);
  for (let t = Math.max(0, first); t < T; t++) col[t] = 0;
  for (const r of rows) {
    const t = Math.floor((r.ts - index[0]!) / step);
    if (t < 0 || t >= T) continue;
    col[t] = col[t]! + (r.side === "buy" ? 1 : -1) * r.filledQty * r.avgPrice;
  }
  return col;
}

/** Defaults of {@link EventsRunOptions} not stated elsewhere. */
export const EVENTS_RUN_DEFAULTS = { factors: ["BTC", "ETH"] as readonly string[] } as const;

/** A backtest config to write beside the report. */
export interface CandidateConfig {
  readonly file: string;
  readonly config: Record<string, unknown>;
}

/** What {@link runEvents} built. */
export interface EventsRun {
  readonly model: ReportModel;
  readonly dataset: Dataset;
  readonly workflow: EventsWorkflow;
  /** One per runnable promoted candidate, named `candidate-<k>.json`. */
  readonly configs: readonly CandidateConfig[];
}

/**
 * Run the event workflow on the store's bars (see `eventsWorkflow` and `buildEventsReport`).
 * Funding is the rate known at each bar's close (`loadFundingOnGrid`: a rate counts from its
 * funding time), open interest the last value stamped before each bar's end, liquidations the
 * net notional (+ shorts liquidated) per bar from the first stored liquidation of the symbol on
 * (0 where none; NaN before it). Every promoted, runnable candidate
 * gets a config for `deno task backtest --config` with this run's venue, window, universe and
 * costs. Throws an {@link EventsInputError} naming the option when the store cannot serve the
 * request.
 *
 * @example Two assets of bars only: the perp definitions are unavailable
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { runEvents } from "@lib/pipeline/events_run.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000, n = 600;
 * for (const [k, symbol] of ["BTCUSDT", "ALTUSDT"].entries()) {
 *   const b = allocBars({ venue: "x", symbol, freq: "1h" }, n);
 *   for (let i = 0; i < n; i++) {
 *     const p = 100 * Math.exp(0.01 * Math.sin(i * (k + 1.3)));
 *     b.ts[i] = i * h; b.open[i] = b.high[i] = b.low[i] = b.close[i] = p; b.volume[i] = 1;
 *   }
 *   writeBars(db, b, { source: "doc" });
 * }
 * const r = runEvents(db, { freq: "1h", costs: { fees: "binance" }, replications: 19, git: { commit: "unknown", dirty: null } });
 * const funding = r.workflow.definitions.find((d) => d.name === "funding-high-2z")!;
 * assert.equal(funding.available, false);
 * assert.equal(r.model.manifest.params.factors, "BTCUSDT");
 * assert.throws(() => runEvents(db, { freq: "1h", venue: "y" }), /no 1h bars of venue "y"/);
 * ```
 */
export function runEvents(db: DatabaseSync, options: EventsRunOptions): EventsRun {
  const { freq } = options;
  const series = listSeries(db, { freq });
  const venues = [...new Set(series.map((s) => s.venue))];
  const venue = options.venue ?? (venues.length === 1 ? venues[0]! : undefined);
  if (venue === undefined) {
    throw new EventsInputError(
      venues.length === 0
        ? `the store has no ${freq} bars; import or backfill some first, or pick another --freq`
        : `the store has ${freq} bars of several venues (${
          venues.join(", ")
        }); pick one with --venue`,
      venues.length === 0 ? "freq" : "venue",
    );
  }
  const stored = new Set(series.filter((s) => s.venue === venue).map((s) => s.symbol));
  if (stored.size === 0) {
    throw new EventsInputError(
      `the store has no ${freq} bars of venue "${venue}"; venues with ${freq} bars: ${
        venues.join(", ")
      }`,
      "venue",
    );
  }
  const unknown = (options.symbols ?? []).filter((s) => !stored.has(s));
  if (unknown.length > 0) {
    throw new EventsInputError(
      `no ${freq} bars of ${venue} ${unknown.join(", ")} in the store; stored: ` +
        [...stored].sort().slice(0, 30).join(", "),
      "universe",
    );
  }
  const dataset = loadDataset(db, {
    venue,
    freq,
    symbols: options.symbols,
    from: options.from,
    to: options.to,
    maxCells: GRID_DEFAULTS.maxReportCells,
  });
  const panel = dataset.panel;
  const assets = panel.assets;
  const index = panel.index;
  const T = index.length;
  const step = freqMs(freq);
  const notes: string[] = [];

  // factors: BTC and ETH of the universe, else the equal-weighted market
  const find = (name: string) => {
    try {
      return assets.indexOf(resolveFactorAsset(assets, name));
    } catch {
      return -1;
    }
  };
  const wanted = options.factors ?? EVENTS_RUN_DEFAULTS.factors;
  if (wanted.length < 1 || wanted.length > 2) {
    throw new EventsInputError(
      `the market model takes one factor or two (e.g. BTC or BTC,ETH), got ${wanted.length}`,
      "factors",
    );
  }
  const found = wanted.map(find);
  const btc = found[0]!, eth = found[1] ?? -1;
  // the default pair falls back to BTC alone; an explicit second factor must exist
  if (options.factors !== undefined && wanted.length === 2 && btc >= 0 && eth < 0) {
    throw new EventsInputError(`no asset of the universe matches ${wanted[1]}`, "factors");
  }
  let factors: Float64Array[];
  let factorNames: string[];
  let factorAssets: number[];
  if (btc >= 0) {
    factorAssets = eth >= 0 ? [btc, eth] : [btc];
    factors = factorAssets.map((a) => panel.logReturns[a]!);
    factorNames = factorAssets.map((a) => assets[a]!);
  } else {
    const m = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      let s = 0, c = 0;
      for (const r of panel.logReturns) {
        const v = r[t]!;
        if (Number.isFinite(v)) {
          s += v;
          c++;
        }
      }
      m[t] = c > 0 ? s / c : NaN;
    }
    factors = [m];
    factorNames = ["equal-weighted market"];
    factorAssets = [];
    notes.push(
      `The universe has no ${wanted[0]}: the market model uses the equal-weighted average ` +
        "return of the universe as its one factor.",
    );
  }

  // perp data
  const perpVenue = options.perpVenue ??
    (listFundingSeries(db, venue).length > 0 ? venue : "binance_futures");
  const fundingSeries = listFundingSeries(db, perpVenue).filter((s) => assets.includes(s.symbol));
  const fundingStored = new Set(fundingSeries.map((s) => s.symbol));
  const gridEnd = T > 0 ? index[T - 1]! + step : 0;
  const unavailable: Partial<Record<"funding", string>> = {};
  let funding: Float64Array[] | undefined;
  if (fundingStored.size > 0) {
    funding = [...loadFundingOnGrid(db, { venue: perpVenue, assets, index, freq }).known];
    const inWindow = funding.some((c) => c.some((v) => Number.isFinite(v)));
    const first = Math.min(...fundingSeries.map((s) => s.first));
    const last = Math.max(...fundingSeries.map((s) => s.last));
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16) + "Z";
    const span = `${iso(first)} to ${iso(last)}`;
    if (!inWindow) {
      unavailable.funding = `funding rates are stored on ${perpVenue} for ${fundingStored.size} ` +
        `of these assets, but only from ${span}, outside the window ${iso(index[0] ?? 0)} to ` +
        `${iso(gridEnd)}: pick --from/--to inside that span, or backfill funding for the window ` +
        "(deno task backfill --kind funding)";
    }
    notes.push(
      `Funding: ${fundingStored.size} of ${assets.length} assets have stored funding on ` +
        `${perpVenue} (${span}${inWindow ? "" : ", none known in this window"}); the rate at a ` +
        `bar is the last one whose funding time has passed by the bar's close.`,
    );
  }
  let openInterest: Float64Array[] | undefined;
  if ((OPEN_INTEREST_PERIODS as readonly string[]).includes(freq)) {
    let any = false;
    const cols = assets.map((symbol) => {
      const oi = readOpenInterest(db, {
        venue: perpVenue,
        symbol,
        period: freq as (typeof OPEN_INTEREST_PERIODS)[number],
      }, { to: gridEnd });
      if (oi.ts.length === 0) return new Float64Array(T).fill(NaN);
      any = true;
      return fundingKnownAt(index, oi.ts, oi.openInterest, { end: gridEnd });
    });
    if (any) openInterest = cols;
  }
  let liquidations: Float64Array[] | undefined;
  {
    let any = false;
    const cols = assets.map((symbol) => {
      const rows = readLiquidations(db, perpVenue, symbol, { from: index[0] ?? 0, to: gridEnd });
      if (rows.length > 0) any = true;
      return liquidationsOnGrid(index, step, rows);
    });
    if (any) liquidations = cols;
  }
  let otherVenueClose: Float64Array[] | undefined;
  if (options.otherVenue !== undefined) {
    const there = new Set(
      listSeries(db, { venue: options.otherVenue, freq }).map((s) => s.symbol),
    );
    const both = assets.filter((a) => there.has(a));
    if (both.length === 0) {
      throw new EventsInputError(
        `the store has no ${freq} bars of ${options.otherVenue} for these symbols`,
        "other-venue",
      );
    }
    const other = loadDataset(db, {
      venue: options.otherVenue,
      freq,
      symbols: both,
      from: dataset.from,
      to: dataset.to,
    }).panel;
    const pos = new Map<number, number>();
    other.index.forEach((ts, i) => pos.set(ts, i));
    otherVenueClose = assets.map((a) => {
      const k = other.assets.indexOf(a);
      const col = new Float64Array(T).fill(NaN);
      if (k < 0) return col;
      for (let t = 0; t < T; t++) {
        const i = pos.get(index[t]!);
        if (i !== undefined) col[t] = other.close[k]![i]!;
      }
      return col;
    });
    notes.push(`Dislocations against ${options.otherVenue} (${both.length} common symbols).`);
  }

  // regime: only states known at the event bar, i.e. out of sample for a fitted run (a vol or
  // Markov run's training states use thresholds / parameters fitted on later bars)
  let regime: EventRegime | undefined;
  let regimeRunId: string | null = null;
  const winFrom = T > 0 ? index[0]! : 0;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const skipped: string[] = [];
  const runs = options.regimeRun !== undefined
    ? [options.regimeRun]
    : listRegimeRuns(db, { venue, freq }).map((r) => r.runId);
  if (options.regimeRun !== undefined) {
    const info = readRegimeRun(db, options.regimeRun)?.run;
    if (info === undefined) {
      throw new EventsInputError(`no regime run ${options.regimeRun} in the store`, "regime-run");
    }
    if (info.venue !== venue || info.freq !== freq) {
      throw new EventsInputError(
        `regime run ${options.regimeRun.slice(0, 12)} is of ${info.venue} ${info.freq} bars, ` +
          `the events run on ${venue} ${freq}: pick a run of ${venue} ${freq} (deno task regimes ` +
          `--venue ${venue} --freq ${freq}) or leave --regime-run out`,
        "regime-run",
      );
    }
    if (
      info.firstTs === null || info.lastTs === null || info.lastTs < winFrom ||
      info.firstTs >= gridEnd
    ) {
      throw new EventsInputError(
        `regime run ${options.regimeRun.slice(0, 12)} covers ${
          info.firstTs === null ? "no bar" : `${day(info.firstTs)} to ${day(info.lastTs!)}`
        }, outside the events' window ${day(winFrom)} to ${day(gridEnd - step)}: pick a run ` +
          "of this period or change --from/--to",
        "regime-run",
      );
    }
    if (info.trainEndTs !== null && info.trainEndTs >= gridEnd - step) {
      throw new EventsInputError(
        `regime run ${options.regimeRun.slice(0, 12)} was trained on bars up to ${
          day(info.trainEndTs)
        }, so every state in the events' window (to ${day(gridEnd - step)}) is in sample ` +
          "(fitted on later bars): run deno task regimes with a --train-end before the window's end",
        "regime-run",
      );
    }
  }
  for (const id of runs) {
    const run = readRegimeRun(db, id)!;
    const s = run.series.find((x) => x.asset === "*") ??
      (btc >= 0 ? run.series.find((x) => x.asset === assets[btc]) : undefined);
    if (s === undefined) continue;
    const trainEnd = run.run.trainEndTs;
    const pos = new Map<number, number>();
    run.index.forEach((ts, i) => pos.set(ts, i));
    const state = new Int8Array(T).fill(-1);
    let known = 0;
    for (let t = 0; t < T; t++) {
      if (trainEnd !== null && index[t]! <= trainEnd) continue;
      const i = pos.get(index[t]!);
      if (i !== undefined) {
        state[t] = s.state[i]!;
        if (state[t]! >= 0) known++;
      }
    }
    if (known === 0) {
      skipped.push(id.slice(0, 12));
      continue;
    }
    regime = { name: run.run.method, labels: run.run.labels, state };
    regimeRunId = id;
    notes.push(
      `Regime: run ${id.slice(0, 12)} (${run.run.method}, series ${s.asset}; labels ` +
        `${run.run.labels.join(", ")}), the state known at each event bar's close` +
        (trainEnd !== null
          ? `: only its out-of-sample states (bars after its training end ${
            day(trainEnd)
          }; ${known} of ${T} bars); events on or before it are in no regime condition (its ` +
            "thresholds / parameters were fitted on later bars) and count only in the " +
            "unconditioned hypotheses."
          : ` (${known} of ${T} bars have a state).`),
    );
    break;
  }
  if (regime === undefined) {
    notes.push(
      skipped.length > 0
        ? `The stored regime runs (${
          skipped.join(", ")
        }) have no out-of-sample state in this window: hypotheses are unconditioned (run deno task regimes with a --train-end before the window to add regime conditions).`
        : "No stored regime run for this venue and frequency: hypotheses are unconditioned (run deno task regimes to add regime conditions).",
    );
  }

  const built = buildCosts(options.costs ?? {}, panel, db);
  notes.push(`Costs: ${built.notes.join("; ") || "none"}.`);
  const replications = options.replications ?? EVENT_HYPOTHESIS_DEFAULTS.replications;
  const holdingPeriods = options.holdingPeriods ?? EVENT_HYPOTHESIS_DEFAULTS.holdingPeriods;
  const cooldown = options.cooldown ?? EVENTS_WORKFLOW_DEFAULTS.cooldown;
  const minEvents = options.minEvents ?? EVENT_HYPOTHESIS_DEFAULTS.minEvents;
  const inputs: EventsWorkflowInputs = {
    assets,
    open: panel.open,
    close: panel.close,
    logReturns: panel.logReturns,
    funding,
    openInterest,
    liquidations,
    otherVenueClose,
    index,
    factors,
    factorNames,
    factorAssets,
    regime,
    costs: built.models,
    dataset: dataset.fingerprint.sha256,
    unavailable,
  };
  const workflow = eventsWorkflow(inputs, {
    cooldown,
    study: { bootstrap: { replications } },
    hypotheses: {
      holdingPeriods,
      minEvents,
      bootstrap: { replications },
      ...(options.ledger === undefined ? {} : { ledger: options.ledger }),
    },
  });
  // a redenomination in the data (COCOS's 1:1000) would show as a jump in a replay that does not
  // undo it: candidate configs ask the backtest to adjust it (its --adjust-redenominations)
  const redenominations = workflow.candidates.some((c) => c.config !== null)
    ? detectRedenominations({ close: panel.close, volume: panel.volume, index, assets })
    : [];
  if (redenominations.length > 0) {
    notes.push(
      `The data hold ${redenominations.length} redenomination(s) (${
        redenominations.map((e) =>
          `${e.asset} ${new Date(e.ts).toISOString().slice(0, 10)}, x${e.factor}`
        ).join("; ")
      }): every candidate config sets adjustRedenominations: true, so deno task backtest ` +
        "--config undoes them (as --adjust-redenominations) instead of trading the jump.",
    );
  }
  const configs: CandidateConfig[] = [];
  const configFiles = workflow.candidates.map((c) => {
    if (c.config === null) return null;
    const file = `candidate-${configs.length + 1}.json`;
    configs.push({
      file,
      config: {
        ...c.config,
        venue,
        freq,
        universe: [...dataset.symbols],
        from: new Date(dataset.from).toISOString(),
        to: new Date(dataset.to).toISOString(),
        costs: {
          fees: built.resolved.fees,
          liquidity: built.resolved.liquidity,
          spread: built.resolved.spread,
        },
        ...(redenominations.length > 0 ? { adjustRedenominations: true } : {}),
      },
    });
    return file;
  });
  const params: Record<string, ParamValue> = {
    venue,
    freq,
    universe: dataset.symbols.join(","),
    from: dataset.from,
    to: dataset.to,
    perpVenue,
    otherVenue: options.otherVenue ?? null,
    regimeRun: regimeRunId,
    factors: factorNames.join(","),
    holdingPeriods: holdingPeriods.join(","),
    cooldown,
    minEvents,
    replications,
    fees: built.resolved.fees,
    liquidity: built.resolved.liquidity,
    spread: built.resolved.spread,
  };
  const model = buildEventsReport(dataset, workflow, {
    params,
    runId: options.runId,
    git: options.git,
    projectDir: options.projectDir,
    notes,
    configFiles,
  });
  return { model, dataset, workflow, configs };
}
