/**
 * `deno task check-layers`: fail when a file under `lib/` imports from a higher layer, breaks
 * one of STYLE's explicit bans, or takes part in an import cycle (as Deno std's
 * `lint:circular` does for cycles). Part of `deno task ok`.
 *
 * ```
 * deno task check-layers            # checks ./lib
 * deno task check-layers path/to/lib
 * ```
 *
 * The layers, lowest first (`../shared/STYLE.md`, "The flow, and the folders that show it"):
 *
 * ```
 * core -> stats -> providers -> store -> materialize -> ingest -> sim -> panel -> research ->
 * portfolio/backtest -> report -> display -> pipeline
 * ```
 *
 * A file may import its own layer and the layers to its left. Besides the order: `store` never
 * imports `providers`; `report` never imports `store`, `providers`, `ingest`, `materialize` or
 * `sim`; nothing in `lib/` imports from `tasks/`, `notebooks/`, `tests/` or `bench/`. Files
 * directly in `lib/` (the flat index `lib/mod.ts`) may import any layer.
 *
 * Import specifiers are read with TypeScript's own pre-processor (`ts.preProcessFile`): static
 * `import`, `import type`, `export ... from`, side-effect imports and dynamic `import("...")`;
 * a Worker's module, `new URL("./w.ts", import.meta.url)`, is checked for layers too (not for
 * cycles: it runs in its own isolate);
 * specifiers inside comments (JSDoc `@example` blocks) and strings are not imports and are
 * ignored. Relative specifiers and the `@lib/` import map alias are resolved; `npm:`, `node:`
 * and URL specifiers are outside the layering and skipped. Exit 0 when clean, 1 with one line
 * per problem otherwise.
 *
 * @module
 */
import ts from "typescript";
import { dirname, join, relative, resolve, sep as SEPARATOR } from "node:path";

/** The layers of `lib/`, lowest first; folders on one rank share a layer. */
export const LAYERS: readonly (readonly string[])[] = [
  ["core"],
  ["stats"],
  ["providers"],
  ["store"],
  ["materialize"],
  ["ingest"],
  ["sim"],
  ["panel"],
  ["research"],
  ["portfolio", "backtest"],
  ["monitor"],
  ["report"],
  ["display"],
  ["pipeline"],
];

/** STYLE's explicit bans, beyond the order: importer layer -> layers it may never import. */
export const BANNED: Readonly<Record<string, readonly string[]>> = {
  store: ["providers"],
  report: ["store", "providers", "ingest", "materialize", "sim"],
};

/** Folders beside `lib/` that no file of `lib/` may import. */
export const OUTSIDE_LIB = ["tasks", "notebooks", "tests", "bench"] as const;

/** One import that breaks the layering. */
export interface LayerViolation {
  /** The importing file, relative to the checked folder's parent (e.g. `lib/store/x.ts`). */
  readonly file: string;
  /** 1-based line of the import. */
  readonly line: number;
  /** The specifier as written. */
  readonly specifier: string;
  /** What it resolves to, relative like `file`. */
  readonly target: string;
  readonly fromLayer: string;
  readonly toLayer: string;
  /** Why it is not allowed. */
  readonly reason: string;
}

/** One import cycle. */
export interface LayerCycle {
  /** The files on it, relative like {@link LayerViolation.file}, the first repeated at the end. */
  readonly files: readonly string[];
  /** True when one of its imports is `import type` / `export type`: erased at run time, but
   * still a cycle in the design (move the shared type to a file both can import). */
  readonly typeOnly: boolean;
}

/** What {@link checkLayers} found. */
export interface LayerReport {
  /** Files read. */
  readonly files: number;
  /** Imports inside `lib/` resolved and checked. */
  readonly imports: number;
  readonly violations: readonly LayerViolation[];
  /** Each import cycle as the files on it, the first repeated at the end. */
  readonly cycles: readonly LayerCycle[];
  /** Files in a folder of `lib/` that is not a known layer. */
  readonly unknown: readonly string[];
}

const RANK = new Map<string, number>();
LAYERS.forEach((names, i) => names.forEach((n) => RANK.set(n, i)));

function walk(dir: string, out: string[]): void {
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) walk(p, out);
    else if (e.isFile && /\.(ts|tsx|js|mjs)$/.test(e.name)) out.push(p);
  }
}

