/**
 * Checking a report folder against its manifest.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ManifestFileSchema, ReportSchema } from "./schema.ts";
import { sha256Hex } from "./manifest.ts";

/** One problem found by {@link verifyReport}. */
export interface VerifyProblem {
  /** The file concerned (`report.html`, `manifest.json`, ...). */
  readonly file: string;
  /** What is wrong, in words. */
  readonly message: string;
  /** The hash the manifest lists, when the problem is a hash mismatch. */
  readonly expected?: string;
  /** The hash of the file on disk, when it exists. */
  readonly actual?: string;
}

/** The result of {@link verifyReport}. */
export interface VerifyResult {
  /** True when no problem was found. */
  readonly ok: boolean;
  /** Files whose hash was checked and matched. */
  readonly checked: readonly string[];
  readonly problems: readonly VerifyProblem[];
}

/**
 * Recompute the SHA-256 of every output listed in `<dir>/manifest.json` and report each file
 * that is missing or differs. Also checks that `manifest.json` and `report.json` validate
 * against their schemas and agree on the run id and dataset fingerprint, and that
 * `report.html` names the hash of `report.json`. Output names must be plain file names: a name
 * with a path separator is reported, never read.
 *
 * @example An empty folder fails
 * ```ts
 * import { verifyReport } from "@lib/report/verify.ts";
 * import assert from "node:assert/strict";
 * const r = verifyReport(Deno.makeTempDirSync());
 * assert.equal(r.ok, false);
 * assert.match(r.problems[0]!.message, /manifest\.json is missing/);
 * ```
 */
export function verifyReport(dir: string): VerifyResult {
  const problems: VerifyProblem[] = [];
  const checked: string[] = [];
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) {
    return {
      ok: false,
      checked,
      problems: [{ file: "manifest.json", message: `manifest.json is missing in ${dir}` }],
    };
  }
  const parsed = ManifestFileSchema.safeParse(safeJson(readFileSync(manifestPath, "utf8")));
  if (!parsed.success) {
    return {
      ok: false,
      checked,
      problems: [{
        file: "manifest.json",
        message: `manifest.json does not match its schema: ${parsed.error.message}`,
      }],
    };
  }
  const manifest = parsed.data;
  for (const [name, expected] of Object.entries(manifest.outputs).sort()) {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) {
      problems.push({ file: name, message: `output name "${name}" is not a plain file name` });
      continue;
    }
    const p = join(dir, name);
    if (!existsSync(p)) {
      problems.push({ file: name, message: `${name} is missing`, expected });
      continue;
    }
    const actual = sha256Hex(readFileSync(p));
    if (actual !== expected) {
      problems.push({
        file: name,
        message: `${name} was changed: SHA-256 ${actual}, manifest lists ${expected}`,
        expected,
        actual,
      });
    } else {
      checked.push(name);
    }
  }
  const jsonPath = join(dir, "report.json");
  if (existsSync(jsonPath)) {
    const report = ReportSchema.safeParse(safeJson(readFileSync(jsonPath, "utf8")));
    if (!report.success) {
      problems.push({
        file: "report.json",
        message: `report.json does not match its schema: ${report.error.message}`,
      });
    } else {
      if (report.data.runId !== manifest.runId) {
        problems.push({
          file: "report.json",
          message: `report.json has run id "${report.data.runId}", manifest "${manifest.runId}"`,
        });
      }
      if (report.data.manifest.datasetFingerprint !== manifest.datasetFingerprint) {
        problems.push({
          file: "report.json",
          message: "report.json and manifest.json name different dataset fingerprints",
        });
      }
    }
  }
  const htmlPath = join(dir, "report.html");
  const jsonSha = manifest.outputs["report.json"];
  if (existsSync(htmlPath) && jsonSha !== undefined) {
    if (!readFileSync(htmlPath, "utf8").includes(jsonSha)) {
      problems.push({
        file: "report.html",
        message: "report.html does not list the SHA-256 of report.json given in manifest.json",
      });
    }
  }
  return { ok: problems.length === 0, checked, problems };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
