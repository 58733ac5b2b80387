/**
 * A researcher's own signal as input: a function of the panel, a panel-shaped array, or a long
 * table of (timestamp, asset, value) rows from a CSV or Parquet file, put on the panel's grid.
 *
 * @module
 */
import type { Panel } from "../panel/types.ts";

/** A signal in long format: one row per (bar, asset). */
export interface LongSignal {
  /** Bar open time of each row, UTC epoch ms. */
  readonly ts: Float64Array;
  /** Asset of each row (the panel's asset names). */
  readonly asset: readonly string[];
  /** Signal value of each row; NaN = no value. */
  readonly value: Float64Array;
  /** Where the rows came from, for messages (a file name). @default "the signal table" */
  readonly source?: string;
}

/** Any signal `signalTearSheet` accepts. */
export type SignalInput =
  /** Computed from the panel: row t must use data up to bar t's close only (checked). */
  | ((panel: Panel) => readonly ArrayLike<number>[])
  /** Asset-major values on the panel's grid: `signal[a][t]`, one column per panel asset. */
  | readonly ArrayLike<number>[]
  /** Long rows, aligned by {@link alignSignal}. */
  | LongSignal;

/** What {@link alignSignal} returns. */
export interface AlignedSignal {
  /** `signal[a][t]` on the panel's grid, NaN where the table has no row. */
  readonly signal: Float64Array[];
  /** Rows placed on the grid. */
  readonly matched: number;
  /** Rows whose asset is not in the panel, by asset (dropped). */
  readonly unknownAssets: Readonly<Record<string, number>>;
  /** Rows whose time is not a bar open time of the panel (dropped). */
  readonly offGrid: number;
  /** The first (up to 5) times of rows off the grid, UTC epoch ms, for messages. */
  readonly offGridExamples: readonly number[];
  /** Rows without a value (NaN: an empty cell, `nan`, null; left NaN on the grid). */
  readonly missingValues: number;
}

/**
 * A signal table that cannot be used on a panel: no row lands on a bar of it, or no row that
 * does has a value. The message says which assets and times did not match.
 */
export class SignalAlignmentError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "SignalAlignmentError";
  }
}

const iso = (ts: number) =>
  Number.isFinite(ts) && Math.abs(ts) < 8.64e15
    ? new Date(ts).toISOString().replace(":00.000Z", "Z")
    : String(ts);

/**
 * Throw a {@link SignalAlignmentError} when an aligned table gives the panel nothing: no row
 * landed on a bar (saying which assets the panel does not hold, which times are off its bar
 * grid, and the panel's assets, bars and frequency), or every row that landed had no value.
 * Called by `signalTearSheet` before anything is computed or recorded.
 *
 * @example Wrong asset names
 * ```ts
 * import { alignSignal, requireSignalPlaced } from "@lib/research/signal_input.ts";
 * import assert from "node:assert/strict";
 * const panel = { assets: ["BTCUSDT"], index: Float64Array.of(0, 3_600_000), freq: "1h" as const };
 * const long = { ts: Float64Array.of(0), asset: ["BTC"], value: Float64Array.of(1) };
 * assert.throws(() => requireSignalPlaced(alignSignal(long, panel), long, panel), /BTC \(1 row\)/);
 * ```
 */
