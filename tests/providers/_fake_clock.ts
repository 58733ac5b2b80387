/**
 * A fake clock for the resilience tests: `sleep(ms)` advances time at once instead of waiting,
 * and every wait is recorded.
 *
 * @module
 */

/** A clock whose time only moves when someone sleeps or calls `advance`. */
export interface FakeClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  advance(ms: number): void;
  /** Every `sleep` argument, in order. */
  readonly sleeps: number[];
}

/** A fake clock starting at `start` (UTC ms). */
export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep(ms: number): Promise<void> {
      if (!(ms >= 0)) throw new RangeError(`fake sleep of ${ms} ms`);
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    advance(ms: number): void {
      t += ms;
    },
    sleeps,
  };
}
