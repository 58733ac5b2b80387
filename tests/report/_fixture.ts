/**
 * A small, fully deterministic report for the report-layer tests, including hostile asset
 * names (an attacker chooses a DEX token's name).
 */
import {
  correlationHeatmapChart,
  coverageChart,
  cumulativeReturnsChart,
  rollingBetaChart,
  sharpeBarChart,
} from "@lib/report/charts/mod.ts";
import { type ReportModel, SCHEMA_VERSION } from "@lib/report/model.ts";

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

export function figures() {
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
