/**
 * Fallback chains per kind of data, from a small JSON config: which venues to ask in which
 * order, how to retry, when to stop calling a failing venue, and how old a last-known-good
 * value may be.
 *
 * The config (every field optional; `{}` means all defaults), validated with zod:
 *
 * ```json
 * {
 *   "candles": ["binance", "kraken", "coinbase"],
 *   "quotes": ["binance", "kraken", "coinbase"],
 *   "trades": ["binance", "kraken"],
 *   "dex": ["dexscreener"],
 *   "funding": ["binance_futures"],
 *   "perp_klines": ["binance_futures"],
 *   "open_interest": ["binance_futures"],
 *   "retry": { "maxAttempts": 4, "baseDelayMs": 250, "maxDelayMs": 30000, "maxRetryAfterMs": 300000 },
 *   "breaker": { "failureThreshold": 5, "cooldownMs": 60000 },
 *   "lkgMaxAgeMs": 300000
 * }
 * ```
 *
 * The values above are the defaults ({@link DEFAULT_CHAIN_CONFIG}). Each venue of a list must
 * offer that kind in the registry (`PROVIDERS` in `./registry.ts`). Where the config comes from
 * ({@link loadChainConfig}): the path given (a task's `--providers PATH`), else the file named
 * by `CRYPTOLAB_PROVIDERS`, else `config/providers.json` when it exists, else the defaults.
 *
 * {@link chainFromConfig} builds the chain of one kind. For each venue of the list it builds
 * the provider from the registry with a {@link RequestGate} on its host's rate limiter (one
 * shared {@link createRateLimiterPool} keyed by the venue's public host, so a mirror or the
 * local fake exchange is held to the same published limit; Binance requests weigh what
 * `binanceRequestWeight` says and `x-mbx-used-weight-1m` tightens the count), and a circuit
 * breaker per venue whose state is loaded from and saved to a {@link HealthStore} (the
 * `provider_health` table: `providerHealthStore(db)` in `@lib/store/provider_health.ts`), so a
 * restarted task remembers a venue that was down. The chain itself is `createChain`
 * (`./chain.ts`): breaker(withRetry(request)) per venue in order, then last-known-good.
 *
 * Providers stay free of the store: the health store is an interface the task fills in.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import type { Freq } from "../core/freq.ts";
import { createRng } from "../stats/rng.ts";
import { binanceRequestWeight } from "./binance.ts";
import { type ChainResult, createChain } from "./chain.ts";
import { type BreakerState, type CircuitBreaker, createCircuitBreaker } from "./circuit_breaker.ts";
import { createLastKnownGood, type LastKnownGood } from "./last_known_good.ts";
import { createRateLimiterPool, type RateLimiterPool } from "./rate_limiter.ts";
import { type KindInterfaces, providerFor, PROVIDERS, type VenueId } from "./registry.ts";
import { limiterGate } from "./request_gate.ts";
import { RETRY_DEFAULTS, withRetry } from "./retry.ts";
import { ASSET_SYMBOLS, type SymbolMap, symbolOnVenue } from "./symbols.ts";
import type {
  CandlePage,
  DexPairSource,
  ProviderContext,
  RequestGate,
  SpotQuoteSource,
} from "./types.ts";

/** The kinds a chain can be configured for (streams are not request/response). */
export type ChainKind =
  | "candles"
  | "quotes"
  | "trades"
  | "dex"
  | "funding"
  | "perp_klines"
  | "open_interest";

/** Every {@link ChainKind}. */
export const CHAIN_KINDS: readonly ChainKind[] = [
  "candles",
  "quotes",
  "trades",
  "dex",
  "funding",
  "perp_klines",
  "open_interest",
];

/** The public host of each venue: the key of its limit in `VENUE_LIMITS`. */
export const VENUE_HOSTS: Readonly<Record<VenueId, string>> = {
  binance: "api.binance.com",
  binance_futures: "fapi.binance.com",
  kraken: "api.kraken.com",
  coinbase: "api.exchange.coinbase.com",
  dexscreener: "api.dexscreener.com",
};

