/**
 * Real Binance WebSocket trade frames from the hftbacktest capture (gzip text, one message a
 * line: `<local_ts_ns> <raw JSON frame>`), filtered and merged for a combined stream.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { forceOrderFrames } from "./perp.ts";

/** Frames of one capture file: local receive time (ns, as text) and the raw frame. */
interface FileFrames {
  readonly ts: readonly string[];
  readonly stream: readonly string[];
  readonly raw: readonly string[];
}

const STREAM_RE = /^\{"stream":"([^"]+)"/;

/**
 * Loads and caches capture files; one per server so nothing outlives it.
 *
 * @example The first real BTCUSDT spot trade (skips quietly when the data is absent)
 * ```ts
 * import { WsFrameStore } from "./ws_frames.ts";
 * import { existsSync } from "node:fs";
 * import assert from "node:assert/strict";
 * const dir = new URL(
 *   "../../../shared/data/real/ws_streams/binance_ws_capture_2024-08-08_hftbacktest",
 *   import.meta.url,
 * ).pathname;
 * if (existsSync(dir)) {
 *   const [first] = new WsFrameStore(dir).frames("spot", ["btcusdt@trade"]);
 *   assert.equal(JSON.parse(first!).data.t, 3735683259);
 * }
 * ```
 */
export class WsFrameStore {
  readonly #dir: string;
  readonly #cache = new Map<string, FileFrames>();

  /** `dir` is `ws_streams/binance_ws_capture_2024-08-08_hftbacktest` inside the real data. */
  constructor(dir: string) {
    this.#dir = dir;
  }

  #file(path: string): FileFrames {
    const hit = this.#cache.get(path);
    if (hit) return hit;
    const text = gunzipSync(readFileSync(path)).toString("utf8");
    const ts: string[] = [];
    const stream: string[] = [];
    const raw: string[] = [];
    for (const line of text.split("\n")) {
      const sp = line.indexOf(" ");
      if (sp < 0) continue;
      const frame = line.slice(sp + 1);
      const m = STREAM_RE.exec(frame);
      if (!m) continue;
      const name = m[1] as string;
      if (!name.endsWith("@trade") && !name.endsWith("@aggTrade")) continue;
      ts.push(line.slice(0, sp));
      stream.push(name);
      raw.push(frame);
    }
    const out = { ts, stream, raw };
    this.#cache.set(path, out);
    return out;
  }

  /**
   * The raw frames of the requested streams (e.g. `btcusdt@trade`), in receive order across
   * symbols, from the `market` folder (`spot` or `usdm`). Only `@trade` and `@aggTrade` frames
   * exist in the replay, plus synthetic `@forceOrder` frames on usdm (`perp.ts`); a stream
   * with no capture yields nothing.
   */
  frames(market: "spot" | "usdm", streams: readonly string[]): string[] {
    const wanted = new Set(streams);
    const symbols = new Set(streams.map((s) => s.split("@")[0] as string));
    const folder = join(this.#dir, market);
    if (!existsSync(folder)) throw new Error(`Cannot replay ${market}: ${folder} not found`);
    const names = readdirSync(folder).sort();
    const parts: FileFrames[] = [];
    for (const symbol of symbols) {
      const files = names.filter((n) => n.startsWith(symbol + "_") && n.endsWith(".gz"));
      const ts: string[] = [];
      const stream: string[] = [];
      const raw: string[] = [];
      for (const f of files) {
        const fr = this.#file(join(folder, f));
        for (let i = 0; i < fr.raw.length; i++) {
          if (!wanted.has(fr.stream[i] as string)) continue;
          ts.push(fr.ts[i] as string);
          stream.push(fr.stream[i] as string);
          raw.push(fr.raw[i] as string);
        }
      }
      parts.push({ ts, stream, raw });
      // issue 12: `<symbol>@forceOrder` on usdm is SYNTHETIC (tests/fake_exchange/perp.ts),
      // derived from the symbol's real @trade frames
      if (market === "usdm" && wanted.has(`${symbol}@forceOrder`)) {
        const trades: { ts: string; raw: string }[] = [];
        for (const f of files) {
          const fr = this.#file(join(folder, f));
          for (let i = 0; i < fr.raw.length; i++) {
            if (fr.stream[i] === `${symbol}@trade`) trades.push({ ts: fr.ts[i]!, raw: fr.raw[i]! });
          }
        }
        const liq = forceOrderFrames(symbol, trades);
        parts.push({
          ts: liq.map((x) => x.ts),
          stream: liq.map(() => `${symbol}@forceOrder`),
          raw: liq.map((x) => x.raw),
        });
      }
    }
    return mergeByTime(parts);
  }
}

/** Merge per-symbol frame lists by receive time (equal-length ns strings compare as numbers). */
function mergeByTime(parts: readonly FileFrames[]): string[] {
  const pos = parts.map(() => 0);
  const out: string[] = [];
  for (;;) {
    let best = -1;
    let bestTs = "";
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k] as FileFrames;
      const i = pos[k] as number;
      if (i >= p.ts.length) continue;
      const t = p.ts[i] as string;
      if (best < 0 || t.length < bestTs.length || (t.length === bestTs.length && t < bestTs)) {
        best = k;
        bestTs = t;
      }
    }
    if (best < 0) return out;
    out.push((parts[best] as FileFrames).raw[pos[best] as number] as string);
    pos[best] = (pos[best] as number) + 1;
  }
}
