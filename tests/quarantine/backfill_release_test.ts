/**
 * A bar that backfill refused (high < low in an otherwise good page from the local exchange,
 * which replays real Binance klines) is in quarantine with its venue, symbol and frequency, so
 * `deno task quarantine list --venue --symbol` finds it, and `release` judges it again by the
 * same row rules: kept as it is, stored by hand with --force.
 */
import assert from "node:assert/strict";
import { backfill } from "@lib/ingest/backfill.ts";
import { BinanceRest } from "@lib/providers/binance.ts";
import { BAR_JSON_FORMAT, listQuarantine } from "@lib/store/quarantine.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { runDeno } from "../_shared/run_task.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";
import { openStore } from "@lib/store/db.ts";

const SINCE = Date.UTC(2020, 0, 1);
const UNTIL = Date.UTC(2020, 0, 3);

realDataTest(
  "a bar backfill refused is listed by venue and symbol and released by hand",
  async () => {
    const ex = await startFakeExchange();
    const dir = Deno.makeTempDirSync({ prefix: "cryptolab-bfq-" });
    const db = `${dir}/t.db`;
    try {
      ex.faults.add({
        kind: "edit_body",
        path: "/klines",
        times: 1,
        edit: (body) => {
          const rows = JSON.parse(body) as string[][];
          const r = rows[5]!;
          r[2] = String(Number(r[3]) * 0.5); // high = half the low
          return JSON.stringify(rows);
        },
      });
      const s = openStore(db);
      try {
        const source = new BinanceRest({ baseUrl: ex.url });
        const r = await backfill(s.db, {
          source,
          symbols: ["BTCUSDT"],
          freq: "1h",
          since: SINCE,
          until: UNTIL,
        });
        assert.equal(r.status, "ok");
        const [q] = listQuarantine(s.db);
        assert.ok(q !== undefined, "the bad bar is quarantined");
        assert.deepEqual([q.format, q.venue, q.symbol, q.freq], [
          BAR_JSON_FORMAT,
          "binance",
          "BTCUSDT",
          "1h",
        ]);
        assert.match(q.reason, /^high < low/);
      } finally {
        s.close();
      }
      const list = await runDeno([
        "task",
        "quarantine",
        "list",
        "--venue",
        "binance",
        "--symbol",
        "BTCUSDT",
        "--db",
        db,
      ]);
      assert.equal(list.code, 0, list.stderr);
      const lines = list.stdout.split("\n").filter((l) => l !== "");
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /\tbinance BTCUSDT 1h\thigh < low/);
      const id = lines[0]!.split("\t")[0]!;

      const kept = await runDeno(["task", "quarantine", "release", id, "--db", db]);
      assert.equal(kept.code, 1);
      assert.match(kept.stdout, /\tkept\thigh < low/);
      const forced = await runDeno(["task", "quarantine", "release", id, "--force", "--db", db]);
      assert.equal(forced.code, 0, forced.stderr);
      const at = new Date(SINCE + 5 * 3_600_000).toISOString();
      assert.match(
        forced.stdout,
        new RegExp(`released \\(forced\\)\\tbars binance BTCUSDT 1h ${at}: inserted`),
      );
      const ro = openStore(db, { readOnly: true });
      try {
        const row = ro.db.prepare("SELECT source FROM bars WHERE ts = ?").get(
          SINCE + 5 * 3_600_000,
        );
        assert.match(String(row?.source), /^released-by-hand:binance:klines BTCUSDT 1h/);
        assert.equal(listQuarantine(ro.db).length, 0);
      } finally {
        ro.close();
      }
    } finally {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);
