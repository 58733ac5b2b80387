/**
 * Providers: public, keyless exchange APIs behind small interfaces, one file per venue, and the
 * resilience layer (retry, rate limiter, circuit breaker, last-known-good cache, fallback
 * chain). Research only: nothing here places orders or holds keys.
 *
 * @module
 */
export * from "./types.ts";
export * from "./http.ts";
export * from "./binance.ts";
export * from "./kraken.ts";
export * from "./coinbase.ts";
export * from "./dexscreener.ts";
export * from "./retry.ts";
export * from "./rate_limiter.ts";
export * from "./circuit_breaker.ts";
export * from "./last_known_good.ts";
export * from "./chain.ts";
export * from "./binance_ws.ts";
export * from "./registry.ts";
export * from "./chain_config.ts";
export * from "./request_gate.ts";
export * from "./symbols.ts";
export * from "./binance_futures.ts";
export * from "./binance_futures_ws.ts";
