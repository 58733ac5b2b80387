/**
 * The result shared by the shrinkage estimators (`ledoitWolf`, `oas`,
 * `ledoitWolfConstantCorrelation`).
 *
 * @module
 */
import type { Matrix } from "./types.ts";

/** A covariance matrix shrunk towards a structured target. */
export interface ShrunkCovariance {
  /** `(1 - shrinkage) * sample + shrinkage * target`, N x N, symmetric positive definite. */
  readonly covariance: Matrix;
  /** Weight of the target, in [0, 1]. */
  readonly shrinkage: number;
  /** Rows used: those where every asset has a finite return (listwise deletion). */
  readonly nobs: number;
}
