/**
 * Which store a notebook opens. Notebooks import and simulate data, so they never write into the
 * tasks' default store (`data/cryptolab.db`) unless asked: they open the store named by
 * `CRYPTOLAB_NOTEBOOK_DB` when it is set (`deno task jupyter --db PATH` and
 * `deno task notebooks --db PATH` set it), else their own `data/notebooks.db` in the repository.
 *
 * `CRYPTOLAB_DB`, which the tasks read, is deliberately not read here: a shell that exports it
 * for the tasks would otherwise make every notebook import into that store.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { openStore, type Store } from "./db.ts";

/** The environment variable naming the store the notebooks open. */
export const NOTEBOOK_DB_ENV = "CRYPTOLAB_NOTEBOOK_DB";

/** The notebooks' own store when none is named, relative to the repository root. */
export const NOTEBOOK_DB_FILE = "data/notebooks.db";

/** The store a notebook opens, and why. */
export interface NotebookStoreChoice {
  /** Absolute path of the store file. */
  readonly path: string;
  /** The repository root (the first folder holding deno.json, from `cwd` upwards). */
  readonly root: string;
  /** True when `CRYPTOLAB_NOTEBOOK_DB` named the store. */
  readonly explicit: boolean;
  /** One line for the notebook: the path and where the choice came from. */
  readonly description: string;
}

/** Where to look: injectable for tests. */
export interface NotebookStoreOptions {
  /** Reads an environment variable; default `Deno.env.get`. */
  readonly env?: (name: string) => string | undefined;
  /** Folder to search upwards from for deno.json; default `Deno.cwd()`. */
  readonly cwd?: string;
}

/**
 * Choose the store a notebook opens (see the module doc).
 *
 * @example Without CRYPTOLAB_NOTEBOOK_DB, the notebooks' own store, never data/cryptolab.db
 * ```ts
 * import { notebookStorePath } from "@lib/store/notebook_store.ts";
 * import assert from "node:assert/strict";
 * const env: Record<string, string> = { CRYPTOLAB_DB: "/home/me/main.db" };
 * const choice = notebookStorePath({ env: (k) => env[k] });
 * assert.ok(choice.path.endsWith("data/notebooks.db"));
 * assert.equal(choice.explicit, false);
 * ```
 */
export function notebookStorePath(options: NotebookStoreOptions = {}): NotebookStoreChoice {
  const env = options.env ?? ((k: string) => Deno.env.get(k));
  const start = resolve(options.cwd ?? Deno.cwd());
  let root = start;
  while (!existsSync(join(root, "deno.json"))) {
    if (dirname(root) === root) {
      throw new Error(
        `No deno.json above ${start}: start Jupyter inside the cryptolab repository ` +
          `(deno task jupyter does)`,
      );
    }
    root = dirname(root);
  }
  const named = env(NOTEBOOK_DB_ENV);
  if (named !== undefined && named !== "") {
    const path = resolve(root, named);
    return { path, root, explicit: true, description: `${path} (from ${NOTEBOOK_DB_ENV})` };
  }
  const path = join(root, NOTEBOOK_DB_FILE);
  return {
    path,
    root,
    explicit: false,
    description: `${path} (the notebooks' own store; set ${NOTEBOOK_DB_ENV} or run ` +
      `deno task jupyter --db PATH to open another)`,
  };
}

/**
 * Open the store {@link notebookStorePath} chooses (creating and migrating it as needed).
 *
 * @example
 * ```ts
 * import { openNotebookStore } from "@lib/store/notebook_store.ts";
 * import assert from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const { store, explicit } = openNotebookStore({
 *   env: (k) => (k === "CRYPTOLAB_NOTEBOOK_DB" ? `${dir}/nb.db` : undefined),
 * });
 * assert.equal(explicit, true);
 * store.close();
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function openNotebookStore(
  options: NotebookStoreOptions = {},
): NotebookStoreChoice & { readonly store: Store } {
  const choice = notebookStorePath(options);
  return { ...choice, store: openStore(choice.path) };
}
