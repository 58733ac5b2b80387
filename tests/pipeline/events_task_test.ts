/**
 * `deno task events` as users run it (deno.json's permissions through tasks/_launch.ts):
 * on real Binance hourly bars (NFI universe, 8 assets, Jan-Mar 2021) it writes a verified
 * report whose unavailable definitions say what the store lacks and whose every hypothesis is a
 * trial of the ledger; a stored regime run (deno task regimes) conditions the hypotheses and a
 * second venue (--other-venue) makes the dislocations available; on a store of simulated bars with a planted effect (sharp drops followed
 * by a rebound) it promotes "fade the jump" and writes a candidate config that `deno task
 * backtest --config` runs to a profit (and that undoes the 1:1000 redenomination of one asset); usage errors exit 2 naming the flag.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { listTrialFamilies, readTrials } from "@lib/store/trials.ts";
import { verifyReport } from "@lib/report/verify.ts";
import { ReportSchema } from "@lib/report/schema.ts";
import type { ReportModel, TableBlock } from "@lib/report/model.ts";
import { simulateMarket } from "@lib/sim/simulate_market.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { runDeno } from "../_shared/run_task.ts";

function readModel(dir: string): ReportModel {
  assert.deepEqual(verifyReport(dir).problems, []);
  return ReportSchema.parse(
    JSON.parse(readFileSync(join(dir, "report.json"), "utf8")),
  ) as ReportModel;
}

function table(m: ReportModel, id: string): TableBlock {
  const t = m.sections.flatMap((s) => s.blocks).find((b) => b.type === "table" && b.id === id);
  assert.ok(t !== undefined && t.type === "table", `table ${id}`);
  return t;
}

realDataTest("deno task events on real hourly bars: report, unavailable data, ledger", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-events-" });
  try {
    const db = join(tmp, "store", "real.db");
    await Deno.mkdir(join(tmp, "store"));
    const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
    const store = openStore(db);
    try {
      const r = await importPaths(
        store.db,
        ["BTC", "ETH", "ADA", "LTC", "XRP", "LINK", "DOGE", "DOT"].map((b) =>
          join(NFI, `${b}_USDT-1h.json`)
        ),
        { venue: "binance", freq: "1h" },
      );
      assert.ok(r.files.every((f) => f.status === "imported"));
    } finally {
      store.close();
    }
    const out = join(tmp, "out");
    const run = await runDeno([
      "task",
      "events",
      "--db",
      db,
      "--out",
      out,
      "--from",
      "2021-01-01",
      "--to",
      "2021-03-01",
      "--replications",
      "99",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const dir = run.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
    const model = readModel(dir);
    assert.equal(model.manifest.params.factors, "BTCUSDT,ETHUSDT");
    const defs = table(model, "events-definitions");
    assert.equal(defs.rows.length, 20);
    const status = new Map(defs.rows.map((r) => [r[0], String(r[6])]));
    assert.match(status.get("funding-high-2z")!, /^unavailable: the store has no funding rates/);
    assert.match(
      status.get("liquidation-cascade-3z")!,
      /^unavailable: the store has no liquidations/,
    );
    assert.equal(status.get("jump-4sd"), "available");
    assert.ok(table(model, "events-studies").rows.length >= 3);
    assert.ok(model.sections.flatMap((s) => s.blocks).some((b) => b.type === "figure"));
    const hyp = table(model, "hypotheses-table");
    // every hypothesis tested is a trial of its definition's family
    const s = openStore(db, { mustExist: true });
    try {
      const fams = listTrialFamilies(s.db).filter((f) => f.name.startsWith("event:"));
      const trials = fams.reduce((a, f) => a + readTrials(s.db, f.name).length, 0);
      assert.equal(trials, hyp.rows.length);
    } finally {
      s.close();
    }
    // a stored regime run (market structure) conditions every hypothesis; a second venue
    // (the same files imported as "mirror") makes the dislocation definitions available
    const reg = await runDeno(["task", "regimes", "--method", "structure", "--db", db]);
    assert.equal(reg.code, 0, reg.stderr);
    const s2 = openStore(db, { mustExist: true });
    try {
      const r = await importPaths(
        s2.db,
        ["BTC", "ETH", "ADA"].map((b) => join(NFI, `${b}_USDT-1h.json`)),
        { venue: "mirror", freq: "1h" },
      );
      assert.ok(r.files.every((f) => f.status === "imported"));
    } finally {
      s2.close();
    }
    const cond = await runDeno([
      "task",
      "events",
      "--db",
      db,
      "--venue",
      "binance",
      "--out",
      out,
      "--from",
      "2021-01-01",
      "--to",
      "2021-03-01",
      "--replications",
      "19",
      "--holding",
      "24",
      "--other-venue",
      "mirror",
      "--no-ledger",
    ]);
    assert.equal(cond.code, 0, cond.stderr);
    const cm = readModel(cond.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, ""));
    const conditions = new Set(table(cm, "hypotheses-table").rows.map((r) => String(r[1])));
    assert.deepEqual(
      [...conditions].sort(),
      [
        "all",
        "structure=beta_compression",
        "structure=chop",
        "structure=dispersion",
        "structure=risk_off",
      ],
    );
    assert.match(String(cm.manifest.params.regimeRun), /^[0-9a-f]{64}$/);
    const stab = table(cm, "hypotheses-regimes");
    assert.deepEqual(stab.columns.slice(3).map((c) => c.label), [
      "chop",
      "dispersion",
      "beta_compression",
      "risk_off",
    ]);
    const st2 = new Map(table(cm, "events-definitions").rows.map((r) => [r[0], String(r[6])]));
    assert.equal(st2.get("dislocation-3z"), "available");
    const one = await runDeno([
      "task",
      "events",
      ...["--db", db, "--venue", "binance", "--out", out, "--from", "2021-01-01"],
      ...["--to", "2021-02-01", "--replications", "9", "--no-ledger", "--factors", "BTC"],
    ]);
    assert.equal(one.code, 0, one.stderr);
    const om = readModel(one.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, ""));
    assert.equal(om.manifest.params.factors, "BTCUSDT");
    const noEth = await runDeno([
      "task",
      "events",
      ...["--db", db, "--venue", "binance", "--out", out, "--factors", "BTC,NOPE"],
    ]);
    assert.equal(noEth.code, 2);
    assert.match(noEth.stderr, /--factors: no asset of the universe matches NOPE/);
    const bad = await runDeno(["task", "events", "--db", db, "--out", out, "--holding", "0"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--holding must be an integer >= 1, got "0"/);
    const venue = await runDeno(["task", "events", "--db", db, "--out", out, "--venue", "nope"]);
    assert.equal(venue.code, 2);
    assert.match(venue.stderr, /--venue: the store has no 1h bars of venue "nope"/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("deno task events promotes a planted effect and deno task backtest runs its config", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-events-sim-" });
  try {
    const db = join(tmp, "sim.db");
    const N = 3000;
    const m = simulateMarket({ seed: 5, freq: "1h", bars: N, assets: 6, pairs: [], gaps: [] });
    const names = [
      "BTCUSDT",
      "ETHUSDT",
      "AAAUSDT",
      "BBBUSDT",
      "CCCUSDT",
      "DDDUSDT",
      "EEEUSDT",
      "FFFUSDT",
    ];
    const rng = createRng(9);
    const store = openStore(db);
    try {
      m.bars.forEach((b, a) => {
        const r = Float64Array.from(
          b.close,
          (c, t) => (t === 0 ? 0 : Math.log(c / b.close[t - 1]!)),
        );
        if (a >= 2) {
          // a -8% drop every ~80 bars, then +0.4% a bar over the 24 bars a lag-1 trade holds
          for (let e = 300 + rng.int(60); e < N - 40; e += 60 + rng.int(40)) {
            r[e] = r[e]! - 0.08;
            for (let s = 2; s <= 25; s++) r[e + s] = r[e + s]! + 0.004;
          }
        }
        const bars = allocBars({ venue: "binance", symbol: names[a]!, freq: "1h" }, N);
        let c = 100;
        for (let t = 0; t < N; t++) {
          const o = c;
          c = t === 0 ? c : c * Math.exp(r[t]!);
          // FFFUSDT is redenominated 1:1000 at bar 1500 (price x1000, units volume /1000)
          if (a === 7 && t === 1500) c *= 1000;
          bars.ts[t] = Date.UTC(2024, 0, 1) + t * 3_600_000;
          bars.open[t] = o;
          bars.close[t] = c;
          bars.high[t] = Math.max(o, c);
          bars.low[t] = Math.min(o, c);
          bars.volume[t] = a === 7 && t >= 1500 ? 1 : 1000;
        }
        writeBars(store.db, bars, { source: "test" });
      });
    } finally {
      store.close();
    }
    const out = join(tmp, "out");
    const run = await runDeno([
      "task",
      "events",
      "--db",
      db,
      "--out",
      out,
      "--holding",
      "24",
      "--replications",
      "99",
      "--no-ledger",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split("\n");
    const dir = lines[0]!.replace(/\/report\.html$/, "");
    const model = readModel(dir);
    const cand = table(model, "candidates-table");
    const fade = cand.rows.find((r) => /^jump-/.test(String(r[0])) && r[2] === "fade");
    assert.ok(fade !== undefined, JSON.stringify(cand.rows));
    const configPath = lines.find((l) => l.endsWith(String(fade[6])))!;
    const config = JSON.parse(readFileSync(configPath, "utf8"));
    assert.equal(config.strategy, "event");
    assert.equal(config.params.action, "fade");
    assert.equal(config.params.holding, 24);
    // the replay undoes the redenomination instead of warning about it (review 12, item 8)
    assert.equal(config.adjustRedenominations, true);
    assert.match(JSON.stringify(model), /FFFUSDT 2024-03-03, x1000/);
    const bt = await runDeno([
      "task",
      "backtest",
      "--config",
      configPath,
      "--db",
      db,
      "--out",
      out,
    ]);
    assert.equal(bt.code, 0, bt.stderr);
    assert.doesNotMatch(bt.stderr, /Rerun with --adjust-redenominations/);
    const btModel = readModel(bt.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, ""));
    const metrics = table(btModel, "strategy-metrics-returns");
    const total = Number(metrics.rows.find((r) => r[0] === "Total return")![1]);
    assert.ok(total > 0, `the replayed candidate earns: total return ${total}`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
