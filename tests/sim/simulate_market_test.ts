import assert from "node:assert/strict";
import { type SimMarket, simulateMarket } from "@lib/sim/mod.ts";
import { autocorrelation, excessKurtosis, pearson } from "@lib/stats/mod.ts";
import { closeOnGrid, logReturnsOnGrid, ols2 } from "./_grid.ts";
import { NUMERIC_BAR_FIELDS } from "../_shared/bar_fields.ts";

// The default market (20 symbols x 43,200 one-minute bars) is generated once and timed.
const t0 = performance.now();
const DEFAULT: SimMarket = simulateMarket();
const DEFAULT_MS = performance.now() - t0;

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

Deno.test("simulateMarket: 20 x 30 days of 1-minute bars in a few seconds", () => {
  const rows = DEFAULT.bars.reduce((s, b) => s + b.ts.length, 0);
  console.log(`simulateMarket default: ${rows} bars in ${DEFAULT_MS.toFixed(0)} ms`);
  assert.equal(DEFAULT.symbols.length, 20);
  assert.equal(rows, 20 * 43_200 - DEFAULT.truth.gaps.reduce((s, g) => s + g.bars, 0));
  assert.ok(DEFAULT_MS < 10_000, `took ${DEFAULT_MS} ms`); // measured ~1.7 s on 2 cores
});

Deno.test("simulateMarket: same seed gives identical bits, another seed differs", () => {
  const opts = { seed: 9, assets: 6, freq: "1h", bars: 500 } as const;
  const a = simulateMarket(opts),
    b = simulateMarket(opts),
    c = simulateMarket({ ...opts, seed: 10 });
  for (let j = 0; j < a.bars.length; j++) {
    for (const k of NUMERIC_BAR_FIELDS) {
      assert.ok(sameBits(a.bars[j]![k], b.bars[j]![k]), `${a.symbols[j]} ${k}`);
    }
  }
  for (const s of a.symbols) {
    assert.ok(sameBits(a.truth.betas[s]!.btc, b.truth.betas[s]!.btc));
    assert.ok(!sameBits(a.truth.betas[s]!.btc, c.truth.betas[s]!.btc) || s.endsWith("SIM"));
  }
  assert.deepEqual(a.truth.pairs, b.truth.pairs);
  for (let j = 0; j < a.bars.length; j++) assert.ok(!sameBits(a.bars[j]!.close, c.bars[j]!.close));
  // adding assets leaves the existing ones untouched (one random stream per component)
  const more = simulateMarket({
    ...opts,
    assets: 8,
    gaps: a.truth.gaps.map((g) => ({
      symbol: g.symbol,
      startBar: (g.fromTs - a.truth.ts[0]!) / 3_600_000,
      bars: g.bars,
    })),
  });
  for (let j = 0; j < a.bars.length; j++) {
    assert.ok(sameBits(a.bars[j]!.close, more.bars[j]!.close));
  }
});

Deno.test("simulateMarket: every bar is valid and the gaps are where truth says", () => {
  const m = DEFAULT;
  const step = 60_000;
  for (const b of m.bars) {
    assert.equal(b.venue, "sim");
    assert.equal(b.freq, "1m");
    for (let i = 0; i < b.ts.length; i++) {
      const o = b.open[i]!, h = b.high[i]!, l = b.low[i]!, c = b.close[i]!, v = b.vwap[i]!;
      if (!(l > 0 && l <= o && l <= c && o <= h && c <= h && l <= v && v <= h)) {
        assert.fail(`${b.symbol} bar ${i}: o ${o} h ${h} l ${l} c ${c} vwap ${v}`);
      }
      if (!(b.volume[i]! > 0 && b.tradeCount[i]! >= 1 && Number.isInteger(b.tradeCount[i]!))) {
        assert.fail(`${b.symbol} bar ${i}: volume ${b.volume[i]} trades ${b.tradeCount[i]}`);
      }
      if (b.ts[i]! % step !== 0 || (i > 0 && !(b.ts[i]! > b.ts[i - 1]!))) {
        assert.fail(`${b.symbol} ts ${i}`);
      }
      // open is the previous bar's close when the previous bar exists
      if (i > 0 && b.ts[i]! - b.ts[i - 1]! === step) assert.equal(o, b.close[i - 1]);
    }
    // BTCSIM starts at a BTC-like level, everything else at a plausible positive price
    assert.ok(b.close[0]! > 0.01 && b.close[0]! < 1e6);
  }
  assert.equal(m.truth.gaps.length, 3);
  const gapSymbols = new Set(m.truth.gaps.map((g) => g.symbol));
  assert.deepEqual([...gapSymbols], ["SIMR", "SIMQ"]);
  for (const g of m.truth.gaps) {
    const b = m.bars[m.symbols.indexOf(g.symbol)]!;
    const inGap = b.ts.filter((t) => t >= g.fromTs && t < g.toTs).length;
    assert.equal(inGap, 0, `${g.symbol} has bars inside its gap`);
    assert.ok(b.ts.includes(g.fromTs - step) && b.ts.includes(g.toTs), "gap is exactly bounded");
    assert.equal((g.toTs - g.fromTs) / step, g.bars);
  }
  assert.ok(m.truth.gaps.some((g) => g.bars >= 60), "one gap empties a whole hour");
});

