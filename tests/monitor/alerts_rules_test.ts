/**
 * Alert rules (lib/monitor/alert_rules.ts): hysteresis, minimum dwell in bars and in time,
 * start-up, price / cointegration / stale rules, replay determinism and causality (alerts at or
 * before t do not move when data after t changes).
 */
import assert from "node:assert/strict";
import {
  type Alert,
  type AlertObservation,
  type AlertRule,
  initialAlertState,
  replayAlerts,
  stepAlerts,
} from "@lib/monitor/mod.ts";
import { monitorAlertRules } from "@lib/pipeline/monitor/alert_loop.ts";

const PAIR = "BTCUSDT:ETHUSDT";
const MIN = 60_000;

function zBars(z: readonly number[], subject = PAIR): AlertObservation[] {
  return z.map((v, i) => ({ kind: "bar", subject, ts: i * MIN, z: v }));
}

function firedAt(alerts: readonly Alert[]): number[] {
  return alerts.map((a) => a.ts / MIN);
}

/** A seeded z-score path: an AR(1) with occasional jumps (LCG, deterministic). */
function zPath(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const u = () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
  const out: number[] = [];
  let z = 0;
  for (let t = 0; t < n; t++) {
    z = 0.9 * z + 0.8 * (u() + u() + u() - 1.5) + (u() < 0.02 ? 3 * (u() - 0.5) : 0);
    out.push(u() < 0.03 ? NaN : z);
  }
  return out;
}

Deno.test("z-score rule: fires on the crossing, not again until |z| < threshold - hysteresis", () => {
  const rules: AlertRule[] = [{ kind: "z-score", subject: PAIR, threshold: 2, hysteresis: 0.5 }];
  //               0    1    2    3    4    5    6     7     8    9    10
  const z = [0.1, 2.0, 2.5, 1.6, 2.2, 1.4, 1.9, -2.1, -2.6, 0.0, -2.0];
  const r = replayAlerts(rules, zBars(z));
  // 1: crosses (>= 2 fires); 3: 1.6 is not below 1.5, so 4 does not fire; 5 re-arms; 7 fires
  // on the negative side; 9 re-arms; 10 fires.
  assert.deepEqual(firedAt(r.alerts), [1, 7, 10]);
  assert.deepEqual(r.alerts.map((a) => a.side), ["above", "below", "below"]);
  assert.equal(r.alerts[0]!.id, `z-score>=2/${PAIR}/${MIN}`);
  assert.equal(r.alerts[1]!.value, -2.1);
  assert.match(r.alerts[1]!.message, /below -2/);
});

Deno.test("z-score rule without hysteresis re-arms as soon as |z| < threshold", () => {
  const rules: AlertRule[] = [{ kind: "z-score", subject: PAIR, threshold: 2, hysteresis: 0 }];
  assert.deepEqual(firedAt(replayAlerts(rules, zBars([0, 2, 1.99, 2, 2, 1, 2.5])).alerts), [
    1,
    3,
    6,
  ]);
});

Deno.test("start-up: a value already beyond the threshold is not a crossing", () => {
  const rules: AlertRule[] = [{ kind: "z-score", subject: PAIR, threshold: 2, hysteresis: 0.5 }];
  // starts at 2.5 (disarmed), 1.8 is not re-arm (>= 1.5), 1.2 re-arms, 2.1 fires
  assert.deepEqual(firedAt(replayAlerts(rules, zBars([2.5, 3, 1.8, 2.2, 1.2, 2.1])).alerts), [5]);
  // NaN warm-up then a first value below: armed
  assert.deepEqual(firedAt(replayAlerts(rules, zBars([NaN, NaN, 0.3, 2.4])).alerts), [3]);
});

