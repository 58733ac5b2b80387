/**
 * Corwin-Schultz (2012) and Abdi-Ranaldo (2017) spread estimators.
 *
 * References: the papers' formulas (CS eqs. (14) and (18) with the paper's overnight adjustment
 * as in Corwin's SAS program; AR: S^2 = 4 E[(c_t - eta_t)(c_t - eta_{t+1})]), worked by hand
 * below with 30-digit decimal arithmetic (Python `decimal`, the intermediate values are written out), and an
 * independent vectorized numpy/pandas implementation, tests/oracles/spread_estimators.py
 * (Debian numpy 1.24.2, pandas 1.5.3), on real Binance OHLC: BTC/USDT 1d and ETH/USDT 1h
 * (djienne, 2017-2022) and the small cap PERL/USDT 1h (MutugiD, 2022-2023).
 * Tolerance: both sides evaluate the same closed forms with libm log/exp/sqrt; values (of
 * order 1e-3) agree to 1e-12 absolute, sums over up to 45k values to 1e-9.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  corwinSchultzSpread,
  corwinSchultzTwoDay,
  type NegativeSpreads,
} from "@lib/backtest/costs/corwin_schultz.ts";
import { abdiRanaldoSpread, abdiRanaldoTwoDay } from "@lib/backtest/costs/abdi_ranaldo.ts";
import { realDataTest, realPath } from "../../_shared/real_data.ts";

Deno.test("Corwin-Schultz two-day spread equals the paper's formula worked by hand", () => {
  // H = (100.5, 100.6), L = (99.5, 99.6), C_0 = 100: C_0 lies inside bar 1's range, no
  // overnight adjustment.
  //   ln(100.5/99.5) = 0.0100000833345833556551959414
  //   ln(100.6/99.6) = 0.00999009307508628213081153397
  //   beta  = sum of their squares        = 0.000199803626347498654547020016
  //   gamma = ln(100.6/99.5)^2            = 0.000120881526038388896775895435
  //   alpha = (sqrt(2b) - sqrt(b))/(3 - 2 sqrt 2) - sqrt(g/(3 - 2 sqrt 2))
  //         = 0.00758202494022624298369290880
  //   S     = 2 (e^alpha - 1)/(1 + e^alpha) = 0.00758198861804816715770318781
  const s = corwinSchultzTwoDay([100.5, 100.6], [99.5, 99.6], [100, 100.1]);
  assert.ok(Number.isNaN(s[0]!));
  assert.ok(Math.abs(s[1]! - 0.00758198861804816715770318781) < 1e-15, `${s[1]}`);
});

Deno.test("Corwin-Schultz adjusts the later bar for the move since the previous close", () => {
  // C_0 = 100 is below L_1 = 101.6: bar 1 is lowered by 1.6 to H = 101.0, L = 100 (the
  // overnight adjustment). beta = ln(100.5/99.5)^2 + ln(101/100)^2, gamma = ln(101/99.5)^2, and
  // S = -0.00206597616310984191054821414 (30-digit decimal): negative, kept as computed.
  const s = corwinSchultzTwoDay([100.5, 102.6], [99.5, 101.6], [100, 102]);
  assert.ok(Math.abs(s[1]! - -0.00206597616310984191054821414) < 1e-15, `${s[1]}`);
  // the mirror case: C_0 above H_1 raises bar 1 (H_1 = 98, L_1 = 97 -> 100, 99)
  const m = corwinSchultzTwoDay([100.5, 98], [99.5, 97], [100, 97.5]);
  const same = corwinSchultzTwoDay([100.5, 100], [99.5, 99], [100, 99.5]);
  assert.equal(m[1], same[1]);
});

Deno.test("Abdi-Ranaldo two-day squared spread equals the paper's estimator worked by hand", () => {
  // c_0 = ln 101, eta_0 = (ln 101 + ln 100)/2, eta_1 = (ln 100.8 + ln 99.8)/2
  //   c_0 - eta_0 = 0.00497516542658404142410767877
  //   c_0 - eta_1 = 0.00696724736391618476864224031
  //   s2 = 4 * product = 0.000138652832813658413981235049 (the log differences cancel about
  //   4 digits in double precision, hence 1e-16 absolute = 1e-12 relative)
  const s2 = abdiRanaldoTwoDay([101, 100.8], [100, 99.8], [101, 100.2]);
  assert.ok(Number.isNaN(s2[0]!));
  assert.ok(Math.abs(s2[1]! - 0.000138652832813658413981235049) < 1e-16, `${s2[1]}`);
});

Deno.test("negative two-day estimates: zero before averaging (the papers' rule) or after", () => {
  // two-day CS estimates: one positive (0.0075820), one negative (-0.0020660)
  const high = [100.5, 100.6, 100.5, 102.6, 102.6];
  const low = [99.5, 99.6, 99.5, 101.6, 101.6];
  const close = [100, 100.1, 100, 102, 102];
  const two = corwinSchultzTwoDay(high, low, close);
  const a = two[3]!, b = two[1]!; // pairs (2,3) and (0,1)
  assert.ok(a < 0 && b > 0);
  const zero = corwinSchultzSpread(high, low, close, { window: 3, minPeriods: 3 });
  const avg = corwinSchultzSpread(high, low, close, {
    window: 3,
    minPeriods: 3,
    negatives: "average",
  });
  // the value at bar 4 averages the pairs ending at bars 1, 2, 3
  assert.ok(Math.abs(zero[4]! - (two[1]! + Math.max(two[2]!, 0) + 0) / 3) < 1e-15);
  assert.ok(Math.abs(avg[4]! - Math.max((two[1]! + two[2]! + two[3]!) / 3, 0)) < 1e-15);
  assert.ok(Number.isNaN(zero[3]!)); // only two pairs end before bar 3
  // AR: "zero" averages sqrt(max(s2, 0)); "average" is sqrt(max(mean s2, 0))
  const s2 = abdiRanaldoTwoDay(high, low, close);
  const arZero = abdiRanaldoSpread(high, low, close, { window: 3, minPeriods: 3 });
  const arAvg = abdiRanaldoSpread(high, low, close, {
    window: 3,
    minPeriods: 3,
    negatives: "average",
  });
  const r = (v: number) => Math.sqrt(Math.max(v, 0));
  assert.ok(Math.abs(arZero[4]! - (r(s2[1]!) + r(s2[2]!) + r(s2[3]!)) / 3) < 1e-15);
  assert.ok(Math.abs(arAvg[4]! - r((s2[1]! + s2[2]! + s2[3]!) / 3)) < 1e-15);
});

Deno.test("estimators refuse bad arguments with a reason", () => {
  assert.throws(() => corwinSchultzTwoDay([1, 2], [1], [1, 2]), /same length/);
  assert.throws(() => corwinSchultzSpread([1], [1], [1], { window: 0 }), /window/);
  assert.throws(
    () => abdiRanaldoSpread([1], [1], [1], { window: 5, minPeriods: 6 }),
    /minPeriods/,
  );
  // a missing or non-positive price gives a missing estimate, not a number
  const s = corwinSchultzTwoDay([101, NaN, 102, 103], [99, 100, 0, 101], [100, 101, 101, 102]);
  assert.ok(s.every((v) => Number.isNaN(v)));
});

interface Summary {
  readonly finite: number;
  readonly sum: number;
  readonly sample: readonly (number | null)[];
}
interface OracleCase {
  readonly path: string;
  readonly rows: number;
  readonly index: readonly number[];
  readonly csTwoDay: Summary;
  readonly arTwoDay: Summary;
  readonly windows: Record<string, Record<string, Summary>>;
}
const ORACLE = JSON.parse(
  readFileSync(new URL("../../oracles/spread_estimators.json", import.meta.url), "utf8"),
) as { cases: Record<string, OracleCase> };

function ohlc(path: string) {
  const rows = JSON.parse(readFileSync(realPath(...path.split("/")), "utf8")) as number[][];
  return {
    high: Float64Array.from(rows, (r) => r[2]!),
    low: Float64Array.from(rows, (r) => r[3]!),
    close: Float64Array.from(rows, (r) => r[4]!),
  };
}

function assertSummary(got: Float64Array, want: Summary, index: readonly number[], what: string) {
  let finite = 0, sum = 0;
  for (const v of got) {
    if (Number.isFinite(v)) {
      finite++;
      sum += v;
    }
  }
  assert.equal(finite, want.finite, `${what}: finite count`);
  assert.ok(Math.abs(sum - want.sum) < 1e-9, `${what}: sum ${sum} vs ${want.sum}`);
  index.forEach((t, k) => {
    const w = want.sample[k];
    if (w === null || w === undefined) assert.ok(Number.isNaN(got[t]!), `${what}[${t}]`);
    else assert.ok(Math.abs(got[t]! - w) < 1e-12, `${what}[${t}]: ${got[t]} vs ${w}`);
  });
}

for (const [name, c] of Object.entries(ORACLE.cases)) {
  realDataTest(`spread estimators equal the numpy oracle on ${name} (${c.rows} bars)`, () => {
    const { high, low, close } = ohlc(c.path);
    assert.equal(high.length, c.rows);
    assertSummary(corwinSchultzTwoDay(high, low, close), c.csTwoDay, c.index, "CS two-day");
    assertSummary(abdiRanaldoTwoDay(high, low, close), c.arTwoDay, c.index, "AR two-day");
    for (const [w, v] of Object.entries(c.windows)) {
      const window = Number(w);
      for (const negatives of ["zero", "average"] as NegativeSpreads[]) {
        const key = negatives === "zero" ? "Zero" : "Average";
        assertSummary(
          corwinSchultzSpread(high, low, close, { window, negatives }),
          v[`cs${key}`]!,
          c.index,
          `CS ${negatives} w=${w}`,
        );
        assertSummary(
          abdiRanaldoSpread(high, low, close, { window, negatives }),
          v[`ar${key}`]!,
          c.index,
          `AR ${negatives} w=${w}`,
        );
      }
    }
  });
}

realDataTest("spread estimates at bar t do not move when bars t and later change", () => {
  const { high, low, close } = ohlc(ORACLE.cases["PERL_1h"]!.path);
  const base = {
    cs: corwinSchultzSpread(high, low, close, { window: 48 }),
    ar: abdiRanaldoSpread(high, low, close, { window: 48 }),
  };
  for (const t of [100, 2000, 5000, high.length - 1]) {
    const h = high.slice(), l = low.slice(), c = close.slice();
    for (let u = t; u < h.length; u++) {
      h[u] = h[u]! * 3;
      l[u] = l[u]! * 0.5;
      c[u] = c[u]! * 1.7;
    }
    const cs = corwinSchultzSpread(h, l, c, { window: 48 });
    const ar = abdiRanaldoSpread(h, l, c, { window: 48 });
    for (let u = 0; u <= t; u++) {
      assert.ok(Object.is(cs[u], base.cs[u]), `CS at ${u} moved when bars >= ${t} changed`);
      assert.ok(Object.is(ar[u], base.ar[u]), `AR at ${u} moved when bars >= ${t} changed`);
    }
    // the perturbation does reach the bar after t
    if (t + 1 < h.length) assert.notEqual(cs[t + 1], base.cs[t + 1]);
  }
});
