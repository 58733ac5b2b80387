/**
 * `deno task jupyter [--db PATH] [--port N] [--no-browser] [--dry-run]`
 *
 * Starts the classic Jupyter notebook server on `notebooks/` with the repository's Deno kernel,
 * on a machine where Deno came from npm (`npx -y deno@2.9.6 task jupyter`) and no `deno` is on
 * PATH: `JUPYTER_PATH` points at `notebooks/kernels/`, and the folder of the Deno binary running
 * this task (`Deno.execPath()`) comes first on PATH, so the kernelspec's `deno` is that binary.
 *
 * It installs nothing: when `jupyter notebook` is missing it prints the apt-get line and exits 2.
 * The notebooks open their own store (`data/notebooks.db`) unless `--db` names another, which is
 * passed to them as `CRYPTOLAB_NOTEBOOK_DB` (see lib/store/notebook_store.ts).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { NOTEBOOK_DB_ENV, NOTEBOOK_DB_FILE } from "@lib/store/notebook_store.ts";
import { parseFlags, runMain, UsageError } from "./_cli.ts";
import { kernelEnv, REPO_ROOT } from "./notebooks.ts";

const USAGE = `usage: deno task jupyter [--db PATH] [--port N] [--no-browser] [--dry-run]

Start the Jupyter notebook server on notebooks/ with the cryptolab Deno kernel (pick
"cryptolab (Deno)"). Installs nothing: if Jupyter is missing, prints how to install it.

  --db PATH      store the notebooks open (default: their own ${NOTEBOOK_DB_FILE}; name
                 data/cryptolab.db to work on the tasks' store, which they may then write to)
  --port N       port of the server (default: Jupyter's, 8888 or the next free one)
  --no-browser   do not open a browser
  --dry-run      print the environment and command, start nothing
  -h, --help     show this text`;

/** How to install the notebook server on Debian or Ubuntu. */
export const JUPYTER_INSTALL_HINT =
  "jupyter notebook was not found on PATH. Nothing was installed; install it with:\n" +
  "  sudo apt-get install -y jupyter-notebook python3-ipykernel\n" +
  "then run `deno task jupyter` again.";

function jupyterNotebookRuns(env: Record<string, string>): boolean {
  try {
    return new Deno.Command("jupyter", {
      args: ["notebook", "--version"],
      env,
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false; // not on PATH
  }
}

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    port: { type: "string" },
    "no-browser": { type: "boolean" },
    "dry-run": { type: "boolean" },
  }, USAGE);
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) {
    throw new UsageError(`--port must be a port number, got "${values.port}"\n\n${USAGE}`);
  }
  const env = kernelEnv(Deno.env.toObject());
  if (values.db !== undefined && values.db !== "") env[NOTEBOOK_DB_ENV] = resolve(values.db);
  const jupyterArgs = [
    "notebook",
    `--notebook-dir=${join(REPO_ROOT, "notebooks")}`,
    ...(values.port !== undefined ? [`--port=${values.port}`] : []),
    ...(values["no-browser"] ? ["--no-browser"] : []),
    // Jupyter refuses to start as root unless told: containers and CI often run as root
    ...(Deno.uid() === 0 ? ["--allow-root"] : []),
  ];
  const store = env[NOTEBOOK_DB_ENV] ?? `${join(REPO_ROOT, NOTEBOOK_DB_FILE)} (the default)`;
  if (values["dry-run"]) {
    console.log(`PATH=${env.PATH}`);
    console.log(`JUPYTER_PATH=${env.JUPYTER_PATH}`);
    if (env[NOTEBOOK_DB_ENV] !== undefined) {
      console.log(`${NOTEBOOK_DB_ENV}=${env[NOTEBOOK_DB_ENV]}`);
    }
    console.log(`jupyter ${jupyterArgs.join(" ")}`);
    return 0;
  }
  if (!jupyterNotebookRuns(env)) {
    console.error(JUPYTER_INSTALL_HINT);
    return 2;
  }
  console.error(`kernel "cryptolab (Deno)" runs ${Deno.execPath()}; notebooks open ${store}`);
  const child = new Deno.Command("jupyter", { args: jupyterArgs, env, cwd: REPO_ROOT }).spawn();
  // Ctrl-C reaches Jupyter too (same process group): it asks whether to shut down, so this
  // process stays until Jupyter exits. SIGTERM, sent to this process alone, is passed on.
  const ignore = () => {};
  const forward = () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
  };
  Deno.addSignalListener("SIGINT", ignore);
  Deno.addSignalListener("SIGTERM", forward);
  try {
    const status = await child.status;
    return status.code;
  } finally {
    Deno.removeSignalListener("SIGINT", ignore);
    Deno.removeSignalListener("SIGTERM", forward);
  }
}

if (import.meta.main) runMain(main);
