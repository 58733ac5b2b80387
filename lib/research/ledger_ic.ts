/**
 * The signal validation's side of the trial ledger: what {@link icDecay} appends when its
 * options carry a `ledger` (see ./ledger.ts).
 *
 * @module
 */
import type { StoredTrial } from "../store/trials.ts";
import type { Series } from "../stats/types.ts";
import { inputIdentity, type TrialLedger, type TrialSpec } from "./ledger.ts";

/**
 * Record one trial of kind `ic` per horizon: the per-bar IC series against h-bar forward
 * returns, the spec's params merged with `horizon`, `method` and `minAssets`, the dataset
 * fingerprint of the spec or the identity of the signal and return values, and the spec's
 * frequency (`bar` when not given: the IC functions see no time index). Throws when a ledger
 * is given without a `trial` spec.
 */
export function recordIcTrials(
  ledger: TrialLedger,
  trial: TrialSpec | undefined,
  signal: readonly Series[],
  logReturns: readonly Series[],
  runs: readonly { readonly horizon: number; readonly ic: Float64Array }[],
  settings: { readonly method: string; readonly minAssets: number },
): StoredTrial[] {
  if (trial === undefined) {
    throw new RangeError(
      "Cannot record the IC in the trial ledger: options.ledger is given without " +
        'options.trial; name its family, e.g. trial: { family: "momentum", params: {...} }',
    );
  }
  const dataset = trial.dataset ?? inputIdentity([...signal, ...logReturns]);
  return runs.map(({ horizon, ic }) =>
    ledger.record({
      spec: trial,
      kind: "ic",
      origin: "icDecay",
      params: { ...trial.params, horizon, ...settings },
      dataset,
      freq: trial.freq ?? "bar",
      series: ic,
    })
  );
}
