/**
 * The demo's Binance backfill goes through the same guarded chain as `deno task backfill`:
 * the providers config's retry settings, and the circuit breaker persisted in
 * `provider_health`, so a demo that hammered a failing exchange leaves the breaker open for
 * the next task, and a breaker opened by an earlier task stops the demo from asking at all.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { loadHealth, saveHealth } from "@lib/store/provider_health.ts";
import { DEFAULT_CHAIN_CONFIG } from "@lib/providers/chain_config.ts";
import { runBinanceDemo } from "@lib/pipeline/demo_binance.ts";

const NOW = Date.UTC(2024, 0, 5);
const GIT = { commit: "unknown", dirty: null } as const;

/** An exchange whose universe endpoints answer and whose klines always fail with 503. */
function failingKlines() {
  const calls = { klines: 0 };
  const info = {
    serverTime: NOW,
    symbols: ["BTCUSDT", "ETHUSDT", "SOLUSDT"].map((symbol) => ({
      symbol,
      status: "TRADING",
      baseAsset: symbol.slice(0, 3),
      quoteAsset: "USDT",
    })),
  };
  const tick = (symbol: string) => ({
    symbol,
    lastPrice: "1",
    volume: "1",
    quoteVolume: "9",
    closeTime: 0,
  });
  const fetch = (url: string) => {
    const u = new URL(url);
    if (u.pathname.endsWith("exchangeInfo")) return Promise.resolve(Response.json(info));
    if (u.pathname.endsWith("ticker/24hr")) {
      return Promise.resolve(Response.json([tick("BTCUSDT"), tick("ETHUSDT"), tick("SOLUSDT")]));
    }
    calls.klines++;
    return Promise.resolve(new Response("down", { status: 503 }));
  };
  return { fetch, calls };
}

const CONFIG = {
  ...DEFAULT_CHAIN_CONFIG,
  retry: { ...DEFAULT_CHAIN_CONFIG.retry, maxAttempts: 2, baseDelayMs: 1 },
  breaker: { failureThreshold: 2, cooldownMs: 3_600_000 },
};

Deno.test("the demo's backfill retries with the config and persists the breaker it opened", async () => {
  const { fetch, calls } = failingKlines();
  const { db } = openStore(":memory:");
  let retries = 0;
  await assert.rejects(
    runBinanceDemo(db, {
      fetch,
      baseUrl: "http://127.0.0.1:1",
      serverTime: NOW,
      assets: 3,
      days: 2,
      config: CONFIG,
      sleep: () => Promise.resolve(),
      onRetry: () => retries++,
      git: GIT,
    }),
    /benchmark BTCUSDT failed to backfill/,
  );
  assert.ok(retries >= 1, "the config's retries were used");
  const health = loadHealth(db, "binance");
  assert.equal(health?.state, "open", "the breaker is persisted in provider_health");
  // Each symbol is one breaker call of 2 attempts; after 2 failed symbols the breaker is open
  // and the third symbol is never requested (6 requests without a breaker).
  assert.equal(calls.klines, 4);
});

Deno.test("a breaker left open by an earlier task keeps the demo from asking Binance", async () => {
  const { fetch, calls } = failingKlines();
  const { db } = openStore(":memory:");
  saveHealth(db, "binance", {
    state: "open",
    failures: 5,
    lastError: "HTTP 503",
    openedAt: Date.now(),
    updatedAt: Date.now(),
  });
  await assert.rejects(
    runBinanceDemo(db, {
      fetch,
      baseUrl: "http://127.0.0.1:1",
      serverTime: NOW,
      assets: 2,
      days: 2,
      config: CONFIG,
      sleep: () => Promise.resolve(),
      git: GIT,
    }),
    /failed to backfill/,
  );
  assert.equal(calls.klines, 0);
});
