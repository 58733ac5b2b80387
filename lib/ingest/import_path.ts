/**
 * Importing market-data files into the store: detect, parse, validate, write one transaction
 * per file, quarantine refused rows, report per file.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { readFileSync } from "node:fs";
import { type Freq, freqMs, FREQS } from "../core/freq.ts";
import type { SeriesKey } from "../core/types.ts";
import { withTransaction } from "../store/db.ts";
import { readBars, writeBars } from "../store/bars.ts";
import { refreshGaps } from "../store/gaps.ts";
import { writeTrades } from "../store/trades.ts";
import { quarantine, type QuarantineEntry } from "../store/quarantine.ts";
import { finishRun, startRun } from "../store/runs.ts";
import { upsertInstrument } from "../store/instruments.ts";
import { BAR_FORMATS, detectFormat, type FormatName } from "./detect.ts";
import { maybeGunzip, parseBytes } from "./parse.ts";
import {
  binanceVenueFromPath,
  freqFromName,
  inferVenue,
  instrumentKind,
  modalFreq,
  splitSymbol,
  symbolFromName,
  venueSymbol,
} from "./naming.ts";
import { BAR_JUMP_DEFAULTS, type JumpOptions } from "./gates/jump.ts";
import { GENESIS_MS } from "./gates/rules.ts";
import { validateBars } from "./validate_bars.ts";
import { validateTrades } from "./validate_trades.ts";
import { type ImportTarget, listImportTargets } from "./walk.ts";
import type { Parsed, RefKind, RowProblem } from "./types.ts";
import { noRowsReason } from "./text.ts";
import { firstDataLine, preambleOf } from "./quarantine_release.ts";
import { importPerpFile, type PerpFileFormat } from "./import_perp.ts";

/** Overrides for what is otherwise inferred from each file. */
export interface ImportOptions {
  /** Venue id for every file (`binance`, `kraken`, ...). */
  readonly venue?: string | undefined;
  /** Symbol for every file, exactly as the venue spells it. */
  readonly symbol?: string | undefined;
  /** Bar frequency for every bar file. */
  readonly freq?: Freq | undefined;
  /** Overwrite stored bars that differ instead of quarantining the new rows. Default false. */
  readonly replace?: boolean | undefined;
  /**
   * Parse and validate every file but write nothing (no store rows, no `ingest_runs` row):
   * reports rows read and rows that would be quarantined by validation. Default false.
   */
  readonly dryRun?: boolean | undefined;
  /**
   * The clock (UTC ms) of the not-in-the-future row rule: a bar may open at most one bar after
   * it. Default `Date.now`.
   */
  readonly now?: (() => number) | undefined;
  /**
   * The jump rule of lib/ingest/gates/jump.ts (its defaults unless given); `false` turns it off,
   * e.g. to compare a file row for row with another tool. Default on: a refused jump is in
   * `quarantine`, where it can be inspected and released.
   */
  readonly jump?: JumpOptions | false | undefined;
}

/** Progress after each file. */
export interface ImportProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  /** Data rows read so far. */
  readonly rows: number;
  readonly elapsedMs: number;
  /** The file just finished. */
  readonly file: FileReport;
}