Deno.test("BTC factor returns have fat tails and volatility clustering", () => {
  const r = logReturnsOnGrid(DEFAULT, "BTCSIM");
  const n = r.length - 1;
  // excess kurtosis > 0 means kurtosis > 3 (normal = 3); GARCH-t(5) gives far more
  const k = excessKurtosis(r);
  // autocorrelation of squared returns: for iid returns its standard error is 1/sqrt(n) =
  // 0.0048; we ask for more than 5 standard errors
  const acf = autocorrelation(r.map((v) => v * v), 1);
  console.log(`BTCSIM 1m: excess kurtosis ${k.toFixed(2)}, acf(r^2, 1) ${acf.toFixed(3)}`);
  assert.ok(k > 1, `excess kurtosis ${k}`);
  assert.ok(acf > 5 / Math.sqrt(n), `acf of squared returns ${acf}`);
  // a placebo with the same marginal but shuffled order has no clustering: the test can fail
  const sh = r.slice(1).sort((a, b) => Math.sin(a * 1e9) - Math.sin(b * 1e9));
  assert.ok(Math.abs(autocorrelation(sh.map((v) => v * v), 1)) < 5 / Math.sqrt(n));
});

Deno.test("OLS on BTC/ETH returns recovers each asset's betas", () => {
  const m = DEFAULT;
  const B = logReturnsOnGrid(m, "BTCSIM"), E = logReturnsOnGrid(m, "ETHSIM");
  const T = m.truth.ts.length;
  // The betas drift (AR(1), 3-day time constant tau, sd 0.1), so the sample's own average beta
  // differs from the long-run mean by about 0.1 * sqrt(2 tau / 30 days) = 0.045. Two checks:
  // (1) tight: OLS equals the OLS fit of the true systematic part b_btc[t] B[t] + b_eth[t] E[t]
  //     (what a constant-beta regression can know) within 5 OLS standard errors;
  // (2) loose: it is within 5 * sqrt(se^2 + 0.045^2) of the long-run mean beta.
  const driftSd = 0.1 * Math.sqrt((2 * 3) / 30);
  for (const s of m.symbols.slice(2)) {
    const y = logReturnsOnGrid(m, s);
    const fit = ols2(y, B, E);
    const tb = m.truth.betas[s]!;
    const sys = new Float64Array(T);
    // the truth grid index t holds the beta of the return over bar t, which lands at grid t
    for (let t = 0; t < T; t++) {
      sys[t] = Number.isFinite(y[t]!) ? tb.btc[t]! * B[t]! + tb.eth[t]! * E[t]! : NaN;
    }
    const eff = ols2(sys, B, E);
    const mean = m.truth.meanBetas[s]!;
    for (const [k, want, name] of [[1, mean.btc, "btc"], [2, mean.eth, "eth"]] as const) {
      const got = fit.coef[k]!, se = fit.se[k]!;
      assert.ok(
        Math.abs(got - eff.coef[k]!) < 5 * se,
        `${s} beta_${name}: OLS ${got} vs effective truth ${eff.coef[k]} (se ${se})`,
      );
      const tol = 5 * Math.sqrt(se * se + driftSd * driftSd);
      assert.ok(
        Math.abs(got - want) < tol,
        `${s} beta_${name}: OLS ${got} vs mean ${want} (tol ${tol})`,
      );
    }
  }
});

