/**
 * `POST /api/upload/ohlc`: files the way `deno task import` takes them, through the same
 * `importPaths` (detection from the file name and content, parser, row rules, quarantine, one
 * transaction per file) with the same per-file summary line (`formatFileReport`).
 *
 * The body is either `multipart/form-data` (the page's form: one or more `file` fields, and
 * optional `venue`, `symbol`, `freq` fields) or the raw file with `?filename=NAME` (curl
 * `--data-binary @BTCUSDT-1m-2024-01.csv`); `venue`, `symbol`, `freq` may also be query
 * parameters. The file name matters as it does for `import` (venue, symbol and frequency are
 * inferred from it), so it is kept (reduced to its last path segment and safe characters).
 * Each file is written to a fresh folder under `uploadDir` (inside the store's folder, which
 * the task may write), imported, and deleted.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { type Freq, FREQS } from "@lib/core/freq.ts";
import { type FileReport, formatFileReport, importPaths } from "@lib/ingest/import_path.ts";
import { BadRequest } from "./params.ts";

/** Largest upload accepted, bytes. @default 256 MiB */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

/** One uploaded file's outcome: the import's report plus its summary line. */
export interface UploadedFile {
  /** The name the file was uploaded as (after sanitizing). */
  readonly name: string;
  readonly status: FileReport["status"];
  /** `formatFileReport` of the import, the line `deno task import` prints. */
  readonly summary: string;
  readonly report: FileReport;
}

/** What {@link uploadOhlc} returns. */
export interface UploadResult {
  /** The `ingest_runs` row of the import. */
  readonly runId: number;
  readonly files: readonly UploadedFile[];
}

/**
 * A file name reduced to its last segment with `[A-Za-z0-9._-]` only (others become `_`), at
 * most 200 characters; empty or dot-only names are refused.
 *
 * @example
 * ```ts
 * import { safeUploadName } from "@lib/pipeline/monitor/upload.ts";
 * import assert from "node:assert/strict";
 * assert.equal(safeUploadName("../../etc/BTC_USDT-1h.json"), "BTC_USDT-1h.json");
 * assert.equal(safeUploadName("C:\\data\\Binance BTCUSDT 1h.csv"), "Binance_BTCUSDT_1h.csv");
 * assert.throws(() => safeUploadName(".."), /file name/);
 * ```
 */
export function safeUploadName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? "";
  const safe = last.replace(/[^A-Za-z0-9._-]/g, "_").slice(-200);
  if (safe === "" || /^\.+$/.test(safe)) {
    throw new BadRequest(
      `the file name ${JSON.stringify(name)} cannot be used; name the file as for deno task ` +
        "import, e.g. BTCUSDT-1m-2024-01.csv",
    );
  }
  return safe;
}

function override(
  q: URLSearchParams,
  form: FormData | undefined,
  name: string,
): string | undefined {
  const v = form?.get(name) ?? q.get(name);
  if (v === null || v === undefined) return undefined;
  if (typeof v !== "string") throw new BadRequest(`field "${name}" must be text`);
  return v.trim() === "" ? undefined : v.trim();
}

/**
 * The import's message as an uploader reads it: the temporary folder left out, and a flag to
 * pass named as the form field (or query parameter) that sets it.
 */
function uploadMessage(message: string | undefined, dir: string): string | undefined {
  if (message === undefined) return undefined;
  return message.replaceAll(`${dir}/`, "")
    .replace(/,? e\.g\. re-run: deno task import .*$/s, "")
    .replace(/--(venue|symbol|freq)\b/g, "the $1 field (or ?$1=)");
}

/**
 * The request body, read chunk by chunk and refused (`tooLarge()` thrown, the stream
 * cancelled) as soon as it passes `maxBytes`, whether or not a Content-Length announced it.
 */
