/**
 * The event workflow on one dataset: every registry definition flagged, declustered and
 * studied, then every conditional hypothesis tested and gated, and the promoted ones turned into
 * strategy configurations `deno task backtest --config` runs.
 *
 * @module
 */
import type { CostModel } from "../cost_model.ts";
import {
  definitionAvailable,
  EVENT_DEFINITIONS,
  type EventDefinition,
  type EventInputs,
  eventsFromFlags,
  type SignedEvent,
} from "../../research/events/event_definitions.ts";
import {
  type EventStudy,
  eventStudy,
  type EventStudyOptions,
} from "../../research/events/event_study.ts";
import {
  type EventHypotheses,
  eventHypotheses,
  type EventHypothesis,
  type EventHypothesisOptions,
  type EventRegime,
} from "./event_hypotheses.ts";
import { EVENT_STRATEGY_DEFAULTS } from "../strategies/event_strategy.ts";

/** Inputs of {@link eventsWorkflow}: the panel's columns and what the store adds. */
export interface EventsWorkflowInputs extends EventInputs {
  /** Bar open times (UTC ms). */
  readonly index: Float64Array;
  /**
   * Factor returns of the market model: BTC (and ETH), or one market average when the
   * universe has no BTC; `factorAssets` names the asset columns that are factors (their own
   * events are left out of the studies: a factor explains itself exactly).
   */
  readonly factors: readonly Float64Array[];
  readonly factorNames: readonly string[];
  readonly factorAssets: readonly number[];
  readonly regime?: EventRegime | undefined;
  readonly costs?: readonly CostModel[] | undefined;
  readonly dataset?: string | undefined;
  /**
   * Why an input kind (`funding`, `openInterest`, ...) is unavailable, when the caller knows more
   * than "not stored" (e.g. stored, but outside the window); replaces the default reason.
   */
  readonly unavailable?: Readonly<Partial<Record<EventDefinition["requires"], string>>> | undefined;
}

/** Options of {@link eventsWorkflow}. */
export interface EventsWorkflowOptions {
  /** @default {EVENT_DEFINITIONS} */
  readonly definitions?: readonly EventDefinition[];
  /**
   * Bars after an asset's event during which its next flags are ignored (one episode, one
   * event).
   * @default {24}
   */
  readonly cooldown?: number;
  readonly study?: EventStudyOptions;
  readonly hypotheses?: EventHypothesisOptions;
}

/** Default of {@link EventsWorkflowOptions.cooldown}, stated once (the event strategy's). */
export const EVENTS_WORKFLOW_DEFAULTS = { cooldown: EVENT_STRATEGY_DEFAULTS.cooldown } as const;

/** One definition's outcome. */
export interface DefinitionOutcome {
  readonly name: string;
  readonly family: string;
  readonly description: string;
  readonly requires: string;
  /** False when the store lacks its input; `reason` says which. */
  readonly available: boolean;
  readonly reason?: string;
  /** Declustered events (all assets). */
  readonly events: readonly SignedEvent[];
  /** The event study of the events on non-factor assets, or null (unavailable, < 2 events kept). */
  readonly study: EventStudy | null;
}

/** A promoted hypothesis and the backtest config that replays it, or why none can. */
export interface EventCandidate {
  readonly hypothesis: EventHypothesis;
  /** JSON for `deno task backtest --config` (strategy `event`), or null. */
  readonly config: Record<string, unknown> | null;
  /** Why no config could be written (definition needs perp data; a regime condition). */
  readonly notRunnable?: string;
}

/** Result of {@link eventsWorkflow}. */
export interface EventsWorkflow {
  readonly definitions: readonly DefinitionOutcome[];
  readonly hypotheses: EventHypotheses;
  readonly candidates: readonly EventCandidate[];
  readonly cooldown: number;
}

