/**
 * Which source materializeBars builds from by default, and what it may delete.
 *
 * The first test is the reviewer's reproduction of a data loss (review C1): a store with years
 * of 1h bars, a few minutes of trades and a short 5m series. `--freq 1d --from 1h` builds the
 * daily bars; a plain `--freq 1d` afterwards used to rebuild them from the 5 minutes of trades
 * and delete every other daily bar.
 */
import assert from "node:assert/strict";
import { allocBars, type TradeColumns } from "@lib/core/types.ts";
import { readBars, writeBars } from "@lib/store/bars.ts";
import { writeTrades } from "@lib/store/trades.ts";
import { withTransaction } from "@lib/store/db.ts";
import { fingerprintStore } from "@lib/store/fingerprint.ts";
import { materializeBars } from "@lib/materialize/mod.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const M = 60_000;
const H = 3_600_000;
const D = 86_400_000;
const DAYS = 400;

function bars(freq: "1h" | "5m", start: number, n: number) {
  const ms = freq === "1h" ? H : 5 * M;
  const b = allocBars({ venue: "v", symbol: "AB", freq }, n);
  for (let i = 0; i < n; i++) {
    const p = 100 + Math.sin(i / 7) * 10;
    b.ts[i] = start + i * ms;
    b.open[i] = p;
    b.high[i] = p + 1;
    b.low[i] = p - 1;
    b.close[i] = p + 0.5;
    b.volume[i] = 2;
  }
  return b;
}

/** `n` trades, one every 10 seconds from `start`. */
function trades(start: number, n: number): TradeColumns {
  const t: TradeColumns = {
    venue: "v",
    symbol: "AB",
    tradeId: Array.from({ length: n }, (_, i) => i + 1),
    ts: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n).fill(0.5),
    side: new Int8Array(n).fill(1),
  };
  for (let i = 0; i < n; i++) {
    t.ts[i] = start + i * 10_000;
    t.price[i] = 200 + i;
  }
  return t;
}

/** 400 days of 1h bars, 5 minutes of trades on day 200, 30 days of 5m bars from day 300. */
function seed(db: Parameters<typeof writeBars>[0]) {
  withTransaction(db, () => {
    writeBars(db, bars("1h", 0, DAYS * 24), { source: "file:AB-1h.json" });
    writeBars(db, bars("5m", 300 * D, 30 * 288), { source: "file:AB-5m.json" });
    writeTrades(db, trades(200 * D + 12 * H, 30), { source: "file:AB-trades.csv" });
  });
}

const daily = (db: Parameters<typeof readBars>[0]) =>
  readBars(db, { venue: "v", symbol: "AB", freq: "1d" });

Deno.test("a plain --freq 1d picks the 1h bars (largest span) and deletes no daily bar", () => {
  const s = tempStore();
  try {
    seed(s.db);
    const first = materializeBars(s.db, { toFreq: "1d", fromFreq: "1h" });
    assert.equal(first.inserted, DAYS);
    const fp = fingerprintStore(s.db).sha256;

    const plain = materializeBars(s.db, { toFreq: "1d" });
    assert.equal(plain.series.length, 1);
    const r = plain.series[0]!;
    assert.equal(r.from, "1h", "5 minutes of trades or 30 days of 5m must not win over 400 days");
    assert.equal(r.deletedStale, 0);
    assert.equal(r.inserted + r.replaced, 0);
    assert.equal(r.unchanged, DAYS);
    assert.equal(daily(s.db).ts.length, DAYS);
    assert.equal(fingerprintStore(s.db).sha256, fp);
  } finally {
    s.cleanup();
  }
});

