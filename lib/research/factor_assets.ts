/**
 * Resolving factor names ("BTC", "ETH") to the asset labels of a panel.
 *
 * @module
 */

/**
 * Quote currencies a factor name may be followed by, in order of preference when several
 * listings of the same base are in one panel (`BTCUSDT` wins over `BTCBUSD`). `SIM` is the
 * quote of the simulated market's `BTCSIM` / `ETHSIM` (lib/sim).
 */
export const FACTOR_QUOTES: readonly string[] = [
  "USDT",
  "USDC",
  "BUSD",
  "FDUSD",
  "TUSD",
  "DAI",
  "USD",
  "EUR",
  "SIM",
];

const SEPARATORS = ["/", "-", "_"];

/**
 * Rank of `label` as a listing of `base`: the index of its quote in {@link FACTOR_QUOTES}
 * (lower is better), `-1` for the bare base itself, `undefined` when it is not a listing.
 */
function listingRank(label: string, base: string): number | undefined {
  const colon = label.lastIndexOf(":");
  const symbol = (colon >= 0 ? label.slice(colon + 1) : label).toUpperCase();
  const b = base.toUpperCase();
  if (symbol === b) return -1;
  if (!symbol.startsWith(b)) return undefined;
  let rest = symbol.slice(b.length);
  if (SEPARATORS.includes(rest[0] ?? "")) rest = rest.slice(1);
  const q = FACTOR_QUOTES.indexOf(rest);
  return q >= 0 ? q : undefined;
}

/**
 * The panel asset that stands for factor `name`.
 *
 * Matching, in order:
 * 1. an asset label equal to `name` (exact, case-sensitive) is used as is, so callers can
 *    always pass exact names such as `"BTCUSDT"` or `"kraken:XBTUSD"`;
 * 2. otherwise a label is a listing of `name` when, after dropping a `venue:` prefix and
 *    ignoring case, it is `name` itself or `name` followed by an optional separator (`/`, `-`,
 *    `_`) and a quote from {@link FACTOR_QUOTES}: `BTC` matches `BTCUSDT`, `BTC/USDT`,
 *    `BTC-USD`, `binance:BTCUSDT`, `BTCSIM`, but not `BTCST` or `WBTC`;
 * 3. among several listings the bare name wins, then the quote earliest in
 *    {@link FACTOR_QUOTES}; a tie (the same symbol on two venues of a mixed panel) is an error.
 *
 * Throws a `RangeError` naming the candidates when nothing or more than one asset fits.
 * Cost: O(assets).
 *
 * @example Find BTC and ETH in a Binance universe
 * ```ts
 * import { resolveFactorAsset } from "@lib/research/factor_assets.ts";
 * import assert from "node:assert/strict";
 * const assets = ["BTCSTUSDT", "BTCBUSD", "BTCUSDT", "ETH/USDT"];
 * assert.equal(resolveFactorAsset(assets, "BTC"), "BTCUSDT");
 * assert.equal(resolveFactorAsset(assets, "ETH"), "ETH/USDT");
 * assert.equal(resolveFactorAsset(assets, "BTCBUSD"), "BTCBUSD");
 * assert.throws(() => resolveFactorAsset(assets, "SOL"), /no asset of the panel/);
 * ```
 */
export function resolveFactorAsset(assets: readonly string[], name: string): string {
  if (assets.includes(name)) return name;
  let best: string[] = [];
  let bestRank = Infinity;
  for (const a of assets) {
    const r = listingRank(a, name);
    if (r === undefined) continue;
    if (r < bestRank) {
      bestRank = r;
      best = [a];
    } else if (r === bestRank) best.push(a);
  }
  if (best.length === 1) return best[0]!;
  if (best.length > 1) {
    throw new RangeError(
      `Cannot resolve factor "${name}": ${best.join(", ")} all match equally; pass the exact ` +
        `asset name in options.factors`,
    );
  }
  const shown = assets.slice(0, 12).join(", ") + (assets.length > 12 ? ", ..." : "");
  throw new RangeError(
    `Cannot resolve factor "${name}": no asset of the panel is ${name} or ${name} quoted in ` +
      `${FACTOR_QUOTES.join("/")} (e.g. ${name}USDT, ${name}/USDT). Pass the exact asset name ` +
      `in options.factors. Panel assets: ${shown || "none"}`,
  );
}