/** What happened to one file. */
export interface FileReport {
  readonly path: string;
  /** Provenance recorded with its rows and quarantine entries (`file:...`). */
  readonly source: string;
  readonly status: "imported" | "skipped" | "failed";
  /** Why it was skipped, or the error that made it fail (names the file and line). */
  readonly message: string | undefined;
  readonly format: FormatName | PerpFileFormat | undefined;
  readonly venue: string | undefined;
  readonly symbol: string | undefined;
  /** Bar frequency; undefined for trade files. */
  readonly freq: Freq | undefined;
  /** Data rows in the file. */
  readonly rowsRead: number;
  readonly inserted: number;
  readonly replaced: number;
  /** Rows already stored with the same values. */
  readonly unchanged: number;
  /**
   * Bars stored with the same market values but another `complete` flag, kept as stored (not
   * conflicts: no price or volume disagrees; `replace` overwrites them and counts them in
   * `replaced`).
   */
  readonly flagOnly: number;
  /** Rows identical to an earlier row of the same file (dropped). */
  readonly duplicatesDropped: number;
  /**
   * Rows that repeat another row of the same time with fewer decimals (or missing a column the
   * other has): the more precise row was kept, these were dropped.
   */
  readonly roundedDropped: number;
  /**
   * Rows that repeat another row of the same time within the near-duplicate tolerances
   * (lib/ingest/gates/near_duplicate.ts: prices 0.05% or a tick, volumes 0.5%) but not only by
   * rounding: the more precise row was kept, these were quarantined as `near-duplicate` (they
   * are also counted in `quarantined`).
   */
  readonly nearDropped: number;
  /**
   * Stored bars that lacked a quote volume, trade count or vwap and were completed from this
   * file's row with the same market values (not conflicts).
   */
  readonly completed: number;
  /** Rows refused (parse, validation and conflicts with the store). */
  readonly quarantined: number;
  /** Refused rows by reason, e.g. `{ "high < low": 2 }`. */
  readonly quarantinedByReason: Readonly<Record<string, number>>;
}

/** What {@link importPaths} did. */
export interface ImportReport {
  /** The `ingest_runs` row of this import. */
  readonly runId: number;
  readonly files: readonly FileReport[];
  readonly imported: number;
  readonly skipped: number;
  readonly failed: number;
  readonly rowsRead: number;
  readonly inserted: number;
  readonly quarantined: number;
  readonly elapsedMs: number;
}

/** Reason category for rows that disagree with what the store holds. */
export const CONFLICT_REASON = "conflicts with stored row";

const HEAD_BYTES = 8192;

/** Layouts only Binance writes: their venue defaults to Binance when the path names none. */
const BINANCE_ONLY: ReadonlySet<FormatName> = new Set([
  "binance_kline_csv",
  "binance_trades_csv",
  "binance_trades_json",
]);

