/**
 * Listing the files an import will look at.
 *
 * @module
 */
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";

/** A file to import and the name it is recorded under. */
export interface ImportTarget {
  /** Path as opened. */
  readonly path: string;
  /** Provenance name: `file:` + the path relative to the parent of the directory given, or the base name of a file given directly. */
  readonly source: string;
  /** Reason to skip without reading it (a folder of API payloads or stream captures). */
  readonly skip: string | undefined;
}

/** Folders whose files are not bulk market data: skipped when reached by walking a directory. */
export const SKIPPED_FOLDERS = ["api_payloads", "ws_streams"] as const;

/**
 * Expand files and directories into a sorted, deterministic list of files. Directories are
 * walked recursively in code-point order of names. Files under `api_payloads/` or
 * `ws_streams/` found by walking are marked to skip; named directly they are imported.
 *
 * @example Sorted walk, stream captures marked
 * ```ts
 * import { listImportTargets } from "@lib/ingest/walk.ts";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${dir}/ws_streams`);
 * Deno.writeTextFileSync(`${dir}/b.csv`, "");
 * Deno.writeTextFileSync(`${dir}/a.csv`, "");
 * Deno.writeTextFileSync(`${dir}/ws_streams/x.csv`, "");
 * const t = listImportTargets([dir]);
 * assert.deepEqual(t.map((x) => x.source.split("/").slice(1).join("/")), ["a.csv", "b.csv", "ws_streams/x.csv"]);
 * assert.ok(t[2]!.skip);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function listImportTargets(paths: readonly string[]): ImportTarget[] {
  const out: ImportTarget[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new Error(`Cannot import "${p}": no such file or directory`);
    }
    if (!st.isDirectory()) {
      out.push({ path: p, source: `file:${basename(p)}`, skip: undefined });
      continue;
    }
    const root = dirname(resolve(p));
    const walk = (dir: string) => {
      const names = readdirSync(dir).sort();
      for (const name of names) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else {
          const rel = relative(root, resolve(full)).split("\\").join("/");
          const segs = rel.split("/");
          const folder = SKIPPED_FOLDERS.find((f) => segs.slice(0, -1).includes(f));
          out.push({
            path: full,
            source: `file:${rel}`,
            skip: folder === undefined
              ? undefined
              : `inside ${folder}/ (API payloads and stream captures are not bulk market data)`,
          });
        }
      }
    };
    walk(p);
  }
  return out;
}
