/**
 * The BTC/ETH factor model: against statsmodels 0.13.5 RollingOLS on real NFI hourly returns
 * (tests/oracles/factors.py, exact calls there), planted betas recovered on synthetic and
 * simulated markets, and the causal guarantee (data after t never moves anything at or
 * before t).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import type { Panel } from "@lib/panel/types.ts";
import { createRng } from "@lib/stats/rng.ts";
import { simulateMarket } from "@lib/sim/simulate_market.ts";
import {
  type AssetFactorFit,
  factorModel,
  type FactorModelPanel,
  resolveFactorModelOptions,
} from "@lib/research/factor_model.ts";
import { resolveFactorAsset } from "@lib/research/factor_assets.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { NFI_1H_DIR } from "../panel/_nfi.ts";

interface FieldOracle {
  at: (number | null)[];
  count: number;
  mean: number | null;
}
type AssetOracle = Record<
  "alpha" | "betaBtc" | "betaEth" | "rSquared" | "residuals" | "nobs",
  FieldOracle
>;
const oracle = JSON.parse(
  readFileSync(new URL("../oracles/factors.json", import.meta.url), "utf8"),
) as {
  window: number;
  minObs: number;
  firstTs: number;
  n: number;
  blank: [number, number];
  aliceStart: number;
  rows: number[];
  real: { causal: Record<string, AssetOracle>; inSample: Record<string, AssetOracle> };
  ethBlank: { causal: Record<string, AssetOracle> };
};

const BASES = ["BTC", "ETH", "SOL", "DOGE", "ALICE"];

async function nfiPanel(): Promise<Panel> {
  const { db, close } = openStore(":memory:");
  try {
    const files = BASES.map((b) => join(NFI_1H_DIR, `${b}_USDT-1h.json`));
    // compared with pandas, which keeps every real bar: no jump rule (59 of 628,654 NFI bars)
    const r = await importPaths(db, files, { venue: "binance", freq: "1h", jump: false });
    assert.ok(r.files.every((f) => f.status === "imported" && f.quarantined === 0));
    return loadPanel(db, { venue: "binance", freq: "1h" });
  } finally {
    close();
  }
}

/** The panel with ETH's closes blanked on grid rows [from, to), as the oracle's copy. */
function blankEth(p: Panel, from: number, to: number): Panel {
  const e = p.assets.indexOf("ETHUSDT");
  const close = p.close.map((c, a) => {
    if (a !== e) return c;
    const copy = c.slice();
    copy.fill(NaN, from, to);
    return copy;
  });
  return fromColumns({ ...p, close });
}

/**
 * Compare every field of a fit with the oracle. Tolerances: statsmodels RollingOLS updates
 * X'X and X'y by adding and removing rows and solves by pinv; rollingOls updates centred
 * moments and solves by Cholesky, re-anchoring every window. Both are exact up to rounding
 * on hourly returns of ~1e-2 with well-conditioned designs (|corr(BTC, ETH)| ~ 0.8). Measured
 * here: betaBtc within 2e-12 relative, betaEth within 1e-9 relative (where it is near zero),
 * R² within 4e-14, alpha and residuals within 3e-15 absolute. 1e-8 relative plus 1e-12
 * absolute leaves room for rounding and still catches any wrong row, window or shift, which
 * moves values by 1e-3 or more. Means over the whole grid get the same tolerance.
 */
function compareFit(fit: AssetFactorFit, want: AssetOracle, rows: number[], what: string) {
  const close = (got: number, exp: number, label: string) => {
    assert.ok(
      Math.abs(got - exp) <= 1e-8 * Math.abs(exp) + 1e-12,
      `${what} ${label}: ${got} vs statsmodels ${exp}`,
    );
  };
  for (const field of ["alpha", "betaBtc", "betaEth", "rSquared", "residuals"] as const) {
    const got = fit[field];
    const w = want[field];
    rows.forEach((t, i) => {
      const exp = w.at[i];
      if (exp === null || exp === undefined) {
        assert.ok(Number.isNaN(got[t]!), `${what} ${field}[${t}]: ${got[t]} vs statsmodels NaN`);
      } else close(got[t]!, exp, `${field}[${t}]`);
    });
    let s = 0, c = 0;
    for (const v of got) {
      if (Number.isFinite(v)) {
        s += v;
        c++;
      }
    }
    assert.equal(c, w.count, `${what} ${field}: finite values`);
    if (w.mean !== null) close(s / c, w.mean, `mean ${field}`);
  }
  rows.forEach((t, i) => {
    const exp = want.nobs.at[i];
    if (exp !== null && exp !== undefined) {
      assert.equal(fit.nobs[t], exp, `${what} nobs[${t}]`);
    }
  });
}