const VENUE_IDS = Object.keys(PROVIDERS) as [VenueId, ...VenueId[]];
const venueList = z.array(z.enum(VENUE_IDS)).min(1);
const nonNegative = z.number().finite().min(0);

/** The zod schema of the config file (see the module notes). */
export const chainConfigSchema = z.strictObject({
  candles: venueList.optional(),
  quotes: venueList.optional(),
  trades: venueList.optional(),
  dex: venueList.optional(),
  funding: venueList.optional(),
  perp_klines: venueList.optional(),
  open_interest: venueList.optional(),
  retry: z.strictObject({
    maxAttempts: z.number().int().min(1).optional(),
    baseDelayMs: nonNegative.optional(),
    maxDelayMs: nonNegative.optional(),
    maxRetryAfterMs: nonNegative.optional(),
  }).optional(),
  breaker: z.strictObject({
    failureThreshold: z.number().int().min(1).optional(),
    cooldownMs: nonNegative.optional(),
  }).optional(),
  lkgMaxAgeMs: z.number().finite().positive().optional(),
}).superRefine((c, ctx) => {
  for (const kind of CHAIN_KINDS) {
    const list = c[kind];
    if (list === undefined) continue;
    list.forEach((v, i) => {
      if (!(PROVIDERS[v].kinds as readonly string[]).includes(kind)) {
        ctx.addIssue({
          code: "custom",
          path: [kind, i],
          message: `venue ${v} offers no ${kind} (it offers ${PROVIDERS[v].kinds.join(", ")})`,
        });
      }
    });
    if (new Set(list).size !== list.length) {
      ctx.addIssue({ code: "custom", path: [kind], message: `a venue appears twice` });
    }
  }
});

/** The config as written in the file (every field optional). */
export type ChainConfigInput = z.infer<typeof chainConfigSchema>;

/** The config with every default filled in. */
export interface ChainConfig {
  readonly candles: readonly VenueId[];
  readonly quotes: readonly VenueId[];
  readonly trades: readonly VenueId[];
  readonly dex: readonly VenueId[];
  readonly funding: readonly VenueId[];
  readonly perp_klines: readonly VenueId[];
  readonly open_interest: readonly VenueId[];
  readonly retry: {
    readonly maxAttempts: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
    readonly maxRetryAfterMs: number;
  };
  readonly breaker: { readonly failureThreshold: number; readonly cooldownMs: number };
  readonly lkgMaxAgeMs: number;
}

/** The built-in defaults, used for every field the file leaves out (`retry` is
 * `RETRY_DEFAULTS` of `./retry.ts`: the one place retry defaults are stated). */
export const DEFAULT_CHAIN_CONFIG: ChainConfig = {
  candles: ["binance", "kraken", "coinbase"],
  quotes: ["binance", "kraken", "coinbase"],
  trades: ["binance", "kraken"],
  dex: ["dexscreener"],
  funding: ["binance_futures"],
  perp_klines: ["binance_futures"],
  open_interest: ["binance_futures"],
  retry: { ...RETRY_DEFAULTS },
  breaker: { failureThreshold: 5, cooldownMs: 60_000 },
  lkgMaxAgeMs: 300_000,
};

/**
 * Validate a parsed config and fill in the defaults. Throws an Error naming `origin`, the
 * field and what is wrong.
 *
 * @example Only the candles chain and the breaker are changed
 * ```ts
 * import { parseChainConfig } from "@lib/providers/chain_config.ts";
 * import assert from "node:assert/strict";
 * const c = parseChainConfig({ candles: ["kraken", "binance"], breaker: { cooldownMs: 5000 } });
 * assert.deepEqual(c.candles, ["kraken", "binance"]);
 * assert.deepEqual(c.quotes, ["binance", "kraken", "coinbase"]);
 * assert.deepEqual(c.breaker, { failureThreshold: 5, cooldownMs: 5000 });
 * assert.throws(() => parseChainConfig({ funding: ["kraken"] }), /funding\.0: venue kraken offers no funding/);
 * ```
 */
