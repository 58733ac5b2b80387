/**
 * Core vocabulary shared by every layer: bar frequencies, columnar row batches and the
 * canonical encoding behind dataset fingerprints.
 *
 * @module
 */
export * from "./freq.ts";
export * from "./types.ts";
export * from "./canonical.ts";
export * from "./escape_html.ts";
export * from "./for_terminal.ts";
export * from "./quantile.ts";
export * from "./snapshot_types.ts";
