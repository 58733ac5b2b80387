/**
 * The poller behind `deno task poll`: every interval, spot quotes from several venues and
 * snapshots of a discovered DEX universe, gated and written in one transaction per cycle.
 *
 * One cycle ({@link pollOnce}):
 * 1. each quote source is asked for its venue's symbols of the polled assets
 *    ({@link ASSET_SYMBOLS} maps an asset to each venue's symbol). A venue that fails is logged;
 *    its last good quotes are written at the cycle time with `stale = 1` and a source naming
 *    the quote's time and age: from the {@link LastKnownGood} cache of this process, else from
 *    the store (the newest quote stored fresh, fetched at most `lastGoodMaxAgeMs` ago, so a
 *    fresh `poll --once` falls back too); a payload that did not parse is quarantined;
 * 2. the fresh quotes are grouped per asset and gated across venues (`gateQuotes`): accepted
 *    ones are written and become the last known good, refused ones go to `quarantine` with
 *    the quote as JSON and the reason;
 * 3. the DEX source is searched with each query, pairs of the polled chains are filtered into
 *    the universe (lib/ingest/dex_universe.ts), the change from the previous universe (the
 *    churn log in the store) is appended to `dex_universe_churn`, and the universe's pairs are
 *    written to `dex_snapshots`. When a search fails, the previous universe is served stale
 *    from its own cache and no churn is logged (a failed search says nothing about the pairs).
 *
 * {@link runPoll} repeats cycles on interval boundaries until its signal aborts; a cycle that
 * throws is logged and the loop goes on.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { withTransaction } from "../store/db.ts";
import { quarantine } from "../store/quarantine.ts";
import {
  currentDexUniverse,
  writeDexChurn,
  writeDexSnapshots,
  writeSpotSnapshots,
} from "../store/snapshots.ts";
import { lastGoodDexPair, lastGoodQuote } from "../store/last_good_quotes.ts";
import { DEFAULT_CHAIN_CONFIG } from "../providers/chain_config.ts";
import type { LastKnownGood } from "../providers/last_known_good.ts";
import {
  type DexPair,
  type DexPairSource,
  ProviderError,
  type SpotQuote,
  type SpotQuoteSource,
} from "../providers/types.ts";
import { gateQuotes, type QuoteGateOptions } from "./gates/quote_gates.ts";
import { dexPairRule, reasonText } from "./gates/rules.ts";
import { discoverUniverse, pairKey, universeChurn, type UniverseRules } from "./dex_universe.ts";
import { ASSET_SYMBOLS, resolveAsset, type SymbolMap } from "../providers/symbols.ts";

// The symbol map moved to lib/providers/symbols.ts (chains of several venues need it too);
// these re-exports keep `@lib/ingest/poll.ts` imports working.
export { ASSET_SYMBOLS, resolveAsset, type SymbolMap } from "../providers/symbols.ts";

/** DEX part of a cycle. */
export interface DexPollOptions {
  readonly source: DexPairSource;
  /** Dexscreener search queries, e.g. `SOL/USDC`. */
  readonly queries: readonly string[];
  /** Chain ids to keep (`solana`, `ethereum`, `bsc`, `base`, ...). */
  readonly chains: readonly string[];
  readonly rules?: UniverseRules;
  /** Last good snapshot per pair (key `chainId:pairAddress`), served stale when a search fails. */
  readonly lkg?: LastKnownGood<DexPair>;
}

/** Options of {@link pollOnce}. */
export interface PollOptions {
  readonly quoteSources: readonly SpotQuoteSource[];
  /** Assets or venue symbols to poll (`BTC`, `BTCUSDT`, ...), resolved with `symbolMap`. */
  readonly symbols: readonly string[];
  readonly symbolMap?: SymbolMap;
  /** Last good quote per `venue:symbol`. */
  readonly lkg: LastKnownGood<SpotQuote>;
  /**
   * Oldest last good quote read back from the store when `lkg` has none (a fresh process),
   * ms. Default `DEFAULT_CHAIN_CONFIG.lkgMaxAgeMs` (5 minutes).
   */
  readonly lastGoodMaxAgeMs?: number;
  /** Cross-venue gate options (its `now` is the clock). */
  readonly gates?: Omit<QuoteGateOptions, "now">;
  readonly dex?: DexPollOptions | undefined;
  readonly now: () => number;
  readonly runId?: number | undefined;
  /** Where failures are reported; default `console.error`. */
  readonly log?: (line: string) => void;
}

