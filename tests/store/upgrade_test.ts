/**
 * Every store an earlier release wrote upgrades under each task's own permissions.
 *
 * A store at each earlier schema version (the migrations truncated at k, with bars) is opened by
 * every task that takes `--db`, run exactly as a user runs it: `deno task <name> ... --db <file>`,
 * so with the permission flags of its deno.json line (through `tasks/_launch.ts` for backfill,
 * poll and stream). Each run must migrate the store to the latest version and leave a backup
 * beside it that is one self-contained file at the old version with every bar.
 *
 * Before the fix the backup was `VACUUM INTO`, which Deno's node:sqlite refuses unless every
 * permission is granted ("too many attached databases - max 0"): every task but `-A` runs failed.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { LATEST_VERSION } from "@lib/store/migrations.ts";
import { runReport } from "@lib/pipeline/report_run.ts";
import { writeReport } from "@lib/report/write.ts";
import { REPO_ROOT, runDeno, type TaskOutput } from "../_shared/run_task.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";
import {
  barCount,
  buildStoreAt,
  OLD_STORE_BARS,
  OLD_STORE_SYMBOLS,
  schemaVersion,
} from "./_old_store.ts";

const EARLIER_VERSIONS = Array.from({ length: LATEST_VERSION - 1 }, (_, i) => i + 1);
const FIXTURE_BARS = OLD_STORE_SYMBOLS.length * OLD_STORE_BARS;

/** One Binance data-dump kline row per hour of 2024-03-01 (a range the fixture has not). */
function klineCsv(): string {
  const rows: string[] = [];
  for (let h = 0; h < 24; h++) {
    const t = Date.UTC(2024, 2, 1, h);
    rows.push(`${t},1.0,1.2,0.9,1.1,100,${t + 3_599_999},110,10,50,55,0`);
  }
  return rows.join("\n") + "\n";
}

interface TaskCase {
  readonly task: string;
  /** Flags before `--db`; `dir` is the test's temp folder. */
  readonly args: (dir: string) => string[];
  /** Extra environment variables of the run. */
  readonly env?: Record<string, string>;
  /** Run before the task, given the temp folder and the old store (left at its version). */
  readonly prepare?: (dir: string, db: string) => void;
}

/** A research report of the old store's bars in `<dir>/reports/v`, built on a migrated copy. */
function reportOfCopy(dir: string, db: string): void {
  const copy = join(dir, "copy.db");
  copyFileSync(db, copy);
  if (existsSync(`${db}-wal`)) copyFileSync(`${db}-wal`, `${copy}-wal`);
  const store = openStore(copy);
  try {
    const model = runReport(store.db, { freq: "1h", git: { commit: "unknown", dirty: null } })
      .model;
    writeReport(join(dir, "reports", "v"), model);
  } finally {
    store.close();
  }
  for (const f of readdirSync(dir)) if (f.startsWith("copy.db")) rmSync(join(dir, f));
}

const OFFLINE_TASKS: readonly TaskCase[] = [
  {
    task: "import",
    args: (dir) => [
      join(dir, "DOGEUSDT-1h-2024-03.csv"),
      "--venue",
      "binance",
      "--symbol",
      "DOGEUSDT",
      "--freq",
      "1h",
    ],
  },
  { task: "materialize", args: () => ["--freq", "4h"] },
  { task: "factors", args: () => ["--venue", "binance", "--freq", "1h", "--window", "48"] },
  { task: "regimes", args: () => ["--method", "vol", "--venue", "binance", "--window", "24"] },
  { task: "check-dataset", args: () => ["--json"] },
  { task: "quarantine", args: () => ["summary"] },
  { task: "trials", args: () => ["list"] },
  { task: "scan", args: () => ["--venue", "binance", "--signals", "momentum", "--lookback", "3"] },
  {
    task: "daily",
    args: (dir) => ["--venue", "binance", "--min-assets", "3", "--out", join(dir, "reports")],
  },
  { task: "export", args: (dir) => ["--formats", "csv", "--out", join(dir, "exports")] },
  { task: "report", args: (dir) => ["--out", join(dir, "reports"), "--run-id", "upgrade"] },
  {
    task: "events",
    args: (dir) => ["--out", join(dir, "reports"), "--run-id", "upgrade-ev", "--replications", "9"],
  },
  {
    task: "backtest",
    args: (dir) => [
      "--strategy",
      "ma-crossover",
      "--assets",
      "BTCUSDT",
      "--param",
      "fast=3",
      "--param",
      "slow=10",
      "--out",
      join(dir, "reports"),
      "--run-id",
      "upgrade",
    ],
  },
  {
    task: "walkforward",
    args: (dir) => [
      "--strategy",
      "ma-crossover",
      "--assets",
      "BTCUSDT",
      "--param",
      "slow=10",
      "--grid",
      "fast=2,3",
      "--folds",
      "2",
      "--out",
      join(dir, "reports"),
      "--run-id",
      "upgrade-wf",
    ],
  },
  {
    task: "verify-report",
    args: (dir) => [join(dir, "reports", "v")],
    prepare: reportOfCopy,
  },
  {
    task: "demo",
    args: (dir) => [
      "--source",
      "sim",
      "--assets",
      "3",
      "--days",
      "2",
      "--out",
      join(dir, "reports"),
      "--run-id",
      "upgrade",
    ],
  },
];

