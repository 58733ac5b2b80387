/**
 * `deno task quarantine <list|show|summary|export|release|released> ...`
 *
 * Work with the rows the store refused (the `quarantine` table): list and filter them, show one
 * with its raw text and reason, count them by reason and by file, export them as CSV or JSON,
 * and release rows that pass the row rules again (or, by hand, rows that do not). Listings go
 * to stdout; every string that came from a file or a payload is printed through `forTerminal`,
 * so a row holding terminal escapes is shown, not obeyed.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { forTerminal } from "@lib/core/for_terminal.ts";
import { parseFreq } from "@lib/core/freq.ts";
import {
  getQuarantined,
  listQuarantine,
  listReleases,
  type QuarantineFilter,
  summarizeQuarantine,
} from "@lib/store/quarantine.ts";
import { releaseQuarantined } from "@lib/ingest/quarantine_release.ts";
import { formatQuarantine, type QuarantineExportFormat } from "@lib/ingest/quarantine_export.ts";
import { openTaskStore, parseFlags, runMain, UsageError } from "./_cli.ts";

const USAGE = `usage: deno task quarantine <command> [flags] [--db PATH]

Rows that import, backfill, poll or stream refused are kept in the store's quarantine table
with their raw text and the reason. This task works with them.

commands:
  list                 quarantined rows, newest first: id, time, source and line, venue,
                       symbol, reason (filters below; --limit N, default 50)
  show <id>...         each row in full: raw text, reason, where it came from, the file's
                       header lines it is parsed with
  summary              counts by reason and by source (file or endpoint), and releases so far
  export               the selected rows as CSV (default) or JSON: --format csv|json,
                       --out PATH (default stdout; the format follows a .json/.csv name)
  release <id>...      read each row again with its file's parser (a bar backfill refused: its
                       values) and the row rules of import
  release --reason R   (or --source S, or both: every row that matches) and store it if it
                       passes; a row that still fails stays, with the reason. Rows released
                       leave quarantine and are recorded in quarantine_releases.
  released             the release audit, newest first (--limit N)

filters (list, summary, export, release):
  --reason TEXT        reason contains TEXT (case-insensitive), e.g. "high < low"
  --source TEXT        source contains TEXT (case-insensitive), e.g. a file name; --file is
                       the same flag
  --venue V            rows imported as venue V (list, summary, export)
  --symbol S           rows imported as symbol S (list, summary, export)
  --limit N            at most N rows

release:
  --venue V, --symbol S, --freq F
                       release the rows as this venue / symbol / bar frequency instead of
                       the one they were imported as (e.g. after importing with a wrong
                       --freq or --venue)
  --force              accept rows the rules refuse, as they are (still readable and
                       storable: finite time on the bar grid, finite positive prices). A
                       stored bar at the same time is replaced; the row's source in the store
                       is "released-by-hand:<source> <line>".
  --db PATH            store file (default: $CRYPTOLAB_DB or data/cryptolab.db)`;

const COMMANDS = ["list", "show", "summary", "export", "release", "released"] as const;
type Command = (typeof COMMANDS)[number];

/** Which flags each command takes (beyond --db and --help). */
const FLAGS_OF: Record<Command, readonly string[]> = {
  list: ["reason", "source", "file", "venue", "symbol", "limit"],
  show: [],
  summary: ["reason", "source", "file", "venue", "symbol"],
  export: ["reason", "source", "file", "venue", "symbol", "limit", "format", "out"],
  release: ["reason", "source", "file", "venue", "symbol", "freq", "force"],
  released: ["limit"],
};

/** Default `--limit` of `list`. */
const LIST_LIMIT = 50;

const line = (s: string) => forTerminal(s, { keepNewlines: false });
const iso = (ms: number) => new Date(ms).toISOString();

function positiveInt(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) < 1) {
    throw new UsageError(`--${flag} must be a positive integer, got "${line(s)}"`);
  }
  return Number(s);
}

