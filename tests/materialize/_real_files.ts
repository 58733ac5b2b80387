/**
 * Tiny local parsers for the real files the materializer tests read. They are deliberately
 * independent of lib/ingest, so these tests check the materializer alone.
 *
 * @module
 */
import { allocBars, type BarColumns, type TradeColumns } from "@lib/core/types.ts";
import type { Freq } from "@lib/core/freq.ts";
import { realPath } from "../_shared/real_data.ts";

/** Folder of the Kraken OHLCVT files. */
export const KRAKEN_DIR = "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt";
/** Folder of the djienne Binance freqtrade files. */
export const BINANCE_DIR = "ohlcv/binance_spot_2017-2022_djienne";
/** The Tardis trade file. */
export const TARDIS_TRADES = "trades/binance_futures_BTCUSDT_2020-02-22_tardis_nautilus/trades.csv";

/** Kraken OHLCVT CSV, no header: unix_seconds,open,high,low,close,volume,trades. */
export function readKraken(file: string, freq: Freq): BarColumns {
  const lines = Deno.readTextFileSync(realPath(KRAKEN_DIR, file)).split("\n").filter((l) => l);
  const b = allocBars({ venue: "kraken", symbol: file.split("_")[0]!, freq }, lines.length);
  lines.forEach((l, i) => {
    const f = l.split(",").map(Number);
    b.ts[i] = f[0]! * 1000;
    b.open[i] = f[1]!;
    b.high[i] = f[2]!;
    b.low[i] = f[3]!;
    b.close[i] = f[4]!;
    b.volume[i] = f[5]!;
    b.tradeCount[i] = f[6]!;
  });
  return b;
}

/** Freqtrade JSON candles `[[ms, o, h, l, c, v], ...]`. */
export function readFreqtrade(pair: string, freq: "1h" | "1d"): BarColumns {
  const rows = JSON.parse(
    Deno.readTextFileSync(realPath(BINANCE_DIR, `${pair}_USDT-${freq}.json`)),
  ) as number[][];
  const b = allocBars({ venue: "binance", symbol: `${pair}USDT`, freq }, rows.length);
  rows.forEach((r, i) => {
    b.ts[i] = r[0]!;
    b.open[i] = r[1]!;
    b.high[i] = r[2]!;
    b.low[i] = r[3]!;
    b.close[i] = r[4]!;
    b.volume[i] = r[5]!;
  });
  return b;
}

/** Binance.US 1m CSV with header open_time (ISO UTC),open,high,low,close,volume. */
export function readBinanceUs1m(file: string): BarColumns {
  const lines = Deno.readTextFileSync(
    realPath("ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m", file),
  ).split("\n").filter((l) => l).slice(1);
  const b = allocBars(
    { venue: "binanceus", symbol: file.split("_")[0]!, freq: "1m" },
    lines.length,
  );
  lines.forEach((l, i) => {
    const f = l.split(",");
    const t = f[0]!.replace(" ", "T");
    const iso = /Z|[+-]\d\d:\d\d$/.test(t) ? t : `${t}Z`;
    b.ts[i] = Date.parse(iso);
    b.open[i] = Number(f[1]);
    b.high[i] = Number(f[2]);
    b.low[i] = Number(f[3]);
    b.close[i] = Number(f[4]);
    b.volume[i] = Number(f[5]);
  });
  return b;
}

/** Tardis trades CSV: exchange,symbol,timestamp(us),local_timestamp(us),id,side,price,amount. */
export function readTardisTrades(): TradeColumns {
  const lines = Deno.readTextFileSync(realPath(TARDIS_TRADES)).split("\n").filter((l) => l)
    .slice(1);
  const n = lines.length;
  const t = {
    venue: "binance_futures",
    symbol: "BTCUSDT",
    tradeId: new Array<number | string>(n),
    ts: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Int8Array(n),
  };
  lines.forEach((l, i) => {
    const f = l.split(",");
    t.ts[i] = Number(f[2]) / 1000;
    t.tradeId[i] = Number(f[4]);
    t.side[i] = f[5] === "buy" ? 1 : f[5] === "sell" ? -1 : 0;
    t.price[i] = Number(f[6]);
    t.qty[i] = Number(f[7]);
  });
  return t;
}
