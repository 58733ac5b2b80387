/**
 * The `provider_health` table: the circuit-breaker state of each provider, so a restarted task
 * remembers that a venue was failing. The row has the shape of `BreakerState` in
 * `@lib/providers/circuit_breaker.ts` (the store does not import providers; the shapes match
 * structurally).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** One provider's breaker state as stored. */
export interface ProviderHealth {
  readonly state: "closed" | "open" | "half_open";
  /** Consecutive failures. */
  readonly failures: number;
  readonly lastError: string | undefined;
  /** When the breaker last opened (UTC ms). */
  readonly openedAt: number | undefined;
  /** When this row was last changed (UTC ms). */
  readonly updatedAt: number;
}

const STATES = new Set(["closed", "open", "half_open"]);

/**
 * The stored health of `provider`, or undefined when it has none yet.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { loadHealth, saveHealth } from "@lib/store/provider_health.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(loadHealth(db, "binance"), undefined);
 * saveHealth(db, "binance", {
 *   state: "open", failures: 5, lastError: "HTTP 503", openedAt: 1000, updatedAt: 1000,
 * });
 * assert.equal(loadHealth(db, "binance")?.state, "open");
 * ```
 */
export function loadHealth(db: DatabaseSync, provider: string): ProviderHealth | undefined {
  const row = db.prepare(
    "SELECT state, failures, last_error, opened_at, updated_at FROM provider_health WHERE provider = ?",
  ).get(provider);
  if (row === undefined) return undefined;
  const state = String(row.state);
  if (!STATES.has(state)) {
    throw new Error(
      `Cannot load the health of ${provider}: unknown state ${JSON.stringify(state)} in ` +
        "provider_health; delete the row to reset the breaker",
    );
  }
  return {
    state: state as ProviderHealth["state"],
    failures: Number(row.failures),
    lastError: row.last_error === null ? undefined : String(row.last_error),
    openedAt: row.opened_at === null ? undefined : Number(row.opened_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * Insert or replace the health row of `provider`.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { loadHealth, saveHealth } from "@lib/store/provider_health.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = { state: "closed", failures: 0, lastError: undefined, openedAt: undefined, updatedAt: 5 } as const;
 * saveHealth(db, "kraken", h);
 * assert.deepEqual(loadHealth(db, "kraken"), h);
 * ```
 */
export function saveHealth(db: DatabaseSync, provider: string, health: ProviderHealth): void {
  if (!STATES.has(health.state)) {
    throw new RangeError(
      `Cannot save the health of ${provider}: state must be closed, open or half_open, got ${
        JSON.stringify(health.state)
      }`,
    );
  }
  db.prepare(
    `INSERT INTO provider_health (provider, state, failures, last_error, opened_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (provider) DO UPDATE SET state = excluded.state, failures = excluded.failures,
       last_error = excluded.last_error, opened_at = excluded.opened_at,
       updated_at = excluded.updated_at`,
  ).run(
    provider,
    health.state,
    health.failures,
    health.lastError ?? null,
    health.openedAt ?? null,
    health.updatedAt,
  );
}

/** `loadHealth`/`saveHealth` of one database as an object (what a chain's breakers need). */
export interface ProviderHealthStore {
  load(provider: string): ProviderHealth | undefined;
  save(provider: string, health: ProviderHealth): void;
}

/**
 * The `provider_health` table of `db` as a {@link ProviderHealthStore}, to hand to
 * `chainFromConfig` or `persistentBreaker` (`@lib/providers/chain_config.ts`) so circuit
 * breakers survive a restart. Each save is one statement (autocommit, or part of the caller's
 * open transaction).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { providerHealthStore } from "@lib/store/provider_health.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const health = providerHealthStore(db);
 * health.save("kraken", { state: "open", failures: 5, lastError: "HTTP 503", openedAt: 1, updatedAt: 1 });
 * assert.equal(health.load("kraken")?.failures, 5);
 * ```
 */
export function providerHealthStore(db: DatabaseSync): ProviderHealthStore {
  return {
    load: (provider) => loadHealth(db, provider),
    save: (provider, health) => saveHealth(db, provider, health),
  };
}
