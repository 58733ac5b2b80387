/**
 * The launcher behind every `deno task` that opens a store: it reads the task's flags, works out
 * the least privilege they need, and re-runs the task with exactly that:
 *
 * - `--allow-write` and `--allow-read` on the real folder of the store (`--db`, else
 *   `CRYPTOLAB_DB`, else `data/cryptolab.db`) and on the task's output (`--out` of report, backtest, walkforward, export
 *   and demo, with their defaults `reports/` and `exports/`; the file of `quarantine export
 *   --out`); read on the repository (config, code version), on the `--providers` file and on
 *   the files `import` is given;
 * - `--allow-net` on the hosts of the venues the task talks to: each venue's public host, or the
 *   host of its `CRYPTOLAB_<NAME>_URL` override (a mirror, or the local exchange of the tests);
 *   none for tasks that only work on the store; the monitor also gets the `--host:--port` it
 *   listens on and the host of its `--webhook` URL, and only the hosts of the venue its
 *   `--venue` names (binance: stream and REST; kraken: REST);
 * - `--allow-env`, plus `--allow-sys` and `--allow-run=git` for the tasks that record the code
 *   version in a report (report, backtest, walkforward, demo); nothing else.
 *
 * Symlinks are resolved before anything is granted: the task is handed the store's real path and
 * may write only in that real folder, so a symlink cannot make it write anywhere the launcher did
 * not name. A store path under `data/` that a symlink leads out of `data/` is refused (pass the
 * real path with `--db` if it is meant); any other path is followed, and stderr says where it
 * leads when a symlink changed it.
 *
 * The launcher itself runs with `--allow-read` (to resolve paths), `--allow-env=CRYPTOLAB_*` and
 * `--allow-run` on the Deno binary that runs it (`Deno.execPath()`, the real binary also under
 * `npx deno`), and spawns only that binary. `CRYPTOLAB_DEBUG=1` prints the command it runs.
 *
 * Usage (from deno.json): `deno run ... tasks/_launch.ts <task> [task flags...]`.
 *
 * @module
 */
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
// paths in its messages come from the command line and the file system: shown, not obeyed
import { forTerminal } from "@lib/core/for_terminal.ts";

/** Each venue's public base URL, by the `<NAME>` of its `CRYPTOLAB_<NAME>_URL` override. */
export const VENUE_DEFAULT_URLS: Readonly<Record<string, string>> = {
  BINANCE: "https://api.binance.com",
  BINANCE_FUTURES: "https://fapi.binance.com",
  BINANCE_WS: "wss://stream.binance.com:9443",
  BINANCE_FUTURES_WS: "wss://fstream.binance.com",
  KRAKEN: "https://api.kraken.com",
  COINBASE: "https://api.exchange.coinbase.com",
  DEXSCREENER: "https://api.dexscreener.com",
};

/** What a launched task may touch besides its store. */
export interface TaskProfile {
  /** The entry point, relative to the repository root. */
  readonly file: string;
  /** `<NAME>`s of {@link VENUE_DEFAULT_URLS} whose hosts the task may reach. */
  readonly venues: readonly string[];
  /** Flags whose value is a file the task reads (granted read on its real path). */
  readonly readFlags: readonly string[];
  /** Environment variables naming a file the task reads. */
  readonly readEnv: readonly string[];
  /**
   * A flag naming where the task writes besides the store, and the task's own default for it
   * (mirrored from the task file; tests/launch checks they agree), or none when it only writes
   * if the flag is given.
   */
  readonly writeFlag?: { readonly name: string; readonly default?: string };
  /** Its positional arguments are files or folders it reads (import). */
  readonly readsPositionals?: boolean;
  /** Further permission flags the task needs, as its deno.json line gave them. */
  readonly extra?: readonly string[];
  /**
   * The task listens on `--host` and `--port` (these defaults, mirrored from the task file):
   * granted as one `host:port` in `--allow-net`.
   */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Flags whose value is a URL the task sends to (monitor `--webhook`): net on its host. */
  readonly urlFlags?: readonly string[];
  /**
   * A flag choosing the venue (monitor `--venue`): its value's `<NAME>`s replace `venues`
   * (only that venue's hosts are granted); a value not listed gets no venue host (the task
   * refuses it with its usage message).
   */
  readonly venueFlag?: {
    readonly name: string;
    readonly venues: Readonly<Record<string, readonly string[]>>;
  };
}

const STORE_ONLY = { venues: [], readFlags: [], readEnv: [] } as const;
/** report and demo record the code version (`git describe`) and the platform in the manifest. */
const CODE_VERSION = ["--allow-sys", "--allow-run=git"] as const;

