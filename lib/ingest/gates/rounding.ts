/**
 * Telling a rounded copy of a row from a different row.
 *
 * Some files repeat a row with fewer decimals (a CryptoDataDownload CSV holds many hours twice:
 * once as Binance sent them, `2523.07949400`, and once rounded to two decimals, `2523.08`, with no
 * trade count). Both rows say the same thing; the more precise one is kept. Rows whose values
 * differ beyond rounding are a real disagreement and are refused together.
 *
 * @module
 */

/** Largest number of decimals looked at; beyond it two doubles are compared as they are. */
const MAX_DECIMALS = 20;

/**
 * Number of decimals of the shortest decimal text of `x` (`2523.08` -> 2, `1e-7` -> 7,
 * `1500` -> 0).
 *
 * @example
 * ```ts
 * import { decimals } from "@lib/ingest/gates/rounding.ts";
 * import assert from "node:assert/strict";
 * assert.equal(decimals(2523.079494), 6);
 * assert.equal(decimals(11783.3), 1);
 * assert.equal(decimals(1500), 0);
 * assert.equal(decimals(1.5e-7), 8);
 * ```
 */
export function decimals(x: number): number {
  const s = String(Math.abs(x));
  const e = s.indexOf("e");
  const mantissa = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const frac = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, Math.min(MAX_DECIMALS, frac - exp));
}

/**
 * How two values of one column relate: `same` (equal, or both missing), `a` when `a` is the
 * more precise (b is missing, or b is a rounded to fewer decimals), `b` the other way round,
 * `different` otherwise. `da` and `db` are the decimals each value was written with (default
 * their own, {@link decimals}); a row rounds all its prices to one number of decimals, so the
 * row's decimals are the better judge (`1783.3` in a row of two-decimal prices was `1783.30`).
 * `b` is a rounding of `a` to `db` decimals when |a - b| is below half a unit of that decimal
 * (an exact half is not accepted: it could be either neighbour).
 *
 * @example 2523.079494 rounded to two decimals is 2523.08
 * ```ts
 * import { compareRounded } from "@lib/ingest/gates/rounding.ts";
 * import assert from "node:assert/strict";
 * assert.equal(compareRounded(2523.079494, 2523.08), "a");
 * assert.equal(compareRounded(2523.08, 2523.079494), "b");
 * assert.equal(compareRounded(11942.54, 11942.55), "different");
 * assert.equal(compareRounded(11783.31, 11783.3, 2, 2), "different");
 * assert.equal(compareRounded(NaN, 38207), "b");
 * assert.equal(compareRounded(5, 5), "same");
 * ```
 */
export function compareRounded(
  a: number,
  b: number,
  da: number = decimals(a),
  db: number = decimals(b),
): "same" | "a" | "b" | "different" {
  const na = Number.isNaN(a), nb = Number.isNaN(b);
  if (a === b || (na && nb)) return "same";
  if (nb) return "a";
  if (na) return "b";
  if (da === db) return "different";
  const [precise, rounded, d] = da > db ? [a, b, db] : [b, a, da];
  const half = 0.5 * 10 ** -d;
  // relative slack for the binary representation of both decimals
  const slack = 4 * Number.EPSILON * Math.max(Math.abs(precise), Math.abs(rounded));
  if (!(Math.abs(precise - rounded) < half - slack)) return "different";
  return da > db ? "a" : "b";
}

/**
 * Which of two rows to keep when they share a key: `a` or `b` when one row is at least as
 * precise as the other in every column and they differ only by rounding (or missing values),
 * `same` when every column is equal, `different` otherwise (the caller refuses both).
 * `groups` lists columns rounded together (a row's prices); a column in no group is judged
 * alone. A group's decimals in a row are the most any of its values shows.
 *
 * @example The precise CryptoDataDownload row wins over its rounded copy
 * ```ts
 * import { morePrecise } from "@lib/ingest/gates/rounding.ts";
 * import assert from "node:assert/strict";
 * const precise = [18129.99, 18176.01, 18060, 18164.8, 2523.079494, 45718387.34342975, 51191];
 * const rounded = [18129.99, 18176.01, 18060, 18164.8, 2523.08, 45718387.34, NaN];
 * const prices = [[0, 1, 2, 3]];
 * assert.equal(morePrecise(rounded, precise, prices), "b");
 * assert.equal(morePrecise(precise, precise, prices), "same");
 * // each more precise in one column: no row says it better
 * assert.equal(morePrecise([1.06, 2.5], [1.1, 2.54]), "different");
 * // 11783.3 in a row of two-decimal prices is 11783.30, not a rounding of 11783.31
 * assert.equal(morePrecise([11783.3, 11820.61], [11783.31, 11820.61], prices), "different");
 * ```
 */
export function morePrecise(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  groups: readonly (readonly number[])[] = [],
): "same" | "a" | "b" | "different" {
  const groupOf = new Map<number, readonly number[]>();
  for (const g of groups) for (const c of g) groupOf.set(c, g);
  const rowDecimals = (row: ArrayLike<number>, c: number) => {
    const g = groupOf.get(c);
    if (g === undefined) return decimals(row[c]!);
    let d = 0;
    for (const k of g) {
      if (k < row.length && !Number.isNaN(row[k]!)) d = Math.max(d, decimals(row[k]!));
    }
    return d;
  };
  let winner: "same" | "a" | "b" = "same";
  for (let c = 0; c < a.length; c++) {
    if (a[c] === b[c] || (Number.isNaN(a[c]!) && Number.isNaN(b[c]!))) continue;
    const r = compareRounded(a[c]!, b[c]!, rowDecimals(a, c), rowDecimals(b, c));
    if (r === "same") continue;
    if (r === "different") return "different";
    if (winner === "same") winner = r;
    else if (winner !== r) return "different";
  }
  return winner;
}
