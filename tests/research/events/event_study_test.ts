/**
 * Event-study statistics against a worked example computed independently from the published
 * formulas (tests/oracles/event_study.py: statsmodels 0.13.5 OLS and get_prediction().se_obs for
 * the market model and the forecast-error variance (MacKinlay 1997 eq. 9), numpy gamma'V gamma
 * for the CAR variance (Campbell-Lo-MacKinlay 1997 eq. 4.4.13), the BMP (1991) t and the
 * Kolari-Pynnonen (2010) eq. 13 adjustment, scipy t p-values), plus the block-bootstrap test
 * recomputed from the same indices, the causality of the estimation window and argument errors.
 */
import assert from "node:assert/strict";
import { abnormalReturns } from "@lib/research/events/abnormal_returns.ts";
import { bmpTest } from "@lib/research/events/bmp_test.ts";
import { kolariPynnonenTest } from "@lib/research/events/kolari_pynnonen.ts";
import { bootstrapCarTest } from "@lib/research/events/bootstrap_car_test.ts";
import { eventStudy } from "@lib/research/events/event_study.ts";
import { circularBlockBootstrap } from "@lib/stats/circular_block_bootstrap.ts";

// deno-lint-ignore no-explicit-any
const O: any = JSON.parse(
  Deno.readTextFileSync(new URL("../../oracles/event_study.json", import.meta.url)),
);
const btc = Float64Array.from(O.btc as number[]);
const eth = Float64Array.from(O.eth as number[]);
const assets = (O.assets as (number | null)[][]).map((r) => Float64Array.from(r, (v) => v ?? NaN));
const events = (O.events as [number, number][]).map(([asset, bar]) => ({ asset, bar }));

