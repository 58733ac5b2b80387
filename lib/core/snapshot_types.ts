/**
 * Market snapshots as the venues report them: a spot quote and a DEX pair. Providers parse
 * them, ingest gates them and the store writes them, so the types live here, below all three.
 *
 * @module
 */

/** A last-price quote. */
export interface SpotQuote {
  readonly venue: string;
  readonly symbol: string;
  /** When the venue says the quote is from (UTC ms); the fetch time when it does not say. */
  readonly ts: number;
  readonly price: number;
  readonly bid: number | undefined;
  readonly ask: number | undefined;
  readonly volume24h: number | undefined;
}

/** A DEX pair snapshot (Dexscreener's view of a pool). */
export interface DexPair {
  readonly chainId: string;
  readonly dexId: string;
  readonly pairAddress: string;
  readonly baseSymbol: string;
  readonly baseAddress: string;
  readonly quoteSymbol: string;
  readonly quoteAddress: string;
  readonly priceNative: number;
  readonly priceUsd: number | undefined;
  readonly liquidityUsd: number | undefined;
  readonly volumeH24: number | undefined;
  readonly txnsH24Buys: number | undefined;
  readonly txnsH24Sells: number | undefined;
  readonly pairCreatedAt: number | undefined;
}