/**
 * Import files and directories (walked recursively, sorted) into the store. Each file is
 * parsed and validated first (the row rules of lib/ingest/gates/rules.ts: refused rows go to
 * `quarantine` with their raw text and reason, the rest of the file is kept) and then written in ONE transaction, together with the refreshed
 * `bar_gaps` rows of the series it wrote, so a file that fails leaves the store exactly as it
 * was; the import goes on with the next file and the failure is in the
 * report. Importing the same file twice changes nothing. One `ingest_runs` row records the
 * whole call (`failed`, with the error, when the call itself throws).
 *
 * @example Import a freqtrade file twice
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { importPaths } from "@lib/ingest/import_path.ts";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const t = Date.UTC(2024, 0, 1), h = 3_600_000;
 * Deno.writeTextFileSync(`${dir}/BTC_USDT-1h.json`, JSON.stringify(
 *   [[t, 1, 2, 0.5, 1.5, 10], [t + h, 1.5, 2, 1, 1.8, 12], [t + 2 * h, 1, 0.5, 2, 1, 1]]));
 * const { db } = openStore(":memory:");
 * const r1 = await importPaths(db, [`${dir}/BTC_USDT-1h.json`], { venue: "binance" });
 * assert.equal(r1.files[0]?.inserted, 2);
 * assert.deepEqual(r1.files[0]?.quarantinedByReason, { "high < low": 1 });
 * const r2 = await importPaths(db, [`${dir}/BTC_USDT-1h.json`], { venue: "binance" });
 * assert.equal(r2.files[0]?.unchanged, 2);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function importPaths(
  db: DatabaseSync,
  paths: readonly string[],
  options: ImportOptions = {},
  onProgress?: (p: ImportProgress) => void,
): Promise<ImportReport> {
  const t0 = performance.now();
  const targets = listImportTargets(paths);
  const runId = options.dryRun ? 0 : startRun(db, "import", { paths, ...options });
  const files: FileReport[] = [];
  let rows = 0;
  try {
    for (const t of targets) {
      const r = await importTarget(db, t, options, runId);
      files.push(r);
      rows += r.rowsRead;
      onProgress?.({
        filesDone: files.length,
        filesTotal: targets.length,
        rows,
        elapsedMs: performance.now() - t0,
        file: r,
      });
    }
  } catch (e) {
    if (!options.dryRun) finishRun(db, runId, "failed", { message: (e as Error).message });
    throw e;
  }
  const sum = (f: (r: FileReport) => number) => files.reduce((a, r) => a + f(r), 0);
  const failed = files.filter((f) => f.status === "failed").length;
  const report: ImportReport = {
    runId,
    files,
    imported: files.filter((f) => f.status === "imported").length,
    skipped: files.filter((f) => f.status === "skipped").length,
    failed,
    rowsRead: rows,
    inserted: sum((r) => r.inserted + r.replaced),
    quarantined: sum((r) => r.quarantined),
    elapsedMs: performance.now() - t0,
  };
  if (options.dryRun) return report;
  finishRun(db, runId, failed > 0 ? "failed" : "ok", {
    rowsWritten: report.inserted,
    rowsQuarantined: report.quarantined,
    message: failed > 0 ? `${failed} of ${files.length} files failed` : `${files.length} files`,
  });
  return report;
}

function emptyReport(t: ImportTarget): FileReport {
  return {
    path: t.path,
    source: t.source,
    status: "imported",
    message: undefined,
    format: undefined,
    venue: undefined,
    symbol: undefined,
    freq: undefined,
    rowsRead: 0,
    inserted: 0,
    replaced: 0,
    unchanged: 0,
    flagOnly: 0,
    duplicatesDropped: 0,
    roundedDropped: 0,
    nearDropped: 0,
    completed: 0,
    quarantined: 0,
    quarantinedByReason: {},
  };
}

class Skip extends Error {}

async function importTarget(
  db: DatabaseSync,
  t: ImportTarget,
  options: ImportOptions,
  runId: number,
): Promise<FileReport> {
  const base = emptyReport(t);
  if (t.skip !== undefined) return { ...base, status: "skipped", message: t.skip };
  let format: FormatName | PerpFileFormat | undefined;
  try {
    const bytes = readFileSync(t.path);
    const head = /\.parquet$/i.test(t.path)
      ? ""
      : new TextDecoder().decode(maybeGunzip(bytes).subarray(0, HEAD_BYTES));
    const d = detectFormat(t.path, head);
    if (d.kind === "skip") return { ...base, status: "skipped", message: d.reason };
    if (d.kind === "perp") {
      // issue 12: funding rates and mark candles go to the perp tables through the perp rules
      format = d.format;
      const r = importPerpFile(db, t.path, d.format, new TextDecoder().decode(maybeGunzip(bytes)), {
        source: t.source,
        runId,
        now: (options.now ?? Date.now)(),
        venue: options.venue,
        symbol: options.symbol,
        dryRun: options.dryRun,
      });
      return {
        ...base,
        format,
        venue: r.venue,
        symbol: r.symbol,
        rowsRead: r.rowsRead,
        inserted: r.inserted,
        replaced: r.updated,
        unchanged: r.unchanged,
        quarantined: r.quarantined,
        quarantinedByReason: r.quarantinedByReason,
      };
    }
    if (d.kind === "unknown") {
      return {
        ...base,
        status: "failed",
        message: `${t.path}: line 1: unknown layout: ${d.reason}`,
      };
    }
    format = d.format;
    const freqHint = BAR_FORMATS.has(format) ? preflightFreq(format, t.path, options) : undefined;
    const parsed = await parseBytes(format, bytes);
    if (parsed.rowsRead === 0 && parsed.refKind === "line") {
      // a CSV with content but no rows is a wrong or truncated file, never a silent success
      const why = noRowsReason(new TextDecoder().decode(maybeGunzip(bytes)));
      if (why !== undefined) throw new Error(why);
    }
    const venue = options.venue ?? (parsed.kind === "trades" ? parsed.venue : undefined) ??
      inferVenue(t.path) ?? (BINANCE_ONLY.has(format) ? binanceVenueFromPath(t.path) : undefined);
    const named = symbolFromName(format, t.path);
    const rawSymbol = options.symbol ?? parsed.symbol ?? named?.symbol;
    const symbolFlag = rawSymbol === undefined ? " --symbol SYMBOL" : "";
    if (venue === undefined) {
      const example = /(^|[^a-z])(futures|usdm|perp)([^a-z]|$)/i.test(t.path)
        ? "binance_futures"
        : "binance";
      throw new Error(
        `cannot infer the venue from the path or contents (nothing in this file names the ` +
          `exchange, and cryptolab will not guess): pass --venue (binance, binance_futures, ` +
          `kraken, ...)${
            symbolFlag ? " and --symbol (none in the name or contents either)" : ""
          }, ` +
          `e.g. re-run: ${rerun(t.path, `--venue ${example}${symbolFlag}`)}`,
      );
    }
    if (rawSymbol === undefined) {
      throw new Error(
        `cannot infer the symbol from the file name or contents: pass --symbol (as the venue ` +
          `spells it, e.g. BTCUSDT), re-run: ${rerun(t.path, `--venue ${venue}${symbolFlag}`)}`,
      );
    }
    const symbol = options.symbol ?? venueSymbol(venue, rawSymbol);
    const split =
      named?.base !== undefined && options.symbol === undefined && parsed.symbol === undefined
        ? { base: named.base, quote: named.quote ?? null }
        : splitSymbol(rawSymbol);
    const instrument = {
      venue,
      symbol,
      base: split.base,
      quote: split.quote,
      kind: instrumentKind(venue, symbol),
    };
    const info = { ...base, format, venue, symbol, rowsRead: parsed.rowsRead };
    // kept with each quarantined CSV row, so `deno task quarantine release` can parse it alone
    const firstLine = firstDataLine(parsed);
    const preamble = firstLine === undefined ? undefined : preambleOf(head, firstLine);
    if (parsed.kind === "bars") {
      const freq = freqHint ?? modalFreq(parsed.ts);
      if (freq === undefined) {
        throw new Error(
          `cannot infer the bar frequency from the name or timestamps: pass --freq, e.g. ` +
            `re-run: ${rerun(t.path, `--venue ${venue} --freq 1h`)}`,
        );
      }
      return writeBarFile(db, t, { venue, symbol, freq }, parsed, instrument, options, runId, {
        ...info,
        freq,
      }, preamble);
    }
    return writeTradeFile(db, t, parsed, instrument, options, runId, info, preamble);
  } catch (e) {
    if (e instanceof Skip) return { ...base, format, status: "skipped", message: e.message };
    return { ...base, format, status: "failed", message: `${t.path}: ${(e as Error).message}` };
  }
}

/** The command that imports one file with extra flags (the path quoted for a POSIX shell). */
function rerun(path: string, flags: string): string {
  const quoted = /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
  return `deno task import ${quoted} ${flags}`;
}

