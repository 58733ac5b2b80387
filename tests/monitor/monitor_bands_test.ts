/**
 * The monitor's strategy bands for any `--z` the task accepts ((0, 20]): the stop lies beyond
 * the entry, so the analytics and the paper rule run (with `--z 4` or more both failed on every
 * bar: "stop must be above entry=4, got 4").
 */
import assert from "node:assert/strict";
import { monitorExit, monitorStop, pairAnalytics } from "@lib/pipeline/monitor/pair_analytics.ts";
import { advancePaperRule, initialPaperState } from "@lib/monitor/mod.ts";

Deno.test("monitor bands: analytics and the paper rule run for thresholds of 4 and more", () => {
  const n = 120, t = Float64Array.from({ length: n }, (_, i) => i * 1000);
  const x = Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 3));
  const y = x.map((v, i) => 2 * v + 3 * Math.cos(i / 2));
  for (const z of [0.5, 2, 3.9, 4, 5, 20]) {
    assert.ok(monitorStop(z) > z && monitorExit(z) < z, `z ${z}`);
    const a = pairAnalytics(t, y, x, { window: 20, z });
    assert.equal(a.z, z);
    const step = advancePaperRule(initialPaperState(), { ts: t, y, x, barMs: 1000 }, {
      rule: { hedgeWindow: 20, zWindow: 20, entry: z, exit: monitorExit(z), stop: monitorStop(z) },
    });
    assert.equal(step.marks.length, n);
  }
  assert.equal(monitorStop(2), 4); // the strategy's default where it fits
});
