/**
 * The local exchange as a command, for trying `deno task monitor` or `deno task stream` offline:
 * a clock-driven live tape of the real BTCUSDT/ETHUSDT trades of the 2024-08-08 capture (in
 * `../shared/data/real/ws_streams`), re-timed to now, behind Binance's REST and WebSocket routes
 * on 127.0.0.1. Prints the two `export` lines that point the tasks at it, then runs until Ctrl-C.
 *
 * ```sh
 * deno run -A tests/fake_exchange/live.ts [--rate 50] [--move BTCUSDT:1.003:60]
 * ```
 *
 * `--rate` is trades per second per symbol (default 50). `--move SYMBOL:FACTOR:AFTER_S` plants a
 * price move: from AFTER_S seconds after the start every trade of SYMBOL is priced FACTOR times
 * the capture's (repeatable), e.g. to see a z-score alert fire.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { LiveTape, startFakeExchange, type TapeRow } from "./mod.ts";
import { loadCapture } from "../stream/_helpers.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rate: { type: "string" }, move: { type: "string", multiple: true } },
});
const rate = Number(values.rate ?? 50);
if (!(rate > 0 && rate <= 10_000)) {
  console.error(`--rate must be a number of trades per second in (0, 10000], got ${values.rate}`);
  Deno.exit(2);
}
const moves = (values.move ?? []).map((m) => {
  const [symbol, factor, after] = m.split(":");
  const f = Number(factor), s = Number(after ?? 0);
  if (!symbol || !(f > 0) || !(s >= 0)) {
    console.error(`--move must be SYMBOL:FACTOR:AFTER_S, e.g. BTCUSDT:1.003:60, got "${m}"`);
    Deno.exit(2);
  }
  return { symbol, factor: f, afterMs: s * 1000 };
});

const rows: Record<string, TapeRow[]> = {};
for (const f of loadCapture(["btcusdt@trade", "ethusdt@trade"]).frames) {
  const d = JSON.parse(f).data as { s: string; p: string; q: string; m: boolean };
  (rows[d.s] ??= []).push({ p: d.p, q: d.q, m: d.m });
}
const tape = new LiveTape({ rows, rate });
for (const m of moves) tape.plantMove(m.symbol, m.factor, tape.t0 + m.afterMs);
const ex = await startFakeExchange({ live: tape });
console.log(`export CRYPTOLAB_BINANCE_URL=${ex.url}`);
console.log(`export CRYPTOLAB_BINANCE_WS_URL=${ex.wsUrl}`);
console.error(
  `local exchange: ${tape.symbols.join(", ")} trading ${rate} times a second each` +
    (moves.length === 0
      ? ""
      : `; moves: ${
        moves.map((m) => `${m.symbol} x${m.factor} at +${m.afterMs / 1000} s`).join(", ")
      }`) +
    "; Ctrl-C stops it",
);
const stop = () => {
  ex.close().finally(() => Deno.exit(0));
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
