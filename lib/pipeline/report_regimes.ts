/**
 * The regimes the research report conditions on, computed causally from the report's panel,
 * and the report's regime section.
 *
 * @module
 */
import type { Panel } from "../panel/types.ts";
import type { Section } from "../report/model.ts";
import { resolveFactorAsset } from "../research/factor_assets.ts";
import { parseSignalName } from "../research/signals/mod.ts";
import { volPercentileRegimes } from "../materialize/regimes/vol_percentile_regimes.ts";
import {
  MARKET_STRUCTURE_DEFAULTS,
  MARKET_STRUCTURE_LABELS,
  marketStructure,
} from "../materialize/regimes/market_structure.ts";
import {
  type RegimeInput,
  regimeSection,
  type RegimeSignal,
} from "../report/sections/regime_section.ts";

/**
 * Regime definitions for a report: (1) the market-structure classes of the universe (rolling
 * windows ending at each bar; at least 5 assets), (2) BTC's volatility tertile
 * (`volPercentileRegimes` with its defaults: 168-bar volatility, thresholds fitted on the first
 * half of the bars, 5-point band, 24-bar dwell), of which only the second half is used, so no
 * labelled bar helped fit its own thresholds. A definition that cannot be computed is left out.
 *
 * @example Too small a universe: no definitions
 * ```ts
 * import { reportRegimes } from "@lib/pipeline/report_regimes.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: ["A"],
 *   index: Float64Array.of(0, 3_600_000), close: [Float64Array.of(1, 2)] });
 * assert.deepEqual(reportRegimes(panel), []);
 * ```
 */
export function reportRegimes(panel: Panel): RegimeInput[] {
  const out: RegimeInput[] = [];
  const n = panel.index.length;
  const d = MARKET_STRUCTURE_DEFAULTS;
  if (panel.assets.length >= d.minAssets && n >= d.window + d.baseline / 2) {
    const s = marketStructure(panel.logReturns);
    out.push({
      id: "structure",
      name: "Market structure",
      labels: [...MARKET_STRUCTURE_LABELS],
      state: s.classes,
      description: `Market-structure classes from ${d.window}-bar windows ending at each bar ` +
        `(cross-sectional dispersion, average pairwise correlation, beta dispersion, market ` +
        `volatility and return), z-scored against the trailing ${d.baseline} bars: risk_off = ` +
        `correlation z >= 1 with a falling market and rising volatility; beta_compression = ` +
        `beta-dispersion z <= -1 with correlation z > 0; dispersion = dispersion z >= 1; chop ` +
        `otherwise.`,
    });
  }
  let btc: string | null = null;
  try {
    btc = resolveFactorAsset(panel.assets, "BTC");
  } catch {
    btc = null;
  }
  if (btc !== null && n >= 400) {
    const trainEnd = Math.floor(n / 2);
    try {
      const v = volPercentileRegimes(panel.logReturns[panel.assets.indexOf(btc)]!, { trainEnd });
      const state = Int8Array.from(v.state);
      state.fill(-1, 0, trainEnd);
      out.push({
        id: "btc-vol",
        name: `${btc} volatility tertile`,
        labels: ["low", "mid", "high"],
        state,
        description: `Volatility regime of ${btc}: its ${v.options.window}-bar volatility ` +
          `against tertiles of the first ${trainEnd} bars (band ${v.options.band} percentile ` +
          `units, dwell ${v.options.minDwell} bars); only the later bars are labelled.`,
      });
    } catch {
      // too little training data: the section simply has one definition fewer
    }
  }
  return out;
}

/**
 * The research report's regime section for the named signals (see `regimeSection`).
 *
 * @example Signals on a tiny panel: a section with a note
 * ```ts
 * import { reportRegimeSection } from "@lib/pipeline/report_regimes.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: ["A"],
 *   index: Float64Array.of(0, 3_600_000), close: [Float64Array.of(1, 2)] });
 * assert.equal(reportRegimeSection(panel, ["momentum_24"]).id, "regimes");
 * ```
 */
export function reportRegimeSection(panel: Panel, signals: readonly string[]): Section {
  const regimes = reportRegimes(panel);
  const sigs: RegimeSignal[] = [];
  const skipped: string[] = [];
  for (const name of regimes.length === 0 ? [] : signals) {
    try {
      sigs.push({ name, values: parseSignalName(name).compute(panel) });
    } catch (e) {
      // e.g. a BTC-beta signal on a universe without BTC: the signal section says why too
      skipped.push(`${name} (${(e as Error).message.split(":")[0]})`);
    }
  }
  const blocks = regimeSection(panel, { signals: sigs, regimes });
  if (skipped.length > 0) {
    blocks.push({
      type: "note",
      level: "info",
      text: `Not conditioned (the signal could not be computed on this universe): ${
        skipped.join("; ")
      }.`,
    });
  }
  return { id: "regimes", title: "Regimes", blocks };
}

/**
 * The regime section of a signal tear sheet: one user signal conditioned on the report's regimes.
 *
 * @example A tiny panel: a section with a note
 * ```ts
 * import { signalRegimeSection } from "@lib/pipeline/report_regimes.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: ["A"],
 *   index: Float64Array.of(0, 3_600_000), close: [Float64Array.of(1, 2)] });
 * assert.equal(signalRegimeSection(panel, "mine", [Float64Array.of(1, 2)]).blocks[0]!.type, "note");
 * ```
 */
export function signalRegimeSection(
  panel: Panel,
  name: string,
  values: readonly Float64Array[],
): Section {
  return {
    id: "regimes",
    title: "Regimes",
    blocks: regimeSection(panel, { signals: [{ name, values }], regimes: reportRegimes(panel) }),
  };
}
