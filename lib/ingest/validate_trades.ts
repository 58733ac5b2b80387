/**
 * Row checks for parsed trades before they reach the store.
 *
 * @module
 */
import type { TradeColumns } from "../core/types.ts";
import { type JumpOptions, markJumps, TRADE_JUMP_DEFAULTS } from "./gates/jump.ts";
import { REASONS, RULE_DEFAULTS, timeContext, tradeRule } from "./gates/rules.ts";
import type { ParsedTrades, RowProblem } from "./types.ts";

/** Options of {@link validateTrades}. */
export interface ValidateTradesOptions {
  /** The current time (UTC ms) for the not-in-the-future rule. Default `Date.now()`. */
  readonly now?: number;
  /** The jump rule (lib/ingest/gates/jump.ts trade defaults); `false` turns it off. */
  readonly jump?: JumpOptions | false;
}

/** Clean trades and what was refused on the way. */
export interface ValidatedTrades {
  /** Accepted trades in file order, one per trade id. */
  readonly trades: TradeColumns;
  /** For each accepted trade, its row index in the parse result. */
  readonly rowOf: Int32Array;
  /** Refused rows, in file order. */
  readonly problems: RowProblem[];
  /** Rows dropped because an identical trade with the same id came earlier in the file. */
  readonly duplicatesDropped: number;
}

/**
 * Check every parsed trade with the row rules of lib/ingest/gates/rules.ts (a readable time,
 * not before the venue existed or 2009-01-03, not in the future; a finite positive price and
 * quantity), then the jump rule over the kept trades in file order. Of several rows with one
 * trade id the first is kept; later identical rows are dropped silently (and counted), later
 * different rows are refused with the first.
 *
 * @example Bad price and quantity
 * ```ts
 * import { validateTrades } from "@lib/ingest/validate_trades.ts";
 * import { parseKrakenTradesCsv } from "@lib/ingest/formats/kraken_trades_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseKrakenTradesCsv("1672531436,90.54,1.1\n1672531471,abc,1.0\n1672531472,90.1,-1\n");
 * const v = validateTrades(p, "kraken", "BCHEUR", { now: Date.UTC(2024, 0, 1) });
 * assert.equal(v.trades.ts.length, 1);
 * assert.deepEqual(v.problems.map((x) => x.kind), ["price is not a finite number", "non-positive quantity"]);
 * ```
 */
export function validateTrades(
  p: ParsedTrades,
  venue: string,
  symbol: string,
  options: ValidateTradesOptions = {},
): ValidatedTrades {
  const ctx = timeContext(venue, options.now ?? Date.now(), RULE_DEFAULTS.tradeFutureToleranceMs);
  const problems: RowProblem[] = [...p.problems];
  const refuse = (i: number, kind: string, detail: string) =>
    problems.push({ ref: p.ref[i]!, raw: p.raw(i), kind, detail });
  const keep = new Int32Array(p.n);
  const byId = new Map<number | string, number>();
  // first rows of ids that later reappear with other values: none of that id's rows is kept
  const poisoned = new Set<number>();
  let kept = 0, duplicatesDropped = 0;
  for (let i = 0; i < p.n; i++) {
    const ts = p.ts[i]!, price = p.price[i]!, qty = p.qty[i]!;
    const rule = tradeRule(ts, price, qty, ctx);
    if (rule !== undefined) refuse(i, rule.kind, rule.detail);
    else {
      const id = p.tradeId[i]!;
      const prev = byId.get(id);
      if (prev === undefined) {
        byId.set(id, i);
        keep[kept++] = i;
      } else if (
        p.ts[prev] === ts && p.price[prev] === price && p.qty[prev] === qty &&
        p.side[prev] === p.side[i]
      ) duplicatesDropped++;
      else {
        refuse(
          i,
          REASONS.duplicateTradeId,
          `line/row ${p.ref[prev]} has trade id ${id} too; none of its rows is kept`,
        );
        if (!poisoned.has(prev)) {
          poisoned.add(prev);
          refuse(
            prev,
            REASONS.duplicateTradeId,
            `line/row ${p.ref[i]} has trade id ${id} too; none of its rows is kept`,
          );
        }
      }
    }
  }
  let rowOf = keep.slice(0, kept).filter((i) => !poisoned.has(i));
  if (options.jump !== false && rowOf.length > 0) {
    const jumps: (string | undefined)[] = new Array(rowOf.length).fill(undefined);
    markJumps(
      Float64Array.from(rowOf, (i) => p.price[i]!),
      jumps,
      options.jump ?? {},
      "trades",
      TRADE_JUMP_DEFAULTS,
      Float64Array.from(rowOf, (i) => p.ts[i]!),
    );
    const before = rowOf;
    rowOf = before.filter((i, j) => {
      if (jumps[j] === undefined) return true;
      refuse(i, REASONS.jump, jumps[j]!);
      return false;
    });
  }
  problems.sort((a, b) => a.ref - b.ref);
  const trades: TradeColumns = {
    venue,
    symbol,
    tradeId: Array.from(rowOf, (i) => p.tradeId[i]!),
    ts: Float64Array.from(rowOf, (i) => p.ts[i]!),
    price: Float64Array.from(rowOf, (i) => p.price[i]!),
    qty: Float64Array.from(rowOf, (i) => p.qty[i]!),
    side: Int8Array.from(rowOf, (i) => p.side[i]!),
  };
  return { trades, rowOf, problems, duplicatesDropped };
}