realDataTest("factorModel equals statsmodels RollingOLS on real NFI hourly returns", async () => {
  const panel = await nfiPanel();
  assert.equal(panel.index[0], oracle.firstTs, "same grid as the oracle");
  assert.equal(panel.index.length, oracle.n);
  const cases = [
    { name: "real causal", panel, causal: true, want: oracle.real.causal },
    { name: "real in-sample", panel, causal: false, want: oracle.real.inSample },
    {
      name: "ETH blanked causal",
      panel: blankEth(panel, oracle.blank[0], oracle.blank[1]),
      causal: true,
      want: oracle.ethBlank.causal,
    },
  ];
  for (const c of cases) {
    const fit = factorModel(c.panel, { causal: c.causal }); // defaults: window 720, minObs 360
    assert.equal(fit.window, oracle.window);
    assert.equal(fit.minObs, oracle.minObs);
    assert.deepEqual(fit.factors, ["BTCUSDT", "ETHUSDT"]);
    for (const base of BASES) {
      const a = fit.assets.find((x) => x.asset === `${base}USDT`)!;
      compareFit(a, c.want[base]!, oracle.rows, `${c.name} ${base}`);
    }
  }
});

realDataTest("where ETH is blanked, rows fall back to the BTC-only fit, then return", async () => {
  const panel = blankEth(await nfiPanel(), oracle.blank[0], oracle.blank[1]);
  const fit = factorModel(panel);
  const sol = fit.assets.find((x) => x.asset === "SOLUSDT")!;
  const [from, to] = oracle.blank;
  const ethRet = panel.logReturns[panel.assets.indexOf("ETHUSDT")]!;
  const solRet = panel.logReturns[panel.assets.indexOf("SOLUSDT")]!;
  const btcRet = panel.logReturns[panel.assets.indexOf("BTCUSDT")]!;
  let btcOnly = 0, twoFactor = 0;
  for (let t = from; t <= to + fit.minObs + 5; t++) {
    // Causal: the two-factor fit exists at t when its window (rows t-720..t-1) holds minObs
    // complete rows; the row reports it then, else the BTC-only fit (betaEth NaN).
    let complete = 0;
    for (let i = Math.max(0, t - fit.window); i < t; i++) {
      if ([ethRet[i]!, solRet[i]!, btcRet[i]!].every(Number.isFinite)) complete++;
    }
    const two = complete >= fit.minObs;
    assert.equal(Number.isFinite(sol.betaEth[t]!), two, `row ${t}: ${complete} complete rows`);
    assert.ok(Number.isFinite(sol.betaBtc[t]!), `row ${t}`);
    // a row without its own ETH return still gets a (BTC-only) residual
    if (Number.isFinite(solRet[t]!) && Number.isFinite(btcRet[t]!)) {
      assert.ok(Number.isFinite(sol.residuals[t]!), `residual at ${t}`);
    }
    if (two) twoFactor++;
    else btcOnly++;
  }
  assert.ok(btcOnly > 100 && twoFactor > 300, `${btcOnly} BTC-only, ${twoFactor} two-factor rows`);
  // ETH's own fit (on BTC) has no rows to fit inside the blank window either.
  const eth = fit.assets.find((x) => x.asset === "ETHUSDT")!;
  assert.equal(eth.role, "eth");
  assert.ok(eth.betaEth.every((v) => Number.isNaN(v)));
});