export function parseChainConfig(json: unknown, origin = "the providers config"): ChainConfig {
  const r = chainConfigSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(
      `Cannot use ${origin}: ${issues.join("; ")}. Fix the file (see ` +
        "lib/providers/chain_config.ts for the format) or remove it to use the defaults",
    );
  }
  const c = r.data;
  const d = DEFAULT_CHAIN_CONFIG;
  return {
    candles: c.candles ?? d.candles,
    quotes: c.quotes ?? d.quotes,
    trades: c.trades ?? d.trades,
    dex: c.dex ?? d.dex,
    funding: c.funding ?? d.funding,
    perp_klines: c.perp_klines ?? d.perp_klines,
    open_interest: c.open_interest ?? d.open_interest,
    retry: {
      maxAttempts: c.retry?.maxAttempts ?? d.retry.maxAttempts,
      baseDelayMs: c.retry?.baseDelayMs ?? d.retry.baseDelayMs,
      maxDelayMs: c.retry?.maxDelayMs ?? d.retry.maxDelayMs,
      maxRetryAfterMs: c.retry?.maxRetryAfterMs ?? d.retry.maxRetryAfterMs,
    },
    breaker: {
      failureThreshold: c.breaker?.failureThreshold ?? d.breaker.failureThreshold,
      cooldownMs: c.breaker?.cooldownMs ?? d.breaker.cooldownMs,
    },
    lkgMaxAgeMs: c.lkgMaxAgeMs ?? d.lkgMaxAgeMs,
  };
}

/** The default config file, read when it exists and nothing else is named. */
export const DEFAULT_CHAIN_CONFIG_PATH = "config/providers.json";

/**
 * Load the providers config: `path` (a task's `--providers`), else the file in
 * `CRYPTOLAB_PROVIDERS`, else {@link DEFAULT_CHAIN_CONFIG_PATH} when it exists, else the
 * built-in defaults. A named file that is missing or invalid is an error. Returns the config
 * and where it came from (a path, or `defaults`).
 *
 * @example No file named and none at the default path: the defaults
 * ```ts
 * import { DEFAULT_CHAIN_CONFIG, loadChainConfig } from "@lib/providers/chain_config.ts";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const file = `${dir}/providers.json`;
 * Deno.writeTextFileSync(file, JSON.stringify({ quotes: ["kraken"] }));
 * const r = loadChainConfig(file);
 * assert.deepEqual(r.config.quotes, ["kraken"]);
 * assert.equal(r.source, file);
 * assert.deepEqual(loadChainConfig(undefined, { env: {}, defaultPath: `${dir}/none.json` }),
 *   { config: DEFAULT_CHAIN_CONFIG, source: "defaults" });
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function loadChainConfig(
  path?: string | undefined,
  options: {
    /** Environment to read `CRYPTOLAB_PROVIDERS` from; default `Deno.env`. */
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** Default `config/providers.json`. */
    readonly defaultPath?: string;
  } = {},
): { config: ChainConfig; source: string } {
  let envPath: string | undefined;
  if (options.env !== undefined) envPath = options.env["CRYPTOLAB_PROVIDERS"];
  else {
    try {
      envPath = Deno.env.get("CRYPTOLAB_PROVIDERS");
    } catch {
      envPath = undefined; // no --allow-env: only the flag and the default path
    }
  }
  const named = path ?? (envPath || undefined);
  const defaultPath = options.defaultPath ?? DEFAULT_CHAIN_CONFIG_PATH;
  const file = named ?? (existsSync(defaultPath) ? defaultPath : undefined);
  if (file === undefined) return { config: DEFAULT_CHAIN_CONFIG, source: "defaults" };
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (e) {
    throw new Error(
      `Cannot read the providers config ${file}: ${(e as Error).message}; give an existing ` +
        "JSON file with --providers or CRYPTOLAB_PROVIDERS, or none to use the defaults",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `Cannot use the providers config ${file}: invalid JSON: ${(e as Error).message}`,
    );
  }
  return { config: parseChainConfig(json, `the providers config ${file}`), source: file };
}

