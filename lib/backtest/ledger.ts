/**
 * The backtest engine's side of the trial ledger: what {@link backtestWeights} appends when its
 * options carry a `ledger` (see lib/research/ledger.ts).
 *
 * @module
 */
import type { StoredTrial } from "../store/trials.ts";
import { indexFreq, inputIdentity, type TrialLedger, type TrialSpec } from "../research/ledger.ts";
import type { BacktestInput, BacktestResult } from "./types.ts";

/**
 * Record one trial of kind `returns` for a finished backtest: the per-bar `net` returns (after
 * every cost), the spec's params merged with the run's settings (`lag`, `rebalance`,
 * `initialEquity`, `costs`: the cost model names), the dataset fingerprint of the spec or the
 * identity of the input values and target weights, and the frequency of the spec or of the
 * result's time index. Throws when a ledger is given without a `trial` spec: an unnamed trial
 * would belong to no family.
 */
export function recordBacktestTrial(
  ledger: TrialLedger,
  trial: TrialSpec | undefined,
  input: BacktestInput,
  targetWeights: readonly ArrayLike<number>[],
  result: BacktestResult,
): StoredTrial {
  if (trial === undefined) {
    throw new RangeError(
      "Cannot record the backtest in the trial ledger: options.ledger is given without " +
        'options.trial; name its family, e.g. trial: { family: "momentum", params: {...} }',
    );
  }
  const m = result.metadata;
  const columns = Array.isArray(input)
    ? input as readonly ArrayLike<number>[]
    : "close" in input
    ? (input as { close: readonly ArrayLike<number>[] }).close
    : (input as { returns: readonly ArrayLike<number>[] }).returns;
  return ledger.record({
    spec: trial,
    kind: "returns",
    origin: "backtestWeights",
    params: {
      ...trial.params,
      lag: m.lag,
      rebalance: m.rebalance,
      initialEquity: m.initialEquity,
      costs: m.costNames,
    },
    dataset: trial.dataset ?? inputIdentity([...columns, ...targetWeights]),
    freq: trial.freq ?? indexFreq(Array.isArray(input) ? undefined : result.index),
    series: result.net,
  });
}