Deno.test("an explicit --from trades touches only the days the trades cover", () => {
  const s = tempStore();
  try {
    seed(s.db);
    materializeBars(s.db, { toFreq: "1d", fromFreq: "1h" });
    const before = daily(s.db);
    const t = materializeBars(s.db, { toFreq: "1d", fromFreq: "trades" });
    const r = t.series[0]!;
    assert.equal(r.from, "trades");
    assert.equal(r.bars, 1);
    assert.equal(r.deletedStale, 0, "daily bars built from 1h are not the trades' to delete");
    const after = daily(s.db);
    assert.equal(after.ts.length, DAYS);
    for (let i = 0; i < DAYS; i++) {
      if (after.ts[i] === 200 * D) {
        assert.equal(after.open[i], 200, "day 200 now comes from the trades, as asked");
        assert.equal(after.complete[i], 0, "5 minutes of trades do not make a complete day");
      } else {
        assert.equal(after.close[i], before.close[i]);
        assert.equal(after.complete[i], before.complete[i]);
      }
    }
    // and the default goes back to the 1h bars for that day
    const back = materializeBars(s.db, { toFreq: "1d" }).series[0]!;
    assert.equal(back.from, "1h");
    assert.equal(back.replaced, 1);
    assert.equal(back.deletedStale, 0);
    assert.deepEqual([...daily(s.db).close], [...before.close]);
  } finally {
    s.cleanup();
  }
});

Deno.test("--freq all picks a source per target: trades up to 5m, 5m bars for 15m and 1h, 1h bars above", () => {
  const s = tempStore();
  try {
    seed(s.db);
    const r = materializeBars(s.db, { toFreq: "all" });
    const picked = Object.fromEntries(r.series.map((x) => [x.to, x.from]));
    // 1s, 1m, 5m: only trades can build them; 15m and 1h: the 5m bars span 30 days, the
    // trades 5 minutes; 4h and 1d: the 1h bars span 400 days.
    assert.deepEqual(picked, {
      "1s": "trades",
      "1m": "trades",
      "5m": "trades",
      "15m": "5m",
      "1h": "5m",
      "4h": "1h",
      "1d": "1h",
    });
    // the venue's own 1h bars were kept where the 5m bars disagree with them
    const h = r.series.find((x) => x.to === "1h")!;
    assert.equal(h.inserted, 0);
    assert.ok(h.keptVenueBars > 0);
    // a second run picks the same sources (the bars just built tie with their source and lose
    // to the finer one) and changes nothing
    const fp = fingerprintStore(s.db).sha256;
    const again = materializeBars(s.db, { toFreq: "all" });
    assert.deepEqual(Object.fromEntries(again.series.map((x) => [x.to, x.from])), picked);
    assert.equal(again.inserted + again.replaced, 0);
    assert.equal(fingerprintStore(s.db).sha256, fp);
  } finally {
    s.cleanup();
  }
});

Deno.test("stale bars are deleted only inside the source's span and only for its exact source", () => {
  const s = tempStore();
  try {
    withTransaction(s.db, () => {
      writeBars(s.db, bars("1h", 0, 6 * 24), { source: "file:AB-1h.json" });
    });
    assert.equal(materializeBars(s.db, { toFreq: "1d", fromFreq: "1h" }).inserted, 6);
    // day 3's daily bar stands for one built from another source (5m bars, say)
    s.db.prepare("UPDATE bars SET source = 'materialize:5m->1d' WHERE freq = '1d' AND ts = ?")
      .run(3 * D);
    // the hours of days 2 and 3 vanish (inside the span), and day 5's (the span now ends on
    // day 4)
    s.db.prepare("DELETE FROM bars WHERE freq = '1h' AND ((ts >= ? AND ts < ?) OR ts >= ?)")
      .run(2 * D, 4 * D, 5 * D);
    const r = materializeBars(s.db, { toFreq: "1d", fromFreq: "1h" }).series[0]!;
    assert.equal(r.deletedStale, 1, "only day 2: day 3 has another source, day 5 is outside");
    assert.deepEqual([...daily(s.db).ts], [0, D, 3 * D, 4 * D, 5 * D]);
  } finally {
    s.cleanup();
  }
});
