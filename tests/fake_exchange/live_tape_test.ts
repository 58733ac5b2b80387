/**
 * The live tape of the local exchange (tests/fake_exchange/live_tape.ts): a reconnecting client
 * misses what traded while it was away (a real outage gap, unlike the replay mode, which starts
 * from the first frame on every connection), REST serves exactly the missed ids while and after
 * it was away, and a corrupted frame differs on the WebSocket only.
 */
import assert from "node:assert/strict";
import { LiveTape, startFakeExchange } from "./mod.ts";

const ROWS = {
  BTCUSDT: [
    { p: "60000.10", q: "0.01", m: false },
    { p: "60000.20", q: "0.02", m: true },
    { p: "60000.30", q: "0.03", m: false },
  ],
};

/** Frames of one connection until `n` arrived (or it closed). */
async function receive(url: string, n: number): Promise<{ t: number; p: string }[]> {
  const ws = new WebSocket(url);
  const got: { t: number; p: string }[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.onmessage = (ev) => {
      const d = JSON.parse(String(ev.data)).data;
      got.push({ t: d.t, p: d.p });
      if (got.length >= n) ws.close();
    };
    ws.onclose = () => resolve();
    ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
  });
  return got;
}

Deno.test("live tape: a client that was away misses the trades of the outage; REST serves them", async () => {
  const tape = new LiveTape({ rows: ROWS, rate: 200, startIds: { BTCUSDT: 500 } });
  const ex = await startFakeExchange({ live: tape });
  try {
    const url = `${ex.wsUrl}/stream?streams=btcusdt@trade`;
    const first = await receive(url, 50);
    const ids = first.map((f) => f.t);
    assert.deepEqual(ids, Array.from({ length: ids.length }, (_, k) => ids[0]! + k), "contiguous");
    // an outage: new connections are refused for 500 ms while the tape trades on
    ex.cutWs(500);
    await assert.rejects(receive(url, 1), /cannot connect/);
    await new Promise((r) => setTimeout(r, 600));
    const second = await receive(url, 10);
    const lastSeen = ids.at(-1)!;
    assert.ok(second[0]!.t > lastSeen + 100, `a real gap: ${lastSeen} -> ${second[0]!.t}`);
    // REST history has every missed id, in order, with the tape's values
    const res = await fetch(
      `${ex.url}/api/v3/historicalTrades?symbol=BTCUSDT&fromId=${lastSeen + 1}&limit=1000`,
    );
    const rows = (await res.json()) as { id: number; price: string }[];
    const missed = second[0]!.t - lastSeen - 1;
    assert.deepEqual(
      rows.slice(0, missed).map((r) => r.id),
      Array.from({ length: missed }, (_, k) => lastSeen + 1 + k),
    );
    const agg = await (await fetch(`${ex.url}/api/v3/aggTrades?symbol=BTCUSDT&fromId=500&limit=3`))
      .json() as { a: number; p: string }[];
    assert.deepEqual(agg.map((r) => [r.a, r.p]), [[500, "60000.10"], [501, "60000.20"], [
      502,
      "60000.30",
    ]]);
  } finally {
    await ex.close();
  }
});

Deno.test("live tape: a corrupted frame is wrong on the WebSocket only", async () => {
  const tape = new LiveTape({ rows: ROWS, rate: 200, startIds: { BTCUSDT: 500 } });
  const bad = tape.headId("BTCUSDT") + 40;
  tape.corruptFrame("BTCUSDT", bad, { p: "0" });
  const ex = await startFakeExchange({ live: tape });
  try {
    const got = await receive(`${ex.wsUrl}/stream?streams=btcusdt@trade`, 60);
    const hit = got.find((f) => f.t === bad);
    assert.equal(hit?.p, "0");
    const rest = await (await fetch(
      `${ex.url}/api/v3/historicalTrades?symbol=BTCUSDT&fromId=${bad}&limit=1`,
    )).json() as { id: number; price: string }[];
    assert.deepEqual(rest.map((r) => [r.id, r.price]), [[bad, tape.trade("BTCUSDT", bad - 500).p]]);
    assert.notEqual(rest[0]!.price, "0");
  } finally {
    await ex.close();
  }
});

Deno.test("live tape: a planted move scales prices from its time on, on REST and in frames alike", () => {
  let t = 1_700_000_000_000;
  const tape = new LiveTape({ rows: ROWS, rate: 10, now: () => t });
  t += 1_000;
  tape.plantMove("BTCUSDT", 1.5); // from trade 10 (T = t0 + 1000) on
  // The walk over the rows is 0,1,2,1,0,1,2,1,...: trade 9 is row 1, 10 row 2, 11 row 1.
  assert.equal(tape.trade("BTCUSDT", 9).p, "60000.20");
  assert.equal(tape.trade("BTCUSDT", 10).p, "90000.45");
  assert.equal(tape.trade("BTCUSDT", 11).p, "90000.30");
  assert.match(tape.frame("BTCUSDT", 10, "trade"), /"p":"90000.45"/);
  t += 2_000;
  assert.deepEqual(
    tape.restTrades("BTCUSDT", 1_000_009, 2).map((x) => x.p),
    ["60000.20", "90000.45"],
  );
  assert.throws(() => tape.plantMove("BTCUSDT", 0), /factor must be a positive number/);
});
