/**
 * Display helpers for notebooks and scripts: tables, Plot figures and progress bars that
 * render richly in the Deno Jupyter kernel and as plain text everywhere else.
 *
 * In a notebook cell always `await display(...)` what matters: under nbconvert the last
 * expression of a cell is sometimes lost, output sent with `display` never is.
 *
 * @example
 * ```ts
 * import { display, table } from "@lib/display/mod.ts";
 * await display(table({ asset: ["BTC", "ETH"], rows: [8760, 8712] }));
 * ```
 *
 * @module
 */
export * from "./jupyter.ts";
export * from "./table.ts";
export * from "./panel_table.ts";
export * from "./figure.ts";
export * from "./progress.ts";
