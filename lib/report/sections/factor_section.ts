/**
 * Report section: the BTC/ETH factor decomposition of a universe (rolling betas, R², residual
 * returns) from `factorModel`, as report blocks.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { resolveFactorAsset } from "../../research/factor_assets.ts";
import { factorModel, type FactorModelResult } from "../../research/factor_model.ts";
import { type FactorFitSummary, summarizeFactorFits } from "../../research/factor_summary.ts";
import { ASSET_COLUMN, type Block, column } from "../model.ts";
import { factorBetasChart } from "../charts/factor_betas.ts";
import { rawVsResidualChart } from "../charts/raw_vs_residual.ts";
import { nameList } from "./_bars.ts";

/** Options of {@link factorSection}; every field is optional. */
export interface FactorSectionOptions {
  /** Rolling regression window in bars. Default 720 (30 days of hourly bars). */
  readonly window?: number;
  /** Complete rows a window needs; default `ceil(window / 2)` (the factor model's default). */
  readonly minObs?: number;
  /** Factor names, BTC first: default `["BTC", "ETH"]` (resolved as `factorModel` does). */
  readonly factors?: readonly [string, string];
  /** Prefix of the block ids, so two sections can share a report. Default `factor`. */
  readonly idPrefix?: string;
}

/** What {@link factorSection} returns: the blocks and the numbers they show. */
export interface FactorSectionResult {
  /** The section's blocks, in reading order. */
  readonly blocks: Block[];
  /** The factor model fit (causal), or null when the BTC factor is missing. */
  readonly fit: FactorModelResult | null;
  /** `summarizeFactorFits` of the fit, one row per asset (empty without a fit). */
  readonly summary: FactorFitSummary[];
  /** The factor names that no panel asset matched (`["ETH"]`, `["BTC", "ETH"]`, or empty). */
  readonly missingFactors: string[];
  /** The asset of the raw-vs-residual chart, or null when none has a residual. */
  readonly highlighted: string | null;
}

/**
 * Fit the causal BTC/ETH factor model (`factorModel(panel, {window, minObs, factors, causal:
 * true})`) and present it: a per-asset table of `summarizeFactorFits` (bars fitted, BTC-only
 * bars, mean betas, mean R², residual volatility per bar), the betas to each factor over time
 * and the raw vs residual cumulative log return of the asset whose fit explains the most (the
 * highest mean R² among non-factor assets).
 *
 * Degenerate inputs give a note, never an exception: without a BTC asset there is no fit and
 * the note says which asset to add; without ETH the model runs on BTC alone and says so; an
 * asset with gaps simply has fewer fitted bars (the table shows how many). When a factor name
 * matches several assets (`BTCUSDT` and `BTCUSDC`), pass the exact names in `factors`.
 *
 * Cost: O(assets x bars) for the rolling fits.
 *
 * @example A universe without ETH falls back to BTC only
 * ```ts
 * import { factorSection } from "@lib/report/sections/factor_section.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const n = 60, h = 3_600_000;
 * const btc = Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i)));
 * const alt = Float64Array.from(btc, (p, i) => p * Math.exp(0.002 * Math.cos(3 * i)));
 * const s = factorSection(
 *   fromColumns({ venue: "sim", freq: "1h", index: Float64Array.from({ length: n }, (_, i) => i * h),
 *     assets: ["BTCUSDT", "ALTUSDT"], close: [btc, alt] }),
 *   { window: 24 },
 * );
 * assert.deepEqual(s.missingFactors, ["ETH"]);
 * assert.ok(s.blocks.some((b) => b.type === "note" && /ETH/.test(b.text)));
 * ```
 */
