/**
 * Faults the fake exchange injects on demand, per path pattern, for the next N requests or a
 * seeded share of them.
 *
 * @module
 */

/** Every misbehaviour the fake exchange can put on. */
export type FaultKind =
  /** HTTP 500 with a JSON error body. */
  | "http_500"
  /** HTTP 429 with `Retry-After: retryAfterSeconds` and Binance's -1003 body. */
  | "rate_limit"
  /** No answer at all: the request hangs until the client aborts (or the server closes). */
  | "timeout"
  /** The real body streamed in `chunks` pieces, `chunkDelayMs` apart. */
  | "slow_body"
  /** The real body cut in half (status 200, JSON content type). */
  | "truncated_json"
  /** The real body with its first price-like field (or first string) turned into an object. */
  | "wrong_types"
  /** A Cloudflare-style HTML error page with status 502. */
  | "html_502"
  /** The same HTML page with status 200. */
  | "html_200"
  /** Status 200, JSON content type, a plain-text body (a proxy's "upstream connect error"). */
  | "non_json_200"
  /** Status 200 and a JSON array body of `bytes` bytes streamed in 64 KiB chunks, without a
   * Content-Length (chunked), or with one when `declareLength` is set. */
  | "oversize"
  /** Status 200, the real body's text passed through `edit` (bad rows in a good page). */
  | "edit_body"
  /** WebSocket: the TCP connection is cut, without a close frame, after `afterMessages`. */
  | "ws_drop"
  /** WebSocket: every `every`-th message is sent twice in a row. */
  | "ws_duplicate"
  /** WebSocket: every `every`-th message is sent before the one preceding it. */
  | "ws_out_of_order";

/** One fault rule. `times` and `share` may be combined; neither means every matching request. */
export interface FaultRule {
  readonly kind: FaultKind;
  /** Substring of the path, or a RegExp tested on `path?query`. */
  readonly path: string | RegExp;
  /** Apply to the next `times` matching requests (or WebSocket connections), then retire. */
  readonly times?: number | undefined;
  /** Apply to this share (0..1) of matching requests, drawn from the seeded generator. */
  readonly share?: number | undefined;
  /** `rate_limit`: the Retry-After header value in seconds (default 1). */
  readonly retryAfterSeconds?: number | undefined;
  /** `slow_body`: number of chunks (default 4) and delay between them (default 50 ms). */
  readonly chunks?: number | undefined;
  readonly chunkDelayMs?: number | undefined;
  /** `oversize`: body size in bytes (default 256 MiB) and whether to send Content-Length. */
  readonly bytes?: number | undefined;
  readonly declareLength?: boolean | undefined;
  /**
   * `edit_body`: rewrites the real body's text, e.g. one kline dated 2100 or with high < low
   * (text, so `1e999` or `Infinity` can be written, which JSON.stringify cannot).
   */
  readonly edit?: ((body: string) => string) | undefined;
  /** `ws_drop`: messages delivered before the cut (default 10). */
  readonly afterMessages?: number | undefined;
  /** `ws_duplicate`, `ws_out_of_order`: period in messages (default 10). */
  readonly every?: number | undefined;
}

interface Active {
  readonly rule: FaultRule;
  remaining: number;
}

/**
 * The runtime fault switchboard returned by `startFakeExchange` as `faults`.
 *
 * @example Fail the next two klines requests with a 500
 * ```ts
 * import { FaultController } from "./faults.ts";
 * import assert from "node:assert/strict";
 * const faults = new FaultController(1);
 * faults.add({ kind: "http_500", path: "/klines", times: 2 });
 * assert.equal(faults.take("/api/v3/klines", "")?.kind, "http_500");
 * assert.equal(faults.take("/api/v3/ticker/price", ""), undefined);
 * assert.equal(faults.take("/api/v3/klines", "?symbol=X")?.kind, "http_500");
 * assert.equal(faults.take("/api/v3/klines", ""), undefined);
 * ```
 */
export class FaultController {
  #rules: Active[] = [];
  #state: number;

  /** `seed` drives the `share` draws, so a run is reproducible. */
  constructor(seed = 42) {
    this.#state = seed >>> 0;
  }

  /** Add a rule; rules are tried in the order added. Throws on an invalid count or share. */
  add(rule: FaultRule): void {
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
      throw new RangeError(`Cannot add fault ${rule.kind}: times must be a positive integer`);
    }
    if (rule.share !== undefined && !(rule.share >= 0 && rule.share <= 1)) {
      throw new RangeError(`Cannot add fault ${rule.kind}: share must be in [0, 1]`);
    }
    this.#rules.push({ rule, remaining: rule.times ?? Infinity });
  }

  /** Remove every rule. */
  clear(): void {
    this.#rules = [];
  }

  /** Rules still active (with `times` left). */
  get active(): readonly FaultRule[] {
    return this.#rules.map((a) => a.rule);
  }

  /** Mulberry32: small, seeded, good enough to pick a share of requests. */
  #random(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * The fault to apply to a request for `path` + `search` (consuming one use of it), or
   * undefined. `ws` selects among WebSocket kinds (true) or HTTP kinds (false).
   */
  take(path: string, search: string, ws = false): FaultRule | undefined {
    const target = path + search;
    for (const a of this.#rules) {
      if (a.rule.kind.startsWith("ws_") !== ws) continue;
      const p = a.rule.path;
      if (typeof p === "string" ? !path.includes(p) : !p.test(target)) continue;
      if (a.rule.share !== undefined && this.#random() >= a.rule.share) continue;
      a.remaining -= 1;
      if (a.remaining <= 0) this.#rules = this.#rules.filter((x) => x !== a);
      return a.rule;
    }
    return undefined;
  }

  /** Every WebSocket rule matching a new connection (each consuming one use). */
  takeAllWs(path: string, search: string): FaultRule[] {
    const out: FaultRule[] = [];
    for (const a of [...this.#rules]) {
      if (!a.rule.kind.startsWith("ws_")) continue;
      const p = a.rule.path;
      if (typeof p === "string" ? !path.includes(p) : !p.test(path + search)) continue;
      if (a.rule.share !== undefined && this.#random() >= a.rule.share) continue;
      a.remaining -= 1;
      if (a.remaining <= 0) this.#rules = this.#rules.filter((x) => x !== a);
      out.push(a.rule);
    }
    return out;
  }
}
