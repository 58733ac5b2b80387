/**
 * The fast screenPairs (the regression-"n" ADF's level products derived from the lag products
 * instead of summed, its final fit extending the lag search's sums, eight lags per WebAssembly
 * SIMD pass, pairs compacted run by run, one-pass half-life and return correlation, Workers
 * across the cores) returns what the implementation before it returned, to rounding: the same
 * pairs in the same order, the same chosen ADF lags, nobs and Benjamini-Hochberg/Yekutieli
 * decisions exactly, and every statistic, p-value, hedge ratio, intercept, half-life and
 * correlation within 1e-9 relative (measured: 4e-13 at most), in six runs (the whole NFI
 * universe with the defaults, slices of it with each option varied, simulated series with gaps
 * and a peg). The reference values were written by the implementation before the speed-up
 * (screen_pairs_reference_values.json, 15 significant digits; its bit-level digests stay in
 * screen_pairs_reference.json). statsmodels agreement is checked in pairs_screen_test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { realDataTest } from "../_shared/real_data.ts";
import { screenCases } from "./_screen_pairs_cases.ts";
import { digest, simulatedUniverse } from "./_screen_digest.ts";
import { screenPairs } from "@lib/research/pairs/screen_pairs.ts";

/**
 * What was recorded per case: every pair's order, nobs/usedLag and adjusted p-value (for the
 * decision), and every statistic of one pair in `sampleStep` (every pair in the small cases) at
 * 15 significant digits, as "index statistic pValue adjustedPValue hedgeRatio intercept halfLife
 * returnCorrelation" (NaN/Infinity spelled out). Sampled so the file stays small; the bit-level
 * digests of every pair stay in screen_pairs_reference.json.
 */
interface Recorded {
  tested: number;
  skipped: number;
  stationaryAssets: string[];
  rejectedAtAlpha: number;
  pairCount: number;
  order: string;
  nobsLag: string;
  adjustedPValues: string;
  sampleStep: number;
  sample: string[];
}
const reference: Record<string, Recorded> = JSON.parse(
  readFileSync(new URL("./screen_pairs_reference_values.json", import.meta.url), "utf8"),
);

const TOLERANCE = 1e-9;
const FIELDS = [
  "statistic",
  "pValue",
  "adjustedPValue",
  "hedgeRatio",
  "intercept",
  "halfLife",
  "returnCorrelation",
] as const;

realDataTest("screenPairs: the recorded pre-speed-up results, same lags and decisions", () => {
  let worst = 0;
  for (const c of screenCases()) {
    const r = c.run();
    const want = reference[c.name];
    assert.ok(want, `no reference for ${c.name}`);
    assert.equal(r.tested, want.tested, c.name);
    assert.equal(r.skipped, want.skipped, c.name);
    assert.deepEqual(r.stationaryAssets, want.stationaryAssets, c.name);
    assert.equal(r.rejectedAtAlpha, want.rejectedAtAlpha, c.name);
    assert.equal(r.pairs.length, want.pairCount, c.name);
    const order = want.order.split(" ");
    const nobsLag = want.nobsLag.split(" ");
    const adjusted = want.adjustedPValues.split(" ").map(Number);
    r.pairs.forEach((p, i) => {
      const where = `${c.name}: pair ${i} (${p.y} ~ ${p.x})`;
      assert.equal(`${p.yIndex}-${p.xIndex}`, order[i], where);
      assert.equal(`${p.nobs}/${p.usedLag}`, nobsLag[i], `${where}: nobs/usedLag`);
      // The decision at alpha, exactly.
      assert.equal(p.adjustedPValue <= r.alpha, adjusted[i]! <= r.alpha, `${where}: decision`);
    });
    for (const line of want.sample) {
      const [index, ...values] = line.split(" ");
      const i = Number(index), p = r.pairs[i]!;
      const where = `${c.name}: pair ${i} (${p.y} ~ ${p.x})`;
      FIELDS.forEach((f, q) => {
        const got = p[f], ref = Number(values[q]);
        if (Object.is(got, ref) || (Number.isNaN(got) && Number.isNaN(ref))) return;
        const dev = Math.abs(got - ref) / Math.abs(ref);
        worst = Math.max(worst, dev);
        assert.ok(dev <= TOLERANCE, `${where}: ${f} ${got} vs recorded ${ref} (relative ${dev})`);
      });
    }
  }
  console.log(`screenPairs vs recorded: largest relative deviation ${worst.toExponential(1)}`);
});

Deno.test("screenPairs: 1, 2 and 3 threads give the same bits; a bad workers value is refused", () => {
  const s = simulatedUniverse(24, 700); // 276 tests: enough to start Workers
  const one = digest(screenPairs(s.series, s.names, { workers: 1 }));
  assert.equal(digest(screenPairs(s.series, s.names, { workers: 2 })), one);
  assert.equal(
    digest(screenPairs(s.series, s.names, { workers: 3, bothDirections: true })),
    digest(screenPairs(s.series, s.names, { workers: 1, bothDirections: true })),
  );
  assert.throws(
    () => screenPairs(s.series, s.names, { workers: 0 }),
    /workers must be an integer >= 1, got 0/,
  );
});

Deno.test("screenPairs without permission to read its Worker module falls back to one thread", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-env",
      new URL("./_screen_narrow.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, err);
  const s = simulatedUniverse(22, 900);
  const want = digest(screenPairs(s.series, s.names, { workers: 1 }));
  assert.equal(new TextDecoder().decode(out.stdout).trim(), want);
});
