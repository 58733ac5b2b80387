/**
 * The demo's portfolio and backtest section (`portfolioSection`): the minimum-variance targets
 * are causal (checked at every bar) and equal the optimizer on the Ledoit-Wolf covariance of
 * exactly the window before each rebalance; on real Binance bars the long-short portfolio's
 * table shows the engine's numbers and net below gross, and both books' lookahead checks (the
 * long-short's and the minimum variance's) are run and printed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkLookahead } from "@lib/backtest/lookahead.ts";
import { ledoitWolf } from "@lib/portfolio/ledoit_wolf.ts";
import { optimizePortfolio } from "@lib/portfolio/optimize_portfolio.ts";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { minVarianceTargets, portfolioSection } from "@lib/report/sections/portfolio_section.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

function randomReturns(N: number, T: number, seed: number): Float64Array[] {
  let s = seed;
  const u = () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  return Array.from(
    { length: N },
    (_, a) =>
      Float64Array.from(
        { length: T },
        (_, t) => (t === 0 || (a === 2 && t % 17 === 0) ? NaN : 0.01 * (a + 1) * u()),
      ),
  );
}

Deno.test("minVarianceTargets: causal at every bar, and the optimizer's answer on each window", () => {
  const r = randomReturns(4, 160, 7);
  const W = 30, every = 10;
  const look = checkLookahead((d: Float64Array[]) => minVarianceTargets(d, W, every), r);
  assert.equal(look.passed, true);
  assert.equal(look.checkedBars, 160);
  const w = minVarianceTargets(r, W, every);
  for (const t of [W - 1 + every * 3, W - 1 + every * 8]) {
    // the assets with a return at every row of the window ending at t
    const keep = [0, 1, 2, 3].filter((a) => {
      for (let u = t - W + 1; u <= t; u++) if (!Number.isFinite(r[a]![u]!)) return false;
      return true;
    });
    const lw = ledoitWolf(keep.map((a) => r[a]!.slice(t - W + 1, t + 1)));
    const opt = optimizePortfolio({ covariance: lw.covariance, objective: "minVariance" });
    keep.forEach((a, j) => assert.ok(Math.abs(w[a]![t]! - Math.max(0, opt.weights[j]!)) < 1e-12));
    // held until the next rebalance
    for (let u = t; u < t + every; u++) assert.equal(w[0]![u], w[0]![t]);
  }
  assert.ok(Number.isNaN(w[0]![W - 2]!), "no target before the first full window");
});

const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");

realDataTest(
  "portfolioSection on real Binance bars: the table is the engine's numbers",
  async () => {
    const { db } = openStore(":memory:");
    const bases = ["BTC", "ETH", "ADA", "XRP", "LTC", "LINK"];
    await importPaths(db, bases.map((b) => join(NFI, `${b}_USDT-1h.json`)), {
      venue: "binance",
      freq: "1h",
    });
    const panel = loadPanel(db, {
      venue: "binance",
      freq: "1h",
      symbols: bases.map((b) => `${b}USDT`),
      from: Date.parse("2021-02-01"),
      to: Date.parse("2021-03-01"),
    });
    const s = portfolioSection(panel);
    const total = (x: ArrayLike<number>) => Array.from(x).reduce((g, v) => g * (1 + v), 1) - 1;
    const costs = s.blocks.find((b) => b.type === "table" && b.id === "portfolio-long-short-costs");
    assert.ok(costs !== undefined && costs.type === "table");
    const [gross, net] = costs.rows[0]!;
    assert.ok(Math.abs(Number(gross) - total(s.longShort.gross)) < 1e-12);
    assert.ok(Math.abs(Number(net) - total(s.longShort.net)) < 1e-12);
    assert.ok(Number(net) < Number(gross), "costs were paid");
    assert.deepEqual(s.longShort.metadata.costNames, ["fees", "spread"]);
    assert.equal(s.longShort.metadata.lag, 1);
    // the minimum-variance book is fully invested and long-only once it holds anything
    const t = panel.index.length - 1;
    const held = s.minVariance.weights.map((w) => w[t]!);
    assert.ok(held.every((x) => x >= -1e-12));
    assert.ok(Math.abs(held.reduce((a, b) => a + b, 0) - 1) < 0.05, "drift keeps it near 1");
    // both books' targets are checked for lookahead on the backtest sample, and it is printed
    for (const look of [s.longShortLookahead, s.minVarianceLookahead]) {
      assert.equal(look.passed, true);
      assert.ok(look.checkedBars >= 30, `${look.checkedBars} bars checked`);
    }
    const said = s.blocks.flatMap((b) => (b.type === "paragraph" ? [b.text] : []));
    assert.ok(
      said.some((x) =>
        /^An allocation by the optimizer: .* Minimum variance: Lookahead check passed: at each of \d+ bars/
          .test(x)
      ),
      said.join("\n"),
    );
  },
);