export async function readLimited(
  req: Request,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body !== null) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Import the files of an upload request into the store (see the module notes).
 *
 * @example The raw-body form, as curl sends it
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { uploadOhlc } from "@lib/pipeline/monitor/upload.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const dir = Deno.makeTempDirSync();
 * const t = Date.UTC(2024, 0, 1), h = 3_600_000;
 * const body = JSON.stringify([[t, 1, 2, 0.5, 1.5, 10], [t + h, 1.5, 2, 1, 1.8, 12]]);
 * const url = "http://127.0.0.1/api/upload/ohlc?filename=BTC_USDT-1h.json&venue=binance";
 * const req = new Request(url, { method: "POST", body });
 * const r = await uploadOhlc(db, req, new URL(req.url).searchParams, dir);
 * assert.equal(r.files[0]!.report.inserted, 2);
 * const noVenue = new Request("http://127.0.0.1/api/upload/ohlc?filename=BTC_USDT-1h.json", {
 *   method: "POST", body,
 * });
 * const f = await uploadOhlc(db, noVenue, new URL(noVenue.url).searchParams, dir);
 * assert.match(f.files[0]!.summary, /^BTC_USDT-1h\.json: failed: BTC_USDT-1h\.json: cannot infer the venue.*the venue field \(or \?venue=\)/);
 * assert.match(r.files[0]!.summary, /^BTC_USDT-1h\.json: freqtrade_json binance BTCUSDT 1h rows=2 inserted=2/);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function uploadOhlc(
  db: DatabaseSync,
  req: Request,
  q: URLSearchParams,
  uploadDir: string,
  maxBytes: number = MAX_UPLOAD_BYTES,
): Promise<UploadResult> {
  const tooLarge = (what: string) =>
    new BadRequest(
      `the upload is ${what}; at most ${maxBytes} bytes are accepted (use deno task ` +
        "import for larger files)",
    );
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > maxBytes) throw tooLarge(`${length} bytes`);
  // the limit holds while the body is read: a chunked body (no Content-Length) is cut off at
  // the first byte over it, never buffered whole
  const body = await readLimited(req, maxBytes, () => tooLarge(`more than ${maxBytes} bytes`));
  const type = req.headers.get("content-type") ?? "";
  const files: { name: string; bytes: Uint8Array }[] = [];
  let form: FormData | undefined;
  if (type.startsWith("multipart/form-data")) {
    try {
      form = await new Response(body, { headers: { "content-type": type } }).formData();
    } catch (e) {
      throw new BadRequest(`the multipart body could not be read: ${(e as Error).message}`);
    }
    for (const v of form.getAll("file")) {
      if (typeof v === "string") throw new BadRequest(`field "file" must be a file, not text`);
      files.push({ name: safeUploadName(v.name), bytes: new Uint8Array(await v.arrayBuffer()) });
    }
    if (files.length === 0) {
      throw new BadRequest(`the form has no "file" field; attach one or more files as "file"`);
    }
  } else {
    const name = q.get("filename");
    if (name === null) {
      throw new BadRequest(
        `send multipart/form-data with "file" fields, or the raw file with ?filename=NAME ` +
          "(the name tells the import the format, venue, symbol and frequency)",
      );
    }
    files.push({ name: safeUploadName(name), bytes: body });
  }
  for (const f of files) {
    if (f.bytes.length === 0) throw new BadRequest(`the file ${f.name} is empty`);
    if (f.bytes.length > maxBytes) {
      throw new BadRequest(`the file ${f.name} is larger than ${maxBytes} bytes`);
    }
  }
  const venue = override(q, form, "venue");
  const symbol = override(q, form, "symbol");
  const freqText = override(q, form, "freq");
  if (freqText !== undefined && !(FREQS as readonly string[]).includes(freqText)) {
    throw new BadRequest(
      `"freq" must be one of ${FREQS.join(", ")}, got ${JSON.stringify(freqText)}`,
    );
  }
  if (venue !== undefined && !/^[a-z0-9_]{2,40}$/.test(venue)) {
    throw new BadRequest(`"venue" must be a venue id like binance, got ${JSON.stringify(venue)}`);
  }
  if (symbol !== undefined && !/^[A-Za-z0-9._/-]{2,40}$/.test(symbol)) {
    throw new BadRequest(`"symbol" must be a symbol like BTCUSDT, got ${JSON.stringify(symbol)}`);
  }
  Deno.mkdirSync(uploadDir, { recursive: true });
  const dir = Deno.makeTempDirSync({ dir: uploadDir, prefix: "upload-" });
  try {
    const paths: string[] = [];
    const names = new Set<string>();
    for (const f of files) {
      let name = f.name;
      for (let k = 2; names.has(name); k++) name = `${k}-${f.name}`;
      names.add(name);
      const path = join(dir, name);
      Deno.writeFileSync(path, f.bytes);
      paths.push(path);
    }
    const report = await importPaths(db, paths, {
      venue,
      symbol,
      freq: freqText as Freq | undefined,
    });
    return {
      runId: report.runId,
      files: report.files.map((r) => {
        const name = r.path.slice(dir.length + 1);
        const shown = { ...r, path: name, message: uploadMessage(r.message, dir) };
        return { name, status: r.status, summary: formatFileReport(shown), report: shown };
      }),
    };
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
