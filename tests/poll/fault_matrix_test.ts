/**
 * Issue 3 item 6b for `poll`: one row per fault on ONE venue of the local exchange (real
 * Binance ticker/price and Kraken Ticker captures), with the venues built as the task builds
 * them (`chainFromConfig("quotes")` + `guardedQuoteSources`: rate limiter, retries and a
 * circuit breaker kept in `provider_health`). Cycle 1 runs clean and fills the last-known-good
 * cache; cycle 2 has the fault. For each row: the other venue is written fresh with the
 * payload's price, the failing venue's last good quote is written at the cycle time with
 * `stale = 1` and its provenance, the failing venue was asked as often as the design says
 * (retryable faults, a 200 that is not JSON included: every attempt; JSON of the wrong shape
 * or a body over the cap: once), a payload that did not parse is in
 * `quarantine` with its raw text and reason (and nothing else is), and the breaker counted
 * one failure.
 *
 * Already covered elsewhere: Kraken HTTP 500 without retries -> stale row, and no stale row
 * past the cache's maximum age (tests/poll/poll_test.ts, first test); an HTML page with status
 * 200 quarantined raw (poll_test.ts, "a payload that does not parse"); the cross-venue gate.
 */
import assert from "node:assert/strict";
import { pollOnce } from "@lib/ingest/poll.ts";
import {
  chainFromConfig,
  guardedQuoteSources,
  parseChainConfig,
} from "@lib/providers/chain_config.ts";
import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
import type { SpotQuote } from "@lib/providers/types.ts";
import { loadHealth, providerHealthStore } from "@lib/store/provider_health.ts";
import { listQuarantine } from "@lib/store/quarantine.ts";
import { readSpotSnapshots } from "@lib/store/snapshots.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { type FaultKind, startFakeExchange } from "../fake_exchange/mod.ts";
import { fakeClock } from "../providers/_fake_clock.ts";
import { binanceTicker, krakenTicker } from "./_real.ts";

const ATTEMPTS = 3;
const PATHS = { binance: "/api/v3/ticker/price", kraken: "/0/public/Ticker" } as const;

interface Cell {
  readonly venue: "binance" | "kraken";
  readonly kind: FaultKind;
  /** Parse faults: the quarantine reason and a check of the raw text. */
  readonly parse?: { reason: RegExp; raw: (raw: string) => boolean };
  /** Not retried (JSON of the wrong shape, a body over the cap): asked once. */
  readonly once?: true;
  /** The venue's error, when it says more than "failed". */
  readonly error?: RegExp;
  /** Request timeout for this cell (default 300 ms). */
  readonly timeoutMs?: number;
}

const notJson = (r: string) => {
  try {
    JSON.parse(r);
    return false;
  } catch {
    return true;
  }
};

const CELLS: readonly Cell[] = [
  { venue: "kraken", kind: "http_500" },
  { venue: "binance", kind: "http_500" },
  { venue: "kraken", kind: "timeout" },
  { venue: "kraken", kind: "html_502" },
  // a 200 that is not JSON at all is retried like a 5xx, quarantined when retries run out
  {
    venue: "kraken",
    kind: "html_200",
    parse: { reason: /HTML page instead of JSON/, raw: (r) => r.startsWith("<!DOCTYPE html>") },
  },
  {
    venue: "binance",
    kind: "truncated_json",
    parse: { reason: /invalid JSON/, raw: (r) => r.includes('"BTCUSDT"') && notJson(r) },
  },
  {
    venue: "binance",
    kind: "non_json_200",
    parse: { reason: /invalid JSON/, raw: (r) => r.startsWith("upstream connect error") },
  },
  {
    venue: "kraken",
    kind: "oversize",
    once: true,
    error: /the response body goes past the cap of 67108864 bytes .*\/0\/public\/Ticker/,
    // reading 64 MiB takes ~1 s on a loaded 2-core machine: with 300 ms the request would time
    // out (retryable) before it reaches the cap, and the cap would never be tested
    timeoutMs: 30_000,
  },
  {
    venue: "kraken",
    kind: "wrong_types",
    once: true,
    parse: {
      // the first price-like string (the ask, `a[0]`) became {"value": "..."}
      reason: /unexpected payload at result\.XBTUSDT\.a\.0/,
      raw: (r) => typeof JSON.parse(r).result.XBTUSDT.a[0] === "object",
    },
  },
  {
    venue: "binance",
    kind: "wrong_types",
    once: true,
    parse: {
      // the ticker schema accepts one object or a list, so zod reports the union at the root
      reason: /unexpected payload at \(root\)/,
      raw: (r) => typeof JSON.parse(r).price === "object",
    },
  },
];

