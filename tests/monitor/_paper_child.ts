/**
 * The monitor's per-bar write loop without the network, for the kill -9 test
 * (paper_kill_test.ts): a fixed synthetic pair "closes" one bar at a time; at each close the
 * alert rules step on the bar's z-score and the rule's paper book advances, and both are written
 * as the monitor writes them (insertAlerts, appendPaperStep). On start it resumes from the store
 * exactly as a restarted monitor does: loadPaperState for the book, a replay of the bars it had
 * processed for the alert state.
 *
 * Usage: deno run --allow-read --allow-write _paper_child.ts <store> <bars> <pauseMs>
 *
 * @module
 */
import { openStore } from "@lib/store/db.ts";
import { insertAlerts } from "@lib/store/monitor_alerts.ts";
import { appendPaperStep, ensurePaperAccount, loadPaperState } from "@lib/store/monitor_paper.ts";
import {
  advancePaperRule,
  type AlertObservation,
  type AlertRule,
  type PaperBars,
  type PaperOptions,
  replayAlerts,
  stepAlerts,
} from "@lib/monitor/mod.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";

export const PAIR = "ETHUSDT:BTCUSDT";
export const H = 3_600_000;
export const WEBHOOK = "http://127.0.0.1:9/hook";

/** The fixed pair (seeded). */
export function childBars(n: number): PaperBars {
  let s = 12345;
  const u = () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
  const g = () => u() + u() + u() + u() - 2;
  const x: number[] = [], y: number[] = [];
  let lx = Math.log(100), e = 0;
  for (let t = 0; t < n; t++) {
    lx += 0.01 * g();
    e = 0.9 * e + 0.012 * g();
    x.push(Math.exp(lx));
    y.push(Math.exp(0.2 + 1.1 * lx + e));
  }
  return { ts: Array.from({ length: n }, (_, t) => 1.7e12 + t * H), y, x, barMs: H };
}

export const OPTIONS: PaperOptions = {
  rule: { hedgeWindow: 60, zWindow: 30, entry: 1.3, exit: 0.3, stop: 3 },
  costs: [feeCost({ venue: "binance" })],
};

export const RULES: AlertRule[] = [
  { kind: "z-score", subject: PAIR, threshold: 1.3, hysteresis: 0.3 },
  { kind: "price", subject: PAIR, level: 100, direction: "below" },
];

export const SPEC = {
  book: "rule" as const,
  venue: "test",
  ySymbol: "ETHUSDT",
  xSymbol: "BTCUSDT",
  freq: "1h",
  params: { rule: OPTIONS.rule, costs: "binance taker" },
  initialEquity: 1_000_000,
};

/** The observation the alert rules see at row t (z of the paper step's mark, x's close). */
export function observation(ts: number, z: number, close: number): AlertObservation {
  return { kind: "bar", subject: PAIR, ts, z, close };
}

function cut(bars: PaperBars, t: number): PaperBars {
  return {
    ts: Array.from(bars.ts).slice(0, t),
    y: Array.from(bars.y).slice(0, t),
    x: Array.from(bars.x).slice(0, t),
    barMs: bars.barMs,
  };
}

if (import.meta.main) {
  const [path, nArg, pauseArg] = Deno.args;
  const n = Number(nArg), pause = Number(pauseArg);
  const bars = childBars(n);
  const store = openStore(path!);
  const account = ensurePaperAccount(store.db, SPEC);
  let { state } = loadPaperState(store.db, account.accountId);
  // the alert state: a replay of the bars already processed (z from the stored marks)
  const marks = store.db.prepare(
    "SELECT bar_ts, z FROM monitor_paper_marks WHERE account_id = ? ORDER BY bar_ts",
  ).all(account.accountId);
  const replay = replayAlerts(
    RULES,
    marks.map((m, i) =>
      observation(Number(m.bar_ts), m.z === null ? NaN : Number(m.z), bars.x[i]!)
    ),
  );
  // alerts the killed process had computed but not written are written now (same ids)
  insertAlerts(store.db, replay.alerts, { webhookUrls: [WEBHOOK] });
  let alertState = replay.state;
  for (let t = state.row + 1; t <= n; t++) {
    const step = advancePaperRule(state, cut(bars, t), OPTIONS);
    const m = step.marks[0]!;
    const a = stepAlerts(RULES, alertState, observation(m.ts, m.z, bars.x[t - 1]!));
    // the paper step first, then the alerts: a kill between them is repaired by the replay
    appendPaperStep(store.db, account, step);
    insertAlerts(store.db, a.alerts, { webhookUrls: [WEBHOOK] });
    state = step.state;
    alertState = a.state;
    // progress for the parent, which kills at a bar it chose (not at a wall-clock time, which
    // lands before the first bar or after the last on a slow or a fast machine)
    await Deno.stdout.write(new TextEncoder().encode(`bar ${t}\n`));
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
  store.close();
}
