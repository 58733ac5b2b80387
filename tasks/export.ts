/**
 * `deno task export [--freq 1h] [--venue V] [--universe LIST] [--from DATE] [--to DATE]
 * [--signals LIST] [--horizons LIST] [--formats csv,parquet,json] [--no-ledger] [--out DIR]
 * [--db PATH]`
 *
 * Writes the results of one dataset of the store for pandas, polars and DuckDB users
 * (`exportResults` and `writeExport` of `lib/pipeline/export_run.ts`): the panel, the factor
 * betas and residuals of the latest `deno task factors` run, the IC series of the signals, and
 * every table and figure of the research report, each as CSV (with a `.csv.meta.json`
 * sidecar), Parquet (key-value metadata) and tidy JSON, each carrying the dataset fingerprint.
 * Files go to `<out>/<venue>-<freq>-<fingerprint 12>/` with an `export.json` index; the folder
 * is printed to stdout, progress to stderr. Usage errors exit 2. Every signal's IC series is a
 * trial of family `signal:<family>` in the store's ledger, as `deno task report` records it (the
 * same evaluation is one trial), unless `--no-ledger`.
 *
 * @module
 */
import { join } from "node:path";
import { type Freq, isFreq } from "@lib/core/freq.ts";
import {
  EXPORT_FORMATS,
  type ExportFormat,
  exportResults,
  writeExport,
} from "@lib/pipeline/export_run.ts";
import { ReportInputError } from "@lib/pipeline/report_run.ts";
import { parseSignalName } from "@lib/research/signals/mod.ts";
import {
  DEFAULT_REPORT_SIGNALS,
  DEFAULT_SIGNAL_HORIZONS,
} from "@lib/report/sections/signal_section.ts";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { openStore } from "@lib/store/db.ts";
import { openLedger } from "@lib/research/ledger.ts";

const USAGE = `Usage: deno task export [options]

Write the panel, factor betas and residuals, IC series and every report table of one dataset
of the store to CSV, Parquet and tidy JSON, each with the dataset fingerprint in its metadata.

Options:
  --freq F         bar frequency (default 1h)
  --venue V        venue of the series (default: the only venue with --freq bars in the store)
  --universe LIST  comma-separated symbols, or "all" (default: every series of the venue)
  --from DATE      first bar, ISO date or time in UTC, inclusive (default: the first bar)
  --to DATE        end of the window, ISO date or time in UTC, exclusive (default: the end)
  --signals LIST   signals of the IC series and report (default ${DEFAULT_REPORT_SIGNALS.join(",")})
  --horizons LIST  forward-return horizons in bars (default ${DEFAULT_SIGNAL_HORIZONS.join(",")})
  --formats LIST   any of ${EXPORT_FORMATS.join(",")} (default all)
  --no-ledger      do not record the signals' IC series in the store's trial ledger (default:
                   record them, family signal:<family>, as deno task report does)
  --out DIR        parent folder (default exports); files go to DIR/<venue>-<freq>-<fp12>/
  --db PATH        store (default: $CRYPTOLAB_DB or data/cryptolab.db)
  -h, --help       show this text`;

function usage(message: string): UsageError {
  return new UsageError(`${message}\n\n${USAGE}`);
}

function list(name: string, v: string): string[] {
  const items = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw usage(`--${name} must list at least one value, got "${v}"`);
  if (new Set(items).size !== items.length) throw usage(`--${name} lists a value twice`);
  return items;
}

function date(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?)?$/.test(v);
  const ms = ok ? Date.parse(/Z$|^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v}Z`) : NaN;
  if (!Number.isFinite(ms)) {
    throw usage(`--${name} must be an ISO date or time in UTC (2021-01-31), got "${v}"`);
  }
  return ms;
}

runMain((args) => {
  const { values } = parseFlags(args, {
    freq: { type: "string" },
    venue: { type: "string" },
    universe: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    signals: { type: "string" },
    horizons: { type: "string" },
    formats: { type: "string" },
    "no-ledger": { type: "boolean" },
    out: { type: "string" },
  }, USAGE);
  const freqText = values.freq ?? "1h";
  if (!isFreq(freqText)) {
    throw usage(`--freq must be a bar frequency such as 1h, got "${freqText}"`);
  }
  const freq: Freq = freqText;
  const from = date("from", values.from);
  const to = date("to", values.to);
  if (from !== undefined && to !== undefined && !(to > from)) {
    throw usage(`--to must be after --from, got ${values.from} .. ${values.to}`);
  }
  const signals = values.signals === undefined
    ? [...DEFAULT_REPORT_SIGNALS]
    : list("signals", values.signals);
  for (const s of signals) {
    try {
      parseSignalName(s);
    } catch (e) {
      throw usage(`--signals: ${(e as Error).message.replace(/^Cannot parse signal name /, "")}`);
    }
  }
  const horizons = values.horizons === undefined
    ? [...DEFAULT_SIGNAL_HORIZONS]
    : list("horizons", values.horizons).map((h) => {
      const n = Number(h);
      if (!/^\d+$/.test(h) || !Number.isSafeInteger(n) || n < 1) {
        throw usage(`--horizons must be integers >= 1, got "${h}"`);
      }
      return n;
    });
  const formats = values.formats === undefined
    ? [...EXPORT_FORMATS]
    : list("formats", values.formats).map((f) => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(f)) {
        throw usage(`--formats: unknown format "${f}"; use any of ${EXPORT_FORMATS.join(",")}`);
      }
      return f as ExportFormat;
    });
  const universe = values.universe === undefined || values.universe === "all"
    ? undefined
    : list("universe", values.universe);
  const t0 = performance.now();
  const store = openTaskStore(values.db, true);
  // the data is read through a read-only connection; the trial ledger (every signal's IC
  // series) is appended through its own writing one
  const ledgerStore = values["no-ledger"] ? undefined : openStore(store.path, { mustExist: true });
  try {
    progressLine(`store ${store.path}: building the dataset, factor, IC and report tables`);
    let r;
    try {
      r = exportResults(store.db, {
        venue: values.venue,
        freq,
        symbols: universe,
        from,
        to,
        signals,
        horizons,
        ledger: ledgerStore === undefined ? undefined : openLedger(ledgerStore.db),
      });
    } catch (e) {
      if (!(e instanceof ReportInputError)) throw e;
      throw usage(e.flag === "universe" ? `--universe: ${e.message}` : e.message);
    }
    const fp = r.dataset.fingerprint.sha256;
    const dir = join(values.out ?? "exports", `${r.dataset.venue}-${freq}-${fp.slice(0, 12)}`);
    progressLine(`writing ${r.tables.length} tables to ${dir}`);
    const files = writeExport(dir, r.tables, formats);
    progressDone();
    for (const n of r.notes) console.error(`note: ${n}`);
    console.error(
      `export done in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${r.tables.length} ` +
        `tables, ${files.length} files, dataset ${fp}`,
    );
    console.log(dir);
  } finally {
    ledgerStore?.close();
    store.close();
  }
});