function ids(positionals: readonly string[]): number[] {
  return positionals.map((p) => {
    if (!/^\d+$/.test(p)) {
      throw new UsageError(`a quarantine id is a positive integer (see "list"), got "${line(p)}"`);
    }
    return Number(p);
  });
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      reason: { type: "string" },
      source: { type: "string" },
      file: { type: "string" },
      venue: { type: "string" },
      symbol: { type: "string" },
      freq: { type: "string" },
      limit: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      force: { type: "boolean" },
    },
    USAGE,
    true,
  );
  const [cmdText, ...rest] = positionals;
  if (cmdText === undefined) throw new UsageError(`no command given\n\n${USAGE}`);
  if (!(COMMANDS as readonly string[]).includes(cmdText)) {
    throw new UsageError(
      `unknown command "${line(cmdText)}": use one of ${COMMANDS.join(", ")}\n\n${USAGE}`,
    );
  }
  const cmd = cmdText as Command;
  for (const [flag, v] of Object.entries(values)) {
    if (v === undefined || flag === "db" || flag === "help") continue;
    if (!FLAGS_OF[cmd].includes(flag)) {
      throw new UsageError(`--${flag} does not apply to "${cmd}" (see --help)`);
    }
  }
  if (values.source !== undefined && values.file !== undefined) {
    throw new UsageError("--source and --file are the same filter: give one");
  }
  if (cmd !== "show" && cmd !== "release" && rest.length > 0) {
    throw new UsageError(`"${cmd}" takes no ids, got "${line(rest.join(" "))}"`);
  }
  const limit = positiveInt("limit", values.limit);
  const filter: QuarantineFilter = {
    reason: values.reason,
    source: values.source ?? values.file,
    venue: cmd === "release" ? undefined : values.venue,
    symbol: cmd === "release" ? undefined : values.symbol,
    limit: cmd === "list" ? limit ?? LIST_LIMIT : limit,
  };
  const write = cmd === "release";
  const store = openTaskStore(values.db, { readOnly: !write, mustExist: true });
  try {
    const db = store.db;
    switch (cmd) {
      case "list": {
        const rows = listQuarantine(db, filter);
        for (const r of rows) {
          const what = [r.venue, r.symbol, r.freq].filter((x) => x !== undefined).join(" ");
          console.log(
            `${r.id}\t${iso(r.at)}\t${line(r.source)}${r.locator ? ` ${line(r.locator)}` : ""}` +
              `\t${line(what || "-")}\t${line(r.reason)}`,
          );
        }
        const total = summarizeQuarantine(db, filter).total;
        console.error(
          `${rows.length} of ${total} quarantined row(s) matching` +
            (rows.length < total ? ` (--limit ${filter.limit}; "show <id>" for one in full)` : ""),
        );
        return 0;
      }
      case "show": {
        if (rest.length === 0) throw new UsageError(`"show" needs at least one id (see "list")`);
        let missing = 0;
        for (const id of ids(rest)) {
          const r = getQuarantined(db, id);
          if (r === undefined) {
            console.error(`no quarantined row ${id} (released, or never there: see "list")`);
            missing++;
            continue;
          }
          console.log(`id          ${r.id}`);
          console.log(
            `quarantined ${iso(r.at)}${r.runId === undefined ? "" : ` (run ${r.runId})`}`,
          );
          console.log(`source      ${line(r.source)}${r.locator ? ` ${line(r.locator)}` : ""}`);
          if (r.format !== undefined) console.log(`format      ${line(r.format)}`);
          const what = [r.venue, r.symbol, r.freq].filter((x) => x !== undefined).join(" ");
          if (what) console.log(`imported as ${line(what)}`);
          console.log(`reason      ${line(r.reason)}`);
          if (r.preamble !== undefined) {
            console.log(
              `header      ${forTerminal(r.preamble).replaceAll("\n", "\n            ")}`,
            );
          }
          console.log(`raw         ${forTerminal(r.raw).replaceAll("\n", "\n            ")}`);
          console.log("");
        }
        return missing > 0 ? 1 : 0;
      }
      case "summary": {
        const s = summarizeQuarantine(db, filter);
        console.log(`${s.total} quarantined row(s)`);
        if (s.total > 0) {
          console.log("\nby reason:");
          for (const r of s.byReason) {
            console.log(`${String(r.rows).padStart(9)}  ${line(r.reason)}`);
          }
          console.log("\nby source:");
          for (const r of s.bySource) {
            console.log(`${String(r.rows).padStart(9)}  ${line(r.source)}`);
          }
        }
        console.log(
          `\nreleased so far: ${s.released.passed} passed the rules again, ` +
            `${s.released.forced} by hand (--force)`,
        );
        return 0;
      }
      case "export": {
        const format = exportFormat(values.format, values.out);
        const rows = listQuarantine(db, filter);
        const text = formatQuarantine(rows, format);
        if (values.out === undefined) {
          // data for a pipe stays byte-exact; on a terminal it is shown, not obeyed
          const shown = Deno.stdout.isTerminal() ? forTerminal(text) : text;
          Deno.stdout.writeSync(new TextEncoder().encode(shown));
        } else {
          writeFileSync(values.out, text);
          console.error(`wrote ${rows.length} row(s) as ${format} to ${line(values.out)}`);
        }
        return 0;
      }
      case "release":
        return await release(db, rest, filter, values);
      case "released": {
        for (const r of listReleases(db, limit)) {
          console.log(
            `${r.quarantineId}\t${iso(r.releasedAt)}\t${r.mode}\t${line(r.source)} ` +
              `${line(r.locator)}\t${line(r.written)}\t(was: ${line(r.reason)})`,
          );
        }
        return 0;
      }
    }
  } finally {
    store.close();
  }
}

