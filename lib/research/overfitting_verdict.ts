/**
 * The overfitting verdict of one trial read against its family in the trial ledger: how many
 * variants were tried before it, and what the Sharpe inference (PSR, DSR, MinTRL), PBO by CSCV,
 * the block bootstrap and the data-snooping tests (SPA, StepM) say once they are counted. The
 * report section `overfittingSection` (lib/report/sections) shows it.
 *
 * @module
 */
import { sharpeMoments } from "../stats/sharpe_moments.ts";
import { probabilisticSharpeRatio } from "../stats/probabilistic_sharpe_ratio.ts";
import { deflatedSharpeRatio } from "../stats/deflated_sharpe_ratio.ts";
import { minimumTrackRecordLength } from "../stats/minimum_track_record_length.ts";
import { probabilityOfBacktestOverfitting } from "../stats/probability_of_backtest_overfitting.ts";
import { meanIcInterval, performanceIntervals } from "../stats/performance_intervals.ts";
import type { BootstrapInterval } from "../stats/bootstrap_confidence_interval.ts";
import { superiorPredictiveAbility } from "../stats/superior_predictive_ability.ts";
import { stepM } from "../stats/step_m.ts";
import { correlationMatrix } from "../stats/correlation_matrix.ts";
import { effectiveNumberOfTrials } from "../stats/effective_number_of_trials.ts";
import { loSharpeRatio } from "../stats/lo_sharpe_ratio.ts";

/** One trial of the family as the ledger stores it (`readTrials` of lib/store/trials.ts). */
export interface VerdictTrial {
  readonly trialId: number;
  /** The ledger row's hash (64 hex). */
  readonly hash: string;
  /** Canonical JSON of its parameters. */
  readonly params: string;
  readonly dataset: string;
  readonly kind: "returns" | "ic";
  /** Bar frequency of the series (`1h`, ...); trials of another frequency are not counted. */
  readonly freq?: string;
  /** Per-period series (NaN = no value). */
  readonly series: Float64Array;
}

/**
 * Where the chosen trial sits in a null distribution (`nullSuite` of lib/research;
 * `verdictNullPosition` fills every field from its result).
 */
export interface VerdictNullPosition {
  /** What the placebos were, e.g. `random ranks (200 draws)`. */
  readonly what: string;
  readonly observed: number;
  readonly pValue: number;
  /** Percent of placebo runs below the real value (ties counted half). */
  readonly percentile?: number;
  /** `1 + #{placebo >= real}`: 1 when the real value beats every run (out of `runs + 1`). */
  readonly rank?: number;
  /** Placebo runs with a finite value. */
  readonly runs?: number;
  /** Seed of the placebos. */
  readonly seed?: number;
  /** Histogram of the placebo values (bins spanning them and the real value). */
  readonly histogram?: { readonly edges: Float64Array; readonly counts: Int32Array };
  /** Every placebo's p-value and percentile. */
  readonly kinds?: readonly {
    readonly kind: string;
    readonly pValue: number;
    readonly percentile: number;
    readonly runs: number;
  }[];
}

