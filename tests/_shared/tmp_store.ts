/**
 * A fresh store in a temporary directory for one test.
 *
 * @module
 */
import { openStore, type Store } from "@lib/store/db.ts";

/** Open a new store file in a new temp dir; `cleanup()` closes it and removes the dir. */
export function tempStore(): Store & { dir: string; cleanup(): void } {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-test-" });
  const store = openStore(`${dir}/test.db`);
  return {
    ...store,
    dir,
    cleanup() {
      try {
        store.close();
      } catch { /* already closed */ }
      Deno.removeSync(dir, { recursive: true });
    },
  };
}
