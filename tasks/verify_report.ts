/**
 * `deno task verify-report <dir> [--db PATH] [--out DIR]`
 *
 * Re-verifies a report folder (`verifyReportRun` of lib/pipeline): the output hashes, the
 * dataset fingerprint recomputed from the store, a byte-by-byte comparison with the report
 * built again from the same store, parameters and run id, and the ledger trials the report
 * references. Prints one block per check to stdout; exits 0 when nothing failed, 1 with the
 * list of failures (or when the store is absent), 2 on a usage error. The store is opened read only; with `--out DIR` the
 * re-rendered files are written to `DIR/<run-id>/` for a diff.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { readSignalFile, type SignalFile } from "@lib/pipeline/signal_file.ts";
import { join } from "node:path";
import { forTerminal } from "@lib/core/for_terminal.ts";
import { resolveDbPath } from "@lib/store/db.ts";
import { type StoreAccess, verifyReportRun } from "@lib/pipeline/verify_report_run.ts";
import { REPORT_FILES } from "@lib/report/write.ts";
import { openTaskStore, parseFlags, runMain, UsageError } from "./_cli.ts";

const USAGE = `Usage: deno task verify-report <dir> [options]

Re-verify a report folder written by deno task demo, report or backtest (report.json, report.html,
manifest.json):
  hashes       every output's SHA-256 against manifest.json
  fingerprint  the bars the manifest names, read again from the store and fingerprinted
  re-render    the report built again from the same store, parameters and run id, compared
               byte by byte (the first differing byte of each file is shown); the code
               version (git commit, Deno, deno.lock hash) is taken from the manifest
  ledger       the ledger trials the report references exist with their hashes, and the
               ledger's hash chain verifies
Exit 0 when nothing failed, 1 when a check failed or the store is absent (then only the
hashes are checked). The store is only read.

Options:
  --db PATH    store the report was built from (default: $CRYPTOLAB_DB or data/cryptolab.db)
  --out DIR    also write the re-rendered files to DIR/<run-id>/, to diff them
  --signal-file PATH
               the signal file of a signal tear sheet, a backtest or a walk-forward (deno task
               report, backtest or walkforward --signal-file), read again and checked against
               the manifest's SHA-256 (default: the path the manifest records)
  -h, --help   show this text`;

/**
 * The signal file of a signal tear sheet or a backtest: `--signal-file`, else the path its manifest names
 * (when this process may read it); undefined for other reports or an unreadable file (the
 * re-render check then says to give --signal-file).
 */
async function signalFileOf(
  dir: string,
  flag: string | undefined,
): Promise<SignalFile | undefined> {
  let path = flag;
  if (path === undefined) {
    try {
      const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
      path = typeof m?.params?.signalFile === "string" ? m.params.signalFile : undefined;
    } catch {
      return undefined;
    }
    if (path === undefined) return undefined;
  }
  try {
    return await readSignalFile(path);
  } catch (e) {
    if (flag !== undefined) throw new UsageError(`--signal-file: ${(e as Error).message}`);
    return undefined;
  }
}

runMain(async (args) => {
  const { values, positionals } = parseFlags(
    args,
    { out: { type: "string" }, "signal-file": { type: "string" } },
    USAGE,
    true,
  );
  if (positionals.length !== 1) {
    throw new UsageError(`give exactly one report folder, got ${positionals.length}\n\n${USAGE}`);
  }
  const dir = positionals[0]!;
  if (!existsSync(join(dir, "manifest.json"))) {
    throw new UsageError(
      `${dir} holds no manifest.json: give a folder written by deno task demo, report or backtest ` +
        `(e.g. reports/<run-id>)\n\n${USAGE}`,
    );
  }
  const dbPath = resolveDbPath(values.db);
  const opened = existsSync(dbPath) ? openTaskStore(values.db, true) : undefined;
  const store: StoreAccess = opened === undefined
    ? { db: null, path: dbPath }
    : { db: opened.db, path: opened.path };
  try {
    console.error(forTerminal(`verifying ${dir} against the store ${store.path}`));
    const r = verifyReportRun(dir, store, {
      signalFile: await signalFileOf(dir, values["signal-file"]),
    });
    for (const c of r.checks) {
      console.log(forTerminal(`${c.name}: ${c.status.toUpperCase()}`));
      for (const line of c.lines) console.log(forTerminal(`  ${line.replaceAll("\n", "\n  ")}`));
    }
    if (values.out !== undefined && r.reRendered !== null) {
      const runId = JSON.parse(r.reRendered["manifest.json"]).runId as string;
      const target = join(values.out, runId);
      mkdirSync(target, { recursive: true });
      for (const f of REPORT_FILES) writeFileSync(join(target, f), r.reRendered[f]);
      console.log(forTerminal(`re-rendered files written to ${target}`));
    }
    const failed = r.checks.filter((c) => c.status === "failed").map((c) => c.name);
    if (failed.length > 0) {
      console.log(forTerminal(`FAILED: ${failed.join(", ")}`));
      return 1;
    }
    if (store.db === null) {
      console.log(
        forTerminal(
          `NOT VERIFIED: the store ${store.path} is absent; only the hashes were checked`,
        ),
      );
      return 1;
    }
    const skipped = r.checks.filter((c) => c.status === "skipped").map((c) => c.name);
    console.log(
      `OK: nothing differs` + (skipped.length > 0 ? ` (skipped: ${skipped.join(", ")})` : ""),
    );
    return 0;
  } finally {
    opened?.close();
  }
});
