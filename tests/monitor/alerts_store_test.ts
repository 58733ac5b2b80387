/**
 * Alerts in the store (lib/store/monitor_alerts.ts, monitor_webhooks.ts) and webhook delivery
 * (lib/pipeline/monitor/webhook.ts) against a local HTTP server on 127.0.0.1 that fails the
 * first attempts: append-only triggers, one row per alert id, the outbox queued in the alert's
 * transaction, retries with backoff and an idempotency key, and a restart (store reopened) that
 * resumes pending deliveries without sending delivered ones again.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { type Alert, type AlertRule, replayAlerts } from "@lib/monitor/mod.ts";
import { getAlert, insertAlerts, listAlerts } from "@lib/store/monitor_alerts.ts";
import {
  deliveryStatus,
  pendingDeliveries,
  recordDeliveryAttempt,
} from "@lib/store/monitor_webhooks.ts";
import {
  backoffMs,
  deliverDueWebhooks,
  startWebhookWorker,
  webhookBody,
} from "@lib/pipeline/monitor/webhook.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const PAIR = "BTCUSDT:ETHUSDT";

function someAlerts(n: number): Alert[] {
  const rules: AlertRule[] = [{ kind: "z-score", subject: PAIR, threshold: 2, hysteresis: 0 }];
  const z = Array.from({ length: 4 * n }, (_, i) => (i % 4 === 1 ? 2.5 : 0));
  const alerts =
    replayAlerts(rules, z.map((v, i) => ({ kind: "bar", subject: PAIR, ts: i * 60_000, z: v })))
      .alerts;
  assert.equal(alerts.length, n);
  return [...alerts];
}

/** A webhook receiver on 127.0.0.1 failing the first `failures` requests of each alert id. */
function receiver(failures: number, failStatus = 503) {
  const seen = new Map<string, number>();
  const accepted: { key: string; body: string; attempt: string }[] = [];
  const requests: { key: string; body: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const key = req.headers.get("idempotency-key") ?? "";
    const body = await req.text();
    requests.push({ key, body });
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n <= failures) return new Response("busy", { status: failStatus });
    accepted.push({ key, body, attempt: req.headers.get("x-cryptolab-delivery-attempt") ?? "" });
    return new Response("ok");
  });
  const url = `http://127.0.0.1:${server.addr.port}/hook`;
  return { server, url, accepted, requests };
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("monitor_alerts is append-only and keeps one row per alert id", () => {
  const s = tempStore();
  try {
    const [a, b] = someAlerts(2);
    const first = insertAlerts(s.db, [a!, b!], { webhookUrls: ["http://127.0.0.1:9/x"], now: 5 });
    assert.equal(first.inserted.length, 2);
    assert.equal(first.queued, 2);
    const again = insertAlerts(s.db, [b!, a!], { webhookUrls: ["http://127.0.0.1:9/x"] });
    assert.deepEqual([again.inserted.length, again.repeated, again.queued], [0, 2, 0]);
    assert.deepEqual(listAlerts(s.db).map((x) => x.id), [a!.id, b!.id]);
    assert.equal(getAlert(s.db, a!.id)!.createdAt, 5);
    assert.equal(getAlert(s.db, a!.id)!.message, a!.message);
    assert.throws(
      () => s.db.exec("UPDATE monitor_alerts SET message = 'x'"),
      /monitor_alerts is append-only/,
    );
    assert.throws(() => s.db.exec("DELETE FROM monitor_alerts"), /append-only/);
    assert.throws(() => s.db.exec("DELETE FROM monitor_webhook_outbox"), /append-only/);
    assert.throws(
      () => s.db.exec("INSERT INTO monitor_alerts SELECT * FROM monitor_alerts"),
      /UNIQUE/,
    );
    // filters
    assert.deepEqual(listAlerts(s.db, { sinceTs: b!.ts }).map((x) => x.id), [b!.id]);
    assert.deepEqual(listAlerts(s.db, { limit: 1 }).map((x) => x.id), [b!.id]);
    assert.equal(listAlerts(s.db, { subject: "XRPUSDT" }).length, 0);
    assert.equal(listAlerts(s.db, { createdAfter: 5 }).length, 0);
  } finally {
    s.cleanup();
  }
});

