/**
 * Paper trading in the store (migration 11): accounts, orders, fills and per-bar marks, all
 * append-only (triggers refuse UPDATE and DELETE).
 *
 * - `monitor_paper_accounts`: one row per book (`rule` or `manual`) of a pair, frequency and
 *   parameter set; the id is derived from them ({@link paperAccountId}), so a monitor restarted
 *   with the same flags finds its account and one started with other parameters opens another.
 * - `monitor_paper_orders`: the rule's decisions (entries, exits, stops) and the manual orders.
 *   A manual order is stored when it is placed, before it is filled: a monitor killed before
 *   the next bar still fills it after the restart. Its id is the caller's idempotency key.
 * - `monitor_paper_fills`: each leg's fill (units, price, traded weight, costs per model).
 * - `monitor_paper_marks`: the book after every bar (prices, equity, cash, units, position);
 *   the last mark is the state a restart resumes from ({@link loadPaperState}).
 *
 * {@link appendPaperStep} writes one step's orders, fills and marks in ONE transaction, so a kill
 * -9 leaves either the whole bar or none of it, and the resumed book redoes exactly the bars
 * whose marks are missing: no fill is lost or doubled.
 *
 * The row types here mirror `lib/monitor`'s `PaperState`, `PaperOrder`, `PaperFill` and
 * `PaperMark` (the store is below that layer and cannot import them; the shapes are the same).
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { createHash } from "node:crypto";
import { withTransaction } from "./db.ts";

/** What identifies a paper book. */
export interface PaperAccountSpec {
  readonly book: "rule" | "manual";
  readonly venue: string;
  /** The regressed leg y and the hedge leg x. */
  readonly ySymbol: string;
  readonly xSymbol: string;
  readonly freq: string;
  /** The rule options and a description of the cost models (stored as canonical JSON). */
  readonly params: unknown;
  readonly initialEquity: number;
}

/** A stored account. */
export interface StoredPaperAccount extends PaperAccountSpec {
  readonly accountId: string;
  /** Canonical JSON of `params`. */
  readonly paramsJson: string;
  readonly createdAt: number;
}

/** Same shape as lib/monitor `PaperState`. */
export interface PaperStateRow {
  readonly row: number;
  readonly ts: number | null;
  readonly cash: number;
  readonly unitsY: number;
  readonly unitsX: number;
  readonly priceY: number;
  readonly priceX: number;
  readonly equity: number;
  readonly position: -1 | 0 | 1;
  readonly halted: boolean;
}

/** Same shape as lib/monitor `PaperOrder`. */
export interface PaperOrderRow {
  readonly id: string;
  readonly source: "rule" | "manual";
  readonly action: "open-long" | "open-short" | "exit" | "stop" | "close";
  readonly decidedTs: number;
  readonly targetY: number;
  readonly targetX: number;
  readonly hedgeRatio: number;
  readonly z: number;
}

/** Same shape as lib/monitor `PaperFill`. */
export interface PaperFillRow {
  readonly ts: number;
  readonly row: number;
  readonly leg: 0 | 1;
  readonly qty: number;
  readonly price: number;
  readonly tradedWeight: number;
  readonly cost: number;
  readonly costs: Readonly<Record<string, number>>;
  readonly orderId: string | null;
}

/** Same shape as lib/monitor `PaperMark`. */
export interface PaperMarkRow {
  readonly row: number;
  readonly ts: number;
  readonly priceY: number;
  readonly priceX: number;
  readonly equity: number;
  readonly cost: number;
  readonly cash: number;
  readonly unitsY: number;
  readonly unitsX: number;
  readonly position: -1 | 0 | 1;
  readonly z: number;
  readonly hedgeRatio: number;
  readonly halted: boolean;
}

/** A stored fill: a {@link PaperFillRow} with its leg's symbol. */
export interface StoredPaperFill extends PaperFillRow {
  readonly symbol: string;
}

/** A stored order with the time it was written. */
export interface StoredPaperOrder extends PaperOrderRow {
  readonly createdAt: number;
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) {
      throw new RangeError(`Cannot store paper account parameters: ${v} is not a finite number`);
    }
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  throw new TypeError(`Cannot store paper account parameters: ${typeof v} is not JSON`);
}

/**
 * The account id of a spec: `${book}:${venue}:${y}:${x}:${freq}:` and the first 12 hex digits
 * of the SHA-256 of the canonical JSON of `{params, initialEquity}`.
 *
 * @example
 * ```ts
 * import { paperAccountId } from "@lib/store/monitor_paper.ts";
 * import assert from "node:assert/strict";
 * const spec = { book: "rule" as const, venue: "binance", ySymbol: "BTCUSDT", xSymbol: "ETHUSDT", freq: "1m", params: { entry: 2 }, initialEquity: 1e6 };
 * assert.equal(paperAccountId(spec), paperAccountId({ ...spec, params: { entry: 2 } }));
 * assert.notEqual(paperAccountId(spec), paperAccountId({ ...spec, params: { entry: 2.5 } }));
 * assert.ok(paperAccountId(spec).startsWith("rule:binance:BTCUSDT:ETHUSDT:1m:"));
 * ```
 */