/** What one cycle did. */
export interface PollResult {
  /** The cycle time (UTC ms): DEX snapshots and stale rows are stamped with it. */
  readonly ts: number;
  readonly spotWritten: number;
  readonly spotStale: number;
  readonly quarantined: number;
  readonly dexWritten: number;
  readonly dexStale: number;
  readonly added: number;
  readonly dropped: number;
  /** One line per failed request. */
  readonly errors: string[];
  /** Venues asked this cycle (quote venues with a symbol to poll, and the DEX source). */
  readonly venuesAsked: readonly string[];
  /** Those that failed. */
  readonly venuesFailed: readonly string[];
  /** Every venue asked failed (nothing fresh was written); false when none was asked. */
  readonly allFailed: boolean;
}

interface QuarantineItem {
  readonly source: string;
  readonly locator: string;
  readonly raw: string;
  readonly reason: string;
}

const quoteJson = (q: unknown): string => JSON.stringify(q, (_k, v) => v === undefined ? null : v);

/**
 * Run one poll cycle and commit it in one transaction. Provider failures never throw: they are
 * counted in `errors` and logged.
 *
 * @example One venue through an injected source
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readSpotSnapshots } from "@lib/store/snapshots.ts";
 * import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
 * import { pollOnce } from "@lib/ingest/poll.ts";
 * import type { SpotQuote } from "@lib/providers/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const now = () => 1_700_000_000_000;
 * const source = {
 *   id: "binance",
 *   fetchQuotes: (s: readonly string[]) => Promise.resolve(s.map((symbol) => ({
 *     venue: "binance", symbol, ts: now(), price: 100, bid: undefined, ask: undefined,
 *     volume24h: undefined }))),
 * };
 * const lkg = createLastKnownGood<SpotQuote>({ maxAgeMs: 300_000, now });
 * const r = await pollOnce(db, { quoteSources: [source], symbols: ["BTC"], lkg, now });
 * assert.equal(r.spotWritten, 1);
 * assert.equal(readSpotSnapshots(db)[0]?.symbol, "BTCUSDT");
 * ```
 */