/** Where breaker states are kept between runs (`providerHealthStore(db)` of the store). */
export interface HealthStore {
  load(provider: string): BreakerState | undefined;
  save(provider: string, state: BreakerState): void;
}

/**
 * A circuit breaker for `provider` with the config's threshold and cool-down, starting from
 * the state in `health` and saving every change back to it (in memory only without `health`).
 *
 * @example State survives a "restart" through an in-memory health store
 * ```ts
 * import { DEFAULT_CHAIN_CONFIG, persistentBreaker } from "@lib/providers/chain_config.ts";
 * import assert from "node:assert/strict";
 * const rows = new Map();
 * const health = { load: (p: string) => rows.get(p), save: (p: string, s: unknown) => void rows.set(p, s) };
 * const cfg = { ...DEFAULT_CHAIN_CONFIG, breaker: { failureThreshold: 1, cooldownMs: 1000 } };
 * const b = persistentBreaker("kraken", cfg, { health, now: () => 0 });
 * await assert.rejects(b.call(() => Promise.reject(new Error("HTTP 503"))));
 * assert.equal(persistentBreaker("kraken", cfg, { health, now: () => 0 }).state().state, "open");
 * ```
 */
export function persistentBreaker(
  provider: string,
  config: Pick<ChainConfig, "breaker">,
  options: { readonly health?: HealthStore | undefined; readonly now: () => number },
): CircuitBreaker {
  const { health, now } = options;
  return createCircuitBreaker({
    provider,
    failureThreshold: config.breaker.failureThreshold,
    cooldownMs: config.breaker.cooldownMs,
    now,
    initial: health?.load(provider),
    ...(health === undefined ? {} : { persist: (s: BreakerState) => health.save(provider, s) }),
  });
}

/**
 * The {@link RequestGate} of `venue`: its host's limiter from `pool` (Binance requests weighed
 * by `binanceRequestWeight`, others 1), or undefined when no limit is known for the host.
 *
 * @example
 * ```ts
 * import { venueGate } from "@lib/providers/chain_config.ts";
 * import { createRateLimiterPool } from "@lib/providers/rate_limiter.ts";
 * import assert from "node:assert/strict";
 * const pool = createRateLimiterPool({ now: () => 0, sleep: () => Promise.resolve() });
 * await venueGate("binance", pool)?.beforeRequest("http://127.0.0.1:1/api/v3/klines?symbol=X&limit=1000");
 * assert.equal(pool.forHost("api.binance.com")?.used(), 2);
 * ```
 */
export function venueGate(venue: VenueId, pool: RateLimiterPool): RequestGate | undefined {
  const limiter = pool.forHost(VENUE_HOSTS[venue]);
  if (limiter === undefined) return undefined;
  return limiterGate(
    limiter,
    venue === "binance" || venue === "binance_futures" ? { weightOf: binanceRequestWeight } : {},
  );
}

/** Options of {@link chainFromConfig}. */
export interface ChainFromConfigOptions {
  /** Breaker states across runs; default in memory only. */
  readonly health?: HealthStore | undefined;
  /** Passed to every provider (`fetch`, `baseUrl`, `timeoutMs`); its `gate` is replaced. */
  readonly ctx?: Omit<ProviderContext, "gate"> | undefined;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Rate limiters shared with other chains of the process; default a new pool on `now`/`sleep`. */
  readonly pool?: RateLimiterPool | undefined;
  /** Breakers shared with other chains of the process, by venue; filled as venues are built. */
  readonly breakers?: Map<string, CircuitBreaker> | undefined;
  /** Seed of the retry jitter. Default 1. */
  readonly seed?: number | undefined;
}

