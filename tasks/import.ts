/**
 * `deno task import <file|dir>... [--venue V] [--symbol S] [--freq F] [--replace] [--dry-run]
 * [--db PATH]`
 *
 * Imports market-data files into the store. One summary line per file on stdout; skipped
 * files, failures and progress on stderr. Exits 1 when any file failed. `--dry-run` opens no
 * store file at all (it parses and validates in memory), so it never creates or migrates one.
 *
 * @module
 */
import { formatFileReport, importPaths } from "@lib/ingest/import_path.ts";
import { openStore } from "@lib/store/db.ts";
import { warmBlocks } from "@lib/store/blocks.ts";
import { parseFreq } from "@lib/core/freq.ts";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";

const USAGE = `usage: deno task import <file|dir>... [--venue V] [--symbol S] [--freq F] [--replace]
                        [--dry-run] [--db PATH]

Imports freqtrade JSON, Binance data-dump klines/trades, CryptoDataDownload, Kraken OHLCVT and
trade CSVs, Binance.US/FTX CSVs, Tardis trades, Binance REST trade JSON and nautilus parquet,
and freqtrade perp files (*-funding_rate.json funding rates and *-mark.json mark-price candles,
stored as binance_futures perp data through the perp rules).
Directories are walked recursively. Venue, symbol and frequency are inferred from each file's
path and contents; the flags override them for every file.

  --venue V    venue id (binance, binance_futures, kraken, ...)
  --symbol S   symbol as the venue spells it (BTCUSDT, XBTUSDC, BTC-PERP)
  --freq F     bar frequency: 1s 1m 5m 15m 1h 4h 1d
  --replace    overwrite stored bars that differ instead of quarantining the new rows
  --dry-run    parse and validate only: report counts; opens, creates and migrates no store
  --db PATH    store file (default: $CRYPTOLAB_DB or data/cryptolab.db)

Files that name no exchange are refused rather than guessed; the error prints the command to
re-run. In ../shared/data/real these are (flags from what PROVENANCE.md says of them):
  trades/freqtrade_testdata/XRP_ETH-trades.json.gz                  --venue binance
  trades/freqtrade_testdata/orderflow_public_trades_list.csv         --venue binance
      --symbol ETHUSDT  (Binance ETH/USDT spot or perp: the file says neither)
  funding_and_futures/freqtrade_testdata_XRP_2021-11/XRP_USDT_USDT-1h-futures.json
  and XRP_USDT_USDT-5m-futures.json                                 --venue binance_futures
  funding_and_futures/freqtrade_testdata_XRP_2021-11/XRP_USDT-8h-funding_rate.json
  and XRP_USDT-8h-mark.json                                         --venue binance_futures
(XRP_OLD-trades.json.gz needs nothing: its records carry Binance's own aggTrade payload.)`;

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      venue: { type: "string" },
      symbol: { type: "string" },
      freq: { type: "string" },
      replace: { type: "boolean" },
      "dry-run": { type: "boolean" },
    },
    USAGE,
    true,
  );
  if (positionals.length === 0) throw new UsageError(`no file or directory given\n\n${USAGE}`);
  let freq;
  try {
    freq = values.freq === undefined ? undefined : parseFreq(values.freq);
  } catch (e) {
    throw new UsageError(`--freq: ${(e as Error).message}`);
  }
  const dry = values["dry-run"] ?? false;
  // a dry run writes nothing, so it must not create or migrate the store file either
  const store = dry ? openStore(":memory:") : openTaskStore(values.db);
  let shown = 0;
  try {
    const report = await importPaths(
      store.db,
      positionals,
      {
        venue: values.venue,
        symbol: values.symbol,
        freq,
        replace: values.replace ?? false,
        dryRun: dry,
      },
      (p) => {
        const f = p.file;
        // on a terminal the progress line has no newline: wipe it before printing a file line
        if (shown > 0 && Deno.stderr.isTerminal()) {
          Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[2K"));
        }
        if (f.status === "imported") console.log(formatFileReport(f));
        else if (f.status === "skipped") console.error(`skip ${f.path}: ${f.message}`);
        else console.error(`error: ${f.message}`);
        if (p.filesTotal >= 10) {
          const secs = p.elapsedMs / 1000;
          progressLine(
            `import: ${p.filesDone}/${p.filesTotal} files, ${
              p.rows.toLocaleString("en-US")
            } rows, ` +
              `${Math.round(p.rows / Math.max(secs, 1e-3)).toLocaleString("en-US")} rows/s`,
          );
          shown++;
        }
      },
    );
    if (shown > 0) progressDone();
    if (!dry) {
      // build the panel cache now so the first panel load after an import is warm
      warmBlocks(
        store.db,
        report.files.flatMap((f) =>
          f.status === "imported" && f.freq !== undefined && f.venue !== undefined &&
            f.symbol !== undefined
            ? [{ venue: f.venue, symbol: f.symbol, freq: f.freq }]
            : []
        ),
      );
    }
    const failures = report.files.filter((f) => f.status === "failed");
    if (failures.length > 0) {
      console.error(`${failures.length} file(s) failed:`);
      for (const f of failures) console.error(`  ${f.message}`);
    }
    console.error(
      `import${dry ? " (dry run, nothing written)" : ""}: ${report.imported} ` +
        `${dry ? "checked" : "imported"}, ${report.skipped} skipped, ${report.failed} failed; ` +
        `${report.rowsRead} rows read, ${report.inserted} written, ${report.quarantined} quarantined ` +
        `in ${(report.elapsedMs / 1000).toFixed(1)} s${dry ? "" : ` (run ${report.runId})`}`,
    );
    return failures.length > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}

if (import.meta.main) runMain(main);
