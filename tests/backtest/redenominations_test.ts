/**
 * Redenominations (lib/panel/redenominations.ts) and how the backtest engine reports and, on
 * request, adjusts them. Reference: the real event, COCOS/USDT on Binance (1 new COCOS for
 * 1,000 old, trading halted from 2021-01-19 01:00 to 2021-01-23 02:00 UTC), in the NFI
 * hourly folder of ../shared/data/real (PROVENANCE.md: 1h/COCOS_USDT-1h.json), and
 * synthetic panels worked by hand. Non-events: the real +61.6% DENT and +70% DOGE hours, the
 * real -88% BTCST move across a 97-hour halt, a move of the whole market, a 100x move whose
 * units volume does not fall.
 */
import assert from "node:assert/strict";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import {
  adjustRedenominations,
  detectRedenominations,
  rescaleBeforeEvents,
} from "@lib/panel/redenominations.ts";
import { subsetPanel } from "@lib/panel/subset_panel.ts";
import type { Panel } from "@lib/panel/types.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiPanel } from "../research/_nfi_panel.ts";

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

realDataTest(
  "COCOS's 1:1000 redenomination across the January 2021 halt is the only one in 126 pairs",
  () => {
    const p = nfiPanel();
    const events = detectRedenominations(p);
    assert.equal(events.length, 1, JSON.stringify(events));
    const e = events[0]!;
    assert.equal(e.asset, "COCOSUSDT");
    assert.equal(iso(e.prevTs), "2021-01-19T01:00:00.000Z");
    assert.equal(iso(e.ts), "2021-01-23T02:00:00.000Z");
    assert.equal(e.bar - e.prevBar, 97);
    assert.equal(e.factor, 1000);
    assert.ok(Math.abs(e.ratio - 0.68 / 0.000695) < 1e-9, String(e.ratio));
    assert.ok(e.volumeRatio < 0.01, `units volume fell: x${e.volumeRatio}`);
    assert.ok(Math.abs(Math.log10(e.marketRatio)) < 0.1, `market x${e.marketRatio}`);
    // the genuine moves of the same data are in it and not flagged
    const move = (asset: string, ts: string) => {
      const c = p.close[p.assets.indexOf(asset)]!, t = p.index.indexOf(Date.parse(ts));
      let u = t - 1;
      while (!Number.isFinite(c[u]!)) u--;
      return c[t]! / c[u]!;
    };
    assert.ok(move("DENTUSDT", "2021-01-30T02:00:00Z") > 1.6); // +61.6% in an hour
    assert.ok(move("DOGEUSDT", "2021-01-29T03:00:00Z") > 1.7); // +70%
    assert.ok(move("BTCSTUSDT", "2021-03-19T07:00:00Z") < 0.13); // -88% across a halt
  },
);

realDataTest(
  "every backtest touching COCOS warns with asset, time and ratio; adjust rescales",
  () => {
    const p = subsetPanel(nfiPanel(), {
      assets: ["BTCUSDT", "ETHUSDT", "COCOSUSDT", "ADAUSDT", "XRPUSDT", "DOGEUSDT"],
    });
    const T = p.index.length, c = p.assets.indexOf("COCOSUSDT");
    const target = p.assets.map(() => new Float64Array(T).fill(1 / 6));
    const raw = backtestWeights(p, target);
    const [e] = raw.metadata.redenominations;
    assert.ok(e !== undefined && e.asset === "COCOSUSDT" && !e.adjusted);
    const warning = raw.metadata.warnings.find((w) => w.startsWith("COCOSUSDT: a redenomination"));
    assert.ok(warning, raw.metadata.warnings.join("\n"));
    assert.match(warning, /1 new unit for 1,000 old/);
    assert.match(warning, /between 2021-01-19T01:00:00\.000Z and 2021-01-23T02:00:00\.000Z/);
    assert.match(warning, /across a gap of 96 bars: close ratio 978\.4/);
    assert.match(warning, /\+97,741\.7%, is not a real move/);
    assert.match(warning, /redenominations: "adjust"/);
    // the jump is earned as given: the held COCOS weight times 977.4
    const held = raw.weights[c]![e.bar]!;
    assert.ok(Math.abs(raw.contribution.gross[c]! - held * (e.ratio - 1)) < 2);
    assert.ok(raw.net[e.bar]! > 100);

    const adj = backtestWeights(p, target, { redenominations: "adjust" });
    const [ea] = adj.metadata.redenominations;
    assert.ok(ea !== undefined && ea.adjusted && ea.bar === e.bar);
    assert.ok(
      adj.metadata.warnings.some((w) => /rescaled by 1000 .*return there is -2\.2%/.test(w)),
    );
    // COCOS earns only its -2.2% there; the other assets' returns are untouched
    const r = adj.weights[c]![e.bar]! * (e.residual - 1);
    const others = adj.net[e.bar]! - r;
    assert.ok(Math.abs(raw.net[e.bar]! - held * (e.ratio - 1) - others) < 1e-12);
    // and it is the engine run on the panel adjusted beforehand, to the bit
    const pre = adjustRedenominations(p).panel;
    const direct = backtestWeights(pre, target);
    assert.deepEqual(direct.net, adj.net);
    assert.equal(direct.metadata.redenominations.length, 0); // nothing left to find
  },
);