/** A panel of log returns with planted constant betas; ETH missing on rows [gapFrom, gapTo). */
function plantedPanel(seed: number, n: number, gapFrom: number, gapTo: number) {
  const rng = createRng(seed);
  const btc = new Float64Array(n), eth = new Float64Array(n);
  const planted = [
    { name: "AAAUSDT", alpha: 0.0002, b: 1.3, e: 0.4, sd: 0.005 },
    { name: "BBBUSDT", alpha: -0.0001, b: 0.2, e: 1.1, sd: 0.008 },
    { name: "CCCUSDT", alpha: 0, b: -0.5, e: 0.0, sd: 0.004 },
  ];
  const cols = planted.map(() => new Float64Array(n));
  for (let t = 0; t < n; t++) {
    btc[t] = 0.01 * rng.normal();
    eth[t] = 0.7 * btc[t]! + 0.007 * rng.normal();
    planted.forEach((p, k) => {
      cols[k]![t] = p.alpha + p.b * btc[t]! + p.e * eth[t]! + p.sd * rng.normal();
    });
  }
  const ethSeen = eth.slice();
  ethSeen.fill(NaN, gapFrom, gapTo);
  const panel: FactorModelPanel = {
    assets: ["BTCUSDT", "ETHUSDT", ...planted.map((p) => p.name)],
    index: Float64Array.from({ length: n }, (_, t) => t * 3_600_000),
    logReturns: [btc, ethSeen, ...cols],
  };
  return { panel, planted };
}

Deno.test("planted betas are recovered, and the BTC-only fit absorbs ETH's BTC part", () => {
  const n = 6000, gapFrom = 3000, gapTo = 3800, window = 720;
  const { panel, planted } = plantedPanel(11, n, gapFrom, gapTo);
  const fit = factorModel(panel, { window });
  planted.forEach((p, k) => {
    const a = fit.assets[k + 2]!;
    // Standard error of a slope over one window: noise sd / (partial sd of the factor x
    // sqrt(window)). BTC given ETH and ETH given BTC both have partial sd ~0.007 (ETH = 0.7 BTC
    // + 0.007 noise, BTC sd 0.01), so se = sd / (0.007 sqrt(720)): 0.027, 0.043, 0.021. Every
    // row within 5 se; the mean over the ~4,500 two-factor rows (about 6 independent windows)
    // within 4 se / sqrt(6).
    const se = p.sd / (0.007 * Math.sqrt(window));
    let sb = 0, sEth = 0, c = 0;
    for (let t = 800; t < n; t++) {
      if (t >= gapFrom && t < gapTo + window) continue;
      const eb = a.betaBtc[t]! - p.b, ee = a.betaEth[t]! - p.e;
      assert.ok(Math.abs(eb) < 5 * se, `${p.name} betaBtc[${t}] = ${a.betaBtc[t]} vs ${p.b}`);
      assert.ok(Math.abs(ee) < 5 * se, `${p.name} betaEth[${t}] = ${a.betaEth[t]} vs ${p.e}`);
      sb += eb;
      sEth += ee;
      c++;
    }
    const meanBand = (4 * se) / Math.sqrt(c / window);
    assert.ok(Math.abs(sb / c) < meanBand, `${p.name} mean betaBtc error ${sb / c}`);
    assert.ok(Math.abs(sEth / c) < meanBand, `${p.name} mean betaEth error ${sEth / c}`);
    // Deep inside the ETH gap (once the causal two-factor window holds fewer than minObs = 360
    // complete rows, i.e. from gapFrom + 361 on) the rows report the BTC-only fit, which sees
    // b + 0.7 e (ETH = 0.7 BTC + own noise, which then joins the residual, raising the noise sd
    // to sqrt(sd² + (0.007 e)²) over BTC's sd 0.01).
    const seOne = Math.hypot(p.sd, 0.007 * p.e) / (0.01 * Math.sqrt(window));
    for (let t = gapFrom + window / 2 + 1; t < gapTo; t++) {
      assert.ok(Number.isNaN(a.betaEth[t]!));
      assert.ok(
        Math.abs(a.betaBtc[t]! - (p.b + 0.7 * p.e)) < 5 * seOne,
        `${p.name} BTC-only betaBtc[${t}] = ${a.betaBtc[t]} vs ${p.b + 0.7 * p.e}`,
      );
    }
  });
  // ETH on BTC recovers 0.7 (noise sd 0.007 -> se 0.026; 5 se = 0.13).
  const eth = fit.assets[1]!;
  for (let t = 800; t < gapFrom; t++) assert.ok(Math.abs(eth.betaBtc[t]! - 0.7) < 0.13);
  // BTC: intercept only; the residual is the return minus the causal rolling mean.
  const btc = fit.assets[0]!;
  const r = panel.logReturns[0]!;
  let m = 0;
  for (let i = 1000; i < 1720; i++) m += r[i]!;
  m /= 720;
  assert.ok(Math.abs(btc.alpha[1720]! - m) < 1e-15);
  assert.equal(btc.residuals[1720], r[1720]! - btc.alpha[1720]!);
  assert.equal(btc.rSquared[1720], 0);
  assert.ok(Number.isNaN(btc.betaBtc[1720]!));
});

