/**
 * DEX universe discovery on the real Dexscreener search answer (fardint, `USD1/USDC`, Nov
 * 2025): which pairs pass the floors and the quote allowlist and why the others do not; the
 * churn log across cycles; attacker-chosen token symbols stored verbatim.
 */
import assert from "node:assert/strict";
import { discoverUniverse, exclusionReason, pairKey } from "@lib/ingest/dex_universe.ts";
import { pollOnce } from "@lib/ingest/poll.ts";
import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
import { DexscreenerProvider } from "@lib/providers/dexscreener.ts";
import type { DexPair, DexPairSource, SpotQuote } from "@lib/providers/types.ts";
import { currentDexUniverse, readDexChurn, readDexSnapshots } from "@lib/store/snapshots.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { ALL_CHAINS, dexSearch, EXPECTED_UNIVERSE, fakeFetch, type Json } from "./_real.ts";

const BASE = "http://127.0.0.1:9";

/** The real search answer (or an edited copy) parsed by the real provider. */
function provider(body: Json): DexscreenerProvider {
  return new DexscreenerProvider({
    baseUrl: BASE,
    fetch: fakeFetch(() => JSON.stringify(body)).fetch,
  });
}

const find = (pairs: readonly DexPair[], address: string) => {
  const p = pairs.find((x) => x.pairAddress === address);
  assert.ok(p, `pair ${address} not in the real answer`);
  return p;
};

realDataTest(
  "poll: universe discovery on the real Dexscreener search keeps 3 pairs, for stated reasons",
  async () => {
    const pairs = await provider(dexSearch()).search("USD1/USDC");
    assert.equal(pairs.length, 30);
    const u = discoverUniverse(pairs);
    assert.deepEqual(u.kept.map(pairKey), EXPECTED_UNIVERSE);
    assert.equal(u.excluded.length, 27);
    const reason = (a: string) => exclusionReason(find(pairs, a));
    // USD1/USDC on Raydium: both sides are USD stablecoins.
    assert.equal(
      reason("BCDdHonby65iduz3Ev3c9v5XjNkzyu5e56KRFHpBM4T9"),
      "stable/stable pair USD1/USDC",
    );
    // AUSD/USDC on Orca: stable/stable too.
    assert.equal(
      reason("D3LWymVUGhgKKJ33vKq8oHUaGwSuJPTPjnke9QHEXNqz"),
      "stable/stable pair AUSD/USDC",
    );
    // ROI/USD1: USD1 is not an allowlisted quote.
    assert.match(
      reason("9dqsBXD3TVs6wSSpMVwhpA8Fr3hfovryDC9bW87e85Zp")!,
      /^quote "USD1" is not allowlisted on solana/,
    );
    // ACA/USDC on meteoradbc: Dexscreener gives no liquidity.
    assert.equal(
      reason("GaXMygSBi7NQ3wESnMVdLqj8wWuJXBoRtV3qjv9uyBkt"),
      "liquidity unknown (floor $50,000)",
    );
    // With a lower floor SNAIL/USDC falls to the volume floor instead: $29,746.91 < $50,000.
    assert.equal(
      exclusionReason(find(pairs, "0x1D81f8f2D1a513F2dA660ae09358B93d7abC4997"), {
        minVolumeH24: 50_000,
      }),
      "24h volume $29,747 below the floor $50,000",
    );
    // The same SNAIL pair with a look-alike "USDC" (right symbol, wrong address) is refused.
    const fake = {
      ...find(pairs, "0x1D81f8f2D1a513F2dA660ae09358B93d7abC4997"),
      quoteAddress: "0x0000000000000000000000000000000000000bad",
    };
    assert.match(
      exclusionReason(fake)!,
      /quote USDC address 0x0+bad is not the allowlisted USDC on bsc/,
    );
    // Chains: keep only solana -> nothing passes in this answer.
    assert.equal(discoverUniverse(pairs.filter((p) => p.chainId === "solana")).kept.length, 0);
  },
);

/** A DEX source whose search answer is switched between cycles. */
function switchable(first: DexPair[]): DexPairSource & { answer: DexPair[] } {
  const s = {
    id: "dexscreener",
    answer: first,
    search: () => Promise.resolve(s.answer),
    pairsByAddress: () => Promise.resolve([]),
    pairsByToken: () => Promise.resolve([]),
  };
  return s;
}

