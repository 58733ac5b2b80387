import assert from "node:assert/strict";
import { ChainError, type ChainStep, createChain } from "@lib/providers/chain.ts";
import { CircuitOpenError, createCircuitBreaker } from "@lib/providers/circuit_breaker.ts";
import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
import { createRateLimiter } from "@lib/providers/rate_limiter.ts";
import { getJson } from "@lib/providers/http.ts";
import { ProviderError } from "@lib/providers/types.ts";
import { createRng } from "@lib/stats/rng.ts";
import { z } from "zod";
import { fakeClock } from "./_fake_clock.ts";

/** A step that answers from a script of outcomes and counts its calls. */
function scripted(id: string, outcomes: (number | Error)[]): ChainStep<number> & { calls: number } {
  const step = {
    id,
    calls: 0,
    call(): Promise<number> {
      const o = outcomes[Math.min(step.calls, outcomes.length - 1)]!;
      step.calls++;
      return o instanceof Error ? Promise.reject(o) : Promise.resolve(o);
    },
  };
  return step;
}

const net = (p: string) => new ProviderError(p, "network", `http://${p}/x`, "connection refused");
const parse = (p: string) =>
  new ProviderError(p, "parse", `http://${p}/x`, "got an HTML page instead of JSON");
const http503 = (p: string) =>
  new ProviderError(p, "http", `http://${p}/x`, "HTTP 503", { status: 503 });

Deno.test("providers are tried in order; retryable ones are retried, parse errors are not", async () => {
  const clock = fakeClock();
  const a = scripted("binance", [net("binance")]);
  const b = scripted("coinbase", [parse("coinbase")]);
  const c = scripted("kraken", [64000.5]);
  const d = scripted("dexscreener", [1]);
  const chain = createChain([a, b, c, d], {
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, jitter: createRng(1) },
    ...clock,
  });
  const r = await chain.call();
  assert.equal(r.value, 64000.5);
  assert.equal(r.provider, "kraken");
  assert.equal(r.stale, false);
  assert.equal(r.ageMs, 0);
  assert.deepEqual(r.attempts.map((x) => x.provider), ["binance", "coinbase", "kraken"]);
  assert.match(r.attempts[0]!.error!, /binance: connection refused/);
  assert.match(r.attempts[1]!.error!, /HTML page/);
  assert.equal(r.attempts[2]!.error, undefined);
  assert.deepEqual([a.calls, b.calls, c.calls, d.calls], [3, 1, 1, 0]);
  assert.equal(clock.sleeps.length, 2, "only binance's two retries waited");
});

Deno.test("an open breaker skips its provider without calling it", async () => {
  const clock = fakeClock(0);
  const a = scripted("binance", [http503("binance")]);
  const b = scripted("kraken", [2]);
  const chain = createChain([a, b], {
    retry: { maxAttempts: 2, jitter: createRng(2) },
    breakers: {
      binance: createCircuitBreaker({
        provider: "binance",
        failureThreshold: 2,
        cooldownMs: 60_000,
        now: clock.now,
      }),
    },
    ...clock,
  });
  await chain.call();
  await chain.call();
  assert.equal(a.calls, 4); // two chain calls, two attempts each
  assert.equal(chain.breakers.binance!.state().state, "open");
  const r = await chain.call();
  assert.equal(a.calls, 4, "binance was not called while its breaker is open");
  assert.match(r.attempts[0]!.error!, /circuit open/);
  assert.equal(r.provider, "kraken");
  assert.ok(chain.breakers.kraken !== undefined, "a default breaker guards kraken");
  assert.equal(chain.breakers.kraken!.state().state, "closed");
});

Deno.test("when all fail, the last-known-good value is served stale until it is too old", async () => {
  const clock = fakeClock(0);
  let binanceUp = true;
  const binance: ChainStep<number> = {
    id: "binance",
    call: () => binanceUp ? Promise.resolve(64000) : Promise.reject(net("binance")),
  };
  const kraken = scripted("kraken", [http503("kraken")]);
  const chain = createChain([binance, kraken], {
    retry: { maxAttempts: 1, jitter: createRng(3) },
    breakers: {
      binance: createCircuitBreaker({ provider: "binance", failureThreshold: 100, now: clock.now }),
      kraken: createCircuitBreaker({ provider: "kraken", failureThreshold: 100, now: clock.now }),
    },
    lkg: { key: "spot:BTCUSDT", maxAgeMs: 120_000 },
    ...clock,
  });
  assert.equal((await chain.call()).stale, false);
  binanceUp = false;
  clock.advance(90_000);
  const r = await chain.call();
  assert.equal(r.value, 64000);
  assert.equal(r.stale, true);
  assert.equal(r.ageMs, 90_000);
  assert.equal(r.provider, "binance", "the provider the cached value came from");
  assert.deepEqual(r.attempts.map((x) => x.provider), ["binance", "kraken"]);
  assert.ok(r.attempts.every((x) => x.error !== undefined));
  clock.advance(30_001);
  await assert.rejects(chain.call(), (e) => {
    assert.ok(e instanceof ChainError);
    assert.match(e.message, /no last-known-good value of spot:BTCUSDT is at most 120000 ms old/);
    return true;
  });
});

