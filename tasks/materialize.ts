/**
 * `deno task materialize --freq <f|all> [--from <trades|f>] [--venue V] [--symbols A,B] [--db PATH]`
 *
 * Builds bars from stored trades or finer bars (see `lib/materialize/run.ts`): one line per
 * target series on stdout, progress on stderr. Running it again changes nothing.
 *
 * @module
 */
import { materializeBars } from "@lib/materialize/run.ts";
import type { DatabaseSync } from "node:sqlite";
import { warmBlocks } from "@lib/store/blocks.ts";
import { listSeries } from "@lib/store/bars.ts";
import { listTradeSeries } from "@lib/store/trades.ts";
import { type Freq, parseFreq } from "@lib/core/freq.ts";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { requireKnown } from "./_known.ts";

const USAGE =
  `usage: deno task materialize --freq <f|all> [--from <trades|f>] [--venue V] [--symbols A,B] [--db PATH]

Builds bars at --freq from trades or from finer stored bars, writes them (idempotently: a second
run changes nothing), records gaps in bar_gaps and the run in ingest_runs. Missing intervals
stay missing: they are recorded as gaps, never filled. A venue's own bars are never
overwritten. A stored bar is deleted only if this same source built it (source exactly
materialize:<from>-><to>), it lies inside the span the source now covers, and the source no
longer yields it. Bars built from trades are incomplete at both ends of the trade span.

  --freq F       target frequency (1s 1m 5m 15m 1h 4h 1d), or "all" for every frequency
                 that a stored source of the symbol can build
  --from S       source: "trades" or a bar frequency. Default, per target series: of the
                 symbol's stored trades and stored frequencies finer than the target, the one
                 spanning the most target intervals (first row to last); the finer on a tie.
                 Years of 1h bars beat minutes of trades; trades beat the 1m bars built
                 from them.
  --venue V      only this venue
  --symbols A,B  only these symbols (as the venue spells them)
  --db PATH      store file (default: $CRYPTOLAB_DB or data/cryptolab.db)`;

function usageFreq(flag: string, s: string): Freq {
  try {
    return parseFreq(s);
  } catch (e) {
    throw new UsageError(`${flag}: ${(e as Error).message}\n\n${USAGE}`);
  }
}

/**
 * A --venue or --symbols the store does not hold is an error listing what it does hold (a typo
 * would otherwise build nothing and exit 0).
 */
function checkNames(db: DatabaseSync, venue: string | undefined, symbols: string[] | undefined) {
  if (venue === undefined && symbols === undefined) return;
  const held = [...listTradeSeries(db), ...listSeries(db)];
  if (venue !== undefined) {
    requireKnown("--venue", [venue], held.map((s) => s.venue), "venues", "in the store");
  }
  if (symbols !== undefined) {
    const of = held.filter((s) => venue === undefined || s.venue === venue).map((s) => s.symbol);
    const where = venue === undefined ? "in the store" : `stored for venue ${venue}`;
    requireKnown("--symbols", symbols, of, "symbols", where);
  }
}

function main(args: string[]): number {
  const { values } = parseFlags(args, {
    freq: { type: "string" },
    from: { type: "string" },
    venue: { type: "string" },
    symbols: { type: "string" },
  }, USAGE);
  if (values.freq === undefined) throw new UsageError(`--freq is required\n\n${USAGE}`);
  const toFreq = values.freq === "all" ? "all" : usageFreq("--freq", values.freq);
  const fromFreq = values.from === undefined
    ? undefined
    : values.from === "trades"
    ? "trades"
    : usageFreq("--from", values.from);
  const symbols = values.symbols?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const store = openTaskStore(values.db, { mustExist: true });
  try {
    checkNames(store.db, values.venue, symbols);
    const r = materializeBars(store.db, {
      toFreq,
      fromFreq,
      venue: values.venue,
      symbols,
      onProgress: progressLine,
    });
    progressDone();
    warmBlocks(store.db, r.series.map((s) => ({ venue: s.venue, symbol: s.symbol, freq: s.to })));
    for (const s of r.series) {
      console.log(
        `${s.venue} ${s.symbol} ${s.from} -> ${s.to}: ${s.bars} bars (${s.inserted} new, ` +
          `${s.replaced} replaced, ${s.unchanged} unchanged` +
          (s.keptVenueBars > 0 ? `, ${s.keptVenueBars} kept the venue's own bar` : "") +
          (s.keptVenueFlags > 0 ? `, ${s.keptVenueFlags} kept the venue's complete flag` : "") +
          (s.deletedStale > 0 ? `, ${s.deletedStale} stale deleted` : "") +
          `), ${s.incomplete} incomplete, ${s.gaps} gaps (${s.missing} missing bars)`,
      );
    }
    console.log(
      `run ${r.runId}: ${r.series.length} series, ${r.inserted} inserted, ${r.replaced} replaced, ` +
        `${r.unchanged} unchanged`,
    );
    if (r.series.length === 0) {
      console.error(
        "nothing to build: no stored trades or finer bars match the filters " +
          "(import data first, or check --venue/--symbols/--from)",
      );
    }
    return 0;
  } finally {
    store.close();
  }
}

if (import.meta.main) runMain(main);
