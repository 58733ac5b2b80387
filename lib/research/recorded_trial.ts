/**
 * Finding a trial already in the ledger, in any generation of its family: what a report built
 * again (verify-report) uses to show the verdict of the trial the first build recorded, even
 * after the family was closed.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { listTrialFamilies, readTrials, type StoredTrialWithSeries } from "../store/trials.ts";

/** What {@link findRecordedTrial} found: the trial and every trial of its generation. */
export interface RecordedTrial {
  readonly trial: StoredTrialWithSeries;
  readonly trials: readonly StoredTrialWithSeries[];
}

/**
 * The newest trial of family `name` (any generation, newest generation first) that `match`
 * accepts, with its generation's trials oldest first; null when there is none, or the store has
 * no ledger tables. With `upTo` (a report's `ledgerUpTo`), trials with a larger id are skipped:
 * a report built again finds the trial its first build found, whatever was recorded since.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { appendTrial } from "@lib/store/trials.ts";
 * import { findRecordedTrial } from "@lib/research/recorded_trial.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * appendTrial(db, { family: "f", kind: "returns", origin: "doc", params: { a: 1 },
 *   gitCommit: "unknown", dataset: "d", freq: "1h", series: [0.01, -0.02, 0.03] });
 * const found = findRecordedTrial(db, "f", (t) => t.params === '{"a":1}');
 * assert.equal(found?.trials.length, 1);
 * assert.equal(findRecordedTrial(db, "none", () => true), null);
 * // recorded after a report whose ledger ended at trial 0: not seen when it is built again
 * assert.equal(findRecordedTrial(db, "f", () => true, 0), null);
 * ```
 */
export function findRecordedTrial(
  db: DatabaseSync,
  name: string,
  match: (t: StoredTrialWithSeries) => boolean,
  upTo: number = Infinity,
): RecordedTrial | null {
  let generations;
  try {
    generations = listTrialFamilies(db).filter((f) => f.name === name)
      .sort((a, b) => b.generation - a.generation);
  } catch {
    return null; // a store without the ledger tables
  }
  for (const g of generations) {
    const trials = readTrials(db, `${g.name}#${g.generation}`);
    for (let i = trials.length - 1; i >= 0; i--) {
      if (trials[i]!.trialId <= upTo && match(trials[i]!)) return { trial: trials[i]!, trials };
    }
  }
  return null;
}
