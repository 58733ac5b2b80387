/**
 * The whole-market Binance endpoints behind `top:N` (`/api/v3/ticker/24hr` without a symbol,
 * and an `exchangeInfo` that lists every symbol the fake exchange has klines for), built from
 * the real OHLCV files the fake exchange already serves.
 *
 * No real all-symbols 24-hour ticker capture exists in `../shared/data/real`, and the captured
 * `exchangeInfo` lists only BTCUSDT and ETHUSDT. So: the 24-hour figures of each symbol are
 * computed from its real hourly candles over the 24 hours before the captured server time
 * (`volume` = sum of base volume, `quoteVolume` = sum of close x volume, an approximation of
 * Binance's exact quote volume, which the files do not carry), and every missing symbol gets an
 * `exchangeInfo` entry cloned from the captured BTCUSDT entry with its name and assets changed.
 *
 * @module
 */
import { decimalString, type OhlcvRows } from "./klines.ts";

/** One symbol with its real hourly candles. */
export interface UniverseSymbol {
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly hourly: OhlcvRows;
}

const HOUR = 3_600_000;

/**
 * The 24-hour tickers of every symbol at `serverTime`: the hourly candles opening in
 * `[serverTime - 24 h, serverTime)`. Symbols with no candle in that window are left out, as
 * Binance leaves out symbols that are not trading.
 *
 * @example Two hourly candles
 * ```ts
 * import { tickers24hAt } from "./universe.ts";
 * import assert from "node:assert/strict";
 * const hourly = [[0, 1, 2, 1, 2, 10], [3_600_000, 2, 3, 2, 3, 5]];
 * const [t] = tickers24hAt([{ symbol: "AUSDT", baseAsset: "A", quoteAsset: "USDT", hourly }], 7_200_000);
 * assert.equal(t!.volume, "15.00000000");
 * assert.equal(t!.quoteVolume, "35.00000000");
 * assert.equal(t!.lastPrice, "3.00000000");
 * ```
 */
export function tickers24hAt(
  symbols: readonly UniverseSymbol[],
  serverTime: number,
): Array<Record<string, string | number>> {
  const out: Array<Record<string, string | number>> = [];
  for (const s of symbols) {
    let volume = 0, quote = 0, open = NaN, last = NaN, high = -Infinity, low = Infinity, n = 0;
    for (const r of s.hourly) {
      const ts = r[0]!;
      if (ts < serverTime - 24 * HOUR || ts >= serverTime) continue;
      if (n === 0) open = r[1]!;
      high = Math.max(high, r[2]!);
      low = Math.min(low, r[3]!);
      last = r[4]!;
      volume += r[5]!;
      quote += r[4]! * r[5]!;
      n++;
    }
    if (n === 0) continue;
    out.push({
      symbol: s.symbol,
      openPrice: decimalString(open),
      highPrice: decimalString(high),
      lowPrice: decimalString(low),
      lastPrice: decimalString(last),
      volume: volume.toFixed(8),
      quoteVolume: quote.toFixed(8),
      openTime: serverTime - 24 * HOUR,
      closeTime: serverTime - 1,
      count: n,
    });
  }
  return out;
}

/**
 * The captured `exchangeInfo` body with an entry added for each symbol it lacks, cloned from
 * its first entry (same filters and permissions) with `symbol`, `baseAsset` and `quoteAsset`
 * replaced.
 *
 * @example
 * ```ts
 * import { widenExchangeInfo } from "./universe.ts";
 * import assert from "node:assert/strict";
 * const captured = JSON.stringify({ symbols: [{ symbol: "BTCUSDT", status: "TRADING", baseAsset: "BTC", quoteAsset: "USDT" }] });
 * const wide = JSON.parse(widenExchangeInfo(captured, [{ symbol: "SOLUSDT", baseAsset: "SOL", quoteAsset: "USDT", hourly: [] }]));
 * assert.deepEqual(wide.symbols.map((s: { symbol: string }) => s.symbol), ["BTCUSDT", "SOLUSDT"]);
 * ```
 */
export function widenExchangeInfo(captured: string, symbols: readonly UniverseSymbol[]): string {
  const info = JSON.parse(captured) as { symbols: Array<Record<string, unknown>> };
  const template = info.symbols[0];
  if (template === undefined) throw new Error("captured exchangeInfo has no symbols to clone");
  const have = new Set(info.symbols.map((s) => s.symbol));
  for (const s of symbols) {
    if (have.has(s.symbol)) continue;
    info.symbols.push({
      ...structuredClone(template),
      symbol: s.symbol,
      baseAsset: s.baseAsset,
      quoteAsset: s.quoteAsset,
    });
  }
  return JSON.stringify(info);
}
