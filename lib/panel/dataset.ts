/**
 * A dataset: a panel together with its provenance (which rows, their fingerprint, their gaps),
 * so a report can say exactly what it describes without reading the store itself.
 *
 * @module
 */
import type { Freq } from "../core/freq.ts";
import type { Panel } from "./types.ts";

/** One run of missing bars inside a series. */
export interface SeriesGap {
  /** Open time of the first missing bar (UTC ms). */
  readonly startTs: number;
  /** Open time of the next present bar (exclusive end, UTC ms). */
  readonly endTs: number;
  /** Number of missing bars. */
  readonly missing: number;
}

/** What one series of a dataset holds in the window. */
export interface SeriesProvenance {
  readonly symbol: string;
  /** Bars in the window. */
  readonly rows: number;
  /** Open time of the first and last bar in the window (UTC ms); NaN when `rows` is 0. */
  readonly firstTs: number;
  readonly lastTs: number;
  /** Bars flagged `complete = 0` (built from incomplete inputs). */
  readonly incomplete: number;
  /** Missing bars between the first and the last bar, found from the bars themselves. */
  readonly missing: number;
  /** The runs of missing bars, in time order. */
  readonly gaps: readonly SeriesGap[];
}

/** A panel and exactly the rows it was built from; see `loadDataset`. */
export interface Dataset {
  readonly venue: string;
  readonly freq: Freq;
  /** The universe kept, in panel order (`panel.assets`). */
  readonly symbols: readonly string[];
  /** Window start, UTC ms (inclusive). */
  readonly from: number;
  /** Window end, UTC ms (exclusive). */
  readonly to: number;
  /** The time x asset grid of the rows fingerprinted. */
  readonly panel: Panel;
  /** SHA-256 (64 hex) of the canonical encoding of the rows, and how many rows. */
  readonly fingerprint: { readonly sha256: string; readonly rows: number };
  /** One entry per symbol, in panel order. */
  readonly series: readonly SeriesProvenance[];
  /** Stored series of the venue left out because they have no bar in the window. */
  readonly dropped: readonly string[];
}
