/**
 * `backfill` (lib/ingest/backfill.ts) against the local exchange of tests/fake_exchange, whose
 * klines pages are cut with Binance's rules from the real freqtrade file
 * ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1h.json (and ETH_USDT-1h.json). The oracle is
 * that file itself: stored bars must equal its rows exactly.
 */
import assert from "node:assert/strict";
import { backfill } from "@lib/ingest/backfill.ts";
import { BinanceRest } from "@lib/providers/binance.ts";
import { findGaps, listGaps } from "@lib/store/gaps.ts";
import { listQuarantine } from "@lib/store/quarantine.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { type RecordedRequest, startFakeExchange } from "../fake_exchange/mod.ts";
import { assertStoredEqual, realHourlyRows, rowsIn } from "./_real_rows.ts";

const H = 3_600_000;
const SINCE = Date.UTC(2020, 0, 1);
const UNTIL = Date.UTC(2020, 3, 1);
const LATER = Date.UTC(2020, 4, 1);

const klineRequests = (reqs: readonly RecordedRequest[]) =>
  reqs.filter((r) => r.path === "/api/v3/klines");

function runStatuses(db: import("node:sqlite").DatabaseSync): string[] {
  return db.prepare("SELECT status FROM ingest_runs WHERE task = 'backfill' ORDER BY run_id")
    .all().map((r) => String(r.status));
}

realDataTest(
  "backfill stores exactly the real rows, then re-runs fetch only the tail",
  async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      const source = new BinanceRest({ baseUrl: ex.url });
      const opts = {
        source,
        symbols: ["BTCUSDT"],
        freq: "1h",
        since: SINCE,
        until: UNTIL,
      } as const;
      const seen: number[] = [];
      const r1 = await backfill(s.db, { ...opts, onProgress: (p) => seen.push(p.done) });
      const expected = rowsIn(realHourlyRows("BTCUSDT"), SINCE, UNTIL);
      assert.ok(expected.length > 2000, "the range holds a few months of real bars");
      assert.equal(r1.status, "ok");
      assert.equal(r1.inserted, expected.length);
      assertStoredEqual(s.db, "BTCUSDT", expected);
      // three pages of at most 1000 bars, each request from the previous page's end
      const first = klineRequests(ex.requests);
      assert.equal(first.length, Math.ceil(expected.length / 1000));
      assert.match(
        first[0]!.query,
        new RegExp(`startTime=${SINCE}&endTime=${UNTIL - 1}&limit=1000`),
      );
      assert.equal(seen.at(-1), expected.length);
      // provenance and gaps
      const src = s.db.prepare("SELECT DISTINCT source, run_id FROM bars").all();
      assert.deepEqual(src.map((x) => [x.source, x.run_id]), [["binance:klines", r1.runId]]);
      const gaps = findGaps(Float64Array.from(expected, (r) => r[0]!), "1h");
      const stored = listGaps(s.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
      assert.deepEqual(stored.map((g) => g.startTs), [...gaps.startTs]);

      // (b) the same range again: not one request, nothing written
      const before = ex.requests.length;
      const r2 = await backfill(s.db, opts);
      assert.equal(r2.status, "ok");
      assert.equal(r2.inserted, 0);
      assert.equal(r2.requests, 0);
      assert.equal(ex.requests.length, before);

      // a later --until fetches only the tail, from the bar after the last stored one
      const lastStored = expected.at(-1)![0]!;
      const r3 = await backfill(s.db, { ...opts, until: LATER });
      const tail = klineRequests(ex.requests.slice(before));
      assert.ok(tail.length >= 1);
      assert.match(tail[0]!.query, new RegExp(`startTime=${lastStored + H}&`));
      const all = rowsIn(realHourlyRows("BTCUSDT"), SINCE, LATER);
      assert.equal(r3.inserted, all.length - expected.length);
      assertStoredEqual(s.db, "BTCUSDT", all);
      assert.deepEqual(runStatuses(s.db), ["ok", "ok", "ok"]);
    } finally {
      s.cleanup();
      await ex.close();
    }
  },
);

