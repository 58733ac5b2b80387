/**
 * Issue 8 items 3 and 6 for `deno task poll --once`, run exactly as a user runs it (`deno task
 * poll`, whose launcher grants net to the hosts of the CRYPTOLAB_*_URL overrides: the local
 * exchange serving the real Binance ticker/price and Kraken Ticker captures):
 *
 * - a fresh process falls back to the last good quote kept in the STORE when a venue fails (the
 *   in-memory cache of an earlier process is gone), writes it marked `stale` with its age;
 * - when every venue fails it exits non-zero and says so (it used to print `0 quotes` and exit 0).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { readSpotSnapshots } from "@lib/store/snapshots.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { runDeno } from "../_shared/run_task.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";

const PATHS = {
  binance: "/api/v3/ticker/price",
  kraken: "/0/public/Ticker",
  dexscreener: "/latest/dex/search",
} as const;

realDataTest(
  "poll --once: a fresh process serves a failed venue from the store's last good quote (stale); all failed exits 1",
  async () => {
    const ex = await startFakeExchange();
    const dir = Deno.makeTempDirSync({ prefix: "cryptolab-poll-once-" });
    const db = join(dir, "poll.db");
    const poll = () =>
      runDeno([
        "task",
        "--quiet",
        "poll",
        ...["--once", "--venues", "binance,kraken", "--symbols", "BTC"],
        ...["--dex-chains", "bsc,base", "--dex-query", "USD1/USDC"],
        // the two captures are of different days: no cross-venue gate between them
        ...["--tolerance", "10"],
        ...["--db", db],
      ], {
        CRYPTOLAB_BINANCE_URL: ex.url,
        CRYPTOLAB_KRAKEN_URL: ex.url,
        CRYPTOLAB_DEXSCREENER_URL: ex.url,
      });
    try {
      const first = await poll();
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stderr, /2 quotes, 3 DEX pairs, .*0 errors/);

      // a new process; Binance and the DEX search fail every request
      ex.faults.add({ kind: "http_500", path: PATHS.binance });
      ex.faults.add({ kind: "http_500", path: PATHS.dexscreener });
      const second = await poll();
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /1 quotes \(\+1 stale\), 0 DEX pairs \(\+3 stale\)/);

      // a new process; every venue fails
      ex.faults.add({ kind: "http_500", path: PATHS.kraken });
      const third = await poll();
      assert.equal(third.code, 1, third.stderr);
      assert.match(third.stderr, /0 quotes \(\+2 stale\), 0 DEX pairs \(\+3 stale\)/);
      assert.match(
        third.stderr,
        /poll: every venue failed \(binance, kraken, dexscreener\); nothing fresh was written, only stale/,
      );

      const store = openStore(db, { readOnly: true });
      try {
        const rows = readSpotSnapshots(store.db);
        const fresh = rows.filter((r) => !r.stale);
        const stale = rows.filter((r) => r.stale);
        assert.deepEqual(fresh.map((r) => r.venue), ["binance", "kraken", "kraken"]);
        assert.deepEqual(stale.map((r) => r.venue).sort(), ["binance", "binance", "kraken"]);
        for (const s of stale) {
          const good = fresh.filter((f) => f.venue === s.venue && f.fetchedAt < s.fetchedAt)
            .at(-1)!;
          assert.equal(s.price, good.price, "the last good price is served");
          assert.match(
            s.source,
            new RegExp(
              `^${s.venue}:last-known-good from the store \\(quote of ${
                new Date(good.ts).toISOString().replace(/[.]/g, "\\.")
              }, age \\d+ ms\\)$`,
            ),
          );
        }
        const runs = store.db.prepare("SELECT status, message FROM ingest_runs ORDER BY run_id")
          .all().map((r) => String(r.status));
        assert.deepEqual(runs, ["ok", "ok", "failed"]);
      } finally {
        store.close();
      }
    } finally {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);
