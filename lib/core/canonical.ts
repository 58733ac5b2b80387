/**
 * A canonical, versioned byte encoding of table rows, streamed into SHA-256.
 *
 * A dataset fingerprint must depend only on the values, never on how they were stored, in what
 * order they were written or which JavaScript type carried them. This module fixes one byte
 * layout (encoding version {@link CANONICAL_ENCODING_VERSION}):
 *
 * ```
 * stream  = header row*
 * header  = text("cryptolab-canonical/1") u32(ncols) (text(name) u8(typeCode))*
 *           typeCode: 1 = TEXT, 2 = INTEGER, 3 = REAL, 4 = DYNAMIC
 * row     = field*            one field per column, in column order (no row separator needed:
 *                             every field is self-delimiting)
 * field   = 0x00              SQL NULL
 *         | 0x01 payload      a present value, encoded by the column's declared type:
 *   TEXT     u32 byte length (big-endian) + the UTF-8 bytes
 *   INTEGER  i64 big-endian two's complement (must be a safe integer)
 *   REAL     IEEE-754 float64 big-endian; -0 is written as +0 and every NaN as the single
 *            pattern 0x7FF8000000000000
 *   DYNAMIC  u8 storage-class tag, then the payload of that class as above:
 *            0x01 TEXT | 0x02 INTEGER | 0x03 REAL (the tag is SQLite's typeof() of the value)
 * text(s) = u32 byte length + UTF-8 bytes (the header's strings)
 * ```
 *
 * The type comes from the column, not from the value: an integral price 5 in a REAL column is
 * the float64 5.0, exactly as SQLite stores it, so a batch held in memory hashes the same as the
 * same rows read back from the store.
 *
 * A DYNAMIC column is for a key whose values legitimately have different storage classes, such
 * as `trades.trade_id`: Binance numbers its trades (INTEGER) while BitMEX uses UUIDs and
 * cryptolab synthesizes Kraken ids (TEXT). Each present value carries its own tag, so the
 * integer 7 and the text "7" encode differently. A JavaScript string is TEXT, a bigint or a safe
 * integer is INTEGER, any other number is REAL: the classes SQLite itself gives these values in
 * a column of INTEGER affinity (it stores an integral number as an INTEGER).
 *
 * DYNAMIC (code 4) was added without changing a byte of the other types, so the layout
 * version stays 1 and every bar fingerprint is unchanged; only the trades stream, whose header
 * now declares `trade_id` as DYNAMIC, hashes differently from stores fingerprinted before.
 *
 * Bytes go to the hash in chunks of a fixed-size buffer (64 KiB by default), never as one
 * giant buffer, so fingerprinting a store of any size uses constant memory.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";

/** Version of the byte layout described in this module; part of every fingerprint's header. */
export const CANONICAL_ENCODING_VERSION = 1;

/** Declared type of a canonical column. */
export type CanonicalType = "text" | "integer" | "real" | "dynamic";

/** One column of a canonical row layout. */
export interface CanonicalColumn {
  readonly name: string;
  readonly type: CanonicalType;
}

/** A value a canonical field may hold; `null` (and `undefined`) encode as SQL NULL. */
export type CanonicalValue = string | number | bigint | null | undefined;

/** What a finished hash stream produced. */
export interface CanonicalDigest {
  /** Full SHA-256 of the canonical stream, 64 lower-case hex digits. */
  readonly sha256: string;
  /** Rows encoded. */
  readonly rows: number;
  /** Column names in encoding order. */
  readonly columns: readonly string[];
  readonly encodingVersion: number;
}

const TYPE_CODE: Record<CanonicalType, number> = { text: 1, integer: 2, real: 3, dynamic: 4 };
/** Storage-class tags of a DYNAMIC field. */
const TAG_TEXT = 1, TAG_INTEGER = 2, TAG_REAL = 3;
const TWO_32 = 4_294_967_296;
const utf8 = new TextEncoder();

/**
 * Streams canonical rows into a sink in fixed-size chunks.
 *
 * Write a row either with {@link CanonicalEncoder.row} (an array of values) or field by field
 * with {@link CanonicalEncoder.text} / {@link CanonicalEncoder.integer} /
 * {@link CanonicalEncoder.real} / {@link CanonicalEncoder.dynamic} / {@link CanonicalEncoder.nil}
 * followed by
 * {@link CanonicalEncoder.endRow}; the field-wise form allocates nothing per row.
 *
 * @example Encode one row and look at the bytes
 * ```ts
 * import { CanonicalEncoder } from "@lib/core/canonical.ts";
 * import assert from "node:assert/strict";
 * const bytes: number[] = [];
 * const enc = new CanonicalEncoder([{ name: "x", type: "integer" }], (c) => bytes.push(...c));
 * enc.row([1]);
 * enc.row([null]);
 * enc.flush();
 * // the last 10 bytes: present tag + i64 big-endian 1, then the NULL tag
 * assert.deepEqual(bytes.slice(-10), [1, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
 * ```
 */