export async function pollOnce(db: DatabaseSync, opts: PollOptions): Promise<PollResult> {
  const map = opts.symbolMap ?? ASSET_SYMBOLS;
  const log = opts.log ?? ((l: string) => console.error(l));
  const assets = [...new Set(opts.symbols.map((s) => resolveAsset(s, map)))];
  const ts = opts.now();
  const errors: string[] = [];
  const quarantined: QuarantineItem[] = [];
  const failed = (what: string, e: unknown, source: string) => {
    const msg = `${what}: ${(e as Error).message}`;
    errors.push(msg);
    log(`poll: ${msg}; continuing`);
    // only a payload that did not parse is quarantined: an HTTP error body is not data
    if (e instanceof ProviderError && e.kind === "parse" && e.detail.raw !== undefined) {
      quarantined.push({ source, locator: e.url, raw: e.detail.raw, reason: msg });
    }
  };

  // 1. Quotes per venue, concurrently.
  const assetOf = new Map<string, string>(); // venue:symbol -> asset
  const fetched = await Promise.all(opts.quoteSources.map(async (src) => {
    const symbols: string[] = [];
    for (const a of assets) {
      const s = map[a]?.[src.id];
      if (s === undefined) continue;
      symbols.push(s);
      assetOf.set(`${src.id}:${s}`, a);
    }
    if (symbols.length === 0) return { src, symbols, quotes: [] as SpotQuote[], ok: true };
    try {
      return { src, symbols, quotes: await src.fetchQuotes(symbols), ok: true };
    } catch (e) {
      failed(`${src.id} quotes failed`, e, `poll:${src.id}`);
      return { src, symbols, quotes: [] as SpotQuote[], ok: false };
    }
  }));

  // 2. Gate fresh quotes per asset; collect stale fallbacks of failed venues.
  const gateNow = opts.now();
  const byAsset = new Map<string, SpotQuote[]>();
  for (const f of fetched) {
    for (const q of f.quotes) {
      const a = assetOf.get(`${q.venue}:${q.symbol}`) ?? `${q.venue}:${q.symbol}`;
      const list = byAsset.get(a) ?? [];
      list.push(q);
      byAsset.set(a, list);
    }
  }
  const accepted: SpotQuote[] = [];
  for (const quotes of byAsset.values()) {
    const g = gateQuotes(quotes, { ...opts.gates, now: gateNow });
    accepted.push(...g.accepted);
    for (const r of g.rejected) {
      const q = quotes[r.index]!;
      quarantined.push({
        source: `poll:${q.venue}`,
        locator: `${q.symbol}@${new Date(q.ts).toISOString()}`,
        raw: quoteJson(q),
        reason: r.reason,
      });
    }
  }
  const stale: { quote: SpotQuote; from: string }[] = [];
  const lastGoodMaxAgeMs = opts.lastGoodMaxAgeMs ?? DEFAULT_CHAIN_CONFIG.lkgMaxAgeMs;
  for (const f of fetched) {
    if (f.ok) continue;
    for (const symbol of f.symbols) {
      // this process's cache first; a fresh process (poll --once) reads the store
      const mem = opts.lkg.get(`${f.src.id}:${symbol}`);
      const hit = mem !== undefined ? { value: mem.value, ageMs: mem.ageMs, where: "" } : (() => {
        const s = lastGoodQuote(db, f.src.id, symbol, { now: ts, maxAgeMs: lastGoodMaxAgeMs });
        return s && { value: s.quote, ageMs: s.ageMs, where: " from the store" };
      })();
      if (hit === undefined) continue;
      stale.push({
        quote: { ...hit.value, ts },
        from: `${f.src.id}:last-known-good${hit.where} (quote of ${
          new Date(hit.value.ts).toISOString()
        }, age ${hit.ageMs} ms)`,
      });
    }
  }

  // 3. DEX universe.
  let dexFresh: DexPair[] = [];
  const dexStale: DexPair[] = [];
  let churn: ReturnType<typeof universeChurn> | undefined;
  const dex = opts.dex;
  let dexOk: boolean | undefined; // undefined: not asked
  if (dex !== undefined && dex.queries.length > 0) {
    const chains = new Set(dex.chains);
    const previous = new Set(
      [...currentDexUniverse(db)].filter((k) => chains.has(k.slice(0, k.indexOf(":")))),
    );
    const candidates: DexPair[] = [];
    let ok = true;
    for (const q of dex.queries) {
      try {
        for (const p of await dex.source.search(q)) {
          if (!chains.has(p.chainId)) continue;
          // the row rules, as for spot quotes: a refused pair is quarantined, not written
          const problem = dexPairRule(p);
          if (problem === undefined) candidates.push(p);
          else {
            quarantined.push({
              source: `poll:${dex.source.id}`,
              locator: `${p.chainId}:${p.pairAddress}@${new Date(ts).toISOString()}`,
              raw: JSON.stringify(p),
              reason: reasonText(problem),
            });
          }
        }
      } catch (e) {
        ok = false;
        failed(`${dex.source.id} search ${JSON.stringify(q)} failed`, e, `poll:${dex.source.id}`);
      }
    }
    dexOk = ok;
    if (ok) {
      const found = discoverUniverse(candidates, dex.rules);
      churn = universeChurn(previous, found, dex.rules);
      dexFresh = found.kept;
    } else {
      // the previous universe served stale: this process's cache, else the store (poll --once)
      for (const key of previous) {
        const hit = dex.lkg?.get(key)?.value ??
          lastGoodDexPair(db, key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1), {
            now: ts,
            maxAgeMs: lastGoodMaxAgeMs,
          })?.pair;
        if (hit !== undefined) dexStale.push(hit);
      }
    }
  }

  // 4. Commit.
  const dexSource = dex === undefined ? "" : `${dex.source.id}:search`;
  const counts = withTransaction(db, () => {
    let spotWritten = 0, spotStale = 0, nq = 0, dexWritten = 0, dexStaleN = 0;
    const byVenue = new Map<string, SpotQuote[]>();
    for (const q of accepted) byVenue.set(q.venue, [...(byVenue.get(q.venue) ?? []), q]);
    for (const [venue, qs] of byVenue) {
      spotWritten += writeSpotSnapshots(db, qs, {
        source: `${venue}:quotes`,
        runId: opts.runId,
        fetchedAt: ts,
      });
    }
    for (const s of stale) {
      spotStale += writeSpotSnapshots(db, [s.quote], {
        source: s.from,
        runId: opts.runId,
        stale: true,
        fetchedAt: ts,
      });
    }
    for (const item of quarantined) {
      if (quarantine(db, { ...item, runId: opts.runId })) nq++;
    }
    if (churn !== undefined) {
      writeDexChurn(db, [
        ...churn.added.map((a) => ({
          chainId: a.pair.chainId,
          pairAddress: a.pair.pairAddress,
          action: "added" as const,
          reason: a.reason,
          baseSymbol: a.pair.baseSymbol,
          quoteSymbol: a.pair.quoteSymbol,
          liquidityUsd: a.pair.liquidityUsd,
          volumeH24: a.pair.volumeH24,
        })),
        ...churn.dropped.map((d) => ({
          chainId: d.chainId,
          pairAddress: d.pairAddress,
          action: "dropped" as const,
          reason: d.reason,
          baseSymbol: d.pair?.baseSymbol,
          quoteSymbol: d.pair?.quoteSymbol,
          liquidityUsd: d.pair?.liquidityUsd,
          volumeH24: d.pair?.volumeH24,
        })),
      ], { ts, runId: opts.runId });
    }
    dexWritten = writeDexSnapshots(db, dexFresh, {
      ts,
      source: dexSource,
      runId: opts.runId,
      fetchedAt: ts,
    });
    dexStaleN = writeDexSnapshots(db, dexStale, {
      ts,
      source: `${dexSource}:last-known-good`,
      runId: opts.runId,
      stale: true,
      fetchedAt: ts,
    });
    return { spotWritten, spotStale, nq, dexWritten, dexStaleN };
  });
  const venuesAsked: string[] = [];
  const venuesFailed: string[] = [];
  for (const f of fetched) {
    if (f.symbols.length === 0) continue;
    venuesAsked.push(f.src.id);
    if (!f.ok) venuesFailed.push(f.src.id);
  }
  if (dex !== undefined && dexOk !== undefined) {
    venuesAsked.push(dex.source.id);
    if (!dexOk) venuesFailed.push(dex.source.id);
  }
  // Only committed values become last known good.
  for (const q of accepted) opts.lkg.put(`${q.venue}:${q.symbol}`, q, q.venue);
  if (dex?.lkg !== undefined) {
    for (const p of dexFresh) {
      dex.lkg.put(pairKey(p), p, dex.source.id);
    }
  }
  return {
    ts,
    spotWritten: counts.spotWritten,
    spotStale: counts.spotStale,
    quarantined: counts.nq,
    dexWritten: counts.dexWritten,
    dexStale: counts.dexStaleN,
    added: churn?.added.length ?? 0,
    dropped: churn?.dropped.length ?? 0,
    errors,
    venuesAsked,
    venuesFailed,
    allFailed: venuesAsked.length > 0 && venuesFailed.length === venuesAsked.length,
  };
}

