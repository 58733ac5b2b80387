/**
 * Releasing quarantined rows: each row is read again by the parser of the file it came from and
 * judged by the same row rules as `import` (with the venue, symbol and frequency it was
 * imported as, or the ones the user now gives), and written if it passes. `force` accepts a
 * row the rules refuse, by hand, with provenance that says so.
 *
 * Why a released row is re-judged rather than written as is: quarantine holds rows that were
 * refused for a reason, and most reasons do not go away by asking twice. Release is for the
 * ones that do: a row refused under the wrong `--venue` or `--freq`, a bar that conflicted with
 * a stored bar since deleted, one row of a duplicate-timestamp group that the user knows is
 * the right one, or a jump that the stored bars around it now show to be a real move.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs, parseFreq } from "../core/freq.ts";
import { allocBars, type BarColumns, type SeriesKey } from "../core/types.ts";
import { withTransaction } from "../store/db.ts";
import { readBars, writeBars } from "../store/bars.ts";
import { readTrades, writeTrades } from "../store/trades.ts";
import { refreshGaps } from "../store/gaps.ts";
import { finishRun, startRun } from "../store/runs.ts";
import { upsertInstrument } from "../store/instruments.ts";
import { BAR_JSON_FORMAT, type QuarantinedRow, recordRelease } from "../store/quarantine.ts";
import type { FormatName } from "./detect.ts";
import { parseBytes } from "./parse.ts";
import { instrumentKind, splitSymbol } from "./naming.ts";
import { validateBars } from "./validate_bars.ts";
import { validateTrades } from "./validate_trades.ts";
import { splitLines } from "./text.ts";
import { barColumns, type Parsed, type ParsedBars, type ParsedTrades } from "./types.ts";
import { finishBars } from "./build.ts";

/** Options for {@link releaseQuarantined}. */
export interface ReleaseOptions {
  /**
   * Accept a row the row rules refuse, as it is. It must still be readable by its parser and
   * storable: a finite time (on the bar grid for bars) and finite positive prices, finite
   * non-negative volumes; a stored bar at the same time is replaced. The stored row's source
   * says it was released by hand ({@link FORCED_SOURCE_PREFIX}). Default false.
   */
  readonly force?: boolean | undefined;
  /** Venue to release the rows as, instead of the one they were imported as. */
  readonly venue?: string | undefined;
  /** Symbol to release the rows as (as the venue spells it). */
  readonly symbol?: string | undefined;
  /** Bar frequency to release bar rows as. */
  readonly freq?: Freq | undefined;
  /** The clock (UTC ms) of the not-in-the-future rule. Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** What happened to one quarantined row. */
export interface ReleaseOutcome {
  readonly id: number;
  /** `released`: written (or found already stored) and moved to the audit; `kept`: still quarantined. */
  readonly status: "released" | "kept";
  /** How it was released; undefined when kept. */
  readonly mode: "passed" | "forced" | undefined;
  /** What was written (`bars binance BTCUSDT 1h 2024-01-01T00:00:00.000Z: inserted`), or why it was kept. */
  readonly message: string;
}

/** What {@link releaseQuarantined} did. */
export interface ReleaseReport {
  /** The `ingest_runs` row of this release (task `quarantine-release`). */
  readonly runId: number;
  readonly outcomes: readonly ReleaseOutcome[];
  readonly released: number;
  readonly kept: number;
}

/** Source prefix of rows released with `force`: `released-by-hand:file:x.csv line 7`. */
export const FORCED_SOURCE_PREFIX = "released-by-hand:";

/** Formats whose rows are JSON array elements: a row alone parses as `[row]`. */
const JSON_FORMATS: ReadonlySet<string> = new Set([
  "freqtrade_json",
  "freqtrade_trades",
  "binance_trades_json",
]);

/** Every import format `release` can read a single row of. */
const TEXT_FORMATS: ReadonlySet<string> = new Set([
  ...JSON_FORMATS,
  "binance_kline_csv",
  "cdd_csv",
  "kraken_ohlcvt_csv",
  "iso_csv",
  "binance_trades_csv",
  "tardis_trades_csv",
  "freqtrade_orderflow_csv",
  "kraken_trades_csv",
]);

/**
 * The lines of a file before its first data row (banner, header), from the file's first bytes
 * `head`; `firstDataLine` is the 1-based line of its first data row. Undefined when there are
 * none, or when they do not fit in `head`. Stored with each quarantined CSV row so the row can
 * be parsed again on its own.
 *
 * @example A CryptoDataDownload banner and header
 * ```ts
 * import { preambleOf } from "@lib/ingest/quarantine_release.ts";
 * import assert from "node:assert/strict";
 * assert.equal(preambleOf("https://www.CryptoDataDownload.com\r\nunix,date\r\n1,2\r\n", 3),
 *   "https://www.CryptoDataDownload.com\nunix,date");
 * assert.equal(preambleOf("1,2\n", 1), undefined);
 * ```
 */
export function preambleOf(head: string, firstDataLine: number): string | undefined {
  if (!(firstDataLine > 1)) return undefined;
  const lines = splitLines(head);
  // the last line of a cut head may be partial: the preamble must end before it
  if (lines.length < firstDataLine) return undefined;
  return lines.slice(0, firstDataLine - 1).join("\n");
}

/**
 * The 1-based line of the first data row of a line-based parse (accepted or refused rows), or
 * undefined for JSON and parquet formats.
 *
 * @example
 * ```ts
 * import { firstDataLine } from "@lib/ingest/quarantine_release.ts";
 * import { parseIsoCsv } from "@lib/ingest/formats/iso_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseIsoCsv("open_time,open,high,low,close,volume\n2023-03-01 00:00:00,1,2,1,2,3\n");
 * assert.equal(firstDataLine(p), 2);
 * ```
 */
export function firstDataLine(p: Parsed): number | undefined {
  if (p.refKind !== "line") return undefined;
  let first = Infinity;
  for (let i = 0; i < p.n; i++) first = Math.min(first, p.ref[i]!);
  for (const q of p.problems) first = Math.min(first, q.ref);
  return Number.isFinite(first) ? first : undefined;
}

/**
 * Release quarantined rows (see the module doc). Rows are handled one by one, each in its own
 * transaction with its audit record; one `ingest_runs` row (task `quarantine-release`) records
 * the call. A row that still fails stays in quarantine unchanged and its outcome says why.
 *
 * - Passed: the row's source in the store is its original source (`file:...`), as if the
 *   import had read it with these settings.
 * - Forced: the row's source is `released-by-hand:<source> <locator>`.
 *
 * Bars that backfill refused are kept as JSON of their values ({@link BAR_JSON_FORMAT}) and are
 * judged again the same way. Rows with no format (whole provider payloads that could not be
 * parsed, poll and stream rows, rows stored before schema v5) cannot be read again here:
 * re-fetch them with the task that fetched them, or re-import the file.
 *
 * @example A row refused under the wrong frequency passes once the frequency is right
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { quarantine, listQuarantine, listReleases } from "@lib/store/quarantine.ts";
 * import { releaseQuarantined } from "@lib/ingest/quarantine_release.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const t = Date.UTC(2024, 0, 1, 0, 30);
 * quarantine(db, {
 *   source: "file:BTC_USDT-1h.json", locator: "row 1", raw: `[${t},1,2,1,2,5]`,
 *   reason: "off grid: not on the 1h grid", format: "freqtrade_json", venue: "binance",
 *   symbol: "BTCUSDT", freq: "1h",
 * });
 * const kept = await releaseQuarantined(db, listQuarantine(db));
 * assert.equal(kept.outcomes[0]?.status, "kept");
 * assert.match(kept.outcomes[0]!.message, /grid/);
 * const ok = await releaseQuarantined(db, listQuarantine(db), { freq: "15m" });
 * assert.equal(ok.outcomes[0]?.status, "released");
 * assert.equal(listQuarantine(db).length, 0);
 * assert.equal(listReleases(db)[0]?.mode, "passed");
 * ```
 */
export async function releaseQuarantined(
  db: DatabaseSync,
  rows: readonly QuarantinedRow[],
  options: ReleaseOptions = {},
): Promise<ReleaseReport> {
  const runId = startRun(db, "quarantine-release", {
    ids: rows.map((r) => r.id),
    force: options.force ?? false,
    venue: options.venue ?? null,
    symbol: options.symbol ?? null,
    freq: options.freq ?? null,
  });
  const outcomes: ReleaseOutcome[] = [];
  try {
    for (const row of rows) outcomes.push(await releaseOne(db, row, options, runId));
  } catch (e) {
    finishRun(db, runId, "failed", { message: (e as Error).message });
    throw e;
  }
  const released = outcomes.filter((o) => o.status === "released").length;
  finishRun(db, runId, "ok", {
    rowsWritten: released,
    rowsQuarantined: outcomes.length - released,
    message: `${released} of ${outcomes.length} quarantined rows released`,
  });
  return { runId, outcomes, released, kept: outcomes.length - released };
}

const kept = (id: number, message: string): ReleaseOutcome => ({
  id,
  status: "kept",
  mode: undefined,
  message,
});

async function releaseOne(
  db: DatabaseSync,
  row: QuarantinedRow,
  options: ReleaseOptions,
  runId: number,
): Promise<ReleaseOutcome> {
  if (row.format === undefined) {
    return kept(
      row.id,
      `no file format recorded (quarantined by ${row.source.split(":")[0]}, or by a version ` +
        `before quarantine kept it): re-import the file, or re-fetch with the task that fetched it`,
    );
  }
  if (row.format === BAR_JSON_FORMAT) {
    const f = options.freq ?? row.freq;
    const venue = options.venue ?? row.venue, symbol = options.symbol ?? row.symbol;
    if (venue === undefined || symbol === undefined || f === undefined) {
      return kept(row.id, "no venue, symbol or frequency recorded: pass --venue --symbol --freq");
    }
    let parsed: ParsedBars;
    try {
      parsed = parseBarJson(row.raw);
    } catch (e) {
      return kept(row.id, `cannot be parsed: ${(e as Error).message}`);
    }
    const key = { venue, symbol, freq: parseFreq(f) };
    return releaseBar(db, row, parsed, key, options, (options.now ?? Date.now)(), runId);
  }
  if (!TEXT_FORMATS.has(row.format)) {
    return kept(row.id, `a ${row.format} row cannot be read on its own: re-import the file`);
  }
  const venue = options.venue ?? row.venue;
  const symbol = options.symbol ?? row.symbol;
  if (venue === undefined) return kept(row.id, "no venue recorded: pass --venue");
  if (symbol === undefined) return kept(row.id, "no symbol recorded: pass --symbol");
  const text = JSON_FORMATS.has(row.format)
    ? `[${row.raw}]`
    : `${row.preamble === undefined ? "" : `${row.preamble}\n`}${row.raw}\n`;
  let parsed: Parsed;
  try {
    parsed = await parseBytes(row.format as FormatName, new TextEncoder().encode(text));
  } catch (e) {
    return kept(row.id, `cannot be parsed: ${(e as Error).message}`);
  }
  const now = (options.now ?? Date.now)();
  if (parsed.kind === "bars") {
    const f = options.freq ?? row.freq;
    if (f === undefined) return kept(row.id, "no bar frequency recorded: pass --freq");
    return releaseBar(db, row, parsed, { venue, symbol, freq: parseFreq(f) }, options, now, runId);
  }
  return releaseTrade(db, row, parsed, venue, symbol, options, now, runId);
}

/** A provider bar quarantined as JSON ({@link BAR_JSON_FORMAT}) as a one-row parse result. */
function parseBarJson(raw: string): ParsedBars {
  const o = JSON.parse(raw) as Record<string, unknown>;
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new Error("not a JSON object");
  const n = (k: string) => (o[k] === undefined || o[k] === null ? NaN : Number(o[k]));
  const c = barColumns(1);
  c.ts[0] = n("ts");
  c.open[0] = n("open");
  c.high[0] = n("high");
  c.low[0] = n("low");
  c.close[0] = n("close");
  c.volume[0] = n("volume");
  c.quoteVolume[0] = n("quoteVolume");
  c.tradeCount[0] = n("tradeCount");
  c.ref[0] = 1;
  return finishBars(c, 1, { refKind: "row", raw: () => raw, problems: [], rowsRead: 1 });
}

function firstProblem(problems: readonly { kind: string; detail: string }[]): string {
  const p = problems[0]!;
  return p.detail === "" ? p.kind : `${p.kind}: ${p.detail}`;
}

/** Why the store cannot hold this bar even by hand, or undefined. */
function unstorableBar(p: ParsedBars, step: number): string | undefined {
  const ts = p.ts[0]!;
  if (!Number.isFinite(ts)) return "its time cannot be read";
  if (ts % step !== 0) return `its time ${new Date(ts).toISOString()} is not on the bar grid`;
  for (
    const [name, col] of [["open", p.open], ["high", p.high], ["low", p.low], [
      "close",
      p.close,
    ]] as const
  ) {
    if (!(Number.isFinite(col[0]!) && col[0]! > 0)) {
      return `${name} ${col[0]} is not a finite positive price`;
    }
  }
  if (!(Number.isFinite(p.volume[0]!) && p.volume[0]! >= 0)) {
    return `volume ${p.volume[0]} is not a finite non-negative number`;
  }
  return undefined;
}

/** Why the store cannot hold this trade even by hand, or undefined. */
function unstorableTrade(p: ParsedTrades): string | undefined {
  const ts = p.ts[0]!, price = p.price[0]!, qty = p.qty[0]!;
  if (!Number.isFinite(ts)) return "its time cannot be read";
  if (!(Number.isFinite(price) && price > 0 && Number.isFinite(qty) && qty > 0)) {
    return `price ${price} and quantity ${qty} must be finite and positive`;
  }
  return undefined;
}

/** What `--force` would do with a refused row, for the message of a row kept. */
function forceHint(unstorable: string | undefined): string {
  return unstorable === undefined
    ? "--force accepts it as it is"
    : `--force cannot store it either: ${unstorable}`;
}

function oneBar(key: SeriesKey, p: ParsedBars): BarColumns {
  const b = allocBars(key, 1);
  b.ts[0] = p.ts[0]!;
  b.open[0] = p.open[0]!;
  b.high[0] = p.high[0]!;
  b.low[0] = p.low[0]!;
  b.close[0] = p.close[0]!;
  b.volume[0] = p.volume[0]!;
  b.quoteVolume[0] = p.quoteVolume[0]!;
  b.tradeCount[0] = p.tradeCount[0]!;
  b.complete[0] = 1;
  return b;
}

function releaseBar(
  db: DatabaseSync,
  row: QuarantinedRow,
  p: ParsedBars,
  key: SeriesKey,
  options: ReleaseOptions,
  now: number,
  runId: number,
): ReleaseOutcome {
  if (p.n !== 1) {
    return kept(row.id, p.problems.length > 0 ? firstProblem(p.problems) : "no row in it");
  }
  const step = freqMs(key.freq);
  const ts = p.ts[0]!;
  // the jump rule compares the row with the stored bars before it, as it compared it with the
  // rows before it in its file
  const history = Number.isFinite(ts)
    ? readBars(db, key, { from: ts - 49 * step, to: ts }).close
    : new Float64Array(0);
  const v = validateBars(p, key, { now, jump: { history } });
  const force = options.force ?? false;
  let bars: BarColumns;
  let mode: "passed" | "forced";
  if (v.problems.length === 0 && v.bars.ts.length === 1) {
    bars = v.bars;
    mode = "passed";
  } else if (!force) {
    const why = unstorableBar(p, step);
    return kept(row.id, `${firstProblem(v.problems)} (${forceHint(why)})`);
  } else {
    const why = unstorableBar(p, step);
    if (why !== undefined) return kept(row.id, `--force cannot store it: ${why}`);
    bars = oneBar(key, p);
    mode = "forced";
  }
  const source = mode === "forced"
    ? `${FORCED_SOURCE_PREFIX}${row.source} ${row.locator}`
    : row.source;
  return withTransaction(db, () => {
    upsertInstrument(db, instrumentOf(key.venue, key.symbol), source);
    const w = writeBars(db, bars, { source, runId, onConflict: force ? "replace" : "keep" });
    if (w.conflicts.length > 0) {
      const c = w.conflicts[0]!;
      return kept(
        row.id,
        `still conflicts with the stored bar (stored source ${c.storedSource}): ${c.detail} ` +
          `(--force replaces the stored bar)`,
      );
    }
    refreshGaps(db, key);
    const what = w.inserted > 0
      ? "inserted"
      : w.replaced > 0
      ? "replaced the stored bar"
      : "already stored";
    const written = `bars ${key.venue} ${key.symbol} ${key.freq} ${
      new Date(ts).toISOString()
    }: ${what}`;
    recordRelease(db, row, {
      mode,
      venue: key.venue,
      symbol: key.symbol,
      freq: key.freq,
      written,
      runId,
    });
    return { id: row.id, status: "released", mode, message: written };
  });
}

function instrumentOf(venue: string, symbol: string) {
  const s = splitSymbol(symbol);
  return { venue, symbol, base: s.base, quote: s.quote, kind: instrumentKind(venue, symbol) };
}

function releaseTrade(
  db: DatabaseSync,
  row: QuarantinedRow,
  p: ParsedTrades,
  venue: string,
  symbol: string,
  options: ReleaseOptions,
  now: number,
  runId: number,
): ReleaseOutcome {
  if (p.n !== 1) {
    return kept(row.id, p.problems.length > 0 ? firstProblem(p.problems) : "no row in it");
  }
  const ts = p.ts[0]!;
  const before = Number.isFinite(ts)
    ? readTrades(db, venue, symbol, { from: ts - 86_400_000, to: ts }).price
    : new Float64Array(0);
  const history = before.subarray(Math.max(0, before.length - 101));
  const v = validateTrades(p, venue, symbol, { now, jump: { history } });
  const force = options.force ?? false;
  let mode: "passed" | "forced";
  if (v.problems.length === 0 && v.trades.ts.length === 1) mode = "passed";
  else if (!force) {
    return kept(row.id, `${firstProblem(v.problems)} (${forceHint(unstorableTrade(p))})`);
  } else {
    const why = unstorableTrade(p);
    if (why !== undefined) return kept(row.id, `--force cannot store it: ${why}`);
    mode = "forced";
  }
  const trades = {
    venue,
    symbol,
    tradeId: [p.tradeId[0]!],
    ts: p.ts.subarray(0, 1),
    price: p.price.subarray(0, 1),
    qty: p.qty.subarray(0, 1),
    side: p.side.subarray(0, 1),
  };
  const source = mode === "forced"
    ? `${FORCED_SOURCE_PREFIX}${row.source} ${row.locator}`
    : row.source;
  return withTransaction(db, () => {
    upsertInstrument(db, instrumentOf(venue, symbol), source);
    const w = writeTrades(db, trades, { source, runId });
    if (w.conflicts.length > 0) {
      return kept(
        row.id,
        `trade ${w.conflicts[0]!.tradeId} is stored with other values (${
          w.conflicts[0]!.detail
        }); ` +
          `stored trades are never replaced`,
      );
    }
    const what = w.inserted > 0 ? "inserted" : "already stored";
    const written = `trade ${venue} ${symbol} id ${trades.tradeId[0]} ${
      new Date(ts).toISOString()
    }: ${what}`;
    recordRelease(db, row, { mode, venue, symbol, freq: undefined, written, runId });
    return { id: row.id, status: "released", mode, message: written };
  });
}
