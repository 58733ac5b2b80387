/**
 * Readers for the real files the materializer tests read. Kraken OHLCVT and freqtrade JSON go
 * through the product's own parsers (`@lib/ingest`, tested on their own in tests/ingest): the
 * comparison these tests make is resampler vs the exchange's own coarser file, and the parser
 * only turns text into numbers. The Binance.US and Tardis readers stay local and small: the
 * Tardis one feeds the pandas oracle comparison, which reads the same columns the same way.
 *
 * Nothing here touches the real-data folder until a function is called, so test files that
 * import it load (and skip) without the data.
 *
 * @module
 */
import { allocBars, type BarColumns, type SeriesKey, type TradeColumns } from "@lib/core/types.ts";
import type { Freq } from "@lib/core/freq.ts";
import { type ParsedBars, parseFreqtradeJson, parseKrakenOhlcvtCsv } from "@lib/ingest/mod.ts";
import { realPath } from "../_shared/real_data.ts";

/** Folder of the Kraken OHLCVT files. */
export const KRAKEN_DIR = "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt";
/** Folder of the djienne Binance freqtrade files. */
export const BINANCE_DIR = "ohlcv/binance_spot_2017-2022_djienne";
/** The Tardis trade file. */
export const TARDIS_TRADES = "trades/binance_futures_BTCUSDT_2020-02-22_tardis_nautilus/trades.csv";

/**
 * Parsed bars as a bar batch. The real files read here are clean, so any row the parser
 * refused is an error (the comparison would otherwise silently cover fewer bars).
 */
function toBars(p: ParsedBars, key: SeriesKey, file: string): BarColumns {
  if (p.problems.length > 0 || p.n !== p.rowsRead) {
    throw new Error(
      `${file}: the parser refused ${p.problems.length} of ${p.rowsRead} rows ` +
        `(first: ${p.problems[0]?.kind} at ${p.problems[0]?.ref}); expected a clean file`,
    );
  }
  const b = allocBars(key, p.n);
  b.ts.set(p.ts);
  b.open.set(p.open);
  b.high.set(p.high);
  b.low.set(p.low);
  b.close.set(p.close);
  b.volume.set(p.volume);
  b.quoteVolume.set(p.quoteVolume);
  b.tradeCount.set(p.tradeCount);
  return b;
}

/** Kraken OHLCVT CSV (no header: unix_seconds,open,high,low,close,volume,trades). */
export function readKraken(file: string, freq: Freq): BarColumns {
  const p = parseKrakenOhlcvtCsv(Deno.readTextFileSync(realPath(KRAKEN_DIR, file)));
  return toBars(p, { venue: "kraken", symbol: file.split("_")[0]!, freq }, file);
}

/** Freqtrade JSON candles `[[ms, o, h, l, c, v], ...]` of the djienne Binance snapshot. */
export function readFreqtrade(pair: string, freq: "1h" | "1d"): BarColumns {
  const file = `${pair}_USDT-${freq}.json`;
  const p = parseFreqtradeJson(Deno.readTextFileSync(realPath(BINANCE_DIR, file)));
  return toBars(p, { venue: "binance", symbol: `${pair}USDT`, freq }, file);
}

/** Pairs with an hourly file in the djienne Binance snapshot (reads the folder: call in tests). */
export function binancePairs(): string[] {
  return [...Deno.readDirSync(realPath(BINANCE_DIR))]
    .map((e) => e.name)
    .filter((n) => n.endsWith("_USDT-1h.json"))
    .map((n) => n.slice(0, n.indexOf("_")))
    .sort();
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
