/**
 * `deno task stream` as a subprocess against the local exchange (REAL Binance @trade frames of
 * 2024-08-08), killed with SIGKILL at three seeded random moments and restarted, then stopped
 * with SIGTERM.
 *
 * Resume and "no holes": each restart passes the largest stored id per symbol to the stream.
 * The fake exchange replays from frame 0 on every connection, so the restarted stream receives
 * every id again: ids up to the stored one are dropped as duplicates, the rest continue the
 * sequence, and no REST gap repair is needed (the exchange's /api/v3/trades is a fixed capture
 * of another day, so it could not repair these ids anyway; CRYPTOLAB_BINANCE_URL still points
 * at the local exchange so nothing can reach the internet).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";
import { loadCapture, spawnStreamTask } from "./_helpers.ts";

realDataTest(
  "stream task: SIGKILL x3 then restart keeps every trade once; SIGTERM exits 0",
  async () => {
    const cap = loadCapture(["btcusdt@trade", "ethusdt@trade"]);
    const targets = Object.fromEntries([...cap.ids].map(([s, ids]) => [s, ids[ids.length - 1]!]));
    const ex = await startFakeExchange({ wsRate: 4_000 });
    const dir = Deno.makeTempDirSync({ prefix: "cryptolab-stream-" });
    const dbPath = `${dir}/live.db`;
    const env = { CRYPTOLAB_BINANCE_WS_URL: ex.wsUrl, CRYPTOLAB_BINANCE_URL: ex.url };
    const args = [
      "--symbols",
      "BTCUSDT,ETHUSDT",
      "--bars",
      "1m,5m",
      "--status-ms",
      "100",
      "--db",
      dbPath,
    ];
    const rng = createRng(20240808);
    try {
      const killedAt: number[] = [];
      for (let k = 0; k < 3; k++) {
        const task = spawnStreamTask(args, env, dir);
        // wait until this session committed something new, then kill at a random moment
        const before = k === 0 ? 0 : storedCount(dbPath);
        await task.waitFor((s) => s.inserted > 0, 60_000);
        const delay = Math.floor(rng.next() * 1_500);
        await new Promise((r) => setTimeout(r, delay));
        task.child.kill("SIGKILL");
        const end = await task.done;
        assert.equal(end.signal, "SIGKILL");
        const after = storedCount(dbPath);
        assert.ok(after > before, `session ${k} committed trades (${before} -> ${after})`);
        killedAt.push(after);
        checkStore(dbPath, cap.ids, false);
      }
      // a killed session never finishes its row: the next start marks it `interrupted`; the
      // last one stays `running` until the store is opened again
      assert.deepEqual(runStatuses(dbPath), ["interrupted", "interrupted", "running"]);

      const task = spawnStreamTask(args, env, dir);
      await task.waitFor(
        (s) => Object.entries(targets).every(([sym, id]) => s.lastIds[sym] === id),
        60_000,
      );
      task.child.kill("SIGTERM");
      const end = await task.done;
      assert.equal(end.code, 0, end.stderr);
      assert.match(end.stderr, /stream: interrupted: /);
      checkStore(dbPath, cap.ids, true);
      const statuses = runStatuses(dbPath);
      assert.equal(statuses.at(-1), "interrupted");
      console.log(
        `killed after ${killedAt.join(", ")} stored trades; final ${storedCount(dbPath)}`,
      );
    } finally {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

function storedCount(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number((db.prepare("SELECT count(*) AS n FROM trades").get() as { n: number }).n);
  } finally {
    db.close();
  }
}

function runStatuses(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare("SELECT status FROM ingest_runs WHERE task = 'stream' ORDER BY run_id")
      .all().map((r) => String(r.status));
  } finally {
    db.close();
  }
}

/**
 * Every stored id is a capture id, once, with no hole between the first and last stored id per
 * symbol (`full`: all of the capture), integrity_check ok, and every stored 1m bar's trade count
 * equals the stored trades of its minute.
 */
function checkStore(path: string, capIds: Map<string, number[]>, full: boolean): void {
  const db = new DatabaseSync(path);
  try {
    assert.equal(
      (db.prepare("PRAGMA integrity_check").get() as Record<string, string>)["integrity_check"],
      "ok",
    );
    for (const [symbol, ids] of capIds) {
      const rows = db.prepare(
        "SELECT trade_id AS id FROM trades WHERE venue = 'binance' AND symbol = ? ORDER BY trade_id",
      ).all(symbol).map((r) => Number(r.id));
      if (rows.length === 0) continue;
      const start = ids.indexOf(rows[0]!);
      assert.ok(start >= 0, `${symbol}: first stored id ${rows[0]} is a capture id`);
      assert.deepEqual(
        rows,
        ids.slice(start, start + rows.length),
        `${symbol}: no holes, no repeats`,
      );
      if (full) assert.deepEqual(rows, ids);
      const bad = db.prepare(
        `SELECT b.ts, b.trade_count AS n, (SELECT count(*) FROM trades t WHERE t.venue = b.venue
           AND t.symbol = b.symbol AND t.ts >= b.ts AND t.ts < b.ts + 60000) AS m
         FROM bars b WHERE b.venue = 'binance' AND b.symbol = ? AND b.freq = '1m' AND n != m`,
      ).all(symbol);
      assert.deepEqual(bad, [], `${symbol}: 1m bars agree with the stored trades`);
    }
  } finally {
    db.close();
  }
}
