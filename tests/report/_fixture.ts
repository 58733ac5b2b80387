/**
 * A small, fully deterministic report for the report-layer tests, including hostile asset
 * names (an attacker chooses a DEX token's name).
 */
import {
  correlationHeatmapChart,
  coverageChart,
  cumulativeReturnsChart,
  factorBetasChart,
  icBarChart,
  icDecayChart,
  quantileBarChart,
  rawVsResidualChart,
  rollingBetaChart,
  sharpeBarChart,
  spreadZScoreChart,
} from "@lib/report/charts/mod.ts";
import { type ReportModel, SCHEMA_VERSION } from "@lib/report/model.ts";
import { INTERACTIVE_CLIENT_JS } from "@lib/report/interactive/mod.ts";

/**
 * A report page without its one allowed script, the constant interactive client (exactly once,
 * as renderHtml writes it; throws otherwise), for checks that no other script got in.
 */
export function withoutClientScript(html: string): string {
  const tag = `<script>${INTERACTIVE_CLIENT_JS}</script>`;
  const parts = html.split(tag);
  if (parts.length !== 2) {
    throw new Error(`expected the client script once, found ${parts.length - 1}`);
  }
  return parts.join("");
}

export const XSS_SCRIPT = "<script>alert(1)</script>";
export const XSS_ATTR = `"><img src=x onerror=alert(1)>`;
export const ASSETS = ["BTC", "ETH", XSS_SCRIPT, XSS_ATTR] as const;

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const N = 48;

/** Time index: 48 hourly bars from 2024-01-01. */
export const INDEX = Float64Array.from({ length: N }, (_, i) => T0 + i * H);

/** Smooth, hand-made paths: no randomness, so snapshots are stable. */
export function cumulative(): { asset: string; values: Float64Array }[] {
  return ASSETS.map((asset, a) => ({
    asset,
    values: Float64Array.from(
      INDEX,
      (_, i) => (a === 2 && i >= 20 && i < 24 ? NaN : 0.002 * (a + 1) * i * Math.sin(i / (5 + a))),
    ),
  }));
}

export function betas(): { asset: string; values: Float64Array }[] {
  return ASSETS.slice(1).map((asset, a) => ({
    asset,
    values: Float64Array.from(
      INDEX,
      (_, i) => (i < 12 ? NaN : 0.8 + 0.2 * a + 0.1 * Math.cos(i / 6)),
    ),
  }));
}

export const CORR = [
  [1, 0.82, 0.31, -0.12],
  [0.82, 1, 0.45, NaN],
  [0.31, 0.45, 1, 0.05],
  [-0.12, NaN, 0.05, 1],
];

/** `n` smooth hand-made series named A00, A01, ...: more than a legend can hold. */
export function many(n: number): { asset: string; values: Float64Array }[] {
  return Array.from({ length: n }, (_, a) => ({
    asset: `A${String(a).padStart(2, "0")}`,
    values: Float64Array.from(
      INDEX,
      (_, i) => (i >= 30 && i < 33 ? NaN : 0.01 * (a - n / 2) * i / N + 0.05 * Math.sin(i / 4 + a)),
    ),
  }));
}

/** A symmetric correlation matrix of `n` assets with a block structure. */
export function bigCorrelation(n: number): number[][] {
  return Array.from(
    { length: n },
    (_, i) =>
      Array.from(
        { length: n },
        (_, j) =>
          i === j ? 1 : Math.round((0.2 + 0.5 * Number((i < n / 3) === (j < n / 3))) * 100) / 100,
      ),
  );
}

