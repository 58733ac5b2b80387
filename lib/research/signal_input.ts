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
  /** Rows with a non-finite value (left NaN). */
  readonly missingValues: number;
}

/**
 * Put a long signal table on a panel's grid: the row (ts, asset, value) becomes
 * `signal[asset][t]` for the bar `t` whose open time is exactly `ts`. A value dated `ts` is
 * read as known at that bar's close, as every built-in signal is (row t from data up to bar t),
 * so it is scored against returns from bar t + 1 on and traded at the earliest at bar t's
 * close plus the backtest's lag. Rows of assets the panel does not hold, and rows off the bar
 * grid, are dropped and counted (a report shows the counts); two rows for the same bar and
 * asset are an error naming them. O(rows + T x assets).
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
  for (let i = 0; i < n; i++) {
    const a = col.get(long.asset[i]!);
    if (a === undefined) {
      unknownAssets[long.asset[i]!] = (unknownAssets[long.asset[i]!] ?? 0) + 1;
      continue;
    }
    const t = row.get(long.ts[i]!);
    if (t === undefined) {
      offGrid++;
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
    const v = long.value[i]!;
    if (Number.isFinite(v)) signal[a]![t] = v;
    else missingValues++;
  }
  return { signal, matched, unknownAssets, offGrid, missingValues };
}

const TIME_NAMES = ["ts", "timestamp", "time", "date", "datetime"];
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
 * {@link parseSignalTime}; a row whose time cannot be read is an error naming it.
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
    const v = r[vk];
    value[i] = v === null || v === undefined || v === "" ? NaN : Number(v);
  }
  return { ts, asset, value, source };
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
