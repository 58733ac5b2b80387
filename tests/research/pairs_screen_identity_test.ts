/**
 * The fast screenPairs (ADF cross-products eight lags per pass in WebAssembly SIMD, an
 * allocation-free half-life, Workers across the cores) returns exactly what the implementation
 * before it returned: every output bit of six runs (the whole NFI universe with the defaults,
 * slices of it with each option varied, simulated series with gaps and a peg) against the
 * digests that implementation recorded in screen_pairs_reference.json (see
 * _screen_pairs_cases.ts). statsmodels agreement is checked in pairs_screen_test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { realDataTest } from "../_shared/real_data.ts";
import { screenCases } from "./_screen_pairs_cases.ts";
import { digest, head, simulatedUniverse } from "./_screen_digest.ts";
import { screenPairs } from "@lib/research/pairs/screen_pairs.ts";

// deno-lint-ignore no-explicit-any
const reference: Record<string, any> = JSON.parse(
  readFileSync(new URL("./screen_pairs_reference.json", import.meta.url), "utf8"),
);

realDataTest("screenPairs: every output bit equals the recorded pre-speed-up results", () => {
  for (const c of screenCases()) {
    const r = c.run();
    const want = reference[c.name];
    assert.ok(want, `no reference for ${c.name}`);
    if (digest(r) !== want.digest) {
      // Show the first differing rows before failing on the digest.
      assert.deepEqual(JSON.parse(JSON.stringify(head(r))), want.head, c.name);
      assert.equal(digest(r), want.digest, `${c.name}: outputs differ beyond the first rows`);
    }
    assert.equal(r.tested, want.tested);
  }
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
