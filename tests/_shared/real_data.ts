/**
 * Access to the real market data in `../shared/data/real` (never copied into the repository).
 *
 * Tests that need it use {@link realDataTest}: when the folder is absent (a clone without the
 * shared data beside it) they are ignored and the reason is printed once. CI always has it.
 * Set CRYPTOLAB_REAL_DATA to point elsewhere.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

function locate(): string {
  const env = Deno.env.get("CRYPTOLAB_REAL_DATA");
  if (env) return env;
  // tests/_shared/ -> repo root -> ../shared/data/real
  return join(fromFileUrlSafe(new URL("../../", import.meta.url)), "..", "shared", "data", "real");
}

function fromFileUrlSafe(u: URL): string {
  return decodeURIComponent(u.pathname);
}

/** Absolute path of the real-data folder (it may not exist). */
export const REAL_DATA_DIR: string = locate();

/** True when the real-data folder is present. */
export const HAS_REAL_DATA: boolean = existsSync(join(REAL_DATA_DIR, "PROVENANCE.md"));

let warned = false;

/** Path of a file inside the real-data folder. */
export function realPath(...parts: string[]): string {
  return join(REAL_DATA_DIR, ...parts);
}

/**
 * Register a test that reads real data; ignored, with the reason printed, when the data is
 * absent.
 */
export function realDataTest(name: string, fn: (t: Deno.TestContext) => void | Promise<void>) {
  if (!HAS_REAL_DATA && Deno.env.get("CI")) {
    // CI always has ../shared beside the clone: a missing folder there would silently skip every
    // oracle check and still report green.
    throw new Error(`CI is set but the real data folder ${REAL_DATA_DIR} is missing`);
  }
  if (!HAS_REAL_DATA && !warned) {
    warned = true;
    console.log(
      `skipping real-data tests: ${REAL_DATA_DIR} not found ` +
        `(clone next to shared/ or set CRYPTOLAB_REAL_DATA)`,
    );
  }
  Deno.test({ name, ignore: !HAS_REAL_DATA, fn });
}
