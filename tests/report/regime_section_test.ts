/**
 * The regime section on real NFI hourly bars: the tables the report shows, their numbers
 * against a direct recomputation (per-regime mean of the IC series, per-regime quantile means),
 * Benjamini-Hochberg never below the raw p-values, causality of the regimes it conditions on,
 * and escaping of a data-supplied signal name in the HTML.
 */
import assert from "node:assert/strict";
import { fromColumns } from "@lib/panel/from_columns.ts";
import {
  reportRegimes,
  reportRegimeSection,
  signalRegimeSection,
} from "@lib/pipeline/report_regimes.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";
import { informationCoefficient } from "@lib/research/information_coefficient.ts";
import { parseSignalName } from "@lib/research/signals/mod.ts";
import { quantileReturns } from "@lib/research/quantile_returns.ts";
import { renderBlock } from "@lib/report/html.ts";
import type { TableBlock } from "@lib/report/model.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { gridCloses } from "../_shared/hourly_grid.ts";
import { NFI_1H_DIR } from "../panel/_nfi.ts";

const BASES = ["ADA", "BCH", "BTC", "DOGE", "ETH", "LINK", "LTC", "XRP"];

function panel() {
  const g = gridCloses(
    BASES.map((b) => `${NFI_1H_DIR}/${b}_USDT-1h.json`),
    BASES.map((b) => `${b}USDT`),
  );
  return fromColumns({
    venue: "binance",
    freq: "1h",
    assets: g.names,
    index: Float64Array.from({ length: g.length }, (_, i) => g.firstTs + i * 3_600_000),
    close: g.closes,
  });
}

