/**
 * Options every chart function takes.
 *
 * @module
 */

/** Identity and size of a figure; each chart states its own defaults. */
export interface FigureOptions {
  /** Block id, `[a-z0-9-]+`, unique in the report; prefixes the ids inside the SVG. */
  readonly id?: string;
  /** Title shown above the figure. */
  readonly title?: string;
  /** Caption under the title. */
  readonly caption?: string;
  /** Width in px. Default 760. */
  readonly width?: number;
}

/** Default figure width in px: fits the report's text column. */
export const DEFAULT_WIDTH = 760;
