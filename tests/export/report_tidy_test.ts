/**
 * Issue 8 item 12: `report.json` carries, beside each figure's layout (its SVG), the figure's
 * data as a tidy table (one record per observation), valid against the report schema.
 */
import assert from "node:assert/strict";
import { runReport } from "@lib/pipeline/report_run.ts";
import { renderJson } from "@lib/report/json.ts";
import { ReportSchema } from "@lib/report/schema.ts";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { openStore } from "@lib/store/db.ts";

Deno.test("report.json: every figure has a tidy data table beside its svg", () => {
  const { db } = openStore(":memory:");
  writeSimMarket(db, simulateMarket({ seed: 4, assets: 6, freq: "1h", bars: 24 * 10 }));
  const { model } = runReport(db, {
    freq: "1h",
    signals: ["momentum_24"],
    horizons: [1, 4],
    runId: "tidy",
    git: { commit: "unknown", dirty: null },
  });
  const json = JSON.parse(renderJson(model));
  assert.ok(ReportSchema.safeParse(json).success);
  const figures = json.sections.flatMap((s: { blocks: { type: string }[] }) =>
    s.blocks.filter((b) => b.type === "figure")
  );
  assert.ok(figures.length >= 3, `${figures.length} figures`);
  for (const f of figures) {
    assert.equal(typeof f.svg, "string");
    assert.equal(f.tidy.rows.length, f.data.rows.length, f.id);
    assert.deepEqual(
      f.tidy.columns.map((c: { name: string }) => c.name),
      f.data.columns.map((c: { key: string }) => c.key),
    );
    f.data.rows.forEach((row: unknown[], i: number) => {
      f.data.columns.forEach((c: { key: string; format: string }, j: number) => {
        const v = f.tidy.rows[i][c.key];
        if (c.format === "datetime" || c.format === "date") {
          assert.equal(row[j] === null ? null : new Date(row[j] as number).toISOString(), v);
        } else assert.equal(v, row[j], `${f.id} ${c.key} row ${i}`);
      });
    });
  }
});
