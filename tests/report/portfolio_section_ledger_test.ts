/**
 * The demo's portfolio section records its three backtests as trials (issue 10, review finding
 * 7: they were evaluations never counted), family `portfolio`, each with its book as a param and
 * its net returns as the series; without a ledger nothing is recorded and the blocks are the same.
 */
import assert from "node:assert/strict";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { openStore } from "@lib/store/db.ts";
import { readTrials } from "@lib/store/trials.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import { openLedger } from "@lib/research/ledger.ts";
import { PORTFOLIO_FAMILY, portfolioSection } from "@lib/report/sections/portfolio_section.ts";

Deno.test("portfolioSection with a ledger records its three books in family portfolio", () => {
  const { db, close } = openStore(":memory:");
  try {
    writeSimMarket(db, simulateMarket({ seed: 9, assets: 8, freq: "1h", bars: 24 * 15 }));
    const dataset = loadDataset(db, { venue: "sim", freq: "1h" });
    const ledger = openLedger(db, { gitCommit: "unknown" });
    const record = { ledger, dataset: dataset.fingerprint.sha256, freq: dataset.freq };
    const s = portfolioSection(dataset.panel, { record });
    const trials = readTrials(db, PORTFOLIO_FAMILY);
    assert.deepEqual(
      trials.map((t) => JSON.parse(t.params).book),
      ["long-short momentum", "min-variance", "equal-weight"],
    );
    const nets = [s.longShort.net, s.minVariance.net, s.equalWeight.net];
    trials.forEach((t, i) => {
      assert.equal(t.kind, "returns");
      assert.equal(t.dataset, dataset.fingerprint.sha256);
      assert.equal(t.freq, "1h");
      assert.match(t.sourceSha256 ?? "", /^[0-9a-f]{64}$/);
      assert.deepEqual([...t.series], [...nets[i]!]);
    });
    // the same section again adds nothing; without a ledger the blocks are the same
    portfolioSection(dataset.panel, { record });
    assert.equal(readTrials(db, PORTFOLIO_FAMILY).length, 3);
    assert.deepEqual(portfolioSection(dataset.panel).blocks, s.blocks);
  } finally {
    close();
  }
});
