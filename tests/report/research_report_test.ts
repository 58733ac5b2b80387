/**
 * `deno task report` end to end, as a user runs it (`deno run` of tasks/report.ts with the
 * task's own permissions) on a temp store holding a handful of real Binance hourly files
 * imported with the product's importer, plus its usage errors; and buildResearchReport's
 * determinism and dataset fingerprint.
 */
import { LEDGER_UP_TO_PARAM } from "@lib/pipeline/ledger_up_to.ts";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { fingerprintBars } from "@lib/store/fingerprint.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { buildResearchReport, researchRunId } from "@lib/report/research_report.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import { renderJson } from "@lib/report/json.ts";
import { ReportSchema } from "@lib/report/schema.ts";
import { verifyReport } from "@lib/report/verify.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { REPORT_TASK_PERMISSIONS, runTaskSync, type TaskOutput } from "../_shared/run_task.ts";

const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
const BASES = ["BTC", "ETH", "ADA", "DOT", "LINK", "LTC"];
const GIT = { commit: "unknown", dirty: null } as const;

function report(args: string[]): TaskOutput {
  return runTaskSync("report", args, { permissions: REPORT_TASK_PERMISSIONS });
}

const tmp = Deno.makeTempDirSync({ prefix: "cryptolab-report-" });
const realDb = join(tmp, "real.db");
let imported = false;

async function realStore(): Promise<string> {
  if (imported) return realDb;
  const store = openStore(realDb);
  try {
    const r = await importPaths(
      store.db,
      BASES.map((b) => join(NFI, `${b}_USDT-1h.json`)),
      { venue: "binance", freq: "1h" },
    );
    // The row rules may quarantine a few implausible rows (DOT has two); the report only
    // needs every file imported.
    assert.ok(r.files.every((f) => f.status === "imported"));
  } finally {
    store.close();
  }
  imported = true;
  return realDb;
}