Deno.test("an alert and its outbox rows are one transaction: a failing queue stores neither", () => {
  const s = tempStore();
  try {
    const [a] = someAlerts(1);
    s.db.exec(`CREATE TRIGGER t_fail BEFORE INSERT ON monitor_webhook_outbox
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    assert.throws(
      () => insertAlerts(s.db, [a!], { webhookUrls: ["http://127.0.0.1:9/x"] }),
      /disk full/,
    );
    assert.equal(listAlerts(s.db).length, 0);
    s.db.exec("DROP TRIGGER t_fail");
    assert.equal(insertAlerts(s.db, [a!], { webhookUrls: ["http://127.0.0.1:9/x"] }).queued, 1);
  } finally {
    s.cleanup();
  }
});

Deno.test("webhook: retries with backoff until the receiver accepts, same idempotency key and body", async () => {
  const s = tempStore();
  const r = receiver(2);
  try {
    const alerts = someAlerts(3);
    insertAlerts(s.db, alerts, { webhookUrls: [r.url] });
    const logs: string[] = [];
    const opts = { baseDelayMs: 20, maxDelayMs: 100, log: (l: string) => logs.push(l) };
    const first = await deliverDueWebhooks(s.db, opts);
    assert.deepEqual([first.delivered, first.failed, first.abandoned], [0, 3, 0]);
    assert.ok(first.nextDueAt! > Date.now() - 5);
    // not due yet: nothing is sent
    const early = await deliverDueWebhooks(s.db, { ...opts, now: () => first.nextDueAt! - 1 });
    assert.equal(early.failed + early.delivered, 0);
    const worker = startWebhookWorker(s.db, { ...opts, pollMs: 10 });
    await until(() => pendingDeliveries(s.db).length === 0, "three deliveries");
    await worker.stop();
    assert.equal(pendingDeliveries(s.db).length, 0);
    assert.equal(r.requests.length, 9);
    for (const a of alerts) {
      const reqs = r.requests.filter((q) => q.key === a.id);
      assert.equal(reqs.length, 3);
      assert.ok(reqs.every((q) => q.body === webhookBody(getAlert(s.db, a.id)!)));
      assert.deepEqual(JSON.parse(reqs[0]!.body).id, a.id);
    }
    assert.deepEqual(r.accepted.map((x) => x.attempt), ["3", "3", "3"]);
    const st = deliveryStatus(s.db);
    assert.ok(st.every((d) => d.state === "delivered" && d.attempts === 3 && d.lastStatus === 200));
    assert.ok(logs.some((l) => /failed \(attempt 1 of 8: HTTP 503/.test(l)), logs.join("\n"));
  } finally {
    await r.server.shutdown();
    s.cleanup();
  }
});

Deno.test("webhook: after a restart pending deliveries resume and delivered ones are not sent again", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-webhook-" });
  const path = `${dir}/m.db`;
  const r = receiver(1);
  try {
    const alerts = someAlerts(4);
    {
      const s = openStore(path);
      insertAlerts(s.db, alerts.slice(0, 2), { webhookUrls: [r.url] });
      // first process: delivers the first two (one failure each) and is stopped
      const w = startWebhookWorker(s.db, { baseDelayMs: 10, pollMs: 10 });
      await until(() => pendingDeliveries(s.db).length === 0, "two deliveries");
      await w.stop();
      // then two more alerts are stored, their first attempt fails, and the process "dies"
      insertAlerts(s.db, alerts.slice(2), { webhookUrls: [r.url] });
      const pass = await deliverDueWebhooks(s.db, { baseDelayMs: 10 });
      assert.equal(pass.failed, 2);
      s.close();
    }
    const before = r.requests.length;
    {
      const s = openStore(path);
      // a replay after the restart re-creates all four alerts: nothing new is queued
      assert.equal(insertAlerts(s.db, alerts, { webhookUrls: [r.url] }).queued, 0);
      assert.equal(pendingDeliveries(s.db).length, 2);
      const w = startWebhookWorker(s.db, { baseDelayMs: 10, pollMs: 10 });
      await until(() => pendingDeliveries(s.db).length === 0, "four deliveries");
      await w.stop();
      const pass = await deliverDueWebhooks(s.db);
      assert.equal(pass.delivered + pass.failed + pass.abandoned, 0);
      s.close();
    }
    // only the two pending alerts were sent after the restart
    const after = r.requests.slice(before).map((q) => q.key);
    assert.deepEqual([...new Set(after)].sort(), [alerts[2]!.id, alerts[3]!.id].sort());
    assert.deepEqual(r.accepted.map((a) => a.key).sort(), alerts.map((a) => a.id).sort());
  } finally {
    await r.server.shutdown();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("webhook: a 4xx is abandoned at once, repeated failures after maxAttempts", async () => {
  const s = tempStore();
  const gone = receiver(100, 410);
  const down = receiver(100, 500);
  try {
    const [a, b] = someAlerts(2);
    insertAlerts(s.db, [a!], { webhookUrls: [gone.url] });
    insertAlerts(s.db, [b!], { webhookUrls: [down.url] });
    let t = Date.now() + 1000;
    const opts = { maxAttempts: 3, baseDelayMs: 1000, now: () => t };
    const p1 = await deliverDueWebhooks(s.db, opts);
    assert.deepEqual([p1.delivered, p1.failed, p1.abandoned], [0, 1, 1]);
    t += backoffMs(1, opts);
    assert.equal((await deliverDueWebhooks(s.db, opts)).failed, 1);
    t += backoffMs(2, opts) - 1;
    assert.equal((await deliverDueWebhooks(s.db, opts)).failed, 0); // not due yet
    t += 1;
    assert.equal((await deliverDueWebhooks(s.db, opts)).abandoned, 1);
    assert.equal(pendingDeliveries(s.db).length, 0);
    assert.equal(gone.requests.length, 1);
    assert.equal(down.requests.length, 3);
    const st = deliveryStatus(s.db);
    assert.deepEqual(st.map((d) => [d.state, d.attempts, d.lastStatus]), [
      ["abandoned", 1, 410],
      ["abandoned", 3, 500],
    ]);
    assert.throws(
      () => s.db.exec("UPDATE monitor_webhook_attempts SET outcome = 'delivered'"),
      /append-only/,
    );
  } finally {
    await gone.server.shutdown();
    await down.server.shutdown();
    s.cleanup();
  }
});

Deno.test("webhook: an unreachable receiver and a slow one are retried, not lost", async () => {
  const s = tempStore();
  // a port nobody listens on: take one and close it
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const slow = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await new Promise((r) => setTimeout(r, 300));
    return new Response("late");
  });
  try {
    const [a, b] = someAlerts(2);
    insertAlerts(s.db, [a!], { webhookUrls: [`http://127.0.0.1:${port}/hook`] });
    insertAlerts(s.db, [b!], { webhookUrls: [`http://127.0.0.1:${slow.addr.port}/hook`] });
    const pass = await deliverDueWebhooks(s.db, { timeoutMs: 100 });
    assert.equal(pass.failed, 2);
    const st = deliveryStatus(s.db);
    assert.equal(st[0]!.state, "pending");
    assert.ok(st[0]!.lastError !== undefined && st[0]!.lastStatus === undefined);
    assert.match(st[1]!.lastError!, /no response within 100 ms/);
  } finally {
    await slow.shutdown();
    s.cleanup();
  }
});

Deno.test("webhook: a process killed while waiting for the response sends again with the same idempotency key and body", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-webhook-kill-" });
  const path = `${dir}/w.db`;
  const child = new URL("./_webhook_child.ts", import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  let proc: Deno.ChildProcess | undefined;
  const got: { key: string; body: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    got.push({ key: req.headers.get("idempotency-key") ?? "", body: await req.text() });
    if (got.length === 1) {
      // the sender dies after the receiver has the alert, before it hears the answer
      proc!.kill("SIGKILL");
      await proc!.status;
    }
    return new Response("ok");
  });
  try {
    const [a] = someAlerts(1);
    {
      const s = openStore(path);
      insertAlerts(s.db, [a!], { webhookUrls: [`http://127.0.0.1:${server.addr.port}/hook`] });
      s.close();
    }
    proc = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        config,
        "--allow-read",
        "--allow-write",
        "--allow-net=127.0.0.1",
        child,
        path,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const st = await proc.status;
    assert.equal(st.signal, "SIGKILL");
    const s = openStore(path);
    try {
      // nothing was recorded: the delivery is still pending, and is sent again
      assert.equal(deliveryStatus(s.db)[0]!.attempts, 0);
      const pass = await deliverDueWebhooks(s.db);
      assert.equal(pass.delivered, 1);
      assert.equal(got.length, 2);
      assert.equal(got[1]!.key, a!.id);
      assert.equal(got[1]!.key, got[0]!.key);
      assert.equal(got[1]!.body, got[0]!.body);
      // and never again
      assert.equal((await deliverDueWebhooks(s.db)).delivered, 0);
      assert.equal(got.length, 2);
    } finally {
      s.close();
    }
  } finally {
    await server.shutdown();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("outbox: a delivery waiting for its retry does not hide one that is due (limit applies after dueBy)", () => {
  const s = tempStore();
  try {
    const [a, b] = someAlerts(2);
    insertAlerts(s.db, [a!, b!], { webhookUrls: ["http://127.0.0.1:9/x"], now: 1000 });
    const first = pendingDeliveries(s.db)[0]!;
    assert.equal(first.alert.id, a!.id);
    recordDeliveryAttempt(s.db, {
      outboxId: first.outboxId,
      at: 1100,
      outcome: "failed",
      httpStatus: 503,
      nextAttemptAt: 1e15,
    });
    const due = pendingDeliveries(s.db, { dueBy: 2000, limit: 1 });
    assert.deepEqual(due.map((d) => d.alert.id), [b!.id]);
    assert.equal(pendingDeliveries(s.db).length, 2);
    assert.throws(
      () => recordDeliveryAttempt(s.db, { outboxId: first.outboxId, at: 1, outcome: "failed" }),
      /without nextAttemptAt/,
    );
    // a second final outcome for one delivery is refused (two workers racing)
    recordDeliveryAttempt(s.db, { outboxId: first.outboxId, at: 1200, outcome: "delivered" });
    assert.throws(
      () =>
        recordDeliveryAttempt(s.db, { outboxId: first.outboxId, at: 1300, outcome: "delivered" }),
      /UNIQUE/,
    );
  } finally {
    s.cleanup();
  }
});