/** Input of {@link overfittingVerdict}. */
export interface OverfittingVerdictInput {
  /** The family label (`name` or `name#g`). */
  readonly family: string;
  /** The family's trials, oldest first (as `readTrials` returns them). */
  readonly trials: readonly VerdictTrial[];
  /** `trialId` of the trial the report is about. */
  readonly chosen: number;
  /** Periods per year of the series (8,760 for hourly bars). */
  readonly periodsPerYear: number;
  /** Seed of every bootstrap. @default 0 */
  readonly seed?: number;
  /** Bootstrap resamples of the intervals, SPA and StepM. @default 1000 */
  readonly replications?: number;
  /** Null-suite position of the chosen trial, when one was computed. */
  readonly nullPosition?: VerdictNullPosition | undefined;
  /**
   * Which trials count: `family` (the default) every trial of the generation given, also those
   * recorded after the chosen one (the family is the set of variants tried for the hypothesis,
   * whatever order they ran in); `recorded-before` only those recorded up to the chosen one.
   */
  readonly scope?: "recorded-before" | "family";
  /**
   * Count only trials with `trialId <= upTo`: the ledger as it was when a report was first
   * built (its manifest's `ledgerUpTo`), so building it again after more trials gives the same
   * bytes. Default: every trial given.
   */
  readonly upTo?: number | undefined;
  /**
   * Trial ids counted (N, V[SR]) but not candidates of the selection that PBO, SPA and StepM
   * judge: a walk-forward's stitched out-of-sample series is made of the candidates' returns,
   * not a competitor of them. The chosen trial
   * is left out too when listed: PBO, SPA and StepM then judge the selection among the
   * candidates (on the rows where the chosen one is finite). Default: none.
   */
  readonly notCandidates?: readonly number[] | undefined;
  /**
   * Which trial count decides the DSR: `raw` (default: the counted trials N, the conservative
   * one) or `effective` (N_eff from their correlation, `effectiveNumberOfTrials`); both DSRs are
   * always computed and shown.
   */
  readonly deflateBy?: "raw" | "effective";
  /**
   * `flag` (default): test the chosen returns for autocorrelation (Ljung-Box, Lo 2002) and say
   * so; `adjust`: also annualize its Sharpe ratio with Lo's eta(q) instead of sqrt(q).
   */
  readonly autocorrelation?: "flag" | "adjust";
}

/** Default options of {@link overfittingVerdict}. */
export const OVERFITTING_VERDICT_DEFAULTS = { seed: 0, replications: 1000 } as const;