realDataTest(
  "backfill under faults: retries 5xx, 429 and HTML, quarantines truncated JSON",
  async () => {
    // Decision: withRetry never retries a parse error (the same bytes would fail again), so the
    // truncated page is quarantined, nothing of it is written, that symbol stops, the next
    // symbol goes on, and the next run asks for the page again because it resumes from the store.
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      // rules are tried in order: requests 1-2 get 500, 3 gets 429 (Retry-After 1 s),
      // 4 gets truncated JSON, 5 the HTML 502 page
      ex.faults.add({ kind: "http_500", path: "/klines", times: 2 });
      ex.faults.add({ kind: "rate_limit", path: "/klines", times: 1, retryAfterSeconds: 1 });
      ex.faults.add({ kind: "truncated_json", path: "/klines", times: 1 });
      ex.faults.add({ kind: "html_502", path: "/klines", times: 1 });
      const source = new BinanceRest({ baseUrl: ex.url });
      const opts = {
        source,
        symbols: ["BTCUSDT", "ETHUSDT"],
        freq: "1h",
        since: SINCE,
        until: UNTIL,
        baseDelayMs: 20,
      } as const;
      const r1 = await backfill(s.db, opts);
      const reqs = klineRequests(ex.requests);
      assert.deepEqual(reqs.slice(0, 5).map((r) => r.faults[0]), [
        "http_500",
        "http_500",
        "rate_limit",
        "truncated_json",
        "html_502",
      ]);
      // Retry-After was honoured: the retry came at least 1 s after the 429
      assert.ok(
        reqs[3]!.time - reqs[2]!.time >= 1000,
        `waited ${reqs[3]!.time - reqs[2]!.time} ms`,
      );
      assert.equal(r1.retries, 4); // 500, 500, 429 on BTCUSDT; 502 on ETHUSDT
      assert.equal(r1.status, "failed");
      const [btc, eth] = r1.symbols;
      assert.equal(btc?.status, "failed");
      assert.match(btc?.error ?? "", /invalid JSON/);
      assert.equal(btc?.inserted, 0);
      assert.equal(eth?.status, "ok");
      // nothing wrong was written: BTCUSDT has no bar, ETHUSDT exactly the real ones
      assertStoredEqual(s.db, "BTCUSDT", []);
      assertStoredEqual(s.db, "ETHUSDT", rowsIn(realHourlyRows("ETHUSDT"), SINCE, UNTIL));
      // quarantine says why, with the raw truncated text
      const q = listQuarantine(s.db);
      assert.equal(q.length, 1);
      assert.equal(q[0]!.source, "binance:klines");
      assert.match(q[0]!.locator, /symbol=BTCUSDT/);
      assert.match(q[0]!.reason, /invalid JSON/);
      assert.ok(q[0]!.raw.startsWith("[[1577836800000,"));
      assert.throws(() => JSON.parse(q[0]!.raw));
      const row = s.db.prepare(
        "SELECT rows_quarantined, message FROM ingest_runs WHERE run_id = ?",
      ).get(r1.runId);
      assert.equal(row?.rows_quarantined, 1);
      assert.match(String(row?.message), /BTCUSDT: .*invalid JSON/);

      // the next run (no faults left) fetches only BTCUSDT and completes it
      const before = ex.requests.length;
      const r2 = await backfill(s.db, opts);
      assert.equal(r2.status, "ok");
      assert.ok(klineRequests(ex.requests.slice(before)).every((r) => r.query.includes("BTCUSDT")));
      assertStoredEqual(s.db, "BTCUSDT", rowsIn(realHourlyRows("BTCUSDT"), SINCE, UNTIL));
      assertStoredEqual(s.db, "ETHUSDT", rowsIn(realHourlyRows("ETHUSDT"), SINCE, UNTIL));
      assert.deepEqual(runStatuses(s.db), ["failed", "ok"]);
    } finally {
      s.cleanup();
      await ex.close();
    }
  },
);

realDataTest(
  "backfill stops after the committed page when aborted and marks the run interrupted",
  async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      const ctrl = new AbortController();
      const r = await backfill(s.db, {
        source: new BinanceRest({ baseUrl: ex.url }),
        symbols: ["BTCUSDT", "ETHUSDT"],
        freq: "1h",
        since: SINCE,
        until: UNTIL,
        signal: ctrl.signal,
        onProgress: (p) => {
          if (p.done >= 1000) ctrl.abort();
        },
      });
      assert.equal(r.status, "interrupted");
      assert.equal(r.symbols.length, 1);
      assert.equal(r.inserted, 1000);
      assert.equal(klineRequests(ex.requests).length, 1);
      assertStoredEqual(
        s.db,
        "BTCUSDT",
        rowsIn(realHourlyRows("BTCUSDT"), SINCE, UNTIL).slice(0, 1000),
      );
      assert.deepEqual(runStatuses(s.db), ["interrupted"]);
    } finally {
      s.cleanup();
      await ex.close();
    }
  },
);

Deno.test("backfill refuses an empty range and an empty symbol list", async () => {
  const s = tempStore();
  try {
    const source = new BinanceRest({ baseUrl: "http://127.0.0.1:1" });
    await assert.rejects(
      () => backfill(s.db, { source, symbols: ["X"], freq: "1h", since: 10, until: 10 }),
      /until \(10\) must be after since \(10\)/,
    );
    await assert.rejects(
      () => backfill(s.db, { source, symbols: [], freq: "1h", since: 0, until: 10 }),
      /at least one symbol/,
    );
  } finally {
    s.cleanup();
  }
});
