/**
 * Argument checks shared by the cost models (internal: not re-exported from `mod.ts`).
 *
 * @module
 */

/** Throw unless every column has the same length; returns that length (0 for no columns). */
export function checkColumns(
  columns: readonly (ArrayLike<number> | undefined)[],
  field: string,
  what: string,
): number {
  let length = -1;
  columns.forEach((c, i) => {
    if (c === undefined) return;
    if (length < 0) length = c.length;
    else if (c.length !== length) {
      throw new RangeError(
        `Cannot build ${what}: every ${field} column must have one value per bar, ` +
          `column ${i} has ${c.length}, an earlier one ${length}`,
      );
    }
  });
  return Math.max(length, 0);
}

/** Throw unless the bar's asset count equals the model's. */
export function checkBarWidth(got: number, want: number, what: string): void {
  if (got !== want) {
    throw new RangeError(
      `Cannot compute ${what}: the model was built for ${want} assets, the bar has ${got}; ` +
        `build it with one column per asset of the backtest`,
    );
  }
}

/** Throw unless `x` is a finite number >= `min` (or > `min` when `strict`). */
export function checkNumber(
  x: number,
  name: string,
  what: string,
  min: number,
  strict = false,
): void {
  if (!Number.isFinite(x) || (strict ? !(x > min) : !(x >= min))) {
    throw new RangeError(
      `Cannot build ${what}: ${name} must be a finite number ${
        strict ? ">" : ">="
      } ${min}, got ${x}`,
    );
  }
}

/** Throw unless `window` is an integer >= 1 and `minPeriods` an integer in [1, window]. */
export function checkWindow(window: number, minPeriods: number, what: string): void {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`Cannot compute ${what}: window must be an integer >= 1, got ${window}`);
  }
  if (!Number.isInteger(minPeriods) || minPeriods < 1 || minPeriods > window) {
    throw new RangeError(
      `Cannot compute ${what}: minPeriods must be an integer in [1, window=${window}], got ${minPeriods}`,
    );
  }
}

/** Throw unless the high, low and close columns have the same length. */
export function checkOhlc(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  what: string,
): void {
  if (high.length !== low.length || high.length !== close.length) {
    throw new RangeError(
      `Cannot compute ${what}: high, low and close must have the same length, got ` +
        `${high.length}, ${low.length} and ${close.length}`,
    );
  }
}

/** Throw unless bar `t` is inside the model's columns of `length` bars. */
export function checkRow(t: number, length: number, what: string): void {
  if (!(t >= 0 && t < length)) {
    throw new RangeError(
      `Cannot compute ${what} at bar ${t}: the model's columns cover bars 0..${length - 1}; ` +
        `build it on the backtest's grid`,
    );
  }
}
