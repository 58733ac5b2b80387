/**
 * Small text helpers shared by the format parsers: lines, numbers, times, booleans, ids.
 *
 * @module
 */
import { FileParseError } from "./types.ts";

/**
 * Split text into lines at `\n`, `\r\n` or a lone `\r` (classic Mac OS files end lines with
 * CR only), dropping a UTF-8 BOM from the first. Line `k` of the file is element `k - 1`. A
 * final empty line (file ends with a newline) is dropped.
 *
 * Cost: `String.split`, plus a regular-expression split when the first CR of the text is not
 * followed by LF.
 *
 * @example CRLF, CR-only and BOM
 * ```ts
 * import { splitLines } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(splitLines("\uFEFFa,b\r\n1,2\n"), ["a,b", "1,2"]);
 * assert.deepEqual(splitLines("a,b\r1,2\r3,4\r"), ["a,b", "1,2", "3,4"]);
 * ```
 */
export function splitLines(text: string): string[] {
  // a file's line ending is read from its first CR: none (LF), CRLF, or CR alone (classic Mac,
  // split on every form); scanning the whole text for a lone CR would cost a CRLF file ~25%
  const cr = text.indexOf("\r");
  if (cr >= 0 && text.charCodeAt(cr + 1) !== 10) {
    const all = text.split(/\r\n?|\n/);
    if (all.length > 0 && all[all.length - 1] === "") all.pop();
    if (all.length > 0 && all[0]!.charCodeAt(0) === 0xfeff) all[0] = all[0]!.slice(1);
    return all;
  }
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
  }
  if (lines.length > 0 && lines[0]!.charCodeAt(0) === 0xfeff) lines[0] = lines[0]!.slice(1);
  return lines;
}

/**
 * The first line of `text`, ended by `\n`, `\r\n` or a lone `\r` (without its ending).
 *
 * @example Any line ending
 * ```ts
 * import { firstLine } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(firstLine("a,b\r1,2\r"), "a,b");
 * assert.equal(firstLine("a,b\r\n1,2"), "a,b");
 * assert.equal(firstLine("a,b"), "a,b");
 * ```
 */
export function firstLine(text: string): string {
  const m = /\r\n?|\n/.exec(text);
  return m === null ? text : text.slice(0, m.index);
}

/**
 * Why a CSV file with content yielded no data rows, in words for the import report: only a
 * header or banner, or nothing but blank lines. Undefined when `text` is blank (an empty file
 * is simply empty).
 *
 * @example A header with no rows after it
 * ```ts
 * import { noRowsReason } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.match(noRowsReason("open_time,open,high,low,close,volume\n")!, /only 1 line/);
 * assert.equal(noRowsReason("\n \n"), undefined);
 * ```
 */
export function noRowsReason(text: string): string | undefined {
  const lines = splitLines(text).filter((l) => l.trim() !== "");
  if (lines.length === 0) return undefined;
  const first = lines[0]!.length > 80 ? `${lines[0]!.slice(0, 80)}...` : lines[0]!;
  return `no data rows: the file holds only ${lines.length} line(s) of banner or header ` +
    `(first: "${first}") and no row after them; check that it is the right file and that its ` +
    `rows were not cut off`;
}

/**
 * Parse a decimal field; an empty or non-numeric field is NaN (`Number("")` would be 0).
 *
 * @example Empty and NULL fields
 * ```ts
 * import { num } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(num("27385.00000000"), 27385);
 * assert.ok(Number.isNaN(num("")));
 * assert.ok(Number.isNaN(num("NULL")));
 * ```
 */
export function num(s: string | undefined): number {
  if (s === undefined) return NaN;
  const t = s.trim();
  return t === "" ? NaN : Number(t);
}

/**
 * Convert a numeric epoch timestamp of unknown unit to milliseconds, by magnitude: below 1e11
 * it is seconds (1e11 s is the year 5138), below 1e14 milliseconds, below 1e17 microseconds,
 * else nanoseconds. Every date after 1973 is classified correctly.
 *
 * @example Seconds, milliseconds and microseconds
 * ```ts
 * import { epochToMs } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(epochToMs(1507802400.0), 1507802400000);
 * assert.equal(epochToMs(1609286400000), 1609286400000);
 * assert.equal(epochToMs(1582329602111000), 1582329602111);
 * ```
 */
