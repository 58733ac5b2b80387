/**
 * The real-return family shared by the overfitting tests (mirrors tests/oracles/_real_family.py):
 * BTC/USDT daily closes from ../shared/data/real (freqtrade JSON, 1,881 consecutive days, read in
 * row order), simple returns `r[t] = c[t] / c[t-1] - 1`; trial L (L = 1..nTrials) holds
 * `sign(c[t-1] / c[t-1-L] - 1)` over day t. Rows start at `t = nTrials + 1`; the benchmark is `r`.
 *
 * @module
 */
import { realPath } from "../../_shared/real_data.ts";

/** BTC/USDT daily closes, checked to be consecutive days. */
export function btcDailyCloses(): Float64Array {
  const rows = JSON.parse(
    Deno.readTextFileSync(realPath("ohlcv", "binance_spot_2017-2022_djienne", "BTC_USDT-1d.json")),
  ) as number[][];
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]![0]! - rows[i - 1]![0]! !== 86_400_000) throw new Error(`gap before row ${i}`);
  }
  return Float64Array.from(rows, (r) => r[4]!);
}

/** One return column per trial, and the benchmark. */
export function momentumFamily(
  nTrials: number,
): { trials: Float64Array[]; benchmark: Float64Array } {
  const c = btcDailyCloses();
  const start = nTrials + 1;
  const T = c.length - start;
  const benchmark = new Float64Array(T);
  for (let i = 0; i < T; i++) benchmark[i] = c[start + i]! / c[start + i - 1]! - 1;
  const trials: Float64Array[] = [];
  for (let L = 1; L <= nTrials; L++) {
    const col = new Float64Array(T);
    for (let i = 0; i < T; i++) {
      const t = start + i;
      col[i] = Math.sign(c[t - 1]! / c[t - 1 - L]! - 1) * benchmark[i]!;
    }
    trials.push(col);
  }
  return { trials, benchmark };
}
