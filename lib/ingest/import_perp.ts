/**
 * Import of the perp files freqtrade users hold (`freqtrade download-data --trading-mode
 * futures`): `<BASE>_<QUOTE>_<SETTLE>-<tf>-funding_rate.json` (rows `[funding_time_ms, rate,
 * 0, 0, 0, 0]`: the rate in the open slot) and `<BASE>_<QUOTE>_<SETTLE>-<tf>-mark.json`
 * (mark-price candles `[open_time_ms, o, h, l, c, volume]`). Rows go through the one gated perp
 * write path (lib/ingest/perp_write.ts): refused rows are quarantined with their raw values.
 *
 * Freqtrade writes these files only in futures mode, so a path naming plain `binance` is read
 * as Binance USDT-M (`binance_futures`); a path naming no exchange needs `--venue`. The funding
 * grid is the one the name states (`-8h-funding_rate.json`: 8 hours; `-4h-`: 4 hours).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { basename } from "node:path";
import {
  PERP_INTERVAL_MS,
  PERP_INTERVALS,
  type PerpInterval,
} from "../providers/binance_futures.ts";
import { gateFunding, gatePerpKlines } from "./gates/perp_gates.ts";
import { storeFunding, storePerpKlines } from "./perp_write.ts";
import { inferVenue } from "./naming.ts";

/** The perp file formats the importer reads. */
export type PerpFileFormat = "freqtrade_funding_json" | "freqtrade_mark_json";

/** What {@link importPerpFile} did. */
export interface PerpFileResult {
  readonly venue: string;
  readonly symbol: string;
  /** Mark candles' interval; undefined for funding. */
  readonly interval: PerpInterval | undefined;
  readonly rowsRead: number;
  readonly inserted: number;
  readonly unchanged: number;
  readonly updated: number;
  readonly quarantined: number;
  readonly quarantinedByReason: Readonly<Record<string, number>>;
}

/**
 * Venue and symbol of a freqtrade perp file from its path (or the flags), with an error that
 * says which flag to pass when the path names neither.
 *
 * @example
 * ```ts
 * import { perpFileTarget } from "@lib/ingest/import_perp.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(perpFileTarget("data/binance_usdm/XRP_USDT_USDT-8h-funding_rate.json", {}),
 *   { venue: "binance_futures", symbol: "XRPUSDT" });
 * assert.throws(() => perpFileTarget("x/XRP_USDT-8h-mark.json", {}), /--venue binance_futures/);
 * ```
 */
export function perpFileTarget(
  path: string,
  flags: { readonly venue?: string | undefined; readonly symbol?: string | undefined },
): { venue: string; symbol: string } {
  const inferred = inferVenue(path);
  const venue = flags.venue ?? (inferred === "binance" ? "binance_futures" : inferred);
  if (venue === undefined) {
    throw new Error(
      "cannot infer the venue from the path (nothing in it names the exchange, and cryptolab " +
        `will not guess): pass --venue, e.g. re-run: deno task import ${path} --venue binance_futures`,
    );
  }
  const m = /^([A-Za-z0-9]+)_([A-Za-z0-9]+)(?:_[A-Za-z0-9]+)?-/.exec(basename(path));
  const symbol = flags.symbol ?? (m === null ? undefined : `${m[1]}${m[2]}`.toUpperCase());
  if (symbol === undefined) {
    throw new Error(
      `cannot infer the symbol from the file name: pass --symbol (e.g. BTCUSDT), re-run: ` +
        `deno task import ${path} --venue ${venue} --symbol BTCUSDT`,
    );
  }
  return { venue, symbol };
}

/**
 * JSON as Python's `json` module writes it: bare `NaN`, `Infinity` and `-Infinity` (outside
 * strings) become `null`, `1e999` and `-1e999`, so such rows reach the perp rules (a NaN rate
 * or price is non-finite and quarantined with its reason) instead of failing the whole file.
 *
 * @example
 * ```ts
 * import { pythonJsonToJson } from "@lib/ingest/import_perp.ts";
 * import assert from "node:assert/strict";
 * assert.equal(pythonJsonToJson('[[1, NaN, -Infinity, "NaN"]]'), '[[1, null, -1e999, "NaN"]]');
 * ```
 */
export function pythonJsonToJson(text: string): string {
  return text.replace(
    /"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g,
    (t) => t.startsWith('"') ? t : t === "NaN" ? "null" : t.startsWith("-") ? "-1e999" : "1e999",
  );
}

function parseRows(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // Python's json writes NaN / Infinity bare; retry with them as null / 1e999
    const fixed = pythonJsonToJson(text);
    if (fixed === text) throw e;
    try {
      return JSON.parse(fixed);
    } catch {
      throw e;
    }
  }
}

