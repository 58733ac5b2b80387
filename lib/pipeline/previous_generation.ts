/**
 * The one line a report's overfitting verdict gives about the family's closed generation: after
 * `deno task trials close`, the trials of the new generation are counted alone, and the report
 * says how many the closed one held and what its best was, so the earlier search is not hidden.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Block } from "../report/model.ts";
import { familyLabel, readTrials, type StoredTrial } from "../store/trials.ts";

/**
 * A note naming generation g - 1 of the trial's family (its trial count of the trial's kind,
 * and the trial with the highest per-period Sharpe ratio among them), or nothing for a trial of
 * generation 1.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { appendTrial, closeTrialFamily } from "@lib/store/trials.ts";
 * import { previousGenerationNote } from "@lib/pipeline/previous_generation.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const add = (a: number, series: number[]) => appendTrial(db, { family: "f", kind: "returns",
 *   origin: "doc", params: { a }, gitCommit: "unknown", dataset: "d", freq: "1h", series });
 * add(1, [0.01, 0.02, -0.01]);
 * add(2, [0.03, 0.02, 0.01]);
 * closeTrialFamily(db, "f");
 * const t = add(3, [0.01, 0.0, 0.02]);
 * const [note] = previousGenerationNote(db, t);
 * assert.ok(note?.type === "note" && /generation 1 \(f\), closed, held 2 return trials/.test(note.text));
 * assert.deepEqual(previousGenerationNote(db, add(4, [NaN])), [note]);
 * ```
 */
export function previousGenerationNote(db: DatabaseSync, trial: StoredTrial): Block[] {
  if (trial.generation <= 1) return [];
  const label = familyLabel(trial.family, trial.generation - 1);
  const trials = readTrials(db, `${trial.family}#${trial.generation - 1}`).filter((t) =>
    t.kind === trial.kind && t.n > 0
  );
  let best: StoredTrial | undefined;
  for (const t of trials) {
    if (Number.isFinite(t.sharpe) && (best === undefined || t.sharpe > best.sharpe)) best = t;
  }
  const what = trial.kind === "ic" ? "IC" : "return";
  return [{
    type: "note",
    level: "info",
    text: `This trial is counted in generation ${trial.generation} (${trial.label}) only; ` +
      `the previous generation ${trial.generation - 1} (${label}), closed, held ` +
      `${trials.length} ${what} trials` +
      (best === undefined
        ? "."
        : `, the best trial ${best.trialId} (${best.params}) with per-period ` +
          `${trial.kind === "ic" ? "IC information" : "Sharpe"} ratio ${best.sharpe.toFixed(4)}.`),
  }];
}
