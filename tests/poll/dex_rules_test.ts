/**
 * Issue 8 item 1 on poll's DEX path: a Dexscreener pair the universe keeps still goes through
 * the row rules before its snapshot is written (a price of 0, a negative 24h volume or
 * liquidity is quarantined with the pair as JSON and the rule's reason), as spot quotes do.
 */
import assert from "node:assert/strict";
import { pollOnce } from "@lib/ingest/poll.ts";
import type { DexPair, SpotQuote } from "@lib/core/snapshot_types.ts";
import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
import { listQuarantine } from "@lib/store/quarantine.ts";
import { readDexSnapshots } from "@lib/store/snapshots.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const SOL = "So11111111111111111111111111111111111111112";
const USDC = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

function pair(address: string, over: Partial<DexPair>): DexPair {
  return {
    chainId: "solana",
    dexId: "raydium",
    pairAddress: address,
    baseSymbol: "SOL",
    baseAddress: SOL,
    quoteSymbol: "USDC",
    quoteAddress: USDC,
    priceNative: 150,
    priceUsd: 150,
    liquidityUsd: 5e6,
    volumeH24: 5e6,
    txnsH24Buys: 10,
    txnsH24Sells: 10,
    pairCreatedAt: undefined,
    ...over,
  };
}

Deno.test("poll: a DEX pair with a price of 0 or a negative volume is quarantined, the rest written", async () => {
  const store = tempStore();
  try {
    const now = () => Date.UTC(2026, 0, 5, 10);
    const pairs = [
      pair("good", {}),
      pair("zero", { priceNative: 0, priceUsd: 0 }),
      pair("usd", { priceUsd: -1 }),
      pair("vol", { volumeH24: -5 }),
    ];
    const r = await pollOnce(store.db, {
      quoteSources: [],
      symbols: [],
      lkg: createLastKnownGood<SpotQuote>({ maxAgeMs: 300_000, now }),
      dex: {
        source: {
          id: "dexscreener",
          search: () => Promise.resolve(pairs),
          pairsByAddress: () => Promise.resolve([]),
          pairsByToken: () => Promise.resolve([]),
        },
        queries: ["SOL/USDC"],
        chains: ["solana"],
      },
      now,
      log: () => {},
    });
    assert.deepEqual(readDexSnapshots(store.db).map((d) => d.pairAddress), ["good"]);
    assert.equal(r.dexWritten, 1);
    const q = listQuarantine(store.db, {});
    assert.deepEqual(q.map((x) => x.reason).sort(), [
      "negative volume: solana:vol volumeH24 -5 < 0",
      "non-positive price: solana:usd priceUsd -1 <= 0",
      "non-positive price: solana:zero priceNative 0 <= 0",
    ]);
    for (const x of q) assert.equal(JSON.parse(x.raw).chainId, "solana");
  } finally {
    store.cleanup();
  }
});
