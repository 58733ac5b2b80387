/**
 * Content-Security-Policy hashes for inline scripts.
 *
 * A page with a strict policy (`script-src` without `'unsafe-inline'`) may still run an inline
 * `<script>` whose exact text hashes to a source listed in the policy. The hash covers the bytes
 * between `<script>` and `</script>` exactly, so a page must inline the text unchanged (no added
 * newline or indentation).
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * The CSP source expression (`'sha256-<base64>'`) allowing an inline script with this exact text
 * (hashed as UTF-8, as browsers do).
 *
 * @example Allow one inline script
 * ```ts
 * import { cspScriptHash } from "@lib/report/interactive/csp.ts";
 * import assert from "node:assert/strict";
 * // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
 * assert.equal(cspScriptHash("alert(1)"), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
 * ```
 */
export function cspScriptHash(source: string): string {
  return `'sha256-${createHash("sha256").update(source, "utf8").digest("base64")}'`;
}