function close(got: number, want: number, rel: number, what: string): void {
  const tol = rel * Math.max(1, Math.abs(want));
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want}`);
}

for (const [name, factors] of [["oneFactor", [btc]], ["twoFactor", [btc, eth]]] as const) {
  Deno.test(`abnormalReturns (${name}) equals statsmodels OLS + get_prediction se_obs`, () => {
    const W = O[name];
    const r = abnormalReturns(assets, factors, events);
    assert.deepEqual(r.events.map((e) => [e.asset, e.bar]), W.kept);
    assert.deepEqual(r.dropped.map((d) => [d.event.asset, d.event.bar, d.reason]), W.dropped);
    const L = r.offsets.length;
    (W.ar as number[][]).forEach((row, i) => {
      row.forEach((want, j) => {
        close(r.ar[i * L + j]!, want, 1e-10, `ar[${i}][${j}]`);
        close(Math.sqrt(r.arVariance[i * L + j]!), W.arSd[i][j], 1e-9, `arSd[${i}][${j}]`);
      });
      close(r.car[i]!, W.car[i], 1e-10, `car[${i}]`);
      close(r.carVariance[i]!, W.carVar[i], 1e-9, `carVar[${i}]`);
      close(r.scar[i]!, W.scar[i], 1e-8, `scar[${i}]`);
      close(r.sigma2[i]!, W.sigma2[i], 1e-9, `sigma2[${i}]`);
      assert.equal(r.estimationRows[i], W.rows[i]);
      (W.coef[i] as number[]).forEach((c, q) =>
        close(r.coefficients[i * r.k + q]!, c, 1e-9, `coef[${i}][${q}]`)
      );
    });
  });

  Deno.test(`BMP and Kolari-Pynnonen (${name}) equal the published formulas`, () => {
    const W = O[name];
    const r = abnormalReturns(assets, factors, events);
    const b = bmpTest(r.scar);
    close(b.statistic, W.bmp.statistic, 1e-8, "t_BMP");
    close(b.pValue, W.bmp.pValue, 1e-8, "p_BMP");
    const kp = kolariPynnonenTest(r);
    close(kp.meanCorrelation, W.kp.rbar, 1e-9, "r-bar");
    close(kp.statistic, W.kp.statistic, 1e-8, "t_KP");
    close(kp.pValue, W.kp.pValue, 1e-8, "p_KP");
    // the cluster of 4 events on one bar shares a shock: r-bar > 0 shrinks the statistic
    assert.ok(kp.meanCorrelation > 0 && Math.abs(kp.statistic) < Math.abs(b.statistic));
  });
}

Deno.test("Kolari-Pynnonen on one common date reduces to the paper's r-bar (mean pairwise correlation)", () => {
  const cluster = events.filter((e) => e.bar === 500);
  const r = abnormalReturns(assets, [btc], cluster);
  const kp = kolariPynnonenTest(r);
  const estLen = 216;
  let s = 0;
  let p = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = i + 1; j < 4; j++) {
      const x = r.residuals.subarray(i * estLen, (i + 1) * estLen);
      const y = r.residuals.subarray(j * estLen, (j + 1) * estLen);
      // pairwise-complete rows (asset 2 has a NaN at bar 400, inside this window)
      const ok = Array.from({ length: estLen }, (_, t) => Number.isFinite(x[t]! + y[t]!));
      const cnt = ok.filter(Boolean).length;
      const mx = x.reduce((a, v, t) => a + (ok[t] ? v : 0), 0) / cnt;
      const my = y.reduce((a, v, t) => a + (ok[t] ? v : 0), 0) / cnt;
      let c = 0, vx = 0, vy = 0;
      for (let t = 0; t < estLen; t++) {
        if (!ok[t]) continue;
        c += (x[t]! - mx) * (y[t]! - my);
        vx += (x[t]! - mx) ** 2;
        vy += (y[t]! - my) ** 2;
      }
      s += c / Math.sqrt(vx * vy);
      p++;
    }
  }
  close(kp.meanCorrelation, s / p, 1e-12, "r-bar on one date");
  assert.equal(kp.overlappingPairs, 6);
});

Deno.test("bootstrapCarTest equals the mean over the same circular-block indices", () => {
  const car = Float64Array.from({ length: 40 }, (_, i) => 0.002 + 0.01 * Math.sin(i * 1.7));
  const bars = Int32Array.from({ length: 40 }, (_, i) => (i * 37) % 40); // shuffled times
  const r = bootstrapCarTest(car, bars, { blockLength: 4, replications: 300, seed: 5 });
  const order = Array.from({ length: 40 }, (_, i) => i).sort((p, q) => bars[p]! - bars[q]!);
  const x = order.map((i) => car[i]!);
  const m = x.reduce((a, v) => a + v, 0) / 40;
  const { indices } = circularBlockBootstrap(40, { blockLength: 4, replications: 300, seed: 5 });
  const means: number[] = [];
  let exceed = 0;
  for (let b = 0; b < 300; b++) {
    let s = 0;
    for (let t = 0; t < 40; t++) s += x[indices[b * 40 + t]!]!;
    means.push(s / 40);
    if (Math.abs(s / 40 - m) >= Math.abs(m)) exceed++;
  }
  means.sort((a, b) => a - b);
  close(r.meanCar, m, 1e-15, "mean");
  assert.equal(r.pValue, (1 + exceed) / 301);
  // numpy linear quantile at 0.025: h = 299 * 0.025 = 7.475
  close(r.lower, means[7]! + 0.475 * (means[8]! - means[7]!), 1e-15, "lower");
});

Deno.test("abnormal returns use nothing after the event window; the estimation window nothing at or after its end", () => {
  const base = abnormalReturns(assets, [btc, eth], events);
  // change every bar after the last event window: nothing moves
  const later = assets.map((r) => r.slice());
  const btc2 = btc.slice();
  for (let t = 0; t < btc2.length; t++) {
    const inAnyWindow = events.some((e) => t >= e.bar - 240 && t <= e.bar + 24);
    if (!inAnyWindow) {
      btc2[t] = 0.05;
      for (const r of later) r[t] = -0.05;
    }
  }
  const moved = abnormalReturns(later, [btc2, eth], events);
  assert.deepEqual(moved.ar, base.ar);
  // the model of the cluster at bar 500 is fitted on bars 260..475 only: moving bar 476 leaves it
  const bump = assets.map((r) => r.slice());
  bump[0]![476] = bump[0]![476]! + 1;
  const b2 = abnormalReturns(bump, [btc, eth], events);
  const i = base.events.findIndex((e) => e.asset === 0 && e.bar === 500);
  assert.deepEqual(
    b2.coefficients.subarray(i * 3, i * 3 + 3),
    base.coefficients.subarray(i * 3, i * 3 + 3),
  );
});

Deno.test("eventStudy: CAAR band, tests and a planted effect", () => {
  const s = eventStudy(assets, [btc, eth], events, { bootstrap: { replications: 199, seed: 1 } });
  const n = s.abnormal.events.length;
  assert.equal(s.caar.length, 37);
  for (let j = 0; j < 37; j++) {
    assert.ok(s.caarLower[j]! <= s.caar[j]! && s.caar[j]! <= s.caarUpper[j]!);
  }
  // CAAR at the end of the window minus at offset 0 is the mean CAR over [1, 24]
  close(s.caar[36]! - s.caar[12]!, s.meanCar, 1e-12, "caar vs mean CAR");
  assert.equal(s.bmp!.n, n);
  assert.ok(s.bootstrap!.pValue > 0 && s.bootstrap!.pValue <= 1);
});

Deno.test("abnormalReturns rejects bad windows and factors, naming the option", () => {
  assert.throws(
    () =>
      abnormalReturns(assets, [btc], events, {
        estimationWindow: [-240, -5],
        eventWindow: [-12, 24],
      }),
    /estimationWindow must end before eventWindow/,
  );
  assert.throws(
    () => abnormalReturns(assets, [btc], events, { carWindow: [1, 40] }),
    /carWindow must lie inside eventWindow/,
  );
  assert.throws(() => abnormalReturns(assets, [], events), /one factor \(BTC\) or two/);
  assert.throws(() => abnormalReturns(assets, [btc], [{ asset: 9, bar: 300 }]), /event asset 9/);
});

Deno.test("an event on a factor asset is refused, not studied with a ~0 residual variance", () => {
  // BTC as both a column and the factor: before, residual variance ~1e-36 and huge SCARs
  const cols = [btc, ...assets];
  const e = [{ asset: 0, bar: events[0]!.bar }];
  assert.throws(() => abnormalReturns(cols, [btc, eth], e), /is factor 0 of the market model/);
  // a copy of the factor's returns is caught too (same values, another array)
  const copy = [Float64Array.from(eth), ...assets];
  assert.throws(() => eventStudy(copy, [btc, eth], e), /is factor 1 of the market model/);
  // the other assets' events on the same columns still run
  const ok = abnormalReturns(cols, [btc, eth], events.map((v) => ({ ...v, asset: v.asset + 1 })));
  assert.equal(ok.events.length + ok.dropped.length, events.length);
});