/** What {@link overfittingVerdict} returns (NaN where a number cannot be computed). */
export interface OverfittingVerdict {
  readonly family: string;
  readonly kind: "returns" | "ic";
  readonly scope: "recorded-before" | "family";
  /**
   * The chosen trial is the k-th (in recording order) of the N trials counted: the family
   * generation's trials of the chosen one's kind (IC or returns) and frequency that have at
   * least one finite value (see `scope`, `upTo`). A repeated run is the same ledger row, so it
   * keeps its k.
   */
  readonly k: number;
  readonly n: number;
  /**
   * Trials of the generation given but not counted: of another kind or frequency, with no
   * finite value (a failed evaluation: kept in the ledger, never counted), or after `upTo`.
   */
  readonly excluded: { readonly otherKind: number; readonly empty: number; readonly later: number };
  /** The largest trial id counted or excluded as other kind/empty: the `upTo` that rebuilds it. */
  readonly upTo: number;
  readonly chosen: VerdictTrial;
  /** The trials counted (see `scope`), oldest first. */
  readonly trials: readonly (VerdictTrial & { readonly sharpe: number; readonly count: number })[];
  /** Distinct dataset fingerprints of the counted trials. */
  readonly datasets: readonly string[];
  readonly periodsPerYear: number;
  /** Per-period Sharpe ratio, its annualized value, skewness, raw kurtosis, finite values. */
  readonly moments: {
    readonly sharpe: number;
    readonly annualSharpe: number;
    readonly skewness: number;
    readonly kurtosis: number;
    readonly count: number;
  };
  /** PSR against 0. */
  readonly psr: number;
  /**
   * DSR with V[SR] (per period) from the counted trials and N = the count that decides
   * (`effectiveTrials.decides`: the raw N by default).
   */
  readonly dsr: {
    readonly dsr: number;
    readonly expectedMaxSharpe: number;
    readonly nTrials: number;
    readonly sharpeVariance: number;
  };
  /**
   * The effective number of independent trials behind N (average-correlation method of
   * `effectiveNumberOfTrials`, rho from the aligned trials' correlation on their common rows,
   * `N_eff = rho + (1 - rho) N`; N when fewer than 2 are aligned), the eigenvalue cross-check,
   * the DSR deflated by N_eff, and which count decides `dsr` (`deflateBy`).
   */
  readonly effectiveTrials: {
    readonly raw: number;
    readonly effective: number;
    readonly eigen: number;
    readonly averageCorrelation: number;
    readonly method: string;
    readonly dsr: number;
    readonly expectedMaxSharpe: number;
    readonly decides: "raw" | "effective";
  };
  /**
   * Serial correlation of the chosen series (Ljung-Box at `lags` lags; Lo 2002's annualized
   * Sharpe with eta(q)); null below 20 finite values. `adjusted`: the verdict's annual Sharpe
   * is Lo's (option `autocorrelation: "adjust"`).
   */
  readonly autocorrelation: {
    readonly ljungBoxP: number;
    readonly lags: number;
    readonly autocorrelated: boolean;
    readonly loAnnualSharpe: number;
    readonly naiveAnnualSharpe: number;
    readonly adjusted: boolean;
  } | null;
  /** Minimum track record length (95%, against 0) in periods and in years; Infinity if SR <= 0. */
  readonly minTrl: { readonly periods: number; readonly years: number };
  /** PBO over the trials aligned with the chosen one, or null with the reason. */
  readonly pbo: {
    readonly pbo: number;
    readonly trials: number;
    readonly splits: number;
    readonly blocks: number;
    readonly probabilityOfLoss: number;
    readonly degradationSlope: number;
    readonly histogram: { readonly edges: Float64Array; readonly counts: Int32Array };
    readonly convention: string;
  } | null;
  readonly pboNote: string;
  /** Bootstrap intervals (95%): Sharpe, CAGR, max drawdown for returns; mean IC for IC. */
  readonly intervals: readonly { readonly name: string; readonly interval: BootstrapInterval }[];
  /** SPA p-values and StepM over the aligned trials against 0 (mean > 0); null below 2 rows. */
  readonly spa: {
    readonly consistent: number;
    readonly lower: number;
    readonly upper: number;
    readonly trials: number;
    /** Trial ids StepM names as beating 0 at 5%. */
    readonly stepMRejected: readonly number[];
  } | null;
  readonly nullPosition: VerdictNullPosition | null;
  /** One sentence saying what it means. */
  readonly sentence: string;
}

/**
 * The overfitting verdict of trial `chosen` in its family. The trials counted are those of the
 * family generation given (by default all of them, also those recorded after the chosen one, up
 * to `upTo` when given) of the chosen trial's kind and frequency with at least one finite value
 * (an IC series is never counted with return series; an all-NaN series is a failed evaluation,
 * not a trial); the chosen trial is "k of N" with k its place in recording order. DSR takes
 * N and the variance of the per-period Sharpe ratios from them; PBO (CSCV, S = 16 blocks, fewer
 * for short series), SPA and StepM (benchmark 0: performance = mean of the series) use the
 * trials whose series are aligned with the chosen one (same dataset and length), on the rows
 * where all are finite. Seeded: the same input gives the same output.
 *
 * @example Two trials of a family
 * ```ts
 * import { overfittingVerdict } from "@lib/research/overfitting_verdict.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(1);
 * const s = () => Float64Array.from({ length: 400 }, () => 0.01 * rng.normal());
 * const trials = [1, 2].map((id) => ({ trialId: id, hash: "0".repeat(64), params: `{"k":${id}}`,
 *   dataset: "d", kind: "returns" as const, series: s() }));
 * const v = overfittingVerdict({ family: "f", trials, chosen: 2, periodsPerYear: 365,
 *   replications: 200 });
 * assert.equal(v.k, 2);
 * assert.equal(v.n, 2);
 * assert.ok(v.pbo !== null && v.pbo.trials === 2);
 * ```
 */
