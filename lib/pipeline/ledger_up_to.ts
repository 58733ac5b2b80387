/**
 * The ledger state a report's overfitting verdicts counted: `ledgerUpTo` in the manifest's
 * parameters is the largest trial id the verdicts saw, so a report built again (verify-report)
 * after more trials were recorded counts the same trials and gives the same bytes.
 *
 * @module
 */
import type { ParamValue, ReportModel } from "../report/model.ts";

/** The manifest parameter holding the largest trial id the verdicts counted. */
export const LEDGER_UP_TO_PARAM = "ledgerUpTo";

/**
 * The model with `ledgerUpTo` in its manifest's parameters (keys kept sorted); the model
 * unchanged when no verdict was computed (`upTo` undefined). The run id is not changed.
 *
 * @example
 * ```ts
 * import { withLedgerUpTo } from "@lib/pipeline/ledger_up_to.ts";
 * import type { ReportModel } from "@lib/report/model.ts";
 * import assert from "node:assert/strict";
 * const model = { manifest: { params: { z: 1, a: 2 } } } as unknown as ReportModel;
 * assert.deepEqual(Object.keys(withLedgerUpTo(model, 7).manifest.params), ["a", "ledgerUpTo", "z"]);
 * assert.equal(withLedgerUpTo(model, undefined), model);
 * ```
 */
export function withLedgerUpTo(model: ReportModel, upTo: number | undefined): ReportModel {
  return upTo === undefined ? model : withManifestParam(model, LEDGER_UP_TO_PARAM, upTo);
}

/** The model with `key: value` in its manifest's parameters (keys kept sorted), run id unchanged. */
export function withManifestParam(model: ReportModel, key: string, value: ParamValue): ReportModel {
  const params = Object.fromEntries(
    Object.entries({ ...model.manifest.params, [key]: value }).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    ),
  );
  return { ...model, manifest: { ...model.manifest, params } };
}
