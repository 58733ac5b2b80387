/**
 * The layering check of `deno task ok` (`tasks/check_layers.ts`) on fixture trees built in a
 * temporary folder: each fixture breaks one rule, and the check must name the file, the import
 * and both layers.
 */
import assert from "node:assert/strict";
import { checkLayers, formatLayerReport } from "../../tasks/check_layers.ts";
import { runDeno } from "../_shared/run_task.ts";

/** Write `files` (path under the root -> text) into a new temporary folder; returns the root. */
function fixture(files: Record<string, string>): string {
  const root = Deno.makeTempDirSync({ prefix: "layers_" });
  for (const [path, text] of Object.entries(files)) {
    const abs = `${root}/${path}`;
    Deno.mkdirSync(abs.slice(0, abs.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(abs, text);
  }
  return root;
}

Deno.test("a lower layer importing a higher one is named with file, line, import and layers", () => {
  const root = fixture({
    "lib/panel/p.ts": "export const p = 1;\n",
    "lib/stats/mean.ts": '// the mean\nimport { p } from "../panel/p.ts";\nexport const m = p;\n',
  });
  try {
    const r = checkLayers(`${root}/lib`);
    assert.equal(r.violations.length, 1);
    const v = r.violations[0]!;
    assert.deepEqual(
      [v.file, v.line, v.specifier, v.target, v.fromLayer, v.toLayer],
      ["lib/stats/mean.ts", 2, "../panel/p.ts", "lib/panel/p.ts", "stats", "panel"],
    );
    assert.equal(
      formatLayerReport(r)[0],
      'lib/stats/mean.ts:2 imports "../panel/p.ts" (lib/panel/p.ts): stats may not import ' +
        "panel: panel is a higher layer",
    );
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("every kind of import is read; comments, JSDoc examples and strings are not imports", () => {
  const root = fixture({
    "lib/report/a.ts": "export type A = number;\n",
    "lib/report/b.ts": "export const b = 1;\n",
    "lib/report/c.ts": "export const c = 1;\n",
    "lib/report/d.ts": "export const d = 1;\n",
    "lib/core/x.ts": [
      "/**",
      " * @example",
      " * ```ts",
      ' * import { b } from "@lib/report/b.ts";',
      " * ```",
      " */",
      '// import "../report/b.ts";',
      "const s = \"import('../report/b.ts')\";",
      'import type { A } from "../report/a.ts";',
      'export { b } from "@lib/report/b.ts";',
      'export * from "../report/c.ts";',
      'export const load = () => import("../report/d.ts");',
      'import { z } from "zod";',
      'import { readFileSync } from "node:fs";',
      "export const y: A = s.length;",
      "",
    ].join("\n"),
  });
  try {
    const r = checkLayers(`${root}/lib`);
    assert.deepEqual(
      r.violations.map((v) => [v.line, v.specifier, v.toLayer]),
      [
        [9, "../report/a.ts", "report"],
        [10, "@lib/report/b.ts", "report"],
        [11, "../report/c.ts", "report"],
        [12, "../report/d.ts", "report"],
      ],
    );
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("a Worker's module URL (new URL(spec, import.meta.url)) is an import too", () => {
  // lib/research/pairs loads its worker this way; a report loading a store module in a Worker
  // climbs the layers as surely as an import does
  const root = fixture({
    "lib/store/db.ts": "export const x = 1;\n",
    "lib/report/w.ts": "const a = 1;\n" +
      'const w = new Worker(new URL("../store/db.ts", import.meta.url), { type: "module" });\n' +
      '// new URL("../store/db.ts", import.meta.url) in a comment is not a load\n' +
      'const data = new URL("../store/db.ts", "https://example.com/");\n' +
      "export { a, data, w };\n",
  });
  try {
    const r = checkLayers(`${root}/lib`);
    assert.deepEqual(
      r.violations.map((v) => [v.file, v.line, v.specifier, v.toLayer]),
      [["lib/report/w.ts", 2, "../store/db.ts", "store"]],
    );
    assert.equal(r.cycles.length, 0, "a Worker's module is not part of an import cycle");
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("STYLE's explicit bans: store -> providers, report -> store, lib -> tasks", () => {
  const root = fixture({
    "lib/providers/types.ts": "export interface Q { p: number }\n",
    "lib/store/snap.ts": 'import type { Q } from "../providers/types.ts";\nexport type S = Q;\n',
    "lib/store/db.ts": "export const db = 1;\n",
    "lib/report/r.ts": 'import { db } from "../store/db.ts";\nexport const r = db;\n',
    "lib/research/f.ts": 'import { main } from "../../tasks/run.ts";\nexport const f = main;\n',
    "tasks/run.ts": "export const main = 1;\n",
  });
  try {
    const lines = formatLayerReport(checkLayers(`${root}/lib`));
    assert.deepEqual(lines, [
      'lib/report/r.ts:1 imports "../store/db.ts" (lib/store/db.ts): report never imports ' +
      "store (an explicit ban in STYLE.md)",
      'lib/research/f.ts:1 imports "../../tasks/run.ts" (tasks/run.ts): nothing in lib/ ' +
      "imports from tasks/",
      'lib/store/snap.ts:1 imports "../providers/types.ts" (lib/providers/types.ts): store ' +
      "never imports providers (an explicit ban in STYLE.md)",
    ]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("import cycles are found, also through an import type; a layer of its own is allowed", () => {
  const root = fixture({
    "lib/stats/a.ts": 'import { b } from "./b.ts";\nexport const a = b;\n',
    "lib/stats/b.ts": 'import { c } from "./c.ts";\nexport const b = c;\n',
    "lib/stats/c.ts": 'import { a } from "./a.ts";\nexport const c = 1;\nexport const d = a;\n',
    "lib/stats/t.ts": 'import type { U } from "./u.ts";\nexport type T = U | 1;\n',
    "lib/stats/u.ts": 'import { t } from "./v.ts";\nexport type U = 2;\nexport const w = t;\n',
    "lib/stats/v.ts": 'import type { T } from "./t.ts";\nexport const t: T = 1;\n',
    "lib/core/ok.ts": "export const ok = 1;\n",
    "lib/stats/uses_core.ts": 'import { ok } from "../core/ok.ts";\nexport const u = ok;\n',
    "lib/mod.ts": 'export * from "./stats/a.ts";\n',
  });
  try {
    const r = checkLayers(`${root}/lib`);
    assert.equal(r.violations.length, 0);
    assert.deepEqual(r.cycles, [
      {
        files: ["lib/stats/a.ts", "lib/stats/b.ts", "lib/stats/c.ts", "lib/stats/a.ts"],
        typeOnly: false,
      },
      {
        files: ["lib/stats/t.ts", "lib/stats/u.ts", "lib/stats/v.ts", "lib/stats/t.ts"],
        typeOnly: true,
      },
    ]);
    assert.match(formatLayerReport(r)[1] ?? "", /^import cycle \(through an import type\): /);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("a folder of lib/ that is no layer is reported", () => {
  const root = fixture({ "lib/utils/u.ts": "export const u = 1;\n" });
  try {
    assert.deepEqual(checkLayers(`${root}/lib`).unknown, ["lib/utils/u.ts"]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("deno task check-layers exits 1 on a violation and 0 on a clean tree", async () => {
  const bad = fixture({
    "lib/panel/p.ts": "export const p = 1;\n",
    "lib/stats/s.ts": 'import { p } from "../panel/p.ts";\nexport const s = p;\n',
  });
  const good = fixture({
    "lib/core/c.ts": "export const c = 1;\n",
    "lib/stats/s.ts": 'import { c } from "../core/c.ts";\nexport const s = c;\n',
  });
  try {
    const r = await runDeno(["task", "check-layers", `${bad}/lib`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /lib\/stats\/s\.ts:1 imports "\.\.\/panel\/p\.ts"/);
    assert.match(r.stderr, /stats may not import panel/);
    assert.match(r.stderr, /1 layering violations, 0 import cycles/);
    const ok = await runDeno(["task", "check-layers", `${good}/lib`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /check-layers ok: 2 files, 1 imports, no cycle/);
  } finally {
    Deno.removeSync(bad, { recursive: true });
    Deno.removeSync(good, { recursive: true });
  }
});