/** The chain of one kind built from config; see {@link chainFromConfig}. */
export interface KindChain<K extends ChainKind> {
  readonly kind: K;
  /** The venues in order. */
  readonly venues: readonly VenueId[];
  /** Each venue's provider (with its rate-limit gate). */
  readonly providers: Readonly<Partial<Record<VenueId, KindInterfaces[K]>>>;
  /** Each venue's breaker (persisted when a health store was given). */
  readonly breakers: Readonly<Partial<Record<VenueId, CircuitBreaker>>>;
  readonly pool: RateLimiterPool;
  readonly config: ChainConfig;
  /**
   * Ask the venues in order (`venues`, default all) with `ask`, each through its breaker and
   * retries, and serve the last-known-good value of `key` (no older than `lkgMaxAgeMs`,
   * marked stale) when all fail; without `key` a total failure throws a `ChainError`.
   */
  call<T>(
    ask: (provider: KindInterfaces[K], venue: VenueId) => Promise<T>,
    options?: { readonly key?: string; readonly venues?: readonly VenueId[] },
  ): Promise<ChainResult<T>>;
  /** One venue only, through its breaker and retries (no fallback): for callers that ask
   * every venue on purpose, like the cross-venue poller. `maxElapsedMs` bounds the retries
   * in time (see `withRetry`). */
  guard<T>(
    venue: VenueId,
    fn: () => Promise<T>,
    options?: { readonly maxElapsedMs?: number },
  ): Promise<T>;
}

/**
 * Build the fallback chain of `kind` from `config` (see the module notes).
 *
 * @example Binance fails with 503, Kraken answers
 * ```ts
 * import { chainFromConfig, DEFAULT_CHAIN_CONFIG } from "@lib/providers/chain_config.ts";
 * import assert from "node:assert/strict";
 * const fetch = (url: string) => Promise.resolve(url.includes("kraken") || url.includes("/0/public/")
 *   ? new Response(JSON.stringify({ error: [], result: { XXBTZUSD: {
 *       a: ["2", "1", "1"], b: ["1", "1", "1"], c: ["1.5", "1"], v: ["1", "9"] } } }))
 *   : new Response("down", { status: 503 }));
 * let t = 0;
 * const chain = chainFromConfig("quotes", { ...DEFAULT_CHAIN_CONFIG, retry: { ...DEFAULT_CHAIN_CONFIG.retry, maxAttempts: 1 } }, {
 *   ctx: { fetch, baseUrl: "http://127.0.0.1:1" }, now: () => t,
 *   sleep: (ms) => { t += ms; return Promise.resolve(); },
 * });
 * const r = await chain.call((p, venue) => p.fetchQuotes([venue === "kraken" ? "XXBTZUSD" : "BTCUSDT"]),
 *   { venues: ["binance", "kraken"] });
 * assert.equal(r.provider, "kraken");
 * assert.equal(r.value[0]?.price, 1.5);
 * ```
 */