export function overfittingVerdict(input: OverfittingVerdictInput): OverfittingVerdict {
  const seed = input.seed ?? OVERFITTING_VERDICT_DEFAULTS.seed;
  const replications = input.replications ?? OVERFITTING_VERDICT_DEFAULTS.replications;
  const ppy = input.periodsPerYear;
  if (!(ppy > 0)) {
    throw new RangeError(
      `Cannot build the overfitting verdict: periodsPerYear must be > 0, got ${ppy}`,
    );
  }
  const at = input.trials.findIndex((t) => t.trialId === input.chosen);
  if (at < 0) {
    throw new RangeError(
      `Cannot build the overfitting verdict: trial ${input.chosen} is not in family ${input.family}`,
    );
  }
  const scope = input.scope ?? "family";
  const chosen = input.trials[at]!;
  const upTo = input.upTo ?? Infinity;
  const excluded = { otherKind: 0, empty: 0, later: 0 };
  const counted: VerdictTrial[] = [];
  let lastId = chosen.trialId;
  input.trials.forEach((t, i) => {
    if (t.trialId > upTo || (scope === "recorded-before" && i > at)) {
      excluded.later++;
      return;
    }
    lastId = Math.max(lastId, t.trialId);
    if (
      t.kind !== chosen.kind ||
      (t.freq !== undefined && chosen.freq !== undefined && t.freq !== chosen.freq)
    ) {
      excluded.otherKind++;
    } else if (t !== chosen && !t.series.some(Number.isFinite)) excluded.empty++;
    else counted.push(t);
  });
  const rows = counted.map((t) => {
    const m = sharpeMoments(t.series);
    return { ...t, sharpe: m.sharpe * Math.sqrt(ppy), count: m.n, perPeriod: m.sharpe };
  });
  const m = sharpeMoments(chosen.series);
  const srs = rows.map((r) => r.perPeriod).filter(Number.isFinite);
  let variance = 0;
  if (srs.length >= 2) {
    const mu = srs.reduce((a, b) => a + b, 0) / srs.length;
    variance = srs.reduce((a, b) => a + (b - mu) ** 2, 0) / (srs.length - 1);
  }
  const usable = Number.isFinite(m.sharpe) && m.n > 1;
  const psr = usable ? probabilisticSharpeRatio(m, 0) : NaN;
  const dsr = usable
    ? deflatedSharpeRatio(m, { nTrials: counted.length, sharpeVariance: variance })
    : { dsr: NaN, expectedMaxSharpe: NaN, nTrials: counted.length, sharpeVariance: variance };
  const trlPeriods = usable ? minimumTrackRecordLength(m, 0) : NaN;

  // trials aligned with the chosen one, on rows finite in all of them
  const aligned = counted.filter((t) =>
    t.dataset === chosen.dataset && t.series.length === chosen.series.length
  );
  const keep: number[] = [];
  for (let i = 0; i < chosen.series.length; i++) {
    if (aligned.every((t) => Number.isFinite(t.series[i]!))) keep.push(i);
  }
  const matrix = aligned.map((t) => Float64Array.from(keep, (i) => t.series[i]!));
  // PBO, SPA and StepM judge the candidates of the selection (not `notCandidates`)
  const notCandidate = new Set(input.notCandidates ?? []);
  const candidates = aligned.filter((t) => !notCandidate.has(t.trialId));
  const candidateMatrix = matrix.filter((_, j) => !notCandidate.has(aligned[j]!.trialId));
  const leftOut = aligned.length - candidates.length;
  const leftOutNote = leftOut === 0
    ? ""
    : ` (${leftOut} aligned trial${leftOut === 1 ? "" : "s"} left out: not candidates of the ` +
      "selection, e.g. a walk-forward's stitched series)";

  // effective number of independent trials: rho from the aligned trials on their common rows
  let effectiveTrials: OverfittingVerdict["effectiveTrials"];
  {
    const N = counted.length;
    const e = aligned.length >= 2 && keep.length >= 3
      ? effectiveNumberOfTrials(correlationMatrix(matrix))
      : null;
    const rho = e === null ? NaN : e.averageCorrelation;
    const r = Math.min(1, Math.max(0, rho));
    const nEff = Number.isFinite(rho) ? r + (1 - r) * N : N;
    const d = usable
      ? deflatedSharpeRatio(m, { nTrials: Math.max(1, nEff), sharpeVariance: variance })
      : { dsr: NaN, expectedMaxSharpe: NaN };
    effectiveTrials = {
      raw: N,
      effective: nEff,
      eigen: e === null ? NaN : e.nEffEigen,
      averageCorrelation: rho,
      method: e === null
        ? "no correlation to estimate (fewer than 2 trials aligned on 3 common rows): N_eff = N"
        : `N_eff = rho + (1 - rho) N with rho = ${rho.toFixed(3)}, the mean pairwise ` +
          `correlation of the ${aligned.length} aligned trials on ${keep.length} common rows ` +
          `(clamped to [0, 1]); Nyholt's eigenvalue count of those ${aligned.length}: ` +
          `${e.nEffEigen.toFixed(2)}`,
      dsr: d.dsr,
      expectedMaxSharpe: d.expectedMaxSharpe,
      decides: input.deflateBy ?? "raw",
    };
  }

  // serial correlation of the chosen returns (Lo 2002): flagged, adjusted when asked
  let autocorrelation: OverfittingVerdict["autocorrelation"] = null;
  {
    const f = Float64Array.from(Array.from(chosen.series).filter((v) => Number.isFinite(v)));
    const q = Math.round(ppy);
    if (chosen.kind === "returns" && f.length >= 20 && q >= 2) {
      const lo = loSharpeRatio(f, q, { maxLag: Math.min(q - 1, 10, f.length - 1) });
      autocorrelation = {
        ljungBoxP: lo.ljungBox.pValue,
        lags: lo.maxLag,
        autocorrelated: lo.autocorrelated,
        loAnnualSharpe: lo.annualized,
        naiveAnnualSharpe: lo.naiveAnnualized,
        adjusted: (input.autocorrelation ?? "flag") === "adjust",
      };
    }
  }
  let pbo: OverfittingVerdict["pbo"] = null;
  let pboNote: string;
  const blocks = Math.min(16, 2 * Math.floor(keep.length / 8));
  if (candidates.length < 2) {
    pboNote = "PBO needs at least 2 trials on the same data: the family has " +
      `${candidates.length} aligned with this one${leftOutNote}.`;
  } else if (blocks < 2) {
    pboNote = `PBO needs at least 8 common rows, got ${keep.length}.`;
  } else {
    const r = probabilityOfBacktestOverfitting(candidateMatrix, { blocks, seed });
    pbo = {
      pbo: r.pbo,
      trials: candidates.length,
      splits: r.splits,
      blocks: r.blocks,
      probabilityOfLoss: r.probabilityOfLoss,
      degradationSlope: r.degradation.slope,
      histogram: r.histogram,
      convention: r.convention,
    };
    pboNote = `PBO over ${candidates.length} aligned trials, ${r.blocks} blocks, ${r.splits} of ` +
      `${r.totalSplits} splits (${r.enumerated ? "all enumerated" : "seeded sample"})` +
      `${leftOutNote}.`;
  }

  const finite = Float64Array.from(
    Array.from(chosen.series).filter((v) => Number.isFinite(v)),
  );
  const intervals: { name: string; interval: BootstrapInterval }[] = [];
  if (finite.length >= 10) {
    if (chosen.kind === "returns") {
      const ci = performanceIntervals(finite, ppy, { seed, replications });
      intervals.push(
        { name: "Sharpe ratio (annualized)", interval: ci.sharpe },
        { name: "CAGR", interval: ci.cagr },
        { name: "Max drawdown", interval: ci.maxDrawdown },
      );
    } else {
      intervals.push({ name: "Mean IC", interval: meanIcInterval(finite, { seed, replications }) });
    }
  }
  let spa: OverfittingVerdict["spa"] = null;
  if (keep.length >= 10 && candidates.length >= 1) {
    const zero = new Float64Array(keep.length);
    const opts = { seed, replications };
    const s = superiorPredictiveAbility(candidateMatrix, zero, opts);
    const sm = stepM(candidateMatrix, zero, opts);
    spa = {
      ...s.pValues,
      trials: candidates.length,
      stepMRejected: Array.from(sm.rejected, (j) => candidates[j]!.trialId),
    };
  }
  const verdict = {
    family: input.family,
    kind: chosen.kind,
    scope,
    k: counted.indexOf(chosen) + 1,
    n: counted.length,
    excluded,
    upTo: lastId,
    chosen,
    trials: rows.map(({ perPeriod: _, ...r }) => r),
    datasets: [...new Set(counted.map((t) => t.dataset))],
    periodsPerYear: ppy,
    moments: {
      sharpe: m.sharpe,
      annualSharpe: autocorrelation?.adjusted === true
        ? autocorrelation.loAnnualSharpe
        : m.sharpe * Math.sqrt(ppy),
      skewness: m.skewness,
      kurtosis: m.kurtosis,
      count: m.n,
    },
    psr,
    dsr: effectiveTrials.decides === "effective"
      ? {
        dsr: effectiveTrials.dsr,
        expectedMaxSharpe: effectiveTrials.expectedMaxSharpe,
        nTrials: effectiveTrials.effective,
        sharpeVariance: dsr.sharpeVariance,
      }
      : {
        dsr: dsr.dsr,
        expectedMaxSharpe: dsr.expectedMaxSharpe,
        nTrials: dsr.nTrials,
        sharpeVariance: dsr.sharpeVariance,
      },
    effectiveTrials,
    autocorrelation,
    minTrl: { periods: trlPeriods, years: trlPeriods / ppy },
    pbo,
    pboNote,
    intervals,
    spa,
    nullPosition: input.nullPosition ?? null,
  };
  return { ...verdict, sentence: verdictSentence(verdict) };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(0)}%`;
}

/** The one sentence: what DSR (and PBO, when computed) say about the chosen trial. */
function verdictSentence(
  v: Omit<OverfittingVerdict, "sentence">,
): string {
  const what = v.kind === "returns" ? "Sharpe ratio" : "IC information ratio";
  const tries = `${v.n} trial${v.n === 1 ? "" : "s"} of family ${v.family}`;

  const overfit = v.pbo !== null && v.pbo.pbo >= 0.5
    ? `, and the family's in-sample winner lands in the bottom half out of sample in ` +
      `${pct(v.pbo.pbo)} of splits (PBO), so choosing among these variants picks noise`
    : "";
  const np = v.nullPosition;
  const placebo = np === null || np.percentile === undefined
    ? ""
    : `; placebos with no information beat it in ${
      (100 - np.percentile).toFixed(0)
    }% of runs (null-suite p = ${np.pValue.toFixed(3)})`;
  if (!Number.isFinite(v.dsr.dsr)) {
    return `With ${tries} counted, this trial's ${what} cannot be judged: its series has too ` +
      `few values or no variance${placebo}.`;
  }
  if (v.dsr.dsr >= 0.95) {
    return `Counting all ${tries}, this trial's ${what} is still unlikely to be luck ` +
      `(DSR ${v.dsr.dsr.toFixed(3)} >= 0.95)${overfit === "" ? "" : `, but${overfit.slice(5)}`}` +
      `${placebo}.`;
  }
  return `Counting all ${tries}, this trial's ${what} is not distinguishable from the best of ` +
    `${v.n} tries on noise (DSR ${v.dsr.dsr.toFixed(3)} < 0.95): treat it as unproven` +
    `${overfit}${placebo}.`;
}
