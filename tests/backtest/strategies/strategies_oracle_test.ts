/**
 * MA crossover and pairs z-score positions on real hourly BTC/ETH closes (Binance NFI folder,
 * 5,493 bars, 11 missing candles each) against the independent pandas reference
 * tests/oracles/strategies.py (pandas 1.5.3 / numpy 1.24.2): every position change, the legs'
 * weights at every entry, and sampled z-scores and hedge ratios. Each strategy also passes the
 * lookahead check on the same data.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { checkLookahead } from "@lib/backtest/lookahead.ts";
import { maCrossover } from "@lib/backtest/strategies/ma_crossover.ts";
import { pairsMeanReversion } from "@lib/backtest/strategies/pairs_mean_reversion.ts";
import { realDataTest } from "../../_shared/real_data.ts";
import { btcEth } from "./_helpers.ts";

interface PairsRun {
  options: {
    hedgeWindow: number;
    zWindow: number;
    entry: number;
    exit: number;
    stop: number;
    hedgeMinObs: number;
    zMinObs: number;
  };
  positionChanges: [number, number][];
  entryWeights: [number, number, number][];
  sampleRows: number[];
  zSample: (number | null)[];
  betaSample: (number | null)[];
}
interface Oracle {
  firstTs: number;
  bars: number;
  missing: Record<string, number>;
  ma: {
    asset: "BTC" | "ETH";
    fast: number;
    slow: number;
    kind: "sma" | "ema";
    short: boolean;
    changes: [number, number][];
  }[];
  pairs: PairsRun[];
}

const oracle: Oracle = JSON.parse(
  readFileSync(new URL("../../oracles/strategies.json", import.meta.url), "utf8"),
);

function changes(pos: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  let prev = 0;
  for (let t = 0; t < pos.length; t++) {
    if (pos[t] !== prev) out.push([t, pos[t]!]);
    prev = pos[t]!;
  }
  return out;
}

realDataTest("maCrossover positions equal the pandas reference on BTC/ETH hourly closes", () => {
  const d = btcEth();
  assert.equal(d.index.length, oracle.bars);
  assert.equal(d.index[0], oracle.firstTs);
  assert.equal(d.btc.close.filter((x) => x !== x).length, oracle.missing.BTC);
  for (const m of oracle.ma) {
    const close = m.asset === "BTC" ? d.btc.close : d.eth.close;
    const r = maCrossover(close, { fast: m.fast, slow: m.slow, kind: m.kind, short: m.short });
    assert.ok(m.changes.length > 10, "the reference trades");
    assert.deepEqual(changes(r.weights[0]!), m.changes, `${m.asset} ${m.kind} ${m.fast}/${m.slow}`);
  }
});

realDataTest("pairsMeanReversion (rolling OLS) equals the pandas reference on ETH/BTC", () => {
  const d = btcEth();
  for (const p of oracle.pairs) {
    const r = pairsMeanReversion({ y: d.eth.close, x: d.btc.close }, p.options);
    const what = JSON.stringify(p.options);
    assert.ok(p.positionChanges.length >= 10, "the reference trades");
    assert.deepEqual(changes(r.position), p.positionChanges, what);
    for (const [t, wy, wx] of p.entryWeights) {
      assert.ok(Math.abs(r.weights[0]![t]! - wy) < 1e-9, `${what} w_y at ${t}`);
      assert.ok(Math.abs(r.weights[1]![t]! - wx) < 1e-9, `${what} w_x at ${t}`);
    }
    let compared = 0;
    p.sampleRows.forEach((t, i) => {
      const z = p.zSample[i]!, b = p.betaSample[i]!;
      if (z === null) assert.ok(Number.isNaN(r.zScore[t]!), `${what} z at ${t} should be NaN`);
      else {
        assert.ok(
          Math.abs(r.zScore[t]! - z) < 1e-7 * Math.max(1, Math.abs(z)),
          `${what} z at ${t}`,
        );
        compared++;
      }
      if (b === null) assert.ok(Number.isNaN(r.hedgeRatio[t]!));
      else {assert.ok(
          Math.abs(r.hedgeRatio[t]! - b) < 1e-9 * Math.max(1, Math.abs(b)),
          `beta at ${t}`,
        );}
    });
    assert.equal(compared, p.zSample.filter((z) => z !== null).length);
    assert.ok(compared > 10);
  }
});

realDataTest("MA crossover and pairs pass the lookahead check on real bars", () => {
  const d = btcEth();
  const data = { index: d.index, close: [d.eth.close, d.btc.close] };
  const ma = checkLookahead(
    (x: typeof data) =>
      maCrossover(x.close[1]!, { fast: 12, slow: 48, kind: "ema", short: true }).weights,
    data,
  );
  assert.equal(ma.passed, true, JSON.stringify(ma.violations.slice(0, 3)));
  assert.equal(ma.bars, 5493);
  assert.ok(ma.checkedBars >= 290);
  for (const hedge of ["rolling-ols", "kalman"] as const) {
    const res = checkLookahead(
      (x: typeof data) =>
        pairsMeanReversion({ y: x.close[0]!, x: x.close[1]! }, {
          hedge,
          hedgeWindow: 240,
          zWindow: 72,
          entry: 1.5,
          exit: 0,
          stop: 3,
        }).weights,
      data,
    );
    assert.equal(res.passed, true, `${hedge}: ${JSON.stringify(res.violations.slice(0, 3))}`);
  }
});