realDataTest(
  "deno task report builds a verified report on real data with the requested signals",
  async () => {
    const db = await realStore();
    const r = report([
      "--db",
      db,
      "--out",
      join(tmp, "out"),
      "--signals",
      "momentum_24,reversal_1",
      "--universe",
      "BTCUSDT,ETHUSDT,ADAUSDT,DOTUSDT,LINKUSDT,LTCUSDT",
      "--freq",
      "1h",
      "--from",
      "2021-01-01",
      "--to",
      "2021-04-01",
      "--horizons",
      "1,4,24",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 3, r.stdout);
    const dir = lines[0]!.replace(/\/report\.html$/, "");
    for (const f of ["report.html", "report.json", "manifest.json"]) {
      assert.ok(existsSync(join(dir, f)), `${f} missing`);
    }
    assert.deepEqual(verifyReport(dir).problems, []);
    const parsed = ReportSchema.safeParse(
      JSON.parse(readFileSync(join(dir, "report.json"), "utf8")),
    );
    assert.ok(parsed.success);
    const m = parsed.data;
    assert.equal(m.manifest.params.signals, "momentum_24,reversal_1");
    assert.equal(m.manifest.params.from, Date.UTC(2021, 0, 1));
    assert.equal(m.manifest.dataset.symbols.length, 6);
    const ic = m.sections.find((s) => s.id === "signals")!.blocks.find((b) =>
      b.type === "table" && b.id === "signal-ic-summary"
    );
    assert.ok(ic !== undefined && ic.type === "table");
    assert.deepEqual(
      ic.rows.map((r) => `${r[0]}@${r[1]}`),
      [
        "momentum_24@1",
        "momentum_24@4",
        "momentum_24@24",
        "reversal_1@1",
        "reversal_1@4",
        "reversal_1@24",
      ],
    );
    // The same sections as the demo, from the same section builders.
    assert.deepEqual(m.sections.map((s) => s.id), [
      "data",
      "performance",
      "co-movement",
      "factors",
      "signals",
      "pairs",
      "overfitting", // the task records each signal's IC trials in the ledger: the verdict
      "regimes", // each signal conditioned on causal regimes (lib/pipeline/report_regimes.ts)
      "method",
    ]);
    const ids = m.sections.flatMap((s) => s.blocks.map((b) => "id" in b ? b.id : b.type));
    for (
      const id of [
        "coverage",
        "coverage-table",
        "metrics",
        "sharpe",
        "cumulative-returns",
        "correlation",
        "rolling-beta",
      ]
    ) {
      assert.ok(ids.includes(id), `${id} missing: ${ids.join(", ")}`);
    }
    // The default run id follows from the dataset and the parameters (all but `ledgerUpTo`, the
    // largest trial id the verdicts counted, which the build records after it has its run id:
    // withLedgerUpTo keeps the run id).
    const { [LEDGER_UP_TO_PARAM]: upTo, ...asked } = m.manifest.params;
    assert.equal(typeof upTo, "number", "the report recorded its trials and their ledgerUpTo");
    assert.equal(m.runId, researchRunId(m.manifest.datasetFingerprint, asked));
    assert.match(r.stderr, /done in/);
  },
);

realDataTest(
  "deno task report defaults to every series of the only venue and all its bars",
  async () => {
    const db = await realStore();
    const r = report([
      "--db",
      db,
      "--out",
      join(tmp, "all"),
      "--signals",
      "reversal_1",
      "--run-id",
      "r1",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const dir = join(tmp, "all", "r1");
    assert.deepEqual(verifyReport(dir).problems, []);
    const m = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    const store = openStore(db, { readOnly: true });
    try {
      const fp = fingerprintBars(store.db, { venue: "binance", freq: "1h" });
      assert.equal(m.manifest.datasetFingerprint, fp.sha256);
      assert.equal(m.manifest.dataset.rows, fp.rows);
    } finally {
      store.close();
    }
    // The same run id again gives byte-identical files.
    const again = report([
      "--db",
      db,
      "--out",
      join(tmp, "again"),
      "--signals",
      "reversal_1",
      "--run-id",
      "r1",
    ]);
    assert.equal(again.code, 0, again.stderr);
    for (const f of ["report.json", "report.html", "manifest.json"]) {
      assert.deepEqual(readFileSync(join(tmp, "again", "r1", f)), readFileSync(join(dir, f)), f);
    }
  },
);

realDataTest("deno task report usage errors exit 2 and say what to do", async () => {
  const db = await realStore();
  const bad = report(["--db", db, "--signals", "momentum_24,carry_24"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /unknown signal family "carry"; known families: momentum, residual_momentum/,
  );
  const name = report(["--db", db, "--signals", "momentum"]);
  assert.equal(name.code, 2);
  assert.match(name.stderr, /expected <family>_<lookback bars>/);
  const uni = report(["--db", db, "--universe", "BTCUSDT,NOPEUSDT"]);
  assert.equal(uni.code, 2);
  assert.match(uni.stderr, /no 1h bars of binance NOPEUSDT in the store; stored: ADAUSDT/);
  const venue = report(["--db", db, "--venue", "kraken"]);
  assert.equal(venue.code, 2);
  assert.match(venue.stderr, /no 1h bars of venue "kraken"; venues with 1h bars: binance/);
  for (
    const [args, re] of [
      [["--horizons", "1,x"], /--horizons must be an integer >= 1, got "x"/],
      [["--from", "yesterday"], /--from must be an ISO date/],
      [["--from", "2021-02-01", "--to", "2021-01-01"], /--to must be after --from/],
      [["--freq", "2h"], /--freq must be a bar frequency/],
      [["--run-id", "../x"], /not a valid folder name/],
      [["--bogus"], /bogus/],
    ] as const
  ) {
    const r = report(["--db", db, ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.match(r.stderr, /Usage: deno task report/);
  }
  const missing = report(["--db", join(tmp, "none.db")]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist/);
});

Deno.test("buildResearchReport on the simulated market: same inputs and run id, same bytes", () => {
  const market = simulateMarket({ seed: 5, assets: 7, freq: "1h", bars: 24 * 20 });
  const { db } = openStore(":memory:");
  writeSimMarket(db, market);
  const build = () =>
    buildResearchReport(loadDataset(db, { venue: "sim", freq: "1h" }), {
      signals: ["momentum_24", "low_vol_48"],
      horizons: [1, 24],
      pairsTop: 5,
      runId: "fixed",
      git: GIT,
    });
  const a = renderJson(build()), b = renderJson(build());
  assert.equal(a, b);
  const m = JSON.parse(a);
  assert.ok(ReportSchema.safeParse(m).success);
  assert.equal(m.manifest.params.factorWindow, 168);
  const pairs = m.sections.find((s: { id: string }) => s.id === "pairs");
  const screen = pairs.blocks.find((x: { id?: string }) => x.id === "pairs-screen");
  // The planted pair is the best one.
  const planted = market.truth.pairs[0]!;
  assert.deepEqual(new Set(screen.rows[0].slice(0, 2)), new Set([planted.y, planted.x]));
  assert.throws(
    () => loadDataset(db, { venue: "sim", freq: "1h", symbols: ["NOPE"] }),
    /no 1h bars of sim NOPE/,
  );
  assert.throws(() => loadDataset(db, { venue: "x", freq: "1h" }), /venue "x" has no 1h bars/);
});

Deno.test("cleanup", () => rmSync(tmp, { recursive: true }));
