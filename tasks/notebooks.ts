/**
 * `deno task notebooks [--db PATH] [--timeout SECONDS] [notebook...]`
 *
 * Executes notebooks headlessly with the repository's Deno kernel (`jupyter nbconvert
 * --execute`), writes the executed copies to `notebooks/.executed/`, and fails (exit 1) when a
 * cell throws, an executed notebook holds an error output, or a code cell that calls `display`
 * produced no output. Exit 2 when Jupyter is not installed or a flag is wrong.
 *
 * The notebooks open the store named by `CRYPTOLAB_NOTEBOOK_DB` (lib/store/notebook_store.ts),
 * which this task points at a fresh temporary store unless `--db` is given, so a test run never
 * touches the user's store.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { NOTEBOOK_DB_ENV } from "@lib/store/notebook_store.ts";
import { parseFlags, runMain, UsageError } from "./_cli.ts";

const USAGE = `usage: deno task notebooks [--db PATH] [--timeout SECONDS] [notebook...]

Execute notebooks/*.ipynb (or the ones named) with the cryptolab Deno kernel via
jupyter nbconvert, writing executed copies to notebooks/.executed/.

  --db PATH          store the notebooks use (default: a new temporary store, deleted after)
  --timeout SECONDS  longest a single cell may run (default 600)
  -h, --help         show this text`;

/** Kernel name of the kernelspec kept in `notebooks/kernels/`. */
export const KERNEL_NAME = "cryptolab-deno";

/** How to install what this task needs on Debian or Ubuntu. */
export const INSTALL_HINT = "jupyter (nbconvert) was not found on PATH. Install it with:\n" +
  "  sudo apt-get install -y jupyter-nbconvert python3-nbclient python3-ipykernel\n" +
  "(add jupyter-notebook for the browser UI), then run `deno task notebooks` again.";

/** The repository root: the folder above `tasks/`. */
export const REPO_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The environment Jupyter needs to run the repository's kernel, from `base` (the caller's
 * environment): `JUPYTER_PATH` starts with `notebooks/` (where `kernels/cryptolab-deno/` is), and
 * `PATH` starts with the folder of the Deno binary running this code, because the kernelspec runs
 * `deno`: under `npx deno@...` no `deno` is on PATH, and `Deno.execPath()` is the real binary
 * (in node_modules/deno/ or node_modules/@deno/<platform>/), not npm's shim.
 */
export function kernelEnv(base: Readonly<Record<string, string>>): Record<string, string> {
  return {
    ...base,
    PATH: [dirname(Deno.execPath()), base.PATH ?? ""].filter(Boolean).join(delimiter),
    JUPYTER_PATH: [join(REPO_ROOT, "notebooks"), base.JUPYTER_PATH ?? ""].filter(Boolean)
      .join(delimiter),
  };
}

/** One problem found in an executed notebook. */
export interface NotebookProblem {
  /** 1-based index among the notebook's cells (markdown included), as Jupyter shows them. */
  readonly cell: number;
  readonly message: string;
}

interface NbOutput {
  output_type?: string;
  ename?: string;
  evalue?: string;
}
interface NbCell {
  cell_type?: string;
  source?: string | string[];
  outputs?: NbOutput[];
}

const text = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");

/**
 * Check an executed notebook (its parsed JSON): no error output in any cell, and every code
 * cell whose source calls `display(` has at least one output.
 */
export function checkExecutedNotebook(nb: unknown): NotebookProblem[] {
  const cells = (nb as { cells?: NbCell[] }).cells;
  if (!Array.isArray(cells)) return [{ cell: 0, message: "not a notebook: no cells array" }];
  const problems: NotebookProblem[] = [];
  cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    const outputs = c.outputs ?? [];
    for (const o of outputs) {
      if (o.output_type === "error") {
        problems.push({ cell: i + 1, message: `error output: ${o.ename}: ${o.evalue}` });
      }
    }
    // strip line comments so a commented-out call does not count
    const src = text(c.source).replace(/\/\/.*$/gm, "");
    if (/\bdisplay\s*\(/.test(src) && outputs.length === 0) {
      problems.push({ cell: i + 1, message: "calls display(...) but produced no output" });
    }
  });
  return problems;
}

