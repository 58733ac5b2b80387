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

/** Run `deno task notebooks <args>` from the repository root and collect its output. */
export function runNotebooksTask(args: readonly string[]): Promise<TaskOutput> {
  return runDeno(["task", "notebooks", ...args]);
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
