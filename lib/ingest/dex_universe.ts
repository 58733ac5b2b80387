/**
 * DEX universe discovery: which Dexscreener pairs `deno task poll` follows, and a churn log of
 * pairs entering and leaving that set. Pure functions, no I/O.
 *
 * A pair is kept when all of these hold (checked in this order, the first failure is the reason):
 * 1. its quote token is in the allowlist of its chain BY SYMBOL AND BY ADDRESS: token symbols
 *    are chosen by anyone (a fake "USDC" is one transaction away), so a symbol alone is never
 *    trusted. {@link DEFAULT_QUOTE_ALLOWLIST} lists the canonical USDC, USDT, SOL/WSOL,
 *    WETH/ETH addresses on solana, ethereum, bsc, base and arbitrum; a chain without an entry
 *    keeps no pair (add its addresses to follow it);
 * 2. it is not a stable/stable pair (both symbols in {@link DEFAULT_STABLE_SYMBOLS}): a
 *    USD1/USDC pool says nothing about crypto prices;
 * 3. its liquidity in USD is known and at least the floor;
 * 4. its 24-hour volume in USD is known and at least the floor.
 *
 * Extend the allowlist by passing `quoteAllowlist` with more chains or tokens, e.g.
 * `{ ...DEFAULT_QUOTE_ALLOWLIST, polygon: { USDC: ["0x3c499c542cef5e3811e1192ce70d8cc03d5c3359"] } }`.
 *
 * @module
 */
import type { DexPair } from "../providers/types.ts";

/** Quote symbol -> accepted token addresses, per chain id (Dexscreener's chain ids). */
export type QuoteAllowlist = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/**
 * Canonical quote tokens per chain (addresses from the issuers' and chains' documentation:
 * Circle for USDC, Tether for USDT, the wrapped native token contracts). EVM addresses are
 * compared case-insensitively, Solana (base58, case-sensitive) exactly.
 */
export const DEFAULT_QUOTE_ALLOWLIST: QuoteAllowlist = {
  solana: {
    USDC: ["EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"],
    USDT: ["Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB"],
    SOL: ["So11111111111111111111111111111111111111112"],
    WSOL: ["So11111111111111111111111111111111111111112"],
  },
  ethereum: {
    USDC: ["0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"],
    USDT: ["0xdAC17F958D2ee523a2206206994597C13D831ec7"],
    WETH: ["0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"],
  },
  bsc: {
    USDC: ["0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d"],
    USDT: ["0x55d398326f99059fF775485246999027B3197955"],
    ETH: ["0x2170Ed0880ac9A755fd29B2688956BD959F933F8"],
  },
  base: {
    USDC: ["0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"],
    WETH: ["0x4200000000000000000000000000000000000006"],
  },
  arbitrum: {
    USDC: ["0xaf88d065e77c8cC2239327C5EDb3A432268e5831"],
    USDT: ["0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9"],
    WETH: ["0x82aF49447D8a07e3bd95BD0d56f35241523fBab1"],
  },
};

/** Symbols treated as USD stablecoins for the stable/stable rule (upper-cased before lookup). */
export const DEFAULT_STABLE_SYMBOLS: ReadonlySet<string> = new Set([
  "USDC",
  "USDT",
  "USD1",
  "AUSD",
  "DAI",
  "USDS",
  "USDE",
  "FDUSD",
  "PYUSD",
  "TUSD",
  "USDP",
  "BUSD",
  "USDC.E",
  "USDBC",
  "FRAX",
  "LUSD",
  "GHO",
  "CRVUSD",
]);

/** Floors and lists of the universe; every field has a default. */
export interface UniverseRules {
  /** Smallest liquidity in USD. Default 50,000. */
  readonly minLiquidityUsd?: number;
  /** Smallest 24-hour volume in USD. Default 10,000. */
  readonly minVolumeH24?: number;
  readonly quoteAllowlist?: QuoteAllowlist;
  readonly stableSymbols?: ReadonlySet<string>;
}

/** A pair left out and why. */
export interface ExcludedPair {
  readonly pair: DexPair;
  readonly reason: string;
}

/** The result of {@link discoverUniverse}. */
export interface UniverseDiscovery {
  /** Pairs kept, one per chain and pair address, in input order. */
  readonly kept: DexPair[];
  readonly excluded: ExcludedPair[];
}