/** Frequency from the flag or the name; throws Skip for lengths cryptolab does not store. */
function preflightFreq(format: FormatName, path: string, options: ImportOptions): Freq | undefined {
  if (options.freq !== undefined) return options.freq;
  const hint = freqFromName(format, path);
  if (hint === undefined) return undefined;
  if ("unsupported" in hint) {
    throw new Skip(
      `${hint.unsupported} bars are not a supported frequency (${
        FREQS.join(" ")
      }); pass --freq to override`,
    );
  }
  return hint.freq;
}

function locator(refKind: RefKind, ref: number): string {
  return `${refKind} ${ref}`;
}

function countReasons(problems: readonly RowProblem[], conflicts: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of problems) out[p.kind] = (out[p.kind] ?? 0) + 1;
  if (conflicts > 0) out[CONFLICT_REASON] = conflicts;
  return out;
}

/** Where quarantined rows of a file came from and what they were read as (for release). */
type QuarantineWhere = Pick<
  QuarantineEntry,
  "source" | "format" | "venue" | "symbol" | "freq" | "preamble"
>;

function whereOf(t: ImportTarget, info: FileReport, preamble: string | undefined): QuarantineWhere {
  const { format, venue, symbol, freq } = info;
  return { source: t.source, format, venue, symbol, freq, preamble };
}