/** The last error nbconvert printed: the cell's exception, without the Python traceback. */
export function summarizeNbconvertError(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trimEnd());
  const marker = lines.findLastIndex((l) => /CellExecutionError|CellTimeoutError/.test(l));
  if (marker < 0) return lines.filter((l) => l.trim() !== "").slice(-8).join("\n");
  // nbclient prints: the cell source between dashed lines, then the kernel's error text
  const rest = lines.slice(marker + 1);
  const dashes = rest.map((l, i) => (/^-{6,}$/.test(l) ? i : -1)).filter((i) => i >= 0);
  const body = dashes.length >= 2 ? rest.slice(dashes[1]! + 1) : rest;
  const errorText = body.filter((l) => l.trim() !== "").slice(0, 12).join("\n");
  const source = dashes.length >= 2 ? rest.slice(dashes[0]! + 1, dashes[1]).join("\n") : "";
  return (source ? `in cell:\n${source.split("\n").slice(0, 6).join("\n")}\n` : "") + errorText;
}

async function hasJupyter(env: Record<string, string>): Promise<boolean> {
  try {
    const out = await new Deno.Command("jupyter", {
      args: ["nbconvert", "--version"],
      env,
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false; // not on PATH
  }
}

function listNotebooks(names: string[]): string[] {
  const dir = join(REPO_ROOT, "notebooks");
  if (names.length === 0) {
    return readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(dir, f));
  }
  return names.map((n) => {
    const candidates = isAbsolute(n) ? [n] : [resolve(n), join(dir, n), join(dir, `${n}.ipynb`)];
    const found = candidates.find((p) => p.endsWith(".ipynb") && existsSync(p));
    if (found === undefined) {
      throw new UsageError(`notebook "${n}" not found (looked in ${candidates.join(", ")})`);
    }
    return found;
  });
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { timeout: { type: "string" } },
    USAGE,
    true,
  );
  const timeout = Number(values.timeout ?? "600");
  if (!(Number.isInteger(timeout) && timeout > 0)) {
    throw new UsageError(`--timeout must be a whole number of seconds > 0, got ${values.timeout}`);
  }

  const env: Record<string, string> = { ...kernelEnv(Deno.env.toObject()), NO_COLOR: "1" };
  if (!(await hasJupyter(env))) {
    console.error(INSTALL_HINT);
    return 2;
  }
  const notebooks = listNotebooks(positionals);
  if (notebooks.length === 0) {
    console.error(`no notebooks in ${join(REPO_ROOT, "notebooks")}`);
    return 1;
  }

  let tempDir: string | undefined;
  if (values.db !== undefined && values.db !== "") {
    env[NOTEBOOK_DB_ENV] = resolve(values.db);
  } else {
    tempDir = await Deno.makeTempDir({ prefix: "cryptolab-notebooks-" });
    env[NOTEBOOK_DB_ENV] = join(tempDir, "cryptolab.db");
  }
  const outDir = join(REPO_ROOT, "notebooks", ".executed");
  let failed = 0;
  try {
    console.error(`store for this run: ${env[NOTEBOOK_DB_ENV]}${tempDir ? " (temporary)" : ""}`);
    for (const nb of notebooks) {
      const name = basename(nb);
      const t0 = performance.now();
      console.error(`executing ${name} ...`);
      const out = await new Deno.Command("jupyter", {
        args: [
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          nb,
          "--output-dir",
          outDir,
          `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
          `--ExecutePreprocessor.timeout=${timeout}`,
        ],
        env,
        cwd: REPO_ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      const stderr = new TextDecoder().decode(out.stderr);
      if (!out.success) {
        failed++;
        console.error(
          `FAILED ${name} (${secs} s): a cell threw\n${summarizeNbconvertError(stderr)}`,
        );
        continue;
      }
      const executed = JSON.parse(readFileSync(join(outDir, name), "utf8"));
      const problems = checkExecutedNotebook(executed);
      if (problems.length > 0) {
        failed++;
        for (const p of problems) console.error(`FAILED ${name} cell ${p.cell}: ${p.message}`);
        continue;
      }
      const cells = (executed.cells as NbCell[]).filter((c) => c.cell_type === "code");
      const outputs = cells.reduce((n, c) => n + (c.outputs?.length ?? 0), 0);
      console.log(`ok ${name} (${secs} s, ${cells.length} code cells, ${outputs} outputs)`);
    }
  } finally {
    if (tempDir !== undefined) await Deno.remove(tempDir, { recursive: true });
  }
  console.log(
    `${
      notebooks.length - failed
    } of ${notebooks.length} notebooks ok; executed copies in ${outDir}`,
  );
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) runMain(main);