export function factorSection(
  panel: Panel,
  options: FactorSectionOptions = {},
): FactorSectionResult {
  const window = options.window ?? 720;
  const prefix = options.idPrefix ?? "factor";
  const names = options.factors ?? ["BTC", "ETH"];
  const tries = names.map((f) => tryResolve(panel.assets, f));
  const resolved = tries.map((r) => r.asset);
  const missingFactors = names.filter((_, i) => resolved[i] === null);
  const blocks: Block[] = [];
  const ambiguous = tries.filter((r) => r.ambiguous !== null);
  if (ambiguous.length > 0) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `No factor decomposition: ${ambiguous.map((r) => r.ambiguous).join("; ")}.`,
    });
    return { blocks, fit: null, summary: [], missingFactors, highlighted: null };
  }
  const btc = resolved[0]!;
  if (btc === null) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `No factor decomposition: the universe has no ${names[0]} asset (${names[0]} or ` +
        `${names[0]} quoted in USDT, USDC, ... such as ${names[0]}USDT), and every factor fit ` +
        `starts from it. Add ${names[0]}USDT (or the venue's ${names[0]} pair) to the universe` +
        (resolved[1] === null ? `, and ${names[1]}USDT for the second factor` : "") + ".",
    });
    return { blocks, fit: null, summary: [], missingFactors, highlighted: null };
  }
  const eth = resolved[1] ?? null;
  const factors = eth === null ? [btc] : [btc, eth];
  const fit = factorModel(panel, {
    window,
    ...(options.minObs === undefined ? {} : { minObs: options.minObs }),
    factors,
    causal: true,
  });
  const summary = summarizeFactorFits(fit.assets);
  const factorText = factors.join(" and ");
  blocks.push({
    type: "paragraph",
    text: `Each asset's one-bar log returns are regressed on ${factorText}'s over a rolling ` +
      `${fit.window}-bar window (at least ${fit.minObs} complete bars). The fit used at bar t ` +
      `ends at bar t-1, so the residual return at t (the return less alpha and the factor ` +
      `exposures) is out of sample: it could have been known at t. ${btc} is fitted on an ` +
      `intercept only` +
      (eth === null ? "." : `, ${eth} on ${btc}; where ${eth} has no return, an asset's fit ` +
        `falls back to ${btc} alone for that bar.`),
  });
  if (eth === null) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `The universe has no ${names[1]} asset (such as ${names[1]}USDT), so the model ` +
        `has one factor: betas are to ${btc} only and the residuals keep any ${names[1]} ` +
        `exposure. Add ${names[1]}USDT to the universe for the two-factor model.`,
    });
  }
  const anyFit = summary.some((s) => s.bars > 0);
  if (!anyFit) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `No asset has a factor fit: a ${fit.window}-bar window needs ${fit.minObs} ` +
        `complete bars before the bar it is used at, and the window has ${panel.index.length} ` +
        `bars. Use a longer period or a shorter window.`,
    });
    return { blocks, fit, summary, missingFactors, highlighted: null };
  }
  const gappy = panel.assets.filter((_, i) => missingInside(panel.close[i]!) > 0);
  blocks.push({
    type: "table",
    id: `${prefix}-summary`,
    title: "Factor exposures by asset",
    caption: `Averages over the bars with a fit. Bars: bars with a fit; BTC-only bars: fits ` +
      `without an ${eth ?? names[1]} slope (every bar of the factors themselves); betas and ` +
      `R² are means of the rolling values; residual volatility is the sample standard ` +
      `deviation (ddof 1) of the out-of-sample residual returns per bar (not annualized).`,
    columns: [
      ASSET_COLUMN,
      column("role", "Role", "text"),
      column("bars", "Bars", "integer"),
      column("btc_only_bars", "BTC-only bars", "integer"),
      column("beta_btc", `Mean beta ${btc}`, "number", 3),
      column("beta_eth", `Mean beta ${eth ?? names[1]}`, "number", 3),
      column("r_squared", "Mean R²", "number", 3),
      column("residual_vol", "Residual vol / bar", "percent", 3),
      column("residual_bars", "Residual bars", "integer"),
    ],
    rows: summary.map((s, i) => [
      s.asset,
      fit.assets[i]!.role,
      s.bars,
      s.btcOnlyBars,
      s.meanBetaBtc,
      s.meanBetaEth,
      s.meanRSquared,
      s.residualVol,
      s.residualBars,
    ]),
  });
  if (gappy.length > 0) {
    blocks.push({
      type: "note",
      level: "info",
      text: `${gappy.length} asset${gappy.length === 1 ? " has" : "s have"} ` +
        `missing bars between their first and last bar: ${nameList(gappy)}. A missing bar ` +
        `is left out of every window (never counted as a zero return), and the bar after it ` +
        `has no one-bar return, so these assets have fewer fitted and residual bars.`,
    });
  }
  const others = fit.assets.filter((a) => a.role === "asset");
  const chartFor = (factor: string, pick: "betaBtc" | "betaEth") =>
    factorBetasChart({
      index: panel.index,
      factor,
      window: fit.window,
      causal: true,
      series: others.map((a) => ({ asset: a.asset, values: a[pick] })),
    }, { id: `${prefix}-betas-${pick === "betaBtc" ? "btc" : "eth"}` });
  if (others.length > 0) {
    blocks.push(chartFor(btc, "betaBtc"));
    if (eth !== null) blocks.push(chartFor(eth, "betaEth"));
  }
  // The asset whose fit explains the most: the gap between its two lines is the largest.
  let best = -1;
  for (let i = 0; i < fit.assets.length; i++) {
    const s = summary[i]!;
    if (fit.assets[i]!.role !== "asset" || s.residualBars < 2) continue;
    if (best < 0 || s.meanRSquared > summary[best]!.meanRSquared) best = i;
  }
  let highlighted: string | null = null;
  if (best >= 0) {
    const a = fit.assets[best]!;
    highlighted = a.asset;
    const r = panel.logReturns[best]!;
    const n = r.length;
    const raw = new Float64Array(n).fill(NaN), res = new Float64Array(n).fill(NaN);
    let cr = 0, ce = 0, started = false;
    for (let t = 0; t < n; t++) {
      const e = a.residuals[t]!;
      if (Number.isFinite(e)) {
        cr += r[t]!;
        ce += e;
        started = true;
      }
      if (started) {
        raw[t] = cr;
        res[t] = ce;
      }
    }
    blocks.push(
      rawVsResidualChart({
        index: panel.index,
        asset: a.asset,
        raw,
        residual: res,
        factors: factorText,
      }, {
        id: `${prefix}-raw-vs-residual`,
      }),
    );
  }
  return { blocks, fit, summary, missingFactors, highlighted };
}

function tryResolve(
  assets: readonly string[],
  name: string,
): { asset: string | null; ambiguous: string | null } {
  try {
    return { asset: resolveFactorAsset(assets, name), ambiguous: null };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { asset: null, ambiguous: /match equally/.test(msg) ? msg : null };
  }
}

/** Bars without a close between an asset's first and last close. */
function missingInside(close: Float64Array): number {
  let first = -1, last = -1, present = 0;
  for (let t = 0; t < close.length; t++) {
    if (Number.isFinite(close[t]!)) {
      if (first < 0) first = t;
      last = t;
      present++;
    }
  }
  return first < 0 ? 0 : last - first + 1 - present;
}
