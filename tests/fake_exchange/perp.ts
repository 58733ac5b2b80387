/**
 * The fake exchange's USDT-M perp endpoints, replaying the real freqtrade funding and mark
 * files in `funding_and_futures/` (PROVENANCE.md: Binance USDT-M, BTC ETH XRP LTC BCH,
 * 2021-11/12 and 2025-08 to 2025-10):
 *
 * - `/fapi/v1/fundingRate`: the real `*-8h-funding_rate.json` rows (rate in the open slot,
 *   times with Binance's real ms offsets). Where several files cover one symbol they are merged
 *   by funding hour, the first folder of {@link PERP_FOLDERS} winning. `markPrice` is the open
 *   of the real 8h mark candle at that hour when one exists (freqtrade does not keep the
 *   settlement mark price), else `""` as Binance sends on old rows.
 * - `/fapi/v1/markPriceKlines`: the real `*-8h-mark.json` candles (8h only).
 * - `/fapi/v1/indexPriceKlines` and `/fapi/v1/premiumIndexKlines`: NO real index or premium
 *   history was found (only Binance docs examples). SYNTHETIC, derived and labelled: the
 *   premium of each 8h candle is the real funding rate at that hour minus Binance's 0.01%
 *   interest component, and the index candle is the real mark candle divided by (1 + premium).
 * - `/futures/data/openInterestHist`: only the docs example exists (no real series). SYNTHETIC:
 *   open interest = 24-bar rolling sum of the real perp candles' volume (`*-1h-futures.json`,
 *   `*-5m-futures.json`, ...), value = that times the candle's close; for tests of the plumbing
 *   only, never for numbers.
 * - `<symbol>@forceOrder` frames: no capture of Binance liquidations was found. SYNTHETIC,
 *   shaped like the docs example: one liquidation per 500 real USDT-M trade frames of the
 *   capture, at that trade's time and price; the 3rd one has quantity `"0"`, a frame the row
 *   rules must refuse.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Folders searched, in priority order, relative to the real-data folder. */
export const PERP_FOLDERS = [
  "funding_and_futures/binance_usdm_2025_jilee1212",
  "funding_and_futures/binance_usdm_2025_aminak58",
  "funding_and_futures/freqtrade_testdata_XRP_2021-11",
] as const;

const H = 3_600_000;
const INTERVALS: Readonly<Record<string, number>> = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": H,
  "2h": 2 * H,
  "4h": 4 * H,
  "6h": 6 * H,
  "8h": 8 * H,
  "12h": 12 * H,
  "1d": 24 * H,
}; // deno-fmt-ignore

type Row = number[];

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

const error = (code: number, msg: string) => json(400, { code, msg });

function int(p: URLSearchParams, name: string): number | undefined | "bad" {
  const v = p.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : "bad";
}

/** `BTCUSDT` -> `BTC`, for the freqtrade file names (`BTC_USDT_USDT-8h-mark.json`). */
function base(symbol: string): string | undefined {
  return symbol.endsWith("USDT") ? symbol.slice(0, -4) : undefined;
}

/** The perp endpoints over one real-data folder; files are read once. */
export class PerpData {
  readonly #dir: string;
  readonly #cache = new Map<string, Row[]>();

  constructor(realDir: string) {
    this.#dir = realDir;
  }

  /** Rows of every file `<BASE>_USDT(_USDT)-<suffix>` in the folders, merged by `key`. */
  #merged(symbol: string, suffix: string, key: (t: number) => number): Row[] {
    const id = `${symbol}:${suffix}`;
    const hit = this.#cache.get(id);
    if (hit) return hit;
    const b = base(symbol);
    const byKey = new Map<number, Row>();
    for (const folder of PERP_FOLDERS) {
      const dir = join(this.#dir, folder);
      if (b === undefined || !existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) {
        if (f !== `${b}_USDT_USDT-${suffix}` && f !== `${b}_USDT-${suffix}`) continue;
        for (const r of JSON.parse(readFileSync(join(dir, f), "utf8")) as Row[]) {
          const k = key(r[0]!);
          if (!byKey.has(k)) byKey.set(k, r);
        }
      }
    }
    const rows = [...byKey.values()].sort((x, y) => x[0]! - y[0]!);
    this.#cache.set(id, rows);
    return rows;
  }

  funding(symbol: string): Row[] {
    return this.#merged(symbol, "8h-funding_rate.json", (t) => Math.round(t / H));
  }

  mark8h(symbol: string): Row[] {
    return this.#merged(symbol, "8h-mark.json", (t) => t);
  }

  futures(symbol: string, interval: string): Row[] {
    return this.#merged(symbol, `${interval}-futures.json`, (t) => t);
  }

  /** The answer for a perp path, or undefined when `path` is not one of them. */
  answer(path: string, p: URLSearchParams): Response | undefined {
    switch (path) {
      case "/fapi/v1/fundingRate":
        return this.#fundingRate(p);
      case "/fapi/v1/markPriceKlines":
      case "/fapi/v1/indexPriceKlines":
      case "/fapi/v1/premiumIndexKlines":
        return this.#priceKlines(path, p);
      case "/futures/data/openInterestHist":
        return this.#openInterest(p);
      default:
        return undefined;
    }
  }

