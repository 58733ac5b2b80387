/**
 * Checking names given on the command line (`--symbols`, `--venue`, `--factors`) against what
 * the store holds, so a typo is an error that lists the known names instead of a run that
 * quietly does nothing.
 *
 * @module
 */
import { forTerminal } from "@lib/core/for_terminal.ts";
import { UsageError } from "./_cli.ts";

/** How many known names an error lists before it says how many more there are. */
export const KNOWN_SHOWN = 60;

/**
 * A comma list of `names` for an error message, at most {@link KNOWN_SHOWN} of them, then
 * `... and N more`; `none` when empty.
 *
 * @example
 * ```ts
 * import { knownList } from "./_known.ts";
 * import assert from "node:assert/strict";
 * assert.equal(knownList(["ETHUSDT", "BTCUSDT"]), "BTCUSDT, ETHUSDT");
 * assert.equal(knownList([]), "none");
 * ```
 */
export function knownList(names: readonly string[]): string {
  const sorted = [...new Set(names)].sort();
  if (sorted.length === 0) return "none";
  const shown = sorted.slice(0, KNOWN_SHOWN).map((n) => forTerminal(n, { keepNewlines: false }));
  const more = sorted.length - shown.length;
  return shown.join(", ") + (more > 0 ? `, ... and ${more} more` : "");
}

/**
 * Throw a {@link UsageError} naming `flag` when some of `given` are not in `known`, listing
 * the known ones. `where` says what the known names are of (`in the store`, `of binance 1h`).
 *
 * @example An unknown symbol
 * ```ts
 * import { requireKnown } from "./_known.ts";
 * import assert from "node:assert/strict";
 * requireKnown("--symbols", ["BTCUSDT"], ["BTCUSDT", "ETHUSDT"], "symbols", "in the store");
 * assert.throws(
 *   () => requireKnown("--symbols", ["FOO"], ["BTCUSDT", "ETHUSDT"], "symbols", "in the store"),
 *   /--symbols: FOO is not in the store; known symbols \(2\): BTCUSDT, ETHUSDT/,
 * );
 * ```
 */
export function requireKnown(
  flag: string,
  given: readonly string[],
  known: readonly string[],
  what: string,
  where: string,
): void {
  const set = new Set(known);
  const missing = given.filter((g) => !set.has(g));
  if (missing.length === 0) return;
  const names = missing.map((m) => forTerminal(m, { keepNewlines: false })).join(", ");
  throw new UsageError(
    `${flag}: ${names} ${missing.length === 1 ? "is" : "are"} not ${where}; known ${what} ` +
      `(${new Set(known).size}): ${knownList(known)}`,
  );
}
