import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { DexscreenerProvider } from "@lib/providers/dexscreener.ts";
import type { DexPair } from "@lib/providers/types.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { fakeFetch, rejects } from "../_shared/fake_fetch.ts";

// Real Dexscreener answers (PROVENANCE.md, api_payloads/dexscreener): a /latest/dex/pairs
// answer of Dec 2023 (7xck), a /latest/dex/tokens answer (fardint), and fardint's bundle of
// raw answers: raw (/latest/dex/tokens), pools (/token-pairs/v1), tokensBatch (/tokens/v1),
// search (/latest/dex/search). Its "summary" key is the repo's own, not an API field.
const DIR = ["api_payloads", "dexscreener"];
const readReal = (name: string) => readFileSync(realPath(...DIR, name), "utf8");
const SINGLE = "7xck_raydium-executor_2023-12_latest_dex_pairs_solana_single.json";
const TOKENS = "fardint_indexer-sdk_2025-11_latest_dex_tokens_USD1.json";
const MULTI = "fardint_indexer-sdk_2025-11_multi_endpoint_USD1_solana.json";
const BASE = "http://127.0.0.1:9";

// deno-lint-ignore no-explicit-any
type Json = any;

/** What a raw Dexscreener pair object must map to, read straight off the JSON. */
function expectedPair(p: Json): DexPair {
  return {
    chainId: p.chainId,
    dexId: p.dexId,
    pairAddress: p.pairAddress,
    baseSymbol: p.baseToken.symbol,
    baseAddress: p.baseToken.address,
    quoteSymbol: p.quoteToken.symbol,
    quoteAddress: p.quoteToken.address,
    priceNative: Number(p.priceNative),
    priceUsd: p.priceUsd === undefined ? undefined : Number(p.priceUsd),
    liquidityUsd: p.liquidity?.usd,
    volumeH24: p.volume?.h24,
    txnsH24Buys: p.txns?.h24?.buys,
    txnsH24Sells: p.txns?.h24?.sells,
    pairCreatedAt: p.pairCreatedAt,
  };
}

realDataTest("dexscreener pairs by address: the real WOOD/USDC answer", async () => {
  const raw = readReal(SINGLE);
  const json = JSON.parse(raw);
  const { fetch, urls } = fakeFetch(() => raw);
  const dex = new DexscreenerProvider({ fetch, baseUrl: BASE });
  const addr = "6guiXw4mBNpXrGe9rcQ2mhJh3E8is8JZynd8BoAtAX93";
  const pairs = await dex.pairsByAddress("solana", [addr]);
  assert.deepEqual(pairs, [expectedPair(json.pairs[0])]);
  const p = pairs[0]!;
  assert.equal(p.baseSymbol, "WOOD");
  assert.equal(p.quoteSymbol, "USDC");
  assert.equal(p.priceNative, 0.0000009108);
  assert.equal(p.priceUsd, 0.0000009108);
  assert.equal(p.liquidityUsd, 254.49);
  assert.equal(p.volumeH24, 73.23);
  assert.equal(p.txnsH24Buys, 5);
  assert.equal(p.txnsH24Sells, 3);
  assert.equal(p.pairCreatedAt, 1701274530000);
  assert.equal(urls[0]?.pathname, `/latest/dex/pairs/solana/${addr}`);
});

realDataTest("dexscreener search: all 30 real pairs of the tokens answer", async () => {
  const raw = readReal(TOKENS);
  const json = JSON.parse(raw);
  const { fetch, urls } = fakeFetch(() => raw);
  const pairs = await new DexscreenerProvider({ fetch, baseUrl: BASE }).search("USD1/USDC");
  assert.equal(pairs.length, 30);
  assert.deepEqual(pairs, json.pairs.map(expectedPair));
  assert.equal(pairs[0]?.liquidityUsd, 15064095.04);
  assert.equal(pairs[0]?.pairCreatedAt, 1756577941000);
  assert.equal(urls[0]?.pathname, "/latest/dex/search");
  assert.equal(urls[0]?.searchParams.get("q"), "USD1/USDC");
  assert.equal(urls[0]?.search, "?q=USD1%2FUSDC");
});

realDataTest("dexscreener: every endpoint answer in the fardint bundle parses", async () => {
  const bundle = JSON.parse(readReal(MULTI));
  const token = "USD1ttGY1N17NEEHLmELoaybftRBUSErhqYiQzvEmuB";
  const cases: [Json, Json[], (d: DexscreenerProvider) => Promise<DexPair[]>, string][] = [
    [bundle.raw, bundle.raw.pairs, (d) => d.search("USD1"), "/latest/dex/search"],
    [bundle.search, bundle.search.pairs, (d) => d.search("USD1/USDC"), "/latest/dex/search"],
    [
      bundle.pools,
      bundle.pools,
      (d) => d.pairsByToken("solana", token),
      `/token-pairs/v1/solana/${token}`,
    ],
    [
      bundle.tokensBatch,
      bundle.tokensBatch,
      (d) => d.pairsByToken("solana", token),
      `/token-pairs/v1/solana/${token}`,
    ],
  ];
  let total = 0;
  for (const [answer, rawPairs, call, path] of cases) {
    const { fetch, urls } = fakeFetch(() => JSON.stringify(answer));
    const pairs = await call(new DexscreenerProvider({ fetch, baseUrl: BASE }));
    assert.ok(rawPairs.length > 0);
    assert.deepEqual(pairs, rawPairs.map(expectedPair));
    assert.equal(urls[0]?.pathname, path);
    total += pairs.length;
  }
  assert.equal(total, 30 + 30 + 30 + 1);
  // The search answer crosses chains (some BSC pairs), kept with their chain.
  const chains = new Set(bundle.search.pairs.map((p: Json) => p.chainId));
  assert.ok(chains.size >= 2, `expected several chains in search, got ${[...chains]}`);
});