/** AR(1) coefficient of `s` by OLS with intercept, and the implied half-life in bars. */
function ar1HalfLife(s: Float64Array): { phi: number; halfLife: number } {
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let t = 1; t < s.length; t++) {
    const x = s[t - 1]!, y = s[t]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const phi = (sxy - (sx * sy) / n) / (sxx - (sx * sx) / n);
  return { phi, halfLife: -Math.LN2 / Math.log(phi) };
}

Deno.test("each planted pair's spread is an AR(1) with the planted half-life", () => {
  // The OU speed kappa = ln 2 / half-life is estimated with relative sd sqrt(2 / (kappa T))
  // (T bars): hourly bars over half a year give 2.6% (half-life 1) and 6.3% (half-life 6),
  // and the default minute market 6.3% for its 60-bar half-life; 20% is >= 3 sd in each case.
  const hourly = simulateMarket({ seed: 3, assets: 4, freq: "1h", bars: 4_380 });
  const cases = [
    ...hourly.truth.pairs.map((p) => ({ m: hourly, p })),
    { m: DEFAULT, p: DEFAULT.truth.pairs[0]! },
  ];
  assert.deepEqual(hourly.truth.pairs.map((p) => p.halfLifeBars), [1, 6]);
  for (const { m, p } of cases) {
    const cy = closeOnGrid(m, p.y), cx = closeOnGrid(m, p.x);
    const spread = cy.map((v, t) => Math.log(v) - p.intercept - p.hedgeRatio * Math.log(cx[t]!));
    const { phi, halfLife } = ar1HalfLife(spread);
    const rel = Math.abs(halfLife / p.halfLifeBars - 1);
    console.log(
      `${m.freq} ${p.y}~${p.x}: half-life ${
        halfLife.toFixed(2)
      } bars (planted ${p.halfLifeBars}), phi ${phi.toFixed(4)}`,
    );
    assert.ok(rel < 0.2, `${p.y}~${p.x}: half-life ${halfLife} vs planted ${p.halfLifeBars}`);
    // and the spread is stationary with the planted sd (within 25%: few independent stretches)
    let ss = 0, n = 0;
    for (const v of spread) if (Number.isFinite(v)) (ss += v * v, n++);
    assert.ok(
      Math.abs(Math.sqrt(ss / n) / p.spreadSd - 1) < 0.25,
      `${p.y} spread sd ${Math.sqrt(ss / n)}`,
    );
  }
  // a non-cointegrated combination (wrong hedge ratio) is far more persistent: the test can fail
  const p = hourly.truth.pairs[1]!;
  const cy = closeOnGrid(hourly, p.y), cx = closeOnGrid(hourly, p.x);
  const wrong = cy.map((v, t) => Math.log(v) - 0.5 * p.hedgeRatio * Math.log(cx[t]!));
  assert.ok(ar1HalfLife(wrong).halfLife > 5 * p.halfLifeBars);
});

Deno.test("the planted signal predicts the next bar's return with the planted IC", () => {
  const m = DEFAULT;
  const carriers = Object.keys(m.truth.signal.values);
  // every asset that is neither a factor nor a pair's y leg carries it
  assert.equal(carriers.length, 16);
  assert.ok(
    !carriers.includes("SIMB") && !carriers.includes("SIMD") && !carriers.includes("BTCSIM"),
  );
  const sig: number[] = [], next: number[] = [], same: number[] = [];
  for (const s of carriers) {
    const z = m.truth.signal.values[s]!, r = logReturnsOnGrid(m, s);
    const perAsset = pearson(z.subarray(0, z.length - 1), r.subarray(1));
    // per asset: se of a correlation is 1/sqrt(43,200) = 0.0048; 5 se = 0.024
    assert.ok(Math.abs(perAsset - m.truth.signal.ic) < 0.024, `${s} IC ${perAsset}`);
    for (let t = 0; t + 1 < z.length; t++) {
      sig.push(z[t]!);
      next.push(r[t + 1]!);
      same.push(r[t]!);
    }
  }
  // pooled over 16 x 43,199 pairs: se 0.0012; 0.006 is 5 se
  const ic = pearson(sig, next), ic0 = pearson(sig, same);
  console.log(
    `pooled IC ${ic.toFixed(4)} (planted ${m.truth.signal.ic}), same-bar ${ic0.toFixed(4)}`,
  );
  assert.ok(Math.abs(ic - 0.05) < 0.006, `pooled IC ${ic}`);
  // published at the close of bar t: no information about bar t itself
  assert.ok(Math.abs(ic0) < 0.006, `same-bar correlation ${ic0}`);
});

