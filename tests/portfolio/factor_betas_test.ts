/**
 * factorBetasAt on a real factorModel fit (NFI hourly log returns, 20 assets) feeding
 * optimizePortfolio's beta-neutral constraint, end to end, and its refusal of an asset without
 * a beta (GRTUSDT, listed late).
 */
import assert from "node:assert/strict";
import { factorModel } from "@lib/research/factor_model.ts";
import { factorBetasAt, ledoitWolf, optimizePortfolio } from "@lib/portfolio/mod.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiReturns, pick } from "./_risk_data.ts";

const ASSETS = [
  "BTCUSDT",
  "ETHUSDT",
  "ADAUSDT",
  "XRPUSDT",
  "DOTUSDT",
  "LINKUSDT",
  "LTCUSDT",
  "SOLUSDT",
  "AVAXUSDT",
  "MATICUSDT",
  "UNIUSDT",
  "DOGEUSDT",
  "BNBUSDT",
  "TRXUSDT",
  "EOSUSDT",
  "XLMUSDT",
  "ATOMUSDT",
  "ETCUSDT",
  "FILUSDT",
  "AAVEUSDT",
];

function panel(assets: string[]) {
  const columns = pick(assets);
  const index = Float64Array.from({ length: nfiReturns().length }, (_, t) => t * 3_600_000);
  return { assets, index, logReturns: columns };
}

realDataTest("factorBetasAt feeds a BTC- and ETH-neutral long-short portfolio on real data", () => {
  const p = panel(ASSETS.filter((a) => nfiReturns().bySymbol.has(a)));
  const fit = factorModel(p, { window: 720 });
  const { betas, row } = factorBetasAt(fit);
  assert.equal(row, p.index.length - 1);
  assert.deepEqual([betas.BTC![0], betas.ETH![0], betas.BTC![1], betas.ETH![1]], [1, 0, 0, 1]);
  for (let i = 2; i < p.assets.length; i++) {
    assert.equal(betas.BTC![i], fit.assets[i]!.betaBtc[row]);
    assert.equal(betas.ETH![i], fit.assets[i]!.betaEth[row]);
  }
  const t = p.index.length;
  const recent = p.logReturns.map((c) => c.slice(t - 720, t));
  const { covariance } = ledoitWolf(recent);
  const momentum = recent.map((c) =>
    c.slice(-168).reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0) / 168
  );
  const r = optimizePortfolio({
    covariance,
    expectedReturns: momentum,
    objective: "meanVariance",
    riskAversion: 20,
    constraints: {
      longOnly: false,
      fullInvestment: false,
      netExposure: 0,
      minWeight: -0.1,
      maxWeight: 0.1,
      betas,
    },
    assets: p.assets,
  });
  assert.equal(r.status, "optimal");
  assert.ok(Math.abs(r.diagnostics.exposures["beta:BTC"]!) < 1e-12);
  assert.ok(Math.abs(r.diagnostics.exposures["beta:ETH"]!) < 1e-12);
  assert.ok(Math.abs(r.diagnostics.netExposure) < 1e-12);
  assert.ok(r.diagnostics.grossExposure > 0.2, `gross ${r.diagnostics.grossExposure}`);
  for (const g of ["beta:BTC", "beta:ETH", "netExposure"]) assert.ok(r.binding.includes(g), g);
});

realDataTest("factorBetasAt names the assets without a beta at the row (a late listing)", () => {
  const p = panel(["BTCUSDT", "ETHUSDT", "ADAUSDT", "GRTUSDT"]);
  const fit = factorModel(p, { window: 720 });
  const first = fit.assets[3]!.betaBtc.findIndex((v) => Number.isFinite(v));
  assert.ok(first > 700, `GRT's first beta at row ${first}`);
  assert.throws(
    () => factorBetasAt(fit, first - 1),
    new RegExp(`1 asset\\(s\\) have no beta at row ${first - 1} \\(GRTUSDT\\)`),
  );
  assert.equal(factorBetasAt(fit, first).betas.BTC![3], fit.assets[3]!.betaBtc[first]);
  assert.doesNotThrow(() => factorBetasAt(fit));
});
