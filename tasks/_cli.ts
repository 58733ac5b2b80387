/**
 * Shared plumbing for task entry points: strict flag parsing, the store path, progress lines
 * and a main() wrapper that turns errors into one clear line and an exit code.
 *
 * We use `node:util` parseArgs rather than `jsr:@std/cli` because JSR is unreachable from our
 * build machines.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { openStore, resolveDbPath, type Store } from "@lib/store/db.ts";
import { forTerminal } from "@lib/core/for_terminal.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Flags every task accepts. */
export const COMMON_OPTIONS = {
  db: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

/** Thrown for bad command-line input: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Parse `args` strictly: an unknown flag or a missing value is a {@link UsageError} that names
 * the flag and shows the usage text.
 */
export function parseFlags<O extends Options>(
  args: readonly string[],
  options: O,
  usage: string,
  allowPositionals = false,
) {
  taskFlags = Object.keys({ ...COMMON_OPTIONS, ...options });
  try {
    const parsed = parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, ...options },
      strict: true,
      allowPositionals,
    });
    if ((parsed.values as { help?: boolean }).help) {
      console.log(usage);
      Deno.exit(0);
    }
    return parsed;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // "--lag -1": parseArgs reads a value starting with a dash as a flag; say how to give it
    const dash = /^Option '(--[\w-]+)' argument is ambiguous/.exec((e as Error).message);
    const at = dash === null ? -1 : args.indexOf(dash[1]!);
    if (dash !== null && at >= 0 && args[at + 1] !== undefined) {
      const [flag, value] = [dash[1]!, args[at + 1]!];
      // A flag declared `nonNegative: true` (e.g. --null-runs) says what is wrong with "-1".
      const spec = (options as Record<string, { nonNegative?: boolean }>)[flag.slice(2)];
      if (spec?.nonNegative === true && /^-\d/.test(value)) {
        throw new UsageError(`${flag} must be an integer >= 0, got "${value}"\n\n${usage}`);
      }
      throw new UsageError(
        `${flag} ${value}: a value starting with a dash must be attached to its flag: ` +
          `${flag}=${value}\n\n${usage}`,
      );
    }
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${msg}\n\n${usage}`);
  }
}

/** How a task opens its store (see {@link openTaskStore}). */
export interface TaskStoreOptions {
  /** Read only (an older store is still upgraded first, with its backup). Default false. */
  readonly readOnly?: boolean;
  /**
   * The task works on existing data: a missing store is an error saying how to create one,
   * never a new empty file made from a typo in `--db`. Default false.
   */
  readonly mustExist?: boolean;
}

/**
 * Open the store named by `--db`, `CRYPTOLAB_DB` or the default, telling stderr about upgrades
 * and their backups. `options` is a {@link TaskStoreOptions} or, as before, the readOnly flag.
 */
export function openTaskStore(
  dbFlag: string | undefined,
  options: boolean | TaskStoreOptions = {},
): Store {
  const o: TaskStoreOptions = typeof options === "boolean" ? { readOnly: options } : options;
  const store = openStore(resolveDbPath(dbFlag), {
    readOnly: o.readOnly ?? false,
    mustExist: o.mustExist ?? false,
  });
  const m = store.migration;
  if (m.from !== m.to) {
    console.error(
      `store ${store.path}: migrated schema v${m.from} -> v${m.to}` +
        (m.backupPath ? ` (backup: ${m.backupPath})` : ""),
    );
  }
  return store;
}

/** Write a progress line to stderr, overwriting the previous one on a terminal. */
export function progressLine(text: string): void {
  const tty = Deno.stderr.isTerminal();
  const safe = forTerminal(text, { keepNewlines: false });
  const bytes = new TextEncoder().encode(tty ? `\r\x1b[2K${safe}` : `${safe}\n`);
  Deno.stderr.writeSync(bytes);
}

/** End a run of {@link progressLine} calls. */
export function progressDone(): void {
  if (Deno.stderr.isTerminal()) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
}

/**
 * Run a task's main function: usage errors print their message and exit 2, other errors print
 * `error: <message>` and exit 1 (with the stack when CRYPTOLAB_DEBUG is set).
 */
export async function runMain(main: (args: string[]) => Promise<number | void> | number | void) {
  guardConsole();
  try {
    const code = await main(Deno.args);
    Deno.exit(code ?? 0);
  } catch (e) {
    const err = e as Error;
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}`);
      Deno.exit(2);
    }
    console.error(`error: ${flagNames(err.message, taskFlags)}`);
    if (Deno.env.get("CRYPTOLAB_DEBUG")) console.error(err.stack);
    Deno.exit(1);
  }
}

/**
 * Pass every string a task prints through `console.log/info/warn/error` through
 * {@link forTerminal}, so a file name, symbol, reason or raw row holding `\x1b[31m` or `\x07`
 * is shown, not obeyed, whichever task or library function prints it. Idempotent. Bytes a
 * task writes itself (`Deno.stdout.writeSync`: exports, the progress line's own erase
 * sequence) are not touched.
 */
export function guardConsole(): void {
  const c = console as unknown as Record<string, unknown> & { [GUARDED]?: true };
  if (c[GUARDED]) return;
  for (const name of ["log", "info", "warn", "error"] as const) {
    const orig = console[name].bind(console);
    console[name] = (...args: unknown[]) =>
      orig(...args.map((a) => (typeof a === "string" ? forTerminal(a) : a)));
  }
  c[GUARDED] = true;
}

const GUARDED = Symbol.for("cryptolab.guardConsole");

/** The flags of the task being run (set by {@link parseFlags}), for {@link flagNames}. */
let taskFlags: readonly string[] = [];

/**
 * Rewrite the internal option names a library error uses into the flags the user typed:
 * `options.factors` and `minObs` become `--factors` and `--min-obs`; a plain word that is also
 * a flag (`window`, `until`, `from`) only where the message states a condition on it
 * (`window must ...`, `until (2024-01-01) ...`, `window = 720`, `window is required`), so
 * prose such as "rolling window" is left alone.
 *
 * @example
 * ```ts
 * import { flagNames } from "./_cli.ts";
 * import assert from "node:assert/strict";
 * const flags = ["window", "min-obs", "factors", "since", "until"];
 * assert.equal(
 *   flagNames("minObs must be an integer in [3, window = 10], got 11", flags),
 *   "--min-obs must be an integer in [3, --window = 10], got 11",
 * );
 * assert.equal(flagNames("Pass the exact asset name in options.factors", flags),
 *   "Pass the exact asset name in --factors");
 * assert.equal(flagNames("until (5) must be after since (7)", flags),
 *   "--until (5) must be after --since (7)");
 * assert.equal(flagNames("a rolling window of bars; pass --window", flags),
 *   "a rolling window of bars; pass --window");
 * ```
 */
export function flagNames(message: string, flags: readonly string[]): string {
  let out = message;
  for (const flag of flags) {
    const camel = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const cli = `--${flag}`;
    out = out.replace(new RegExp(`\\boptions\\.${camel}\\b`, "g"), cli);
    if (camel !== flag) out = out.replace(new RegExp(`(?<![-\\w./])${camel}\\b`, "g"), cli);
    out = out.replace(
      new RegExp(`(?<![-\\w./])${camel}(?= must\\b| \\(| = |: must| is required)`, "g"),
      cli,
    );
  }
  return out;
}