Deno.test("volume rises with absolute returns", () => {
  for (const s of ["BTCSIM", "SIMA", "SIMR"]) {
    const b = DEFAULT.bars[DEFAULT.symbols.indexOf(s)]!;
    const absr = b.close.map((c, i) => Math.abs(Math.log(c / b.open[i]!)));
    const rho = pearson(absr, b.quoteVolume);
    assert.ok(rho > 0.2, `${s} corr(|r|, quote volume) ${rho}`);
  }
});

Deno.test("simulateMarket rejects bad options with messages that say what to pass", () => {
  assert.throws(
    () => simulateMarket({ freq: "5m" as "1m" }),
    /freq must be "1m" or "1h", got "5m"/,
  );
  assert.throws(() => simulateMarket({ bars: 1 }), /bars must be an integer >= 2/);
  assert.throws(() => simulateMarket({ start: 1 }), /start must be on the 1m grid/);
  assert.throws(
    () => simulateMarket({ pairs: [{ y: "BTCSIM", x: "SIMA", hedgeRatio: 1, halfLifeBars: 5 }] }),
    /y must be a SIM\* asset/,
  );
  assert.throws(
    () => simulateMarket({ pairs: [{ y: "SIMZZ", x: "SIMA", hedgeRatio: 1, halfLifeBars: 5 }] }),
    /unknown symbol/,
  );
  assert.throws(
    () => simulateMarket({ bars: 100, gaps: [{ symbol: "SIMA", startBar: 99, bars: 5 }] }),
    /gap on SIMA must be integer bars inside \[0, 100\)/,
  );
  assert.throws(() => simulateMarket({ tailDf: 2 }), /tailDf must be > 2/);
});

Deno.test("a persistent planted signal predicts bar t + j with IC signalIc * phi^(j-1); the default draws are unchanged", async () => {
  const m = simulateMarket({
    seed: 5,
    assets: 18,
    freq: "1h",
    bars: 20_000,
    signalHalfLifeBars: 6,
  });
  const phi = Math.pow(2, -1 / 6);
  assert.equal(m.truth.signal.phi, phi);
  assert.equal(m.truth.signal.name, "sim_persistent_signal");
  const carriers = Object.keys(m.truth.signal.values);
  assert.equal(carriers.length, 16);
  for (const j of [1, 2, 4]) {
    const sig: number[] = [], fwd: number[] = [];
    for (const s of carriers) {
      const z = m.truth.signal.values[s]!, r = logReturnsOnGrid(m, s);
      for (let t = 0; t + j < z.length; t++) {
        sig.push(z[t]!);
        fwd.push(r[t + j]!);
      }
    }
    // pooled over 16 x ~20,000 pairs: se 0.0018; 0.009 is 5 se
    const ic = pearson(sig, fwd), want = 0.05 * phi ** (j - 1);
    assert.ok(Math.abs(ic - want) < 0.009, `IC at bar t + ${j}: ${ic}, planted ${want}`);
  }
  // the signal itself is an AR(1) with the planted phi
  const z = m.truth.signal.values["SIMA"]!;
  assert.ok(Math.abs(autocorrelation(z, 1) - phi) < 0.02);
  // signalHalfLifeBars 0 (the default) draws exactly what the generator drew before the option
  // existed: SHA-256 of bars and signal values of two markets, computed with the code before it
  const buf: number[] = [];
  const a = simulateMarket({ seed: 21, assets: 20, freq: "1h", bars: 4000 });
  const b = simulateMarket({ seed: 42, assets: 6, freq: "1m", bars: 3000, signalHalfLifeBars: 0 });
  for (const mm of [a, b]) {
    for (const bar of mm.bars) {
      for (const k of ["open", "high", "low", "close", "volume"] as const) buf.push(...bar[k]);
    }
  }
  for (const mm of [a, b]) for (const v of Object.values(mm.truth.signal.values)) buf.push(...v);
  const d = await crypto.subtle.digest("SHA-256", new Float64Array(buf));
  assert.equal(
    Array.from(new Uint8Array(d), (x) => x.toString(16).padStart(2, "0")).join(""),
    "a9da63afd9b3336fa3241b133cbb8aac44b0bdb441be723ea58125a8c7c58155",
  );
  assert.throws(
    () => simulateMarket({ signalHalfLifeBars: -1 }),
    /signalHalfLifeBars must be a finite number >= 0/,
  );
});
