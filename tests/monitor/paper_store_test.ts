/**
 * Paper trading in the store (lib/store/monitor_paper.ts): append-only tables, one transaction
 * per step, a restart that resumes exactly (the store reopened at every bar, and the write loop
 * killed with SIGKILL at random moments and restarted), manual orders kept across a restart.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { listAlerts } from "@lib/store/monitor_alerts.ts";
import { pendingDeliveries } from "@lib/store/monitor_webhooks.ts";
import {
  appendPaperStep,
  ensurePaperAccount,
  insertManualOrder,
  listPaperAccounts,
  listPaperFills,
  listPaperMarks,
  listPaperOrders,
  loadPaperState,
  paperAccountId,
  pendingManualOrders,
} from "@lib/store/monitor_paper.ts";
import {
  advancePaperManual,
  advancePaperRule,
  initialPaperState,
  manualOrder,
  type PaperBars,
  paperVsBacktest,
  replayAlerts,
} from "@lib/monitor/mod.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { childBars, observation, OPTIONS, RULES, SPEC } from "./_paper_child.ts";

function cut(bars: PaperBars, t: number): PaperBars {
  return {
    ts: Array.from(bars.ts).slice(0, t),
    y: Array.from(bars.y).slice(0, t),
    x: Array.from(bars.x).slice(0, t),
    barMs: bars.barMs,
  };
}

/** JSON of rows with NaN as null (what the store gives back for a missing value). */
const j = (v: unknown) => JSON.stringify(v);

Deno.test("paper tables are append-only; a step is stored whole; a bar cannot be stored twice", () => {
  const s = tempStore();
  try {
    const bars = childBars(200);
    const acc = ensurePaperAccount(s.db, SPEC);
    assert.equal(acc.accountId, paperAccountId(SPEC));
    assert.equal(ensurePaperAccount(s.db, SPEC).createdAt, acc.createdAt);
    assert.equal(listPaperAccounts(s.db).length, 1);
    const step = advancePaperRule(initialPaperState(OPTIONS), bars, OPTIONS);
    assert.ok(step.fills.length > 10 && step.orders.length > 4);
    appendPaperStep(s.db, acc, step);
    assert.equal(j(listPaperMarks(s.db, acc.accountId)), j(step.marks));
    const fills = listPaperFills(s.db, acc.accountId);
    assert.equal(j(fills.map(({ symbol: _, ...f }) => f)), j(step.fills));
    assert.ok(fills.every((f) => f.symbol === (f.leg === 0 ? "ETHUSDT" : "BTCUSDT")));
    assert.equal(
      j(listPaperOrders(s.db, acc.accountId).map(({ createdAt: _, ...o }) => o)),
      j(step.orders),
    );
    for (const t of ["monitor_paper_marks", "monitor_paper_fills", "monitor_paper_orders"]) {
      assert.throws(() => s.db.exec(`DELETE FROM ${t}`), /append-only/);
      assert.throws(() => s.db.exec(`UPDATE ${t} SET account_id = 'x'`), /append-only/);
    }
    // the same bars again (a second monitor on the account): refused, nothing half-written
    const before = listPaperFills(s.db, acc.accountId).length;
    assert.throws(() => appendPaperStep(s.db, acc, step), /UNIQUE/);
    assert.equal(listPaperFills(s.db, acc.accountId).length, before);
    // resume: the loaded state is the engine's state
    const loaded = loadPaperState(s.db, acc.accountId);
    assert.equal(j(loaded.state), j(step.state));
    assert.equal(loaded.firstTs, bars.ts[0]);
    // the stored marks compare with the backtest
    const c = paperVsBacktest(bars, OPTIONS, listPaperMarks(s.db, acc.accountId));
    assert.ok(c.maxAbsDifference < 1e-6);
    // filters
    assert.equal(listPaperMarks(s.db, acc.accountId, { sinceTs: bars.ts[150]! }).length, 50);
    assert.equal(listPaperMarks(s.db, acc.accountId, { limit: 3 })[2]!.ts, bars.ts[199]);
    assert.throws(() => loadPaperState(s.db, "nope"), /not in the store/);
  } finally {
    s.cleanup();
  }
});