/** Quarantine the rows the parser or validator refused, each with its `kind: detail`. */
function quarantineProblems(
  db: DatabaseSync,
  where: QuarantineWhere,
  refKind: RefKind,
  problems: readonly RowProblem[],
  runId: number,
): void {
  for (const p of problems) {
    quarantine(db, {
      ...where,
      locator: locator(refKind, p.ref),
      raw: p.raw,
      reason: `${p.kind}: ${p.detail}`,
      runId,
    });
  }
}

/**
 * Quarantine the rows the store refused because they differ from stored rows; `rowOf` maps a
 * validated row back to its parsed row.
 */
function quarantineConflicts<C extends { readonly index: number; readonly detail: string }>(
  db: DatabaseSync,
  where: QuarantineWhere,
  parsed: Parsed,
  rowOf: ArrayLike<number>,
  conflicts: readonly C[],
  runId: number,
  reason: (c: C) => string,
): void {
  for (const c of conflicts) {
    const row = rowOf[c.index]!;
    quarantine(db, {
      ...where,
      locator: locator(parsed.refKind, parsed.ref[row]!),
      raw: parsed.raw(row),
      reason: reason(c),
      runId,
    });
  }
}

type Instrument = Parameters<typeof upsertInstrument>[1];

function writeBarFile(
  db: DatabaseSync,
  t: ImportTarget,
  key: SeriesKey,
  parsed: Extract<Parsed, { kind: "bars" }>,
  instrument: Instrument,
  options: ImportOptions,
  runId: number,
  info: FileReport,
  preamble: string | undefined,
): FileReport {
  const now = (options.now ?? Date.now)();
  const jump = options.jump === false ? false : {
    ...options.jump,
    // judge the file's first rows against the closes stored before it (a monthly dump that
    // continues a stored series), as backfill does; a dry run has no store to ask
    ...(options.dryRun ? {} : { history: closesBefore(db, key, firstPlausibleTs(parsed, now)) }),
  };
  const v = validateBars(parsed, key, { now, jump });
  if (options.dryRun) {
    return {
      ...dryReport(info, v.problems, v.duplicatesDropped),
      roundedDropped: v.roundedDropped,
      nearDropped: v.nearDropped,
    };
  }
  return withTransaction(db, () => {
    upsertInstrument(db, instrument, t.source);
    const w = writeBars(db, v.bars, {
      source: t.source,
      runId,
      onConflict: options.replace ? "replace" : "keep",
    });
    quarantineProblems(db, whereOf(t, info, preamble), parsed.refKind, v.problems, runId);
    // bar_gaps must describe the bars as they are after this file, in the same transaction
    refreshGaps(db, key);
    quarantineConflicts(
      db,
      whereOf(t, info, preamble),
      parsed,
      v.rowOf,
      w.conflicts,
      runId,
      (c) => {
        return `${CONFLICT_REASON} (stored source ${c.storedSource}): ${c.detail}`;
      },
    );
    return {
      ...info,
      inserted: w.inserted,
      replaced: w.replaced,
      unchanged: w.unchanged,
      flagOnly: w.flagOnly,
      duplicatesDropped: v.duplicatesDropped,
      roundedDropped: v.roundedDropped,
      nearDropped: v.nearDropped,
      completed: w.completed,
      quarantined: v.problems.length + w.conflicts.length,
      quarantinedByReason: countReasons(v.problems, w.conflicts.length),
    };
  });
}

/** The earliest parsed time that could be real (on or after 2009-01-03, not after now). */
function firstPlausibleTs(parsed: Extract<Parsed, { kind: "bars" }>, now: number): number {
  let first = Infinity;
  for (let i = 0; i < parsed.n; i++) {
    const t = parsed.ts[i]!;
    if (t >= GENESIS_MS && t <= now && t < first) first = t;
  }
  return first;
}

/** Up to one jump window (plus one) of stored closes before `ts`, oldest first. */
function closesBefore(db: DatabaseSync, key: SeriesKey, ts: number): Float64Array {
  if (!Number.isFinite(ts)) return new Float64Array(0);
  const span = (BAR_JUMP_DEFAULTS.window + 1) * freqMs(key.freq);
  return readBars(db, key, { from: ts - span, to: ts }).close;
}

