/**
 * Writing a report folder: `report.json`, then `report.html`, then `manifest.json`.
 *
 * A file cannot contain its own hash, so each file lists the hashes of the files written
 * before it: `report.json` has `manifest.outputs` empty, `report.html` lists the SHA-256 of
 * `report.json`, and `manifest.json` lists both.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ReportModel } from "./model.ts";
import { checkModel } from "./model.ts";
import { renderJson } from "./json.ts";
import { renderHtml } from "./html.ts";
import { sha256Hex } from "./manifest.ts";

/** The three files of a report folder. */
export const REPORT_FILES = ["report.json", "report.html", "manifest.json"] as const;

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  /** The folder. */
  readonly dir: string;
  /** Absolute or relative path of each file, as joined from `dir`. */
  readonly paths: { readonly json: string; readonly html: string; readonly manifest: string };
  /** SHA-256 of `report.json` and `report.html`, as listed in `manifest.json`. */
  readonly outputs: Readonly<Record<string, string>>;
}

/**
 * Render `model` and write the report folder `dir` (created if needed; existing files are
 * replaced). Returns the paths and hashes.
 *
 * @example Write a folder and verify it
 * ```ts
 * import { writeReport } from "@lib/report/write.ts";
 * import { verifyReport } from "@lib/report/verify.ts";
 * import { SCHEMA_VERSION } from "@lib/report/model.ts";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const w = writeReport(dir, {
 *   schemaVersion: SCHEMA_VERSION, runId: "r1", title: "Demo", subtitle: "", dataNote: "sim",
 *   sections: [],
 *   manifest: {
 *     datasetFingerprint: "0".repeat(64),
 *     dataset: { venue: "sim", freq: "1h", symbols: [], from: 0, to: 0, rows: 0 },
 *     git: { commit: "unknown", dirty: null }, deno: "2.9.6", denoLockSha256: null,
 *     params: {}, seed: null, outputs: {},
 *   },
 * });
 * assert.deepEqual(Object.keys(w.outputs), ["report.json", "report.html"]);
 * assert.equal(verifyReport(dir).ok, true);
 * ```
 */
export function writeReport(dir: string, model: ReportModel): WrittenReport {
  checkModel(model); // before the folder is made
  mkdirSync(dir, { recursive: true });
  const paths = {
    json: join(dir, "report.json"),
    html: join(dir, "report.html"),
    manifest: join(dir, "manifest.json"),
  };
  const files = renderReportFiles(model);
  writeFileSync(paths.json, files["report.json"]);
  writeFileSync(paths.html, files["report.html"]);
  writeFileSync(paths.manifest, files["manifest.json"]);
  return { dir, paths, outputs: files.outputs };
}

/** The text of each file of a report folder, as {@link writeReport} writes them. */
export interface ReportFiles {
  readonly "report.json": string;
  readonly "report.html": string;
  readonly "manifest.json": string;
  /** SHA-256 of `report.json` and `report.html`, as listed in `manifest.json`. */
  readonly outputs: Readonly<Record<string, string>>;
}

/**
 * Render `model` to the three files of a report folder without writing them (what
 * `deno task verify-report` compares a folder with, byte by byte).
 *
 * @example The manifest lists the other two files' hashes
 * ```ts
 * import { renderReportFiles } from "@lib/report/write.ts";
 * import { sha256Hex } from "@lib/report/manifest.ts";
 * import { SCHEMA_VERSION } from "@lib/report/model.ts";
 * import assert from "node:assert/strict";
 * const f = renderReportFiles({
 *   schemaVersion: SCHEMA_VERSION, runId: "r1", title: "Demo", subtitle: "", dataNote: "sim",
 *   sections: [],
 *   manifest: {
 *     datasetFingerprint: "0".repeat(64),
 *     dataset: { venue: "sim", freq: "1h", symbols: [], from: 0, to: 0, rows: 0 },
 *     git: { commit: "unknown", dirty: null }, deno: "2.9.6", denoLockSha256: null,
 *     params: {}, seed: null, outputs: {},
 *   },
 * });
 * assert.equal(JSON.parse(f["manifest.json"]).outputs["report.html"], sha256Hex(f["report.html"]));
 * ```
 */
export function renderReportFiles(model: ReportModel): ReportFiles {
  checkModel(model);
  const base: ReportModel = { ...model, manifest: { ...model.manifest, outputs: {} } };
  const json = renderJson(base);
  const jsonSha = sha256Hex(json);
  const html = renderHtml(base, { outputs: { "report.json": jsonSha } });
  const outputs = { "report.json": jsonSha, "report.html": sha256Hex(html) };
  const manifest = renderJson({
    schemaVersion: model.schemaVersion,
    runId: model.runId,
    ...model.manifest,
    outputs,
  });
  return { "report.json": json, "report.html": html, "manifest.json": manifest, outputs };
}
