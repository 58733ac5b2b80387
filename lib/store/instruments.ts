/**
 * The `instruments` table: what each venue lists.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { InstrumentKind } from "../core/types.ts";

/** One listed instrument. */
export interface Instrument {
  readonly venue: string;
  /** As the venue spells it. */
  readonly symbol: string;
  readonly base: string | null;
  readonly quote: string | null;
  readonly kind: InstrumentKind;
}

/**
 * Insert or refresh an instrument. `updated_at` changes only when the instrument's fields do;
 * pass `at` (UTC ms) to make the stored time deterministic (simulated data, tests).
 */
export function upsertInstrument(
  db: DatabaseSync,
  i: Instrument,
  source: string,
  at: number = Date.now(),
): void {
  db.prepare(
    `INSERT INTO instruments (venue, symbol, base, quote, kind, source, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (venue, symbol) DO UPDATE SET base = excluded.base, quote = excluded.quote,
       kind = excluded.kind, source = excluded.source, updated_at = excluded.updated_at
     WHERE instruments.base IS NOT excluded.base OR instruments.quote IS NOT excluded.quote
       OR instruments.kind IS NOT excluded.kind`,
  ).run(i.venue, i.symbol, i.base, i.quote, i.kind, source, at);
}

/** All instruments, ordered by venue and symbol. */
export function listInstruments(db: DatabaseSync): Instrument[] {
  return db.prepare(
    "SELECT venue, symbol, base, quote, kind FROM instruments ORDER BY venue, symbol",
  )
    .all().map((r) => ({
      venue: String(r.venue),
      symbol: String(r.symbol),
      base: r.base === null ? null : String(r.base),
      quote: r.quote === null ? null : String(r.quote),
      kind: String(r.kind) as InstrumentKind,
    }));
}
