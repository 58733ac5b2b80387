/**
 * `deno task export` records the IC series it exports as trials (issue 10, review finding 7:
 * they were evaluations never counted), as `deno task report` records them: family
 * `signal:<family>`, one trial per signal and horizon; `--no-ledger` records nothing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { openStore } from "@lib/store/db.ts";
import { readTrials } from "@lib/store/trials.ts";
import { runDeno } from "../_shared/run_task.ts";

function simStore(dir: string, name: string): string {
  const path = join(dir, name);
  const { db, close } = openStore(path);
  try {
    writeSimMarket(db, simulateMarket({ seed: 5, assets: 6, freq: "1h", bars: 24 * 12 }));
  } finally {
    close();
  }
  return path;
}

Deno.test("deno task export records each exported IC series in the ledger; --no-ledger does not", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-export-ledger-" });
  try {
    const db = simStore(dir, "a.db");
    const args = ["--out", join(dir, "out"), "--signals", "momentum_24", "--horizons", "1,4"];
    const r = await runDeno(["task", "export", "--db", db, ...args]);
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim();
    const exported = JSON.parse(Deno.readTextFileSync(join(out, "ic_series.json")));
    const { db: sdb, close } = openStore(db, { mustExist: true });
    try {
      const trials = readTrials(sdb, "signal:momentum");
      for (const h of [1, 4]) {
        const t = trials.find((x) => {
          const q = JSON.parse(x.params);
          return q.signal === "momentum_24" && q.horizon === h;
        });
        assert.ok(t !== undefined, `a trial of momentum_24 at horizon ${h}`);
        assert.equal(t.kind, "ic");
        // the trial's finite values are the exported rows, bar for bar
        const rows = exported.rows.filter((x: { signal: string; horizon: number }) =>
          x.signal === "momentum_24" && x.horizon === h
        );
        const finite = Array.from(t.series).filter(Number.isFinite);
        assert.equal(finite.length, rows.length);
        assert.deepEqual(finite, rows.map((x: { ic: number }) => x.ic));
      }
    } finally {
      close();
    }
    const quiet = simStore(dir, "b.db");
    const q = await runDeno(["task", "export", "--db", quiet, ...args, "--no-ledger"]);
    assert.equal(q.code, 0, q.stderr);
    const b = openStore(quiet, { mustExist: true });
    try {
      assert.throws(() => readTrials(b.db, "signal:momentum"), /no family "signal:momentum"/);
    } finally {
      b.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