/** The layer of a path inside `libDir`: its first folder, or `(index)` for a file in `lib/`. */
function layerOf(libDir: string, abs: string): string {
  const parts = relative(libDir, abs).split(SEPARATOR);
  return parts.length === 1 ? "(index)" : parts[0]!;
}

/** 1-based line of a character offset. */
function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** True when the import whose specifier starts at `pos` is `import type` or `export type`. */
function isTypeOnly(text: string, pos: number): boolean {
  const head = text.slice(Math.max(0, pos - 2000), pos);
  const m = /\b(import|export)\s+(type\b)?[^;]*$/.exec(head);
  return m !== null && m[2] !== undefined;
}

/**
 * Module URLs a file loads outside `import`: `new URL("<relative spec>", import.meta.url)` (how a
 * `Worker` is given its module), read from the syntax tree so comments and other URLs are not
 * taken for loads.
 */
function moduleUrls(
  file: string,
  text: string,
): { fileName: string; pos: number; worker: true }[] {
  if (!text.includes("import.meta.url")) return [];
  const out: { fileName: string; pos: number; worker: true }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isNewExpression(node) && ts.isIdentifier(node.expression) &&
      node.expression.text === "URL" && node.arguments?.length === 2
    ) {
      const [spec, base] = node.arguments;
      if (
        spec !== undefined && ts.isStringLiteralLike(spec) && base !== undefined &&
        ts.isPropertyAccessExpression(base) && base.name.text === "url" &&
        ts.isMetaProperty(base.expression) && /\.(ts|tsx|js|mjs)$/.test(spec.text)
      ) {
        out.push({ fileName: spec.text, pos: spec.getStart(), worker: true });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  return out;
}

/** Every import cycle among `files`: Tarjan's strongly connected components, one path each. */
function findCycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sccs: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.has(v)) sccs.push(scc);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  // one concrete cycle per component: breadth-first from its first file back to itself
  return sccs.map((scc) => {
    const members = new Set(scc);
    const start = [...scc].sort()[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    let end: string | undefined;
    while (queue.length > 0 && end === undefined) {
      const v = queue.shift()!;
      for (const w of [...(graph.get(v) ?? [])].sort()) {
        if (!members.has(w)) continue;
        if (w === start) {
          end = v;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const path = [start];
    for (let v = end!; v !== start; v = prev.get(v)!) path.splice(1, 0, v);
    path.push(start);
    return path;
  });
}

/**
 * Check every source file under `libDir` (a `lib/` folder) against {@link LAYERS},
 * {@link BANNED} and {@link OUTSIDE_LIB}, and look for import cycles.
 *
 * @example A store file importing a provider breaks an explicit ban
 * ```ts
 * import { checkLayers } from "./check_layers.ts";
 * import assert from "node:assert/strict";
 * const root = Deno.makeTempDirSync();
 * Deno.mkdirSync(`${root}/lib/store`, { recursive: true });
 * Deno.mkdirSync(`${root}/lib/providers`, { recursive: true });
 * Deno.writeTextFileSync(`${root}/lib/providers/p.ts`, "export const p = 1;\n");
 * Deno.writeTextFileSync(`${root}/lib/store/s.ts`, 'import { p } from "../providers/p.ts";\n');
 * const r = checkLayers(`${root}/lib`);
 * assert.equal(r.violations.length, 1);
 * assert.equal(r.violations[0]?.file, "lib/store/s.ts");
 * assert.equal(r.violations[0]?.toLayer, "providers");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function checkLayers(libDir: string): LayerReport {
  const lib = resolve(libDir);
  const root = dirname(lib);
  const rel = (p: string) => relative(root, p).split(SEPARATOR).join("/");
  const files: string[] = [];
  walk(lib, files);
  files.sort();
  const violations: LayerViolation[] = [];
  const unknown: string[] = [];
  const graph = new Map<string, Set<string>>();
  const typeEdges = new Set<string>(); // "from\0to" pairs imported only as types
  let imports = 0;
  for (const file of files) {
    const text = Deno.readTextFileSync(file);
    const from = layerOf(lib, file);
    if (from !== "(index)" && !RANK.has(from)) unknown.push(rel(file));
    const edges = new Set<string>();
    graph.set(file, edges);
    // a Worker's module runs in its own isolate: checked for layers, not part of a cycle
    const refs = [
      ...ts.preProcessFile(text, true, true).importedFiles.map((r) => ({ ...r, worker: false })),
      ...moduleUrls(file, text),
    ];
    for (const ref of refs) {
      const spec = ref.fileName;
      let target: string;
      if (spec.startsWith("@lib/")) target = join(lib, spec.slice("@lib/".length));
      else if (spec.startsWith("./") || spec.startsWith("../")) {
        target = resolve(dirname(file), spec);
      } else continue; // npm:, node:, jsr:, URLs and bare packages are not layers
      const line = lineAt(text, ref.pos);
      const v = (toLayer: string, reason: string): void => {
        violations.push({
          file: rel(file),
          line,
          specifier: spec,
          target: rel(target),
          fromLayer: from,
          toLayer,
          reason,
        });
      };
      const inLib = relative(lib, target);
      if (inLib.startsWith("..")) {
        const top = relative(root, target).split(SEPARATOR)[0] ?? "";
        if ((OUTSIDE_LIB as readonly string[]).includes(top)) {
          v(top, `nothing in lib/ imports from ${top}/`);
        }
        continue;
      }
      imports++;
      const key = `${file}\0${target}`;
      if (!ref.worker) {
        if (isTypeOnly(text, ref.pos)) {
          if (!edges.has(target)) typeEdges.add(key);
        } else typeEdges.delete(key);
        edges.add(target);
      }
      const to = layerOf(lib, target);
      if (from === "(index)" || to === from) continue;
      if (to === "(index)") {
        v(to, "a layer never imports the flat index lib/mod.ts; import the file itself");
        continue;
      }
      const rf = RANK.get(from), rt = RANK.get(to);
      if (rf === undefined || rt === undefined) continue; // listed in `unknown`
      if (rt > rf) {
        v(to, `${from} may not import ${to}: ${to} is a higher layer`);
      } else if (BANNED[from]?.includes(to)) {
        v(to, `${from} never imports ${to} (an explicit ban in STYLE.md)`);
      }
    }
  }
  const cycles = findCycles(graph).map((c) => ({
    files: c.map(rel),
    typeOnly: c.some((f, i) => i + 1 < c.length && typeEdges.has(`${f}\0${c[i + 1]}`)),
  }));
  return { files: files.length, imports, violations, cycles, unknown };
}

/**
 * The report as lines for a terminal: one per violation, cycle and unknown folder.
 *
 * @example
 * ```ts
 * import { formatLayerReport } from "./check_layers.ts";
 * import assert from "node:assert/strict";
 * const lines = formatLayerReport({ files: 2, imports: 1, unknown: [], cycles: [], violations: [{
 *   file: "lib/stats/a.ts", line: 3, specifier: "../panel/p.ts", target: "lib/panel/p.ts",
 *   fromLayer: "stats", toLayer: "panel", reason: "stats may not import panel: panel is a higher layer",
 * }] });
 * assert.equal(lines[0], 'lib/stats/a.ts:3 imports "../panel/p.ts" (lib/panel/p.ts): stats may not import panel: panel is a higher layer');
 * ```
 */
export function formatLayerReport(r: LayerReport): string[] {
  const out: string[] = [];
  for (const v of r.violations) {
    out.push(`${v.file}:${v.line} imports "${v.specifier}" (${v.target}): ${v.reason}`);
  }
  for (const c of r.cycles) {
    out.push(
      `import cycle${c.typeOnly ? " (through an import type)" : ""}: ${c.files.join(" -> ")}`,
    );
  }
  for (const f of r.unknown) {
    out.push(
      `${f}: its folder is not a layer; add it to LAYERS in tasks/check_layers.ts and to ` +
        "the order in STYLE.md",
    );
  }
  return out;
}

if (import.meta.main) {
  const dir = Deno.args[0] ?? "lib";
  const r = checkLayers(dir);
  const lines = formatLayerReport(r);
  for (const l of lines) console.error(l);
  if (lines.length > 0) {
    console.error(
      `check-layers: ${r.violations.length} layering violations, ${r.cycles.length} import ` +
        `cycles, ${r.unknown.length} files outside a layer (${r.files} files, ${r.imports} ` +
        "imports). A file may import only its own layer and those to its left in STYLE.md.",
    );
    Deno.exit(1);
  }
  console.error(`check-layers ok: ${r.files} files, ${r.imports} imports, no cycle`);
}