/** Six assets on a 200-bar hourly grid: gentle random walks, volume 1,000 units a bar. */
function synthetic(): { close: Float64Array[]; volume: Float64Array[]; index: Float64Array } {
  let seed = 11;
  const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const close = Array.from({ length: 6 }, (_, a) => {
    let x = 10 + a;
    return Float64Array.from({ length: 200 }, () => (x *= 1 + (rand() - 0.5) * 0.02));
  });
  const volume = close.map(() => new Float64Array(200).fill(1000));
  const index = Float64Array.from({ length: 200 }, (_, t) => Date.UTC(2021, 0, 1) + t * HOUR);
  return { close, volume, index };
}

function panelOf(s: ReturnType<typeof synthetic>): Panel {
  return fromColumns({
    freq: "1h",
    venue: "sim",
    assets: s.close.map((_, a) => `A${a}`),
    index: s.index,
    open: s.close,
    high: s.close,
    low: s.close,
    close: s.close,
    volume: s.volume,
  });
}

Deno.test("synthetic: a 1:100 swap across a gap is found; a pump, a market move, unmoved volume are not", () => {
  // A0: bars 100..104 missing, then prices x100 and units volume /100 (1 new for 100 old)
  const s = synthetic();
  for (let t = 100; t < 105; t++) s.close[0]![t] = NaN;
  for (let t = 105; t < 200; t++) {
    s.close[0]![t] = s.close[0]![t]! * 100;
    s.volume[0]![t] = 10;
  }
  // A1: a genuine +60% pump at bar 150, and its volume jumps too
  for (let t = 150; t < 200; t++) s.close[1]![t] = s.close[1]![t]! * 1.6;
  s.volume[1]![150] = 50_000;
  const [e, ...rest] = detectRedenominations(panelOf(s));
  assert.equal(rest.length, 0);
  assert.deepEqual([e!.asset, e!.prevBar, e!.bar, e!.factor], ["A0", 99, 105, 100]);
  assert.ok(Math.abs(e!.volumeRatio - 0.01) < 1e-12);

  // the same x100 with the units volume unchanged (the value traded x100): not confirmed
  const flat = synthetic();
  for (let t = 105; t < 200; t++) flat.close[0]![t] = flat.close[0]![t]! * 100;
  assert.equal(detectRedenominations(panelOf(flat)).length, 0);
  // without volume it stands on the price and the market alone
  assert.equal(detectRedenominations({ close: flat.close }).length, 1);

  // every asset x100 at bar 105 (the quote unit changed): the market made the move
  const market = synthetic();
  for (const [a, c] of market.close.entries()) {
    for (let t = 105; t < 200; t++) {
      c[t] = c[t]! * 100;
      market.volume[a]![t] = 10;
    }
  }
  assert.equal(detectRedenominations(panelOf(market)).length, 0);

  // a reverse split: 1,000 new units for 1 old, prices / 1000, units volume x1000
  const split = synthetic();
  for (let t = 60; t < 200; t++) {
    split.close[3]![t] = split.close[3]![t]! / 1000;
    split.volume[3]![t] = 1e6;
  }
  const [sp] = detectRedenominations(panelOf(split));
  assert.deepEqual([sp!.asset, sp!.bar, sp!.factor], ["A3", 60, 0.001]);
});

Deno.test("synthetic: the engine warns and adjusts the same on prices and on returns", () => {
  const s = synthetic();
  for (let t = 100; t < 105; t++) s.close[0]![t] = NaN;
  for (let t = 105; t < 200; t++) {
    s.close[0]![t] = s.close[0]![t]! * 100;
    s.volume[0]![t] = 10;
  }
  const target = s.close.map(() => new Float64Array(200).fill(0.1));
  const prices = { close: s.close, volume: s.volume, index: s.index };
  const returns = {
    returns: s.close.map((c) => {
      let last = NaN;
      return Float64Array.from(c, (x) => {
        if (!Number.isFinite(x)) return NaN;
        const r = Number.isFinite(last) ? x / last - 1 : NaN;
        last = x;
        return r;
      });
    }),
    index: s.index,
  };
  for (const input of [prices, returns]) {
    const warn = backtestWeights(input, target);
    assert.equal(warn.metadata.redenominations.length, 1);
    assert.equal(warn.metadata.redenominations[0]!.bar, 105);
    assert.ok(warn.net[105]! > 9); // 0.1 x (100 x residual - 1)
    const adj = backtestWeights(input, target, { redenominations: "adjust" });
    assert.ok(adj.metadata.redenominations[0]!.adjusted);
    assert.ok(Math.abs(adj.net[105]!) < 0.01, `adjusted net ${adj.net[105]}`);
    // what the engine earned is the close ratio over the factor
    const e = adj.metadata.redenominations[0]!;
    assert.ok(
      Math.abs(
        adj.contribution.gross[0]! - warn.contribution.gross[0]! +
          adj.weights[0]![105]! * (e.ratio - e.residual),
      ) < 1e-9,
    );
  }
  // the price rescaling: bars before the event times the factor, the rest as they are
  const [col] = rescaleBeforeEvents([s.close[0]!], [{ column: 0, bar: 105, factor: 100 }]);
  assert.equal(col![99], s.close[0]![99]! * 100);
  assert.equal(col![150], s.close[0]![150]);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => backtestWeights(prices, target, { redenominations: "fix" as any }),
    /redenominations must be "warn" or "adjust"/,
  );
});
