/**
 * Issue 8 item 1: a run that ends in an error is `failed` with its reason, and a run left
 * `running` by a killed process is marked `interrupted` the next time the store is opened,
 * while the run of a live process (a stream beside a report) is left `running`.
 *
 * Before the fix: a killed task's run stayed `running` forever, and an import that threw was
 * recorded as `interrupted`.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { openStore } from "@lib/store/db.ts";
import { finishRun, markInterruptedRuns, startRun } from "@lib/store/runs.ts";

const RUNS_URL = new URL("../../lib/store/runs.ts", import.meta.url).href;
const DB_URL = new URL("../../lib/store/db.ts", import.meta.url).href;

/** A child process that starts a run on `db`, says so, and waits to be killed. */
function spawnRunner(db: string): Deno.ChildProcess {
  const code = `
    import { openStore } from ${JSON.stringify(DB_URL)};
    import { startRun } from ${JSON.stringify(RUNS_URL)};
    const { db } = openStore(${JSON.stringify(db)});
    console.log(startRun(db, "stream", { symbols: ["BTCUSDT"] }));
    setInterval(() => {}, 1000);
  `;
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

async function firstLine(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  return text.trim();
}

function statusOf(path: string, runId: number): { status: string; message: string | null } {
  const { db, close } = openStore(path);
  try {
    const r = db.prepare("SELECT status, message FROM ingest_runs WHERE run_id = ?").get(runId)!;
    return { status: String(r.status), message: r.message === null ? null : String(r.message) };
  } finally {
    close();
  }
}

Deno.test("a run of a killed process is marked interrupted when the store is next opened; a live one is not", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-runs-" });
  const path = `${dir}/runs.db`;
  try {
    openStore(path).close();
    const child = spawnRunner(path);
    const runId = Number(await firstLine(child));
    assert.ok(runId > 0);
    // the process is alive: opening the store (a report beside a stream) leaves its run alone
    assert.deepEqual(statusOf(path, runId), { status: "running", message: null });
    assert.ok(existsSync(`${path}.run-${runId}.lock`));
    child.kill("SIGKILL");
    await child.status;
    child.stdout.cancel().catch(() => {});
    const after = statusOf(path, runId);
    assert.equal(after.status, "interrupted");
    assert.match(after.message!, /^interrupted: the process ended without finishing the run/);
    assert.ok(!existsSync(`${path}.run-${runId}.lock`), "the stale lock file is removed");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runs: this process's own running run is left alone; one without a lock file is interrupted", () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-runs-" });
  const path = `${dir}/own.db`;
  try {
    const a = openStore(path);
    const own = startRun(a.db, "backfill", {});
    // a run row from an older version (no lock file), left running
    a.db.exec(
      "INSERT INTO ingest_runs (task, params, started_at, status) VALUES ('import', '{}', 0, 'running')",
    );
    const orphan = Number(a.db.prepare("SELECT max(run_id) AS id FROM ingest_runs").get()?.id);
    assert.deepEqual(markInterruptedRuns(a.db), [orphan]);
    assert.equal(statusOf(path, own).status, "running");
    finishRun(a.db, own, "failed", { message: "BTCUSDT: HTTP 500 after 4 attempts" });
    assert.deepEqual(statusOf(path, own), {
      status: "failed",
      message: "BTCUSDT: HTTP 500 after 4 attempts",
    });
    assert.ok(!existsSync(`${path}.run-${own}.lock`));
    a.close();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