realDataTest("regime section on NFI: tables, numbers and adjustment", () => {
  const p = panel();
  const regimes = reportRegimes(p);
  assert.deepEqual(regimes.map((r) => r.id), ["structure", "btc-vol"]);
  // the BTC volatility regime labels only bars after its training half
  const half = Math.floor(p.index.length / 2);
  assert.ok(regimes[1]!.state.slice(0, half).every((s) => s === -1));
  assert.ok(regimes[1]!.state.slice(half).some((s) => s === 2));

  const sec = reportRegimeSection(p, ["momentum_24"]);
  const tables = sec.blocks.filter((b): b is TableBlock => b.type === "table");
  assert.deepEqual(tables.map((t) => t.id), [
    "regime-structure-occupancy",
    "regime-structure-ic",
    "regime-structure-quantiles",
    "regime-structure-sharpe",
    "regime-btc-vol-occupancy",
    "regime-btc-vol-ic",
    "regime-btc-vol-quantiles",
    "regime-btc-vol-sharpe",
  ]);
  // the IC table's estimates are the per-regime means of the IC series
  const ic = informationCoefficient(
    parseSignalName("momentum_24").compute(p),
    forwardReturns(p.logReturns, 1),
  ).ic;
  for (const [r, reg] of regimes.entries()) {
    const t = tables[4 * r + 1]!;
    reg.labels.forEach((label, s) => {
      let sum = 0, n = 0;
      for (let i = 0; i < ic.length; i++) {
        if (reg.state[i] === s && Number.isFinite(ic[i]!)) {
          sum += ic[i]!;
          n++;
        }
      }
      const row = t.rows.find((x) => x[1] === label)!;
      assert.equal(row[2], n, `${reg.id} ${label} bars`);
      if (n >= 30) assert.ok(Math.abs((row[3] as number) - sum / n) < 1e-12, `${reg.id} ${label}`);
      const pRaw = row[6] as number, pAdj = row[7] as number;
      if (Number.isFinite(pRaw)) assert.ok(pAdj >= pRaw && pAdj <= 1);
    });
    // the quantile table's spread column is the per-regime mean of the long-short series
    const ls =
      quantileReturns(parseSignalName("momentum_24").compute(p), forwardReturns(p.logReturns, 1), {
        quantiles: 5,
      }).longShort;
    const qt = tables[4 * r + 2]!;
    reg.labels.forEach((label, s) => {
      let sum = 0, n = 0;
      for (let i = 0; i < ls.length; i++) {
        if (reg.state[i] === s && Number.isFinite(ls[i]!)) {
          sum += ls[i]!;
          n++;
        }
      }
      const row = qt.rows.find((x) => x[1] === label)!;
      if (n >= 30) {
        assert.ok(Math.abs((row[7] as number) - sum / n) < 1e-12, `${reg.id} ${label} spread`);
      }
      assert.ok((row[8] as number) <= (row[9] as number) || Number.isNaN(row[8] as number));
    });
    const occ = tables[4 * r]!;
    const shares = occ.rows.map((x) => x[2] as number);
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
  // deterministic: the same section twice is the same
  assert.deepEqual(reportRegimeSection(p, ["momentum_24"]), sec);
});

realDataTest("regime section: a signal name from a file is escaped in the HTML", () => {
  const p = panel();
  const values = parseSignalName("reversal_1").compute(p);
  const sec = signalRegimeSection(p, "<img src=x onerror=alert(1)>.csv", values);
  const html = sec.blocks.map(renderBlock).join("\n");
  assert.ok(!html.includes("<img src=x"));
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;.csv"));
});

realDataTest(
  "regime section: a signal that cannot be computed (BTC beta without BTC) is a note",
  () => {
    const bases = ["ADA", "BCH", "DOGE", "ETH", "LINK", "LTC", "XRP"];
    const g = gridCloses(
      bases.map((b) => `${NFI_1H_DIR}/${b}_USDT-1h.json`),
      bases.map((b) => `${b}USDT`),
    );
    const p = fromColumns({
      venue: "binance",
      freq: "1h",
      assets: g.names,
      index: Float64Array.from({ length: g.length }, (_, i) => g.firstTs + i * 3_600_000),
      close: g.closes,
    });
    const sec = reportRegimeSection(p, ["beta_168", "reversal_1"]);
    const ic = sec.blocks.find((b): b is TableBlock =>
      b.type === "table" && b.id === "regime-structure-ic"
    )!;
    assert.deepEqual([...new Set(ic.rows.map((r) => r[0]))], ["reversal_1"]);
    assert.ok(
      sec.blocks.some((b) => b.type === "note" && /Not conditioned .*beta_168/.test(b.text)),
    );
  },
);

realDataTest(
  "runReport: the research report and the signal tear sheet both end with the Regimes section",
  async () => {
    const { importPaths } = await import("@lib/ingest/import_path.ts");
    const { openStore } = await import("@lib/store/db.ts");
    const { runReport } = await import("@lib/pipeline/report_run.ts");
    const { db, close } = openStore(":memory:");
    try {
      const r = await importPaths(db, BASES.map((b) => `${NFI_1H_DIR}/${b}_USDT-1h.json`), {
        venue: "binance",
        freq: "1h",
        jump: false,
      });
      assert.ok(r.files.every((f) => f.status === "imported"));
      const git = { commit: "unknown", dirty: null } as const;
      const research =
        runReport(db, { freq: "1h", signals: ["reversal_1"], git, nullRuns: 0 }).model;
      const ids = research.sections.map((s) => s.id);
      assert.deepEqual(ids.slice(-2), ["regimes", "method"]);
      const sheet = runReport(db, {
        freq: "1h",
        git,
        nullRuns: 0,
        signal: {
          input: (p) => parseSignalName("momentum_24").compute(p),
          options: { name: "mine" },
        },
      }).model;
      const last = sheet.sections.at(-1)!;
      assert.equal(last.id, "regimes");
      const ic = last.blocks.find((b): b is TableBlock =>
        b.type === "table" && b.id === "regime-structure-ic"
      )!;
      assert.deepEqual([...new Set(ic.rows.map((x) => x[0]))], ["mine"]);
    } finally {
      close();
    }
  },
);