export class CanonicalEncoder {
  readonly columns: readonly CanonicalColumn[];
  #sink: (chunk: Uint8Array) => void;
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;
  #field = 0;
  #rows = 0;
  #textCache = new Map<string, Uint8Array>();

  /**
   * @param columns the row layout; written into the stream's header at once
   * @param sink receives each full chunk; the chunk is reused afterwards, so copy it if kept
   * @param chunkBytes buffer size, at least 64 bytes (default 65,536)
   */
  constructor(
    columns: readonly CanonicalColumn[],
    sink: (chunk: Uint8Array) => void,
    chunkBytes = 65_536,
  ) {
    if (columns.length === 0) {
      throw new RangeError("Cannot build a canonical encoder: give at least one column");
    }
    if (!(chunkBytes >= 64)) {
      throw new RangeError(
        `Cannot build a canonical encoder: chunkBytes must be >= 64, got ${chunkBytes}`,
      );
    }
    this.columns = columns;
    this.#sink = sink;
    this.#buf = new Uint8Array(chunkBytes);
    this.#view = new DataView(this.#buf.buffer);
    this.#rawText(`cryptolab-canonical/${CANONICAL_ENCODING_VERSION}`);
    this.#ensure(4);
    this.#view.setUint32(this.#pos, columns.length);
    this.#pos += 4;
    for (const c of columns) {
      this.#rawText(c.name);
      this.#ensure(1);
      this.#buf[this.#pos++] = TYPE_CODE[c.type];
    }
  }

  /** Rows completed so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Write a whole row; `values[i]` is encoded by the declared type of column `i`. */
  row(values: readonly CanonicalValue[]): void {
    const cols = this.columns;
    if (values.length !== cols.length) {
      throw new RangeError(
        `Cannot encode row ${this.#rows}: expected ${cols.length} values, got ${values.length}`,
      );
    }
    for (let i = 0; i < cols.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        this.nil();
        continue;
      }
      const t = cols[i]!.type;
      if (t === "dynamic") this.dynamic(v);
      else if (t === "text") this.text(String(v));
      else if (t === "integer") this.integer(typeof v === "bigint" ? v : Number(v));
      else this.real(Number(v));
    }
    this.endRow();
  }

  /** Write a NULL field. */
  nil(): void {
    this.#next();
    this.#ensure(1);
    this.#buf[this.#pos++] = 0;
  }

  /** Write a present TEXT field. */
  text(s: string): void {
    this.#next("text");
    this.#ensure(1);
    this.#buf[this.#pos++] = 1;
    this.#textPayload(s);
  }

  /**
   * Write a present field of a DYNAMIC column, tagged by its storage class: a string as TEXT,
   * a bigint or safe integer as INTEGER, any other number as REAL.
   */
  dynamic(v: string | number | bigint): void {
    this.#next("dynamic");
    this.#ensure(2);
    this.#buf[this.#pos++] = 1;
    if (typeof v === "string") {
      this.#buf[this.#pos++] = TAG_TEXT;
      this.#textPayload(v);
    } else if (typeof v === "bigint" || Number.isSafeInteger(v)) {
      this.#buf[this.#pos++] = TAG_INTEGER;
      this.#integerPayload(v);
    } else {
      this.#buf[this.#pos++] = TAG_REAL;
      this.#realPayload(v);
    }
  }

  #textPayload(s: string): void {
    let bytes = this.#textCache.get(s);
    if (bytes === undefined) {
      bytes = utf8.encode(s);
      if (this.#textCache.size >= 1024) this.#textCache.clear();
      this.#textCache.set(s, bytes);
    }
    this.#bytes(bytes);
  }

  /** Write a present INTEGER field (a safe integer or a bigint in the i64 range). */
  integer(v: number | bigint): void {
    this.#next("integer");
    this.#ensure(1);
    this.#buf[this.#pos++] = 1;
    this.#integerPayload(v);
  }

  #integerPayload(v: number | bigint): void {
    this.#ensure(8);
    if (typeof v === "bigint") {
      this.#view.setBigInt64(this.#pos, BigInt.asIntN(64, v));
    } else {
      if (!Number.isSafeInteger(v)) {
        throw new RangeError(
          `Cannot encode column "${this.columns[this.#field - 1]!.name}" of row ${this.#rows} ` +
            `as INTEGER: ${v} is not a safe integer`,
        );
      }
      const hi = Math.floor(v / TWO_32);
      this.#view.setInt32(this.#pos, hi);
      this.#view.setUint32(this.#pos + 4, v - hi * TWO_32);
    }
    this.#pos += 8;
  }

  /** Write a present REAL field (-0 becomes +0, every NaN one fixed pattern). */
  real(x: number): void {
    this.#next("real");
    this.#ensure(1);
    this.#buf[this.#pos++] = 1;
    this.#realPayload(x);
  }

  #realPayload(x: number): void {
    this.#ensure(8);
    if (x !== x) {
      this.#view.setUint32(this.#pos, 0x7ff80000);
      this.#view.setUint32(this.#pos + 4, 0);
    } else {
      this.#view.setFloat64(this.#pos, x === 0 ? 0 : x);
    }
    this.#pos += 8;
  }

  /** Finish the current row; every column must have been written. */
  endRow(): void {
    if (this.#field !== this.columns.length) {
      throw new RangeError(
        `Cannot end row ${this.#rows}: ${this.#field} of ${this.columns.length} fields written`,
      );
    }
    this.#field = 0;
    this.#rows++;
  }

  /** Hand any buffered bytes to the sink. Call once after the last row. */
  flush(): void {
    if (this.#field !== 0) {
      throw new RangeError(`Cannot flush: row ${this.#rows} is unfinished`);
    }
    if (this.#pos > 0) this.#sink(this.#buf.subarray(0, this.#pos));
    this.#pos = 0;
  }

  #next(type?: CanonicalType): void {
    const col = this.columns[this.#field];
    if (col === undefined) {
      throw new RangeError(`Cannot write field: row ${this.#rows} already has every column`);
    }
    if (type !== undefined && col.type !== type) {
      throw new TypeError(
        `Cannot write a ${type} into column "${col.name}", which is declared ${col.type}`,
      );
    }
    this.#field++;
  }

  #ensure(n: number): void {
    if (this.#pos + n > this.#buf.length) {
      this.#sink(this.#buf.subarray(0, this.#pos));
      this.#pos = 0;
    }
  }

  #rawText(s: string): void {
    this.#bytes(utf8.encode(s));
  }

  #bytes(bytes: Uint8Array): void {
    this.#ensure(4);
    this.#view.setUint32(this.#pos, bytes.length);
    this.#pos += 4;
    let off = 0;
    while (off < bytes.length) {
      const room = this.#buf.length - this.#pos;
      if (room === 0) {
        this.#ensure(this.#buf.length);
        continue;
      }
      const n = Math.min(room, bytes.length - off);
      this.#buf.set(bytes.subarray(off, off + n), this.#pos);
      this.#pos += n;
      off += n;
    }
  }
}

