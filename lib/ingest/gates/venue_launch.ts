/**
 * When each venue started trading, so a timestamp before it can be refused as impossible.
 *
 * The dates are lower bounds, not exact first-trade instants: a bar before them cannot be real
 * for that venue, a bar after them may still predate a given symbol's listing. Sources (public
 * pages, retrieved 2026-11; the day within the month is approximate for some):
 * - `binance` 2017-07-14: Binance opened in July 2017 after its BNB ICO (26 June - 3 July
 *   2017), https://nfting.medium.com/the-history-of-binance-the-worlds-current-largest-crypto-exchange-c8122a82c1b8
 *   (its first public klines, BTCUSDT, start 2017-08-17, after this bound).
 * - `kraken` 2013-09-10: "Kraken officially launched in September 2013",
 *   https://coinomist.com/personalities/what-is-kraken-the-scandals-and-successes-of-the-exchange
 * - `coinbase` 2015-01-26: Coinbase's exchange (GDAX, later Coinbase Pro) "launched in 2015",
 *   http://library.tradingtechnologies.com/user-setup/gdx-gdax-overview.html
 * - `binance_futures` 2019-09-08: Binance Futures "first launched in September 2019" with BTC,
 *   https://monerov.org/are-binance-futures-perpetual/
 *
 * @module
 */

/** Launch date (UTC epoch ms, midnight of the day) of each venue we know, by venue id. */
export const VENUE_LAUNCH_MS: Readonly<Record<string, number>> = Object.freeze({
  binance: Date.UTC(2017, 6, 14),
  kraken: Date.UTC(2013, 8, 10),
  coinbase: Date.UTC(2015, 0, 26),
  binance_futures: Date.UTC(2019, 8, 8),
});

/**
 * Launch date of `venue` (UTC epoch ms), or undefined when the venue is not in
 * {@link VENUE_LAUNCH_MS} (then no pre-launch check is made; pass `launchMs` to a gate to set
 * one).
 *
 * @example Binance opened in July 2017
 * ```ts
 * import { venueLaunchMs } from "@lib/ingest/gates/venue_launch.ts";
 * import assert from "node:assert/strict";
 * assert.equal(new Date(venueLaunchMs("binance")!).toISOString(), "2017-07-14T00:00:00.000Z");
 * assert.equal(venueLaunchMs("sim"), undefined);
 * ```
 */
export function venueLaunchMs(venue: string): number | undefined {
  return Object.hasOwn(VENUE_LAUNCH_MS, venue) ? VENUE_LAUNCH_MS[venue] : undefined;
}
