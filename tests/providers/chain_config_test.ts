/**
 * Chains from config (lib/providers/chain_config.ts): the config file and its defaults, a
 * candles chain over the local exchange that falls back from Binance to Kraken with Kraken's
 * own symbol (values equal to the real Kraken OHLC capture), circuit breakers kept in
 * `provider_health` across a store close/reopen ("process restart") and half-open after the
 * cool-down on a fake clock, and Binance's `x-mbx-used-weight-1m` holding back the limiter.
 */
import assert from "node:assert/strict";
import { backfill, candlesFromChain } from "@lib/ingest/backfill.ts";
import {
  chainCandles,
  chainFromConfig,
  DEFAULT_CHAIN_CONFIG,
  loadChainConfig,
  parseChainConfig,
} from "@lib/providers/chain_config.ts";
import { CircuitOpenError } from "@lib/providers/circuit_breaker.ts";
import { createRateLimiterPool } from "@lib/providers/rate_limiter.ts";
import { openStore } from "@lib/store/db.ts";
import { loadHealth, providerHealthStore } from "@lib/store/provider_health.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";
import { fakeClock } from "./_fake_clock.ts";

Deno.test("chain config: defaults, partial files, and errors that name the field", () => {
  assert.deepEqual(parseChainConfig({}), DEFAULT_CHAIN_CONFIG);
  const c = parseChainConfig({ quotes: ["coinbase"], retry: { maxAttempts: 2 }, lkgMaxAgeMs: 9 });
  assert.deepEqual(c.quotes, ["coinbase"]);
  assert.deepEqual(c.retry, { ...DEFAULT_CHAIN_CONFIG.retry, maxAttempts: 2 });
  assert.equal(c.lkgMaxAgeMs, 9);
  assert.throws(() => parseChainConfig({ candles: ["bitmex"] }), /candles\.0: /);
  assert.throws(
    () => parseChainConfig({ candles: ["dexscreener"] }),
    /candles\.0: venue dexscreener offers no candles/,
  );
  assert.throws(() => parseChainConfig({ quotes: ["kraken", "kraken"] }), /appears twice/);
  assert.throws(() => parseChainConfig({ quotes: [] }), /quotes: /);
  assert.throws(() => parseChainConfig({ retry: { maxAttempts: 0 } }), /retry\.maxAttempts/);
  assert.throws(() => parseChainConfig({ breaker: { cooldown: 5 } }), /breaker/);
  assert.throws(() => parseChainConfig({ candle: ["binance"] }), /candle/);
});

