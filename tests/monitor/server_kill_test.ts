/**
 * The monitor task (run with exactly the permissions `deno task monitor` gives it, as one
 * process so the SIGKILL reaches it) killed with SIGKILL at three seeded random moments and restarted, against
 * the local exchange's live tape of real BTCUSDT/ETHUSDT trades (the venue trades on while the
 * monitor is down, so every restart has an outage gap that only REST can fill), with a
 * WebSocket cut in the middle of one session, and a webhook receiver.
 *
 * After each kill, what the store held is the oracle: at the end every stored trade, alert and
 * paper fill is still there, the trade ids of each symbol are contiguous from the first stored
 * one to the last (repaired by trade id, as `deno task stream` does), each paper book's marks
 * are one per bar with no bar skipped (the books resumed), and every alert reached the webhook
 * under its id as Idempotency-Key (a repeat only with the same key, at most once per kill).
 *
 * The store is seeded with 1-second bars of the minute before the first start, so the rule's
 * warm-up (2 x 20 bars) is already there and the paper book trades from the first live bars.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import {
  dataDir,
  liveExchange,
  spawnMonitorDirect as spawnMonitor,
  tapeRows,
} from "./_monitor_task.ts";

interface Snapshot {
  trades: Map<string, number[]>;
  alerts: string[];
  fills: string[];
}

function snapshot(path: string): Snapshot {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const trades = new Map<string, number[]>();
    for (const s of ["BTCUSDT", "ETHUSDT"]) {
      trades.set(
        s,
        db.prepare("SELECT trade_id AS id FROM trades WHERE symbol = ? ORDER BY trade_id")
          .all(s).map((r) => Number(r.id)),
      );
    }
    const alerts = db.prepare("SELECT alert_id AS id FROM monitor_alerts ORDER BY alert_id")
      .all().map((r) => String(r.id));
    const fills = db.prepare(
      "SELECT account_id || '/' || bar_ts || '/' || leg AS k FROM monitor_paper_fills ORDER BY k",
    ).all().map((r) => String(r.k));
    return { trades, alerts, fills };
  } finally {
    db.close();
  }
}

/** 1-second bars of the minute before now, near the tape's first prices, for both legs. */
function seed(path: string): void {
  const rows = tapeRows();
  const { db, close } = openStore(path);
  try {
    const end = Math.floor(Date.now() / 1000) * 1000 - 2_000;
    const n = 60;
    const rng = createRng(11);
    let common = 0;
    for (const s of ["BTCUSDT", "ETHUSDT"]) {
      const p0 = Number(rows[s]![0]!.p);
      const ts = Float64Array.from({ length: n }, (_, i) => end - (n - 1 - i) * 1000);
      const close = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (s === "BTCUSDT") common = i === 0 ? 0 : common + 0.0002 * rng.normal();
        close[i] = p0 * Math.exp(common * (s === "BTCUSDT" ? 1 : 1.1) + 0.0003 * rng.normal());
      }
      const v = close.map(() => 1);
      writeBars(db, {
        venue: "binance",
        symbol: s,
        freq: "1s",
        ts,
        open: close,
        high: close,
        low: close,
        close,
        volume: v,
        quoteVolume: v,
        tradeCount: v,
        vwap: close,
        complete: new Uint8Array(n).fill(1),
      }, { source: "file:seed" });
    }
  } finally {
    close();
  }
}