export function paperAccountId(spec: PaperAccountSpec): string {
  const h = createHash("sha256")
    .update(canonicalJson({ params: spec.params, initialEquity: spec.initialEquity }))
    .digest("hex")
    .slice(0, 12);
  return `${spec.book}:${spec.venue}:${spec.ySymbol}:${spec.xSymbol}:${spec.freq}:${h}`;
}

function rowToAccount(r: Record<string, SQLInputValue>): StoredPaperAccount {
  const paramsJson = String(r.params);
  return {
    accountId: String(r.account_id),
    book: String(r.book) as "rule" | "manual",
    venue: String(r.venue),
    ySymbol: String(r.y_symbol),
    xSymbol: String(r.x_symbol),
    freq: String(r.freq),
    params: JSON.parse(paramsJson),
    paramsJson,
    initialEquity: Number(r.initial_equity),
    createdAt: Number(r.created_at),
  };
}

/**
 * The account of `spec`, created (appended) when it does not exist yet. A restarted monitor with
 * the same pair, frequency, parameters and starting equity gets the same account back.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { ensurePaperAccount } from "@lib/store/monitor_paper.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const spec = { book: "rule" as const, venue: "binance", ySymbol: "BTCUSDT", xSymbol: "ETHUSDT", freq: "1m", params: { entry: 2 }, initialEquity: 1e6 };
 * const a = ensurePaperAccount(db, spec, 1000);
 * assert.equal(ensurePaperAccount(db, spec, 2000).createdAt, 1000);
 * assert.deepEqual(a.params, { entry: 2 });
 * ```
 */
export function ensurePaperAccount(
  db: DatabaseSync,
  spec: PaperAccountSpec,
  now: number = Date.now(),
): StoredPaperAccount {
  if (!(spec.initialEquity > 0) || !Number.isFinite(spec.initialEquity)) {
    throw new RangeError(
      `Cannot open a paper account: initialEquity must be a positive amount, got ${spec.initialEquity}`,
    );
  }
  const id = paperAccountId(spec);
  db.prepare(
    `INSERT INTO monitor_paper_accounts (account_id, book, venue, y_symbol, x_symbol, freq, params,
       initial_equity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id) DO NOTHING`,
  ).run(
    id,
    spec.book,
    spec.venue,
    spec.ySymbol,
    spec.xSymbol,
    spec.freq,
    canonicalJson(spec.params),
    spec.initialEquity,
    now,
  );
  return getPaperAccount(db, id)!;
}

/** One account by id, or undefined. */
export function getPaperAccount(
  db: DatabaseSync,
  accountId: string,
): StoredPaperAccount | undefined {
  const r = db.prepare("SELECT * FROM monitor_paper_accounts WHERE account_id = ?").get(accountId);
  return r === undefined ? undefined : rowToAccount(r as Record<string, SQLInputValue>);
}

/** Every account, oldest first. */
export function listPaperAccounts(db: DatabaseSync): StoredPaperAccount[] {
  return (db.prepare("SELECT * FROM monitor_paper_accounts ORDER BY created_at, account_id")
    .all() as Record<string, SQLInputValue>[]).map(rowToAccount);
}

const num = (v: number): number | null => (Number.isFinite(v) ? v : null);
const back = (
  v: SQLInputValue | undefined,
): number => (v === null || v === undefined ? NaN : Number(v));

/** The order id as stored: ids are per account, the table's key is global. */
function storedOrderId(accountId: string, id: string): string {
  return `${accountId}/${id}`;
}

function insertOrder(
  db: DatabaseSync,
  accountId: string,
  o: PaperOrderRow,
  now: number,
): boolean {
  const r = db.prepare(
    `INSERT INTO monitor_paper_orders (order_id, account_id, source, action, decided_ts, target_y,
       target_x, hedge_ratio, z, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (order_id) DO NOTHING`,
  ).run(
    storedOrderId(accountId, o.id),
    accountId,
    o.source,
    o.action,
    o.decidedTs,
    o.targetY,
    o.targetX,
    num(o.hedgeRatio),
    num(o.z),
    now,
  );
  return Number(r.changes) > 0;
}

/**
 * Store a manual order as soon as it is placed (before its fill). Returns false when an order
 * with this id is already stored (a repeated request): nothing is written.
 */
