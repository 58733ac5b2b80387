import assert from "node:assert/strict";
import {
  createRateLimiter,
  createRateLimiterPool,
  VENUE_LIMITS,
} from "@lib/providers/rate_limiter.ts";
import { createRng } from "@lib/stats/rng.ts";
import { fakeClock } from "./_fake_clock.ts";

/** Largest weight granted in any window [g, g + windowMs) that starts at a grant g. */
function maxWindowWeight(times: number[], weights: number[], windowMs: number): number {
  // the sum over [s, s + W) only changes at grant times, so windows starting at grants suffice
  let best = 0, sum = 0, j = 0;
  for (let i = 0; i < times.length; i++) {
    while (j < times.length && times[j]! < times[i]! + windowMs) sum += weights[j++]!;
    best = Math.max(best, sum);
    sum -= weights[i]!;
  }
  return best;
}

Deno.test("over 20,000 random requests no 60 s window exceeds Binance's 6,000 weight", async () => {
  const clock = fakeClock();
  const { limit, windowMs } = VENUE_LIMITS["api.binance.com"]!;
  const lim = createRateLimiter({ limit, windowMs, now: clock.now, sleep: clock.sleep });
  const rng = createRng(2024);
  const times: number[] = [], weights: number[] = [];
  const t0 = clock.now();
  for (let i = 0; i < 20_000; i++) {
    // bursts (no gap) and idle spells; weights of klines (2), exchangeInfo (20), big ones (200)
    clock.advance(rng.next() < 0.7 ? 0 : rng.int(2_000));
    const w = [1, 2, 2, 5, 20, 200][rng.int(6)]!;
    await lim.acquire(w);
    times.push(clock.now());
    weights.push(w);
  }
  const worst = maxWindowWeight(times, weights, windowMs);
  assert.ok(worst <= limit, `a window held ${worst} > ${limit}`);
  // and it is not needlessly slow: demand exceeded the limit, so throughput is near it
  const total = weights.reduce((a, b) => a + b, 0);
  const perWindow = total / ((clock.now() - t0) / windowMs);
  assert.ok(perWindow > 0.9 * limit, `only ${perWindow.toFixed(0)} per window`);
  assert.ok(worst > 0.95 * limit, "the budget is actually used");
});

Deno.test("a small per-second limit (Kraken 1/s) spaces requests exactly one second apart", async () => {
  const clock = fakeClock(0);
  const lim = createRateLimiter({ ...VENUE_LIMITS["api.kraken.com"]!, ...clock });
  const at: number[] = [];
  for (let i = 0; i < 5; i++) {
    await lim.acquire();
    at.push(clock.now());
  }
  assert.deepEqual(at, [0, 1000, 2000, 3000, 4000]);
});

Deno.test("x-mbx-used-weight-1m tightens the budget; random reports never break the limit", async () => {
  const clock = fakeClock(0);
  const lim = createRateLimiter({
    limit: 6000,
    windowMs: 60_000,
    usedWeightHeader: "x-mbx-used-weight-1m",
    ...clock,
  });
  await lim.acquire(10);
  // another process on our IP used 5,990 of the minute: the next 20 must wait a full window
  assert.equal(lim.fromHeaders(new Headers({ "x-mbx-used-weight-1m": "5990" })), 5980);
  assert.equal(lim.used(), 5990);
  await lim.acquire(20);
  assert.equal(clock.now(), 60_000);
  // a report below our own count, a missing header and garbage change nothing
  assert.equal(lim.fromHeaders(new Headers({ "x-mbx-used-weight-1m": "3" })), 0);
  assert.equal(lim.fromHeaders(new Headers()), 0);
  assert.equal(lim.fromHeaders(new Headers({ "x-mbx-used-weight-1m": "abc" })), 0);

  // our grants plus booked gaps stay within the limit in every window
  const rng = createRng(9);
  const times: number[] = [], weights: number[] = [];
  for (let i = 0; i < 5000; i++) {
    clock.advance(rng.int(300));
    const w = 1 + rng.int(40);
    await lim.acquire(w);
    times.push(clock.now());
    weights.push(w);
    if (rng.next() < 0.1) {
      const before = lim.used();
      const gap = lim.fromHeaders(new Headers({ "x-mbx-used-weight-1m": String(rng.int(7000)) }));
      times.push(clock.now());
      weights.push(gap);
      assert.equal(lim.used(), before + gap);
      assert.ok(lim.used() <= 6000);
    }
  }
  assert.ok(maxWindowWeight(times, weights, 60_000) <= 6000);
});

Deno.test("a weight above the limit, zero or negative is refused with a message", async () => {
  const clock = fakeClock();
  const lim = createRateLimiter({ limit: 10, windowMs: 1000, ...clock });
  await assert.rejects(lim.acquire(11), /weight 11: it must be > 0 and at most the limit 10/);
  await assert.rejects(lim.acquire(0), /must be > 0/);
  assert.throws(
    () => createRateLimiter({ limit: 0, windowMs: 1000, ...clock }),
    /limit must be > 0, got 0/,
  );
});

Deno.test("the pool shares one limiter per host, with overrides for a local exchange", async () => {
  const clock = fakeClock(0);
  const pool = createRateLimiterPool({
    ...clock,
    limits: { "127.0.0.1:8765": { limit: 2, windowMs: 1000 } },
  });
  const local = pool.forUrl("http://127.0.0.1:8765/api/v3/klines")!;
  assert.equal(local, pool.forHost("127.0.0.1:8765"));
  assert.notEqual(
    pool.forUrl("https://api.binance.com/x"),
    pool.forUrl("https://fapi.binance.com/x"),
  );
  assert.equal(pool.forUrl("https://unknown.example/x"), undefined);
  await local.acquire();
  await local.acquire();
  await pool.forUrl("http://127.0.0.1:8765/other")!.acquire();
  assert.equal(clock.now(), 1000);
});