/** `chainId:pairAddress`, the identity of a pair across polls. */
export function pairKey(p: { readonly chainId: string; readonly pairAddress: string }): string {
  return `${p.chainId}:${p.pairAddress}`;
}

const usd = (x: number): string => `$${x.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;

/**
 * Why `pair` is not in the universe, or undefined when it is.
 *
 * @example A fake "USDC" (right symbol, wrong address) is refused
 * ```ts
 * import { exclusionReason } from "@lib/ingest/dex_universe.ts";
 * import assert from "node:assert/strict";
 * const p = { chainId: "solana", dexId: "raydium", pairAddress: "P", baseSymbol: "BONK",
 *   baseAddress: "B", quoteSymbol: "USDC", quoteAddress: "FakeUsdc111", priceNative: 1,
 *   priceUsd: 1, liquidityUsd: 1e6, volumeH24: 1e6, txnsH24Buys: undefined,
 *   txnsH24Sells: undefined, pairCreatedAt: undefined };
 * assert.match(exclusionReason(p)!, /quote USDC address FakeUsdc111 is not the allowlisted USDC on solana/);
 * assert.equal(exclusionReason({ ...p, quoteAddress: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v" }), undefined);
 * ```
 */
export function exclusionReason(pair: DexPair, rules: UniverseRules = {}): string | undefined {
  const minLiq = rules.minLiquidityUsd ?? 50_000;
  const minVol = rules.minVolumeH24 ?? 10_000;
  const allow = rules.quoteAllowlist ?? DEFAULT_QUOTE_ALLOWLIST;
  const stables = rules.stableSymbols ?? DEFAULT_STABLE_SYMBOLS;
  const chain = allow[pair.chainId];
  if (chain === undefined) {
    return `chain ${pair.chainId} has no quote allowlist (known: ${Object.keys(allow).join(", ")})`;
  }
  const quoteSym = pair.quoteSymbol.toUpperCase();
  const addresses = chain[quoteSym];
  if (addresses === undefined) {
    return `quote ${JSON.stringify(pair.quoteSymbol)} is not allowlisted on ${pair.chainId} ` +
      `(allowed: ${Object.keys(chain).join(", ")})`;
  }
  const evm = pair.quoteAddress.startsWith("0x");
  const same = (a: string) =>
    evm ? a.toLowerCase() === pair.quoteAddress.toLowerCase() : a === pair.quoteAddress;
  if (!addresses.some(same)) {
    return `quote ${quoteSym} address ${pair.quoteAddress} is not the allowlisted ${quoteSym} ` +
      `on ${pair.chainId} (${addresses.join(", ")})`;
  }
  if (stables.has(pair.baseSymbol.toUpperCase()) && stables.has(quoteSym)) {
    return `stable/stable pair ${pair.baseSymbol}/${pair.quoteSymbol}`;
  }
  if (pair.liquidityUsd === undefined || !Number.isFinite(pair.liquidityUsd)) {
    return `liquidity unknown (floor ${usd(minLiq)})`;
  }
  if (pair.liquidityUsd < minLiq) {
    return `liquidity ${usd(pair.liquidityUsd)} below the floor ${usd(minLiq)}`;
  }
  if (pair.volumeH24 === undefined || !Number.isFinite(pair.volumeH24)) {
    return `24h volume unknown (floor ${usd(minVol)})`;
  }
  if (pair.volumeH24 < minVol) {
    return `24h volume ${usd(pair.volumeH24)} below the floor ${usd(minVol)}`;
  }
  return undefined;
}

/**
 * Split candidate pairs (e.g. the answers of several searches, possibly overlapping) into the
 * universe and the rest, one entry per chain and pair address (first occurrence wins).
 *
 * @example
 * ```ts
 * import { discoverUniverse } from "@lib/ingest/dex_universe.ts";
 * import assert from "node:assert/strict";
 * const base = { chainId: "base", dexId: "uniswap", baseAddress: "0xb", quoteSymbol: "USDC",
 *   quoteAddress: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", priceNative: 1, priceUsd: 1,
 *   txnsH24Buys: undefined, txnsH24Sells: undefined, pairCreatedAt: undefined };
 * const u = discoverUniverse([
 *   { ...base, pairAddress: "0x1", baseSymbol: "PING", liquidityUsd: 2.9e6, volumeH24: 1.3e6 },
 *   { ...base, pairAddress: "0x2", baseSymbol: "THIN", liquidityUsd: 4e3, volumeH24: 1e5 },
 * ]);
 * assert.deepEqual(u.kept.map((p) => p.baseSymbol), ["PING"]);
 * assert.equal(u.excluded[0]!.reason, "liquidity $4,000 below the floor $50,000");
 * ```
 */
export function discoverUniverse(
  pairs: readonly DexPair[],
  rules: UniverseRules = {},
): UniverseDiscovery {
  const seen = new Set<string>();
  const kept: DexPair[] = [];
  const excluded: ExcludedPair[] = [];
  for (const pair of pairs) {
    const key = pairKey(pair);
    if (seen.has(key)) continue;
    seen.add(key);
    const reason = exclusionReason(pair, rules);
    if (reason === undefined) kept.push(pair);
    else excluded.push({ pair, reason });
  }
  return { kept, excluded };
}

/** What changed between two universes. */
export interface UniverseChurn {
  readonly added: { readonly pair: DexPair; readonly reason: string }[];
  readonly dropped: {
    readonly chainId: string;
    readonly pairAddress: string;
    /** The pair as last seen in this poll, when it was still returned. */
    readonly pair: DexPair | undefined;
    readonly reason: string;
  }[];
}

/**
 * Compare the previous universe (keys from {@link pairKey}) with a new discovery. A pair still
 * returned but refused is dropped with its refusal reason (e.g. below the liquidity floor); a
 * pair no longer returned at all is dropped as `disappeared from the DEX results`.
 *
 * @example A pair falls below the floor, another appears
 * ```ts
 * import { discoverUniverse, universeChurn } from "@lib/ingest/dex_universe.ts";
 * import assert from "node:assert/strict";
 * const p = { chainId: "base", dexId: "uniswap", baseAddress: "0xb", baseSymbol: "PING",
 *   quoteSymbol: "USDC", quoteAddress: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
 *   priceNative: 1, priceUsd: 1, volumeH24: 1e6, txnsH24Buys: undefined,
 *   txnsH24Sells: undefined, pairCreatedAt: undefined };
 * const next = discoverUniverse([
 *   { ...p, pairAddress: "0x1", liquidityUsd: 1e3 },
 *   { ...p, pairAddress: "0x2", liquidityUsd: 1e6 },
 * ]);
 * const c = universeChurn(new Set(["base:0x1", "base:0x3"]), next);
 * assert.deepEqual(c.added.map((a) => a.pair.pairAddress), ["0x2"]);
 * assert.deepEqual(c.dropped.map((d) => [d.pairAddress, d.reason]), [
 *   ["0x1", "liquidity $1,000 below the floor $50,000"],
 *   ["0x3", "disappeared from the DEX results"],
 * ]);
 * ```
 */
export function universeChurn(
  previous: ReadonlySet<string>,
  next: UniverseDiscovery,
  rules: UniverseRules = {},
): UniverseChurn {
  const minLiq = rules.minLiquidityUsd ?? 50_000;
  const minVol = rules.minVolumeH24 ?? 10_000;
  const added: UniverseChurn["added"] = [];
  const dropped: UniverseChurn["dropped"] = [];
  const keptKeys = new Set<string>();
  for (const pair of next.kept) {
    const key = pairKey(pair);
    keptKeys.add(key);
    if (previous.has(key)) continue;
    added.push({
      pair,
      reason: `passes: quote ${pair.quoteSymbol} allowlisted, liquidity ` +
        `${usd(pair.liquidityUsd ?? 0)} >= ${usd(minLiq)}, 24h volume ` +
        `${usd(pair.volumeH24 ?? 0)} >= ${usd(minVol)}`,
    });
  }
  const excludedByKey = new Map(next.excluded.map((e) => [pairKey(e.pair), e]));
  for (const key of [...previous].sort()) {
    if (keptKeys.has(key)) continue;
    const cut = key.indexOf(":");
    const chainId = key.slice(0, cut);
    const pairAddress = key.slice(cut + 1);
    const ex = excludedByKey.get(key);
    dropped.push({
      chainId,
      pairAddress,
      pair: ex?.pair,
      reason: ex?.reason ?? "disappeared from the DEX results",
    });
  }
  return { added, dropped };
}