  #window(p: URLSearchParams, dflt: number, max: number) {
    const limit = int(p, "limit");
    const startTime = int(p, "startTime");
    const endTime = int(p, "endTime");
    if (limit === "bad" || (limit !== undefined && (limit < 1 || limit > max))) {
      return error(-1130, "Data sent for parameter 'limit' is not valid.");
    }
    if (startTime === "bad" || endTime === "bad") {
      return error(-1100, "Illegal characters found in parameter 'startTime'/'endTime'.");
    }
    return { limit: limit ?? dflt, startTime, endTime };
  }

  /** Rows in [startTime, endTime]: the first `limit` from startTime, else the last `limit`. */
  #slice(
    rows: Row[],
    w: { limit: number; startTime?: number | undefined; endTime?: number | undefined },
  ): Row[] {
    const inRange = rows.filter((r) =>
      (w.startTime === undefined || r[0]! >= w.startTime) &&
      (w.endTime === undefined || r[0]! <= w.endTime)
    );
    return w.startTime === undefined ? inRange.slice(-w.limit) : inRange.slice(0, w.limit);
  }

  #fundingRate(p: URLSearchParams): Response {
    const symbol = p.get("symbol");
    if (symbol === null) return error(-1102, "Mandatory parameter 'symbol' was not sent.");
    const w = this.#window(p, 100, 1000);
    if (w instanceof Response) return w;
    const rows = this.funding(symbol);
    if (rows.length === 0) return error(-1121, "Invalid symbol.");
    const marks = new Map(this.mark8h(symbol).map((r) => [r[0]!, r[1]!]));
    return json(
      200,
      this.#slice(rows, w).map((r) => {
        const mark = marks.get(Math.round(r[0]! / H) * H);
        return {
          symbol,
          fundingTime: r[0],
          fundingRate: r[1]!.toFixed(8),
          markPrice: mark === undefined ? "" : String(mark),
        };
      }),
    );
  }

  #priceKlines(path: string, p: URLSearchParams): Response {
    const index = path.endsWith("indexPriceKlines");
    const symbol = p.get(index ? "pair" : "symbol");
    if (symbol === null) {
      return error(-1102, `Mandatory parameter '${index ? "pair" : "symbol"}' was not sent.`);
    }
    const interval = p.get("interval") ?? "";
    const step = INTERVALS[interval];
    if (step === undefined) return error(-1120, "Invalid interval.");
    const w = this.#window(p, 500, 1500);
    if (w instanceof Response) return w;
    const mark = this.mark8h(symbol);
    if (mark.length === 0) return error(-1121, "Invalid symbol.");
    if (interval !== "8h") {
      return error(-1120, `Invalid interval: the fake exchange has only real 8h mark candles.`);
    }
    const funding = new Map(this.funding(symbol).map((r) => [Math.round(r[0]! / H) * H, r[1]!]));
    const out: unknown[] = [];
    for (const r of this.#slice(mark, w)) {
      const [t, o, h, l, c] = r as [number, number, number, number, number];
      let ohlc = [o, h, l, c];
      if (!path.endsWith("markPriceKlines")) {
        const rate = funding.get(t);
        if (rate === undefined) continue;
        const premium = rate - 0.0001; // SYNTHETIC (see the module notes)
        ohlc = index ? ohlc.map((x) => x / (1 + premium)) : [premium, premium, premium, premium];
      }
      out.push([t, ...ohlc.map((x) => x.toFixed(8)), "0", t + step - 1, "0", 8, "0", "0", "0"]);
    }
    return json(200, out);
  }

  #openInterest(p: URLSearchParams): Response {
    const symbol = p.get("symbol");
    if (symbol === null) return error(-1102, "Mandatory parameter 'symbol' was not sent.");
    const period = p.get("period") ?? "";
    if (!["5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d"].includes(period)) {
      return error(-1120, "Invalid period.");
    }
    const w = this.#window(p, 30, 500);
    if (w instanceof Response) return w;
    const candles = this.futures(symbol, period);
    if (candles.length === 0) return error(-1121, `Invalid symbol or no ${period} candles.`);
    // SYNTHETIC (see the module notes): a rolling 24-bar volume sum stands in for contracts
    const rows: Row[] = [];
    let sum = 0;
    for (let i = 0; i < candles.length; i++) {
      sum += candles[i]![5]!;
      if (i >= 24) sum -= candles[i - 24]![5]!;
      if (i >= 23) rows.push([candles[i]![0]!, sum, sum * candles[i]![4]!]);
    }
    return json(
      200,
      this.#slice(rows, w).map((r) => ({
        symbol,
        sumOpenInterest: r[1]!.toFixed(8),
        sumOpenInterestValue: r[2]!.toFixed(8),
        timestamp: r[0],
      })),
    );
  }
}

/**
 * SYNTHETIC forceOrder frames for `symbol` (lower-case), docs-shaped, from the real USDT-M
 * trade frames of the capture (see the module notes): each returned item is the receive time
 * (ns text, to merge with the capture) and the frame.
 */
export function forceOrderFrames(
  symbol: string,
  tradeFrames: readonly { ts: string; raw: string }[],
): { ts: string; raw: string }[] {
  const out: { ts: string; raw: string }[] = [];
  let n = 0;
  for (let i = 499; i < tradeFrames.length; i += 500) {
    const f = tradeFrames[i]!;
    const d = (JSON.parse(f.raw) as { data: { p: string; q: string; T: number; m: boolean } }).data;
    n++;
    const qty = n === 3 ? "0" : d.q;
    const frame = {
      stream: `${symbol}@forceOrder`,
      data: {
        e: "forceOrder",
        E: d.T + 1,
        o: {
          s: symbol.toUpperCase(),
          S: d.m ? "SELL" : "BUY",
          o: "LIMIT",
          f: "IOC",
          q: qty,
          p: d.p,
          ap: d.p,
          X: "FILLED",
          l: qty,
          z: qty,
          T: d.T,
        },
      },
    };
    out.push({ ts: f.ts, raw: JSON.stringify(frame) });
  }
  return out;
}
