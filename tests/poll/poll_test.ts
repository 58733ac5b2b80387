/**
 * One poll cycle against the local exchange (real Binance ticker/price, Kraken Ticker and
 * Dexscreener search captures): rows equal to the payload values; a venue failing with HTTP 500
 * is served stale from the last-known-good cache; the cross-venue gate on injected real-shaped
 * quotes; the loop survives a failing cycle.
 *
 * The Binance capture (BTCUSDT 60,740) and the Kraken capture (XBTUSDT 105,899.4) were taken
 * on different dates, so they differ by 54%: the full-cycle test sets the gate's tolerance to
 * 0.6 so both pass, and the gate itself is tested on injected quotes that agree.
 */
import assert from "node:assert/strict";
import { pollOnce, runPoll } from "@lib/ingest/poll.ts";
import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
import { providerFor } from "@lib/providers/registry.ts";
import type { SpotQuote, SpotQuoteSource } from "@lib/providers/types.ts";
import { listQuarantine } from "@lib/store/quarantine.ts";
import { readDexSnapshots, readSpotSnapshots } from "@lib/store/snapshots.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";
import {
  ALL_CHAINS,
  binanceTicker,
  dexSearch,
  EXPECTED_UNIVERSE,
  fakeFetch,
  type Json,
  krakenTicker,
} from "./_real.ts";

realDataTest(
  "poll: one cycle writes spot and DEX snapshots equal to the payloads; a 500 gives a stale row next cycle",
  async () => {
    const ex = await startFakeExchange();
    const store = tempStore();
    try {
      let t = Date.UTC(2026, 0, 5, 10, 0);
      const now = () => t;
      const ctx = { baseUrl: ex.url, now };
      const lkg = createLastKnownGood<SpotQuote>({ maxAgeMs: 300_000, now });
      const opts = {
        quoteSources: [providerFor("binance", "quotes", ctx), providerFor("kraken", "quotes", ctx)],
        symbols: ["BTCUSDT"],
        lkg,
        gates: { tolerance: 0.6 },
        dex: {
          source: providerFor("dexscreener", "dex", ctx),
          queries: ["USD1/USDC"],
          chains: ALL_CHAINS,
        },
        now,
        log: () => {},
      };
      const r1 = await pollOnce(store.db, opts);
      assert.deepEqual(r1.errors, []);
      assert.equal(r1.spotWritten, 2);
      assert.equal(r1.dexWritten, 3);

      const bin = binanceTicker();
      const kr = krakenTicker().result.XBTUSDT;
      const spot = readSpotSnapshots(store.db);
      assert.deepEqual(spot.map((s) => ({ ...s, runId: undefined })), [
        {
          venue: "binance",
          symbol: bin.symbol,
          ts: t,
          price: Number(bin.price),
          bid: undefined,
          ask: undefined,
          volume24h: undefined,
          stale: false,
          source: "binance:quotes",
          fetchedAt: t,
          runId: undefined,
        },
        {
          venue: "kraken",
          symbol: "XBTUSDT",
          ts: t,
          price: Number(kr.c[0]),
          bid: Number(kr.b[0]),
          ask: Number(kr.a[0]),
          volume24h: Number(kr.v[1]),
          stale: false,
          source: "kraken:quotes",
          fetchedAt: t,
          runId: undefined,
        },
      ]);

      const raw = new Map<string, Json>(
        dexSearch().pairs.map((p: Json) => [`${p.chainId}:${p.pairAddress}`, p]),
      );
      const dex = readDexSnapshots(store.db);
      assert.deepEqual(
        dex.map((d) => `${d.chainId}:${d.pairAddress}`).sort(),
        [...EXPECTED_UNIVERSE].sort(),
      );
      for (const d of dex) {
        const p = raw.get(`${d.chainId}:${d.pairAddress}`);
        assert.equal(d.ts, t);
        assert.equal(d.dexId, p.dexId);
        assert.equal(d.baseSymbol, p.baseToken.symbol);
        assert.equal(d.quoteAddress, p.quoteToken.address);
        assert.equal(d.priceNative, Number(p.priceNative));
        assert.equal(d.priceUsd, Number(p.priceUsd));
        assert.equal(d.liquidityUsd, p.liquidity.usd);
        assert.equal(d.volumeH24, p.volume.h24);
        assert.equal(d.txnsH24Buys, p.txns.h24.buys);
        assert.equal(d.txnsH24Sells, p.txns.h24.sells);
        assert.equal(d.pairCreatedAt, p.pairCreatedAt);
        assert.equal(d.stale, false);
      }

      // Kraken fails with HTTP 500: its last good quote is written at the new cycle time, stale.
      ex.faults.add({ kind: "http_500", path: "/0/public/Ticker", times: 5 });
      t += 60_000;
      const r2 = await pollOnce(store.db, opts);
      assert.equal(r2.errors.length, 1);
      assert.match(r2.errors[0]!, /^kraken quotes failed: .*500/);
      assert.equal(r2.spotWritten, 1);
      assert.equal(r2.spotStale, 1);
      const k2 = readSpotSnapshots(store.db, { venue: "kraken", from: t });
      assert.equal(k2.length, 1);
      assert.equal(k2[0]!.stale, true);
      assert.equal(k2[0]!.price, Number(kr.c[0]));
      assert.match(
        k2[0]!.source,
        /^kraken:last-known-good \(quote of 2026-01-05T10:00:00\.000Z, age 60000 ms\)$/,
      );
      assert.equal(readSpotSnapshots(store.db, { venue: "binance", from: t })[0]!.stale, false);

      // Past the cache's maximum age nothing is served.
      ex.faults.add({ kind: "http_500", path: "/0/public/Ticker", times: 5 });
      t += 301_000;
      const r3 = await pollOnce(store.db, opts);
      assert.equal(r3.spotStale, 0);
      assert.equal(readSpotSnapshots(store.db, { venue: "kraken", from: t }).length, 0);
    } finally {
      store.cleanup();
      await ex.close();
    }
  },
);

