/**
 * The flags every task that evaluates a signal or strategy shares for its overfitting verdict:
 * `--null-runs N` (placebo runs of the null suite) and `--no-ledger` (do not record the trial).
 *
 * @module
 */
import { REPORT_NULL_DEFAULTS } from "@lib/pipeline/null_position.ts";
import type { UsageError } from "./_cli.ts";

/** The `parseFlags` options of the two flags. */
export const VERDICT_FLAGS = {
  // nonNegative: `--null-runs -1` is "must be an integer >= 0" (tasks/_cli.ts parseFlags)
  "null-runs": { type: "string", nonNegative: true },
  "no-ledger": { type: "boolean" },
} as const;

/** Their lines of a task's usage text. */
export const VERDICT_USAGE =
  `  --null-runs N    placebo runs per placebo kind of the null suite in the overfitting verdict
                   (seeded; 0 runs none; default ${REPORT_NULL_DEFAULTS.runs}, fewer on a large
                   panel, at least ${REPORT_NULL_DEFAULTS.minRuns})
  --no-ledger      do not record this run in the store's trial ledger (default: record it)`;

/** `--null-runs` as a number (undefined when not given); a bad value is a usage error. */
export function parseNullRuns(
  v: string | undefined,
  usage: (message: string) => UsageError,
): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw usage(`--null-runs must be an integer >= 0, got "${v}"`);
  }
  return n;
}