async function until(
  pred: () => boolean,
  timeoutMs: number,
  what: string,
  state: () => string = () => "",
): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}: ${state()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

realDataTest(
  "monitor task: SIGKILL x3 then restart loses no stored trade, alert or paper fill",
  async () => {
    const { ex, env } = await liveExchange(100);
    const d = dataDir("test-monitor-kill-");
    const path = `${d.dir}/m.db`;
    seed(path);
    // the webhook receiver: every POST's Idempotency-Key
    const keys: string[] = [];
    const hook = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
      await req.text();
      keys.push(req.headers.get("idempotency-key") ?? "");
      return new Response("ok");
    });
    const args = [
      ...["--pairs", "BTCUSDT:ETHUSDT", "--freq", "1s", "--window", "20", "--z", "0.5"],
      ...["--coint-p", "0.2", "--port", "0", "--status-ms", "500", "--db", `${d.rel}/m.db`],
      ...["--webhook", `http://127.0.0.1:${hook.addr.port}/hook`],
    ];
    const rng = createRng(20261206);
    const snaps: Snapshot[] = [];
    let mon = spawnMonitor(args, env);
    try {
      for (let k = 0; k < 3; k++) {
        await mon.url();
        const before = snaps.at(-1);
        // this session has stored trades, alerts and fills of its own
        await until(
          () => {
            const s = snapshot(path);
            const n = (x: Snapshot | undefined) => x?.trades.get("BTCUSDT")?.length ?? 0;
            return n(s) > n(before) && s.alerts.length > (before?.alerts.length ?? 0) &&
              s.fills.length > (before?.fills.length ?? 0);
          },
          40_000,
          `session ${k} to store trades, alerts and fills`,
          () => {
            const s = snapshot(path);
            return `trades ${s.trades.get("BTCUSDT")!.length}, alerts ${s.alerts.length}, fills ` +
              `${s.fills.length}\n${mon.lines.slice(-15).join("\n")}`;
          },
        );
        if (k === 1) {
          ex.cutWs(1_500); // a WebSocket drop mid-session: repaired by trade id over REST
          await new Promise((r) => setTimeout(r, 2_500));
        }
        await new Promise((r) => setTimeout(r, Math.floor(rng.next() * 1_500)));
        mon.child.kill("SIGKILL");
        assert.equal((await mon.done).signal, "SIGKILL");
        snaps.push(snapshot(path));
        mon = spawnMonitor(args, env);
      }
      await mon.url();
      // the last session catches up (REST repair of the outage) and trades on
      const lastBtc = snaps.at(-1)!.trades.get("BTCUSDT")!.at(-1)!;
      await until(
        () => (snapshot(path).trades.get("BTCUSDT")!.at(-1) ?? 0) > lastBtc + 300,
        30_000,
        "the restarted monitor to stream on",
      );
      await new Promise((r) => setTimeout(r, 1_500)); // webhook deliveries of the last alerts
      mon.child.kill("SIGTERM");
      const end = await mon.done;
      assert.equal(end.code, 0, end.stderr);
      const final = snapshot(path);
      for (const [i, s] of snaps.entries()) {
        for (const [sym, ids] of s.trades) {
          const have = new Set(final.trades.get(sym)!);
          assert.ok(ids.every((id) => have.has(id)), `kill ${i}: ${sym} trades kept`);
        }
        const alerts = new Set(final.alerts), fills = new Set(final.fills);
        assert.ok(s.alerts.every((a) => alerts.has(a)), `kill ${i}: alerts kept`);
        assert.ok(s.fills.every((f) => fills.has(f)), `kill ${i}: paper fills kept`);
      }
      for (const [sym, ids] of final.trades) {
        assert.equal(ids.at(-1)! - ids[0]! + 1, ids.length, `${sym}: no id missing, none twice`);
      }
      // the books resumed: one mark per bar, none skipped
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        for (const r of db.prepare("SELECT account_id AS a FROM monitor_paper_accounts").all()) {
          const marks = db.prepare(
            "SELECT bar_ts AS t, row FROM monitor_paper_marks WHERE account_id = ? ORDER BY bar_ts",
          ).all(r.a as string).map((m) => [Number(m.t), Number(m.row)]);
          marks.forEach(([t, row], i) => {
            assert.equal(row, i, `${r.a}: row ${i}`);
            if (i > 0) assert.equal(t! - marks[i - 1]![0]!, 1_000, `${r.a}: bar after ${i}`);
          });
        }
        const runs = db.prepare("SELECT status FROM ingest_runs WHERE task = 'monitor'").all()
          .map((x) => x.status);
        assert.deepEqual(runs, ["interrupted", "interrupted", "interrupted", "interrupted"]);
      } finally {
        db.close();
      }
      // every alert reached the webhook under its id; a repeat only after a kill, same key
      const sent = new Set(keys);
      assert.ok(final.alerts.every((a) => sent.has(a)), "every alert delivered");
      assert.ok(keys.length - sent.size <= 3, `repeats: ${keys.length - sent.size}`);
      console.log(
        `kills at ${snaps.map((s) => s.trades.get("BTCUSDT")!.length).join(", ")} BTC trades; ` +
          `final ${final.trades.get("BTCUSDT")!.length} BTC trades, ${final.alerts.length} ` +
          `alerts, ${final.fills.length} fills, ${keys.length} webhook posts`,
      );
    } finally {
      try {
        mon.child.kill("SIGKILL");
      } catch { /* ended */ }
      await mon.done;
      await hook.shutdown();
      await ex.close();
      d.cleanup();
    }
  },
);
