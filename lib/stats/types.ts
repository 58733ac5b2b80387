/**
 * Input types shared by the statistics in `lib/stats`.
 *
 * @module
 */

/**
 * A numeric series: a typed array or a plain array of numbers. Missing values are `NaN`; the
 * statistics treat every non-finite value (`NaN`, `Infinity`, `-Infinity`) as missing.
 */
export type Series = Float64Array | readonly number[];
