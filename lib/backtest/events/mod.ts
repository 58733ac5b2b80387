/**
 * Event hypotheses: event definition x regime condition x action x holding period, traded after
 * the cost models, with bootstrap intervals, cluster-robust p-values, BH/BY across the family,
 * stability checks, promotion gates and the trial ledger.
 *
 * @module
 */
export * from "./event_hypotheses.ts";
export * from "./events_workflow.ts";