export function insertManualOrder(
  db: DatabaseSync,
  accountId: string,
  order: PaperOrderRow,
  now: number = Date.now(),
): boolean {
  if (order.source !== "manual") {
    throw new RangeError(`Cannot store a manual order with source ${order.source}`);
  }
  return insertOrder(db, accountId, order, now);
}

/**
 * Append one paper step (the orders, fills and marks `advancePaperRule` or `advancePaperManual`
 * returned) in one transaction. Rule orders already stored are skipped (manual orders were
 * stored when placed); a mark or fill for a bar already stored is an error (two monitors on
 * one account, or a state that was not loaded from this store).
 */
export function appendPaperStep(
  db: DatabaseSync,
  account: Pick<StoredPaperAccount, "accountId" | "ySymbol" | "xSymbol">,
  step: {
    readonly orders: readonly PaperOrderRow[];
    readonly fills: readonly PaperFillRow[];
    readonly marks: readonly PaperMarkRow[];
  },
  now: number = Date.now(),
): void {
  const id = account.accountId;
  const fill = db.prepare(
    `INSERT INTO monitor_paper_fills (account_id, bar_ts, leg, symbol, order_id, qty, price,
       traded_weight, cost, costs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const mark = db.prepare(
    `INSERT INTO monitor_paper_marks (account_id, bar_ts, row, price_y, price_x, equity, cost,
       cash, units_y, units_x, position, z, hedge_ratio, halted)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  withTransaction(db, () => {
    for (const o of step.orders) insertOrder(db, id, o, now);
    for (const f of step.fills) {
      fill.run(
        id,
        f.ts,
        f.leg,
        f.leg === 0 ? account.ySymbol : account.xSymbol,
        f.orderId,
        f.qty,
        f.price,
        f.tradedWeight,
        f.cost,
        JSON.stringify(f.costs),
      );
    }
    for (const m of step.marks) {
      mark.run(
        id,
        m.ts,
        m.row,
        num(m.priceY),
        num(m.priceX),
        m.equity,
        m.cost,
        m.cash,
        m.unitsY,
        m.unitsX,
        m.position,
        num(m.z),
        num(m.hedgeRatio),
        m.halted ? 1 : 0,
      );
    }
  });
}

function rowToMark(r: Record<string, SQLInputValue>): PaperMarkRow {
  return {
    row: Number(r.row),
    ts: Number(r.bar_ts),
    priceY: back(r.price_y),
    priceX: back(r.price_x),
    equity: Number(r.equity),
    cost: Number(r.cost),
    cash: Number(r.cash),
    unitsY: Number(r.units_y),
    unitsX: Number(r.units_x),
    position: Number(r.position) as -1 | 0 | 1,
    z: back(r.z),
    hedgeRatio: back(r.hedge_ratio),
    halted: Number(r.halted) === 1,
  };
}

/** What {@link loadPaperState} returns. */
export interface LoadedPaperState {
  /** The state to resume from (all cash at `initialEquity` when nothing was processed). */
  readonly state: PaperStateRow;
  /**
   * Open time of the account's first processed bar (null before any): the bars given to the
   * engine must start there (row 0), as they did when the account began.
   */
  readonly firstTs: number | null;
}

/**
 * The state after the account's last stored mark, what `advancePaperRule` / `advancePaperManual`
 * resume from after a restart.
 */
export function loadPaperState(db: DatabaseSync, accountId: string): LoadedPaperState {
  const acc = getPaperAccount(db, accountId);
  if (acc === undefined) {
    throw new RangeError(
      `Cannot load paper account ${accountId}: it is not in the store; create it with ensurePaperAccount`,
    );
  }
  const last = db.prepare(
    "SELECT * FROM monitor_paper_marks WHERE account_id = ? ORDER BY bar_ts DESC LIMIT 1",
  ).get(accountId) as Record<string, SQLInputValue> | undefined;
  if (last === undefined) {
    return {
      state: {
        row: 0,
        ts: null,
        cash: acc.initialEquity,
        unitsY: 0,
        unitsX: 0,
        priceY: NaN,
        priceX: NaN,
        equity: acc.initialEquity,
        position: 0,
        halted: false,
      },
      firstTs: null,
    };
  }
  const first = db.prepare(
    "SELECT min(bar_ts) AS ts FROM monitor_paper_marks WHERE account_id = ?",
  ).get(accountId);
  const m = rowToMark(last);
  return {
    state: {
      row: m.row + 1,
      ts: m.ts,
      cash: m.cash,
      unitsY: m.unitsY,
      unitsX: m.unitsX,
      priceY: m.priceY,
      priceX: m.priceX,
      equity: m.equity,
      position: m.position,
      halted: m.halted,
    },
    firstTs: Number(first?.ts),
  };
}

function rowToOrder(accountId: string, r: Record<string, SQLInputValue>): StoredPaperOrder {
  return {
    id: String(r.order_id).slice(accountId.length + 1),
    source: String(r.source) as "rule" | "manual",
    action: String(r.action) as PaperOrderRow["action"],
    decidedTs: Number(r.decided_ts),
    targetY: Number(r.target_y),
    targetX: Number(r.target_x),
    hedgeRatio: back(r.hedge_ratio),
    z: back(r.z),
    createdAt: Number(r.created_at),
  };
}

/**
 * Manual orders not processed yet: decided at or after the last mark's bar (an order decided at
 * the close of bar t fills at bar t + 1's close), oldest first.
 */
export function pendingManualOrders(db: DatabaseSync, accountId: string): StoredPaperOrder[] {
  const last = db.prepare(
    "SELECT max(bar_ts) AS ts FROM monitor_paper_marks WHERE account_id = ?",
  ).get(accountId);
  const since = last?.ts === null || last?.ts === undefined ? -Infinity : Number(last.ts);
  return (db.prepare(
    `SELECT * FROM monitor_paper_orders WHERE account_id = ? AND source = 'manual'
       AND decided_ts >= ? ORDER BY decided_ts, created_at, order_id`,
  ).all(accountId, since === -Infinity ? -Number.MAX_VALUE : since) as Record<
    string,
    SQLInputValue
  >[]).map((r) => rowToOrder(accountId, r));
}

/** Options of the list functions: `sinceTs` (bar time, inclusive) and the newest `limit` rows. */
export interface PaperListOptions {
  readonly sinceTs?: number;
  /** @default 100_000 */
  readonly limit?: number;
}

function listRows(
  db: DatabaseSync,
  table: "monitor_paper_marks" | "monitor_paper_orders",
  tsColumn: "bar_ts" | "decided_ts",
  order: string,
  accountId: string,
  options: PaperListOptions,
): Record<string, SQLInputValue>[] {
  const limit = options.limit ?? 100_000;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Cannot list ${table}: limit must be an integer >= 1, got ${limit}`);
  }
  const desc = order.split(",").map((c) => `${c.trim()} DESC`).join(", ");
  return db.prepare(
    `SELECT * FROM (SELECT * FROM ${table} WHERE account_id = ? AND ${tsColumn} >= ?
       ORDER BY ${desc} LIMIT ?) ORDER BY ${order}`,
  ).all(accountId, options.sinceTs ?? -Number.MAX_VALUE, limit) as Record<string, SQLInputValue>[];
}

/** The account's marks (its equity curve and positions per bar), oldest first. */
export function listPaperMarks(
  db: DatabaseSync,
  accountId: string,
  options: PaperListOptions = {},
): PaperMarkRow[] {
  return listRows(db, "monitor_paper_marks", "bar_ts", "bar_ts", accountId, options).map(
    rowToMark,
  );
}

/** The account's fills (its trade history), oldest first. */
export function listPaperFills(
  db: DatabaseSync,
  accountId: string,
  options: PaperListOptions = {},
): StoredPaperFill[] {
  const limit = options.limit ?? 100_000;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Cannot list paper fills: limit must be an integer >= 1, got ${limit}`);
  }
  // the row of each fill is its bar's mark's (written in the same transaction)
  const rows = db.prepare(
    `SELECT * FROM (SELECT f.*, m.row AS mark_row FROM monitor_paper_fills f
       LEFT JOIN monitor_paper_marks m ON m.account_id = f.account_id AND m.bar_ts = f.bar_ts
       WHERE f.account_id = ? AND f.bar_ts >= ? ORDER BY f.bar_ts DESC, f.leg DESC LIMIT ?)
     ORDER BY bar_ts, leg`,
  ).all(accountId, options.sinceTs ?? -Number.MAX_VALUE, limit) as Record<string, SQLInputValue>[];
  return rows.map((r) => ({
    ts: Number(r.bar_ts),
    row: r.mark_row === null ? NaN : Number(r.mark_row),
    leg: Number(r.leg) as 0 | 1,
    symbol: String(r.symbol),
    qty: Number(r.qty),
    price: Number(r.price),
    tradedWeight: Number(r.traded_weight),
    cost: Number(r.cost),
    costs: JSON.parse(String(r.costs)) as Record<string, number>,
    orderId: r.order_id === null ? null : String(r.order_id),
  }));
}

/** The account's orders (rule decisions and manual orders), oldest first. */
export function listPaperOrders(
  db: DatabaseSync,
  accountId: string,
  options: PaperListOptions = {},
): StoredPaperOrder[] {
  return listRows(
    db,
    "monitor_paper_orders",
    "decided_ts",
    "decided_ts, order_id",
    accountId,
    options,
  )
    .map((r) => rowToOrder(accountId, r));
}
