import assert from "node:assert/strict";
import {
  type BreakerState,
  CircuitOpenError,
  createCircuitBreaker,
} from "@lib/providers/circuit_breaker.ts";
import { loadHealth, saveHealth } from "@lib/store/provider_health.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { fakeClock } from "./_fake_clock.ts";

const fail = (msg = "HTTP 503") => () => Promise.reject(new Error(msg));
const ok = <T>(v: T) => () => Promise.resolve(v);

Deno.test("closed -> open after N consecutive failures; a success resets the count", async () => {
  const clock = fakeClock(0);
  const b = createCircuitBreaker({ provider: "binance", failureThreshold: 3, now: clock.now });
  await assert.rejects(b.call(fail()));
  await assert.rejects(b.call(fail()));
  assert.equal(b.state().failures, 2);
  assert.equal(await b.call(ok(1)), 1);
  assert.equal(b.state().failures, 0);
  for (let i = 0; i < 2; i++) await assert.rejects(b.call(fail()));
  assert.equal(b.state().state, "closed");
  await assert.rejects(b.call(fail("HTTP 502")), /502/);
  const s = b.state();
  assert.equal(s.state, "open");
  assert.equal(s.failures, 3);
  assert.equal(s.lastError, "HTTP 502");
  assert.equal(s.openedAt, 0);
});

Deno.test("open rejects at once without calling, until the cool-down passes", async () => {
  const clock = fakeClock(0);
  const b = createCircuitBreaker({
    provider: "kraken",
    failureThreshold: 1,
    cooldownMs: 30_000,
    now: clock.now,
  });
  await assert.rejects(b.call(fail("timeout")));
  let called = 0;
  const counted = () => {
    called++;
    return Promise.resolve(7);
  };
  clock.advance(29_999);
  await assert.rejects(b.call(counted), (e) => {
    assert.ok(e instanceof CircuitOpenError);
    assert.equal(e.provider, "kraken");
    assert.equal(e.retryAt, 30_000);
    assert.match(e.message, /kraken: circuit open .*last: timeout.*1970-01-01T00:00:30.000Z/);
    return true;
  });
  assert.equal(called, 0);
  clock.advance(1);
  assert.equal(await b.call(counted), 7);
  assert.equal(called, 1);
  assert.equal(b.state().state, "closed");
});

Deno.test("half-open lets exactly one trial through; its failure re-opens for a new cool-down", async () => {
  const clock = fakeClock(0);
  const b = createCircuitBreaker({
    provider: "coinbase",
    failureThreshold: 2,
    cooldownMs: 1000,
    now: clock.now,
  });
  await assert.rejects(b.call(fail()));
  await assert.rejects(b.call(fail()));
  clock.advance(1000);
  let release!: (v: string) => void;
  const trial = b.call(() => new Promise<string>((r) => (release = r)));
  assert.equal(b.state().state, "half_open");
  // a second caller during the trial is rejected, not let through
  await assert.rejects(b.call(ok("second")), CircuitOpenError);
  release("first");
  assert.equal(await trial, "first");
  assert.equal(b.state().state, "closed");

  // now fail it open again and fail the trial: open again from the trial's time
  await assert.rejects(b.call(fail()));
  await assert.rejects(b.call(fail()));
  clock.advance(1000);
  await assert.rejects(b.call(fail("still down")), /still down/);
  assert.equal(b.state().state, "open");
  assert.equal(b.state().openedAt, clock.now());
  await assert.rejects(b.call(ok(1)), CircuitOpenError);
  clock.advance(1000);
  assert.equal(await b.call(ok(1)), 1);
});