function dryReport(
  info: FileReport,
  problems: RowProblem[],
  duplicatesDropped: number,
): FileReport {
  return {
    ...info,
    duplicatesDropped,
    quarantined: problems.length,
    quarantinedByReason: countReasons(problems, 0),
  };
}

function writeTradeFile(
  db: DatabaseSync,
  t: ImportTarget,
  parsed: Extract<Parsed, { kind: "trades" }>,
  instrument: Instrument,
  options: ImportOptions,
  runId: number,
  info: FileReport,
  preamble: string | undefined,
): FileReport {
  const v = validateTrades(parsed, instrument.venue, instrument.symbol, {
    now: (options.now ?? Date.now)(),
    ...(options.jump === undefined ? {} : { jump: options.jump }),
  });
  if (options.dryRun) return dryReport(info, v.problems, v.duplicatesDropped);
  return withTransaction(db, () => {
    upsertInstrument(db, instrument, t.source);
    const w = writeTrades(db, v.trades, { source: t.source, runId });
    quarantineProblems(db, whereOf(t, info, preamble), parsed.refKind, v.problems, runId);
    quarantineConflicts(
      db,
      whereOf(t, info, preamble),
      parsed,
      v.rowOf,
      w.conflicts,
      runId,
      (c) => {
        return `${CONFLICT_REASON}: ${c.detail}`;
      },
    );
    return {
      ...info,
      inserted: w.inserted,
      unchanged: w.unchanged,
      duplicatesDropped: v.duplicatesDropped,
      quarantined: v.problems.length + w.conflicts.length,
      quarantinedByReason: countReasons(v.problems, w.conflicts.length),
    };
  });
}

/**
 * One summary line for a file: format, venue, symbol, freq, rows read, inserted, unchanged,
 * quarantined by reason.
 *
 * @example A summary line
 * ```ts
 * import { formatFileReport } from "@lib/ingest/import_path.ts";
 * import assert from "node:assert/strict";
 * const line = formatFileReport({
 *   path: "a.json", source: "file:a.json", status: "imported", message: undefined,
 *   format: "freqtrade_json", venue: "binance", symbol: "BTCUSDT", freq: "1h", rowsRead: 3,
 *   inserted: 2, replaced: 0, unchanged: 0, flagOnly: 0, duplicatesDropped: 0, roundedDropped: 1,
 *   nearDropped: 0,
 *   completed: 0, quarantined: 1, quarantinedByReason: { "high < low": 1 },
 * });
 * assert.equal(line,
 *   "a.json: freqtrade_json binance BTCUSDT 1h rows=3 inserted=2 unchanged=0 " +
 *   "rounded-duplicates=1 (kept the more precise row) quarantined=1 (high < low: 1)");
 * ```
 */
export function formatFileReport(r: FileReport): string {
  if (r.status !== "imported") return `${r.path}: ${r.status}: ${r.message ?? ""}`;
  const reasons = Object.entries(r.quarantinedByReason).map(([k, n]) => `${k}: ${n}`).join(", ");
  const what = r.format === "freqtrade_funding_json"
    ? "funding"
    : r.format === "freqtrade_mark_json"
    ? "mark"
    : r.freq ?? "trades";
  return `${r.path}: ${r.format} ${r.venue} ${r.symbol} ${what} rows=${r.rowsRead} ` +
    `inserted=${r.inserted}${r.replaced ? ` replaced=${r.replaced}` : ""} unchanged=${r.unchanged}${
      r.flagOnly ? ` flag-only=${r.flagOnly}` : ""
    }` +
    `${r.completed ? ` completed=${r.completed} (quote volume or trade count filled in)` : ""}` +
    `${r.duplicatesDropped ? ` duplicates=${r.duplicatesDropped}` : ""}` +
    `${
      r.roundedDropped ? ` rounded-duplicates=${r.roundedDropped} (kept the more precise row)` : ""
    }` +
    `${
      r.nearDropped ? ` near-duplicates=${r.nearDropped} (kept the more precise row)` : ""
    } quarantined=${r.quarantined}` +
    (reasons ? ` (${reasons})` : "");
}
