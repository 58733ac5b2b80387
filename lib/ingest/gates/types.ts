/**
 * What every quality gate returns: the rows it let through and, for each row it refused, the
 * row's index in the input and a reason a user can act on.
 *
 * Gates are pure functions on columns: no I/O, no store, no clock (the caller passes `now`).
 * A task writes `accepted` and sends each rejected row to `quarantine` (lib/store/quarantine.ts)
 * with the row's raw text and `reason`, then goes on.
 *
 * @module
 */

/** One refused row: its index in the input batch and why it was refused, with the numbers. */
export interface GateRejection {
  /** 0-based index of the row in the batch given to the gate. */
  readonly index: number;
  /** Why, in words a user can act on, e.g. `price 0 <= 0`. */
  readonly reason: string;
}

/** The result of a gate: accepted rows (same shape as the input) and refused rows, by index. */
export interface GateResult<T> {
  readonly accepted: T;
  /** Refused rows in ascending index order, one entry per row (its first failed check). */
  readonly rejected: GateRejection[];
}