Deno.test("betas recovered on the simulated market (drifting planted betas)", () => {
  // simulateMarket plants betas that drift around a centre (AR(1), 3-day time constant, sd
  // 0.1) under GARCH-t factors. A 720-bar window estimates about the window's average true
  // beta, with a sampling error of several hundredths per window (idiosyncratic vol is close
  // to BTC's). Over 40,000 hourly bars (~55 independent windows) the mean error must be within
  // 4 standard errors (estimated from the rows themselves) and below 0.05 in any case.
  const n = 40_000, window = 720;
  const sim = simulateMarket({ seed: 5, freq: "1h", bars: n, assets: 6, gaps: [] });
  const panel = fromColumns({
    freq: "1h",
    venue: "sim",
    assets: sim.symbols,
    index: sim.truth.ts,
    close: sim.bars.map((b) => b.close),
  });
  const fit = factorModel(panel, { window });
  assert.deepEqual(fit.factors, ["BTCSIM", "ETHSIM"]);
  let checked = 0;
  for (const a of fit.assets) {
    if (a.role !== "asset") continue;
    const truth = sim.truth.betas[a.asset]!;
    for (const [est, tru] of [[a.betaBtc, truth.btc], [a.betaEth, truth.eth]] as const) {
      let tw = 0;
      for (let i = 0; i < window; i++) tw += tru[i]!;
      const err: number[] = [];
      for (let t = window; t < n; t++) {
        err.push(est[t]! - tw / window); // window t-720 .. t-1, as the causal fit
        tw += tru[t]! - tru[t - window]!;
      }
      const mean = err.reduce((s, e) => s + e, 0) / err.length;
      const sd = Math.sqrt(err.reduce((s, e) => s + (e - mean) ** 2, 0) / (err.length - 1));
      const se = sd / Math.sqrt(err.length / window);
      assert.ok(Math.abs(mean) < 4 * se && Math.abs(mean) < 0.05, `${a.asset}: ${mean} (se ${se})`);
      checked++;
    }
  }
  assert.equal(checked, 12);
});

Deno.test("causal: changing data after t moves nothing at or before t", () => {
  const n = 1500;
  const { panel } = plantedPanel(3, n, 600, 700);
  const base = factorModel(panel, { window: 200, minObs: 150 });
  const rng = createRng(99);
  for (const t of [149, 150, 151, 650, 699, 700, 1000, n - 2]) {
    const cols = panel.logReturns.map((c) => {
      const copy = c.slice();
      for (let i = t + 1; i < n; i++) copy[i] = rng.next() < 0.1 ? NaN : 0.5 * rng.normal();
      return copy;
    });
    const moved = factorModel({ ...panel, logReturns: cols }, { window: 200, minObs: 150 });
    let reached = 0;
    moved.assets.forEach((a, k) => {
      const b = base.assets[k]!;
      for (const f of ["alpha", "betaBtc", "betaEth", "rSquared", "residuals", "nobs"] as const) {
        for (let i = 0; i <= t; i++) {
          assert.ok(Object.is(a[f][i], b[f][i]), `${a.asset} ${f}[${i}] moved after t = ${t}`);
        }
      }
      if (!Object.is(a.residuals[t + 1], b.residuals[t + 1])) reached++;
    });
    // the perturbation does reach row t + 1, so the test could fail
    assert.ok(reached > 0, `nothing changed at t + 1 = ${t + 1}`);
  }
});

