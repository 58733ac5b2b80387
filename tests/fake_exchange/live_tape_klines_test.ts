/**
 * The local exchange serves klines of a live tape's symbols at every interval, 1s included,
 * aggregated from the tape's own trades (before: only the real hourly/daily OHLCV files, so
 * `deno task monitor --freq 1s` against it printed "could not load" for 1s/1m/5m/15m candles
 * and its analytics waited for 2 windows of live bars). Each kline equals the trades of its
 * interval summed by hand (open, high, low, close, volume; a planted move included), and the
 * README's offline recipe loads every frequency's history.
 *
 * @module
 */
import assert from "node:assert/strict";
import { LiveTape, startFakeExchange } from "./mod.ts";
import { dataDir, spawnMonitor, tapeRows } from "../monitor/_monitor_task.ts";

const NOW = 1_723_111_234_567; // fixed clock: the newest kline is still open at NOW

/** The kline of [open, open + step) summed trade by trade from `tape.trade`. */
function byHand(tape: LiveTape, symbol: string, open: number, step: number): number[] | null {
  const last = tape.published(symbol, NOW) - 1;
  let k = Math.floor(((open - tape.t0) * tape.rate) / 1000) - 2;
  while (tape.trade(symbol, k).T < open) k++;
  const ps: number[] = [];
  let v = 0;
  for (; k <= last && tape.trade(symbol, k).T < open + step; k++) {
    const t = tape.trade(symbol, k);
    ps.push(Number(t.p));
    v += Number(t.q);
  }
  if (ps.length === 0) return null;
  return [open, ps[0]!, Math.max(...ps), Math.min(...ps), ps.at(-1)!, v];
}

Deno.test("local exchange: klines of a live tape's symbols (1s, 1m, 5m) equal its trades summed by hand", async () => {
  let now = NOW - 30_000;
  const tape = new LiveTape({ rows: tapeRows(), rate: 50, now: () => now });
  now = NOW;
  tape.plantMove("BTCUSDT", 1.003, NOW - 90_500); // inside a 1m bar, and before t0 (history)
  tape.plantMove("BTCUSDT", 1 / 1.003, NOW - 10_250); // inside a 1s bar, after t0
  const ex = await startFakeExchange({ live: tape });
  try {
    for (const [interval, step] of [["1s", 1_000], ["1m", 60_000], ["5m", 300_000]] as const) {
      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        const res = await fetch(
          `${ex.url}/api/v3/klines?symbol=${symbol}&interval=${interval}&limit=40`,
        );
        assert.equal(res.status, 200, `${symbol} ${interval}: ${await res.clone().text()}`);
        const rows = await res.json() as (string | number)[][];
        assert.equal(rows.length, 40, `${symbol} ${interval}`);
        assert.equal(rows.at(-1)![0], Math.floor(NOW / step) * step, "the open bar is the last");
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i]!;
          assert.equal(r[0], rows[0]![0] as number + i * step, "contiguous open times");
          const want = byHand(tape, symbol, r[0] as number, step)!;
          const got = [r[0] as number, ...r.slice(1, 6).map(Number)];
          for (let j = 0; j < 5; j++) {
            assert.equal(got[j], want[j], `${symbol} ${interval} ${i} [${j}]`);
          }
          // volume: summed in another order, equal to rounding
          assert.ok(
            Math.abs(got[5]! - want[5]!) <= 1e-9 * want[5]!,
            `${symbol} ${interval} ${i} volume`,
          );
          assert.equal(r[6], (r[0] as number) + step - 1);
        }
      }
    }
    // with startTime: the first `limit` bars from it, Binance's selection
    const start = NOW - 600_000 + 1;
    const page = await (await fetch(
      `${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${start}&limit=3`,
    )).json() as number[][];
    assert.deepEqual(
      page.map((r) => r[0]),
      [1, 2, 3].map((i) => Math.ceil(start / 60_000) * 60_000 + (i - 1) * 60_000),
    );
    // the planted move shows in the 1m bar it starts in: its high is the moved price level
    const moved = byHand(tape, "BTCUSDT", Math.floor((NOW - 90_500) / 60_000) * 60_000, 60_000)!;
    assert.ok(moved[2]! > moved[1]! * 1.002, "the +0.3% move is inside the bar");
    // futures have no 1s klines (as Binance's)
    const f = await fetch(`${ex.url}/fapi/v1/klines?symbol=BTCUSDT&interval=1s&limit=5`);
    assert.equal(f.status, 400);
    await f.body?.cancel();
  } finally {
    await ex.close();
  }
});

Deno.test("the README's offline recipe: the monitor loads 1s..1h history from the local exchange, no 'could not load'", async () => {
  const tape = new LiveTape({ rows: tapeRows(), rate: 50 });
  const ex = await startFakeExchange({ live: tape });
  const d = dataDir("test-monitor-tapeklines-");
  const mon = spawnMonitor(
    [
      "--pairs",
      "BTCUSDT:ETHUSDT",
      "--freq",
      "1s",
      "--window",
      "20",
      "--port",
      "0",
      "--db",
      `${d.rel}/m.db`,
    ],
    { CRYPTOLAB_BINANCE_WS_URL: ex.wsUrl, CRYPTOLAB_BINANCE_URL: ex.url },
  );
  try {
    const url = await mon.url(60_000);
    for (const f of ["1s", "1m", "5m", "15m", "1h"]) {
      for (const s of ["BTCUSDT", "ETHUSDT"]) {
        await mon.waitForLine(new RegExp(`monitor: history: ${s} \\d+ ${f} bars loaded`), 60_000);
      }
    }
    // the analytics have a z-score at once (history), not after 2 windows of live bars
    const a = await (await fetch(`${url}/api/analytics?limit=1`)).json();
    assert.equal(typeof a.latest?.zScore, "number", JSON.stringify(a.latest));
    assert.ok(!mon.lines.some((l) => /could not load/.test(l)), mon.lines.join("\n"));
  } finally {
    mon.child.kill("SIGINT");
    await mon.done;
    await ex.close();
    d.cleanup();
  }
});
