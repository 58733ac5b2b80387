/**
 * `deno task stream --liquidations`: Binance USDT-M `<symbol>@forceOrder` frames into the
 * `liquidations` table through the perp rules (lib/ingest/liquidation_stream.ts). Binance
 * pushes at most one liquidation per symbol per second, so this is a sample, not every
 * liquidation, and there is no REST history to backfill it from: run it continuously.
 *
 * @module
 */
import { runLiquidationStream } from "@lib/ingest/liquidation_stream.ts";
import { forTerminal } from "@lib/core/for_terminal.ts";
import { providerFor } from "@lib/providers/registry.ts";
import type { StreamProblem } from "@lib/providers/binance_ws.ts";
import { finishRun, startRun } from "@lib/store/runs.ts";
import { openTaskStore, progressLine, UsageError } from "./_cli.ts";

/** Run the liquidation stream until SIGINT/SIGTERM; returns the exit code. */
export async function runLiquidationTask(
  flags: {
    readonly symbols: readonly string[];
    readonly market?: string | undefined;
    readonly db?: string | undefined;
  },
  problemLine: (p: StreamProblem) => string,
): Promise<number> {
  if (flags.market !== undefined && flags.market !== "futures") {
    throw new UsageError(
      `--liquidations streams USDT-M futures liquidations: use --market futures or leave it out, got --market ${flags.market}`,
    );
  }
  const store = openTaskStore(flags.db);
  const db = store.db;
  const runId = startRun(db, "stream", { symbols: flags.symbols, liquidations: true });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const safe = (s: string) => forTerminal(s, { keepNewlines: false });
  try {
    const venue = providerFor("binance_futures", "liquidation_stream");
    const stream = venue.openLiquidationStream({
      symbols: flags.symbols,
      onProblem: (p) => console.error(problemLine(p)),
    });
    const r = await runLiquidationStream(db, {
      venue: venue.id,
      stream,
      runId,
      signal: stop.signal,
      onProgress: (p) =>
        progressLine(
          `stream: liquidations received=${p.received} inserted=${p.inserted} ` +
            `unchanged=${p.unchanged} quarantined=${p.quarantined}`,
        ),
      onQuarantine: (q) =>
        console.error(`stream: quarantined ${safe(q.symbol)}: ${safe(q.reason)}`),
    });
    const message = `${r.received} liquidations received, ${r.inserted} stored, ${r.unchanged} ` +
      `already stored, ${r.quarantined} quarantined`;
    finishRun(db, runId, stop.signal.aborted ? "interrupted" : "ok", {
      rowsWritten: r.inserted,
      rowsQuarantined: r.quarantined,
      message,
    });
    console.error(`stream: ${stop.signal.aborted ? "interrupted" : "ended"}: ${message}`);
    return 0;
  } catch (e) {
    finishRun(db, runId, "failed", { message: (e as Error).message });
    throw e;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    store.close();
  }
}