Deno.test("a restart at every bar (store reopened, state loaded) ends where one run ends", () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-paper-" });
  try {
    const bars = childBars(160);
    const whole = advancePaperRule(initialPaperState(OPTIONS), bars, OPTIONS);
    for (let t = 1; t <= 160; t++) {
      const store = openStore(`${dir}/p.db`);
      const acc = ensurePaperAccount(store.db, SPEC);
      const { state } = loadPaperState(store.db, acc.accountId);
      appendPaperStep(store.db, acc, advancePaperRule(state, cut(bars, t), OPTIONS));
      store.close();
    }
    const store = openStore(`${dir}/p.db`);
    const id = paperAccountId(SPEC);
    assert.equal(j(listPaperMarks(store.db, id)), j(whole.marks));
    assert.equal(j(listPaperFills(store.db, id).map(({ symbol: _, ...f }) => f)), j(whole.fills));
    store.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("manual orders: stored when placed, idempotent by id, filled after a restart", () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-paper-" });
  try {
    const bars = childBars(200);
    const spec = { ...SPEC, book: "manual" as const };
    const run = (t: number) => {
      const store = openStore(`${dir}/m.db`);
      const acc = ensurePaperAccount(store.db, spec);
      const { state } = loadPaperState(store.db, acc.accountId);
      const step = advancePaperManual(
        state,
        cut(bars, t),
        pendingManualOrders(store.db, acc.accountId),
        OPTIONS,
      );
      appendPaperStep(store.db, acc, step);
      return { store, acc };
    };
    {
      const { store, acc } = run(100);
      const o = manualOrder(cut(bars, 100), { id: "req-1", action: "open-short" }, OPTIONS);
      assert.equal(insertManualOrder(store.db, acc.accountId, o), true);
      assert.equal(insertManualOrder(store.db, acc.accountId, o), false); // a repeated POST
      assert.equal(pendingManualOrders(store.db, acc.accountId).length, 1);
      store.close(); // "killed" before the next bar closed
    }
    {
      const { store, acc } = run(101);
      const fills = listPaperFills(store.db, acc.accountId);
      assert.deepEqual(fills.map((f) => [f.orderId, f.ts]), [
        ["req-1", bars.ts[100]],
        ["req-1", bars.ts[100]],
      ]);
      assert.equal(pendingManualOrders(store.db, acc.accountId).length, 0);
      const close = manualOrder(cut(bars, 101), { id: "req-2", action: "close" }, OPTIONS);
      insertManualOrder(store.db, acc.accountId, close);
      store.close();
    }
    {
      const { store, acc } = run(200);
      const marks = listPaperMarks(store.db, acc.accountId);
      assert.equal(marks.length, 200);
      assert.equal(marks[150]!.unitsY, marks[101]!.unitsY);
      assert.equal(marks[101]!.position, 0);
      assert.equal(marks.at(-1)!.unitsY, 0);
      assert.equal(listPaperFills(store.db, acc.accountId).length, 4);
      assert.deepEqual(
        listPaperOrders(store.db, acc.accountId).map((o) => [o.id, o.action]),
        [["req-1", "open-short"], ["req-2", "close"]],
      );
      assert.throws(
        () =>
          insertManualOrder(store.db, acc.accountId, {
            ...manualOrder(cut(bars, 200), { id: "r", action: "close" }, OPTIONS),
            source: "rule",
          }),
        /source rule/,
      );
      store.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("kill -9 at random moments loses no alert and no paper fill, and doubles none", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-paper-kill-" });
  const path = `${dir}/k.db`;
  const n = 300;
  const child = new URL("./_paper_child.ts", import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  try {
    let seed = 99;
    const rand = () => ((seed = (1664525 * seed + 1013904223) >>> 0) / 2 ** 32);
    let kills = 0, runs = 0;
    const progress: number[] = []; // bars stored when each kill landed
    for (;;) {
      runs++;
      const p = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--config",
          config,
          "--allow-read",
          "--allow-write",
          child,
          path,
          String(n),
          "2",
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      // kill at a bar chosen at random in the first half of what is left, after a random part of
      // the child's pause, so the kill lands mid-run whatever the machine's speed
      const done = progress.at(-1) ?? 0;
      const target = kills < 6
        ? done + 1 + Math.floor(rand() * Math.max(1, (n - done - 2) / 2))
        : n + 1;
      let killed = false;
      const reader = (async () => {
        const dec = new TextDecoder();
        let buf = "";
        for await (const chunk of p.stdout) {
          if (killed) continue;
          buf += dec.decode(chunk, { stream: true });
          const last = /bar (\d+)\n(?![\s\S]*bar \d+\n)/.exec(buf);
          if (last !== null && Number(last[1]) >= target) {
            killed = true;
            await new Promise((r) => setTimeout(r, 2 * rand()));
            try {
              p.kill("SIGKILL");
            } catch { /* already exited */ }
          }
          buf = buf.slice(-64);
        }
      })();
      const errText = new Response(p.stderr).text();
      const status = await p.status;
      await reader;
      const out = { success: status.success, stderr: new TextEncoder().encode(await errText) };
      if (killed && !out.success) {
        kills++;
        const st = openStore(path);
        progress.push(listPaperMarks(st.db, paperAccountId(SPEC)).length);
        st.close();
        continue;
      }
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      break;
    }
    assert.ok(kills >= 3, `only ${kills} kills landed in ${runs} runs`);
    // the kills landed in the middle of the work, not before the first bar or after the last
    const mid = new Set(progress.filter((c) => c > 0 && c < n));
    assert.ok(mid.size >= 3, `kills at ${progress.join(", ")} bars of ${n}`);
    const bars = childBars(n);
    const whole = advancePaperRule(initialPaperState(OPTIONS), bars, OPTIONS);
    const alerts = replayAlerts(
      RULES,
      whole.marks.map((m, i) => observation(m.ts, m.z, bars.x[i]!)),
    ).alerts;
    assert.ok(alerts.length > 5 && whole.fills.length > 50);
    const store = openStore(path);
    const id = paperAccountId(SPEC);
    assert.equal(j(listPaperMarks(store.db, id)), j(whole.marks));
    assert.equal(j(listPaperFills(store.db, id).map(({ symbol: _, ...f }) => f)), j(whole.fills));
    assert.equal(
      j(listPaperOrders(store.db, id).map(({ createdAt: _, ...o }) => o)),
      j(whole.orders),
    );
    const stored = listAlerts(store.db, { limit: 10_000 });
    assert.deepEqual(stored.map((a) => a.id), alerts.map((a) => a.id));
    // every alert queued for the webhook exactly once
    const queued = pendingDeliveries(store.db, { limit: 10_000 });
    assert.deepEqual(queued.map((d) => d.alert.id), alerts.map((a) => a.id));
    store.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