export function chainFromConfig<K extends ChainKind>(
  kind: K,
  config: ChainConfig,
  options: ChainFromConfigOptions,
): KindChain<K> {
  const { now, sleep } = options;
  const venues = config[kind];
  if (venues.length === 0) {
    throw new RangeError(`Cannot build the ${kind} chain: the config lists no venue for it`);
  }
  const pool = options.pool ?? createRateLimiterPool({ now, sleep });
  const shared = options.breakers ?? new Map<string, CircuitBreaker>();
  const providers: Partial<Record<VenueId, KindInterfaces[K]>> = {};
  const breakers: Partial<Record<VenueId, CircuitBreaker>> = {};
  for (const v of venues) {
    const gate = venueGate(v, pool);
    const ctx: ProviderContext = gate === undefined ? { ...options.ctx } : { ...options.ctx, gate };
    providers[v] = providerFor(v, kind, ctx);
    let b = shared.get(v);
    if (b === undefined) {
      b = persistentBreaker(v, config, { health: options.health, now });
      shared.set(v, b);
    }
    breakers[v] = b;
  }
  const jitter = createRng(options.seed ?? 1);
  const retry = { ...config.retry, jitter };
  const cache = createLastKnownGood<unknown>({ maxAgeMs: config.lkgMaxAgeMs, now });

  return {
    kind,
    venues,
    providers,
    breakers,
    pool,
    config,
    call<T>(
      ask: (provider: KindInterfaces[K], venue: VenueId) => Promise<T>,
      opts: { readonly key?: string; readonly venues?: readonly VenueId[] } = {},
    ): Promise<ChainResult<T>> {
      const order = opts.venues ?? venues;
      const steps = order.map((v) => {
        const p = providers[v];
        if (p === undefined) {
          throw new RangeError(
            `Cannot call the ${kind} chain on ${v}: it is not in the chain (${venues.join(", ")})`,
          );
        }
        return { id: v, call: () => ask(p, v) };
      });
      const chainBreakers: Record<string, CircuitBreaker> = {};
      for (const v of order) chainBreakers[v] = breakers[v]!;
      return createChain<T>(steps, {
        retry,
        breakers: chainBreakers,
        now,
        sleep,
        ...(opts.key === undefined ? {} : {
          lkg: {
            key: opts.key,
            maxAgeMs: config.lkgMaxAgeMs,
            cache: cache as LastKnownGood<T>,
          },
        }),
      }).call();
    },
    guard<T>(
      venue: VenueId,
      fn: () => Promise<T>,
      opts: { readonly maxElapsedMs?: number } = {},
    ): Promise<T> {
      const b = breakers[venue];
      if (b === undefined) {
        throw new RangeError(
          `Cannot call ${venue} in the ${kind} chain: it is not in it (${venues.join(", ")})`,
        );
      }
      return b.call(() => withRetry(fn, { ...retry, ...opts, sleep, now }));
    },
  };
}

/**
 * Each venue of a quotes chain as its own {@link SpotQuoteSource} whose calls go through the
 * venue's breaker, retries and rate limiter, without falling back to another venue: what a
 * cross-venue poller wants (it compares venues, so it asks every one of them).
 *
 * @example
 * ```ts
 * import { chainFromConfig, DEFAULT_CHAIN_CONFIG, guardedQuoteSources } from "@lib/providers/chain_config.ts";
 * import assert from "node:assert/strict";
 * const chain = chainFromConfig("quotes", DEFAULT_CHAIN_CONFIG, {
 *   ctx: { baseUrl: "http://127.0.0.1:1" }, now: Date.now, sleep: () => Promise.resolve(),
 * });
 * assert.deepEqual(guardedQuoteSources(chain).map((s) => s.id), ["binance", "kraken", "coinbase"]);
 * ```
 */
export function guardedQuoteSources(
  chain: KindChain<"quotes">,
  options: { readonly maxElapsedMs?: number } = {},
): SpotQuoteSource[] {
  return chain.venues.map((v) => ({
    id: v,
    fetchQuotes: (symbols: readonly string[]) =>
      chain.guard(v, () => chain.providers[v]!.fetchQuotes(symbols), options),
  }));
}

/**
 * The first venue of a dex chain as a {@link DexPairSource} whose calls go through its breaker,
 * retries and rate limiter (Dexscreener is the only DEX venue, so there is nothing to fall back
 * to; a failed search is served from the poller's last-known-good universe).
 *
 * @example
 * ```ts
 * import { chainFromConfig, DEFAULT_CHAIN_CONFIG, guardedDexSource } from "@lib/providers/chain_config.ts";
 * import assert from "node:assert/strict";
 * const chain = chainFromConfig("dex", DEFAULT_CHAIN_CONFIG, {
 *   ctx: { baseUrl: "http://127.0.0.1:1" }, now: Date.now, sleep: () => Promise.resolve(),
 * });
 * assert.equal(guardedDexSource(chain).id, "dexscreener");
 * ```
 */
