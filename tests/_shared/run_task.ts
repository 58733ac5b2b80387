/**
 * Run a `tasks/<name>.ts` entry point the way a user does (`deno run` with explicit permissions,
 * from the repository root) and collect its exit code and output, for end-to-end task tests.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The repository root, where tasks run (relative paths in their arguments resolve here). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Broad permissions for running `tasks/demo.ts` or `tasks/report.ts` directly, without network
 * (tests that add a fake exchange append their own `--allow-net`). `deno task demo|report` grant
 * less: `tasks/_launch.ts` limits reads and writes to the store's folder and `--out`; a test
 * that must run a task exactly as users do runs `deno task <name>` (see tests/store/upgrade_test.ts).
 */
export const REPORT_TASK_PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-run=git",
];

/** What a task run left: its exit code and its decoded stdout and stderr. */
export interface TaskOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run the task: its permission flags (default `-A`) and extra environment variables. */
export interface RunTaskOptions {
  readonly permissions?: readonly string[];
  /** Added to the inherited environment, after NO_COLOR=1. */
  readonly env?: Record<string, string>;
}

function taskArgs(task: string, args: readonly string[], options: RunTaskOptions): string[] {
  return ["run", ...(options.permissions ?? ["-A"]), `tasks/${task}.ts`, ...args];
}

function command(args: readonly string[], env: Record<string, string> | undefined): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  });
}

function decode(out: Deno.CommandOutput): TaskOutput {
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Run `deno <args>` (e.g. `task notebooks x.ipynb`) from the repository root, NO_COLOR=1. */
export async function runDeno(
  args: readonly string[],
  env?: Record<string, string>,
): Promise<TaskOutput> {
  return decode(await command(args, env).output());
}

/**
 * Run `tasks/<task>.ts` and wait for it, blocking the test's event loop: use {@link runTask}
 * when the test itself serves the task (a fake exchange in the same process).
 */
export function runTaskSync(
  task: string,
  args: readonly string[],
  options: RunTaskOptions = {},
): TaskOutput {
  return decode(command(taskArgs(task, args, options), options.env).outputSync());
}

/** Run `tasks/<task>.ts` and resolve when it exits. */
export function runTask(
  task: string,
  args: readonly string[],
  options: RunTaskOptions = {},
): Promise<TaskOutput> {
  return runDeno(taskArgs(task, args, options), options.env);
}
