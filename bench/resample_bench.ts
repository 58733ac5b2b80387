/**
 * 1-minute -> 1-hour bars on 1,000,000 rows.
 *
 * `deno bench bench/resample_bench.ts` benchmarks `resampleBars` alone. Run as a script
 * (`deno run -A bench/resample_bench.ts --emit bench/.out/resample`) it writes the input
 * columns as raw float64 files for the pandas peer, times `resampleBars` itself and prints one
 * JSON line; `bench/resample_peer.py` does both and prints the ratio.
 *
 * Input: a seeded random walk (`createRng(42)` from lib/stats/rng.ts) of one-minute BTC-like
 * bars starting 2020-01-01 UTC: prices with 2 decimals, volumes with 8 decimals (like exchange
 * data, so the exact-decimal summation does its real work), quote volume, trade counts, and
 * about 2% of minutes dropped to leave gaps, as real minute files have. The peer does not
 * regenerate it: it reads the columns this script writes with `--emit`, so both sides resample
 * identical data.
 *
 * @module
 */
import { allocBars, type BarColumns } from "@lib/core/types.ts";
import { resampleBars } from "@lib/materialize/resample_bars.ts";
import { createRng } from "@lib/stats/rng.ts";

/** Rows in the benchmark input. */
export const ROWS = 1_000_000;

/** Build the benchmark's minute bars (deterministic). */
export function buildInput(rows = ROWS): BarColumns {
  const rng = createRng(42);
  const rand = () => rng.next();
  const b = allocBars({ venue: "bench", symbol: "BTCUSDT", freq: "1m" }, rows);
  let t = Date.UTC(2020, 0, 1);
  let px = 30_000;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const r8 = (x: number) => Math.round(x * 1e8) / 1e8;
  for (let i = 0; i < rows; i++) {
    if (rand() < 0.02) t += 60_000; // a missing minute
    const open = r2(px);
    const close = r2(px * Math.exp((rand() - 0.5) * 0.002));
    const high = r2(Math.max(open, close) * (1 + rand() * 0.0005));
    const low = r2(Math.min(open, close) * (1 - rand() * 0.0005));
    const volume = r8(rand() * 3);
    b.ts[i] = t;
    b.open[i] = open;
    b.high[i] = high;
    b.low[i] = low;
    b.close[i] = close;
    b.volume[i] = volume;
    b.quoteVolume[i] = r8(volume * close);
    b.tradeCount[i] = 1 + Math.floor(rand() * 50);
    px = close;
    t += 60_000;
  }
  return b;
}

if (import.meta.main) {
  const args = Deno.args;
  const at = args.indexOf("--emit");
  const prefix = at >= 0 ? args[at + 1] : undefined;
  const input = buildInput();
  if (prefix !== undefined) {
    Deno.mkdirSync(prefix.slice(0, prefix.lastIndexOf("/")) || ".", { recursive: true });
    for (
      const [name, col] of [
        ["ts", input.ts],
        ["open", input.open],
        ["high", input.high],
        ["low", input.low],
        ["close", input.close],
        ["volume", input.volume],
        ["quote_volume", input.quoteVolume],
        ["trade_count", input.tradeCount],
      ] as const
    ) {
      Deno.writeFileSync(`${prefix}_${name}.f64`, new Uint8Array(col.buffer));
    }
  }
  for (let i = 0; i < 3; i++) resampleBars(input, "1h"); // warm up the JIT
  const times: number[] = [];
  let out = resampleBars(input, "1h");
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    out = resampleBars(input, "1h");
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    rows: input.ts.length,
    bars: out.ts.length,
    medianMs: (times[4]! + times[5]!) / 2,
    minMs: times[0],
    volumeSum: out.volume.reduce((a, x) => a + x, 0),
  }));
} else {
  const input = buildInput();
  Deno.bench("resampleBars 1m -> 1h, 1,000,000 rows", () => {
    resampleBars(input, "1h");
  });
}
