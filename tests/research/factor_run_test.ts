/**
 * Materializing the factor model: idempotent runs keyed by the dataset fingerprint and the
 * parameters, exact read-back, all-or-nothing writes, and `deno task factors` end to end, on
 * a temporary store holding real NFI hourly files imported with the product's importer.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { fingerprintBars } from "@lib/store/fingerprint.ts";
import {
  factorRunInfo,
  latestFactorRun,
  listFactorRuns,
  readFactorRun,
  writeFactorRun,
} from "@lib/store/factors.ts";
import { FACTOR_SOURCE, factorRunId, materializeFactors } from "@lib/research/factor_run.ts";
import { FACTOR_MODEL_VERSION } from "@lib/research/factor_model.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { NFI_1H_DIR } from "../panel/_nfi.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BASES = ["ALICE", "BTC", "DOGE", "ETH", "SOL"];

async function importSome(db: DatabaseSync, bases = BASES): Promise<void> {
  const files = bases.map((b) => join(NFI_1H_DIR, `${b}_USDT-1h.json`));
  // compared with pandas, which keeps every real bar: no jump rule (59 of 628,654 NFI bars)
  const r = await importPaths(db, files, { venue: "binance", freq: "1h", jump: false });
  assert.ok(r.files.every((f) => f.status === "imported" && f.quarantined === 0));
}

function count(db: DatabaseSync, table: string): number {
  return Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()!.n);
}

realDataTest(
  "materializeFactors is idempotent, reads back exactly and keys runs by data",
  async () => {
    const s = tempStore();
    try {
      await importSome(s.db);
      const first = materializeFactors(s.db, {
        venue: "binance",
        freq: "1h",
        window: 240,
        codeVersion: "abc123",
      });
      assert.equal(first.status, "created");
      const fp = fingerprintBars(s.db, { venue: "binance", freq: "1h" });
      const run = first.run;
      assert.equal(run.datasetSha256, fp.sha256);
      assert.equal(run.datasetRows, fp.rows);
      assert.deepEqual(run.factors, ["BTCUSDT", "ETHUSDT"]);
      assert.equal(run.status, "complete");
      assert.equal(run.window, 240);
      assert.equal(run.minObs, 120);
      assert.equal(run.causal, true);
      assert.equal(run.modelVersion, FACTOR_MODEL_VERSION);
      assert.equal(run.codeVersion, "abc123");
      assert.equal(run.source, FACTOR_SOURCE);
      assert.equal(run.assets, 5);
      assert.equal(
        first.runId,
        factorRunId(fp, {
          venue: "binance",
          freq: "1h",
          window: 240,
          minObs: 120,
          causal: true,
          factors: ["BTCUSDT", "ETHUSDT"],
          from: null,
          to: null,
        }, FACTOR_MODEL_VERSION),
      );
      assert.deepEqual(JSON.parse(run.params).factors, ["BTCUSDT", "ETHUSDT"]);
      const ingest = s.db.prepare(
        "SELECT task, status, rows_written FROM ingest_runs WHERE run_id = ?",
      )
        .get(run.ingestRunId!)!;
      assert.deepEqual({ ...ingest }, {
        task: "factors",
        status: "ok",
        rows_written: first.betaRows + first.residualRows,
      });

      // Read back: every stored value exactly; grid points without a fit are NaN with nobs 0.
      const back = readFactorRun(s.db, first.runId)!;
      const fit = first.fit!;
      assert.deepEqual([...back.index], [...fit.index]);
      assert.deepEqual(back.assets.map((a) => a.asset), fit.assets.map((a) => a.asset));
      let stored = 0;
      back.assets.forEach((b, k) => {
        const a = fit.assets[k]!;
        for (let t = 0; t < fit.index.length; t++) {
          const has = Number.isFinite(a.alpha[t]!);
          if (has) stored++;
          for (const f of ["alpha", "betaBtc", "betaEth", "rSquared", "residuals"] as const) {
            const want = has ? a[f][t]! : NaN;
            assert.ok(Object.is(b[f][t], want), `${a.asset} ${f}[${t}]: ${b[f][t]} vs ${want}`);
          }
          assert.equal(b.nobs[t], has ? a.nobs[t] : 0);
        }
      });
      assert.equal(stored, first.betaRows);
      assert.equal(count(s.db, "factor_betas"), stored);
      assert.equal(count(s.db, "residual_returns"), stored);
      // NaN is stored as NULL: BTC's betas, SOL's betaEth on its BTC-only rows
      const nulls = s.db.prepare(
        "SELECT count(*) AS n FROM factor_betas WHERE asset = 'BTCUSDT' AND beta_btc IS NULL",
      ).get()!;
      assert.equal(
        Number(nulls.n),
        back.assets.find((a) => a.asset === "BTCUSDT")!.alpha
          .filter((v) => Number.isFinite(v)).length,
      );
      assert.equal(latestFactorRun(s.db, { venue: "binance", freq: "1h" })!.run.runId, first.runId);

      // Second run: nothing fitted or written, same id, no new ingest run.
      const runsBefore = count(s.db, "ingest_runs");
      const again = materializeFactors(s.db, { venue: "binance", freq: "1h", window: 240 });
      assert.equal(again.status, "exists");
      assert.equal(again.runId, first.runId);
      assert.equal(again.betaRows, 0);
      assert.equal(again.fit, undefined);
      assert.equal(count(s.db, "ingest_runs"), runsBefore);
      assert.equal(count(s.db, "factor_betas"), stored);
      assert.equal(again.run.codeVersion, "abc123", "the stored run is untouched");

      // The same factors named exactly are the same run.
      const exact = materializeFactors(s.db, {
        venue: "binance",
        freq: "1h",
        window: 240,
        factors: ["BTCUSDT", "ETHUSDT"],
      });
      assert.equal(exact.runId, first.runId);
      assert.equal(exact.status, "exists");

      // Another window: another run.
      const other = materializeFactors(s.db, { venue: "binance", freq: "1h", window: 241 });
      assert.equal(other.status, "created");
      assert.notEqual(other.runId, first.runId);

      // One changed bar: new fingerprint, new run id; the old run stays readable.
      s.db.prepare(
        "UPDATE bars SET close = close * 1.001 WHERE symbol = 'SOLUSDT' AND freq = '1h' AND ts = ?",
      ).run(fit.index[3000]!);
      const changed = materializeFactors(s.db, { venue: "binance", freq: "1h", window: 240 });
      assert.equal(changed.status, "created");
      assert.notEqual(changed.run.datasetSha256, run.datasetSha256);
      assert.notEqual(changed.runId, first.runId);
      const sol = changed.fit!.assets.find((a) => a.asset === "SOLUSDT")!;
      const oldSol = back.assets.find((a) => a.asset === "SOLUSDT")!;
      assert.ok(Object.is(sol.betaBtc[3000], oldSol.betaBtc[3000]), "causal: row 3000 unmoved");
      assert.notEqual(sol.residuals[3000], oldSol.residuals[3000]);
      assert.notEqual(sol.betaBtc[3001], oldSol.betaBtc[3001]);
      assert.equal(listFactorRuns(s.db, { venue: "binance", freq: "1h" }).length, 3);
      assert.equal(
        latestFactorRun(s.db, { venue: "binance", freq: "1h" })!.run.runId,
        changed.runId,
      );
      assert.ok(readFactorRun(s.db, first.runId) !== undefined);
    } finally {
      s.cleanup();
    }
  },
);

realDataTest("a write that fails midway leaves no run behind", async () => {
  const s = tempStore();
  try {
    await importSome(s.db, ["BTC", "ETH", "SOL"]);
    // Abort inside the write transaction, after thousands of rows went in.
    s.db.exec(`CREATE TRIGGER boom BEFORE INSERT ON residual_returns
      WHEN NEW.asset = 'SOLUSDT' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    assert.throws(
      () => materializeFactors(s.db, { venue: "binance", freq: "1h", window: 240 }),
      /disk on fire/,
    );
    assert.equal(count(s.db, "factor_runs"), 0);
    assert.equal(count(s.db, "factor_betas"), 0);
    assert.equal(count(s.db, "residual_returns"), 0);
    const ingest = s.db.prepare(
      "SELECT status, message FROM ingest_runs WHERE task = 'factors'",
    ).all();
    assert.equal(ingest.length, 1);
    assert.equal(ingest[0]!.status, "failed");
    assert.match(String(ingest[0]!.message), /disk on fire/);
    s.db.exec("DROP TRIGGER boom");
    const ok = materializeFactors(s.db, { venue: "binance", freq: "1h", window: 240 });
    assert.equal(ok.status, "created");
    assert.equal(factorRunInfo(s.db, ok.runId)!.status, "complete");
  } finally {
    s.cleanup();
  }
});

Deno.test("writeFactorRun refuses to overwrite a complete run and checks its input", () => {
  const { db, close } = openStore(":memory:");
  try {
    const run = {
      runId: "c".repeat(64),
      venue: "sim",
      freq: "1h",
      window: 2,
      minObs: 2,
      causal: true,
      factors: ["BTCSIM"],
      params: "{}",
      datasetSha256: "d".repeat(64),
      datasetRows: 2,
      modelVersion: FACTOR_MODEL_VERSION,
      codeVersion: null,
      source: "test",
      ingestRunId: null,
      createdAt: 0,
    } as const;
    const f = (...v: number[]) => new Float64Array(v);
    const series = [{
      asset: "X",
      alpha: f(NaN, 1),
      betaBtc: f(NaN, 2),
      betaEth: f(NaN, NaN),
      rSquared: f(NaN, 0.5),
      residuals: f(NaN, NaN),
      nobs: new Int32Array([0, 2]),
    }];
    const index = f(0, 3_600_000);
    assert.deepEqual(writeFactorRun(db, run, index, series), { betaRows: 1, residualRows: 1 });
    assert.throws(() => writeFactorRun(db, run, index, series), /already stored complete/);
    assert.throws(
      () => writeFactorRun(db, { ...run, runId: "e".repeat(64) }, f(0, 7_200_000), series),
      /full 1h grid/,
    );
    assert.throws(
      () => writeFactorRun(db, { ...run, runId: "E".repeat(64) }, index, series),
      /64 lower-case hex/,
    );
    // Duplicate rows abort the transaction: the run row is rolled back with them.
    assert.throws(() =>
      writeFactorRun(db, { ...run, runId: "f".repeat(64) }, index, [series[0]!, series[0]!])
    );
    assert.equal(factorRunInfo(db, "f".repeat(64)), undefined);
    const row = db.prepare(
      "SELECT beta_eth, residual FROM factor_betas JOIN residual_returns USING (run_key, asset, ts)",
    ).get()!;
    assert.deepEqual({ ...row }, { beta_eth: null, residual: null });
  } finally {
    close();
  }
});

async function task(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "tasks/factors.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

realDataTest("deno task factors end to end: created, then exists with the same table", async () => {
  const s = tempStore();
  try {
    await importSome(s.db);
    s.close();
    const args = ["--db", s.path, "--venue", "binance", "--freq", "1h", "--window", "240"];
    const first = await task(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /fingerprinting binance 1h bars/);
    assert.match(first.stderr, /fitting 5 assets x 5493 bars/);
    const id = /^run ([0-9a-f]{64}) created: 5 assets, (\d+) beta rows/m.exec(first.stdout);
    assert.ok(id !== null, first.stdout);
    assert.match(first.stdout, /window 240, minObs 120, factors BTCUSDT, ETHUSDT, causal/);
    for (const b of BASES) assert.match(first.stdout, new RegExp(`^${b}USDT +\\d+ +\\d+ `, "m"));
    // BTC has no slope (intercept-only): its beta columns print as "-"
    assert.match(first.stdout, /^BTCUSDT +\d+ +\d+ +- +- +0\.000 /m);

    const again = await task(args);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^run ${id![1]} exists \\(complete, created `, "m"));
    assert.match(again.stdout, /nothing written/);
    const table = (out: string) => out.split("\n").slice(2).join("\n");
    assert.equal(table(again.stdout), table(first.stdout), "the stored run prints the same table");

    const ro = openStore(s.path, { readOnly: true });
    try {
      assert.equal(count(ro.db, "factor_runs"), 1);
      assert.equal(Number(id![2]), count(ro.db, "factor_betas"));
      assert.match(factorRunInfo(ro.db, id![1]!)!.codeVersion ?? "", /^[0-9a-f]{40}$/);
    } finally {
      ro.close();
    }

    const unknown = await task(["--db", s.path, "--venue", "kraken", "--freq", "1h"]);
    // a venue the store does not hold is a usage error listing what it holds (issue 8 item 6)
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(
      unknown.stderr,
      /--venue kraken --freq 1h: no such bars in the store; .*binance 1h/,
    );
    const badWindow = await task([...args.slice(0, 6), "--window", "2"]);
    assert.equal(badWindow.code, 1);
    assert.match(badWindow.stderr, /window must be an integer >= 3/);
  } finally {
    s.cleanup();
  }
});

Deno.test("deno task factors rejects bad flags with usage errors (exit 2)", async () => {
  const none = await task(["--db", "/nonexistent/x.db", "--freq", "1h"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--venue is required/);
  const bogus = await task(["--venue", "binance", "--freq", "1h", "--bogus"]);
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /bogus/);
  const freq = await task(["--venue", "binance", "--freq", "2h"]);
  assert.equal(freq.code, 2);
  assert.match(freq.stderr, /Unknown frequency "2h"/);
  const win = await task(["--venue", "binance", "--freq", "1h", "--window", "ten"]);
  assert.equal(win.code, 2);
  assert.match(win.stderr, /--window must be a positive integer/);
  const factors = await task(["--venue", "binance", "--freq", "1h", "--factors", "A,B,C"]);
  assert.equal(factors.code, 2);
  assert.match(factors.stderr, /--factors takes one or two names/);
});