realDataTest(
  "poll: churn log after a pair falls below the floor and another disappears",
  async () => {
    const store = tempStore();
    try {
      const pairs = await provider(dexSearch()).search("USD1/USDC");
      const source = switchable(pairs);
      let t = Date.UTC(2025, 10, 20, 12, 0);
      const now = () => t;
      const lkg = createLastKnownGood<SpotQuote>({ maxAgeMs: 300_000, now });
      const dex = { source, queries: ["USD1/USDC"], chains: ALL_CHAINS };
      const opts = { quoteSources: [], symbols: ["BTC"], lkg, dex, now, log: () => {} };

      const r1 = await pollOnce(store.db, opts);
      assert.equal(r1.added, 3);
      assert.equal(r1.dropped, 0);
      assert.deepEqual([...currentDexUniverse(store.db)].sort(), [...EXPECTED_UNIVERSE].sort());

      const SNAIL = "0x1D81f8f2D1a513F2dA660ae09358B93d7abC4997";
      const PING = "0x98c8f03094a9e65ccedc14c40130e4a5dd0ce14fb12ea58cbeac11f662b458b9";
      source.answer = pairs
        .filter((p) => p.pairAddress !== PING)
        .map((p) => p.pairAddress === SNAIL ? { ...p, liquidityUsd: 40_000 } : p);
      t += 60_000;
      const r2 = await pollOnce(store.db, opts);
      assert.equal(r2.added, 0);
      assert.equal(r2.dropped, 2);
      assert.equal(r2.dexWritten, 1);
      const dropped = readDexChurn(store.db).filter((c) => c.action === "dropped");
      assert.deepEqual(dropped.map((c) => [c.pairAddress, c.reason, c.ts]), [
        [PING, "disappeared from the DEX results", t],
        [SNAIL, "liquidity $40,000 below the floor $50,000", t],
      ]);
      assert.equal(dropped[1]!.liquidityUsd, 40_000);
      assert.deepEqual([...currentDexUniverse(store.db)], [
        "bsc:0x778121B464151FE5d931587c457E48FcAaA0dc7A",
      ]);

      // Back above the floor: added again; re-running the same cycle time logs nothing twice.
      source.answer = pairs;
      t += 60_000;
      const r3 = await pollOnce(store.db, opts);
      assert.equal(r3.added, 2);
      assert.equal(readDexChurn(store.db).length, 3 + 2 + 2);
      const again = await pollOnce(store.db, opts);
      assert.equal(again.added, 0);
      assert.equal(readDexChurn(store.db).length, 7);

      // A failing search logs no churn and serves the universe stale from the cache.
      const dexLkg = createLastKnownGood<DexPair>({ maxAgeMs: 300_000, now });
      const optsLkg = { ...opts, dex: { ...dex, lkg: dexLkg } };
      t += 60_000;
      await pollOnce(store.db, optsLkg);
      source.search = () => Promise.reject(new Error("connection refused"));
      t += 60_000;
      const r5 = await pollOnce(store.db, optsLkg);
      assert.equal(r5.errors.length, 1);
      assert.equal(r5.dexStale, 3);
      assert.equal(readDexChurn(store.db).length, 7);
      const stale = readDexSnapshots(store.db, { from: t });
      assert.ok(stale.every((s) => s.stale && s.source === "dexscreener:search:last-known-good"));
    } finally {
      store.cleanup();
    }
  },
);

realDataTest("poll: attacker-chosen token symbols are stored verbatim as data", async () => {
  const store = tempStore();
  try {
    const body = dexSearch();
    const evil = `<script>alert(1)</script>'); DROP TABLE dex_snapshots; -- "\u202e🦅☝️`;
    const snail = body.pairs.find((p: Json) => p.baseToken.symbol === "SNAIL");
    snail.baseToken.symbol = evil;
    snail.baseToken.name = evil;
    const now = () => Date.UTC(2025, 10, 20);
    const lkg = createLastKnownGood<SpotQuote>({ maxAgeMs: 300_000, now });
    await pollOnce(store.db, {
      quoteSources: [],
      symbols: ["BTC"],
      lkg,
      now,
      dex: { source: provider(body), queries: ["USD1/USDC"], chains: ALL_CHAINS },
    });
    const rows = readDexSnapshots(store.db, { pairAddress: snail.pairAddress });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.baseSymbol, evil);
    assert.equal(
      readDexChurn(store.db).find((c) => c.pairAddress === snail.pairAddress)?.baseSymbol,
      evil,
    );
    assert.equal(readDexSnapshots(store.db).length, 3);
  } finally {
    store.cleanup();
  }
});
