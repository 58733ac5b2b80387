/**
 * The event study of the 20 registry definitions over the 126-asset NFI hourly universe
 * (126 x 5,493 bars, Binance spot 2020-12 -> 2021-07): flags, declustering (24 bars) and one
 * event study per definition (market model on BTC and ETH fitted on bars -240..-25 before each
 * event, forecast-error variance, BMP, Kolari-Pynnonen, 999 block-bootstrap resamples). The
 * goal of issue 12 is under 10 s. The store has no perp data for this universe, so the funding,
 * open-interest, liquidation and second-venue columns are synthetic (seeded, documented below):
 * they exist only so that every definition does its full work. Also timed: the hypotheses
 * (every available definition x long/short/fade x 4 and 24 bars, Binance taker fees, 499
 * resamples each) and the whole workflow.
 *
 *   deno bench -A bench/events_bench.ts
 *   deno run -A bench/events_bench.ts   # one run: wall and CPU time per stage, events found
 *
 * @module
 */
import process from "node:process";
import {
  EVENT_DEFINITIONS,
  type EventInputs,
  eventsFromFlags,
} from "@lib/research/events/event_definitions.ts";
import { eventStudy } from "@lib/research/events/event_study.ts";
import { eventsWorkflow } from "@lib/backtest/events/events_workflow.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { createRng } from "@lib/stats/rng.ts";
import { nfiPanel } from "../tests/research/_nfi_panel.ts";

const panel = nfiPanel();
const T = panel.index.length;
const A = panel.assets.length;
const btc = panel.assets.indexOf("BTCUSDT"), eth = panel.assets.indexOf("ETHUSDT");

// synthetic perp columns: funding a new rate every 8 bars around 1e-4 (sd 5e-5) with the
// asset's past 8-bar return added (funding follows the market), open interest a random walk
// (1% a bar) that drops 30% on the asset's largest moves, liquidations N(0, 1e4) plus 50x the
// bar's return in notional, the second venue = close x exp(N(0, 5 bp))
const rng = createRng(12, 1);
const funding: Float64Array[] = [], oi: Float64Array[] = [], liq: Float64Array[] = [];
const other: Float64Array[] = [];
for (let a = 0; a < A; a++) {
  const r = panel.logReturns[a]!, c = panel.close[a]!;
  const f = new Float64Array(T), o = new Float64Array(T), l = new Float64Array(T);
  const v = new Float64Array(T);
  let rate = 1e-4, level = 1e6;
  for (let t = 0; t < T; t++) {
    if (t % 8 === 0) {
      let past = 0;
      for (let s = Math.max(1, t - 7); s <= t; s++) past += Number.isFinite(r[s]!) ? r[s]! : 0;
      rate = 1e-4 + 5e-5 * rng.normal() + 0.01 * past;
    }
    f[t] = rate;
    level *= Math.exp(0.01 * rng.normal()) * (Math.abs(r[t]!) > 0.06 ? 0.7 : 1);
    o[t] = level;
    l[t] = 1e4 * rng.normal() + 5e5 * (Number.isFinite(r[t]!) ? r[t]! : 0);
    v[t] = c[t]! * Math.exp(5e-4 * rng.normal());
  }
  funding.push(f);
  oi.push(o);
  liq.push(l);
  other.push(v);
}
const inputs: EventInputs = {
  assets: panel.assets,
  open: panel.open,
  close: panel.close,
  logReturns: panel.logReturns,
  funding,
  openInterest: oi,
  liquidations: liq,
  otherVenueClose: other,
};
const factors = [panel.logReturns[btc]!, panel.logReturns[eth]!];

/** Flags, declustering and the event study of every definition. */
function studies() {
  return EVENT_DEFINITIONS.map((def) => {
    const events = eventsFromFlags(def.flags(inputs), 24)
      .filter((e) => e.asset !== btc && e.asset !== eth);
    return {
      name: def.name,
      events: events.length,
      study: eventStudy(panel.logReturns, factors, events),
    };
  });
}

function workflow() {
  return eventsWorkflow({
    ...inputs,
    index: panel.index,
    factors,
    factorNames: ["BTCUSDT", "ETHUSDT"],
    factorAssets: [btc, eth],
    costs: [feeCost({ venue: "binance" })],
  });
}

if (import.meta.main) {
  const time = <R>(f: () => R) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = f();
    const cpu = process.cpuUsage(c0);
    return {
      out,
      ms: Math.round(performance.now() - t0),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    };
  };
  const s = time(studies);
  const w = time(workflow);
  console.log(JSON.stringify({
    case: `event study of ${EVENT_DEFINITIONS.length} definitions, ${A} x ${T} hourly`,
    studiesMs: s.ms,
    studiesCpuMs: s.cpuMs,
    events: s.out.reduce((a, x) => a + x.events, 0),
    perDefinition: Object.fromEntries(s.out.map((x) => [x.name, x.events])),
    workflowMs: w.ms,
    workflowCpuMs: w.cpuMs,
    hypotheses: w.out.hypotheses.family,
    promoted: w.out.hypotheses.promoted.length,
    loadAverage: Deno.loadavg()[0],
  }));
} else {
  Deno.bench({
    name: `event study of ${EVENT_DEFINITIONS.length} definitions, ${A} x ${T} hourly`,
    group: "events",
    warmup: 1,
    n: 3,
    fn() {
      studies();
    },
  });
  Deno.bench({
    name: `event workflow (studies + hypotheses with fees), ${A} x ${T} hourly`,
    group: "events",
    warmup: 0,
    n: 1,
    fn() {
      workflow();
    },
  });
}