/**
 * Run the event workflow: flag every definition (those whose input the store lacks are
 * reported unavailable, never silently empty), decluster per asset, study each definition's
 * events on non-factor assets (`eventStudy`), test every hypothesis across the whole family
 * (`eventHypotheses`, with the ledger of `options.hypotheses`), and write a backtest config for
 * each promoted unconditioned hypothesis of a bar-based definition. Cost: that of the parts.
 *
 * @example Bars only: the perp definitions are unavailable
 * ```ts
 * import { eventsWorkflow } from "@lib/backtest/events/events_workflow.ts";
 * import assert from "node:assert/strict";
 * const n = 600;
 * const close = [0, 1].map((a) => Float64Array.from({ length: n }, (_, t) => 100 * Math.exp(0.01 * Math.sin(t * (1.3 + a)))));
 * const r = close.map((c) => Float64Array.from(c, (x, t) => (t === 0 ? NaN : Math.log(x / c[t - 1]!))));
 * const w = eventsWorkflow({
 *   assets: ["BTCUSDT", "XUSDT"], open: close, close, logReturns: r,
 *   index: Float64Array.from({ length: n }, (_, t) => t * 3.6e6),
 *   factors: [r[0]!], factorNames: ["BTCUSDT"], factorAssets: [0],
 * }, { hypotheses: { bootstrap: { replications: 99 } } });
 * const funding = w.definitions.find((d) => d.family === "funding-extreme")!;
 * assert.equal(funding.available, false);
 * assert.match(funding.reason!, /no funding/);
 * ```
 */
export function eventsWorkflow(
  inputs: EventsWorkflowInputs,
  options: EventsWorkflowOptions = {},
): EventsWorkflow {
  const defs = options.definitions ?? EVENT_DEFINITIONS;
  const cooldown = options.cooldown ?? EVENTS_WORKFLOW_DEFAULTS.cooldown;
  const factorSet = new Set(inputs.factorAssets);
  const outcomes: DefinitionOutcome[] = defs.map((def) => {
    if (!definitionAvailable(def, inputs)) {
      return {
        name: def.name,
        family: def.family,
        description: def.description,
        requires: def.requires,
        available: false,
        reason: inputs.unavailable?.[def.requires] ??
          `the store has no ${REQUIRES_TEXT[def.requires]} for these assets`,
        events: [],
        study: null,
      };
    }
    const events = eventsFromFlags(def.flags(inputs), cooldown);
    const studied = events.filter((e) => !factorSet.has(e.asset));
    const study = studied.length >= 2
      ? eventStudy(inputs.logReturns, inputs.factors, studied, options.study)
      : null;
    return {
      name: def.name,
      family: def.family,
      description: def.description,
      requires: def.requires,
      available: true,
      events,
      study: study !== null && study.abnormal.events.length >= 2 ? study : null,
    };
  });
  const hypotheses = eventHypotheses({
    logReturns: inputs.logReturns,
    index: inputs.index,
    definitions: outcomes.filter((o) => o.available).map((o) => ({
      name: o.name,
      events: o.events,
    })),
    regime: inputs.regime,
    costs: inputs.costs,
    dataset: inputs.dataset,
  }, options.hypotheses);
  const byName = new Map(defs.map((d) => [d.name, d]));
  const candidates: EventCandidate[] = hypotheses.promoted.map((h) => {
    const def = byName.get(h.definition)!;
    if (def.requires !== "bars") {
      return {
        hypothesis: h,
        config: null,
        notRunnable: `needs ${REQUIRES_TEXT[def.requires]}, which a bar backtest does not load`,
      };
    }
    if (h.condition !== "all") {
      return {
        hypothesis: h,
        config: null,
        notRunnable:
          `conditioned on ${h.condition}; the event strategy does not read regimes (run the unconditioned hypothesis, or trade it by hand in that regime)`,
      };
    }
    return {
      hypothesis: h,
      config: {
        strategy: "event",
        params: {
          definition: h.definition,
          action: h.action,
          holding: h.holding,
          cooldown,
          weight: 1,
        },
      },
    };
  });
  return { definitions: outcomes, hypotheses, candidates, cooldown };
}

const REQUIRES_TEXT: Readonly<Record<string, string>> = {
  bars: "bars",
  funding: "funding rates (deno task backfill --kind funding, or import *-funding_rate.json)",
  openInterest: "open interest (deno task backfill --kind oi)",
  liquidations:
    "liquidations (deno task stream --liquidations records them; there is no history endpoint)",
  otherVenueClose: "bars of a second venue (--other-venue)",
};