Deno.test("minimum dwell in bars: the condition must hold on N consecutive bars; NaN restarts it", () => {
  const rules: AlertRule[] = [{ kind: "z-score", subject: PAIR, threshold: 2, minBars: 3 }];
  const z = [0, 2.1, 2.2, 1.9, 2.1, 2.3, NaN, 2.4, 2.5, 2.6, 2.7];
  // 1-2 held twice then broken at 3; 4-5 then NaN breaks; 7, 8, 9: fires at 9
  assert.deepEqual(firedAt(replayAlerts(rules, zBars(z)).alerts), [9]);
});

Deno.test("minimum dwell in time: held for minMs from the first bar (both limits apply)", () => {
  const rules: AlertRule[] = [
    { kind: "z-score", subject: PAIR, threshold: 2, minMs: 2 * MIN, minBars: 2 },
  ];
  // bars at irregular times: the condition starts at 1 min, is still true at 2 min (2 bars,
  // 1 min) and at 3.5 min (3 bars, 2.5 min): fires at 3.5 min
  const obs: AlertObservation[] = [
    { kind: "bar", subject: PAIR, ts: 0, z: 0 },
    { kind: "bar", subject: PAIR, ts: MIN, z: 2.2 },
    { kind: "bar", subject: PAIR, ts: 2 * MIN, z: 2.3 },
    { kind: "bar", subject: PAIR, ts: 3.5 * MIN, z: 2.1 },
    { kind: "bar", subject: PAIR, ts: 4 * MIN, z: 2.9 },
  ];
  assert.deepEqual(replayAlerts(rules, obs).alerts.map((a) => a.ts), [3.5 * MIN]);
});

Deno.test("price rules above and below, with hysteresis in price units", () => {
  const rules: AlertRule[] = [
    { kind: "price", subject: "BTCUSDT", level: 100, direction: "above", hysteresis: 2 },
    { kind: "price", subject: "BTCUSDT", level: 90, direction: "below" },
    { kind: "price", subject: "ETHUSDT", level: 1, direction: "above" },
  ];
  const closes = [95, 100, 99, 101, 97, 100.5, 89, 90, 90.5, 85];
  const obs: AlertObservation[] = closes.map((close, i) => ({
    kind: "bar",
    subject: "BTCUSDT",
    ts: i,
    close,
  }));
  const r = replayAlerts(rules, obs);
  assert.deepEqual(
    r.alerts.map((a) => [a.ruleId, a.ts]),
    [["price-above-100", 1], ["price-above-100", 5], ["price-below-90", 6], [
      "price-below-90",
      9,
    ]],
  );
  assert.ok(r.alerts.every((a) => a.subject === "BTCUSDT")); // the ETHUSDT rule saw nothing
});

Deno.test("cointegration break: p-value at or above the level, re-armed below level - hysteresis", () => {
  const rules: AlertRule[] = [
    { kind: "cointegration", subject: PAIR, level: 0.1, hysteresis: 0.05, minBars: 2 },
  ];
  const p = [0.01, 0.2, 0.3, 0.08, 0.12, 0.13, 0.04, 0.5, 0.6];
  const obs: AlertObservation[] = p.map((pValue, i) => ({
    kind: "bar",
    subject: PAIR,
    ts: i,
    pValue,
  }));
  const r = replayAlerts(rules, obs);
  // fires at 2 (dwell 2); 0.08 is not below 0.05 so 4-5 do not fire; 0.04 re-arms; fires at 8
  assert.deepEqual(r.alerts.map((a) => a.ts), [2, 8]);
  assert.equal(r.alerts[0]!.kind, "cointegration");
});