export function figures() {
  const sig = ["momentum_24", XSS_SCRIPT];
  return {
    coverage: coverageChart({
      freqMs: H,
      assets: ASSETS.map((asset, a) => ({
        asset,
        firstTs: T0 + (a === 3 ? 6 * H : 0),
        lastTs: T0 + (N - 1) * H,
        bars: N - (a === 3 ? 6 : 0) - (a === 2 ? 4 : 0),
      })),
      gaps: [{ asset: XSS_SCRIPT, startTs: T0 + 20 * H, endTs: T0 + 24 * H }],
    }),
    cumulative: cumulativeReturnsChart({ index: INDEX, series: cumulative() }),
    correlation: correlationHeatmapChart({ assets: [...ASSETS], matrix: CORR }),
    beta: rollingBetaChart({ index: INDEX, series: betas(), benchmark: "BTC", window: 12 }),
    sharpe: sharpeBarChart(ASSETS.map((asset, a) => ({ asset, sharpe: a === 1 ? NaN : 1.5 - a }))),
    "factor-betas": factorBetasChart({
      index: INDEX,
      series: betas(),
      factor: "BTC",
      window: 12,
      causal: true,
    }),
    "raw-vs-residual": rawVsResidualChart({
      index: INDEX,
      asset: XSS_ATTR,
      raw: cumulative()[1]!.values,
      residual: cumulative()[2]!.values,
      factors: "BTC and ETH",
    }),
    "ic-bars": icBarChart(
      sig.flatMap((signal, k) =>
        [1, 24].map((horizon) => ({
          signal,
          horizon,
          ic: k === 1 && horizon === 24 ? NaN : 0.02 - 0.03 * k + 0.001 * horizon,
          tStat: 1.5 - k,
        }))
      ),
    ),
    "ic-decay": icDecayChart(
      sig.flatMap((signal, k) =>
        [1, 2, 4, 8, 24].map((horizon) => ({
          signal,
          horizon,
          ic: 0.03 / (k + 1) - 0.001 * horizon,
        }))
      ),
    ),
    "quantile-returns": quantileBarChart(
      sig.map((signal, k) => ({
        signal,
        means: [-0.002, -0.001, 0, 0.001, 0.002].map((m) => (k === 1 ? -m : m)),
        longShortMean: k === 1 ? -0.004 : 0.004,
        longShortTStat: k === 1 ? -2.5 : 2.5,
      })),
      24,
    ),
    "spread-zscore": spreadZScoreChart({
      index: INDEX,
      pair: `${XSS_SCRIPT} ~ BTC`,
      z: Float64Array.from(
        INDEX,
        (_, i) => (i < 5 || (i >= 30 && i < 33) ? NaN : 2.5 * Math.sin(i / 5)),
      ),
      entry: 2,
      exit: 0.5,
      entries: [7],
      exits: [15],
      window: 24,
    }),
    "cumulative-many": cumulativeReturnsChart({ index: INDEX, series: many(30) }),
    "cumulative-many-log": cumulativeReturnsChart({
      index: INDEX,
      series: many(30).map((s, a) => ({
        asset: s.asset,
        values: Float64Array.from(
          s.values,
          (v, i) => (Number.isNaN(v) ? NaN : Math.expm1((a - 12) * 0.004 * i)),
        ),
      })),
    }),
    "beta-many": rollingBetaChart({ index: INDEX, series: many(30), benchmark: "BTC", window: 12 }),
    "correlation-many": correlationHeatmapChart({
      assets: many(30).map((s) => s.asset),
      matrix: bigCorrelation(30),
    }),
  };
}

export function fixtureModel(runId = "test-run"): ReportModel {
  const f = figures();
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    title: "Fixture report",
    subtitle: `Four assets, one named ${XSS_ATTR}`,
    dataNote: "hand-made fixture (offline)",
    sections: [
      {
        id: "coverage",
        title: "Coverage",
        blocks: [
          { type: "paragraph", text: `Asset ${XSS_SCRIPT} has a gap.` },
          { ...f.coverage, id: "coverage-chart" },
          { type: "note", level: "warning", text: `Token ${XSS_ATTR} is attacker-named.` },
        ],
      },
      {
        id: "performance",
        title: "Performance",
        blocks: [
          {
            type: "table",
            id: "metrics",
            title: "Per-asset metrics",
            caption: "Annualized over 365 days.",
            columns: [
              { key: "asset", label: "Asset", format: "text", digits: 0 },
              { key: "ret", label: "Return", format: "percent", digits: 2 },
              { key: "sharpe", label: "Sharpe", format: "number", digits: 2 },
              { key: "bars", label: "Bars", format: "integer", digits: 0 },
            ],
            rows: ASSETS.map((a, i) => [a, 0.1 * i - 0.05, i === 1 ? NaN : 1.5 - i, 1000 + i]),
          },
          f.cumulative,
          f.sharpe,
        ],
      },
      { id: "risk", title: "Risk", blocks: [f.correlation, f.beta] },
    ],
    manifest: {
      datasetFingerprint: "ab".repeat(32),
      dataset: {
        venue: "sim",
        freq: "1h",
        symbols: [...ASSETS],
        from: INDEX[0]!,
        to: INDEX[N - 1]! + H,
        rows: 4 * N - 10,
      },
      git: { commit: "0123456789abcdef0123456789abcdef01234567", dirty: false },
      deno: "2.9.6",
      denoLockSha256: "cd".repeat(32),
      params: { assets: 4, days: 2, seed: 7 },
      seed: 7,
      outputs: {},
    },
  };
}
