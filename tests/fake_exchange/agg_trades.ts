/**
 * Binance aggTrades pages cut from real trade files.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/** Real trades in columns, ascending by id (ids are aggregate-trade ids). */
export interface AggTradeColumns {
  readonly id: Float64Array;
  readonly time: Float64Array;
  /** Prices and quantities as the source wrote them (kept as text, never re-rounded). */
  readonly price: readonly string[];
  readonly qty: readonly string[];
  /** True when the buyer was the maker (the aggressor sold). */
  readonly buyerMaker: Uint8Array;
}

function build(
  n: number,
  fill: (i: number, cols: AggTradeColumns & { price: string[]; qty: string[] }) => void,
) {
  const cols = {
    id: new Float64Array(n),
    time: new Float64Array(n),
    price: new Array<string>(n),
    qty: new Array<string>(n),
    buyerMaker: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) fill(i, cols);
  return cols;
}

/**
 * Read a Tardis trades CSV (`exchange,symbol,timestamp(us),local_timestamp,id,side,price,
 * amount`), e.g. `trades/binance_futures_BTCUSDT_2020-02-22_tardis_nautilus/trades.csv`.
 *
 * @example Read the real capture (skips quietly when the data is absent)
 * ```ts
 * import { readTardisTrades } from "./agg_trades.ts";
 * import { existsSync } from "node:fs";
 * import assert from "node:assert/strict";
 * const file = new URL(
 *   "../../../shared/data/real/trades/binance_futures_BTCUSDT_2020-02-22_tardis_nautilus/trades.csv",
 *   import.meta.url,
 * ).pathname;
 * if (existsSync(file)) assert.equal(readTardisTrades(file).id[0], 42377944);
 * ```
 */
export function readTardisTrades(path: string): AggTradeColumns {
  const lines = readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0);
  const header = lines[0] ?? "";
  if (!header.startsWith("exchange,symbol,timestamp,local_timestamp,id,side,price,amount")) {
    throw new Error(`Cannot read ${path} as Tardis trades: unexpected header "${header}"`);
  }
  return build(lines.length - 1, (i, c) => {
    const f = (lines[i + 1] as string).split(",");
    c.time[i] = Math.floor(Number(f[2]) / 1000);
    c.id[i] = Number(f[4]);
    c.buyerMaker[i] = f[5] === "sell" ? 1 : 0;
    c.price[i] = f[6] as string;
    c.qty[i] = f[7] as string;
  });
}

/**
 * Read a freqtrade trades file (`[[ms, "id", order, side, price, amount, cost], ...]`, gzip
 * when the name ends in `.gz`), e.g. `trades/freqtrade_testdata/XRP_ETH-trades.json.gz`.
 *
 * @example Read the real freqtrade file (skips quietly when the data is absent)
 * ```ts
 * import { readFreqtradeTrades } from "./agg_trades.ts";
 * import { existsSync } from "node:fs";
 * import assert from "node:assert/strict";
 * const file = new URL(
 *   "../../../shared/data/real/trades/freqtrade_testdata/XRP_ETH-trades.json.gz",
 *   import.meta.url,
 * ).pathname;
 * if (existsSync(file)) assert.equal(readFreqtradeTrades(file).id[0], 13519807);
 * ```
 */
export function readFreqtradeTrades(path: string): AggTradeColumns {
  const raw = readFileSync(path);
  const text = path.endsWith(".gz") ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  const rows = JSON.parse(text) as unknown[][];
  return build(rows.length, (i, c) => {
    const r = rows[i] as unknown[];
    c.time[i] = r[0] as number;
    c.id[i] = Number(r[1]);
    c.buyerMaker[i] = r[3] === "sell" ? 1 : 0;
    c.price[i] = String(r[4]);
    c.qty[i] = String(r[5]);
  });
}

/** The query of an aggTrades request, as Binance reads it. */
export interface AggTradesQuery {
  readonly fromId?: number | undefined;
  readonly startTime?: number | undefined;
  readonly endTime?: number | undefined;
  /** Default 500, as on Binance. */
  readonly limit?: number | undefined;
}

/**
 * One aggTrades page like Binance: from `fromId` (ids >= it), else from `startTime` within
 * `endTime`, else the most recent `limit`. Each trade is `{a, p, q, f, l, T, m}` (plus
 * `M: true` on spot); the sources hold no underlying trade ids, so `f` and `l` equal `a`.
 *
 * @example Page by id
 * ```ts
 * import { aggTradesPage } from "./agg_trades.ts";
 * import assert from "node:assert/strict";
 * const cols = {
 *   id: new Float64Array([7, 8, 9]), time: new Float64Array([1, 2, 3]),
 *   price: ["1", "2", "3"], qty: ["1", "1", "1"], buyerMaker: new Uint8Array(3),
 * };
 * const page = aggTradesPage(cols, { fromId: 8, limit: 5 }, false);
 * assert.deepEqual(page.map((t) => t.a), [8, 9]);
 * ```
 */
export function aggTradesPage(
  cols: AggTradeColumns,
  q: AggTradesQuery,
  spot: boolean,
): Array<Record<string, unknown>> {
  const limit = q.limit ?? 500;
  const n = cols.id.length;
  let from = 0;
  let to = n;
  const firstAtLeast = (arr: Float64Array, v: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((arr[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  if (q.fromId !== undefined) {
    from = firstAtLeast(cols.id, q.fromId);
    to = Math.min(n, from + limit);
  } else if (q.startTime !== undefined || q.endTime !== undefined) {
    from = q.startTime === undefined ? 0 : firstAtLeast(cols.time, q.startTime);
    to = q.endTime === undefined ? n : firstAtLeast(cols.time, q.endTime + 1);
    to = Math.min(to, from + limit);
  } else {
    from = Math.max(0, n - limit);
  }
  const out: Array<Record<string, unknown>> = [];
  for (let i = from; i < to; i++) {
    const a = cols.id[i] as number;
    const t: Record<string, unknown> = {
      a,
      p: cols.price[i],
      q: cols.qty[i],
      f: a,
      l: a,
      T: cols.time[i],
      m: cols.buyerMaker[i] === 1,
    };
    if (spot) t.M = true;
    out.push(t);
  }
  return out;
}
