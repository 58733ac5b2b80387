/**
 * `deno task daily` as users run it (deno.json permissions through tasks/_launch.ts) on real
 * Binance hourly bars of 12 assets up to the 2021-05-19 crash, imported into a temporary store:
 * every number of the snapshot against numpy/pandas (tests/oracles/daily_snapshot.py; also
 * at a second clock, 2021-04-02, with mixed breadth and another class), the
 * report byte-identical for a fixed run id and unmoved by a bar still forming, the manifest's
 * fingerprint, the funding and basis section with and without perp data (the rate known at the
 * bar's close, never a later one), a symbol with HTML in it escaped, and bad flags exiting 2.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { writeBars } from "@lib/store/bars.ts";
import { writeFunding } from "@lib/store/perp_funding.ts";
import { allocBars } from "@lib/core/types.ts";
import { runDaily } from "@lib/pipeline/daily_run.ts";
import type { ReportModel, TableBlock } from "@lib/report/model.ts";
import { verifyReport } from "@lib/report/verify.ts";
import { renderReportFiles } from "@lib/report/write.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { runDeno } from "../_shared/run_task.ts";

// deno-lint-ignore no-explicit-any
const ORACLE: any = JSON.parse(
  Deno.readTextFileSync(new URL("../oracles/daily_snapshot.json", import.meta.url)),
);
const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
const H = 3_600_000;
const NOW: string = ORACLE.now;
const FILES = ["report.html", "report.json", "manifest.json"];

function close(a: number, b: number, tol: number, what: string) {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

function table(m: ReportModel, id: string): TableBlock {
  const b = m.sections.flatMap((s) => s.blocks).find((x) => x.type === "table" && x.id === id);
  assert.ok(b !== undefined, `table ${id}`);
  return b as TableBlock;
}

/**
 * The three files as text with the checkout's code version masked and the manifest's output
 * hashes (which cover it) dropped: other people's commits move it between two runs of this test.
 * With a fixed code version the files are byte for byte the same (checked in the first step).
 */
function bytes(dir: string): string[] {
  const [html, json, manifest] = FILES.map((f) => readFileSync(join(dir, f), "utf8"));
  const m = JSON.parse(manifest!);
  // the checkout's state (commit, dirty flag, deno.lock hash) is whatever the other people
  // working in this tree left it at that moment (git status fails while one of them commits)
  const lock = String(m.denoLockSha256);
  const mask = (s: string) =>
    s.replace(/\b[0-9a-f]{40}\b|"unknown"|>unknown</g, "<commit>").replaceAll(lock, "<lock>")
      .replace(/ \((working tree had uncommitted changes|state unknown)\)/g, "")
      .replace(/"dirty": ?(true|false|null)/g, '"dirty":"?"');
  m.git = null;
  delete m.outputs;
  return [mask(html!), mask(json!), mask(JSON.stringify(m))];
}

