/**
 * Report section: the overfitting verdict of a trial against its family in the trial ledger.
 *
 * @module
 */
import type { Block, Cell } from "../model.ts";
import { column } from "../model.ts";
import type { OverfittingVerdict } from "../../research/overfitting_verdict.ts";

function num(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * The overfitting section built from `overfittingVerdict` (lib/research): the sentence, the
 * statistics table (PSR, DSR with N and V[SR] from the family, MinTRL, PBO, SPA and StepM,
 * the null-suite p-value, percentile and rank when given), the bootstrap intervals, the PBO
 * logit histogram, the null-suite histogram with the real value marked, and the trials counted, with `trial_id` and `trial_hash` so `deno task verify-report` checks them
 * against the ledger. Pure: the same verdict gives the same blocks. Table ids are
 * `<idPrefix>-verdict`, `-intervals`, `-pbo-logits`, `-null-histogram` and `-trials` (several verdicts in one
 * report take different prefixes).
 *
 * @example A verdict of two trials
 * ```ts
 * import { overfittingVerdict } from "@lib/research/overfitting_verdict.ts";
 * import { overfittingSection } from "@lib/report/sections/overfitting_section.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(2);
 * const trials = [1, 2].map((id) => ({ trialId: id, hash: "a".repeat(64), params: "{}",
 *   dataset: "d", kind: "returns" as const,
 *   series: Float64Array.from({ length: 200 }, () => 0.01 * rng.normal()) }));
 * const blocks = overfittingSection(overfittingVerdict({ family: "f", trials, chosen: 2,
 *   periodsPerYear: 365, replications: 100 }));
 * assert.ok(blocks.some((b) => b.type === "table" && b.id === "overfitting-trials"));
 * ```
 */
/**
 * What the trial count leaves out, when anything: `; not counted: ...` (trials after `upTo` are
 * not mentioned: a report built again must give the same bytes).
 */
function countNote(v: OverfittingVerdict): string {
  const e = v.excluded;
  const parts = [
    ...(e.otherKind > 0
      ? [
        `${e.otherKind} of another kind or frequency (${v.kind === "ic" ? "return" : "IC"} series)`,
      ]
      : []),
    ...(e.empty > 0 ? [`${e.empty} with no finite value (failed evaluations)`] : []),
  ];
  return parts.length === 0 ? "" : `; not counted: ${parts.join(", ")}`;
}

export function overfittingSection(v: OverfittingVerdict, idPrefix = "overfitting"): Block[] {
  const ratio = v.kind === "returns" ? "Sharpe ratio" : "IC information ratio";
  const stats: Cell[][] = [
    [
      "Trial",
      v.k,
      `trial ${v.k} of ${v.n} in family ${v.family} (${
        v.scope === "family"
          ? `every ${v.kind === "ic" ? "IC" : "return"} series of the generation, also those ` +
            "recorded after this one"
          : "trials recorded up to this one"
      })${countNote(v)}`,
    ],
    [
      `${ratio} (annualized)`,
      num(v.moments.annualSharpe),
      `per period ${fmt(v.moments.sharpe)} over ${v.moments.count} values, skewness ` +
      `${fmt(v.moments.skewness)}, raw kurtosis ${fmt(v.moments.kurtosis)}`,
    ],
    ["PSR", num(v.psr), `probability that the true ${ratio} exceeds 0`],
    [
      "DSR",
      num(v.dsr.dsr),
      `PSR against ${fmt(v.dsr.expectedMaxSharpe)} per period, the expected best of ` +
      `N = ${v.dsr.nTrials} null trials with V[SR] = ${fmt(v.dsr.sharpeVariance)} ` +
      "(per period, from the family)" +
      (v.effectiveTrials.decides === "effective" ? "; N is the effective count below" : ""),
    ],
    [
      "Effective trials",
      num(v.effectiveTrials.effective),
      `N = ${v.effectiveTrials.raw} trials counted, about ${
        fmt(v.effectiveTrials.effective)
      } independent ones: ${v.effectiveTrials.method}. DSR with the effective N: ` +
      `${fmt(v.effectiveTrials.dsr)} (against ${fmt(v.effectiveTrials.expectedMaxSharpe)} per ` +
      `period). The DSR above uses the ${
        v.effectiveTrials.decides === "raw"
          ? "raw N (the conservative count: correlated variants can only lower N_eff)"
          : "effective N (asked for)"
      }.`,
    ],
    ...(v.autocorrelation === null ? [] : [[
      "Autocorrelation (Ljung-Box p)",
      v.autocorrelation.ljungBoxP,
      `${
        v.autocorrelation.autocorrelated
          ? "the returns are serially correlated (p < 0.05 at " +
            `${v.autocorrelation.lags} lags): sqrt(q) annualization is off; Lo (2002) gives ` +
            `${fmt(v.autocorrelation.loAnnualSharpe)} instead of ` +
            `${fmt(v.autocorrelation.naiveAnnualSharpe)}`
          : `no serial correlation detected at ${v.autocorrelation.lags} lags; Lo (2002) ` +
            `annualized Sharpe ${fmt(v.autocorrelation.loAnnualSharpe)}`
      }${
        v.autocorrelation.adjusted
          ? " (the annualized Sharpe above is Lo's)"
          : " (the annualized Sharpe above uses sqrt(q))"
      }`,
    ] as Cell[]]),
    [
      "MinTRL (years)",
      num(v.minTrl.years),
      Number.isFinite(v.minTrl.periods)
        ? `${Math.ceil(v.minTrl.periods)} periods needed for 95% confidence that SR > 0; ` +
          `the trial has ${v.moments.count}`
        : v.moments.count === 0 || !Number.isFinite(v.moments.sharpe)
        ? "no track record: the trial has no finite returns (an empty or NaN-only series)"
        : "no track record is long enough: the Sharpe ratio is not above 0",
    ],
    ["PBO", v.pbo === null ? null : v.pbo.pbo, v.pboNote],
  ];
  if (v.pbo !== null) {
    stats.push([
      "Probability of loss",
      v.pbo.probabilityOfLoss,
      `share of splits whose in-sample winner loses out of sample; degradation slope ` +
      `${fmt(v.pbo.degradationSlope)} (out-of-sample on in-sample Sharpe)`,
    ]);
  }
  if (v.spa !== null) {
    stats.push(
      [
        "SPA p-value (consistent)",
        v.spa.consistent,
        `Hansen's test that no trial of the ${v.spa.trials} aligned beats a mean of 0 ` +
        `(lower ${fmt(v.spa.lower)}, upper ${fmt(v.spa.upper)})`,
      ],
      [
        "StepM winners",
        v.spa.stepMRejected.length,
        v.spa.stepMRejected.length === 0
          ? "Romano-Wolf at 5% names no trial as beating 0"
          : `Romano-Wolf at 5% names trials ${v.spa.stepMRejected.join(", ")}` +
            (v.spa.stepMRejected.includes(v.chosen.trialId)
              ? " (this one among them)"
              : " (not this one)"),
      ],
    );
  } else {
    stats.push(["SPA p-value (consistent)", null, "not computed: fewer than 10 common rows"]);
  }
  const np = v.nullPosition;
  if (np !== null) {
    stats.push([
      "Null-suite p-value",
      np.pValue,
      `observed ${fmt(np.observed)} against ${np.what}` +
      (np.kinds === undefined || np.kinds.length < 2
        ? ""
        : ` (each placebo: ${np.kinds.map((k) => `${k.kind} p = ${fmt(k.pValue)}`).join(", ")})`),
    ]);
    if (np.percentile !== undefined) {
      stats.push([
        "Null-suite percentile",
        num(np.percentile),
        `percent of the placebo runs below the real value (ties half)` +
        (np.rank === undefined || np.runs === undefined
          ? ""
          : `; rank ${np.rank} of ${np.runs + 1} counting the real value (1 = above every run)`),
      ]);
    }
  } else {
    stats.push([
      "Null-suite p-value",
      null,
      "no null suite: none was run (--null-runs 0), or the statistic has no finite value on this data",
    ]);
  }
  const blocks: Block[] = [
    { type: "paragraph", text: v.sentence },
    {
      type: "table",
      id: `${idPrefix}-verdict`,
      title: "Overfitting verdict",
      caption: `Trial ${v.k} of ${v.n} in family ${v.family}; dataset fingerprint` +
        `${v.datasets.length === 1 ? "" : "s"} ${v.datasets.join(", ")}. PSR, DSR and MinTRL ` +
        "as in Bailey and Lopez de Prado (2012, 2014); PBO by CSCV (Bailey, Borwein, Lopez de " +
        "Prado and Zhu 2017); SPA (Hansen 2005) and StepM (Romano and Wolf 2005) on the " +
        "stationary bootstrap, seeded.",
      columns: [
        column("statistic", "Statistic", "text"),
        column("value", "Value", "number", 3),
        column("meaning", "What it is", "text"),
      ],
      rows: stats,
    },
  ];
  if (v.intervals.length > 0) {
    blocks.push({
      type: "table",
      id: `${idPrefix}-intervals`,
      title: "Bootstrap intervals",
      caption: "Percentile intervals from the stationary bootstrap (block length by " +
        "Politis and White), seeded.",
      columns: [
        column("statistic", "Statistic", "text"),
        column("estimate", "Estimate", "number", 3),
        column("lower", "Lower", "number", 3),
        column("upper", "Upper", "number", 3),
        column("level", "Level", "percent", 0),
      ],
      rows: v.intervals.map((r) => [
        r.name,
        num(r.interval.estimate),
        num(r.interval.lower),
        num(r.interval.upper),
        r.interval.level,
      ]),
    });
  }
  if (v.pbo !== null) {
    const { edges, counts } = v.pbo.histogram;
    blocks.push({
      type: "table",
      id: `${idPrefix}-pbo-logits`,
      title: "PBO logit histogram",
      caption: `Logits of the out-of-sample rank of each split's in-sample winner; PBO is the ` +
        `share at or below 0. ${v.pbo.convention}`,
      columns: [
        column("from", "From", "number", 3),
        column("to", "To", "number", 3),
        column("splits", "Splits", "integer"),
      ],
      rows: Array.from(counts, (c, i) => [num(edges[i]!), num(edges[i + 1]!), c]),
    });
  }
  if (np !== null && np.histogram !== undefined) {
    const { edges, counts } = np.histogram;
    const w = edges[1]! - edges[0]!;
    const real = Math.min(
      counts.length - 1,
      Math.max(0, Math.floor((np.observed - edges[0]!) / w)),
    );
    blocks.push({
      type: "table",
      id: `${idPrefix}-null-histogram`,
      title: "Null suite: where the real result sits",
      caption: `Placebo values of ${np.what}, in ${counts.length} bins spanning them and the ` +
        `real value ${fmt(np.observed)} (marked); p = ${fmt(np.pValue)}` +
        (np.percentile === undefined ? "" : `, percentile ${np.percentile.toFixed(1)}`) +
        ". One-sided, larger is better: p = (1 + #{placebo >= real}) / (runs + 1).",
      columns: [
        column("from", "From", "number", 4),
        column("to", "To", "number", 4),
        column("runs", "Placebo runs", "integer"),
        column("bar", "", "text"),
        column("real", "Real value", "text"),
      ],
      rows: Array.from(counts, (c, i) => [
        num(edges[i]!),
        num(edges[i + 1]!),
        c,
        "#".repeat(Math.round((20 * c) / Math.max(1, ...counts))),
        i === real ? "<- here" : "",
      ]),
    });
  }
  blocks.push({
    type: "table",
    id: `${idPrefix}-trials`,
    title: "Trials counted",
    caption: (v.scope === "family"
      ? "The family's trials, as the ledger stores them "
      : "The family's trials recorded up to this one, as the ledger stores them ") +
      "(deno task trials lists them; deno task verify-report checks each id and hash).",
    columns: [
      column("trial_id", "Trial id", "integer"),
      column("trial_hash", "Ledger hash", "text"),
      column("params", "Parameters", "text"),
      column("sharpe", `${ratio} (annualized)`, "number", 2),
      column("values", "Values", "integer"),
      column("chosen", "This trial", "text"),
    ],
    rows: v.trials.map((t) => [
      t.trialId,
      t.hash,
      t.params,
      num(t.sharpe),
      t.count,
      t.trialId === v.chosen.trialId ? "yes" : "",
    ]),
  });
  return blocks;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(3);
}
