/**
 * A circuit breaker per provider: stop calling a venue that keeps failing, try it again after a
 * cool-down, and remember across restarts that it was down.
 *
 * States (Michael Nygard, "Release It!", 2nd ed., 2018, ch. 5 "Circuit Breaker"; also
 * https://martinfowler.com/bliki/CircuitBreaker.html):
 * - `closed`: calls go through. After `failureThreshold` consecutive failures, or when the
 *   failure rate over the last `rateWindow` calls reaches `failureRate` (once at least
 *   `rateWindow` calls were seen), it opens.
 * - `open`: calls are rejected at once with a {@link CircuitOpenError} until `cooldownMs` has
 *   passed since it opened, so a fallback chain moves to the next venue without waiting for a
 *   timeout.
 * - `half_open`: after the cool-down one trial call goes through (others are still rejected
 *   while it runs). Success closes the breaker; failure opens it again for another cool-down.
 *
 * The state is a plain object ({@link BreakerState}) handed to `persist` on every change and
 * accepted back as `initial`, so a task can keep it in the store's `provider_health` table
 * (`loadHealth` / `saveHealth` in `@lib/store/provider_health.ts`) and a restarted task does
 * not hammer a venue that was down a minute ago. Without `persist` it is pure and in-memory.
 *
 * @module
 */

/** The persisted state of a breaker (the columns of `provider_health`). */
export interface BreakerState {
  readonly state: "closed" | "open" | "half_open";
  /** Consecutive failures (reset by a success). */
  readonly failures: number;
  readonly lastError: string | undefined;
  /** When it last opened (UTC ms), or undefined when it never did since last closing. */
  readonly openedAt: number | undefined;
  readonly updatedAt: number;
}

/** Thrown instead of calling a provider whose breaker is open. Never retried. */
export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  constructor(
    readonly provider: string,
    /** When the next trial call will be let through (UTC ms). */
    readonly retryAt: number,
    readonly lastError: string | undefined,
  ) {
    super(
      `${provider}: circuit open after repeated failures (last: ${
        lastError ?? "unknown"
      }); next trial at ${new Date(retryAt).toISOString()}`,
    );
  }
}

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  readonly provider: string;
  /** Consecutive failures that open the breaker; integer >= 1. Default 5. */
  readonly failureThreshold?: number;
  /** Failure share in (0, 1] over the last `rateWindow` calls that opens it. Default: off. */
  readonly failureRate?: number;
  /** Calls the failure rate is measured over; integer >= 1. Default 20. */
  readonly rateWindow?: number;
  /** How long it stays open before a trial call. Default 60,000 ms. */
  readonly cooldownMs?: number;
  readonly now: () => number;
  /** State to start from (e.g. `loadHealth(db, provider)`); default closed. */
  readonly initial?: BreakerState | undefined;
  /** Called with the new state after every change (e.g. `saveHealth(db, provider, s)`). */
  readonly persist?: (state: BreakerState) => void;
}

/** A circuit breaker guarding one provider. */
export interface CircuitBreaker {
  readonly provider: string;
  /** Current state; an open breaker past its cool-down still reads `open` until a call. */
  state(): BreakerState;
  /** Run `fn` through the breaker: rejected with {@link CircuitOpenError} when open. */
  call<T>(fn: () => Promise<T>): Promise<T>;
}

function checkInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(
      `Cannot create a circuit breaker: ${name} must be an integer >= 1, got ${v}`,
    );
  }
}