realDataTest(
  "poll: cross-venue gate on injected quotes quarantines the outlier with its JSON",
  async () => {
    const store = tempStore();
    try {
      const t = Date.UTC(2026, 0, 5, 10, 0);
      const now = () => t;
      // Binance: the real capture (60,740). Kraken: the real capture with its last price set
      // to 60,755.1. Coinbase: a ticker at 66,000 (8.6% above the median 60,755.1).
      const kraken = krakenTicker();
      kraken.result.XBTUSDT.c[0] = "60755.1";
      const bodies: Record<string, string> = {
        binance: JSON.stringify(binanceTicker()),
        kraken: JSON.stringify(kraken),
        coinbase: JSON.stringify({
          price: "66000.00",
          bid: "65999.99",
          ask: "66000.01",
          volume: "1234.5",
        }),
      };
      const sources: SpotQuoteSource[] = Object.keys(bodies).map((v) =>
        providerFor(v, "quotes", {
          baseUrl: "http://127.0.0.1:9",
          now,
          fetch: fakeFetch(() => bodies[v]!).fetch,
        })
      );
      const lkg = createLastKnownGood<SpotQuote>({ maxAgeMs: 300_000, now });
      const r = await pollOnce(store.db, { quoteSources: sources, symbols: ["BTC"], lkg, now });
      assert.equal(r.spotWritten, 2);
      assert.equal(r.quarantined, 1);
      assert.deepEqual(readSpotSnapshots(store.db).map((s) => [s.venue, s.symbol, s.price]), [
        ["binance", "BTCUSDT", 60740],
        ["kraken", "XBTUSDT", 60755.1],
      ]);
      const [q] = listQuarantine(store.db);
      assert.equal(q!.source, "poll:coinbase");
      assert.equal(q!.locator, "BTC-USD@2026-01-05T10:00:00.000Z");
      assert.match(
        q!.reason,
        /coinbase price 66000 deviates 8\.63% from the median 60755\.1 of 3 venues/,
      );
      assert.deepEqual(JSON.parse(q!.raw), {
        venue: "coinbase",
        symbol: "BTC-USD",
        ts: t,
        price: 66000,
        bid: 65999.99,
        ask: 66000.01,
        volume24h: 1234.5,
      });
      // The refused quote is not a last known good value; the accepted ones are.
      assert.equal(lkg.get("coinbase:BTC-USD"), undefined);
      assert.equal(lkg.get("kraken:XBTUSDT")?.value.price, 60755.1);
    } finally {
      store.cleanup();
    }
  },
);

realDataTest(
  "poll: a payload that does not parse is quarantined raw and the cycle goes on",
  async () => {
    const store = tempStore();
    try {
      const now = () => Date.UTC(2026, 0, 5);
      const html = "<html><body>502 Bad gateway</body></html>";
      const sources = [
        providerFor("binance", "quotes", {
          baseUrl: "http://127.0.0.1:9",
          now,
          fetch: fakeFetch(() => JSON.stringify(binanceTicker())).fetch,
        }),
        providerFor("kraken", "quotes", {
          baseUrl: "http://127.0.0.1:9",
          now,
          fetch: fakeFetch(() => html).fetch,
        }),
      ];
      const lkg = createLastKnownGood<SpotQuote>({ maxAgeMs: 300_000, now });
      const r = await pollOnce(store.db, {
        quoteSources: sources,
        symbols: ["BTC"],
        lkg,
        now,
        log: () => {},
      });
      assert.equal(r.spotWritten, 1);
      assert.equal(r.errors.length, 1);
      const [q] = listQuarantine(store.db);
      assert.equal(q!.source, "poll:kraken");
      assert.equal(q!.raw, html);
    } finally {
      store.cleanup();
    }
  },
);

Deno.test("poll: runPoll keeps going after a venue fails, on interval boundaries, and stops on abort", async () => {
  const store = tempStore();
  try {
    const ctrl = new AbortController();
    let calls = 0;
    const flaky: SpotQuoteSource = {
      id: "binance",
      fetchQuotes: (symbols) => {
        calls++;
        if (calls === 1) return Promise.reject(new Error("connection reset"));
        return Promise.resolve(symbols.map((symbol) => ({
          venue: "binance",
          symbol,
          ts: Date.now(),
          price: 100 + calls,
          bid: undefined,
          ask: undefined,
          volume24h: undefined,
        })));
      },
    };
    const logs: string[] = [];
    const starts: number[] = [];
    const lkg = createLastKnownGood<SpotQuote>({ maxAgeMs: 10_000, now: Date.now });
    const cycles = await runPoll(store.db, {
      quoteSources: [flaky],
      symbols: ["BTC"],
      lkg,
      now: Date.now,
      intervalMs: 50,
      signal: ctrl.signal,
      log: (l) => logs.push(l),
      onCycle: (r) => {
        starts.push(r.ts);
        if (starts.length === 3) ctrl.abort();
      },
    });
    assert.equal(cycles, 3);
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /binance quotes failed: connection reset; continuing/);
    // Cycles start on 50 ms boundaries (timers fire a little late, never early).
    for (const s of starts) assert.ok(s % 50 < 40, `cycle at ${s} is ${s % 50} ms past a boundary`);
    assert.equal(readSpotSnapshots(store.db).length, 2);
  } finally {
    store.cleanup();
  }
});
