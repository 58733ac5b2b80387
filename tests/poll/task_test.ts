/**
 * `tasks/poll.ts` as a subprocess against the local exchange, with the narrow permissions of
 * its deno.json task line (network limited to the exchange, writes limited to the store's
 * folder): `--once` writes the real Binance quote and the DEX universe; SIGTERM during the
 * loop commits, closes the run and exits 0.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { readDexChurn, readSpotSnapshots } from "@lib/store/snapshots.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { type FakeExchange, startFakeExchange } from "../fake_exchange/mod.ts";
import { binanceTicker } from "./_real.ts";

function spawn(ex: FakeExchange, dir: string, extra: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=.,${dir}`,
      `--allow-write=${dir}`,
      "--allow-env",
      `--allow-net=${new URL(ex.url).host}`,
      "tasks/poll.ts",
      "--venues",
      "binance",
      "--symbols",
      "BTCUSDT",
      "--dex-chains",
      "bsc,base",
      "--dex-query",
      "USD1/USDC",
      "--db",
      `${dir}/poll.db`,
      ...extra,
    ],
    env: {
      CRYPTOLAB_BINANCE_URL: ex.url,
      CRYPTOLAB_DEXSCREENER_URL: ex.url,
      NO_COLOR: "1",
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (!pattern.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}

realDataTest("poll task: --once writes the real quote and the DEX universe, exit 0", async () => {
  const ex = await startFakeExchange();
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-poll-" });
  try {
    const child = spawn(ex, dir, ["--once"]);
    const [status, err] = await Promise.all([
      child.status,
      new Response(child.stderr).text(),
    ]);
    assert.equal(status.code, 0, err);
    assert.match(err, /1 quotes, 3 DEX pairs, universe \+3\/-0, 0 quarantined, 0 errors/);
    const store = openStore(`${dir}/poll.db`);
    try {
      const [row] = readSpotSnapshots(store.db);
      assert.equal(row?.price, Number(binanceTicker().price));
      assert.equal(readDexChurn(store.db).length, 3);
      const run = store.db.prepare("SELECT status, rows_written FROM ingest_runs").get();
      assert.deepEqual({ ...run }, { status: "ok", rows_written: 4 });
    } finally {
      store.close();
    }
  } finally {
    await ex.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

realDataTest("poll task: SIGTERM during the loop commits, closes the run and exits 0", async () => {
  const ex = await startFakeExchange();
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-poll-" });
  try {
    const child = spawn(ex, dir, ["--interval", "1"]);
    const [first, rest] = child.stderr.tee();
    const seen = await readUntil(first, /poll \d{4}-.*errors\n/);
    assert.match(seen, /1 quotes, 3 DEX pairs/);
    child.kill("SIGTERM");
    const [status, tail] = await Promise.all([child.status, new Response(rest).text()]);
    assert.equal(status.code, 0, tail);
    assert.match(tail, /SIGTERM: committing the cycle in flight, then stopping/);
    const store = openStore(`${dir}/poll.db`);
    try {
      const run = store.db.prepare("SELECT status, message FROM ingest_runs").get();
      assert.equal(run?.status, "ok");
      assert.match(String(run?.message), /cycles, stopped by SIGTERM$/);
      assert.ok(readSpotSnapshots(store.db).length >= 1);
      assert.equal(store.db.prepare("PRAGMA integrity_check").get()?.integrity_check, "ok");
    } finally {
      store.close();
    }
  } finally {
    await ex.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