export function epochToMs(v: number): number {
  const a = Math.abs(v);
  if (a < 1e11) return v * 1000;
  if (a < 1e14) return v;
  if (a < 1e17) return v / 1000;
  return v / 1e6;
}

const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2})(?:-(AM|PM)|:(\d{2})(?::(\d{2})(?:\.(\d+))?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parse a date-time written as text into UTC epoch ms (NaN when unreadable). Times without a
 * zone are taken as UTC. Accepts `2020-12-30 00:00:00`, `2017-08-17 04-AM` (CryptoDataDownload's
 * old hourly form), `2017-08-18`, `2023-03-01 00:00:00+00:00`, `2021-12-31 23:01:00.000000`,
 * `2025-02-15 23:28:13.706` and ISO `T`/`Z` forms; sub-millisecond digits become fractional ms.
 *
 * @example The date forms found in real files
 * ```ts
 * import { parseUtc } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseUtc("2017-08-17 04-AM"), Date.UTC(2017, 7, 17, 4));
 * assert.equal(parseUtc("2017-08-17 12-PM"), Date.UTC(2017, 7, 17, 12));
 * assert.equal(parseUtc("2023-03-01 00:00:00+00:00"), Date.UTC(2023, 2, 1));
 * assert.equal(parseUtc("2025-02-15 23:28:13.706"), Date.UTC(2025, 1, 15, 23, 28, 13, 706));
 * assert.ok(Number.isNaN(parseUtc("yesterday")));
 * ```
 */
export function parseUtc(s: string): number {
  const m = DATE_RE.exec(s.trim());
  if (m === null) return NaN;
  const [, y, mo, d, hh, ampm, mi, ss, frac, zone] = m;
  let hour = hh === undefined ? 0 : Number(hh);
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return NaN;
    hour = (hour % 12) + (ampm === "PM" ? 12 : 0);
  }
  const minute = mi === undefined ? 0 : Number(mi);
  const second = ss === undefined ? 0 : Number(ss);
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return NaN;
  if (hour > 23 || minute > 59 || second > 60) return NaN;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, minute, second);
  if (frac !== undefined) ms += Number(`0.${frac}`) * 1000;
  if (zone !== undefined && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/**
 * Read a time field that is either a number (unit by magnitude, see {@link epochToMs}) or a
 * date-time string (see {@link parseUtc}).
 *
 * @example Numbers and text
 * ```ts
 * import { parseTime } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseTime("1672531436"), 1672531436000);
 * assert.equal(parseTime("2023-01-01 00:03:56"), 1672531436000);
 * ```
 */
export function parseTime(s: string): number {
  const v = num(s);
  return Number.isNaN(v) ? parseUtc(s) : epochToMs(v);
}

/**
 * Parse a boolean field written as `true`/`True`/`TRUE`/`1` or `false`/`False`/`FALSE`/`0`;
 * anything else is undefined.
 *
 * @example Python and JSON spellings
 * ```ts
 * import { parseBool } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseBool("True"), true);
 * assert.equal(parseBool("false"), false);
 * assert.equal(parseBool("maybe"), undefined);
 * ```
 */
export function parseBool(s: string | undefined): boolean | undefined {
  switch (s?.trim()) {
    case "true":
    case "True":
    case "TRUE":
    case "1":
      return true;
    case "false":
    case "False":
    case "FALSE":
    case "0":
      return false;
    default:
      return undefined;
  }
}

/**
 * Aggressor side from Binance's `is_buyer_maker`: a resting buyer means a selling taker.
 *
 * @example A resting buyer means a seller hit it
 * ```ts
 * import { sideFromBuyerMaker } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(sideFromBuyerMaker(true), -1);
 * assert.equal(sideFromBuyerMaker(false), 1);
 * ```
 */
export function sideFromBuyerMaker(buyerMaker: boolean | undefined): 1 | -1 | 0 {
  return buyerMaker === undefined ? 0 : buyerMaker ? -1 : 1;
}

/**
 * Aggressor side from a `buy`/`sell` word; anything else is 0 (unknown).
 *
 * @example Words to sides
 * ```ts
 * import { sideFromWord } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(["buy", "Sell", "unknown"].map(sideFromWord), [1, -1, 0]);
 * ```
 */
export function sideFromWord(s: unknown): 1 | -1 | 0 {
  const w = typeof s === "string" ? s.trim().toLowerCase() : "";
  return w === "buy" ? 1 : w === "sell" ? -1 : 0;
}

/**
 * Normalize a trade id: a decimal integer that fits a double exactly becomes a number, any
 * other text (BitMEX UUIDs) stays a string, and an empty value is undefined.
 *
 * @example Numeric and UUID ids
 * ```ts
 * import { tradeIdOf } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tradeIdOf("13519807"), 13519807);
 * assert.equal(tradeIdOf("ccc3c1fa-212c"), "ccc3c1fa-212c");
 * assert.equal(tradeIdOf(""), undefined);
 * ```
 */
export function tradeIdOf(v: unknown): number | string | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : String(v);
  if (typeof v === "bigint") {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= 0n ? Number(v) : v.toString();
  }
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  if (t === "") return undefined;
  if (/^\d{1,16}$/.test(t)) {
    const n = Number(t);
    if (Number.isSafeInteger(n)) return n;
  }
  return t;
}

/**
 * `JSON.parse` that turns a syntax error into a {@link FileParseError} naming the line (V8
 * reports a character position; we count the newlines before it).
 *
 * @example Truncated JSON names its last line
 * ```ts
 * import { parseJsonOrThrow } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => parseJsonOrThrow("[[1,2],\n[3,"), /line 2/);
 * ```
 */
export function parseJsonOrThrow(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const lc = /line (\d+) column (\d+)/.exec(msg);
    let line: number;
    if (lc !== null) line = Number(lc[1]);
    else {
      const pos = /position (\d+)/.exec(msg);
      const upto = pos === null ? text.length : Number(pos[1]);
      line = 1;
      for (let i = 0; i < upto && i < text.length; i++) {
        const ch = text.charCodeAt(i);
        // LF, or a CR not followed by LF (CR-only line endings)
        if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) line++;
      }
    }
    throw new FileParseError(
      line,
      `invalid JSON (${msg.replace(/\s*\(line \d+ column \d+\)/, "")})`,
    );
  }
}

