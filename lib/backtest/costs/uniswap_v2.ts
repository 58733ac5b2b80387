/** The Uniswap v2 LP fee, in basis points of the input amount. */
export const UNISWAP_V2_FEE_BPS = 30;

/**
 * Output of a swap on a constant-product pool (Uniswap v2 `getAmountOut`):
 * `out = in * (10000 - fee) * R_out / (R_in * 10000 + in * (10000 - fee))`, with `fee` in basis
 * points; for v2's 0.30% this is the contract's `in * 997 * R_out / (R_in * 1000 + in * 997)`
 * (the same rational number, so the same correctly rounded double). The pool keeps
 * `x * y = k` on the input net of the fee, so a trade pays the fee and moves the price against
 * itself. Inputs are plain numbers in token units (no 18-decimal integers, no rounding down
 * to wei as the contract does). Reference: Uniswap v2 core whitepaper (H. Adams, N. Zinsmeister,
 * D. Robinson, 2020, https://uniswap.org/whitepaper.pdf) and `UniswapV2Library.getAmountOut`.
 * Cost: O(1).
 *
 * @example The v2 test vector
 * ```ts
 * import { uniswapV2AmountOut } from "@lib/backtest/costs/uniswap_v2.ts";
 * import assert from "node:assert/strict";
 * assert.equal(uniswapV2AmountOut(1, 5, 10), Number("1.662497915624478906"));
 * ```
 */
export function uniswapV2AmountOut(
  amountIn: number,
  reserveIn: number,
  reserveOut: number,
  feeBps: number = UNISWAP_V2_FEE_BPS,
): number {
  if (!(amountIn >= 0) || !Number.isFinite(amountIn)) {
    throw new RangeError(
      `Cannot price a swap: amountIn must be a finite number >= 0, got ${amountIn}`,
    );
  }
  if (!(reserveIn > 0) || !(reserveOut > 0) || !Number.isFinite(reserveIn + reserveOut)) {
    throw new RangeError(
      `Cannot price a swap: reserves must be positive, got in=${reserveIn} out=${reserveOut}`,
    );
  }
  if (!(feeBps >= 0 && feeBps < 10000)) {
    throw new RangeError(`Cannot price a swap: feeBps must be in [0, 10000), got ${feeBps}`);
  }
  const inWithFee = amountIn * (10000 - feeBps);
  return (inWithFee * reserveOut) / (reserveIn * 10000 + inWithFee);
}
