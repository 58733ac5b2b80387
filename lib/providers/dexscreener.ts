/**
 * Dexscreener's public API (keyless): DEX pair snapshots by chain and pair address, by token,
 * and by free-text search.
 *
 * Token names and symbols are chosen by whoever deploys the token: they are kept exactly as
 * sent (no trimming, no normalising) and must be escaped wherever they are shown. Prices come
 * as decimal strings and are parsed strictly: `""`, `"NaN"`, `"Infinity"` or `"1e999"` are a
 * parse error, never a number. Base URL: `CRYPTOLAB_DEXSCREENER_URL`, default
 * `https://api.dexscreener.com`.
 *
 * @module
 */
import { z } from "zod";
import { baseUrl, getJson } from "./http.ts";
import type { DexPair, DexPairSource, Fetch, ProviderContext, RequestGate } from "./types.ts";

/** Dexscreener's public API when neither an override nor the env var is set. */
export const DEXSCREENER_DEFAULT_URL = "https://api.dexscreener.com";

/** Most pair addresses Dexscreener accepts in one `/latest/dex/pairs` request. */
export const DEXSCREENER_MAX_ADDRESSES = 30;

const PROVIDER = "dexscreener";
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const decimal = z.string().refine((s) => DECIMAL.test(s) && Number.isFinite(Number(s)), {
  message: "expected a finite decimal number in a string",
}).transform(Number);
const finite = z.number().refine(Number.isFinite, { message: "expected a finite number" });
const count = z.number().int().nonnegative();
const token = z.object({ address: z.string(), symbol: z.string() });

/** Dexscreener's pair object, reduced to what {@link DexPair} keeps. */
const pairSchema = z.object({
  chainId: z.string(),
  dexId: z.string(),
  pairAddress: z.string(),
  baseToken: token,
  quoteToken: token,
  priceNative: decimal,
  priceUsd: decimal.nullish(),
  liquidity: z.object({ usd: finite.nullish() }).nullish(),
  volume: z.object({ h24: finite.nullish() }).nullish(),
  txns: z.object({ h24: z.object({ buys: count, sells: count }).nullish() }).nullish(),
  pairCreatedAt: finite.nullish(),
});
type RawPair = z.infer<typeof pairSchema>;

/** `/latest/dex/pairs`, `/latest/dex/search` (and `/latest/dex/tokens`) answer shape. */
const pairsEnvelope = z.object({ pairs: z.array(pairSchema).nullable() });
/** `/token-pairs/v1` (and `/tokens/v1`) answer shape: a bare array. */
const pairsArray = z.array(pairSchema);

/**
 * Map one validated Dexscreener pair object to a {@link DexPair} (absent or null fields
 * become undefined).
 */
function toDexPair(p: RawPair): DexPair {
  return {
    chainId: p.chainId,
    dexId: p.dexId,
    pairAddress: p.pairAddress,
    baseSymbol: p.baseToken.symbol,
    baseAddress: p.baseToken.address,
    quoteSymbol: p.quoteToken.symbol,
    quoteAddress: p.quoteToken.address,
    priceNative: p.priceNative,
    priceUsd: p.priceUsd ?? undefined,
    liquidityUsd: p.liquidity?.usd ?? undefined,
    volumeH24: p.volume?.h24 ?? undefined,
    txnsH24Buys: p.txns?.h24?.buys ?? undefined,
    txnsH24Sells: p.txns?.h24?.sells ?? undefined,
    pairCreatedAt: p.pairCreatedAt ?? undefined,
  };
}

/**
 * DEX pair snapshots from Dexscreener.
 *
 * @example Search, with an injected fetch
 * ```ts
 * import { DexscreenerProvider } from "@lib/providers/dexscreener.ts";
 * import assert from "node:assert/strict";
 * const pair = {
 *   chainId: "solana", dexId: "raydium", pairAddress: "P1",
 *   baseToken: { address: "B1", name: "<b>Wood</b>", symbol: " WOOD " },
 *   quoteToken: { address: "Q1", name: "USD Coin", symbol: "USDC" },
 *   priceNative: "0.0000009108", priceUsd: "0.0000009108",
 *   liquidity: { usd: 254.49 }, volume: { h24: 73.23 }, txns: { h24: { buys: 5, sells: 3 } },
 *   pairCreatedAt: 1701274530000,
 * };
 * const body = JSON.stringify({ schemaVersion: "1.0.0", pairs: [pair] });
 * const dex = new DexscreenerProvider({ fetch: () => Promise.resolve(new Response(body)) });
 * const [p] = await dex.search("WOOD");
 * assert.equal(p?.baseSymbol, " WOOD "); // kept as data, exactly
 * assert.equal(p?.priceNative, 9.108e-7);
 * assert.equal(p?.txnsH24Buys, 5);
 * ```
 */
export class DexscreenerProvider implements DexPairSource {
  readonly id = "dexscreener";
  readonly #base: string;
  readonly #fetch: Fetch | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #gate: RequestGate | undefined;
  readonly #now: (() => number) | undefined;

  /** Build from a context (fetch, base URL override, timeout, clock). */
  constructor(ctx: ProviderContext = {}) {
    this.#base = baseUrl("DEXSCREENER", DEXSCREENER_DEFAULT_URL, ctx.baseUrl);
    this.#fetch = ctx.fetch;
    this.#timeoutMs = ctx.timeoutMs;
    this.#gate = ctx.gate;
    this.#now = ctx.now;
  }

  #get<S extends z.ZodType>(url: string, schema: S) {
    return getJson(PROVIDER, url, schema, {
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      gate: this.#gate,
      now: this.#now,
    });
  }

  /**
   * Pairs on `chainId` by pair address, 30 addresses per request (Dexscreener's limit).
   * Unknown addresses are simply absent from the result.
   */
  async pairsByAddress(chainId: string, pairAddresses: readonly string[]): Promise<DexPair[]> {
    const out: DexPair[] = [];
    for (let i = 0; i < pairAddresses.length; i += DEXSCREENER_MAX_ADDRESSES) {
      const chunk = pairAddresses.slice(i, i + DEXSCREENER_MAX_ADDRESSES);
      const url = `${this.#base}/latest/dex/pairs/${encodeURIComponent(chainId)}/${
        chunk.map(encodeURIComponent).join(",")
      }`;
      const { data } = await this.#get(url, pairsEnvelope);
      for (const p of data.pairs ?? []) out.push(toDexPair(p));
    }
    return out;
  }

  /** Every pool of a token on `chainId` (`/token-pairs/v1`). */
  async pairsByToken(chainId: string, tokenAddress: string): Promise<DexPair[]> {
    const url = `${this.#base}/token-pairs/v1/${encodeURIComponent(chainId)}/${
      encodeURIComponent(tokenAddress)
    }`;
    const { data } = await this.#get(url, pairsArray);
    return data.map(toDexPair);
  }

  /** Pairs matching a free-text query (symbol, name or address), across chains. */
  async search(query: string): Promise<DexPair[]> {
    const url = `${this.#base}/latest/dex/search?q=${encodeURIComponent(query)}`;
    const { data } = await this.#get(url, pairsEnvelope);
    return (data.pairs ?? []).map(toDexPair);
  }
}