/** The tasks the launcher runs. */
export const TASK_PROFILES: Readonly<Record<string, TaskProfile>> = {
  backfill: {
    file: "tasks/backfill.ts",
    venues: ["BINANCE", "BINANCE_FUTURES", "KRAKEN", "COINBASE"],
    readFlags: ["providers"],
    readEnv: ["CRYPTOLAB_PROVIDERS"],
  },
  poll: {
    file: "tasks/poll.ts",
    venues: ["BINANCE", "KRAKEN", "COINBASE", "DEXSCREENER"],
    readFlags: ["providers"],
    readEnv: ["CRYPTOLAB_PROVIDERS"],
  },
  stream: {
    file: "tasks/stream.ts",
    venues: ["BINANCE_WS", "BINANCE_FUTURES_WS", "BINANCE", "BINANCE_FUTURES"],
    readFlags: [],
    readEnv: [],
  },
  demo: {
    file: "tasks/demo.ts",
    venues: ["BINANCE"],
    readFlags: [],
    readEnv: ["CRYPTOLAB_PROVIDERS"],
    writeFlag: { name: "out", default: "reports" },
    extra: CODE_VERSION,
  },
  import: { file: "tasks/import.ts", ...STORE_ONLY, readsPositionals: true },
  materialize: { file: "tasks/materialize.ts", ...STORE_ONLY },
  "check-dataset": { file: "tasks/check_dataset.ts", ...STORE_ONLY },
  factors: { file: "tasks/factors.ts", ...STORE_ONLY },
  regimes: { file: "tasks/regimes.ts", ...STORE_ONLY },
  trials: { file: "tasks/trials.ts", ...STORE_ONLY },
  scan: { file: "tasks/scan.ts", ...STORE_ONLY, writeFlag: { name: "out" } },
  daily: {
    file: "tasks/daily.ts",
    ...STORE_ONLY,
    writeFlag: { name: "out", default: "reports" },
    extra: CODE_VERSION,
  },
  quarantine: { file: "tasks/quarantine.ts", ...STORE_ONLY, writeFlag: { name: "out" } },
  export: {
    file: "tasks/export.ts",
    ...STORE_ONLY,
    writeFlag: { name: "out", default: "exports" },
  },
  report: {
    file: "tasks/report.ts",
    ...STORE_ONLY,
    readFlags: ["signal-file"],
    writeFlag: { name: "out", default: "reports" },
    extra: CODE_VERSION,
  },
  backtest: {
    file: "tasks/backtest.ts",
    ...STORE_ONLY,
    readFlags: ["signal-file", "config"],
    writeFlag: { name: "out", default: "reports" },
    extra: CODE_VERSION,
  },
  events: {
    file: "tasks/events.ts",
    ...STORE_ONLY,
    writeFlag: { name: "out", default: "reports" },
    extra: CODE_VERSION,
  },
  "verify-report": {
    file: "tasks/verify_report.ts",
    ...STORE_ONLY,
    // the signal file of a signal tear sheet, read again
    readFlags: ["signal-file"],
    readsPositionals: true,
    writeFlag: { name: "out" },
    extra: CODE_VERSION,
  },
  monitor: {
    file: "tasks/monitor.ts",
    venues: ["BINANCE_WS", "BINANCE"],
    venueFlag: {
      name: "venue",
      venues: { binance: ["BINANCE_WS", "BINANCE"], kraken: ["KRAKEN"] },
    },
    readFlags: [],
    readEnv: [],
    listen: { host: "127.0.0.1", port: 8787 },
    urlFlags: ["webhook"],
  },
  walkforward: {
    file: "tasks/walkforward.ts",
    ...STORE_ONLY,
    readFlags: ["signal-file", "config"],
    writeFlag: { name: "out", default: "reports" },
    extra: CODE_VERSION,
  },
};

/** The repository root (where deno.json is): tasks run from here. */
const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The default store, relative to the repository root (as `DEFAULT_DB_PATH` in lib/store). */
const DEFAULT_DB = "data/cryptolab.db";

/** The `deno run` command the launcher computed for one task invocation. */
export interface LaunchPlan {
  /** Arguments after the Deno binary: `run`, permission flags, the entry point, task flags. */
  readonly args: readonly string[];
  /** The store's real path, handed to the task as `--db`. */
  readonly dbPath: string;
  /** One line for stderr when a symlink moved the store, else undefined. */
  readonly note: string | undefined;
}

/** Thrown when the flags ask for something the launcher refuses; printed as one line. */
export class LaunchError extends Error {
  override name = "LaunchError";
}

/**
 * The value of `--name V` or `--name=V` in `args`, and where it sits: the last one, as the
 * tasks' strict parseArgs takes the last of a repeated flag.
 */
