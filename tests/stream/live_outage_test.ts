/**
 * Issue 8 item 3 for `deno task stream`, as a user runs it (the permissions of deno.json, a
 * store under data/), against the local exchange's LIVE tape (tests/fake_exchange/live_tape.ts):
 * the venue keeps trading while the client is away, so a WebSocket cut makes a real outage gap
 * that only REST can fill, as in production. Prices and sizes are the real 2024-08-08 BTCUSDT
 * and ETHUSDT trades of the hftbacktest capture, 200 trades/s per symbol.
 *
 * Each test ends with the tape as the oracle: every id from the first stored one to the last is
 * stored once with the venue's genuine values (zero ids lost), no hole is left open, and every
 * closed 1-second bar after the first is complete with exactly the tape's trades of its second.
 *
 * Before this: a hole REST could not fill yet was reported as a `gap`, the trades after it were
 * committed and a restart resumed after the largest stored id (the ids were lost for good, the
 * bar over the hole stored complete = 1); a bad frame was stored, won over the genuine trade,
 * and made the task exit 1 at the bar build (every restart too), or stalled it (year 2100).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { realDataTest } from "../_shared/real_data.ts";
import {
  type FakeExchange,
  LiveTape,
  startFakeExchange,
  type TapeRow,
} from "../fake_exchange/mod.ts";
import { loadCapture, spawnStreamTaskAsUser, type TaskProcess } from "./_helpers.ts";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
const RATE = 200;
const ROOT = new URL("../../", import.meta.url).pathname;

function tapeRows(): Record<string, TapeRow[]> {
  const cap = loadCapture(["btcusdt@trade", "ethusdt@trade"]);
  const rows: Record<string, TapeRow[]> = {};
  for (const f of cap.frames) {
    const d = JSON.parse(f).data as { s: string; p: string; q: string; m: boolean };
    (rows[d.s] ??= []).push({ p: d.p, q: d.q, m: d.m });
  }
  return rows;
}

interface Setup {
  readonly tape: LiveTape;
  readonly ex: FakeExchange;
  /** Store path relative to the repository root (under data/, as deno.json's task allows). */
  readonly db: string;
  readonly env: Record<string, string>;
  start(): TaskProcess;
  cleanup(): Promise<void>;
}

