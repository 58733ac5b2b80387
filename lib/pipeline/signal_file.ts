/**
 * Reading a researcher's signal file (CSV or Parquet, long format) for the signal tear sheet.
 *
 * @module
 */
import { basename, extname } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import {
  type LongSignal,
  longSignalFromRecords,
  parseSignalCsv,
} from "../research/signal_input.ts";
import { sha256Hex } from "../report/manifest.ts";

/** What {@link readSignalFile} returns. */
export interface SignalFile {
  /** The rows, `source` set to the file's name. */
  readonly signal: LongSignal;
  /** The path as given. */
  readonly path: string;
  /** SHA-256 (hex) of the file's bytes, for the manifest. */
  readonly sha256: string;
  readonly format: "csv" | "parquet";
}

/**
 * Read a signal file in long format, one row per (bar, asset): a time column (`ts`,
 * `timestamp`, `time`, `date` or `datetime`: ISO 8601 UTC text, epoch milliseconds, or a
 * Parquet timestamp), an asset column (`asset`, `symbol`, `ticker` or `pair`) and a value
 * column (`value`, `signal`, `factor`, `score`, or the only other column). Parquet (read by
 * `hyparquet`, any codec of `hyparquet-compressors`) when the file starts with `PAR1`, else
 * CSV with a header. pandas writes one with
 * `df[["ts", "asset", "value"]].to_parquet("signal.parquet", index=False)` or `to_csv(...,
 * index=False)`. Errors name the file and the row.
 *
 * @example A CSV file
 * ```ts
 * import { readSignalFile } from "@lib/pipeline/signal_file.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "ts,asset,value\n2021-01-01T00:00:00Z,BTCUSDT,0.5\n");
 * const f = await readSignalFile(path);
 * assert.equal(f.format, "csv");
 * assert.deepEqual(f.signal.asset, ["BTCUSDT"]);
 * await Deno.remove(path);
 * ```
 */
export async function readSignalFile(path: string): Promise<SignalFile> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw new RangeError(
      `Cannot read the signal file ${path}: ${(e as Error).message}; give a CSV or Parquet ` +
        `file of (timestamp, asset, value) rows`,
    );
  }
  const name = basename(path);
  const sha256 = sha256Hex(bytes);
  const isParquet = bytes.length >= 8 && new TextDecoder().decode(bytes.subarray(0, 4)) === "PAR1";
  if (isParquet) {
    let rows: Record<string, unknown>[];
    try {
      const file = bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength,
      ) as ArrayBuffer;
      rows = await parquetReadObjects({ file, compressors });
    } catch (e) {
      throw new RangeError(`Cannot read ${name} as Parquet: ${(e as Error).message}`);
    }
    return { signal: longSignalFromRecords(rows, name), path, sha256, format: "parquet" };
  }
  if (extname(path).toLowerCase() === ".parquet") {
    throw new RangeError(`Cannot read ${name}: it is named .parquet but does not start with PAR1`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new RangeError(`Cannot read ${name}: it is neither Parquet nor UTF-8 CSV text`);
  }
  return { signal: parseSignalCsv(text, name), path, sha256, format: "csv" };
}
