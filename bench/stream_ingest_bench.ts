/**
 * Stream ingestion into SQLite: how many trades per second the live path stores.
 *
 *   deno bench -A bench/stream_ingest_bench.ts
 *   /usr/bin/python3 bench/stream_ingest_peer.py   # side by side with Python sqlite3 executemany
 *
 * The trades are the REAL Binance spot BTCUSDT + ETHUSDT `@trade` frames of the fake
 * exchange's capture, cycled with shifted ids (see `bench/_load_exchange.ts`), so every
 * trade is new. Four measurements, each over TRADES trades (default 100,000; set
 * CRYPTOLAB_BENCH_TRADES) into a file store (WAL, synchronous=NORMAL, as `openStore` sets):
 *
 * 1. `writeTrades` of new trades, 5,000 per transaction (the flush size of `runStream`);
 * 2. `writeTrades` of trades already stored (a re-delivery after a reconnect);
 * 3. `runStream` fed from memory: the exact store path of `deno task stream` (batched
 *    transactions, 1m bars materialized as minutes close), without the network;
 * 4. `runStream` from a WebSocket: `BinanceVenue.openTradeStream` (JSON.parse and the fast
 *    frame check per frame, zod only for frames it does not take; ordering, dedupe) against a
 *    load server in its own process that sends the same tape as fast as the socket drains.
 *
 * Side effects: writes `bench/.out/stream_tape.csv` (the trades, for the Python peer) and
 * `bench/.out/stream_template.db` (an empty store with the real schema).
 *
 * @module
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore, type Store, withTransaction } from "@lib/store/db.ts";
import { writeTrades } from "@lib/store/trades.ts";
import { type IngestTradeStream, runStream } from "@lib/ingest/stream.ts";
import { BinanceVenue } from "@lib/providers/binance_ws.ts";
import type { TradeColumns } from "@lib/core/types.ts";
import { buildTape, spawnLoadServer, tapeBatches, tapeCsv } from "./_load_exchange.ts";

const TRADES = Number(Deno.env.get("CRYPTOLAB_BENCH_TRADES") ?? "100000");
const FLUSH_ROWS = 5_000;
const OUT = new URL("./.out/", import.meta.url).pathname;
mkdirSync(OUT, { recursive: true });
const scratch = Deno.makeTempDirSync({ dir: OUT, prefix: "stream-" });
globalThis.addEventListener("unload", () => rmSync(scratch, { recursive: true, force: true }));

const tape = buildTape(TRADES);
writeFileSync(join(OUT, "stream_tape.csv"), tapeCsv(tape));
const template = join(OUT, "stream_template.db");
if (existsSync(template)) rmSync(template);
openStore(template).close();

let stores = 0;
function freshStore(): Store {
  return openStore(join(scratch, `s${stores++}.db`), { backup: false });
}

/**
 * The tape in chunks of `FLUSH_ROWS` trades per symbol; iteration `k` shifts the ids by
 * `1000 k` capture cycles, past every id of the tapes before it.
 */
function flushChunks(k: number): TradeColumns[] {
  return tapeBatches(k === 0 ? tape : buildTape(TRADES, 1000 * k), FLUSH_ROWS);
}

// (1) writes into a fresh store each iteration, like the Python peer
let cycle = 0;
Deno.bench({
  name: `writeTrades ${TRADES} new trades, ${FLUSH_ROWS} per transaction`,
  group: "writeTrades",
  baseline: true,
  warmup: 1,
  n: 6,
  fn(b) {
    const chunks = flushChunks(cycle++);
    const s = freshStore();
    try {
      b.start();
      for (const c of chunks) {
        const r = withTransaction(s.db, () => writeTrades(s.db, c, { source: "b" }));
        if (r.inserted !== c.ts.length) throw new Error(`inserted ${r.inserted} of ${c.ts.length}`);
      }
      b.end();
    } finally {
      s.close();
    }
  },
});

// (2) the same trades again into a store that holds them
const again = flushChunks(0);
const againStore = freshStore();
for (const c of again) {
  withTransaction(againStore.db, () => writeTrades(againStore.db, c, { source: "b" }));
}
Deno.bench({
  name: `writeTrades ${TRADES} trades already stored, ${FLUSH_ROWS} per transaction`,
  group: "writeTrades",
  warmup: 1,
  n: 6,
  fn() {
    for (const c of again) {
      const r = withTransaction(
        againStore.db,
        () => writeTrades(againStore.db, c, { source: "b" }),
      );
      if (r.unchanged !== c.ts.length) {
        throw new Error(`unchanged ${r.unchanged} of ${c.ts.length}`);
      }
    }
  },
});

// batches of ~500 frames per symbol (BinanceTradeStream yields one batch per symbol per burst)
const streamBatches = tapeBatches(tape, 500);
Deno.bench({
  name: `runStream ${TRADES} trades from memory, 1m bars (store path of deno task stream)`,
  group: "runStream",
  baseline: true,
  warmup: 1,
  n: 5,
  async fn(b) {
    const s = freshStore();
    try {
      b.start();
      const r = await runStream(s.db, {
        venue: "binance",
        symbols: ["BTCUSDT", "ETHUSDT"],
        flushEveryRows: FLUSH_ROWS,
        now: Date.now, // the row rules refuse trades after now
        openStream: (): IngestTradeStream => ({
          venue: "binance",
          stop: () => Promise.resolve(),
          async *[Symbol.asyncIterator]() {
            yield* streamBatches;
          },
        }),
      });
      b.end();
      if (r.inserted !== TRADES) throw new Error(`runStream stored ${r.inserted} of ${TRADES}`);
    } finally {
      s.close();
    }
  },
});

const load = await spawnLoadServer(TRADES);
Deno.bench({
  name: `runStream ${TRADES} trades from a local WebSocket, 1m bars (deno task stream path)`,
  group: "runStream",
  warmup: 1,
  n: 3,
  async fn(b) {
    const s = freshStore();
    try {
      const venue = new BinanceVenue({ wsUrl: load.wsUrl, baseUrl: "http://127.0.0.1:9" });
      const stop = new AbortController();
      const problems: string[] = [];
      b.start();
      const r = await runStream(s.db, {
        venue: "binance",
        symbols: ["BTCUSDT", "ETHUSDT"],
        flushEveryRows: FLUSH_ROWS,
        signal: stop.signal,
        openStream: ({ lastIds, onProblem }) =>
          venue.openTradeStream({ symbols: ["BTCUSDT", "ETHUSDT"], lastIds, onProblem }),
        onProblem: (p) => {
          if (p.kind !== "connection") problems.push(p.message);
        },
        onProgress: (p) => {
          if (p.inserted >= TRADES) stop.abort();
        },
      });
      b.end();
      if (r.inserted !== TRADES || problems.length > 0) {
        throw new Error(`runStream stored ${r.inserted} of ${TRADES}; problems: ${problems}`);
      }
    } finally {
      s.close();
    }
  },
});
