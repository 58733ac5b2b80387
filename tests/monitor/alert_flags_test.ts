/**
 * The monitor's alert dwell and hysteresis: the defaults do not chatter on a value hovering
 * around its level (the reviewer saw 41 cointegration alerts in 634 s of 1s bars with the
 * p-value near 0.1, and a price alert on every crossing), and the task's flags set them
 * (`--alert-dwell`, `--alert-dwell-s`, `--z-hysteresis`, `--coint-hysteresis`, `--coint-dwell`,
 * `--price-hysteresis`), a bad value exiting 2 naming the flag.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type AlertObservation, replayAlerts } from "@lib/monitor/mod.ts";
import { ALERT_LOOP_DEFAULTS, monitorAlertRules } from "@lib/pipeline/monitor/alert_loop.ts";
import { dataDir, spawnMonitor } from "./_monitor_task.ts";

const PAIR = { y: "BTCUSDT", x: "ETHUSDT" };
const SUBJECT = "BTCUSDT:ETHUSDT";

/** A deterministic value in [0, 1) per step (LCG), so the hovering series is fixed. */
function noise(n: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s / 2 ** 32);
  }
  return out;
}

/** 634 one-second bars whose p-value starts low (arming the rule), then hovers at 0.1 +- 0.03. */
function hoveringP(): AlertObservation[] {
  const u = noise(634, 11);
  return u.map((v, i) => ({
    kind: "bar" as const,
    subject: SUBJECT,
    ts: 1_723_075_200_000 + i * 1000,
    pValue: i < 5 ? 0.02 : 0.1 + (v - 0.5) * 0.06,
    z: 0,
  }));
}

Deno.test("alert defaults: a p-value hovering around --coint-p fires one break, not dozens", () => {
  const obs = hoveringP();
  const alerts = (rules: ReturnType<typeof monitorAlertRules>) =>
    replayAlerts(rules, obs).alerts.filter((a) => a.kind === "cointegration");
  // what the monitor did before (hysteresis 0, dwell 1 bar): the reviewer's chatter
  const before = alerts(monitorAlertRules({
    pairs: [PAIR],
    z: 2,
    pValueHysteresis: 0,
    cointDwellBars: 1,
  }));
  assert.ok(before.length > 40, `the old rule chatters: ${before.length} alerts`);
  const now = alerts(monitorAlertRules({ pairs: [PAIR], z: 2 }));
  assert.equal(now.length, 1, now.map((a) => a.message).join("\n"));
  // it re-arms only once p is below 0.1 - 0.05, then a new break fires again
  const last = (obs.at(-1) as { ts: number }).ts;
  const back: AlertObservation[] = [
    ...obs,
    ...[0.06, 0.2, 0.04, 0.2, 0.2, 0.2].map((p, i) => ({
      kind: "bar" as const,
      subject: SUBJECT,
      ts: last + (i + 1) * 1000,
      pValue: p,
    })),
  ];
  const r = replayAlerts(monitorAlertRules({ pairs: [PAIR], z: 2 }), back).alerts.filter((a) =>
    a.kind === "cointegration"
  );
  assert.equal(r.length, 2);
  // 0.06 does not re-arm, 0.04 does; fired on the third close at 0.2 (the dwell of 3 closes)
  assert.equal(r[1]!.ts, last + 6000);
  assert.equal(ALERT_LOOP_DEFAULTS.pValueHysteresis, 0.05);
  assert.equal(ALERT_LOOP_DEFAULTS.cointDwellBars, 3);
});

Deno.test("alert defaults: a close hovering around a price level fires once (0.1% re-arm)", () => {
  const u = noise(600, 5);
  const obs: AlertObservation[] = u.map((v, i) => ({
    kind: "bar" as const,
    subject: "BTCUSDT",
    ts: i * 1000,
    close: i < 3 ? 59_000 : 60_000 + (v - 0.5) * 40, // +-20 around 60000 (< 0.1% = 60)
  }));
  const prices = [{ symbol: "BTCUSDT", level: 60_000, direction: "above" as const }];
  const count = (pct?: number) =>
    replayAlerts(
      monitorAlertRules({
        pairs: [PAIR],
        z: 2,
        prices,
        ...(pct === undefined ? {} : { priceHysteresisPct: pct }),
      }),
      obs,
    ).alerts.filter((a) => a.kind === "price").length;
  assert.ok(count(0) > 100, `hysteresis 0 fires on every crossing: ${count(0)}`);
  assert.equal(count(), 1);
});