Deno.test("stale data: one alert per silent spell, the same id when checked again or replayed", () => {
  const rules: AlertRule[] = [{ kind: "stale", subject: "BTCUSDT", maxSilenceMs: 30_000 }];
  const clock = (now: number, lastTradeTs: number | null): AlertObservation => ({
    kind: "clock",
    subject: "BTCUSDT",
    now,
    lastTradeTs,
    startedAt: 1_000,
  });
  const obs = [
    clock(10_000, null), // 9 s since start: fine
    clock(31_000, null), // 30 s since start, never traded: fires (spell named by startedAt)
    clock(40_000, null), // same spell
    clock(45_000, 44_000), // a trade
    clock(70_000, 44_000), // 26 s
    clock(74_000, 44_000), // 30 s: fires
    clock(90_000, 44_000), // same spell
    clock(120_000, 100_000), // new trade, 20 s
    clock(200_000, 100_000), // fires again
  ];
  const r = replayAlerts(rules, obs);
  assert.deepEqual(r.alerts.map((a) => a.ts), [31_000, 74_000, 130_000]);
  assert.deepEqual(r.alerts.map((a) => a.value), [30_000, 30_000, 100_000]);
  assert.equal(r.alerts[1]!.id, "stale-30000ms/BTCUSDT/74000");
  // a restart that checks the same spell later produces the same id
  const again = replayAlerts(rules, [clock(95_000, 44_000)]);
  assert.equal(again.alerts[0]!.id, r.alerts[1]!.id);
});

Deno.test("replay determinism: the same observations give the same alerts, ids and state", () => {
  const rules: AlertRule[] = [
    { kind: "z-score", subject: PAIR, threshold: 1.5, hysteresis: 0.5, minBars: 2 },
    { kind: "z-score", id: "z3", subject: PAIR, threshold: 3 },
  ];
  const obs = zBars(zPath(3000, 7));
  const a = replayAlerts(rules, obs), b = replayAlerts(rules, obs);
  assert.ok(a.alerts.length > 20, `only ${a.alerts.length} alerts`);
  assert.deepEqual(a, b);
  assert.equal(new Set(a.alerts.map((x) => x.id)).size, a.alerts.length);
  // state is plain JSON: a round trip through JSON resumes identically
  const cut = 1700;
  const first = replayAlerts(rules, obs.slice(0, cut));
  const resumed = replayAlerts(rules, obs.slice(cut), JSON.parse(JSON.stringify(first.state)));
  assert.deepEqual([...first.alerts, ...resumed.alerts], a.alerts);
  // step by step equals the replay
  let s = initialAlertState(rules);
  const stepped: Alert[] = [];
  for (const o of obs) {
    const r = stepAlerts(rules, s, o);
    s = r.state;
    stepped.push(...r.alerts);
  }
  assert.deepEqual(stepped, a.alerts);
});

Deno.test("a replay started later converges: from the first re-arm on it fires the same alerts", () => {
  const rules: AlertRule[] = [{ kind: "z-score", subject: PAIR, threshold: 1.5, hysteresis: 0.5 }];
  const obs = zBars(zPath(2000, 11));
  const full = replayAlerts(rules, obs).alerts;
  for (const start of [1, 37, 500, 1234]) {
    const late = replayAlerts(rules, obs.slice(start)).alerts;
    const lateIds = new Set(late.map((a) => a.id));
    // never an alert the full run did not fire
    assert.ok(late.every((a) => full.some((f) => f.id === a.id)), `start ${start}`);
    // and every full-run alert after the first re-arm point is there
    const rearm = obs.findIndex((o, i) => i >= start && o.kind === "bar" && Math.abs(o.z!) < 1.0);
    for (const f of full) {
      if (f.ts > rearm * MIN) assert.ok(lateIds.has(f.id), `start ${start}: missing ${f.id}`);
    }
  }
});