function flagValue(
  args: readonly string[],
  name: string,
): { value: string; index: number; inline: boolean } | undefined {
  let found: { value: string; index: number; inline: boolean } | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break; // the rest are positionals
    if (a === `--${name}` && i + 1 < args.length) {
      found = { value: args[i + 1]!, index: i, inline: false };
      i++;
    } else if (a.startsWith(`--${name}=`)) {
      found = { value: a.slice(name.length + 3), index: i, inline: true };
    }
  }
  return found;
}

/**
 * The real path of `path`, which may not exist yet: its deepest existing ancestor is resolved
 * (symlinks and all) and the rest appended. A dangling symlink on the way (`data/s.db ->
 * /elsewhere/z.db`, `z.db` not created yet) is followed to its target, where SQLite would
 * create the file. `realPath` and `linkTarget` are injectable for tests.
 */
export function realPathOf(
  path: string,
  realPath: (p: string) => string = Deno.realPathSync,
  linkTarget: (p: string) => string | undefined = danglingLinkTarget,
  depth = 0,
): string {
  const abs = resolve(path);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return join(realPath(cur), ...rest.reverse());
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      const target = depth < 40 ? linkTarget(cur) : undefined;
      if (target !== undefined) {
        const to = realPathOf(resolve(dirname(cur), target), realPath, linkTarget, depth + 1);
        return join(to, ...rest.reverse());
      }
      const parent = dirname(cur);
      if (parent === cur) return abs;
      rest.push(cur.slice(parent.length).replace(/^[/\\]+/, ""));
      cur = parent;
    }
  }
}