Deno.test("chain config: --providers path, then CRYPTOLAB_PROVIDERS, then the default file", () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-chaincfg-" });
  try {
    const flag = `${dir}/flag.json`, env = `${dir}/env.json`, dflt = `${dir}/providers.json`;
    Deno.writeTextFileSync(flag, JSON.stringify({ quotes: ["kraken"] }));
    Deno.writeTextFileSync(env, JSON.stringify({ quotes: ["coinbase"] }));
    Deno.writeTextFileSync(dflt, JSON.stringify({ quotes: ["binance"] }));
    const opts = { env: { CRYPTOLAB_PROVIDERS: env }, defaultPath: dflt };
    assert.deepEqual(loadChainConfig(flag, opts).config.quotes, ["kraken"]);
    assert.deepEqual(loadChainConfig(undefined, opts), {
      config: parseChainConfig({ quotes: ["coinbase"] }),
      source: env,
    });
    assert.equal(loadChainConfig(undefined, { env: {}, defaultPath: dflt }).source, dflt);
    assert.equal(
      loadChainConfig(undefined, { env: {}, defaultPath: `${dir}/none.json` }).source,
      "defaults",
    );
    assert.throws(() => loadChainConfig(`${dir}/missing.json`, opts), /Cannot read the providers/);
    Deno.writeTextFileSync(flag, "{ quotes: ");
    assert.throws(() => loadChainConfig(flag, opts), /invalid JSON/);
    Deno.writeTextFileSync(flag, JSON.stringify({ funding: ["coinbase"] }));
    assert.throws(() => loadChainConfig(flag, opts), new RegExp(`${flag}: funding\\.0`));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

realDataTest(
  "chain from config: Binance fails, Kraken answers with its own symbol and the real values",
  async () => {
    const ex = await startFakeExchange();
    try {
      const clock = fakeClock(Date.UTC(2025, 10, 11));
      const raw = JSON.parse(
        Deno.readTextFileSync(
          realPath("api_payloads", "kraken_coinbase_nautilus", "kraken", "http_ohlc.json"),
        ),
      );
      const rows: (string | number)[][] = raw.result.XBTUSDT;
      const first = Number(rows[0]![0]) * 1000;
      const config = {
        ...DEFAULT_CHAIN_CONFIG,
        retry: { ...DEFAULT_CHAIN_CONFIG.retry, maxAttempts: 3 },
      };
      const chain = chainFromConfig("candles", config, {
        ctx: { baseUrl: ex.url },
        now: clock.now,
        sleep: clock.sleep,
      });
      ex.faults.add({ kind: "http_500", path: "/api/v3/klines", times: 3 });
      const r = await chainCandles(chain, { symbol: "BTCUSDT", freq: "1m", startTime: first });
      assert.equal(r.provider, "kraken");
      assert.equal(r.stale, false);
      assert.match(r.attempts[0]!.error!, /HTTP 500/);
      // three attempts on Binance (all 500), then one on Kraken for XBTUSDT
      const paths = ex.requests.map((q) => q.path);
      assert.deepEqual(paths, [
        "/api/v3/klines",
        "/api/v3/klines",
        "/api/v3/klines",
        "/0/public/OHLC",
      ]);
      assert.match(ex.requests[3]!.query, /pair=XBTUSDT/);
      // the committed candles (all rows but the forming last one) with the capture's values
      const b = r.value.bars;
      assert.equal(b.ts.length, rows.length - 1);
      for (let i = 0; i < b.ts.length; i++) {
        assert.equal(b.ts[i], Number(rows[i]![0]) * 1000);
        assert.equal(b.close[i], Number(rows[i]![4]));
        assert.equal(b.volume[i], Number(rows[i]![6]));
      }
      // Binance's breaker saw one failure (one chain call), not three
      assert.equal(chain.breakers.binance!.state().failures, 1);
      // an unmapped asset is refused before any request
      assert.throws(
        () => chainCandles(chain, { symbol: "DOGEUSDT", freq: "1m" }),
        /Unknown symbol "DOGEUSDT"/,
      );
    } finally {
      await ex.close();
    }
  },
);

realDataTest(
  "chain from config: an open breaker survives a restart in provider_health, then goes half-open",
  async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    const path = `${s.dir}/test.db`;
    try {
      const clock = fakeClock(Date.UTC(2026, 0, 5));
      const config = parseChainConfig({
        quotes: ["binance", "kraken"],
        retry: { maxAttempts: 1 },
        breaker: { failureThreshold: 2, cooldownMs: 60_000 },
      });
      const ask = (venue: string) => (venue === "kraken" ? ["XBTUSDT"] : ["BTCUSDT"]);
      // "process" 1: Binance answers 500 twice -> its breaker opens and is saved
      const chain1 = chainFromConfig("quotes", config, {
        health: providerHealthStore(s.db),
        ctx: { baseUrl: ex.url },
        now: clock.now,
        sleep: clock.sleep,
      });
      ex.faults.add({ kind: "http_500", path: "/api/v3/ticker/price", times: 2 });
      for (let i = 0; i < 2; i++) {
        const r = await chain1.call((p, v) => p.fetchQuotes(ask(v)));
        assert.equal(r.provider, "kraken");
      }
      assert.equal(chain1.breakers.binance!.state().state, "open");
      const openedAt = chain1.breakers.binance!.state().openedAt!;
      s.close();

      // "process" 2: a new store handle on the same file sees it open and skips Binance
      const store2 = openStore(path);
      try {
        assert.equal(loadHealth(store2.db, "binance")?.state, "open");
        assert.equal(loadHealth(store2.db, "binance")?.openedAt, openedAt);
        // Kraken never left closed with 0 failures: no change, no row
        assert.equal(loadHealth(store2.db, "kraken"), undefined);
        const chain2 = chainFromConfig("quotes", config, {
          health: providerHealthStore(store2.db),
          ctx: { baseUrl: ex.url },
          now: clock.now,
          sleep: clock.sleep,
        });
        const before = ex.requests.length;
        clock.advance(openedAt + 59_000 - clock.now());
        const r = await chain2.call((p, v) => p.fetchQuotes(ask(v)));
        assert.equal(r.provider, "kraken");
        assert.match(r.attempts[0]!.error!, /circuit open/);
        assert.deepEqual(ex.requests.slice(before).map((q) => q.path), ["/0/public/Ticker"]);
        await assert.rejects(
          chain2.breakers.binance!.call(() => Promise.resolve(1)),
          CircuitOpenError,
        );
        // past the cool-down the next call is the half-open trial; its success closes it
        clock.advance(openedAt + 60_000 - clock.now());
        const states: string[] = [];
        const trial = await chain2.breakers.binance!.call(() => {
          states.push(loadHealth(store2.db, "binance")!.state);
          return chain2.providers.binance!.fetchQuotes(["BTCUSDT"]);
        });
        assert.deepEqual(states, ["half_open"]);
        assert.equal(trial[0]!.symbol, "BTCUSDT");
        assert.equal(loadHealth(store2.db, "binance")?.state, "closed");
        assert.equal(loadHealth(store2.db, "binance")?.failures, 0);
      } finally {
        store2.close();
      }
    } finally {
      s.cleanup();
      await ex.close();
    }
  },
);

realDataTest(
  "rate limiter: backfill pays klines weight 2 and honours Binance's x-mbx-used-weight-1m",
  async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      const clock = fakeClock(Date.UTC(2026, 0, 5));
      const pool = createRateLimiterPool({ now: clock.now, sleep: clock.sleep });
      const chain = chainFromConfig("candles", DEFAULT_CHAIN_CONFIG, {
        ctx: { baseUrl: ex.url },
        now: clock.now,
        sleep: clock.sleep,
        pool,
      });
      // other clients on the IP already used 5,990 of the 6,000 per minute
      ex.setForeignWeight(5990);
      const H = 3_600_000;
      const since = Date.UTC(2020, 0, 1);
      const r = await backfill(s.db, {
        ...candlesFromChain(chain, "binance"),
        symbols: ["BTCUSDT"],
        freq: "1h",
        since,
        until: since + 12 * H,
        limit: 2,
        now: clock.now,
        sleep: clock.sleep,
      });
      assert.equal(r.status, "ok");
      assert.equal(r.inserted, 12);
      const klines = ex.requests.filter((q) => q.path === "/api/v3/klines");
      assert.equal(klines.length, 6);
      // Request 1 books 2, the header says 5,992 -> 5,990 booked as a gap; requests 2-5 fit
      // (5,994 ... 6,000); request 6 must wait for the window to roll: one sleep of ~60 s.
      assert.equal(clock.sleeps.length, 1);
      assert.ok(clock.sleeps[0]! > 59_000 && clock.sleeps[0]! <= 60_000, `${clock.sleeps}`);
      // the 6th answer's header counts all six requests of the (real-time) minute plus the
      // foreign 5,990: the limiter books it up to the limit, so the next request would wait
      assert.equal(pool.forHost("api.binance.com")!.used(), 6000);
    } finally {
      s.cleanup();
      await ex.close();
    }
  },
);
