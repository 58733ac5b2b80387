/**
 * Funding on a bar grid against pandas (Debian pandas 1.5.3, tests/oracles/perp_funding.py) on
 * the REAL Binance funding histories: `fundingKnownAt` equals `pd.merge_asof(bar ends, events,
 * direction="backward", allow_exact_matches=False)` (a rate is known from its funding time, so
 * at a bar's close only events stamped before it count), and the per-bar funding a backtest
 * charges (`alignFunding`, used by `--funding`) equals the events grouped by the hour they fall
 * in.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fundingKnownAt } from "@lib/panel/funding_on_grid.ts";
import { alignFunding } from "@lib/backtest/costs/align_funding.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

interface OracleCase {
  readonly path: string;
  readonly grid: number[];
  readonly known: (number | null)[];
  readonly paid: number[];
}
const ORACLE = JSON.parse(
  readFileSync(new URL("../oracles/perp_funding.json", import.meta.url), "utf8"),
) as { cases: Record<string, OracleCase> };

for (const [name, c] of Object.entries(ORACLE.cases)) {
  realDataTest(`funding on the hourly grid equals pandas merge_asof / groupby: ${name}`, () => {
    const rows = JSON.parse(readFileSync(realPath(c.path), "utf8")) as number[][];
    const times = rows.map((r) => r[0]!), rates = rows.map((r) => r[1]!);
    const known = fundingKnownAt(c.grid, times, rates);
    const paid = alignFunding(c.grid, times, rates);
    assert.equal(known.length, c.known.length);
    for (let t = 0; t < c.grid.length; t++) {
      const want = c.known[t];
      if (want === null) assert.ok(Number.isNaN(known[t]!), `${name} known[${t}]`);
      else assert.equal(known[t], want, `${name} known[${t}]`);
      assert.ok(Math.abs(paid[t]! - c.paid[t]!) < 1e-15, `${name} paid[${t}]`);
    }
    assert.ok(c.known.some((k) => k === null), "the grid starts before the first funding is known");
  });
}