/**
 * Create a circuit breaker for one provider.
 *
 * @example Opens after two failures, lets a trial through after the cool-down
 * ```ts
 * import { CircuitOpenError, createCircuitBreaker } from "@lib/providers/circuit_breaker.ts";
 * import assert from "node:assert/strict";
 * let t = 0;
 * const b = createCircuitBreaker({ provider: "kraken", failureThreshold: 2, cooldownMs: 1000, now: () => t });
 * const fail = () => Promise.reject(new Error("HTTP 503"));
 * for (let i = 0; i < 2; i++) await assert.rejects(b.call(fail), /503/);
 * assert.equal(b.state().state, "open");
 * await assert.rejects(b.call(() => Promise.resolve(1)), CircuitOpenError);
 * t = 1000;
 * assert.equal(await b.call(() => Promise.resolve(1)), 1);
 * assert.equal(b.state().state, "closed");
 * ```
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { provider, now } = options;
  const failureThreshold = options.failureThreshold ?? 5;
  const rateWindow = options.rateWindow ?? 20;
  const cooldownMs = options.cooldownMs ?? 60_000;
  const failureRate = options.failureRate;
  checkInt("failureThreshold", failureThreshold);
  checkInt("rateWindow", rateWindow);
  if (!(cooldownMs >= 0) || !Number.isFinite(cooldownMs)) {
    throw new RangeError(
      `Cannot create a circuit breaker: cooldownMs must be a finite number >= 0, got ${cooldownMs}`,
    );
  }
  if (failureRate !== undefined && !(failureRate > 0 && failureRate <= 1)) {
    throw new RangeError(
      `Cannot create a circuit breaker: failureRate must be in (0, 1], got ${failureRate}`,
    );
  }
  // a half_open state loaded from the store had its trial interrupted by the restart: treat it
  // as open since then, so the next call after the cool-down is a fresh trial
  let s: BreakerState = options.initial === undefined
    ? { state: "closed", failures: 0, lastError: undefined, openedAt: undefined, updatedAt: now() }
    : options.initial.state === "half_open"
    ? { ...options.initial, state: "open", openedAt: options.initial.openedAt ?? now() }
    : options.initial;
  let trialRunning = false;
  // outcomes of the last rateWindow calls in closed state, 1 = failure, as a ring
  const outcomes = new Uint8Array(rateWindow);
  let seen = 0;
  let failedInWindow = 0;

  function set(next: BreakerState): void {
    s = next;
    options.persist?.(s);
  }

  function record(failed: boolean): boolean {
    const slot = seen % rateWindow;
    if (seen >= rateWindow) failedInWindow -= outcomes[slot]!;
    outcomes[slot] = failed ? 1 : 0;
    failedInWindow += failed ? 1 : 0;
    seen++;
    return failureRate !== undefined && seen >= rateWindow &&
      failedInWindow / rateWindow >= failureRate;
  }

  function open(t: number, failures: number, lastError: string): void {
    outcomes.fill(0);
    seen = 0;
    failedInWindow = 0;
    set({ state: "open", failures, lastError, openedAt: t, updatedAt: t });
  }

  return {
    provider,
    state: () => s,
    async call<T>(fn: () => Promise<T>): Promise<T> {
      const t0 = now();
      let trial = false;
      if (s.state !== "closed") {
        const retryAt = (s.openedAt ?? t0) + cooldownMs;
        if (trialRunning || t0 < retryAt) {
          throw new CircuitOpenError(provider, trialRunning ? t0 : retryAt, s.lastError);
        }
        trial = true;
        trialRunning = true;
        set({ ...s, state: "half_open", updatedAt: t0 });
      }
      let value: T;
      try {
        value = await fn();
      } catch (e) {
        const t = now();
        const msg = e instanceof Error ? e.message : String(e);
        const failures = s.failures + 1;
        if (trial) {
          trialRunning = false;
          open(t, failures, msg);
        } else if (record(true) || failures >= failureThreshold) {
          open(t, failures, msg);
        } else {
          set({ ...s, failures, lastError: msg, updatedAt: t });
        }
        throw e;
      }
      if (trial) {
        trialRunning = false;
        set({
          state: "closed",
          failures: 0,
          lastError: s.lastError,
          openedAt: undefined,
          updatedAt: now(),
        });
      } else {
        record(false);
        if (s.failures !== 0) set({ ...s, failures: 0, updatedAt: now() });
      }
      return value;
    },
  };
}