function rowsOf(text: string): unknown[][] {
  const data: unknown = parseRows(text);
  if (!Array.isArray(data) || !data.every(Array.isArray)) {
    throw new Error("line 1: expected a JSON array of rows ([[time_ms, ...], ...])");
  }
  return data as unknown[][];
}

const num = (v: unknown) => (typeof v === "number" ? v : NaN);

function byReason(reasons: readonly { kind: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of reasons) out[r.kind] = (out[r.kind] ?? 0) + 1;
  return out;
}

/**
 * Import one freqtrade funding or mark file (its text) into the store; with `dryRun` the rows
 * are gated but nothing is written.
 *
 * @example The real XRP funding rows, 17 ms late on the 8h grid, are stored as stamped
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { importPerpFile } from "@lib/ingest/import_perp.ts";
 * import { readFunding } from "@lib/store/perp_funding.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const r = importPerpFile(db, "binance/XRP_USDT-8h-funding_rate.json", "freqtrade_funding_json",
 *   "[[1637193600017,0.0001,0.0,0.0,0.0,0.0],[1637222400007,0.0001,0.0,0.0,0.0,0.0]]",
 *   { source: "file:doc", runId: undefined, now: Date.UTC(2022, 0, 1) });
 * assert.equal(r.inserted, 2);
 * assert.deepEqual([...readFunding(db, "binance_futures", "XRPUSDT").time], [1637193600017, 1637222400007]);
 * ```
 */
export function importPerpFile(
  db: DatabaseSync,
  path: string,
  format: PerpFileFormat,
  text: string,
  options: {
    readonly source: string;
    readonly runId: number | undefined;
    readonly now: number;
    readonly venue?: string | undefined;
    readonly symbol?: string | undefined;
    readonly dryRun?: boolean | undefined;
  },
): PerpFileResult {
  const { venue, symbol } = perpFileTarget(path, options);
  const rows = rowsOf(text);
  const ctx = { venue, source: options.source, runId: options.runId, now: options.now };
  if (format === "freqtrade_funding_json") {
    const funding = rows.map((r) => ({ fundingTime: num(r[0]), rate: num(r[1]) }));
    // the funding grid the file states (`-8h-funding_rate.json`), else the rules' default
    const stated = /-(\d+)h-funding_rate\.json$/i.exec(basename(path));
    const grid = stated === null ? undefined : Number(stated[1]) * 3_600_000;
    if (options.dryRun) {
      const g = gateFunding(funding, { venue, now: options.now, intervalMs: grid });
      return {
        venue,
        symbol,
        interval: undefined,
        rowsRead: rows.length,
        inserted: 0,
        unchanged: 0,
        updated: 0,
        quarantined: g.rejected.length,
        quarantinedByReason: byReason(g.rejected),
      }; // deno-fmt-ignore
    }
    const w = storeFunding(db, symbol, funding, ctx, { intervalMs: grid });
    return {
      venue,
      symbol,
      interval: undefined,
      rowsRead: rows.length,
      inserted: w.inserted,
      unchanged: w.unchanged,
      updated: w.updated,
      quarantined: w.quarantined,
      quarantinedByReason: byReason(w.rejected),
    }; // deno-fmt-ignore
  }
  const m = /-(\d+[mhd])-mark\.json$/i.exec(basename(path));
  const interval = m?.[1] as PerpInterval | undefined;
  if (interval === undefined || !(PERP_INTERVALS as readonly string[]).includes(interval)) {
    throw new Error(
      `cannot read the candle interval from the name (expected -<tf>-mark.json with tf one of ` +
        `${PERP_INTERVALS.join(", ")})`,
    );
  }
  const n = rows.length;
  const col = (i: number) => Float64Array.from(rows, (r) => num(r[i]));
  const k = {
    venue,
    symbol,
    kind: "mark" as const,
    freq: interval,
    ts: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    complete: new Uint8Array(n).fill(1),
  }; // deno-fmt-ignore
  const step = PERP_INTERVAL_MS[interval];
  if (options.dryRun) {
    const g = gatePerpKlines(k, step, { venue, now: options.now });
    return {
      venue,
      symbol,
      interval,
      rowsRead: n,
      inserted: 0,
      unchanged: 0,
      updated: 0,
      quarantined: g.rejected.length,
      quarantinedByReason: byReason(g.rejected),
    }; // deno-fmt-ignore
  }
  const w = storePerpKlines(db, k, step, ctx);
  return {
    venue,
    symbol,
    interval,
    rowsRead: n,
    inserted: w.inserted,
    unchanged: w.unchanged,
    updated: w.updated,
    quarantined: w.quarantined,
    quarantinedByReason: byReason(w.rejected),
  }; // deno-fmt-ignore
}
