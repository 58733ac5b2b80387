/**
 * The backfill progress bar shared by `deno task backfill` and `deno task demo`.
 *
 * @module
 */
import type { BackfillProgress } from "@lib/ingest/backfill.ts";

/** Seconds as `1h05m`, `3m20s` or `7s`; `?` when unknown. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${sec}s` : `${sec}s`;
}

/** The progress bar line: `[#####-----] done/total bars  pct  rate  ETA`. */
export function backfillProgressText(p: BackfillProgress, elapsedMs: number): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const width = 24;
  const fill = Math.round(frac * width);
  const rate = elapsedMs > 0 ? p.done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? Math.max(0, p.total - p.done) / rate : Infinity;
  return `backfill ${p.symbol} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ` +
    `${p.done}/${p.total} bars ${(frac * 100).toFixed(0)}% ` +
    `${rate.toFixed(0)} bars/s ETA ${formatDuration(eta)} (${p.requests} requests)`;
}