export function requireSignalPlaced(
  aligned: AlignedSignal,
  long: LongSignal,
  panel: Pick<Panel, "assets" | "index" | "freq">,
): void {
  const src = long.source ?? "the signal table";
  const T = panel.index.length, N = panel.assets.length;
  const bars = T === 0
    ? "no bars"
    : `${T} ${panel.freq} bars opening from ${iso(panel.index[0]!)} to ${iso(panel.index[T - 1]!)}`;
  const assets = `${panel.assets.slice(0, 10).join(", ")}${N > 10 ? `, ... (${N})` : ""}`;
  if (aligned.matched === 0) {
    const why: string[] = [];
    const unknown = Object.entries(aligned.unknownAssets);
    if (unknown.length > 0) {
      why.push(
        `${unknown.length} asset name${unknown.length === 1 ? " is" : "s are"} not in the ` +
          `panel: ${
            unknown.slice(0, 10).map(([a, c]) => `${a} (${c} row${c === 1 ? "" : "s"})`).join(
              ", ",
            )
          }${unknown.length > 10 ? ", ..." : ""} (the panel's assets: ${assets})`,
      );
    }
    if (aligned.offGrid > 0) {
      let lo = Infinity, hi = -Infinity;
      for (const t of long.ts) {
        if (t < lo) lo = t;
        if (t > hi) hi = t;
      }
      const seconds = hi < 1e11 && hi > 1e8
        ? " (these look like epoch SECONDS: give milliseconds or ISO 8601)"
        : "";
      why.push(
        `${aligned.offGrid} row${aligned.offGrid === 1 ? "'s time is" : "s' times are"} not ` +
          `a bar open time of the panel, e.g. ${
            aligned.offGridExamples.map(iso).join(", ")
          }; the file's times run from ${iso(lo)} to ${iso(hi)}${seconds}, the panel has ${bars}`,
      );
    }
    throw new SignalAlignmentError(
      `Cannot use ${src}: no row of its ${long.ts.length} fell on a bar of the panel: ` +
        `${why.join("; ")}. Use the panel's asset names and bar open times in UTC.`,
    );
  }
  let cells = 0;
  for (const c of aligned.signal) for (const v of c) if (v === v) cells++;
  if (cells === 0) {
    throw new SignalAlignmentError(
      `Cannot use ${src}: its ${aligned.matched} rows on the panel's bars all have no value ` +
        `(empty or NaN); there is nothing to evaluate`,
    );
  }
}

/**
 * Put a long signal table on a panel's grid: the row (ts, asset, value) becomes
 * `signal[asset][t]` for the bar `t` whose open time is exactly `ts`. A value dated `ts` is
 * read as known at that bar's close, as every built-in signal is (row t from data up to bar t),
 * so it is scored against returns from bar t + 1 on and traded at the earliest at bar t's
 * close plus the backtest's lag. Rows of assets the panel does not hold, and rows off the bar
 * grid, are dropped and counted (a report shows the counts); NaN is a missing value; two rows
 * for the same bar and asset, and an infinite value, are errors naming the row.
 * O(rows + T x assets).
 *
 * @example Two assets, one row off the grid
 * ```ts
 * import { alignSignal } from "@lib/research/signal_input.ts";
 * import assert from "node:assert/strict";
 * const panel = { assets: ["BTCUSDT", "ETHUSDT"], index: Float64Array.of(0, 3_600_000) };
 * const a = alignSignal({ ts: Float64Array.of(0, 3_600_000, 1800_000), asset: ["BTCUSDT", "ETHUSDT", "BTCUSDT"],
 *   value: Float64Array.of(1, 2, 3) }, panel);
 * assert.deepEqual([...a.signal[0]!], [1, NaN]);
 * assert.deepEqual([...a.signal[1]!], [NaN, 2]);
 * assert.equal(a.offGrid, 1);
 * ```
 */
export function alignSignal(
  long: LongSignal,
  panel: Pick<Panel, "assets" | "index">,
): AlignedSignal {
  const n = long.ts.length;
  const src = long.source ?? "the signal table";
  if (long.asset.length !== n || long.value.length !== n) {
    throw new RangeError(
      `Cannot align ${src}: ${n} times, ${long.asset.length} assets and ${long.value.length} ` +
        `values; every row needs all three`,
    );
  }
  const T = panel.index.length;
  const col = new Map(panel.assets.map((a, i) => [a, i]));
  const row = new Map<number, number>();
  for (let t = 0; t < T; t++) row.set(panel.index[t]!, t);
  const signal = panel.assets.map(() => new Float64Array(T).fill(NaN));
  const seen = new Uint8Array(T * panel.assets.length);
  const unknownAssets: Record<string, number> = {};
  let matched = 0, offGrid = 0, missingValues = 0;
  const offGridExamples: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = long.value[i]!;
    if (v === Infinity || v === -Infinity) {
      throw new RangeError(
        `Cannot align ${src}: row ${i + 1} (${long.asset[i]} at ${iso(long.ts[i]!)}) has an ` +
          `infinite value (${v}); a signal value must be a finite number, or NaN for none`,
      );
    }
    const a = col.get(long.asset[i]!);
    if (a === undefined) {
      unknownAssets[long.asset[i]!] = (unknownAssets[long.asset[i]!] ?? 0) + 1;
      continue;
    }
    const t = row.get(long.ts[i]!);
    if (t === undefined) {
      offGrid++;
      if (offGridExamples.length < 5 && !offGridExamples.includes(long.ts[i]!)) {
        offGridExamples.push(long.ts[i]!);
      }
      continue;
    }
    const k = a * T + t;
    if (seen[k]) {
      throw new RangeError(
        `Cannot align ${src}: two rows for ${long.asset[i]} at ` +
          `${new Date(long.ts[i]!).toISOString()} (row ${
            i + 1
          } repeats an earlier row); keep one ` +
          `value per bar and asset`,
      );
    }
    seen[k] = 1;
    matched++;
    if (v === v) signal[a]![t] = v;
    else missingValues++;
  }
  return { signal, matched, unknownAssets, offGrid, offGridExamples, missingValues };
}

