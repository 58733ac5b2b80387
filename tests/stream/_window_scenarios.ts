/**
 * Random stream sessions for the bar materialization tests: two symbols, random batch
 * boundaries, re-delivered batches (some with changed values: conflicts), late batches
 * (trades of intervals that already closed), restarts and wall-clock (quiet) closes.
 *
 * @module
 */
import type { TradeColumns } from "@lib/core/types.ts";
import type { Freq } from "@lib/core/freq.ts";
import type { IngestTradeStream } from "@lib/ingest/stream.ts";
import { createRng } from "@lib/stats/rng.ts";

/** One `runStream` session of a scenario. */
export interface WindowSession {
  readonly batches: readonly TradeColumns[];
  readonly flushEveryRows: number;
  /** The wall clock of the session: 0 (bars close by trade time) or far in the future. */
  readonly now: number;
}

/** A scenario: sessions run one after the other on the same store. */
export interface WindowScenario {
  readonly symbols: readonly string[];
  readonly freqs: readonly Freq[];
  readonly sessions: readonly WindowSession[];
}

const FREQS: readonly Freq[] = ["1m", "5m", "1h"];

function slice(t: TradeColumns, a: number, b: number): TradeColumns {
  return {
    venue: t.venue,
    symbol: t.symbol,
    tradeId: t.tradeId.slice(a, b),
    ts: t.ts.slice(a, b),
    price: t.price.slice(a, b),
    qty: t.qty.slice(a, b),
    side: t.side.slice(a, b),
  };
}

/** The scenario of `seed` (deterministic). */
export function windowScenario(seed: number): WindowScenario {
  const rng = createRng(seed);
  const u = () => rng.next();
  const int = (lo: number, hi: number) => lo + Math.floor(u() * (hi - lo + 1));
  const symbols = ["AAAUSDT", "BBBUSDT"];
  // per symbol: contiguous ids, non-decreasing times (ties included), decimal prices and sizes
  const tapes = symbols.map((symbol, k) => {
    const n = int(300, 900);
    let ts = 1_700_000_000_000 + int(0, 3_600_000);
    let price = 100 + 50 * k;
    const t: TradeColumns = {
      venue: "binance",
      symbol,
      tradeId: [],
      ts: new Float64Array(n),
      price: new Float64Array(n),
      qty: new Float64Array(n),
      side: new Int8Array(n),
    };
    for (let i = 0; i < n; i++) {
      ts += u() < 0.2 ? 0 : u() < 0.05 ? int(60_000, 900_000) : int(1, 30_000);
      price = Math.max(1, Math.round((price + (u() - 0.5)) * 100) / 100);
      t.tradeId.push(1_000 + i);
      t.ts[i] = ts;
      t.price[i] = price;
      t.qty[i] = Math.round(u() * 1e5) / 1e4 + 0.0001;
      t.side[i] = u() < 0.5 ? 1 : -1;
    }
    return t;
  });
  // random chunks, interleaved across symbols
  const chunks: TradeColumns[] = [];
  const pos = tapes.map(() => 0);
  while (pos.some((p, k) => p < tapes[k]!.ts.length)) {
    const k = int(0, tapes.length - 1);
    const t = tapes[k]!;
    if (pos[k]! >= t.ts.length) continue;
    const m = Math.min(t.ts.length - pos[k]!, int(1, 60));
    chunks.push(slice(t, pos[k]!, pos[k]! + m));
    pos[k]! += m;
  }
  // late batches: swap neighbours; re-deliveries: repeat an earlier chunk, sometimes changed
  for (let i = 0; i + 1 < chunks.length; i++) {
    if (u() < 0.08) [chunks[i], chunks[i + 1]] = [chunks[i + 1]!, chunks[i]!];
  }
  const stream: TradeColumns[] = [];
  for (let i = 0; i < chunks.length; i++) {
    stream.push(chunks[i]!);
    if (u() < 0.06) {
      const again = slice(chunks[int(0, i)]!, 0, Infinity);
      if (u() < 0.3) again.price[0] = again.price[0]! + 0.5; // a conflict: not stored
      stream.push(again);
    }
  }
  let end = 0;
  for (const t of tapes) end = Math.max(end, t.ts[t.ts.length - 1]! + 1);
  // sessions (restarts) at random cut points
  const sessions: WindowSession[] = [];
  let a = 0;
  const restarts = int(0, 3);
  for (let r = 0; r <= restarts; r++) {
    const b = r === restarts ? stream.length : int(a, stream.length);
    sessions.push({
      batches: stream.slice(a, b),
      flushEveryRows: int(1, 200),
      // far future: quiet intervals close by the wall clock; else just after the last trade
      // (a clock before the trades would make the row rules refuse them as future trades)
      now: u() < 0.3 ? 4_000_000_000_000 : end,
    });
    a = b;
  }
  return { symbols, freqs: FREQS, sessions };
}

/** An in-memory stream yielding `batches`. */
export function memoryStream(batches: readonly TradeColumns[]): IngestTradeStream {
  return {
    venue: "binance",
    stop: () => Promise.resolve(),
    async *[Symbol.asyncIterator]() {
      yield* batches;
    },
  };
}
