/**
 * The research report's IC table adjusts p EWC across every signal x horizon at once
 * (Benjamini-Hochberg and Benjamini-Yekutieli, next to p NW / p EWC). The adjustment functions
 * themselves equal statsmodels `multipletests(fdr_bh / fdr_by)` (tests/stats); here the table's
 * columns are recomputed independently from the table's own p EWC column, as one family.
 */
import assert from "node:assert/strict";
import { simulatedPanel } from "@lib/research/null_suite_sim.ts";
import { signalSection } from "@lib/report/sections/signal_section.ts";

function stepUp(p: number[], c: number): number[] {
  const m = p.length;
  return p.map((_, i) => {
    if (Number.isNaN(p[i]!)) return NaN;
    // min over j with p_j >= p_i of c m p_j / rank(j), ranks among the finite values
    const finite = p.map((v, k) => [v, k] as const).filter(([v]) => !Number.isNaN(v))
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const at = finite.findIndex(([, k]) => k === i);
    let best = 1;
    for (let r = at; r < finite.length; r++) {
      best = Math.min(best, (c * m * finite[r]![0]) / (r + 1));
    }
    return best;
  });
}

Deno.test("IC table: p EWC (BH) and (BY) adjust across all signals x horizons as one family", () => {
  const { panel } = simulatedPanel({ seed: 9, assets: 8, freq: "1h", bars: 900, signalIc: 0 });
  const names = ["momentum_24", "reversal_1", "low_vol_168"];
  const s = signalSection(panel, { signals: names, horizons: [1, 4, 24] });
  const t = s.blocks.find((b) => b.type === "table" && b.id === "signal-ic-summary");
  assert.ok(t !== undefined && t.type === "table");
  const keys = t.columns.map((c) => c.key);
  assert.deepEqual(keys.slice(-3), ["p_ewc", "p_ewc_bh", "p_ewc_by"]);
  assert.equal(t.rows.length, 9);
  const p = t.rows.map((r) => r[11] as number);
  const m = p.length;
  const cBy = Array.from({ length: m }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b);
  const bh = stepUp(p, 1), by = stepUp(p, cBy);
  t.rows.forEach((r, i) => {
    assert.ok(Math.abs((r[12] as number) - bh[i]!) < 1e-12, `BH row ${i}`);
    assert.ok(Math.abs((r[13] as number) - by[i]!) < 1e-12, `BY row ${i}`);
    assert.ok((r[12] as number) >= p[i]! && (r[13] as number) >= (r[12] as number));
  });
  assert.match(
    t.caption ?? "",
    /adjusted across every signal and horizon of this table at once \(9 tests/,
  );
});
