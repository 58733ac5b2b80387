/**
 * Materializing regimes: idempotent runs keyed by the dataset fingerprint, the method and its
 * parameters; exact read-back; all-or-nothing writes; and `deno task regimes` end to end under
 * deno.json's permissions, on a temporary store holding real NFI hourly files imported with the
 * product's importer.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { fingerprintBars } from "@lib/store/fingerprint.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import {
  listRegimeRuns,
  readRegimeRun,
  regimeRunInfo,
  writeRegimeRun,
} from "@lib/store/regimes.ts";
import {
  materializeRegimes,
  REGIME_MODEL_VERSION,
  TrainEndError,
} from "@lib/research/regime_run.ts";
import { volPercentileRegimes } from "@lib/materialize/regimes/vol_percentile_regimes.ts";
import { markovRegimes } from "@lib/materialize/regimes/markov_regimes.ts";
import { marketStructure } from "@lib/materialize/regimes/market_structure.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { NFI_1H_DIR } from "../panel/_nfi.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const BASES = ["ADA", "BTC", "DOGE", "ETH", "SOL", "XRP"];

async function importSome(db: DatabaseSync): Promise<void> {
  const files = BASES.map((b) => join(NFI_1H_DIR, `${b}_USDT-1h.json`));
  const r = await importPaths(db, files, { venue: "binance", freq: "1h", jump: false });
  assert.ok(r.files.every((f) => f.status === "imported"));
}

const count = (db: DatabaseSync, table: string) =>
  Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()!.n);

realDataTest(
  "materializeRegimes: vol, markov and structure runs are idempotent and read back exactly",
  async () => {
    const s = tempStore();
    try {
      await importSome(s.db);
      const panel = loadDataset(s.db, { venue: "binance", freq: "1h" }).panel;
      const n = panel.index.length;
      const trainRows = Math.floor(0.5 * n);

      const vol = materializeRegimes(s.db, { venue: "binance", freq: "1h", method: "vol" });
      assert.equal(vol.status, "created");
      const fp = fingerprintBars(s.db, { venue: "binance", freq: "1h" });
      assert.equal(vol.run.datasetSha256, fp.sha256);
      assert.equal(vol.run.modelVersion, REGIME_MODEL_VERSION);
      assert.deepEqual(vol.run.labels, ["low", "mid", "high"]);
      assert.equal(vol.run.trainEndTs, panel.index[trainRows - 1]);
      const back = readRegimeRun(s.db, vol.runId)!;
      assert.deepEqual(back.series.map((x) => x.asset), panel.assets);
      panel.assets.forEach((asset, a) => {
        const want = volPercentileRegimes(panel.logReturns[a]!, { trainEnd: trainRows });
        const got = back.series[a]!;
        assert.deepEqual(Array.from(got.state), Array.from(want.state), asset);
        for (let t = 0; t < n; t++) {
          const w = want.state[t]! >= 0 ? want.volatility[t]! : NaN;
          assert.ok(Object.is(got.features[0]![t], w), `${asset} volatility[${t}]`);
        }
      });
      assert.equal(count(s.db, "regime_states"), vol.stateRows);
      const ingest = {
        ...s.db.prepare("SELECT task, status FROM ingest_runs WHERE run_id = ?").get(
          vol.run.ingestRunId!,
        )!,
      };
      assert.deepEqual(ingest, { task: "regimes", status: "ok" });

      // again: nothing computed or written
      const runs = count(s.db, "ingest_runs");
      const again = materializeRegimes(s.db, { venue: "binance", freq: "1h", method: "vol" });
      assert.equal(again.status, "exists");
      assert.equal(again.runId, vol.runId);
      assert.equal(count(s.db, "ingest_runs"), runs);
      // another parameter, another run
      const dwell = materializeRegimes(s.db, {
        venue: "binance",
        freq: "1h",
        method: "vol",
        minDwell: 6,
      });
      assert.notEqual(dwell.runId, vol.runId);

      // markov on two assets: filtered probabilities with parameters from the training half
      const mk = materializeRegimes(s.db, {
        venue: "binance",
        freq: "1h",
        method: "markov",
        symbols: ["BTCUSDT", "ETHUSDT"],
        starts: 3,
      });
      assert.equal(mk.status, "created");
      const mkBack = readRegimeRun(s.db, mk.runId)!;
      const btc = panel.assets.indexOf("BTCUSDT");
      const direct = markovRegimes(panel.logReturns[btc]!, {
        k: 2,
        starts: 3,
        trainEnd: trainRows,
      });
      const sb = mkBack.series.find((x) => x.asset === "BTCUSDT")!;
      for (let t = 1; t < n; t += 37) {
        assert.ok(Math.abs(sb.probabilities[1]![t]! - direct.probabilities[2 * t + 1]!) < 1e-15);
        assert.equal(sb.state[t], direct.state[t]);
      }
      const fit = JSON.parse(mk.run.fit);
      assert.ok(fit.assets.BTCUSDT[0].sigma2[1] > fit.assets.BTCUSDT[0].sigma2[0]);
      // an expanding-window re-fit is another run, with one fit per segment
      const re = materializeRegimes(s.db, {
        venue: "binance",
        freq: "1h",
        method: "markov",
        symbols: ["BTCUSDT"],
        starts: 2,
        refitEvery: 1000,
      });
      assert.notEqual(re.runId, mk.runId);
      assert.equal(JSON.parse(re.run.fit).assets.BTCUSDT.length, Math.ceil((n - trainRows) / 1000));

      // structure: one series "*"
      const st = materializeRegimes(s.db, {
        venue: "binance",
        freq: "1h",
        method: "structure",
        window: 48,
        baseline: 240,
      });
      const stBack = readRegimeRun(s.db, st.runId)!;
      assert.deepEqual(stBack.series.map((x) => x.asset), ["*"]);
      const ms = marketStructure(panel.logReturns, { window: 48, baseline: 240 });
      assert.deepEqual(Array.from(stBack.series[0]!.state), Array.from(ms.classes));
      assert.equal(st.run.trainEndTs, null);
      assert.deepEqual(listRegimeRuns(s.db, { method: "structure" }).map((r) => r.runId), [
        st.runId,
      ]);
    } finally {
      s.cleanup();
    }
  },
);

realDataTest(
  "stored regimes with a fixed training end: bars after t change nothing at or before t",
  async () => {
    const s = tempStore();
    try {
      await importSome(s.db);
      const trainEnd = Date.UTC(2021, 2, 1);
      const cut = Date.UTC(2021, 4, 1); // the second run sees bars before May only
      for (
        const [method, extra] of [
          ["vol", {}],
          ["markov", { symbols: ["BTCUSDT", "ETHUSDT"], starts: 2 }],
          ["structure", { window: 48, baseline: 240 }],
        ] as const
      ) {
        const full = materializeRegimes(s.db, {
          venue: "binance",
          freq: "1h",
          method,
          trainEnd,
          ...extra,
        });
        const part = materializeRegimes(s.db, {
          venue: "binance",
          freq: "1h",
          method,
          trainEnd,
          to: cut,
          ...extra,
        });
        assert.notEqual(full.runId, part.runId);
        assert.equal(full.run.trainEndTs, method === "structure" ? null : trainEnd - 3_600_000);
        const a = readRegimeRun(s.db, full.runId)!, b = readRegimeRun(s.db, part.runId)!;
        assert.equal(b.index.at(-1), cut - 3_600_000);
        assert.equal(a.index[0], b.index[0]);
        b.series.forEach((sb, i) => {
          const sa = a.series[i]!;
          assert.equal(sa.asset, sb.asset);
          for (let t = 0; t < b.index.length; t++) {
            assert.equal(sa.state[t], sb.state[t], `${method} ${sa.asset} state[${t}]`);
            for (let j = 0; j < sb.probabilities.length; j++) {
              assert.ok(Object.is(sa.probabilities[j]![t], sb.probabilities[j]![t]));
            }
          }
        });
      }
      assert.throws(
        () =>
          materializeRegimes(s.db, { venue: "binance", freq: "1h", method: "vol", trainEnd: 0 }),
        /is not after the first bar/,
      );
      // a training end after the last bar, or leaving fewer than minOutOfSampleBars after it
      const last = loadDataset(s.db, { venue: "binance", freq: "1h" }).panel.index.at(-1)!;
      for (const [end, left] of [[Date.UTC(2030, 0, 1), 0], [last - 9 * 3_600_000, 10]] as const) {
        assert.throws(
          () =>
            materializeRegimes(s.db, {
              venue: "binance",
              freq: "1h",
              method: "vol",
              trainEnd: end,
            }),
          (e: unknown) =>
            e instanceof TrainEndError &&
            e.detail.includes(`leaves ${left} out-of-sample bar(s)`) &&
            e.detail.includes("at least 24 are needed"),
        );
      }
      // exactly the minimum is accepted
      materializeRegimes(s.db, {
        venue: "binance",
        freq: "1h",
        method: "vol",
        trainEnd: last - 9 * 3_600_000,
        minOutOfSampleBars: 10,
      });
      assert.throws(
        () =>
          materializeRegimes(s.db, {
            venue: "binance",
            freq: "1h",
            method: "vol",
            trainEnd,
            trainFraction: 0.5,
          }),
        /not both/,
      );
    } finally {
      s.cleanup();
    }
  },
);

Deno.test("writeRegimeRun: all or nothing, immutable once complete", () => {
  const { db, close } = openStore(":memory:");
  try {
    const run = {
      runId: "c".repeat(64),
      method: "vol",
      venue: "sim",
      freq: "1h",
      labels: ["low", "high"],
      features: ["volatility"],
      trainEndTs: 0,
      params: "{}",
      fit: "{}",
      datasetSha256: "d".repeat(64),
      datasetRows: 2,
      modelVersion: REGIME_MODEL_VERSION,
      codeVersion: null,
      source: "test",
      ingestRunId: null,
      createdAt: 0,
    } as const;
    const series = [{
      asset: "X",
      state: Int8Array.of(0, 1),
      probabilities: [],
      features: [Float64Array.of(0.01, NaN)],
    }];
    const index = Float64Array.of(0, 3_600_000);
    assert.equal(writeRegimeRun(db, run, index, series), 2);
    assert.throws(() => writeRegimeRun(db, run, index, series), /already stored complete/);
    // a duplicate series aborts the transaction: the run row goes with it
    assert.throws(() =>
      writeRegimeRun(db, { ...run, runId: "f".repeat(64) }, index, [series[0]!, series[0]!])
    );
    assert.equal(regimeRunInfo(db, "f".repeat(64)), undefined);
    assert.throws(
      () =>
        writeRegimeRun(
          db,
          { ...run, runId: "e".repeat(64) },
          Float64Array.of(0, 7_200_000),
          series,
        ),
      /full 1h grid/,
    );
    const row = { ...db.prepare("SELECT f0, p0 FROM regime_states WHERE ts = 3600000").get()! };
    assert.deepEqual(row, { f0: null, p0: null });
  } finally {
    close();
  }
});

realDataTest(
  "deno task regimes end to end (deno.json permissions): created, then exists",
  async () => {
    const s = tempStore();
    try {
      await importSome(s.db);
      s.close();
      const args = ["task", "regimes", "--db", s.path, "--method", "vol", "--min-dwell", "12"];
      const first = await runDeno(args);
      assert.equal(first.code, 0, first.stderr);
      const id = /^run ([0-9a-f]{64}) created: 6 series, (\d+) state rows/m.exec(first.stdout);
      assert.ok(id !== null, first.stdout);
      assert.match(first.stdout, /method vol, regimes\/1, trained on bars up to 2021-/);
      assert.match(first.stdout, /^BTCUSDT +\d+ +[\d.]+% +[\d.]+% +[\d.]+% +(low|mid|high)$/m);
      const again = await runDeno(args);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`^run ${id![1]} exists`, "m"));
      const table = (out: string) => out.split("\n").slice(2).join("\n");
      assert.equal(table(again.stdout), table(first.stdout));
      const json = await runDeno([...args, "--json"]);
      assert.equal(json.code, 0, json.stderr);
      const doc = JSON.parse(json.stdout);
      assert.equal(doc.schema, "cryptolab.regimes/1");
      assert.equal(doc.runId, id![1]);
      assert.equal(doc.status, "exists");
      assert.deepEqual(doc.labels, ["low", "mid", "high"]);
      assert.equal(doc.series.length, 6);
      for (const x of doc.series) {
        const total = Object.values(x.share as Record<string, number>).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - 1) < 1e-12, x.asset);
        assert.ok(["low", "mid", "high"].includes(x.last.state));
      }
      const st = await runDeno([
        "task",
        "regimes",
        "--db",
        s.path,
        "--method",
        "structure",
        "--window",
        "48",
        "--baseline",
        "240",
      ]);
      assert.equal(st.code, 0, st.stderr);
      assert.match(st.stdout, /^\* +\d+ /m);
      const mk = await runDeno([
        "task",
        "regimes",
        "--db",
        s.path,
        "--method",
        "markov",
        "--universe",
        "BTCUSDT",
        "--k",
        "3",
        "--starts",
        "2",
        "--train-end",
        "2021-03-01",
      ]);
      assert.equal(mk.code, 0, mk.stderr);
      assert.match(mk.stdout, /calm +normal +volatile/);
      assert.match(mk.stdout, /trained on bars up to 2021-02-28T23:00:00\.000Z/);

      // usage errors exit 2 and name the flag
      for (
        const [extra, re] of [
          [["--method", "hmm"], /--method must be vol, markov or structure/],
          [["--method", "vol", "--cuts", "0.7,0.2"], /--cuts must be increasing/],
          [["--method", "markov", "--k", "4"], /--k must be 2 or 3/],
          [
            ["--method", "markov", "--refit-every", "0"],
            /--refit-every must be a positive integer/,
          ],
          [
            ["--method", "vol", "--universe", "NOPEUSDT"],
            /--universe: no 1h bars of binance NOPEUSDT/,
          ],
          [
            ["--method", "vol", "--train-fraction", "1.5"],
            /--train-fraction must be a number in \(0, 1\]/,
          ],
          [["--method", "vol", "--train-end", "March 1"], /--train-end must be an ISO date/],
          [
            ["--method", "vol", "--train-end", "2021-03-01", "--train-fraction", "0.5"],
            /--train-end and --train-fraction exclude each other/,
          ],
          [
            ["--method", "vol", "--train-end", "2030-01-01"],
            /--train-end 2030-01-01: 2030-01-01T00:00:00\.000Z leaves 0 out-of-sample bar\(s\) after it \(the last bar opens at 2021-[^)]+\); at least 24 are needed/,
          ],
          [
            ["--method", "markov", "--train-end", "1999-01-01"],
            /--train-end 1999-01-01: 1999-01-01T00:00:00\.000Z is not after the first bar/,
          ],
          [["--method", "structure", "--universe", "BTCUSDT,ETHUSDT"], /needs at least 5 assets/],
          [["--venue", "kraken", "--method", "vol"], /--venue kraken: no 1h bars/],
        ] as const
      ) {
        const out = await runDeno(["task", "regimes", "--db", s.path, ...extra]);
        assert.equal(out.code, 2, `${extra.join(" ")}: ${out.stderr}`);
        assert.match(out.stderr, re);
      }
      const ro = openStore(s.path, { readOnly: true });
      try {
        assert.equal(count(ro.db, "regime_runs"), 3);
      } finally {
        ro.close();
      }
    } finally {
      s.cleanup();
    }
  },
);