Deno.test("causality: changing observations after t moves no alert at or before t", () => {
  const rules: AlertRule[] = [
    { kind: "z-score", subject: PAIR, threshold: 1.5, hysteresis: 0.3, minBars: 2, minMs: MIN },
    { kind: "price", subject: PAIR, level: 101, direction: "above", minBars: 3 },
  ];
  const z = zPath(1500, 3);
  const obs = (zs: number[]): AlertObservation[] =>
    zs.map((v, i) => ({ kind: "bar", subject: PAIR, ts: i * MIN, z: v, close: 100 + v }));
  const base = replayAlerts(rules, obs(z)).alerts;
  for (const t of [100, 640, 1200]) {
    const z2 = z.slice();
    for (let i = t + 1; i < z2.length; i++) z2[i] = i % 2 ? 5 : -5; // wild after t
    const moved = replayAlerts(rules, obs(z2)).alerts;
    const upTo = (as: readonly Alert[]) => as.filter((a) => a.ts <= t * MIN);
    assert.deepEqual(upTo(moved), upTo(base), `t = ${t}`);
    assert.ok(moved.length !== base.length || moved.some((a, i) => a.id !== base[i]!.id));
  }
});

Deno.test("rules are checked: bad thresholds, dwell and duplicate ids name the rule", () => {
  assert.throws(
    () => initialAlertState([{ kind: "z-score", subject: PAIR, threshold: -1 }]),
    /z-score>=-1.*threshold/,
  );
  assert.throws(
    () => initialAlertState([{ kind: "z-score", subject: PAIR, minBars: 0 }]),
    /minBars must be an integer >= 1, got 0/,
  );
  assert.throws(
    () =>
      initialAlertState([{ kind: "z-score", subject: PAIR }, { kind: "z-score", subject: PAIR }]),
    /two rules are named z-score>=2/,
  );
  assert.throws(
    () => initialAlertState([{ kind: "stale", subject: "X", maxSilenceMs: 0 }]),
    /maxSilenceMs must be a finite number > 0/,
  );
  assert.throws(
    () =>
      stepAlerts([{ kind: "z-score", subject: PAIR }], {}, {
        kind: "bar",
        subject: PAIR,
        ts: 0,
        z: 1,
      }),
    /initialAlertState/,
  );
});

Deno.test("a re-arm level that cannot be reached is refused (a disarmed rule would never fire)", () => {
  assert.throws(
    () => initialAlertState([{ kind: "z-score", subject: PAIR, threshold: 0.5, hysteresis: 0.5 }]),
    /hysteresis must be below the threshold 0.5/,
  );
  assert.throws(
    () => initialAlertState([{ kind: "z-score", subject: PAIR, threshold: 0.4 }]), // default 0.5
    /hysteresis must be below/,
  );
  assert.throws(
    () =>
      initialAlertState([{ kind: "cointegration", subject: PAIR, level: 0.1, hysteresis: 0.2 }]),
    /hysteresis must be below the threshold 0.1/,
  );
  assert.throws(
    () =>
      initialAlertState([
        { kind: "price", subject: "BTCUSDT", level: 10, direction: "above", hysteresis: 10 },
      ]),
    /hysteresis must be below the threshold 10/,
  );
  // below a level, any hysteresis can be re-crossed upwards
  initialAlertState([
    { kind: "price", subject: "BTCUSDT", level: 10, direction: "below", hysteresis: 50 },
  ]);
});

Deno.test("the monitor's rules with --z 0.5 raise z-score alerts (hysteresis at most z / 2)", () => {
  // before: hysteresis min(0.5, z) = 0.5 put the re-arm level at |z| < 0, so the rule, which
  // starts disarmed, never armed and no z-score alert was ever raised
  const rules = monitorAlertRules({ pairs: [{ y: "BTCUSDT", x: "ETHUSDT" }], z: 0.5 });
  const z = rules.find((r) => r.kind === "z-score")!;
  assert.equal((z as { hysteresis?: number }).hysteresis, 0.25);
  const r = replayAlerts(
    rules,
    zBars([0.1, 0.6, 0.3, 0.2, -0.7, 0.1], "BTCUSDT:ETHUSDT"),
  );
  assert.deepEqual(r.alerts.filter((a) => a.kind === "z-score").map((a) => a.ts / MIN), [1, 4]);
});