realDataTest("deno task daily on real bars", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-daily-" });
  try {
    const db = join(tmp, "real.db");
    const store = openStore(db);
    try {
      const files = (ORACLE.bases as string[]).map((b) => join(NFI, `${b}_USDT-1h.json`));
      const r = await importPaths(store.db, files, { venue: "binance", freq: "1h" });
      assert.ok(r.files.every((f) => f.status === "imported"));
    } finally {
      store.close();
    }
    const out = join(tmp, "out");
    const task = (...args: string[]) =>
      runDeno([
        "task",
        "daily",
        "--db",
        db,
        "--now",
        NOW,
        "--out",
        out,
        "--venue",
        "binance",
        ...args,
      ]);

    await t.step("every number against numpy/pandas", () => {
      const s = openStore(db, { readOnly: true });
      try {
        // the panel is the stored bars: the import quarantined exactly the oracle's exclusions
        for (const [symbol, ts] of ORACLE.excluded as [string, number][]) {
          const n = s.db.prepare("SELECT count(*) AS n FROM bars WHERE symbol = ? AND ts = ?")
            .get(symbol, ts) as { n: number };
          assert.equal(n.n, 0, `${symbol} ${ts}`);
        }
        // deno-lint-ignore no-explicit-any
        const check = (X: any) => {
          const run = runDaily(s.db, { freq: "1h", now: Date.parse(X.now) });
          assert.equal(run.dataset.fingerprint.rows, X.bars);
          const snap = run.snapshot;
          assert.equal(snap.barTime, X.barTime);
          assert.equal(run.dataset.panel.index.length, X.rows);
          assert.deepEqual(run.dataset.panel.assets, X.assets);
          const o = X.structure;
          const at = X.now as string;
          const c = (x: number, y: number, tol: number, what: string) =>
            close(x, y, tol, `${at} ${what}`);
          const st = snap.structure;
          c(st.dispersion, o.dispersion, 1e-12, "dispersion");
          c(st.avgCorrelation, o.avgCorrelation, 1e-10, "avgCorrelation");
          c(st.betaDispersion, o.betaDispersion, 1e-10, "betaDispersion");
          c(st.marketVolatility, o.marketVolatility, 1e-12, "marketVolatility");
          c(st.marketReturn, o.marketReturn, 1e-12, "marketReturn");
          c(st.zDispersion, o.z_dispersion, 1e-8, "z dispersion");
          c(st.zAvgCorrelation, o.z_avgCorrelation, 1e-8, "z avgCorrelation");
          c(st.zBetaDispersion, o.z_betaDispersion, 1e-8, "z betaDispersion");
          c(st.zMarketVolatility, o.z_marketVolatility, 1e-8, "z marketVolatility");
          assert.equal(st.assets, o.assets);
          assert.equal(st.label, o.label);
          const v = snap.volRegime!;
          assert.equal(v.asset, "BTCUSDT");
          assert.equal(v.state, X.volRegime.state);
          c(v.volatility, X.volRegime.volatility, 1e-10, "BTC volatility");
          c(v.percentile, X.volRegime.percentile, 1e-12, "BTC percentile");
          v.thresholds.forEach((x, i) => c(x, X.volRegime.thresholds[i], 1e-10, "cut"));
          assert.equal(v.trainRows, X.volRegime.trainRows);
          const b = snap.breadth;
          for (const k of ["aboveMa", "withMa", "advancers", "decliners", "unchanged"] as const) {
            assert.equal(b[k], X.breadth[k], k);
          }
          for (const side of ["topGainers", "topLosers"] as const) {
            assert.deepEqual(
              snap[side].map((m) => m.asset),
              X[side].map((m: { asset: string }) => m.asset),
            );
            snap[side].forEach((m, i) => c(m.logReturn, X[side][i].logReturn, 1e-12, side));
          }
          return run;
        };
        const run = check(ORACLE);
        assert.equal(run.snapshot.structure.label, "risk_off"); // the 2021-05-19 crash
        const st = run.snapshot.structure;
        for (const x of ORACLE.more) check(x);
        // with the code version fixed, two runs render the same bytes, and the files of a run
        // at a later clock that sees the same closed bars too
        const git = { commit: "0".repeat(40), dirty: false };
        const render = (now: number) =>
          renderReportFiles(runDaily(s.db, { freq: "1h", now, runId: "same", git }).model);
        const r1 = render(Date.parse(NOW));
        const r2 = render(Date.parse(NOW) + 25 * 60_000); // 14:55: the 14:00 bar still forming
        for (const f of ["report.html", "report.json", "manifest.json"] as const) {
          assert.equal(r1[f], r2[f], f);
        }
        // the report's tables carry the same numbers
        const rows = table(run.model, "daily-structure").rows;
        assert.equal(rows[1]![1], st.avgCorrelation);
        assert.equal(rows[2]![1], st.betaDispersion);
      } finally {
        s.close();
      }
    });

    let first: string[] = [];
    await t.step(
      "the task's report: files, fingerprint, byte-identical for a fixed run id",
      async () => {
        const a = await task("--run-id", "d1");
        assert.equal(a.code, 0, a.stderr);
        assert.equal(a.stdout.trim().split("\n")[0], join(out, "d1", "report.html"));
        assert.deepEqual(verifyReport(join(out, "d1")).problems, []);
        first = bytes(join(out, "d1"));
        const again = await task("--run-id", "d1", "--out", join(tmp, "again"));
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(bytes(join(tmp, "again", "d1")), first);
        const manifest = JSON.parse(readFileSync(join(out, "d1", "manifest.json"), "utf8"));
        const s = openStore(db, { readOnly: true });
        try {
          const run = runDaily(s.db, { freq: "1h", now: Date.parse(NOW) });
          assert.equal(manifest.datasetFingerprint, run.dataset.fingerprint.sha256);
          assert.equal(manifest.params.bar, "2021-05-19T13:00:00.000Z");
        } finally {
          s.close();
        }
        assert.match(first[0]!, /risk_off/);
        assert.match(first[0]!, /no funding rates or perp bars of binance_futures/);
        // the default run id: daily-<hash>
        const d = await task();
        assert.equal(d.code, 0, d.stderr);
        assert.match(d.stdout, /\/daily-[0-9a-f]{12}\/report\.html/);
      },
    );

    await t.step("a bar still forming changes nothing; funding and basis when stored", async () => {
      const s = openStore(db);
      try {
        const forming = Date.parse("2021-05-19T14:00:00Z");
        for (const sym of ORACLE.assets as string[]) {
          const bar = allocBars({ venue: "binance", symbol: sym, freq: "1h" }, 1);
          bar.ts[0] = forming;
          bar.open[0] =
            bar.high[0] =
            bar.low[0] =
            bar.close[0] =
              1e6;
          bar.volume[0] = 1;
          writeBars(s.db, bar, { source: "test" });
        }
      } finally {
        s.close();
      }
      const same = await task("--run-id", "d1", "--out", join(tmp, "forming"));
      assert.equal(same.code, 0, same.stderr);
      const formed = bytes(join(tmp, "forming", "d1"));
      assert.deepEqual(formed, first);

      // funding of BTCUSDT: one before the bar's close (known) and one at its close (not yet)
      const s2 = openStore(db);
      const barClose = Date.parse("2021-05-19T14:00:00Z");
      try {
        writeFunding(s2.db, [
          { fundingTime: barClose - 6 * H, rate: 3e-4 },
          { fundingTime: barClose, rate: -9e-4 },
        ], { venue: "binance_futures", symbol: "BTCUSDT", source: "test" });
        const perp = allocBars({ venue: "binance_futures", symbol: "BTCUSDT", freq: "1h" }, 1);
        perp.ts[0] = barClose - H;
        const spot = s2.db.prepare(
          "SELECT close FROM bars WHERE venue = 'binance' AND symbol = 'BTCUSDT' AND ts = ?",
        ).get(barClose - H) as { close: number };
        perp.open[0] =
          perp.high[0] =
          perp.low[0] =
          perp.close[0] =
            spot.close * 1.002;
        perp.volume[0] = 1;
        writeBars(s2.db, perp, { source: "test" });
      } finally {
        s2.close();
      }
      const f = await task("--run-id", "f1", "--universe", (ORACLE.assets as string[]).join(","));
      assert.equal(f.code, 0, f.stderr);
      const model = JSON.parse(readFileSync(join(out, "f1", "report.json"), "utf8")) as ReportModel;
      const rows = table(model, "daily-funding").rows;
      assert.equal(rows.length, 1);
      assert.equal(rows[0]![0], "BTCUSDT");
      assert.equal(rows[0]![1], 3e-4);
      assert.equal(rows[0]![2], barClose - 6 * H);
      close(rows[0]![3] as number, 0.002, 1e-12, "basis"); // (perp - spot) / spot
    });

    await t.step("a symbol holding HTML is escaped", async () => {
      const s = openStore(db);
      try {
        const ada = s.db.prepare(
          "SELECT ts, close FROM bars WHERE symbol = 'ADAUSDT' AND ts < ? ORDER BY ts",
        ).all(Date.parse("2021-05-19T14:00:00Z")) as { ts: number; close: number }[];
        const bars = allocBars({ venue: "binance", symbol: "<i>EVILUSDT", freq: "1h" }, ada.length);
        ada.forEach((b, i) => {
          // the last bar triples: the top gainer, so the movers table names it
          const c = b.close * (i === ada.length - 1 ? 3 : 1);
          bars.ts[i] = b.ts;
          bars.open[i] =
            bars.high[i] =
            bars.low[i] =
            bars.close[i] =
              c;
          bars.volume[i] = 1;
        });
        writeBars(s.db, bars, { source: "test" });
      } finally {
        s.close();
      }
      const e = await task("--run-id", "e1");
      assert.equal(e.code, 0, e.stderr);
      const html = readFileSync(join(out, "e1", "report.html"), "utf8");
      assert.ok(html.includes("&lt;i&gt;EVILUSDT"));
      assert.ok(!html.includes("<i>EVILUSDT"));
      const model = JSON.parse(readFileSync(join(out, "e1", "report.json"), "utf8")) as ReportModel;
      assert.equal(table(model, "daily-movers").rows[0]![2], "<i>EVILUSDT");
    });

    await t.step("bad flags exit 2 naming the flag", async () => {
      const cases: [string[], RegExp][] = [
        [["--freq", "2h"], /--freq must be a bar frequency/],
        [["--venue", "kraken"], /--venue: the store has no 1h bars of venue "kraken"/],
        [["--universe", "BTCUSDT,NOPEUSDT"], /--universe: .*NOPEUSDT.*stored: .*ADAUSDT/],
        [["--min-assets", "40"], /--min-assets/],
        [["--now", "2000-01-01"], /--now: no 1h bar had closed by 2000-01-01/],
        [["--run-id", "../x"], /--run-id "\.\.\/x" is not a valid folder name/],
        [["--top", "0"], /--top must be an integer >= 1/],
      ];
      for (const [args, want] of cases) {
        const run = await task(...args);
        assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, want, args.join(" "));
      }
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