/** Tasks the launcher test below runs (they need the local exchange). */
const NETWORK_TASKS: readonly string[] = ["backfill", "poll", "stream", "monitor"];

Deno.test("the upgrade tests cover every task of deno.json that opens a store", () => {
  const config = JSON.parse(Deno.readTextFileSync(join(REPO_ROOT, "deno.json")));
  const covered = new Set([...OFFLINE_TASKS.map((c) => c.task), ...NETWORK_TASKS]);
  const missing: string[] = [];
  for (const [name, line] of Object.entries(config.tasks as Record<string, string>)) {
    const launched = line.match(/tasks\/_launch\.ts (\S+)/)?.[1];
    const file = launched !== undefined
      ? `tasks/${launched}.ts`
      : line.match(/(tasks\/[a-z_]+\.ts)/)?.[1];
    if (file === undefined || !existsSync(join(REPO_ROOT, file))) continue;
    if (!Deno.readTextFileSync(join(REPO_ROOT, file)).includes("openTaskStore")) continue;
    if (!covered.has(name)) missing.push(name);
  }
  assert.deepEqual(missing, [], "add these tasks to the upgrade tests");
});

/** The store's folder after a run: the store and exactly one backup, at version `from`. */
function assertUpgraded(dir: string, db: string, from: number, out: TaskOutput, what: string) {
  const msg = `${what}: exit ${out.code}\n${out.stderr}`;
  assert.equal(out.code, 0, msg);
  if (from === LATEST_VERSION) {
    // a current store opens as it is: no migration, no backup
    assert.doesNotMatch(out.stderr, /migrated schema/, msg);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".bak")), [], msg);
    assert.equal(schemaVersion(db), LATEST_VERSION, msg);
    return;
  }
  const m = out.stderr.match(/migrated schema v(\d+) -> v(\d+) \(backup: ([^)]+)\)/);
  assert.ok(m !== null, `${what}: no migration line\n${out.stderr}`);
  assert.deepEqual([Number(m[1]), Number(m[2])], [from, LATEST_VERSION], msg);
  const backup = m[3]!;
  assert.ok(existsSync(backup), `${what}: backup ${backup} missing`);
  assert.equal(schemaVersion(db), LATEST_VERSION, msg);
  assert.equal(schemaVersion(backup), from, `${what}: backup keeps the old version`);
  assert.equal(barCount(backup), FIXTURE_BARS, `${what}: backup holds every bar`);
  const b = new DatabaseSync(backup, { readOnly: true });
  try {
    assert.equal(b.prepare("PRAGMA integrity_check").get()?.integrity_check, "ok");
    assert.equal(b.prepare("PRAGMA journal_mode").get()?.journal_mode, "delete");
  } finally {
    b.close();
  }
  const leftovers = readdirSync(dir).filter((f) => /\.bak-(wal|shm)$/.test(f));
  assert.deepEqual(leftovers, [], `${what}: the backup is one file`);
}

/** A temp folder holding a store at `version` (and the import task's CSV). */
function setup(task: string, version: number): { dir: string; db: string } {
  const dir = Deno.makeTempDirSync({ prefix: `cryptolab-upgrade-${task}-v${version}-` });
  const db = join(dir, "old.db");
  buildStoreAt(db, version);
  Deno.writeTextFileSync(join(dir, "DOGEUSDT-1h-2024-03.csv"), klineCsv());
  return { dir, db };
}

Deno.test("every task upgrades a store of every earlier version (and opens a current one) under its deno.json permissions", async () => {
  assert.ok(EARLIER_VERSIONS.length >= 1);
  // the current version too: it must open untouched
  const versions = [...EARLIER_VERSIONS, LATEST_VERSION];
  const jobs = OFFLINE_TASKS.flatMap((c) => versions.map((v) => ({ c, v })));
  const failures: string[] = [];
  // two at a time: the machine has two cores
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const { c, v } = job;
      const { dir, db } = setup(c.task, v);
      try {
        c.prepare?.(dir, db);
        const out = await runDeno(["task", c.task, ...c.args(dir), "--db", db], c.env);
        assertUpgraded(dir, db, v, out, `deno task ${c.task} on a v${v} store`);
      } catch (e) {
        failures.push((e as Error).message);
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    }
  };
  await Promise.all([worker(), worker()]);
  assert.deepEqual(failures, []);
});