/**
 * A canonical encoder whose chunks feed one SHA-256 (`node:crypto`). Several encoders (for
 * several tables) may feed the same hash one after another; each stream starts with its own
 * header, so the concatenation stays unambiguous.
 *
 * @example Hash two rows
 * ```ts
 * import { CanonicalHasher } from "@lib/core/canonical.ts";
 * import assert from "node:assert/strict";
 * const h = new CanonicalHasher([{ name: "sym", type: "text" }, { name: "px", type: "real" }]);
 * h.encoder.row(["BTC", 1.5]);
 * h.encoder.row(["ETH", null]);
 * const d = h.digest();
 * assert.equal(d.rows, 2);
 * assert.match(d.sha256, /^[0-9a-f]{64}$/);
 * ```
 */
export class CanonicalHasher {
  readonly hash: Hash;
  #encoders: CanonicalEncoder[] = [];

  constructor(columns?: readonly CanonicalColumn[], hash: Hash = createHash("sha256")) {
    this.hash = hash;
    if (columns !== undefined) this.addTable(columns);
  }

  /** The current (last added) table's encoder. */
  get encoder(): CanonicalEncoder {
    const e = this.#encoders[this.#encoders.length - 1];
    if (e === undefined) throw new RangeError("CanonicalHasher has no table: call addTable first");
    return e;
  }

  /** Start a new table stream (flushing the previous one) and return its encoder. */
  addTable(columns: readonly CanonicalColumn[]): CanonicalEncoder {
    this.#encoders[this.#encoders.length - 1]?.flush();
    const e = new CanonicalEncoder(columns, (chunk) => this.hash.update(chunk));
    this.#encoders.push(e);
    return e;
  }

  /** Flush and finish: the SHA-256 of everything written, with row and column totals. */
  digest(): CanonicalDigest {
    let rows = 0;
    const columns: string[] = [];
    for (const e of this.#encoders) {
      e.flush();
      rows += e.rows;
      for (const c of e.columns) columns.push(c.name);
    }
    return {
      sha256: this.hash.digest("hex"),
      rows,
      columns,
      encodingVersion: CANONICAL_ENCODING_VERSION,
    };
  }
}