Deno.test("alert dwell: --alert-dwell bars and --alert-dwell-s seconds both must hold", () => {
  const zs = [0, 2.5, 0, 2.5, 2.5, 0, 2.5, 2.5, 2.5, 2.5];
  const obs: AlertObservation[] = zs.map((z, i) => ({
    kind: "bar",
    subject: SUBJECT,
    ts: i * 60_000,
    z,
  }));
  const fired = (spec: { dwellBars?: number; dwellMs?: number }) =>
    replayAlerts(monitorAlertRules({ pairs: [PAIR], z: 2, ...spec }), obs).alerts
      .filter((a) => a.kind === "z-score").map((a) => a.ts / 60_000);
  assert.deepEqual(fired({}), [1, 3, 6]);
  assert.deepEqual(fired({ dwellBars: 2 }), [4, 7]);
  assert.deepEqual(fired({ dwellBars: 3 }), [8]);
  // 3 minutes from the first bar of the run: bars 6..9 -> fires at 9
  assert.deepEqual(fired({ dwellMs: 180_000 }), [9]);
});

Deno.test("alert hysteresis: --z-hysteresis sets the z re-arm level", () => {
  const zs = [0, 2.2, 1.6, 2.2, 1.4, 2.2];
  const obs: AlertObservation[] = zs.map((z, i) => ({ kind: "bar", subject: SUBJECT, ts: i, z }));
  const fired = (h?: number) =>
    replayAlerts(
      monitorAlertRules({ pairs: [PAIR], z: 2, ...(h === undefined ? {} : { zHysteresis: h }) }),
      obs,
    ).alerts.filter((a) => a.kind === "z-score").map((a) => a.ts);
  assert.deepEqual(fired(), [1, 5]); // re-arms below 1.5: at 1.4, not 1.6
  assert.deepEqual(fired(0.1), [1, 3, 5]); // re-arms below 1.9
  assert.deepEqual(fired(0.7), [1]); // re-arms below 1.3: never
});

Deno.test("monitor task: bad dwell and hysteresis flags exit 2 naming the flag; --help lists them", async () => {
  const d = dataDir("test-monitor-alertflags-");
  try {
    const base = ["--pairs", "BTCUSDT:ETHUSDT", "--db", `${d.rel}/m.db`];
    for (
      const [args, re] of [
        [["--alert-dwell", "0"], /--alert-dwell must be an integer >= 1, got "0"/],
        [["--coint-dwell", "1.5"], /--coint-dwell must be an integer >= 1/],
        [["--alert-dwell-s=-1"], /--alert-dwell-s must be a number of seconds/],
        [
          ["--z", "2", "--z-hysteresis", "2"],
          /--z-hysteresis must be a number >= 0 and below --z \(2\)/,
        ],
        [
          ["--coint-hysteresis", "x"],
          /--coint-hysteresis must be a number >= 0 and below --coint-p/,
        ],
        [
          ["--coint-p", "0.05", "--coint-hysteresis", "0.05"],
          /--coint-hysteresis must be a number >= 0 and below --coint-p \(0\.05\)/,
        ],
        [["--price-hysteresis", "100"], /--price-hysteresis must be a percentage in \[0, 100\)/],
      ] as const
    ) {
      const mon = spawnMonitor([...base, ...args], {});
      const end = await mon.done;
      assert.equal(end.code, 2, `${args.join(" ")}: ${end.stderr}`);
      assert.match(end.stderr, re);
    }
    const help = await new Deno.Command("deno", {
      args: ["task", "--quiet", "monitor", "--help"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(help.stdout) + new TextDecoder().decode(help.stderr);
    for (
      const f of [
        "--alert-dwell N",
        "--alert-dwell-s S",
        "--z-hysteresis H",
        "--coint-hysteresis H",
        "--coint-dwell N",
        "--price-hysteresis PCT",
      ]
    ) assert.ok(text.includes(f), `--help lists ${f}:\n${text}`);
  } finally {
    d.cleanup();
  }
});