/** Options of {@link runPoll}. */
export interface RunPollOptions extends PollOptions {
  /** Cycle period in ms (> 0); cycles start on multiples of it (UTC epoch). */
  readonly intervalMs: number;
  /** Abort to stop: the cycle in flight is committed, then the loop returns. */
  readonly signal: AbortSignal;
  /** Called after each committed cycle. */
  readonly onCycle?: (r: PollResult) => void;
}

/**
 * Poll every `intervalMs`, on interval boundaries, until `signal` aborts. Never throws for a
 * failed cycle: the error is logged and the next cycle runs. Returns the number of cycles.
 *
 * @example Two cycles 20 ms apart, then stop
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
 * import { runPoll } from "@lib/ingest/poll.ts";
 * import type { SpotQuote } from "@lib/providers/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const ctrl = new AbortController();
 * const lkg = createLastKnownGood<SpotQuote>({ maxAgeMs: 1000, now: Date.now });
 * let seen = 0;
 * const n = await runPoll(db, {
 *   quoteSources: [], symbols: ["BTC"], lkg, now: Date.now, intervalMs: 20,
 *   signal: ctrl.signal, onCycle: () => { if (++seen === 2) ctrl.abort(); },
 * });
 * assert.equal(n, 2);
 * ```
 */
export async function runPoll(db: DatabaseSync, opts: RunPollOptions): Promise<number> {
  if (!(opts.intervalMs > 0)) {
    throw new RangeError(`Cannot poll: intervalMs must be > 0, got ${opts.intervalMs}`);
  }
  const log = opts.log ?? ((l: string) => console.error(l));
  let cycles = 0;
  while (!opts.signal.aborted) {
    const t = Date.now();
    const next = (Math.floor(t / opts.intervalMs) + 1) * opts.intervalMs;
    await sleep(next - t, opts.signal);
    if (opts.signal.aborted) break;
    try {
      const r = await pollOnce(db, opts);
      cycles++;
      opts.onCycle?.(r);
    } catch (e) {
      log(`poll: cycle failed: ${(e as Error).message}; retrying next interval`);
    }
  }
  return cycles;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done);
  });
}