const TIME_NAMES = ["ts", "timestamp", "time", "date", "datetime"];
/** Cells read as "no value" (pandas writes NaN as an empty cell, or these with na_rep). */
const MISSING_CELLS = new Set(["", "nan", "na", "n/a", "<na>", "null", "none"]);
const ASSET_NAMES = ["asset", "symbol", "ticker", "pair"];
const VALUE_NAMES = ["value", "signal", "factor", "score"];

/**
 * A time cell as UTC epoch ms: a number (epoch milliseconds), a `Date`, a bigint (epoch
 * milliseconds), or an ISO 8601 text (a date, or a date and time; without a zone it is UTC).
 * NaN when it cannot be read.
 *
 * @example
 * ```ts
 * import { parseSignalTime } from "@lib/research/signal_input.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseSignalTime("2021-01-01T01:00:00"), Date.UTC(2021, 0, 1, 1));
 * assert.equal(parseSignalTime("2021-01-01 01:00:00+00:00"), Date.UTC(2021, 0, 1, 1));
 * assert.equal(parseSignalTime(3_600_000), 3_600_000);
 * assert.ok(Number.isNaN(parseSignalTime("yesterday")));
 * ```
 */
export function parseSignalTime(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v !== "string") return NaN;
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  const m =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i
      .exec(s);
  if (m === null) return NaN;
  const zone = m[3] === undefined ? "Z" : m[3].toUpperCase();
  return Date.parse(`${m[1]}T${m[2] ?? "00:00:00"}${zone}`);
}

function pick(
  header: readonly string[],
  names: readonly string[],
  what: string,
  src: string,
): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n);
    if (i >= 0) return i;
  }
  throw new RangeError(
    `Cannot read ${src}: no ${what} column; name one of ${names.join(", ")} (columns: ` +
      `${header.join(", ")})`,
  );
}

/**
 * A long signal table from plain records (e.g. the rows of a Parquet file): the time column is
 * the first of `ts, timestamp, time, date, datetime`, the asset column the first of
 * `asset, symbol, ticker, pair`, the value column the first of `value, signal, factor, score`
 * (or the only other column), matched case-insensitively. Times go through
 * {@link parseSignalTime}; a row whose time cannot be read is an error naming it. A value is a
 * finite number; an empty cell, null, `NaN`, `nan`, `NA`, `N/A`, `<NA>`, `null` or `None` is
 * no value (NaN); anything else (`inf`, `Infinity`, `1e999`, text) is an error naming the
 * row, the column and the cell, never counted as missing.
 *
 * @example
 * ```ts
 * import { longSignalFromRecords } from "@lib/research/signal_input.ts";
 * import assert from "node:assert/strict";
 * const s = longSignalFromRecords([{ timestamp: "2021-01-01", symbol: "BTCUSDT", mom: 0.5 }]);
 * assert.equal(s.ts[0], Date.UTC(2021, 0, 1));
 * assert.equal(s.value[0], 0.5);
 * ```
 */