async function setup(): Promise<Setup> {
  const tape = new LiveTape({
    rows: tapeRows(),
    rate: RATE,
    startIds: { BTCUSDT: 3_735_683_259, ETHUSDT: 1_525_000_000 },
  });
  const ex = await startFakeExchange({ live: tape });
  Deno.mkdirSync(`${ROOT}data`, { recursive: true });
  const dir = Deno.makeTempDirSync({ dir: `${ROOT}data`, prefix: "test-stream-live-" });
  const db = `${dir.slice(ROOT.length)}/live.db`;
  const env = { CRYPTOLAB_BINANCE_WS_URL: ex.wsUrl, CRYPTOLAB_BINANCE_URL: ex.url };
  const args = ["--symbols", SYMBOLS.join(","), "--bars", "1s,1m", "--status-ms", "100"];
  return {
    tape,
    ex,
    db,
    env,
    start: () => spawnStreamTaskAsUser([...args, "--db", db], env),
    cleanup: async () => {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/** SIGTERM, then exit 0 within `maxMs` (it took 50 s behind a year-2100 trade before). */
async function stop(task: TaskProcess, maxMs: number): Promise<string> {
  const t0 = performance.now();
  task.child.kill("SIGTERM");
  const end = await task.done;
  const took = performance.now() - t0;
  assert.equal(end.code, 0, end.stderr);
  assert.ok(took < maxMs, `SIGTERM took ${took.toFixed(0)} ms (limit ${maxMs})`);
  assert.match(end.stderr, /stream: interrupted: /);
  return end.stderr;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openHoles(path: string): { symbol: string; from_id: number; to_id: number }[] {
  const db = new DatabaseSync(`${ROOT}${path}`, { readOnly: true });
  try {
    return db.prepare(
      "SELECT symbol, from_id, to_id FROM stream_holes WHERE status = 'open' ORDER BY from_id",
    ).all().map((r) => ({
      symbol: String(r.symbol),
      from_id: Number(r.from_id),
      to_id: Number(r.to_id),
    }));
  } finally {
    db.close();
  }
}

/**
 * The closed 1s and 1m bars that overlap an open hole's time span (read while the task runs; a
 * hole whose next trade is not stored yet reaches to the end).
 */
function barsOverOpenHoles(path: string): { symbol: string; ts: number; complete: number }[] {
  const db = new DatabaseSync(`${ROOT}${path}`, { readOnly: true });
  try {
    return db.prepare(
      `SELECT b.symbol, b.ts, b.complete FROM bars b JOIN stream_holes h
         ON h.venue = b.venue AND h.symbol = b.symbol AND h.status = 'open'
       WHERE b.freq IN ('1s', '1m') AND h.from_ts IS NOT NULL
         AND b.ts <= coalesce(h.to_ts, 1e18)
         AND b.ts + (CASE b.freq WHEN '1s' THEN 1000 ELSE 60000 END) > h.from_ts`,
    ).all().map((r) => ({
      symbol: String(r.symbol),
      ts: Number(r.ts),
      complete: Number(r.complete),
    }));
  } finally {
    db.close();
  }
}

/**
 * The tape as the oracle: stored ids contiguous from the first to the last (nothing lost), each
 * with the genuine values; no open hole; every closed 1s bar but the first complete, with the
 * tape's count of trades in its second. Returns the stored trade count per symbol.
 */
function checkStore(path: string, tape: LiveTape): Record<string, number> {
  const db = new DatabaseSync(`${ROOT}${path}`, { readOnly: true });
  const out: Record<string, number> = {};
  try {
    assert.deepEqual(
      db.prepare("SELECT symbol, from_id, to_id, status, reason FROM stream_holes").all(),
      [],
      "no hole left",
    );
    for (const symbol of SYMBOLS) {
      const rows = db.prepare(
        "SELECT trade_id, ts, price, qty FROM trades WHERE venue = 'binance' AND symbol = ? " +
          "ORDER BY trade_id",
      ).all(symbol) as { trade_id: number; ts: number; price: number; qty: number }[];
      assert.ok(rows.length > 0, `${symbol}: trades stored`);
      const first = Number(rows[0]!.trade_id);
      const last = Number(rows.at(-1)!.trade_id);
      assert.equal(rows.length, last - first + 1, `${symbol}: ids ${first}..${last}, none lost`);
      for (const r of rows) {
        const g = tape.trade(symbol, Number(r.trade_id) - tape.startId(symbol));
        assert.deepEqual(
          [r.ts, r.price, r.qty],
          [g.T, Number(g.p), Number(g.q)],
          `${symbol} trade ${r.trade_id} has the venue's values`,
        );
      }
      out[symbol] = rows.length;
      const bars = db.prepare(
        "SELECT ts, trade_count AS n, complete FROM bars WHERE venue = 'binance' AND symbol = ? " +
          "AND freq = '1s' ORDER BY ts",
      ).all(symbol) as { ts: number; n: number; complete: number }[];
      assert.ok(bars.length > 5, `${symbol}: 1s bars written`);
      for (const [i, b] of bars.entries()) {
        if (i === 0) {
          assert.equal(b.complete, 0, `${symbol}: the first second was joined mid-way`);
          continue;
        }
        // trade k is at t0 + floor(k * 1000 / RATE): RATE trades in every full second
        const want = Math.min(
          RATE,
          Math.max(0, Math.floor(((b.ts + 1000 - tape.t0) * RATE) / 1000)),
        );
        assert.deepEqual(
          [b.complete, Number(b.n)],
          [1, want],
          `${symbol}: 1s bar ${new Date(b.ts).toISOString()} complete with its trades`,
        );
      }
    }
  } finally {
    db.close();
  }
  return out;
}

realDataTest(
  "stream task: a 1 s WebSocket cut while REST is down for 5 s loses no trade id once REST is back",
  async () => {
    const s = await setup();
    try {
      const task = s.start();
      await task.waitFor((x) => x.inserted > 2 * RATE, 30_000);
      s.ex.faults.add({ kind: "http_500", path: "/api/v3/historicalTrades" });
      const cutAt = performance.now();
      s.ex.cutWs(1_000);
      // the stream cannot repair the cut itself: the hole is kept, reported in the status line
      const seen = await task.waitFor((x) => x.holes > 0 && x.missing > 0, 15_000);
      // REST still down: the stream goes on past the hole (its trades after it are committed)
      await task.waitFor(
        (x) => x.at > seen.at && x.inserted > seen.inserted + 2 * RATE && x.holes > 0,
        20_000,
      );
      // while the hole is open, every closed bar it touches is stored incomplete
      const during = barsOverOpenHoles(s.db);
      assert.ok(during.length > 0, "bars over the open hole were written");
      assert.deepEqual(during.filter((b) => b.complete !== 0), []);
      await sleep(Math.max(0, 5_000 - (performance.now() - cutAt)));
      s.ex.faults.clear(); // REST is back
      await task.waitFor((x) => x.at > seen.at && x.holes === 0 && x.repaired > 0, 60_000);
      await sleep(1_500); // let the next second close
      const stderr = await stop(task, 10_000);
      // why it could not connect: the error, the URL, the next retry
      assert.match(
        stderr,
        /stream: cannot connect to ws:\/\/127\.0\.0\.1:\d+\/stream\?streams=btcusdt@trade\/ethusdt@trade: .+; next retry in \d+\.\d s/,
      );
      assert.match(stderr, /stream: gap: ids \d+\.\.\d+ of (BTC|ETH)USDT could not be repaired/);
      assert.match(stderr, /stream: repair: REST repair of .* failed: .*500.*; retrying in/);
      const n = checkStore(s.db, s.tape);
      console.log(`missing at worst ${seen.missing} ids; stored ${JSON.stringify(n)}`);
    } finally {
      await s.cleanup();
    }
  },
);

realDataTest(
  "stream task: SIGTERM during a hanging REST repair exits at once, the restart fills the hole",
  async () => {
    const s = await setup();
    try {
      const first = s.start();
      await first.waitFor((x) => x.inserted > 2 * RATE, 30_000);
      s.ex.faults.add({ kind: "timeout", path: "/api/v3/historicalTrades" });
      s.ex.cutWs(1_000);
      await sleep(3_000); // reconnected; frames held behind the hole; the repair hangs
      await stop(first, 10_000);
      const holes = openHoles(s.db);
      assert.ok(holes.length > 0, "the unrepaired range is kept in the store");
      s.ex.faults.clear();
      const second = s.start();
      await second.waitFor((x) => x.holes === 0 && x.repaired > 0, 60_000);
      await sleep(1_500);
      await stop(second, 10_000);
      assert.deepEqual(openHoles(s.db), []);
      checkStore(s.db, s.tape);
    } finally {
      await s.cleanup();
    }
  },
);

realDataTest(
  "stream task: bad frames (price 0, 100x, qty 0, year 2100) are quarantined and the genuine trades fetched",
  async () => {
    const s = await setup();
    try {
      const head = s.tape.headId("BTCUSDT");
      const bad = {
        [head + 2 * RATE]: { p: "0" },
        [head + 3 * RATE]: { p: String(Number(s.tape.trade("BTCUSDT", 0).p) * 100) },
        [head + 4 * RATE]: { q: "0" },
        [head + 5 * RATE]: { T: Date.UTC(2100, 0, 1) },
      };
      for (const [id, f] of Object.entries(bad)) s.tape.corruptFrame("BTCUSDT", Number(id), f);
      const lastBad = head + 5 * RATE;
      const task = s.start();
      await task.waitFor(
        (x) => (x.lastIds["BTCUSDT"] ?? 0) > lastBad + RATE && x.quarantined >= 4 && x.holes === 0,
        60_000,
      );
      await sleep(1_500);
      await stop(task, 10_000);
      const db = new DatabaseSync(`${ROOT}${s.db}`, { readOnly: true });
      try {
        const q = db.prepare(
          "SELECT locator, raw, reason FROM quarantine WHERE source = 'stream:binance' ORDER BY id",
        ).all() as { locator: string; raw: string; reason: string }[];
        assert.deepEqual(
          q.map((r) => r.locator),
          Object.keys(bad).map((id) => `BTCUSDT trade ${id}`),
        );
        // the raw frame text as received
        for (const r of q) assert.match(r.raw, /^\{"stream":"btcusdt@trade","data":\{"e":"trade"/);
        // the reasons of the row rules (lib/ingest/gates), whatever their exact wording
        assert.match(q[0]!.reason, /price.* 0 <= 0/);
        assert.match(q[1]!.reason, /log return|jump/);
        assert.match(q[2]!.reason, /(qty|quantity) 0 <= 0/);
        assert.match(q[3]!.reason, /2100|future/);
        console.log(q.map((r) => r.reason).join("\n"));
      } finally {
        db.close();
      }
      checkStore(s.db, s.tape); // the genuine trades of those ids, fetched over REST

      // A store written by an older version holds such rows: a restart quarantines them, fetches
      // the genuine trades and goes on (it used to exit 1 at the bar build, on every restart).
      const rw = new DatabaseSync(`${ROOT}${s.db}`);
      const maxId = Number(
        (rw.prepare("SELECT max(trade_id) AS m FROM trades WHERE symbol = 'BTCUSDT'").get() as {
          m: number;
        }).m,
      );
      rw.prepare("UPDATE trades SET price = 0 WHERE symbol = 'BTCUSDT' AND trade_id = ?").run(
        maxId - 5,
      );
      rw.prepare("UPDATE trades SET ts = ? WHERE symbol = 'BTCUSDT' AND trade_id = ?").run(
        Date.UTC(2100, 0, 1),
        maxId - 10,
      );
      rw.close();
      const again = s.start();
      await again.waitFor((x) => x.holes === 0 && x.repaired >= 2, 60_000);
      await sleep(1_500);
      await stop(again, 10_000);
      checkStore(s.db, s.tape);
      const db2 = new DatabaseSync(`${ROOT}${s.db}`, { readOnly: true });
      try {
        const stored = db2.prepare(
          "SELECT locator FROM quarantine WHERE locator LIKE '%(stored)' ORDER BY locator",
        ).all().map((r) => String(r.locator));
        assert.deepEqual(stored, [
          `BTCUSDT trade ${maxId - 10} (stored)`,
          `BTCUSDT trade ${maxId - 5} (stored)`,
        ]);
      } finally {
        db2.close();
      }
    } finally {
      await s.cleanup();
    }
  },
);
