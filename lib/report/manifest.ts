/**
 * Building a report's manifest: the dataset fingerprint, the code version (git commit and a
 * dirty flag), the Deno version, the `deno.lock` hash, the parameters and seed. Output hashes
 * are added by `writeReport`, which knows the files.
 *
 * Nothing here reads the clock, so the same inputs give the same manifest.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatasetScope, GitInfo, Manifest, ParamValue } from "./model.ts";

/**
 * SHA-256 of a string (as UTF-8) or bytes, as 64 lower-case hex digits.
 *
 * @example Hash a string
 * ```ts
 * import { sha256Hex } from "@lib/report/manifest.ts";
 * import assert from "node:assert/strict";
 * assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
 * ```
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The git commit of `dir` and whether its working tree differs from it (modified, staged or
 * untracked files that are not ignored). Needs `--allow-run=git`; returns
 * `{commit: "unknown", dirty: null}` when git is missing, not permitted, or `dir` is not in a
 * checkout.
 *
 * @example Outside a checkout
 * ```ts
 * import { gitInfo } from "@lib/report/manifest.ts";
 * import assert from "node:assert/strict";
 * const g = gitInfo(Deno.makeTempDirSync());
 * assert.deepEqual(g, { commit: "unknown", dirty: null });
 * ```
 */
export function gitInfo(dir: string): GitInfo {
  const head = runGit(dir, ["rev-parse", "--verify", "HEAD"]);
  if (head === undefined || !/^[0-9a-f]{40,64}$/.test(head.trim())) {
    return { commit: "unknown", dirty: null };
  }
  const status = runGit(dir, ["status", "--porcelain"]);
  return { commit: head.trim(), dirty: status === undefined ? null : status.trim() !== "" };
}

function runGit(dir: string, args: string[]): string | undefined {
  try {
    const out = new Deno.Command("git", {
      args: ["-C", dir, ...args],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).outputSync();
    return out.success ? new TextDecoder().decode(out.stdout) : undefined;
  } catch {
    return undefined; // git absent or --allow-run=git not granted
  }
}

/**
 * SHA-256 of `<dir>/deno.lock`, or null when there is none.
 *
 * @example No lock file
 * ```ts
 * import { denoLockSha256 } from "@lib/report/manifest.ts";
 * import assert from "node:assert/strict";
 * assert.equal(denoLockSha256(Deno.makeTempDirSync()), null);
 * ```
 */
export function denoLockSha256(dir: string): string | null {
  const p = join(dir, "deno.lock");
  return existsSync(p) ? sha256Hex(readFileSync(p)) : null;
}

/** Inputs of {@link buildManifest}. */
export interface ManifestInput {
  /** 64-hex SHA-256 of exactly the rows used. */
  readonly datasetFingerprint: string;
  /** Which rows the fingerprint covers. */
  readonly dataset: DatasetScope;
  /** Run parameters after defaults. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Generator seed, or null when the data is not simulated. */
  readonly seed: number | null;
  /** Folder holding `deno.lock` and the git checkout. Default: the current directory. */
  readonly projectDir?: string;
  /** Override the git state (tests, or a build without git). Default: {@link gitInfo}. */
  readonly git?: GitInfo;
  /** Override the Deno version. Default: `Deno.version.deno`. */
  readonly deno?: string;
}

/**
 * Assemble a manifest with no output hashes yet (`outputs: {}`); parameter keys are sorted.
 * Throws when the fingerprint is not 64 hex digits.
 *
 * @example Parameters sorted, outputs empty
 * ```ts
 * import { buildManifest } from "@lib/report/manifest.ts";
 * import assert from "node:assert/strict";
 * const m = buildManifest({
 *   datasetFingerprint: "a".repeat(64),
 *   dataset: { venue: "sim", freq: "1h", symbols: ["BTC"], from: 0, to: 3_600_000, rows: 1 },
 *   params: { seed: 42, assets: 1 }, seed: 42,
 *   git: { commit: "unknown", dirty: null }, deno: "2.9.6",
 * });
 * assert.deepEqual(Object.keys(m.params), ["assets", "seed"]);
 * assert.deepEqual(m.outputs, {});
 * ```
 */
export function buildManifest(input: ManifestInput): Manifest {
  if (!/^[0-9a-f]{64}$/.test(input.datasetFingerprint)) {
    throw new RangeError(
      `Invalid dataset fingerprint "${input.datasetFingerprint}": expected 64 lower-case hex ` +
        `digits (a SHA-256 from lib/store/fingerprint.ts)`,
    );
  }
  const dir = input.projectDir ?? Deno.cwd();
  const params: Record<string, ParamValue> = {};
  for (const k of Object.keys(input.params).sort()) params[k] = input.params[k]!;
  return {
    datasetFingerprint: input.datasetFingerprint,
    dataset: input.dataset,
    git: input.git ?? gitInfo(dir),
    deno: input.deno ?? Deno.version.deno,
    denoLockSha256: denoLockSha256(dir),
    params,
    seed: input.seed,
    outputs: {},
  };
}