/** The target of `path` when it is a symlink (one whose target does not exist), else undefined. */
function danglingLinkTarget(path: string): string | undefined {
  try {
    return Deno.lstatSync(path).isSymlink ? Deno.readLinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

function inside(child: string, root: string): boolean {
  const rel = relative(root, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function hostOf(name: string, env: (k: string) => string | undefined): string {
  const override = env(`CRYPTOLAB_${name}_URL`);
  const url = override !== undefined && override !== "" ? override : VENUE_DEFAULT_URLS[name]!;
  try {
    return new URL(url).host;
  } catch {
    throw new LaunchError(
      `CRYPTOLAB_${name}_URL is not a URL: "${url}" (e.g. http://127.0.0.1:8080)`,
    );
  }
}

/**
 * Work out the `deno run` arguments for `task` called with `taskArgs`, from `cwd` (the
 * repository root under `deno task`).
 *
 * @example Backfill into a store outside data/, against a local mirror
 * ```ts
 * import { planLaunch } from "./_launch.ts";
 * import assert from "node:assert/strict";
 * const env: Record<string, string> = { CRYPTOLAB_BINANCE_URL: "http://127.0.0.1:8080" };
 * const plan = planLaunch("backfill", ["--db", "/tmp/x/store.db"], {
 *   env: (k) => env[k],
 *   realPath: (p) => p, // no symlinks in this example
 * });
 * assert.ok(plan.args.includes("--allow-write=/tmp/x"));
 * assert.ok(plan.args.some((a) => a.startsWith("--allow-net=127.0.0.1:8080,")));
 * ```
 */
export function planLaunch(
  task: string,
  taskArgs: readonly string[],
  options: {
    readonly env?: (name: string) => string | undefined;
    readonly realPath?: (path: string) => string;
    readonly cwd?: string;
    readonly root?: string;
  } = {},
): LaunchPlan {
  const profile = TASK_PROFILES[task];
  if (profile === undefined) {
    throw new LaunchError(
      `Unknown task "${task}"; the launcher runs ${Object.keys(TASK_PROFILES).join(", ")}`,
    );
  }
  const env = options.env ?? ((k: string) => Deno.env.get(k));
  const realPath = options.realPath ?? Deno.realPathSync;
  const cwd = options.cwd ?? Deno.cwd();
  const root = options.root ?? REPO_ROOT;
  const real = (p: string) => realPathOf(resolve(cwd, p), realPath);

  const dbFlag = flagValue(taskArgs, "db");
  const envDb = env("CRYPTOLAB_DB");
  const typed = dbFlag?.value ?? (envDb !== undefined && envDb !== "" ? envDb : DEFAULT_DB);
  const lexical = resolve(cwd, typed);
  const dbPath = real(typed);
  const dataDir = resolve(root, "data");
  if (inside(lexical, dataDir) && !inside(dbPath, realPathOf(dataDir, realPath))) {
    throw new LaunchError(
      `The store "${typed}" is under data/ but a symlink leads it to "${dbPath}", outside ` +
        `data/; the task would write there. If that is meant, name it: --db ${dbPath}`,
    );
  }
  const storeDir = dirname(dbPath);
  const note = dbPath === lexical
    ? undefined
    : `store: ${typed} is ${dbPath} (symlinks resolved); the task may write only in ${storeDir}`;

  const reads = new Set([realPathOf(root, realPath), storeDir]);
  const writes = new Set([storeDir]);
  for (const f of profile.readFlags) {
    const v = flagValue(taskArgs, f);
    if (v !== undefined) reads.add(real(v.value));
  }
  for (const k of profile.readEnv) {
    const v = env(k);
    if (v !== undefined && v !== "") reads.add(real(v));
  }
  if (profile.readsPositionals) {
    // every argument that is not a flag may be an input (a flag's value too: reading it is
    // harmless, and a missing input then fails as "not found", not as a permission error);
    // the --db value is no input: its folder is granted above
    const dbValue = dbFlag !== undefined && !dbFlag.inline ? dbFlag.index + 1 : -1;
    taskArgs.forEach((a, i) => {
      if (!a.startsWith("-") && i !== dbValue) reads.add(real(a));
    });
  }
  if (profile.writeFlag !== undefined) {
    const out = flagValue(taskArgs, profile.writeFlag.name)?.value ?? profile.writeFlag.default;
    if (out !== undefined) {
      reads.add(real(out));
      writes.add(real(out));
    }
  }
  const chosen = profile.venueFlag === undefined
    ? undefined
    : flagValue(taskArgs, profile.venueFlag.name)?.value;
  const venues = chosen === undefined
    ? profile.venues
    : Object.hasOwn(profile.venueFlag!.venues, chosen)
    ? profile.venueFlag!.venues[chosen]!
    : [];
  const hosts = [...new Set(venues.map((v) => hostOf(v, env)))];
  if (profile.listen !== undefined) {
    const h = flagValue(taskArgs, "host")?.value ?? profile.listen.host;
    const port = flagValue(taskArgs, "port")?.value ?? String(profile.listen.port);
    // a bad value is the task's usage error to report, not a grant
    if (/^\d{1,5}$/.test(port) && /^[A-Za-z0-9.:-]+$/.test(h)) {
      hosts.push(`${h.includes(":") ? `[${h}]` : h}:${port}`);
    }
  }
  for (const f of profile.urlFlags ?? []) {
    const v = flagValue(taskArgs, f)?.value;
    if (v === undefined) continue;
    try {
      const u = new URL(v);
      if (u.protocol === "http:" || u.protocol === "https:") hosts.push(u.host);
    } catch { /* the task refuses it with its usage message */ }
  }
  const withComma = [...reads, ...writes].find((p) => p.includes(","));
  if (withComma !== undefined) {
    // Deno's --allow-read/--allow-write lists are comma-separated: such a path cannot be granted
    throw new LaunchError(`Cannot grant access to "${withComma}": rename it without a comma`);
  }

  const rest = [...taskArgs];
  if (dbFlag === undefined) rest.push("--db", dbPath);
  else if (dbFlag.inline) rest[dbFlag.index] = `--db=${dbPath}`;
  else rest[dbFlag.index + 1] = dbPath;

  return {
    args: [
      "run",
      `--allow-read=${[...reads].join(",")}`,
      `--allow-write=${[...writes].join(",")}`,
      "--allow-env",
      ...(hosts.length > 0 ? [`--allow-net=${hosts.join(",")}`] : []),
      ...(profile.extra ?? []),
      join(root, profile.file),
      ...rest,
    ],
    dbPath,
    note,
  };
}

const FORWARDED: readonly Deno.Signal[] = ["SIGINT", "SIGTERM"];

async function main(): Promise<number> {
  const [task, ...taskArgs] = Deno.args;
  let plan: LaunchPlan;
  try {
    plan = planLaunch(task ?? "", taskArgs);
  } catch (e) {
    if (!(e instanceof LaunchError)) throw e;
    console.error(forTerminal(`error: ${e.message}`));
    return 2;
  }
  if (plan.note !== undefined) console.error(forTerminal(plan.note));
  if (Deno.env.get("CRYPTOLAB_DEBUG")) {
    console.error(forTerminal(`launch: ${Deno.execPath()} ${plan.args.join(" ")}`));
  }
  const child = new Deno.Command(Deno.execPath(), { args: [...plan.args] }).spawn();
  // The task stops gracefully on SIGINT/SIGTERM: pass them on (a terminal's Ctrl-C reaches
  // both processes; the tasks' stop handlers are idempotent).
  const forward = (s: Deno.Signal) => () => {
    try {
      child.kill(s);
    } catch { /* already gone */ }
  };
  const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  const status = await child.status;
  for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  if (status.signal !== null) {
    const number: Partial<Record<Deno.Signal, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
    return 128 + (number[status.signal] ?? 1);
  }
  return status.code;
}

if (import.meta.main) Deno.exit(await main());