function exportFormat(flag: string | undefined, out: string | undefined): QuarantineExportFormat {
  if (flag !== undefined) {
    if (flag !== "csv" && flag !== "json") {
      throw new UsageError(`--format must be csv or json, got "${line(flag)}"`);
    }
    return flag;
  }
  return out !== undefined && /\.json$/i.test(out) ? "json" : "csv";
}

async function release(
  db: Parameters<typeof listQuarantine>[0],
  rest: readonly string[],
  filter: QuarantineFilter,
  values: { venue?: string; symbol?: string; freq?: string; force?: boolean },
): Promise<number> {
  const byId = rest.length > 0;
  if (!byId && filter.reason === undefined && filter.source === undefined) {
    throw new UsageError(
      `"release" needs ids or a selection (--reason TEXT and/or --source TEXT); ` +
        `see "list" and "summary"`,
    );
  }
  let freq;
  try {
    freq = values.freq === undefined ? undefined : parseFreq(values.freq);
  } catch (e) {
    throw new UsageError(`--freq: ${(e as Error).message}`);
  }
  const wanted = byId ? ids(rest) : undefined;
  const rows = listQuarantine(db, { ...filter, ids: wanted });
  if (wanted !== undefined) {
    const found = new Set(rows.map((r) => r.id));
    const gone = wanted.filter((id) => !found.has(id));
    if (gone.length > 0) {
      throw new UsageError(
        `no quarantined row ${gone.join(", ")} (released already, or never there: see "list")`,
      );
    }
  }
  if (rows.length === 0) {
    console.error("no quarantined row matches: nothing to release");
    return 0;
  }
  const r = await releaseQuarantined(db, [...rows].reverse(), {
    force: values.force ?? false,
    venue: values.venue,
    symbol: values.symbol,
    freq,
  });
  for (const o of r.outcomes) {
    console.log(
      `${o.id}\t${o.status === "released" ? `released (${o.mode})` : "kept"}\t${line(o.message)}`,
    );
  }
  console.error(
    `release (run ${r.runId}): ${r.released} released, ${r.kept} still quarantined`,
  );
  // a row the user named that stays quarantined is a failure to do what was asked
  return byId && r.kept > 0 ? 1 : 0;
}

if (import.meta.main) runMain(main);
