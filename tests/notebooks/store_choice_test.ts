/**
 * Notebooks never write into the tasks' default store unless asked: each opens its store through
 * `openNotebookStore` (`CRYPTOLAB_NOTEBOOK_DB`, else `data/notebooks.db`), and `CRYPTOLAB_DB`,
 * which a shell may export for the tasks, does not reach them.
 *
 * Before: every notebook opened `CRYPTOLAB_DB || data/cryptolab.db`, so opening 01 in Jupyter
 * filled the demo's store with simulated bars and 02-04 imported 24 real series into it.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NOTEBOOK_DB_ENV, notebookStorePath } from "@lib/store/notebook_store.ts";
import { REPO_ROOT } from "../_shared/run_task.ts";

Deno.test("notebookStorePath: CRYPTOLAB_NOTEBOOK_DB, else data/notebooks.db; never CRYPTOLAB_DB", () => {
  const root = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "cryptolab-nbstore-" }));
  try {
    writeFileSync(join(root, "deno.json"), "{}");
    mkdirSync(join(root, "notebooks"));
    const env: Record<string, string> = { CRYPTOLAB_DB: "/home/me/main.db" };
    const opts = { env: (k: string) => env[k], cwd: join(root, "notebooks") };
    const own = notebookStorePath(opts);
    assert.deepEqual([own.path, own.root, own.explicit], [
      join(root, "data", "notebooks.db"),
      root,
      false,
    ]);
    env[NOTEBOOK_DB_ENV] = "data/cryptolab.db"; // asked for explicitly: relative to the root
    const asked = notebookStorePath(opts);
    assert.deepEqual([asked.path, asked.explicit], [join(root, "data", "cryptolab.db"), true]);
    assert.match(asked.description, /from CRYPTOLAB_NOTEBOOK_DB/);
    assert.throws(
      () => notebookStorePath({ env: opts.env, cwd: "/" }),
      /No deno.json above \/: start Jupyter inside the cryptolab repository/,
    );
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("every notebook opens its store with openNotebookStore (or only a temporary store it made) and names no other store", () => {
  const dir = join(REPO_ROOT, "notebooks");
  const names = readdirSync(dir).filter((f) => f.endsWith(".ipynb"));
  assert.ok(names.length >= 4);
  for (const name of names) {
    const nb = JSON.parse(Deno.readTextFileSync(join(dir, name)));
    const code = (nb.cells as { cell_type: string; source: string | string[] }[])
      .filter((c) => c.cell_type === "code")
      .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
      .join("\n");
    assert.doesNotMatch(code, /cryptolab\.db|CRYPTOLAB_DB\b/, name);
    if (/openNotebookStore\(\)/.test(code)) {
      assert.doesNotMatch(code, /\bopenStore\(/, name);
    } else {
      // 08_live_monitor starts `deno task monitor` on a store of its own in a fresh temporary
      // folder and reads that store: the only other store a notebook may open.
      assert.match(
        code,
        /const dir = await Deno\.makeTempDir\(/,
        `${name} opens no store of its own`,
      );
      assert.match(code, /const DB = join\(dir, "[\w.]+\.db"\)/, name);
      const opened = [...code.matchAll(/\bopenStore\(([^)]*)\)/g)].map((m) => m[1]);
      assert.ok(opened.length > 0, `${name} opens its store with openNotebookStore`);
      assert.deepEqual([...new Set(opened)], ["DB"], `${name} opens only its temporary store`);
    }
  }
});
