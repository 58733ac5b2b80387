/**
 * `deno task trials <list|show|close|verify> ... [--db PATH]`
 *
 * The trial ledger (lib/store/trials.ts): every backtest and signal validation run with a
 * ledger is recorded in its family. `list` shows each family generation with its trial count
 * and best trial by per-period Sharpe ratio, `show <family>` its trials, `close <family>` ends
 * the open generation so later trials under the name start a new one (`name#2`, `name#3`, ...),
 * and `verify` recomputes the hash chain. Every string that came from the store is printed
 * through `forTerminal`.
 *
 * @module
 */
import { forTerminal } from "@lib/core/for_terminal.ts";
import {
  closeTrialFamily,
  listTrialFamilies,
  readTrials,
  type StoredTrial,
  verifyLedger,
} from "@lib/store/trials.ts";
import { openTaskStore, parseFlags, runMain, UsageError } from "./_cli.ts";

const USAGE = `usage: deno task trials <command> [flags] [--db PATH]

The trial ledger: every backtest (backtestWeights) and signal validation (icDecay) run with a
ledger is recorded, append-only and hash-chained, in its family (the hypothesis name).

commands:
  list                 each family generation: open or closed, trials, the best trial by
                       per-period Sharpe ratio and its parameters
  show <family>        the trials of a family (name = its newest generation, name#2 = the
                       second): time, origin, n, mean, std, Sharpe, skew, kurtosis, params,
                       dataset, code
  close <family>       close the open generation (--reason TEXT): later trials under the name
                       start the next generation, name#2, name#3, ...
  verify               recompute the hash chain; exit 1 naming the first broken row

  --db PATH            store file (default: $CRYPTOLAB_DB or data/cryptolab.db)`;

const COMMANDS = ["list", "show", "close", "verify"] as const;
type Command = (typeof COMMANDS)[number];

function fmt(v: number, digits = 4): string {
  return Number.isFinite(v) ? v.toPrecision(digits) : "-";
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((x, c) => x.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n");
}

function code(t: StoredTrial): string {
  const git = t.gitCommit === "unknown" ? "unknown" : t.gitCommit.slice(0, 10);
  return t.sourceSha256 === null ? git : `${git}+src:${t.sourceSha256.slice(0, 10)}`;
}

runMain((args) => {
  const { values, positionals } = parseFlags(args, { reason: { type: "string" } }, USAGE, true);
  const [command, ...rest] = positionals;
  if (command === undefined || !(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(
      `${command === undefined ? "give a command" : `unknown command "${command}"`}: ` +
        `${COMMANDS.join(", ")}\n\n${USAGE}`,
    );
  }
  const cmd = command as Command;
  if ((cmd === "show" || cmd === "close") && rest.length !== 1) {
    throw new UsageError(`${cmd} takes one family name, got ${rest.length}\n\n${USAGE}`);
  }
  if ((cmd === "list" || cmd === "verify") && rest.length > 0) {
    throw new UsageError(`${cmd} takes no argument, got "${rest.join(" ")}"\n\n${USAGE}`);
  }
  if (values.reason !== undefined && cmd !== "close") {
    throw new UsageError(`--reason is a flag of close\n\n${USAGE}`);
  }
  const store = openTaskStore(values.db, { readOnly: cmd !== "close", mustExist: true });
  try {
    const { db } = store;
    if (cmd === "list") {
      const fams = listTrialFamilies(db);
      if (fams.length === 0) {
        console.log("the ledger is empty: no backtest or signal validation was recorded yet");
        return 0;
      }
      const rows = [["family", "status", "trials", "best Sharpe", "best trial", "params"]];
      for (const f of fams) {
        rows.push([
          f.label,
          f.closedAt === null ? "open" : `closed ${iso(f.closedAt).slice(0, 10)}`,
          String(f.trials),
          f.best === null ? "-" : fmt(f.best.sharpe),
          f.best === null ? "-" : `#${f.best.trialId} ${f.best.origin}`,
          f.best === null ? "" : f.best.params,
        ]);
      }
      console.log(forTerminal(table(rows)));
      console.log(
        `${fams.length} families, ${fams.reduce((s, f) => s + f.trials, 0)} trials ` +
          `(Sharpe ratios are per period, not annualized)`,
      );
      return 0;
    }
    if (cmd === "show") {
      let trials;
      try {
        trials = readTrials(db, rest[0]!);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const rows = [[
        "trial",
        "recorded",
        "origin",
        "kind",
        "freq",
        "n",
        "mean",
        "std",
        "Sharpe",
        "skew",
        "kurt",
        "dataset",
        "code",
        "params",
      ]];
      for (const t of trials) {
        rows.push([
          `#${t.trialId}`,
          iso(t.recordedAt),
          t.origin,
          t.kind,
          t.freq,
          String(t.n),
          fmt(t.mean),
          fmt(t.std),
          fmt(t.sharpe),
          fmt(t.skewness),
          fmt(t.kurtosis),
          t.dataset.slice(0, 18),
          code(t),
          t.params,
        ]);
      }
      const label = trials[0]?.label ?? rest[0]!;
      console.log(forTerminal(`family ${label}: ${trials.length} trials`));
      if (trials.length > 0) console.log(forTerminal(table(rows)));
      return 0;
    }
    if (cmd === "close") {
      let closed;
      try {
        closed = closeTrialFamily(db, rest[0]!, { reason: values.reason ?? "closed by hand" });
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        throw new UsageError(e.message);
      }
      console.log(
        forTerminal(
          `closed ${closed.label} (${closed.trials} trials); the next trial recorded under ` +
            `"${closed.name}" starts ${closed.next}`,
        ),
      );
      return 0;
    }
    const v = verifyLedger(db);
    if (v.ok) {
      console.log(`ledger intact: ${v.rows} rows, head ${v.head}`);
      return 0;
    }
    const b = v.firstBroken!;
    console.log(
      forTerminal(
        `ledger BROKEN at seq ${b.seq} (${b.table} id ${b.id}) of ${v.rows} rows: ${b.problem}`,
      ),
    );
    return 1;
  } finally {
    store.close();
  }
});