Deno.test("causal: the coefficients at t do not depend on the bars at t (ETH missing at t)", () => {
  const n = 1200;
  const { panel } = plantedPanel(3, n, 600, 700);
  const base = factorModel(panel, { window: 200, minObs: 150 });
  const ethCol = panel.assets.indexOf("ETHUSDT");
  assert.ok(ethCol >= 0);
  for (const t of [300, 900, 1100]) {
    const cols = panel.logReturns.map((c, k) => {
      const copy = c.slice();
      if (k === ethCol) copy[t] = NaN; // the ETH bar at t goes missing
      return copy;
    });
    const moved = factorModel({ ...panel, logReturns: cols }, { window: 200, minObs: 150 });
    moved.assets.forEach((a, k) => {
      const b = base.assets[k]!;
      for (const f of ["alpha", "betaBtc", "betaEth", "rSquared", "nobs"] as const) {
        for (let i = 0; i <= t; i++) {
          assert.ok(Object.is(a[f][i], b[f][i]), `${a.asset} ${f}[${i}] moved with ETH[${t}]`);
        }
      }
      if (a.role === "asset" && Number.isFinite(b.betaEth[t]!)) {
        // the residual at t falls back to the BTC-only fit, and is still there
        assert.ok(Number.isFinite(a.residuals[t]!), `${a.asset} residual at ${t}`);
        assert.ok(!Object.is(a.residuals[t], b.residuals[t]), `${a.asset} residual at ${t}`);
      }
    });
  }
});

Deno.test("factor names resolve to panel assets; bad options are refused", () => {
  const assets = ["binance:BTCSTUSDT", "binance:BTCUSDT", "binance:ETHUSDT", "kraken:ETHUSDT"];
  assert.equal(resolveFactorAsset(assets, "BTC"), "binance:BTCUSDT");
  assert.throws(() => resolveFactorAsset(assets, "ETH"), /all match equally.*exact/);
  assert.equal(resolveFactorAsset(assets, "kraken:ETHUSDT"), "kraken:ETHUSDT");
  assert.equal(resolveFactorAsset(["XBT/USD", "BTC-USD"], "BTC"), "BTC-USD");
  assert.equal(resolveFactorAsset(["WBTCUSDT", "BTC"], "btc"), "BTC");
  assert.throws(() => resolveFactorAsset(["WBTCUSDT"], "BTC"), /no asset of the panel is BTC/);
  const { panel } = plantedPanel(1, 50, 0, 0);
  assert.throws(() => factorModel(panel, { window: 2 }), /window must be an integer >= 3/);
  assert.throws(() => factorModel(panel, { window: 10, minObs: 2 }), /minObs/);
  assert.throws(() => factorModel(panel, { factors: [] }), /one or two factors/);
  assert.throws(() => factorModel(panel, { factors: ["BTC", "BTCUSDT"] }), /both factors/);
  assert.throws(() => factorModel(panel, { factors: ["SOL"] }), /Cannot resolve factor "SOL"/);
  assert.deepEqual(resolveFactorModelOptions({ window: 73 }).minObs, 37);
  // the smallest windows allowed work with the default (ceil(3 / 2) = 2 was refused as minObs)
  assert.equal(resolveFactorModelOptions({ window: 3 }).minObs, 3);
  assert.equal(resolveFactorModelOptions({ window: 4 }).minObs, 3);
  assert.equal(resolveFactorModelOptions({ window: 5 }).minObs, 3);
});

Deno.test("one factor: every asset on BTC alone, betaEth NaN throughout", () => {
  const { panel, planted } = plantedPanel(4, 2000, 0, 0);
  const one = factorModel(panel, { factors: ["BTCUSDT"], window: 500 });
  assert.deepEqual(one.factors, ["BTCUSDT"]);
  const eth = one.assets[1]!;
  assert.equal(eth.role, "asset");
  for (const a of one.assets) assert.ok(a.betaEth.every((v) => Number.isNaN(v)));
  const a = one.assets[2]!;
  const p = planted[0]!;
  assert.ok(Math.abs(a.betaBtc[1999]! - (p.b + 0.7 * p.e)) < 0.1);
});
