/**
 * The strategy tear sheet's "How the backtest was run" table: every engine rule is a long
 * sentence, and a report table's first column is sticky with `white-space: nowrap` (html.ts
 * CSS), so the rules must not be that column or each one renders as a single line thousands of
 * pixels wide (seen in a deno task backtest report under headless Chromium).
 */
import assert from "node:assert/strict";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { strategyTearSheet } from "@lib/report/tears/strategy_tear_sheet.ts";
import { renderBlock } from "@lib/report/html.ts";
import type { TableBlock } from "@lib/report/model.ts";

Deno.test("strategy tear sheet: the engine rules are numbered, not the sticky first column", () => {
  const H = 3_600_000, T = 60;
  const index = Float64Array.from({ length: T }, (_, t) => 1_700_000_000_000 + t * H);
  const close = [Float64Array.from({ length: T }, (_, t) => 100 * (1 + 0.01 * Math.sin(t)))];
  const target = [new Float64Array(T).fill(1)];
  const result = backtestWeights({ index, assets: ["BTC"], close }, target);
  const sheet = strategyTearSheet(result, { barMs: H });
  const block = sheet.sections.flatMap((s) => s.blocks)
    .find((b) => b.type === "table" && b.id === "strategy-rules") as TableBlock | undefined;
  assert.ok(block, "no strategy-rules table");
  assert.deepEqual(block.columns.map((c) => c.label), ["#", "Rule"]);
  assert.equal(block.rows.length, result.metadata.rules.length);
  block.rows.forEach((r, i) => assert.deepEqual(r, [i + 1, result.metadata.rules[i]]));
  // rendered: each rule sits in a second cell, after its number
  const html = renderBlock(block);
  const first = result.metadata.rules[0]!.slice(0, 40);
  assert.match(
    html,
    new RegExp(`<td[^>]*>1</td>\\s*<td[^>]*>${first.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
  );
});