for (const cell of CELLS) {
  realDataTest(`poll fault matrix: ${cell.kind} on ${cell.venue}`, async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      const clock = fakeClock(Date.UTC(2026, 0, 5, 10, 0));
      const config = parseChainConfig({
        quotes: ["binance", "kraken"],
        retry: { maxAttempts: ATTEMPTS, baseDelayMs: 10 },
      });
      const chain = chainFromConfig("quotes", config, {
        health: providerHealthStore(s.db),
        ctx: { baseUrl: ex.url, timeoutMs: cell.timeoutMs ?? 300, now: clock.now },
        now: clock.now,
        sleep: clock.sleep,
      });
      const opts = {
        quoteSources: guardedQuoteSources(chain),
        symbols: ["BTC"],
        lkg: createLastKnownGood<SpotQuote>({ maxAgeMs: 300_000, now: clock.now }),
        gates: { tolerance: 0.6 }, // the two captures are of different days (see poll_test.ts)
        now: clock.now,
        log: () => {},
      };
      const r1 = await pollOnce(s.db, opts);
      assert.deepEqual(r1.errors, []);
      assert.equal(r1.spotWritten, 2);
      const t1 = r1.ts;

      clock.advance(60_000);
      const other = cell.venue === "binance" ? "kraken" : "binance";
      ex.faults.add({ kind: cell.kind, path: PATHS[cell.venue], times: ATTEMPTS });
      const before = ex.requests.length;
      const r2 = await pollOnce(s.db, opts);
      const asked = ex.requests.slice(before);

      // the failing venue was asked once per attempt (the wrong shape is never retried)
      const failing = asked.filter((q) => q.path === PATHS[cell.venue]);
      assert.equal(failing.length, cell.once ? 1 : ATTEMPTS);
      assert.ok(failing.every((q) => q.faults[0] === cell.kind));
      assert.equal(asked.filter((q) => q.path === PATHS[other]).length, 1);
      assert.equal(r2.errors.length, 1);
      assert.match(r2.errors[0]!, new RegExp(`^${cell.venue} quotes failed: `));
      if (cell.error !== undefined) assert.match(r2.errors[0]!, cell.error);

      // the other venue: fresh, the payload's price
      const fresh = readSpotSnapshots(s.db, { venue: other, from: r2.ts });
      assert.equal(fresh.length, 1);
      assert.equal(fresh[0]!.stale, false);
      const price = other === "binance"
        ? Number(binanceTicker().price)
        : Number(krakenTicker().result.XBTUSDT.c[0]);
      assert.equal(fresh[0]!.price, price);

      // the failing venue: its cycle-1 quote, at the cycle-2 time, stale, with provenance
      const stale = readSpotSnapshots(s.db, { venue: cell.venue, from: r2.ts });
      assert.equal(r2.spotStale, 1);
      assert.equal(stale.length, 1);
      assert.equal(stale[0]!.stale, true);
      assert.equal(stale[0]!.ts, r2.ts);
      const first = readSpotSnapshots(s.db, { venue: cell.venue }).find((q) => q.ts === t1);
      assert.equal(stale[0]!.price, first?.price);
      assert.match(stale[0]!.source, new RegExp(`^${cell.venue}:last-known-good \\(quote of `));

      // quarantine: the raw payload and why, for parse faults only
      const q = listQuarantine(s.db);
      if (cell.parse === undefined) {
        assert.equal(q.length, 0);
      } else {
        assert.equal(q.length, 1);
        assert.equal(q[0]!.source, `poll:${cell.venue}`);
        assert.match(q[0]!.reason, cell.parse.reason);
        assert.ok(cell.parse.raw(q[0]!.raw), q[0]!.raw.slice(0, 200));
      }
      // one chain call failed: one breaker failure, persisted; the other venue untouched
      assert.equal(loadHealth(s.db, cell.venue)?.failures, 1);
      assert.equal(loadHealth(s.db, other), undefined);
    } finally {
      s.cleanup();
      await ex.close();
    }
  });
}

realDataTest(
  "poll fault matrix: a venue whose breaker opened is skipped without a request, served stale",
  async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      const clock = fakeClock(Date.UTC(2026, 0, 5, 10, 0));
      const config = parseChainConfig({
        quotes: ["binance", "kraken"],
        retry: { maxAttempts: 1 },
        breaker: { failureThreshold: 2, cooldownMs: 600_000 },
      });
      const chain = chainFromConfig("quotes", config, {
        health: providerHealthStore(s.db),
        ctx: { baseUrl: ex.url, now: clock.now },
        now: clock.now,
        sleep: clock.sleep,
      });
      const opts = {
        quoteSources: guardedQuoteSources(chain),
        symbols: ["BTC"],
        lkg: createLastKnownGood<SpotQuote>({ maxAgeMs: 300_000, now: clock.now }),
        gates: { tolerance: 0.6 },
        now: clock.now,
        log: () => {},
      };
      await pollOnce(s.db, opts);
      ex.faults.add({ kind: "http_500", path: PATHS.kraken, times: 2 });
      for (let i = 0; i < 2; i++) {
        clock.advance(60_000);
        await pollOnce(s.db, opts);
      }
      assert.equal(loadHealth(s.db, "kraken")?.state, "open");
      clock.advance(60_000);
      const before = ex.requests.length;
      const r = await pollOnce(s.db, opts);
      assert.deepEqual(ex.requests.slice(before).map((q) => q.path), [PATHS.binance]);
      assert.match(r.errors[0]!, /kraken quotes failed: kraken: circuit open/);
      assert.equal(r.spotWritten, 1);
      assert.equal(r.spotStale, 1);
    } finally {
      s.cleanup();
      await ex.close();
    }
  },
);
