/**
 * Issue 12 item 4: `deno task stream --liquidations`, run as a user runs it (deno.json's
 * launcher, net only to the CRYPTOLAB_*_URL hosts), against the local exchange's forceOrder
 * frames (SYNTHETIC, docs-shaped, derived from the real 2024-08-08 USDT-M trade capture; the
 * third one has quantity "0"). Every frame is gated: the bad one is quarantined with its raw
 * text, the rest are stored; SIGTERM ends the run as `interrupted` with exit 0.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { spawnStreamTaskAsUser } from "./_helpers.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

realDataTest(
  "stream --liquidations stores gated forceOrder frames and quarantines the bad one",
  async () => {
    Deno.mkdirSync(`${ROOT}data`, { recursive: true });
    const dir = Deno.makeTempDirSync({ dir: `${ROOT}data`, prefix: "test-stream-liq-" });
    const db = `${dir.slice(ROOT.length)}/live.db`;
    const ex = await startFakeExchange({ wsRate: 2000 });
    try {
      const task = spawnStreamTaskAsUser(["--symbols", "BTCUSDT", "--liquidations", "--db", db], {
        CRYPTOLAB_BINANCE_FUTURES_WS_URL: ex.wsFuturesUrl,
        CRYPTOLAB_BINANCE_FUTURES_URL: ex.url,
      });
      const deadline = Date.now() + 30_000;
      const count = () => {
        try {
          const d = new DatabaseSync(`${ROOT}${db}`, { readOnly: true });
          try {
            return Number(d.prepare("SELECT count(*) AS n FROM liquidations").get()?.n ?? 0);
          } finally {
            d.close();
          }
        } catch {
          return 0;
        }
      };
      while (count() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      task.child.kill("SIGTERM");
      const end = await task.done;
      assert.equal(end.code, 0, end.stderr);
      assert.match(
        end.stderr,
        /stream: quarantined BTCUSDT: non-positive quantity: quantity 0 <= 0/,
      );
      const d = new DatabaseSync(`${ROOT}${db}`, { readOnly: true });
      try {
        const rows = d.prepare("SELECT symbol, side, price, qty, source FROM liquidations").all();
        assert.ok(rows.length >= 3, end.stderr);
        assert.ok(
          rows.every((r) => r.symbol === "BTCUSDT" && (r.side === "buy" || r.side === "sell")),
        );
        assert.ok(rows.every((r) => Number(r.qty) > 0 && Number(r.price) > 0));
        assert.match(
          String(rows[0]!.source),
          /^binance_futures:ws:\/\/127\.0\.0\.1:\d+\/usdm\/stream/,
        );
        const q = d.prepare("SELECT raw, reason FROM quarantine").all();
        assert.equal(q.length, 1);
        assert.match(String(q[0]!.raw), /"q\\":\\"0\\"/);
        const run = d.prepare("SELECT task, status FROM ingest_runs").get();
        assert.deepEqual({ ...run }, { task: "stream", status: "interrupted" });
      } finally {
        d.close();
      }
    } finally {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

Deno.test("stream --liquidations with --market spot is a usage error naming the flag", async () => {
  const task = spawnStreamTaskAsUser(
    ["--symbols", "BTCUSDT", "--liquidations", "--market", "spot", "--db", ":memory:"],
    {},
  );
  const end = await task.done;
  assert.equal(end.code, 2, end.stderr);
  assert.match(
    end.stderr,
    /--liquidations streams USDT-M futures liquidations: use --market futures/,
  );
});