Deno.test("dexscreener: 31 addresses take two requests of 30 and 1", async () => {
  const addrs = Array.from({ length: 31 }, (_, i) => `Addr${i}`);
  const { fetch, urls } = fakeFetch(() => '{"schemaVersion":"1.0.0","pairs":null}');
  const pairs = await new DexscreenerProvider({ fetch, baseUrl: BASE }).pairsByAddress(
    "ethereum",
    addrs,
  );
  assert.deepEqual(pairs, []); // unknown pairs: Dexscreener answers pairs: null
  assert.equal(urls.length, 2);
  assert.equal(urls[0]?.pathname, `/latest/dex/pairs/ethereum/${addrs.slice(0, 30).join(",")}`);
  assert.equal(urls[1]?.pathname, "/latest/dex/pairs/ethereum/Addr30");
});

realDataTest("dexscreener: attacker-chosen token strings are kept exactly as data", async () => {
  const base = JSON.parse(readReal(SINGLE)).pairs[0];
  const names = [
    "<script>alert(1)</script>",
    "  WOOD  ",
    "",
    "\u202eDSU\u202c",
    '"; DROP TABLE bars; --',
    "🐸".repeat(200),
  ];
  for (const s of names) {
    const p = { ...base, baseToken: { ...base.baseToken, symbol: s, name: s } };
    const body = JSON.stringify({ pairs: [p] });
    const dex = new DexscreenerProvider({ fetch: fakeFetch(() => body).fetch, baseUrl: BASE });
    const [got] = await dex.search("x");
    assert.equal(got?.baseSymbol, s);
  }
});

realDataTest("dexscreener: non-finite numbers, wrong types, truncation, HTML: parse", async () => {
  const raw = readReal(SINGLE);
  const base = JSON.parse(raw).pairs[0];
  const with_ = (patch: Json) => JSON.stringify({ pairs: [{ ...base, ...patch }] });
  const bad = [
    with_({ priceNative: "Infinity" }),
    with_({ priceNative: "NaN" }),
    with_({ priceNative: "" }),
    with_({ priceNative: " 1" }),
    with_({ priceNative: "0x10" }),
    with_({ priceUsd: "1e999" }),
    with_({ priceNative: 0.5 }),
    with_({ liquidity: { usd: "254.49" } }),
    with_({ txns: { h24: { buys: 1.5, sells: 0 } } }),
    with_({ baseToken: { address: "A", symbol: 42 } }),
    with_({ pairCreatedAt: "1701274530000" }),
    with_({}).replace('"usd":254.49', '"usd":1e999'), // JSON.parse gives Infinity
    raw.slice(0, raw.length / 2),
    "<html><head><title>Just a moment...</title></head></html>",
  ];
  for (const body of bad) {
    const dex = new DexscreenerProvider({ fetch: fakeFetch(() => body).fetch, baseUrl: BASE });
    const e = await rejects(dex.search("x"));
    assert.equal(e.kind, "parse", `${body.slice(0, 80)}: ${e.message}`);
    assert.equal(e.detail.raw, body);
  }
  // Optional fields may be absent or null: they become undefined, not zero.
  const sparse = with_({
    priceUsd: null,
    liquidity: undefined,
    volume: {},
    txns: null,
    pairCreatedAt: undefined,
  });
  const dex = new DexscreenerProvider({ fetch: fakeFetch(() => sparse).fetch, baseUrl: BASE });
  const [p] = await dex.search("x");
  assert.deepEqual(
    [p?.priceUsd, p?.liquidityUsd, p?.volumeH24, p?.txnsH24Buys, p?.pairCreatedAt],
    [undefined, undefined, undefined, undefined, undefined],
  );
});

Deno.test("dexscreener: base URL from CRYPTOLAB_DEXSCREENER_URL, paths encoded", async () => {
  const { fetch, urls } = fakeFetch(() => "[]");
  const before = Deno.env.get("CRYPTOLAB_DEXSCREENER_URL");
  Deno.env.set("CRYPTOLAB_DEXSCREENER_URL", "http://127.0.0.1:7/dex");
  try {
    await new DexscreenerProvider({ fetch }).pairsByToken("solana", "a/../b?c");
  } finally {
    if (before === undefined) Deno.env.delete("CRYPTOLAB_DEXSCREENER_URL");
    else Deno.env.set("CRYPTOLAB_DEXSCREENER_URL", before);
  }
  assert.equal(urls[0]?.href, "http://127.0.0.1:7/dex/token-pairs/v1/solana/a%2F..%2Fb%3Fc");
});
