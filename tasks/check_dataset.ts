/**
 * `deno task check-dataset [--json] [--venue V] [--freq F] [--db PATH]`
 *
 * Prints the dataset fingerprint of the whole store and, per bar series, its fingerprint, row
 * count, time span (ISO UTC), gaps, missing bars and incomplete bars; per trade series its
 * fingerprint, rows and span. Read-only: opens the store read-only; the numbers come from
 * `summarizeDataset` (lib/store/dataset_summary.ts), which computes gaps from the bars
 * themselves (always current, whether or not `bar_gaps` was refreshed).
 *
 * The store fingerprint always covers the whole store; --venue and --freq only filter the
 * series listed.
 *
 * `--json` prints one JSON document to stdout:
 *
 * ```
 * {
 *   "schema": "cryptolab.check-dataset/1",
 *   "db": string,                                  // store path
 *   "encodingVersion": 1,                          // lib/core/canonical.ts layout
 *   "store": { "sha256": hex64, "rows": number },  // every bar and trade
 *   "bars": { "sha256": hex64, "rows": number },   // every bar
 *   "trades": { "sha256": hex64, "rows": number }, // every trade
 *   "series": [{ "venue", "symbol", "freq", "rows", "first", "last" (ISO UTC),
 *                "firstTs", "lastTs" (epoch ms), "gaps", "missing", "incomplete",
 *                "sha256" }],                      // ordered by venue, symbol, freq
 *   "tradeSeries": [{ "venue", "symbol", "rows", "first", "last", "firstTs", "lastTs",
 *                     "sha256" }]
 * }
 * ```
 *
 * @module
 */
import { summarizeDataset } from "@lib/store/dataset_summary.ts";
import { parseFreq } from "@lib/core/freq.ts";
import { openTaskStore, parseFlags, runMain, UsageError } from "./_cli.ts";
import { requireKnown } from "./_known.ts";
import { listSeries } from "@lib/store/bars.ts";
import { listTradeSeries } from "@lib/store/trades.ts";

const USAGE = `usage: deno task check-dataset [--json] [--venue V] [--freq F] [--db PATH]

Prints the SHA-256 fingerprint of the store's market data and, per series, its fingerprint,
rows, time span, gaps and incomplete bars. Read-only.

  --json       one JSON document on stdout (shape documented in tasks/check_dataset.ts)
  --venue V    list only this venue's series
  --freq F     list only bar series of this frequency (1s 1m 5m 15m 1h 4h 1d)
  --db PATH    store file (default: $CRYPTOLAB_DB or data/cryptolab.db)`;

const iso = (ms: number) => new Date(ms).toISOString();

function main(args: string[]): number {
  const { values } = parseFlags(args, {
    json: { type: "boolean" },
    venue: { type: "string" },
    freq: { type: "string" },
  }, USAGE);
  let freq;
  try {
    freq = values.freq === undefined ? undefined : parseFreq(values.freq);
  } catch (e) {
    throw new UsageError(`--freq: ${(e as Error).message}\n\n${USAGE}`);
  }
  const store = openTaskStore(values.db, true);
  try {
    if (values.venue !== undefined) {
      // a typo would otherwise list nothing and look like an empty store
      const held = [...listSeries(store.db), ...listTradeSeries(store.db)].map((x) => x.venue);
      requireKnown("--venue", [values.venue], held, "venues", "in the store");
    }
    const sum = summarizeDataset(store.db, { venue: values.venue, freq });
    const series = sum.series.map((s) => ({
      venue: s.venue,
      symbol: s.symbol,
      freq: s.freq,
      rows: s.rows,
      first: iso(s.firstTs),
      last: iso(s.lastTs),
      firstTs: s.firstTs,
      lastTs: s.lastTs,
      gaps: s.gaps,
      missing: s.missing,
      incomplete: s.incomplete,
      sha256: s.sha256,
    }));
    const tradeSeries = sum.tradeSeries.map((t) => ({
      venue: t.venue,
      symbol: t.symbol,
      rows: t.rows,
      first: iso(t.firstTs),
      last: iso(t.lastTs),
      firstTs: t.firstTs,
      lastTs: t.lastTs,
      sha256: t.sha256,
    }));
    const { store: all, bars, trades } = sum;
    if (values.json) {
      console.log(JSON.stringify(
        {
          schema: "cryptolab.check-dataset/1",
          db: store.path,
          encodingVersion: sum.encodingVersion,
          store: { sha256: all.sha256, rows: all.rows },
          bars: { sha256: bars.sha256, rows: bars.rows },
          trades: { sha256: trades.sha256, rows: trades.rows },
          series,
          tradeSeries,
        },
        null,
        2,
      ));
      return 0;
    }
    console.log(`store ${store.path}`);
    console.log(
      `dataset fingerprint ${all.sha256} (${all.rows} rows, encoding v${all.encodingVersion})`,
    );
    console.log(`  bars   ${bars.sha256} (${bars.rows} rows)`);
    console.log(`  trades ${trades.sha256} (${trades.rows} rows)`);
    if (series.length > 0) console.log("\nbar series:");
    for (const s of series) {
      console.log(
        `${s.venue} ${s.symbol} ${s.freq}: ${s.rows} bars ${s.first} .. ${s.last}, ${s.gaps} gaps ` +
          `(${s.missing} missing), ${s.incomplete} incomplete\n  ${s.sha256}`,
      );
    }
    if (tradeSeries.length > 0) console.log("\ntrade series:");
    for (const t of tradeSeries) {
      console.log(
        `${t.venue} ${t.symbol}: ${t.rows} trades ${t.first} .. ${t.last}\n  ${t.sha256}`,
      );
    }
    return 0;
  } finally {
    store.close();
  }
}

if (import.meta.main) runMain(main);