Deno.test("the aggregated error names every provider and its failure", async () => {
  const clock = fakeClock(0);
  const chain = createChain([
    scripted("binance", [net("binance")]),
    scripted("coinbase", [parse("coinbase")]),
    scripted("kraken", [http503("kraken")]),
  ], { retry: { maxAttempts: 2, jitter: createRng(4) }, ...clock });
  await assert.rejects(chain.call(), (e) => {
    assert.ok(e instanceof ChainError);
    assert.equal(e.attempts.length, 3);
    assert.equal(
      e.message,
      "All 3 providers failed: [binance] binance: connection refused (http://binance/x); " +
        "[coinbase] coinbase: got an HTML page instead of JSON (http://coinbase/x); " +
        "[kraken] kraken: HTTP 503 (http://kraken/x). Check the network and each venue's " +
        "status, or add a provider to the chain.",
    );
    return true;
  });
});

Deno.test("every attempt, retries included, pays its weight to the rate limiter", async () => {
  const clock = fakeClock(0);
  const limiter = createRateLimiter({ limit: 10, windowMs: 1000, ...clock });
  const a = scripted("binance", [net("binance"), net("binance"), 5]);
  const chain = createChain([{ ...a, weight: 4, call: () => a.call() }], {
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, jitter: createRng(5) },
    limiter,
    ...clock,
  });
  const r = await chain.call();
  assert.equal(r.value, 5);
  assert.equal(a.calls, 3);
  // 3 attempts of weight 4 = 12 > 10 within a second: the third waited for the first to expire
  assert.ok(clock.now() >= 1000);
  assert.equal(limiter.used(), 8);
});

Deno.test("a 429 with Retry-After from getJson is waited out inside the chain", async () => {
  const clock = fakeClock(0);
  let calls = 0;
  const fetch = () => {
    calls++;
    return Promise.resolve(
      calls === 1
        ? new Response("", { status: 429, headers: { "retry-after": "2" } })
        : new Response('{"price":"3010.5"}'),
    );
  };
  const chain = createChain([{
    id: "binance",
    call: async () =>
      Number(
        (await getJson("binance", "http://127.0.0.1:1/t", z.object({ price: z.string() }), {
          fetch,
          now: clock.now,
        })).data.price,
      ),
  }], { retry: { maxAttempts: 3, maxDelayMs: 500, jitter: createRng(6) }, ...clock });
  const r = await chain.call();
  assert.equal(r.value, 3010.5);
  assert.deepEqual(clock.sleeps, [2000]);
});

Deno.test("a shared LKG cache is used across chains; bad chains are refused", async () => {
  const clock = fakeClock(0);
  const cache = createLastKnownGood<number>({ maxAgeMs: 10_000, now: clock.now });
  cache.put("q", 7, "kraken");
  const chain = createChain([scripted("binance", [net("binance")])], {
    retry: { maxAttempts: 1, jitter: createRng(7) },
    lkg: { key: "q", maxAgeMs: 5_000, cache },
    ...clock,
  });
  clock.advance(4_000);
  const r = await chain.call();
  assert.deepEqual([r.value, r.stale, r.provider, r.ageMs], [7, true, "kraken", 4_000]);
  clock.advance(1_001);
  await assert.rejects(chain.call(), ChainError);
  assert.throws(
    () => createChain([], { retry: { jitter: createRng(1) }, ...clock }),
    /at least one step/,
  );
  assert.throws(
    () =>
      createChain([scripted("a", [1]), scripted("a", [2])], {
        retry: { jitter: createRng(1) },
        ...clock,
      }),
    /provider id a appears twice/,
  );
  // a circuit-open rejection is never retried by the chain's retry layer
  assert.equal(new CircuitOpenError("x", 0, undefined) instanceof ProviderError, false);
});
