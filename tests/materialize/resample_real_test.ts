/**
 * Bars -> coarser bars on real data, checked against the venues' own coarser files.
 *
 * The oracle here is the exchange itself: Kraken's published 15-minute, 1-hour and 1-day OHLCVT
 * files, and Binance's published daily klines. Every compared number must be identical
 * (`===` on doubles, no tolerance): an exchange's coarser volume is the exact decimal sum of
 * its finer volumes, and lib/materialize reproduces that exactly.
 */
import assert from "node:assert/strict";
import { resampleBars } from "@lib/materialize/resample_bars.ts";
import type { BarColumns } from "@lib/core/types.ts";
import type { Freq } from "@lib/core/freq.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { binancePairs, readFreqtrade, readKraken } from "./_real_files.ts";

function assertSameBars(ours: BarColumns, venue: BarColumns, what: string) {
  assert.equal(ours.ts.length, venue.ts.length, `${what}: bar count`);
  for (let i = 0; i < venue.ts.length; i++) {
    const at = `${what} ${new Date(venue.ts[i]!).toISOString()}`;
    assert.equal(ours.ts[i], venue.ts[i], `${at}: ts`);
    assert.equal(ours.open[i], venue.open[i], `${at}: open`);
    assert.equal(ours.high[i], venue.high[i], `${at}: high`);
    assert.equal(ours.low[i], venue.low[i], `${at}: low`);
    assert.equal(ours.close[i], venue.close[i], `${at}: close`);
    assert.equal(ours.volume[i], venue.volume[i], `${at}: volume`);
    assert.equal(ours.tradeCount[i], venue.tradeCount[i], `${at}: trade count`);
  }
}

for (
  const [file, freq] of [["XBTUSDC_60.csv", "1h"], ["XBTUSDC_15.csv", "15m"], [
    "XBTUSDC_1440.csv",
    "1d",
  ]] as const
) {
  realDataTest(`Kraken XBTUSDC 1m -> ${freq} equals Kraken's own ${file} exactly`, () => {
    const minute = readKraken("XBTUSDC_1.csv", "1m");
    const venue = readKraken(file, freq as Freq);
    const ours = resampleBars(minute, freq as Freq);
    assertSameBars(ours, venue, `kraken ${freq}`);
    // Kraken's 1m file skips minutes without trades, so most hours are incomplete, and the
    // naive double sum would not reproduce Kraken's volumes: the decimal rounding is needed.
    let naiveDiffers = 0;
    let s = 0;
    const ms = ours.ts.length > 1 ? ours.ts[1]! - ours.ts[0]! : 0;
    for (let i = 0, g = 0; g < ours.ts.length; g++) {
      let v = 0;
      while (i < minute.ts.length && minute.ts[i]! < ours.ts[g]! + ms) v += minute.volume[i++]!;
      if (v !== venue.volume[g]) naiveDiffers++;
      s += ours.complete[g]!;
    }
    assert.ok(naiveDiffers > 0, "expected the naive sum to differ somewhere");
    assert.ok(s < ours.ts.length, "sparse minutes must leave some bars incomplete");
  });
}

realDataTest("Binance 1h -> 1d equals Binance's daily klines on every complete day", () => {
  const PAIRS = binancePairs();
  assert.equal(PAIRS.length, 33);
  assert.ok(PAIRS.includes("BTC") && PAIRS.includes("ETH"));
  let completeDays = 0, incompleteDays = 0, naiveVolumeDiffers = 0, flatOpenDays = 0;
  for (const pair of PAIRS) {
    const hourly = readFreqtrade(pair, "1h");
    const daily = readFreqtrade(pair, "1d");
    const ours = resampleBars(hourly, "1d");
    const dayIndex = new Map<number, number>();
    daily.ts.forEach((t, i) => dayIndex.set(t, i));
    // independent count of hours per day, and of the naive sums
    const hours = new Map<number, number>();
    const naive = new Map<number, number>();
    const firstOpen = new Map<number, number>();
    for (let i = 0; i < hourly.ts.length; i++) {
      const d = Math.floor(hourly.ts[i]! / 86_400_000) * 86_400_000;
      hours.set(d, (hours.get(d) ?? 0) + 1);
      naive.set(d, (naive.get(d) ?? 0) + hourly.volume[i]!);
      if (!firstOpen.has(d)) firstOpen.set(d, hourly.open[i]!);
    }
    for (let g = 0; g < ours.ts.length; g++) {
      const t = ours.ts[g]!;
      const at = `${pair} ${new Date(t).toISOString().slice(0, 10)}`;
      const full = hours.get(t) === 24;
      assert.equal(ours.complete[g], full ? 1 : 0, `${at}: complete flag`);
      if (!full) {
        incompleteDays++;
        continue;
      }
      const k = dayIndex.get(t);
      assert.ok(k !== undefined, `${at}: a complete day must have a Binance daily bar`);
      completeDays++;
      assert.equal(ours.open[g], daily.open[k], `${at}: open`);
      assert.equal(ours.high[g], daily.high[k], `${at}: high`);
      assert.equal(ours.low[g], daily.low[k], `${at}: low`);
      assert.equal(ours.close[g], daily.close[k], `${at}: close`);
      assert.equal(ours.volume[g], daily.volume[k], `${at}: volume`);
      if (naive.get(t) !== daily.volume[k]) naiveVolumeDiffers++;
      if (firstOpen.get(t) !== daily.open[k]) flatOpenDays++;
    }
  }
  // Counted on these files (Binance spot, djienne snapshot; recounted independently with
  // Python json + collections over the same files): 39,083 complete days, 616 days
  // with missing hours (exchange maintenance gaps, listing and last days), all flagged
  // incomplete.
  assert.equal(completeDays, 39_083);
  assert.equal(incompleteDays, 616);
  // Where the source looks inconsistent, and why we still match it exactly:
  // (1) Volume. The files' text has artifacts such as ETH 2018-02-06 "648944.4203999999" and
  //     XRP "16816165.3000000007": freqtrade writes JSON with pandas to_json (10 decimals, not
  //     correctly rounded). They parse to the same doubles as the exchange's decimals, so as
  //     numbers every complete day matches. Adding the hourly doubles naively would differ on
  //     19,172 of those days; the compensated sum rounded to the inputs' decimals differs on 0.
  assert.equal(naiveVolumeDiffers, 19_172);
  // (2) Open. Binance publishes zero-volume hourly bars with the previous close as OHLC; the
  //     daily kline's open is the day's first trade. On exactly one complete day (FTT
  //     2020-01-06: flat 00:00 bar at 2.139, first trade 2.138) "first hourly open" differs
  //     from Binance's daily open; resampleBars skips no-trade bars for OHLC and matches.
  assert.equal(flatOpenDays, 1);
});

realDataTest("Binance 1h -> 1d leaves missing days out instead of inventing them", () => {
  const hourly = readFreqtrade("BTC", "1h");
  const ours = resampleBars(hourly, "1d");
  const days = new Set<number>();
  for (const t of hourly.ts) days.add(Math.floor(t / 86_400_000) * 86_400_000);
  assert.equal(ours.ts.length, days.size);
  for (const t of ours.ts) assert.ok(days.has(t));
});