realDataTest(
  "backfill, poll, stream and monitor upgrade a store of every earlier version through the launcher",
  async () => {
    const ex = await startFakeExchange();
    const env = {
      CRYPTOLAB_BINANCE_URL: ex.url,
      CRYPTOLAB_DEXSCREENER_URL: ex.url,
      CRYPTOLAB_BINANCE_WS_URL: ex.wsUrl,
    };
    try {
      for (const v of EARLIER_VERSIONS) {
        {
          const { dir, db } = setup("backfill", v);
          const out = await runDeno([
            "task",
            "backfill",
            ...["--venue", "binance", "--symbols", "BNBUSDT", "--freq", "1h"],
            ...["--since", "2019-01-01", "--until", "2019-01-03", "--db", db],
          ], env);
          assertUpgraded(dir, db, v, out, `deno task backfill on a v${v} store`);
          assert.equal(barCount(db), FIXTURE_BARS + 48, out.stderr);
          Deno.removeSync(dir, { recursive: true });
        }
        {
          const { dir, db } = setup("poll", v);
          const out = await runDeno([
            "task",
            "poll",
            ...["--once", "--venues", "binance", "--symbols", "BTCUSDT"],
            ...["--dex-chains", "bsc,base", "--dex-query", "USD1/USDC", "--db", db],
          ], env);
          assertUpgraded(dir, db, v, out, `deno task poll on a v${v} store`);
          Deno.removeSync(dir, { recursive: true });
        }
        {
          const { dir, db } = setup("stream", v);
          const out = await streamUntilMigrated(db, env);
          assertUpgraded(dir, db, v, out, `deno task stream on a v${v} store`);
          Deno.removeSync(dir, { recursive: true });
        }
        {
          const { dir, db } = setup("monitor", v);
          const out = await streamUntilMigrated(db, env, [
            ...["monitor", "--pairs", "BTCUSDT:ETHUSDT", "--port", "0", "--status-ms", "100"],
          ]);
          assertUpgraded(dir, db, v, out, `deno task monitor on a v${v} store`);
          Deno.removeSync(dir, { recursive: true });
        }
      }
    } finally {
      await ex.close();
    }
  },
);

/**
 * `deno task stream` (or `task`, e.g. monitor) on `db`: SIGTERM once it has said the store
 * migrated and has streamed.
 */
async function streamUntilMigrated(
  db: string,
  env: Record<string, string>,
  task: readonly string[] = ["stream", "--symbols", "BTCUSDT", "--status-ms", "100"],
): Promise<TaskOutput> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", ...task, "--db", db],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const dec = new TextDecoder();
  const timer = setTimeout(() => child.kill("SIGTERM"), 30_000);
  let signalled = false;
  for await (const chunk of child.stderr) {
    stderr += dec.decode(chunk, { stream: true });
    if (
      !signalled && /migrated schema/.test(stderr) &&
      /(stream|monitor): [1-9]\d* trades/.test(stderr)
    ) {
      signalled = true;
      child.kill("SIGTERM");
    }
  }
  clearTimeout(timer);
  const status = await child.status;
  return { code: status.code, stdout: "", stderr };
}

Deno.test("the backup holds pages still in the WAL behind a reader's snapshot", () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-upgrade-wal-" });
  const path = join(dir, "old.db");
  try {
    buildStoreAt(path, 1);
    // A writer adds bars while a reader holds an older snapshot: the checkpoint before the copy
    // cannot fold those frames into the file, so they are only in the WAL.
    const writer = new DatabaseSync(path);
    const reader = new DatabaseSync(path);
    writer.exec("PRAGMA wal_autocheckpoint = 0");
    reader.exec("BEGIN");
    reader.prepare("SELECT count(*) FROM bars").get();
    writer.exec(
      `INSERT INTO bars (venue, symbol, freq, ts, open, high, low, close, volume, complete, source)
       SELECT 'kraken', symbol, freq, ts, open, high, low, close, volume, complete, source
       FROM bars`,
    );
    assert.ok(Deno.statSync(`${path}-wal`).size > 0);
    const store = openStore(path);
    try {
      const backup = store.migration.backupPath!;
      assert.equal(store.migration.from, 1);
      assert.equal(barCount(backup), 2 * FIXTURE_BARS);
      assert.equal(schemaVersion(backup), 1);
      assert.ok(!existsSync(`${backup}-wal`));
    } finally {
      store.close();
      reader.exec("ROLLBACK");
      reader.close();
      writer.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a read-only task upgrades an older store first, then reads it", () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-upgrade-ro-" });
  const path = join(dir, "old.db");
  try {
    buildStoreAt(path, 1);
    const store = openStore(path, { readOnly: true });
    try {
      assert.equal(store.migration.from, 1);
      assert.equal(store.migration.to, LATEST_VERSION);
      assert.ok(existsSync(store.migration.backupPath!));
      assert.throws(() => store.db.exec("DELETE FROM bars"), /readonly/);
    } finally {
      store.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
