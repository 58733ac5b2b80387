/**
 * Query parameters of the monitor's API, checked: a bad one is a {@link BadRequest} whose
 * message names the parameter, what it got and what it accepts (the server answers 400 with it).
 *
 * @module
 */
import { type Freq, FREQS } from "@lib/core/freq.ts";
import type { PairKey } from "./pair_closes.ts";
import type { MonitorHedge } from "./pair_analytics.ts";

/** A request the server refuses with 400; the message says what was wrong. */
export class BadRequest extends Error {
  override name = "BadRequest";
}

/**
 * Every query parameter the API knows, so a typo (`windw=`) is a 400, not silently ignored;
 * and each at most once (`window=20&window=30` is a 400, not the first one taken).
 */
export function checkKnown(q: URLSearchParams, known: readonly string[]): void {
  const seen = new Set<string>();
  for (const k of q.keys()) {
    if (seen.has(k)) {
      throw new BadRequest(
        `parameter "${k}" is given more than once (${
          q.getAll(k).map((v) => JSON.stringify(v)).join(", ")
        }); give it once`,
      );
    }
    seen.add(k);
    if (k === "token") continue;
    if (!known.includes(k)) {
      throw new BadRequest(
        `unknown parameter "${k}"; this endpoint takes ${known.map((s) => `"${s}"`).join(", ")}`,
      );
    }
  }
}

/** An integer parameter in [min, max], or `dflt` when absent. */
export function intParam(
  q: URLSearchParams,
  name: string,
  dflt: number,
  min: number,
  max: number,
): number {
  const raw = q.get(name);
  if (raw === null) return dflt;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(v) || v < min || v > max) {
    throw new BadRequest(
      `parameter "${name}" must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return v;
}

/** A finite number parameter in (min, max], or `dflt` when absent. */
export function numberParam(
  q: URLSearchParams,
  name: string,
  dflt: number,
  min: number,
  max: number,
): number {
  const raw = q.get(name);
  if (raw === null) return dflt;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || v <= min || v > max) {
    throw new BadRequest(
      `parameter "${name}" must be a number above ${min} and at most ${max}, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return v;
}

/** One of `allowed`, or `dflt` when absent. */
export function choiceParam<T extends string>(
  q: URLSearchParams,
  name: string,
  dflt: T,
  allowed: readonly T[],
): T {
  const raw = q.get(name);
  if (raw === null) return dflt;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new BadRequest(
      `parameter "${name}" must be one of ${allowed.join(", ")}, got ${JSON.stringify(raw)}`,
    );
  }
  return raw as T;
}

/**
 * A time parameter: UTC epoch milliseconds (an integer) or an ISO 8601 date or date-time
 * with `Z` (`2024-01-01`, `2024-01-01T12:00:00Z`); undefined when absent.
 *
 * @example
 * ```ts
 * import { timeParam } from "@lib/pipeline/monitor/params.ts";
 * import assert from "node:assert/strict";
 * const q = new URLSearchParams("from=2024-01-01T00:01:00Z&to=1704067200000&bad=yesterday");
 * assert.equal(timeParam(q, "from"), Date.UTC(2024, 0, 1, 0, 1));
 * assert.equal(timeParam(q, "to"), Date.UTC(2024, 0, 1));
 * assert.equal(timeParam(q, "none"), undefined);
 * assert.throws(() => timeParam(q, "bad"), /"bad" must be UTC epoch milliseconds or an ISO/);
 * ```
 */
export function timeParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  let v = NaN;
  if (/^\d{1,16}$/.test(raw)) v = Number(raw);
  else if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/.test(raw)) {
    v = Date.parse(raw);
  }
  if (!Number.isSafeInteger(v)) {
    throw new BadRequest(
      `parameter "${name}" must be UTC epoch milliseconds or an ISO 8601 date ` +
        `(2024-01-01 or 2024-01-01T12:00:00Z), got ${JSON.stringify(raw)}`,
    );
  }
  return v;
}

/** A bar frequency among those the monitor materializes. */
export function freqParam(q: URLSearchParams, dflt: Freq, served: readonly Freq[]): Freq {
  const raw = q.get("freq");
  if (raw === null) return dflt;
  if (!(FREQS as readonly string[]).includes(raw)) {
    throw new BadRequest(
      `parameter "freq" must be a bar frequency (${FREQS.join(", ")}), got ${JSON.stringify(raw)}`,
    );
  }
  if (!(served as readonly string[]).includes(raw)) {
    throw new BadRequest(
      `parameter "freq": this monitor materializes ${served.join(", ")} bars, not ${raw}`,
    );
  }
  return raw as Freq;
}

/** `Y:X` naming one of the monitor's pairs. */
export function pairParam(q: URLSearchParams, pairs: readonly PairKey[]): PairKey {
  const raw = q.get("pair");
  const names = pairs.map((p) => `${p.y}:${p.x}`);
  if (raw === null) {
    if (pairs.length === 1) return pairs[0]!;
    throw new BadRequest(`parameter "pair" is required: one of ${names.join(", ")}`);
  }
  const i = names.indexOf(raw.toUpperCase());
  if (i < 0) {
    throw new BadRequest(
      `parameter "pair" must be one of ${names.join(", ")} (Y:X), got ${JSON.stringify(raw)}`,
    );
  }
  return pairs[i]!;
}

/** A symbol among the monitor's legs. */
export function symbolParam(q: URLSearchParams, symbols: readonly string[]): string {
  const raw = q.get("symbol");
  if (raw === null) {
    throw new BadRequest(`parameter "symbol" is required: one of ${symbols.join(", ")}`);
  }
  const s = raw.toUpperCase();
  if (!symbols.includes(s)) {
    throw new BadRequest(
      `parameter "symbol" must be one of ${symbols.join(", ")}, got ${JSON.stringify(raw)}`,
    );
  }
  return s;
}

/** The hedge method names the API accepts. */
export const HEDGES: readonly MonitorHedge[] = ["rolling-ols", "kalman"];

/**
 * Parse `--pairs BTCUSDT:ETHUSDT,SOLUSDT:ETHUSDT` (or the `pair` parameter's form): each `Y:X`
 * with two different Binance-style symbols. Throws a RangeError naming the bad entry.
 *
 * @example
 * ```ts
 * import { parsePairs } from "@lib/pipeline/monitor/params.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parsePairs("btcusdt:ethusdt"), [{ y: "BTCUSDT", x: "ETHUSDT" }]);
 * assert.throws(() => parsePairs("BTCUSDT"), /Y:X/);
 * ```
 */
export function parsePairs(text: string): PairKey[] {
  const out: PairKey[] = [];
  for (const part of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const m = /^([A-Z0-9]{2,30}):([A-Z0-9]{2,30})$/.exec(part.toUpperCase());
    if (!m) {
      throw new RangeError(
        `"${part}" is not a pair; write Y:X with two symbols, e.g. BTCUSDT:ETHUSDT`,
      );
    }
    if (m[1] === m[2]) throw new RangeError(`"${part}": the two legs must differ`);
    if (out.some((p) => p.y === m[1] && p.x === m[2])) continue;
    out.push({ y: m[1]!, x: m[2]! });
  }
  if (out.length === 0) throw new RangeError("give at least one pair, e.g. BTCUSDT:ETHUSDT");
  return out;
}