export function guardedDexSource(
  chain: KindChain<"dex">,
  options: { readonly maxElapsedMs?: number } = {},
): DexPairSource {
  const v = chain.venues[0]!;
  const p = chain.providers[v]!;
  return {
    id: v,
    pairsByAddress: (chainId, addresses) =>
      chain.guard(v, () => p.pairsByAddress(chainId, addresses), options),
    pairsByToken: (chainId, token) => chain.guard(v, () => p.pairsByToken(chainId, token), options),
    search: (query) => chain.guard(v, () => p.search(query), options),
  };
}

/** A candles request by asset or any venue's symbol (mapped per venue). */
export interface ChainCandlesRequest {
  /** `BTC`, `BTCUSDT`, `XBTUSDT`, `BTC-USD`...: each venue gets its own symbol. */
  readonly symbol: string;
  readonly freq: Freq;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit?: number;
}

/**
 * One page of candles from the first venue of the candles chain that answers, each venue
 * asked with its own symbol for the asset (venues without one are skipped). The last good page
 * of the same request is served stale when all fail.
 *
 * @example Binance is down; Kraken answers for XBTUSDT
 * ```ts
 * import { chainCandles, chainFromConfig, DEFAULT_CHAIN_CONFIG } from "@lib/providers/chain_config.ts";
 * import assert from "node:assert/strict";
 * const urls: string[] = [];
 * const fetch = (url: string) => {
 *   urls.push(url);
 *   return Promise.resolve(url.includes("/0/public/OHLC")
 *     ? new Response(JSON.stringify({ error: [], result: { XBTUSDT: [ // the last one is forming
 *         [0, "1", "2", "0.5", "1.5", "1.2", "10", 3], [3600, "1.5", "2", "1", "1.9", "1.7", "4", 2],
 *       ], last: 0 } }))
 *     : new Response("down", { status: 503 }));
 * };
 * let t = 1e12;
 * const cfg = { ...DEFAULT_CHAIN_CONFIG, retry: { ...DEFAULT_CHAIN_CONFIG.retry, maxAttempts: 1 } };
 * const chain = chainFromConfig("candles", cfg, { ctx: { fetch, baseUrl: "http://127.0.0.1:1" },
 *   now: () => t, sleep: (ms) => { t += ms; return Promise.resolve(); } });
 * const r = await chainCandles(chain, { symbol: "BTCUSDT", freq: "1h", startTime: 0 });
 * assert.equal(r.provider, "kraken");
 * assert.deepEqual([...r.value.bars.close], [1.5]);
 * assert.match(urls[1] ?? "", /pair=XBTUSDT/);
 * ```
 */
export function chainCandles(
  chain: KindChain<"candles">,
  req: ChainCandlesRequest,
  map: SymbolMap = ASSET_SYMBOLS,
): Promise<ChainResult<CandlePage>> {
  const symbols = new Map<VenueId, string>();
  for (const v of chain.venues) {
    const s = symbolOnVenue(req.symbol, v, map);
    if (s !== undefined) symbols.set(v, s);
  }
  if (symbols.size === 0) {
    throw new RangeError(
      `Cannot fetch candles of ${req.symbol}: no venue of the chain (${
        chain.venues.join(", ")
      }) has a symbol for it in the symbol map`,
    );
  }
  const key = `candles:${req.symbol}:${req.freq}:${req.startTime ?? ""}:${req.endTime ?? ""}`;
  return chain.call((p, v) => {
    const { symbol: _asset, ...rest } = req;
    return p.fetchCandles({ ...rest, symbol: symbols.get(v)! });
  }, { key, venues: [...symbols.keys()] });
}
