/**
 * What every quality gate returns: the rows it let through and, for each row it refused, the
 * row's index in the input, the kind of refusal and a reason a user can act on.
 *
 * Gates are pure functions on columns: no I/O, no store, no clock (the caller passes `now`).
 * A task writes `accepted` and sends each rejected row to `quarantine` (lib/store/quarantine.ts)
 * with the row's raw text and `reason`, then goes on. The rules themselves and the reason
 * kinds are in lib/ingest/gates/rules.ts.
 *
 * @module
 */
import type { ReasonKind } from "./rules.ts";

/** One refused row: its index in the input batch and why it was refused, with the numbers. */
export interface GateRejection {
  /** 0-based index of the row in the batch given to the gate. */
  readonly index: number;
  /** The kind of refusal (one of `REASONS` in lib/ingest/gates/rules.ts), for counting. */
  readonly kind: ReasonKind;
  /** `kind: detail`, in words a user can act on, e.g. `non-positive price: close 0 <= 0`. */
  readonly reason: string;
}

/** The result of a gate: accepted rows (same shape as the input) and refused rows, by index. */
export interface GateResult<T> {
  readonly accepted: T;
  /** Refused rows in ascending index order, one entry per row (its first failed check). */
  readonly rejected: GateRejection[];
}

/** A row left out without being wrong: a repeat of a kept row, exact or with fewer decimals. */
export interface GateDrop {
  /** 0-based index of the dropped row in the input batch. */
  readonly index: number;
  /** Index of the row kept in its place. */
  readonly keptIndex: number;
  /** `identical`: the same values; `rounded`: the kept row says the same with more precision. */
  readonly kind: "identical" | "rounded";
}
