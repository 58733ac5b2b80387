/**
 * The `materialize` and `check-dataset` tasks, run as subprocesses against a temporary store
 * seeded with real Kraken 15-minute bars.
 */
import assert from "node:assert/strict";
import { openStore, withTransaction } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { fingerprintSeries, fingerprintStore } from "@lib/store/fingerprint.ts";
import { findGaps } from "@lib/store/gaps.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { readKraken } from "./_real_files.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

async function run(task: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `tasks/${task}.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

realDataTest("materialize then check-dataset on a real series", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-tasks-" });
  const db = `${dir}/t.db`;
  try {
    const src = readKraken("XBTUSDC_15.csv", "15m");
    const s = openStore(db);
    withTransaction(s.db, () => writeBars(s.db, src, { source: "file:XBTUSDC_15.csv" }));
    s.close();

    const first = await run("materialize", ["--db", db, "--freq", "all", "--venue", "kraken"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /kraken XBTUSDC 15m -> 1h: 2160 bars \(2160 new/);
    assert.match(first.stdout, /kraken XBTUSDC 15m -> 1d: 90 bars/);
    const again = await run("materialize", ["--db", db, "--freq", "all", "--symbols", "XBTUSDC"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /3 series, 0 inserted, 0 replaced, 2790 unchanged/);

    const check = await run("check_dataset", ["--db", db, "--json"]);
    assert.equal(check.code, 0, check.stderr);
    const doc = JSON.parse(check.stdout);
    assert.equal(doc.schema, "cryptolab.check-dataset/1");
    const ro = openStore(db, { readOnly: true });
    try {
      assert.equal(doc.store.sha256, fingerprintStore(ro.db).sha256);
      assert.equal(doc.store.rows, src.ts.length + 2160 + 540 + 90);
      assert.deepEqual(doc.series.map((x: { freq: string }) => x.freq), ["15m", "1d", "1h", "4h"]);
      const m15 = doc.series[0];
      assert.equal(m15.rows, src.ts.length);
      assert.equal(m15.first, "2023-01-01T00:00:00.000Z");
      assert.equal(m15.sha256, fingerprintSeries(ro.db, src).sha256);
      const g = findGaps(src.ts, "15m");
      assert.equal(m15.gaps, g.startTs.length);
      assert.equal(m15.missing, g.missing.reduce((a, b) => a + b, 0));
      assert.equal(m15.missing, 90 * 96 - src.ts.length);
      const h = doc.series[2];
      assert.equal(h.gaps, 0);
      assert.ok(h.incomplete > 0, "hours with missing quarters must be incomplete");
    } finally {
      ro.close();
    }

    const text = await run("check_dataset", ["--db", db, "--freq", "1h"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^dataset fingerprint [0-9a-f]{64}/m);
    assert.match(text.stdout, /kraken XBTUSDC 1h: 2160 bars 2023-01-01T00:00:00.000Z/);
    assert.doesNotMatch(text.stdout, /XBTUSDC 15m/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the tasks reject bad flags with usage errors (exit 2)", async () => {
  const unknown = await run("materialize", ["--freq", "1h", "--bogus"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /bogus/);
  const missing = await run("materialize", ["--db", "/nonexistent/x.db"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--freq is required/);
  const badFreq = await run("materialize", ["--freq", "2h"]);
  assert.equal(badFreq.code, 2);
  assert.match(badFreq.stderr, /Unknown frequency "2h"/);
  const noStore = await run("check_dataset", ["--db", "/nonexistent/none.db"]);
  assert.equal(noStore.code, 1);
  assert.match(noStore.stderr, /does not exist/);
});