/**
 * {@link parseJsonOrThrow} for formats whose top level is an array: anything else throws a
 * {@link FileParseError} at line 1 with `notArray` as its message.
 *
 * @example An object where an array was expected
 * ```ts
 * import { parseJsonArray } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseJsonArray("[1,2]", "expected rows"), [1, 2]);
 * assert.throws(() => parseJsonArray('{"a":1}', "expected rows"), /line 1: expected rows/);
 * ```
 */
export function parseJsonArray(text: string, notArray: string): unknown[] {
  const data = parseJsonOrThrow(text);
  if (!Array.isArray(data)) throw new FileParseError(1, notArray);
  return data;
}

/**
 * Lower-cased header names, trimmed.
 *
 * @example Trimmed and lower-cased
 * ```ts
 * import { headerNames } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(headerNames("Unix Timestamp, Date"), ["unix timestamp", "date"]);
 * ```
 */
export function headerNames(line: string): string[] {
  return line.split(",").map((h) => h.trim().toLowerCase());
}

/**
 * Index of the first header matching one of `names`, or -1.
 *
 * @example First matching name
 * ```ts
 * import { colIndex } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(colIndex(["id", "qty", "time"], "quantity", "qty"), 1);
 * assert.equal(colIndex(["id"], "price"), -1);
 * ```
 */
export function colIndex(header: readonly string[], ...names: string[]): number {
  for (const n of names) {
    const i = header.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

/**
 * View of the first `n` elements of an over-allocated column (the same array when full).
 *
 * @example A view of the first rows
 * ```ts
 * import { shrink } from "@lib/ingest/text.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...shrink(new Float64Array([1, 2, 3]), 2)], [1, 2]);
 * ```
 */
export function shrink<T extends Float64Array | Int32Array | Int8Array>(a: T, n: number): T {
  return (a.length === n ? a : a.subarray(0, n)) as T;
}
