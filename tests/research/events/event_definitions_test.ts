/**
 * The event registry: every definition is causal (perturb every input after bar t, no flag at or
 * before t moves), finds a planted event of its kind at the right bar and direction, and reports
 * a missing input as unavailable.
 */
import assert from "node:assert/strict";
import {
  definitionAvailable,
  EVENT_DEFINITIONS,
  type EventInputs,
  eventsFromFlags,
} from "@lib/research/events/event_definitions.ts";
import { createRng } from "@lib/stats/rng.ts";

const T = 2000;
const A = 3;

function inputs(seed: number): {
  open: Float64Array[];
  close: Float64Array[];
  logReturns: Float64Array[];
  funding: Float64Array[];
  openInterest: Float64Array[];
  liquidations: Float64Array[];
  otherVenueClose: Float64Array[];
} {
  const rng = createRng(seed);
  const mk = () => Array.from({ length: A }, () => new Float64Array(T));
  const x = {
    open: mk(),
    close: mk(),
    logReturns: mk(),
    funding: mk(),
    openInterest: mk(),
    liquidations: mk(),
    otherVenueClose: mk(),
  };
  for (let a = 0; a < A; a++) {
    let p = 100;
    let oi = 1e6;
    let f = 1e-4;
    for (let t = 0; t < T; t++) {
      const vol = t > 1200 && t < 1500 ? 0.002 : 0.01; // a quiet stretch for the squeeze
      const r = t === 0 ? NaN : vol * rng.normal();
      const open = p * Math.exp(0.0005 * rng.normal());
      p = t === 0 ? p : p * Math.exp(r);
      x.open[a]![t] = open;
      x.close[a]![t] = p;
      x.logReturns[a]![t] = t === 0 ? NaN : Math.log(p / x.close[a]![t - 1]!);
      if (t % 8 === 0) f = 1e-4 + 3e-5 * rng.normal(); // a new rate every 8 bars (step series)
      x.funding[a]![t] = f;
      oi *= Math.exp(0.01 * rng.normal());
      x.openInterest[a]![t] = oi;
      x.liquidations[a]![t] = 1e4 * rng.normal();
      x.otherVenueClose[a]![t] = p * Math.exp(0.0005 * rng.normal());
    }
  }
  return x;
}

function withAssets(x: ReturnType<typeof inputs>): EventInputs {
  return { assets: ["A", "B", "C"], ...x };
}

function plant(x: ReturnType<typeof inputs>): void {
  // asset 1: a -15% jump at 1000, a +3% gap at 1100, funding spike from 1300 (step), an OI
  // flush at 1600, a long-liquidation cascade at 1700, a rich dislocation at 1800, a breakout
  // up at 1499 after the quiet stretch
  const a = 1;
  const r = x.logReturns[a]!;
  const bump = (t: number, d: number) => {
    r[t] = r[t]! + d;
    for (let s = t; s < T; s++) x.close[a]![s] = x.close[a]![s]! * Math.exp(d);
    for (let s = t + 1; s < T; s++) x.open[a]![s] = x.open[a]![s]! * Math.exp(d);
    for (let s = t; s < T; s++) x.otherVenueClose[a]![s] = x.otherVenueClose[a]![s]! * Math.exp(d);
  };
  bump(1000, -0.15);
  x.open[a]![1100] = x.close[a]![1099]! * 1.03;
  for (let t = 1300; t < 1308; t++) x.funding[a]![t] = 2e-3;
  bump(1499, 0.03);
  for (let t = 1600; t < T; t++) x.openInterest[a]![t] = x.openInterest[a]![t]! * 0.7;
  x.liquidations[a]![1700] = -5e5;
  x.otherVenueClose[a]![1800] = x.otherVenueClose[a]![1800]! * 0.97;
}

Deno.test("the registry holds 20 uniquely named definitions", () => {
  assert.equal(EVENT_DEFINITIONS.length, 20);
  assert.equal(new Set(EVENT_DEFINITIONS.map((d) => d.name)).size, 20);
});

Deno.test("every event definition is causal: data after t never moves a flag at or before t", () => {
  const base = inputs(1);
  plant(base);
  for (const cut of [600, 1050, 1499, 1750]) {
    const moved = inputs(1);
    plant(moved);
    const other = inputs(99); // different data after the cut
    for (const k of Object.keys(moved) as (keyof typeof moved)[]) {
      for (let a = 0; a < A; a++) {
        for (let t = cut + 1; t < T; t++) {
          moved[k][a]![t] = other[k][a]![t]! * (k === "logReturns" ? 3 : 1.1);
        }
      }
    }
    for (const def of EVENT_DEFINITIONS) {
      const f0 = def.flags(withAssets(base));
      const f1 = def.flags(withAssets(moved));
      for (let a = 0; a < A; a++) {
        assert.deepEqual(
          f1[a]!.subarray(0, cut + 1),
          f0[a]!.subarray(0, cut + 1),
          `${def.name} asset ${a}: a flag at or before ${cut} moved`,
        );
      }
      const e0 = eventsFromFlags(f0, 24).filter((e) => e.bar <= cut);
      const e1 = eventsFromFlags(f1, 24).filter((e) => e.bar <= cut);
      assert.deepEqual(e1, e0, `${def.name}: declustered events at or before ${cut} moved`);
    }
  }
});

Deno.test("each family flags its planted event at the right bar and direction", () => {
  const x = inputs(1);
  plant(x);
  const want: Record<string, [number, number]> = {
    "jump-5sd": [1000, -1],
    "gap-2pct": [1100, 1],
    "funding-high-3z": [1300, 1],
    "vol-squeeze-0.5-breakout-3.5": [1499, 1],
    "oi-shock-4z": [1600, -1],
    "liquidation-cascade-5z": [1700, -1],
    "dislocation-5z": [1800, 1],
  };
  for (const [name, [bar, sign]] of Object.entries(want)) {
    const def = EVENT_DEFINITIONS.find((d) => d.name === name);
    assert.ok(def, `no definition ${name}`);
    const f = def.flags(withAssets(x))[1]!;
    assert.equal(f[bar], sign, `${name} at ${bar}`);
  }
});

Deno.test("a definition whose input the store lacks is unavailable, not empty", () => {
  const x = inputs(1);
  const bars: EventInputs = {
    assets: ["A", "B", "C"],
    open: x.open,
    close: x.close,
    logReturns: x.logReturns,
  };
  const nanLiq = { ...bars, liquidations: x.liquidations.map((c) => c.map(() => NaN)) };
  const liq = EVENT_DEFINITIONS.find((d) => d.family === "liquidation-cascade")!;
  assert.equal(definitionAvailable(liq, bars), false);
  assert.equal(definitionAvailable(liq, nanLiq), false);
  assert.equal(definitionAvailable(liq, withAssets(x)), true);
  assert.equal(
    definitionAvailable(EVENT_DEFINITIONS.find((d) => d.family === "jump")!, bars),
    true,
  );
});

Deno.test("eventsFromFlags declusters per asset and rejects a bad cooldown", () => {
  const f = new Int8Array(100);
  f[10] = 1;
  f[34] = -1;
  f[35] = 1;
  const g = new Int8Array(100);
  g[11] = -1;
  assert.deepEqual(eventsFromFlags([f, g], 24), [
    { asset: 0, bar: 10, sign: 1 },
    { asset: 1, bar: 11, sign: -1 },
    { asset: 0, bar: 35, sign: 1 },
  ]);
  assert.throws(() => eventsFromFlags([f], -1), /cooldown must be an integer >= 0/);
});
