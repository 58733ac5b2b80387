import assert from "node:assert/strict";
import { backoffDelay, RETRY_DEFAULTS, type RetryEvent, withRetry } from "@lib/providers/retry.ts";
import { ProviderError } from "@lib/providers/types.ts";
import { getJson } from "@lib/providers/http.ts";
import { createRng } from "@lib/stats/rng.ts";
import { z } from "zod";
import { fakeClock } from "./_fake_clock.ts";

const network = () => new ProviderError("p", "network", "http://p/x", "connection reset");

Deno.test("backoff delays stay below min(maxDelay, base * 2^k) and the last error is thrown", async () => {
  const clock = fakeClock();
  const events: RetryEvent[] = [];
  let calls = 0;
  const last = new ProviderError("p", "timeout", "http://p/x", "no answer in 10 ms");
  await assert.rejects(
    withRetry(() => {
      calls++;
      return Promise.reject(calls === 9 ? last : network());
    }, {
      maxAttempts: 9,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      jitter: createRng(11),
      sleep: clock.sleep,
      now: clock.now,
      onRetry: (e) => events.push(e),
    }),
    (e) => e === last,
  );
  assert.equal(calls, 9);
  assert.equal(events.length, 8);
  assert.deepEqual(clock.sleeps, events.map((e) => e.delayMs));
  for (let k = 0; k < events.length; k++) {
    const cap = Math.min(1000, 100 * 2 ** k);
    assert.equal(events[k]!.attempt, k + 1);
    assert.ok(events[k]!.delayMs >= 0 && events[k]!.delayMs < cap, `delay ${k} within cap ${cap}`);
  }
});

Deno.test("full jitter over many draws fills [0, cap) evenly (mean near cap / 2)", () => {
  // the mean of U(0, cap) is cap / 2 with standard error cap / sqrt(12 n); 5 SE is generous
  const rng = createRng(3);
  const n = 20_000;
  let sum = 0, max = 0;
  for (let i = 0; i < n; i++) {
    const d = backoffDelay(12, rng.next(), 100, 1000);
    sum += d;
    max = Math.max(max, d);
  }
  assert.ok(Math.abs(sum / n - 500) < 5 * 1000 / Math.sqrt(12 * n));
  assert.ok(max < 1000 && max > 990);
});

