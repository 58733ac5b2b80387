/**
 * One HTTP GET with a timeout, classified failures and zod validation: the only place
 * providers touch the network.
 *
 * @module
 */
import type { z } from "zod";
import { type Fetch, ProviderError, type RequestGate } from "./types.ts";

/** The defaults of {@link GetJsonOptions}, stated once. */
export const HTTP_DEFAULTS = {
  /** No complete answer (headers and body) within this many ms is a `timeout`. */
  timeoutMs: 10_000,
  /**
   * The largest body read, in bytes: 64 MiB, about 300 times Binance's largest klines page
   * (1,000 rows, ~200 KiB) and 5 times its whole-market `exchangeInfo`. A larger body is a
   * `too_large` error naming the URL; reading stops at the cap, so a runaway body cannot take
   * the process's memory (a 1 GiB body read whole took 3.2 GB).
   */
  maxBodyBytes: 64 * 2 ** 20,
} as const;

/** Options of {@link getJson}. */
export interface GetJsonOptions {
  readonly fetch?: Fetch | undefined;
  /** Default {@link HTTP_DEFAULTS}.timeoutMs (10 s). */
  readonly timeoutMs?: number | undefined;
  /** Default {@link HTTP_DEFAULTS}.maxBodyBytes (64 MiB). */
  readonly maxBodyBytes?: number | undefined;
  /** Current time, for turning an HTTP-date Retry-After into a delay. */
  readonly now?: (() => number) | undefined;
  /** Awaited before the timeout starts, and told the headers of every answer. */
  readonly gate?: RequestGate | undefined;
}

/** A validated body and the raw text it came from (for provenance and quarantine). */
export interface JsonResult<T> {
  readonly data: T;
  readonly raw: string;
  /** The response headers (e.g. Binance's `x-mbx-used-weight-1m` for a rate limiter's
   * `fromHeaders`); absent only in results built by hand. */
  readonly headers?: Headers;
}

/**
 * Parse a `Retry-After` header (delta-seconds or an HTTP date) into milliseconds from `now`.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "@lib/providers/http.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseRetryAfter("3", 0), 3000);
 * assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000), 6000);
 * assert.equal(parseRetryAfter(null, 0), undefined);
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The body of `res` as text, reading at most `maxBytes` bytes (streamed, then cancelled). */
async function readCapped(
  provider: string,
  url: string,
  res: Response,
  maxBytes: number,
): Promise<string> {
  const tooLarge = (what: string) =>
    new ProviderError(
      provider,
      "too_large",
      url,
      `the response body ${what} the cap of ${maxBytes} bytes (maxBodyBytes); ` +
        "check the URL, or raise the cap if the venue really sends that much",
      { status: res.status },
    );
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(`declares ${declared} bytes, over`);
  }
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge("goes past");
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * GET `url`, check the status, parse JSON and validate it with `schema`. Every failure is a
 * {@link ProviderError}: `timeout`, `network`, `rate_limited` (429/418, with Retry-After),
 * `http` (other non-2xx), `too_large` (a body over `maxBodyBytes`, read no further), or
 * `parse` (an HTML error page, truncated JSON, wrong types: the raw text is kept for
 * quarantine). A body that is not JSON at all is marked `notJson` and is retryable: with
 * status 200 it is most often a connection cut mid-body or a proxy's page.
 *
 * @example Validate a body from an injected fetch
 * ```ts
 * import { getJson } from "@lib/providers/http.ts";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 * const fetch = () => Promise.resolve(new Response('{"price":"1.5"}'));
 * const r = await getJson("test", "http://x/p", z.object({ price: z.string() }), { fetch });
 * assert.equal(r.data.price, "1.5");
 * assert.equal(r.headers?.get("content-type"), "text/plain;charset=UTF-8");
 * ```
 */
export async function getJson<S extends z.ZodType>(
  provider: string,
  url: string,
  schema: S,
  options: GetJsonOptions = {},
): Promise<JsonResult<z.infer<S>>> {
  const doFetch = options.fetch ?? ((u: string, i?: RequestInit) => fetch(u, i));
  const timeoutMs = options.timeoutMs ?? HTTP_DEFAULTS.timeoutMs;
  const maxBodyBytes = options.maxBodyBytes ?? HTTP_DEFAULTS.maxBodyBytes;
  const now = options.now ?? Date.now;
  await options.gate?.beforeRequest(url);
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  let raw: string;
  let res: Response;
  try {
    res = await doFetch(url, { signal: ctrl.signal, headers: { accept: "application/json" } });
    options.gate?.afterResponse(url, res.headers);
    raw = await readCapped(provider, url, res, maxBodyBytes); // the timeout covers the body
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    if (ctrl.signal.aborted) {
      throw new ProviderError(provider, "timeout", url, `no complete answer in ${timeoutMs} ms`);
    }
    throw new ProviderError(provider, "network", url, (e as Error).message);
  } finally {
    clearTimeout(timer);
  }
  if (res.status === 429 || res.status === 418) {
    throw new ProviderError(provider, "rate_limited", url, `HTTP ${res.status}`, {
      status: res.status,
      retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), now()),
      raw,
    });
  }
  if (!res.ok) {
    throw new ProviderError(provider, "http", url, `HTTP ${res.status}`, {
      status: res.status,
      raw,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    const html = /^\s*</.test(raw);
    throw new ProviderError(
      provider,
      "parse",
      url,
      html ? "got an HTML page instead of JSON" : `invalid JSON: ${(e as Error).message}`,
      { status: res.status, raw, notJson: true },
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProviderError(
      provider,
      "parse",
      url,
      `unexpected payload at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
      { status: res.status, raw },
    );
  }
  return { data: parsed.data, raw, headers: res.headers };
}

/**
 * The base URL of a venue: the context's override, else `CRYPTOLAB_<NAME>_URL`, else the
 * venue's public default. Trailing slashes are dropped.
 *
 * @example
 * ```ts
 * import { baseUrl } from "@lib/providers/http.ts";
 * import assert from "node:assert/strict";
 * assert.equal(baseUrl("KRAKEN", "https://api.kraken.com/", "http://127.0.0.1:9/"), "http://127.0.0.1:9");
 * ```
 */
export function baseUrl(name: string, defaultUrl: string, override?: string): string {
  let env: string | undefined;
  try {
    env = Deno.env.get(`CRYPTOLAB_${name}_URL`);
  } catch {
    env = undefined;
  }
  return (override ?? (env || defaultUrl)).replace(/\/+$/, "");
}