export function longSignalFromRecords(
  records: readonly Readonly<Record<string, unknown>>[],
  source = "the signal table",
): LongSignal {
  if (records.length === 0) {
    throw new RangeError(`Cannot read ${source}: it has no rows`);
  }
  const header = Object.keys(records[0]!);
  const ti = pick(header, TIME_NAMES, "time", source);
  const ai = pick(header, ASSET_NAMES, "asset", source);
  const rest = header.filter((_, i) => i !== ti && i !== ai);
  const vi = rest.length === 1
    ? header.indexOf(rest[0]!)
    : pick(header, VALUE_NAMES, "value", source);
  const [tk, ak, vk] = [header[ti]!, header[ai]!, header[vi]!];
  const n = records.length;
  const bad: string[] = [];
  let nBad = 0;
  const ts = new Float64Array(n), value = new Float64Array(n);
  const asset: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    const t = parseSignalTime(r[tk]);
    if (!Number.isFinite(t)) {
      throw new RangeError(
        `Cannot read ${source}: row ${i + 1} has time ${JSON.stringify(String(r[tk]))}; use ` +
          `ISO 8601 UTC (2021-01-31T12:00:00Z) or epoch milliseconds`,
      );
    }
    ts[i] = t;
    asset[i] = String(r[ak] ?? "");
    const v = signalValue(r[vk]);
    if (typeof v === "string") {
      if (nBad++ < 5) bad.push(`row ${i + 1} (${asset[i]}): ${v}`);
    } else value[i] = v;
  }
  if (nBad > 0) {
    throw new RangeError(
      `Cannot read ${source}: ${nBad} value${nBad === 1 ? "" : "s"} in column ${vk} ` +
        `${nBad === 1 ? "is not a finite number" : "are not finite numbers"}: ${bad.join("; ")}` +
        `${nBad > 5 ? "; ..." : ""}. A value must be a finite number; leave the cell empty (or ` +
        "NaN) for no value",
    );
  }
  return { ts, asset, value, source };
}

/**
 * One value cell as a number (NaN for a missing marker), or why it is not one: an infinite
 * value or text that is not a number.
 */
function signalValue(v: unknown): number | string {
  if (v === null || v === undefined) return NaN;
  let x: number;
  let shown: string;
  if (typeof v === "number") [x, shown] = [v, String(v)];
  else if (typeof v === "bigint") [x, shown] = [Number(v), String(v)];
  else {
    const s = String(v).trim();
    shown = JSON.stringify(s.slice(0, 40));
    if (MISSING_CELLS.has(s.toLowerCase())) return NaN;
    x = /^[+-]?(inf|infinity)$/i.test(s)
      ? (s.startsWith("-") ? -Infinity : Infinity)
      : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)
      ? Number(s)
      : NaN;
    if (x !== x) return `${shown} is not a number`;
  }
  if (x === Infinity || x === -Infinity) return `${shown} is infinite`;
  return x;
}

/**
 * A long signal table from CSV text with a header row (comma-separated, optional double
 * quotes, LF/CRLF/CR line ends): columns as in {@link longSignalFromRecords}; an empty value
 * cell is NaN. A file with a header and no rows is an error.
 *
 * @example
 * ```ts
 * import { parseSignalCsv } from "@lib/research/signal_input.ts";
 * import assert from "node:assert/strict";
 * const s = parseSignalCsv("ts,asset,value\n2021-01-01T00:00:00Z,BTCUSDT,1.5\n2021-01-01T00:00:00Z,ETHUSDT,\n");
 * assert.deepEqual(s.asset, ["BTCUSDT", "ETHUSDT"]);
 * assert.ok(Number.isNaN(s.value[1]!));
 * ```
 */
export function parseSignalCsv(text: string, source = "the signal CSV"): LongSignal {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/).filter((l) => l.trim() !== "");
  if (lines.length < 2) {
    throw new RangeError(
      `Cannot read ${source}: it needs a header (ts,asset,value) and at least one row`,
    );
  }
  const split = (line: string): string[] => {
    const out: string[] = [];
    let cur = "", q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (q) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') q = false;
        else cur += c;
      } else if (c === '"') q = true;
      else if (c === ",") {
        out.push(cur);
        cur = "";
      } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const header = split(lines[0]!).map((h) => h.trim());
  const records = lines.slice(1).map((l, i) => {
    const cells = split(l);
    if (cells.length !== header.length) {
      throw new RangeError(
        `Cannot read ${source}: line ${i + 2} has ${cells.length} cells for ` +
          `${header.length} columns`,
      );
    }
    return Object.fromEntries(header.map((h, j) => [h, cells[j]!.trim()]));
  });
  return longSignalFromRecords(records, source);
}