Deno.test("a failure rate over the window opens it even without a long failure streak", async () => {
  const clock = fakeClock(0);
  const b = createCircuitBreaker({
    provider: "dexscreener",
    failureThreshold: 100,
    failureRate: 0.5,
    rateWindow: 10,
    now: clock.now,
  });
  // calls 0..8 alternate fail/ok: 5 failures in 9 calls, fewer calls than the window
  for (let i = 0; i < 9; i++) {
    if (i % 2 === 0) await assert.rejects(b.call(fail()));
    else await b.call(ok(i));
    assert.equal(b.state().state, "closed", `call ${i}`);
  }
  // call 9 succeeds: the window is full at 5 of 10, but a success never trips the breaker
  assert.equal(await b.call(ok(9)), 9);
  assert.equal(b.state().state, "closed");
  // call 10 fails: the window (calls 1..10) holds failures 2, 4, 6, 8, 10 = 5 of 10 >= 0.5
  await assert.rejects(b.call(fail()));
  assert.equal(b.state().state, "open");
  assert.equal(b.state().failures, 1); // no streak: it was the rate
});

Deno.test("state survives a restart through provider_health in a real store", async () => {
  const s = tempStore();
  try {
    const clock = fakeClock(1_000_000);
    const saved: BreakerState[] = [];
    const first = createCircuitBreaker({
      provider: "binance",
      failureThreshold: 2,
      cooldownMs: 60_000,
      now: clock.now,
      persist: (st) => {
        saved.push(st);
        saveHealth(s.db, "binance", st);
      },
    });
    await assert.rejects(first.call(fail("HTTP 500")));
    await assert.rejects(first.call(fail("HTTP 503")));
    assert.deepEqual(saved.map((x) => x.state), ["closed", "open"]);
    assert.deepEqual(loadHealth(s.db, "binance"), first.state());

    // "restart": reopen the file and build a new breaker from the stored row
    const path = s.path;
    s.close();
    const { openStore } = await import("@lib/store/db.ts");
    const again = openStore(path);
    try {
      const stored = loadHealth(again.db, "binance");
      assert.deepEqual(stored, {
        state: "open",
        failures: 2,
        lastError: "HTTP 503",
        openedAt: 1_000_000,
        updatedAt: 1_000_000,
      });
      clock.advance(10_000);
      const second = createCircuitBreaker({
        provider: "binance",
        failureThreshold: 2,
        cooldownMs: 60_000,
        now: clock.now,
        initial: stored,
        persist: (st) => saveHealth(again.db, "binance", st),
      });
      let called = 0;
      await assert.rejects(
        second.call(() => {
          called++;
          return Promise.resolve(1);
        }),
        CircuitOpenError,
      );
      assert.equal(called, 0, "a restarted task does not call a provider whose breaker is open");
      clock.advance(50_000);
      assert.equal(await second.call(ok(5)), 5);
      assert.equal(loadHealth(again.db, "binance")?.state, "closed");
      assert.equal(loadHealth(again.db, "binance")?.failures, 0);
      assert.equal(loadHealth(again.db, "kraken"), undefined);
    } finally {
      again.close();
    }
  } finally {
    s.cleanup();
  }
});

Deno.test("a half_open row left by a killed task is a fresh open breaker", async () => {
  const clock = fakeClock(500);
  const b = createCircuitBreaker({
    provider: "kraken",
    cooldownMs: 100,
    now: clock.now,
    initial: { state: "half_open", failures: 5, lastError: "x", openedAt: 400, updatedAt: 450 },
  });
  assert.equal(b.state().state, "open");
  assert.equal(await b.call(ok(1)), 1); // 500 >= 400 + 100: the trial goes through
  assert.equal(b.state().state, "closed");
});

Deno.test("saveHealth refuses an unknown state and bad options are refused", () => {
  const s = tempStore();
  try {
    assert.throws(
      () =>
        saveHealth(s.db, "x", {
          state: "broken" as "open",
          failures: 0,
          lastError: undefined,
          openedAt: undefined,
          updatedAt: 0,
        }),
      /state must be closed, open or half_open/,
    );
  } finally {
    s.cleanup();
  }
  assert.throws(
    () => createCircuitBreaker({ provider: "x", failureThreshold: 0, now: () => 0 }),
    /failureThreshold must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => createCircuitBreaker({ provider: "x", failureRate: 1.5, now: () => 0 }),
    /failureRate must be in \(0, 1\]/,
  );
});