Deno.test("the same seed gives the same delays, another seed different ones", async () => {
  async function delays(seed: number): Promise<number[]> {
    const clock = fakeClock();
    await assert.rejects(
      withRetry(() => Promise.reject(network()), {
        maxAttempts: 6,
        baseDelayMs: 50,
        maxDelayMs: 10_000,
        jitter: createRng(seed),
        sleep: clock.sleep,
      }),
    );
    return clock.sleeps;
  }
  const a = await delays(42), b = await delays(42), c = await delays(43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // and they are exactly u_k * cap_k with u_k the seeded stream
  const rng = createRng(42);
  assert.deepEqual(a, [0, 1, 2, 3, 4].map((k) => rng.next() * Math.min(10_000, 50 * 2 ** k)));
});

Deno.test("Retry-After of a rate-limited answer is waited in full, even above maxDelayMs", async () => {
  const clock = fakeClock();
  let calls = 0;
  const v = await withRetry(() => {
    calls++;
    if (calls === 1) {
      return Promise.reject(
        new ProviderError("binance", "rate_limited", "u", "HTTP 429", {
          status: 429,
          retryAfterMs: 7000,
        }),
      );
    }
    return Promise.resolve("ok");
  }, { baseDelayMs: 100, maxDelayMs: 1000, jitter: createRng(1), sleep: clock.sleep });
  assert.equal(v, "ok");
  assert.deepEqual(clock.sleeps, [7000]);
});

Deno.test("a 429 from getJson with Retry-After: 3 is waited 3 s, then the body is used", async () => {
  const clock = fakeClock();
  let calls = 0;
  const fetch = () => {
    calls++;
    return Promise.resolve(
      calls === 1
        ? new Response("Too many requests", { status: 429, headers: { "retry-after": "3" } })
        : new Response('{"price":"64000.10"}'),
    );
  };
  const r = await withRetry(
    () => getJson("binance", "http://127.0.0.1:1/p", z.object({ price: z.string() }), { fetch }),
    { baseDelayMs: 10, maxDelayMs: 100, jitter: createRng(5), sleep: clock.sleep },
  );
  assert.equal(r.data.price, "64000.10");
  assert.deepEqual(clock.sleeps, [3000]);
});

Deno.test("a Retry-After beyond maxRetryAfterMs fails at once, saying how many seconds", async () => {
  const clock = fakeClock();
  let calls = 0;
  const banned = new ProviderError("binance", "rate_limited", "u", "HTTP 418", {
    status: 418,
    retryAfterMs: 120_000,
  });
  await assert.rejects(
    withRetry(() => {
      calls++;
      return Promise.reject(banned);
    }, { maxRetryAfterMs: 60_000, jitter: createRng(1), sleep: clock.sleep }),
    (e) =>
      e instanceof ProviderError && e.kind === "rate_limited" && e.retryable &&
      e.detail.retryAfterMs === 120_000 &&
      e.message ===
        "binance: HTTP 418 with Retry-After 120 s, longer than this task will wait (60 s, " +
          "retry.maxRetryAfterMs); try again in 120 s or raise retry.maxRetryAfterMs in the " +
          "providers config (u)",
  );
  assert.equal(calls, 1);
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("a Retry-After past the deadline (maxElapsedMs) fails at once, saying so", async () => {
  const clock = fakeClock();
  const limited = new ProviderError("kraken", "rate_limited", "u", "HTTP 429", {
    status: 429,
    retryAfterMs: 45_000,
  });
  await assert.rejects(
    withRetry(() => Promise.reject(limited), {
      maxElapsedMs: 10_000,
      jitter: createRng(1),
      sleep: clock.sleep,
      now: clock.now,
    }),
    /kraken: HTTP 429 with Retry-After 45 s, longer than this task will wait \(10 s, the deadline\); try again in 45 s \(u\)/,
  );
  assert.deepEqual(clock.sleeps, []);
});

Deno.test("parse errors, 4xx and non-provider errors are never retried; 5xx are", async () => {
  const cases: [Error, number][] = [
    [new ProviderError("p", "parse", "u", "got an HTML page instead of JSON"), 1],
    [new ProviderError("p", "http", "u", "HTTP 404", { status: 404 }), 1],
    [new TypeError("bug"), 1],
    [new ProviderError("p", "http", "u", "HTTP 503", { status: 503 }), 3],
  ];
  for (const [err, expected] of cases) {
    const clock = fakeClock();
    let calls = 0;
    await assert.rejects(
      withRetry(() => {
        calls++;
        return Promise.reject(err);
      }, { maxAttempts: 3, jitter: createRng(1), sleep: clock.sleep }),
      (e) => e === err,
    );
    assert.equal(calls, expected, err.message);
    assert.equal(clock.sleeps.length, expected - 1);
  }
});

Deno.test("truncated JSON with status 200 is retried like a 5xx; the wrong shape is not", async () => {
  const clock = fakeClock();
  let calls = 0;
  const fetch = () => {
    calls++;
    return Promise.resolve(new Response(calls < 3 ? '{"price":"640' : '{"price":"64000.10"}'));
  };
  const schema = z.object({ price: z.string() });
  const r = await withRetry(
    () => getJson("binance", "http://127.0.0.1:1/p", schema, { fetch }),
    { jitter: createRng(5), sleep: clock.sleep },
  );
  assert.equal(r.data.price, "64000.10");
  assert.equal(calls, 3);
  assert.equal(clock.sleeps.length, 2);

  // every attempt truncated: the parse error (with its raw text, for quarantine) after
  // RETRY_DEFAULTS.maxAttempts attempts
  calls = 0;
  const cut = () => {
    calls++;
    return Promise.resolve(new Response('{"price":"640'));
  };
  await assert.rejects(
    withRetry(() => getJson("binance", "http://127.0.0.1:1/p", schema, { fetch: cut }), {
      jitter: createRng(5),
      sleep: clock.sleep,
    }),
    (e) => e instanceof ProviderError && e.kind === "parse" && e.detail.raw === '{"price":"640',
  );
  assert.equal(calls, RETRY_DEFAULTS.maxAttempts);

  // valid JSON of the wrong shape: the same bytes would fail the same way
  calls = 0;
  const wrong = () => {
    calls++;
    return Promise.resolve(new Response('{"price":640}'));
  };
  await assert.rejects(
    withRetry(() => getJson("binance", "http://127.0.0.1:1/p", schema, { fetch: wrong }), {
      jitter: createRng(5),
      sleep: clock.sleep,
    }),
    /unexpected payload at price/,
  );
  assert.equal(calls, 1);
});

Deno.test("maxElapsedMs stops retrying when the next wait would overrun it", async () => {
  const clock = fakeClock();
  let calls = 0;
  await assert.rejects(
    withRetry(() => {
      calls++;
      return Promise.reject(
        new ProviderError("p", "rate_limited", "u", "HTTP 429", { retryAfterMs: 4000 }),
      );
    }, {
      maxAttempts: 10,
      maxElapsedMs: 10_000,
      jitter: createRng(1),
      sleep: clock.sleep,
      now: clock.now,
    }),
  );
  // waits of at least 4 s each: two fit in 10 s, the third would not
  assert.equal(calls, 3);
  assert.equal(clock.sleeps.length, 2);
});

Deno.test("bad options are refused with a message", async () => {
  const base = { jitter: createRng(1), sleep: () => Promise.resolve() };
  await assert.rejects(
    withRetry(() => Promise.resolve(1), { ...base, maxAttempts: 0 }),
    /maxAttempts must be an integer >= 1, got 0/,
  );
  await assert.rejects(
    withRetry(() => Promise.resolve(1), { ...base, baseDelayMs: -1 }),
    /baseDelayMs must be a finite number >= 0/,
  );
});
