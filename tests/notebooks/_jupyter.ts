/**
 * What the notebook tests share: whether Jupyter is installed, running `deno task notebooks`,
 * and reading what an executed notebook showed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../tasks/notebooks.ts";
import { runDeno, type TaskOutput } from "../_shared/run_task.ts";

/**
 * True when `jupyter nbconvert` runs. Otherwise prints that `what` is skipped and how to
 * install Jupyter, and returns false (the README's test command must pass on a machine with
 * only Node and npm; CI installs Jupyter).
 */
export function jupyterInstalled(what: string): boolean {
  let ok = false;
  try {
    ok = new Deno.Command("jupyter", {
      args: ["nbconvert", "--version"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    ok = false;
  }
  if (!ok) {
    console.log(
      `skipping ${what}: jupyter is not on PATH ` +
        "(apt-get install -y jupyter-nbconvert python3-nbclient python3-ipykernel)",
    );
  }
  return ok;
}

/**
 * Run `deno task notebooks <args>` from the repository root and collect its output.
 *
 * nbconvert sometimes drops an output the kernel published just before it reported idle (seen
 * about once in a dozen cells for last-expression results, and once in four runs of notebook 06
 * for an awaited `Deno.jupyter.display`; see ENVIRONMENT.md). That is a race in the Jupyter
 * client, not in the notebook, so when the task succeeded but a cell that calls `display(` came
 * back with no output at all, the notebooks are executed once more and the second run is what
 * the tests read. The rerun is printed so a flaky kernel stays visible in the log.
 */
export async function runNotebooksTask(args: readonly string[]): Promise<TaskOutput> {
  const first = await runDeno(["task", "notebooks", ...args]);
  if (first.code !== 0) return first;
  const names = args.filter((a) => a.endsWith(".ipynb")).map((a) => a.split("/").pop()!);
  const lost = (await Promise.all(names.map(lostDisplays))).flat();
  if (lost.length === 0) return first;
  console.log(`notebook outputs lost by the Jupyter client (${lost.join(", ")}); executing again`);
  return await runDeno(["task", "notebooks", ...args]);
}

/** `<notebook> cell <i>` for each code cell that calls `display(` but has no output. */
async function lostDisplays(name: string): Promise<string[]> {
  let nb: { cells: { cell_type: string; source: string | string[]; outputs?: unknown[] }[] };
  try {
    nb = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "notebooks/.executed", name)));
  } catch {
    return [];
  }
  return nb.cells.flatMap((c, i) =>
    c.cell_type === "code" && joined(c.source).includes("display(") &&
      (c.outputs ?? []).length === 0
      ? [`${name} cell ${i}`]
      : []
  );
}

/** One cell output of an executed notebook (nbformat 4). */
export interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
}

/** A multiline nbformat string (a string or a list of lines) as one string; "" when absent. */
export const joined = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? v.join("") : v ?? "";

/** The cell outputs of `notebooks/.executed/<name>`, asserting that none is an error. */
export async function executedOutputs(name: string): Promise<Output[]> {
  const nb = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "notebooks/.executed", name)));
  const outputs: Output[] = nb.cells.flatMap((c: { outputs?: Output[] }) => c.outputs ?? []);
  assert.ok(!outputs.some((o) => o.output_type === "error"), `${name}: an error output`);
  return outputs;
}
