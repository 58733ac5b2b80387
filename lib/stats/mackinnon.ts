/**
 * MacKinnon's response surfaces for unit-root and cointegration tests: approximate p-values
 * ({@link mackinnonp}) and finite-sample critical values ({@link mackinnoncrit}) of the
 * Dickey-Fuller tau statistic, for N = 1 (ADF) or N > 1 (Engle-Granger, N series).
 *
 * The coefficient tables are transcribed from the published papers, as tabulated in
 * statsmodels 0.13.5 `statsmodels/tsa/adfvalues.py` (same numbers, same scaling, same Horner
 * evaluation, so results agree with statsmodels to the last bits of `Math` vs numpy):
 * - p-values: MacKinnon, J.G. (1994), "Approximate asymptotic distribution functions for
 *   unit-root and cointegration tests", Journal of Business and Economic Statistics 12(2),
 *   167-176, Tables 3 and 4 (tau statistic, small-p and large-p fits, cut-off points).
 * - critical values: MacKinnon, J.G. (2010), "Critical values for cointegration tests", Queen's
 *   University Economics Working Paper 1227, Table 2 (free: https://ideas.repec.org/p/qed/wpaper/1227.html);
 *   the no-constant ("n") case comes from MacKinnon (1996) as in statsmodels.
 *
 * @module
 */
import { normalCdf } from "./distributions.ts";

/** Deterministic terms of the test regression: none, constant, +trend, +quadratic trend. */
export type MacKinnonRegression = "n" | "c" | "ct" | "ctt";

// MacKinnon (1994): below tau_min the p-value is 0, above tau_max it is 1; at or below tau_star
// the small-p polynomial applies, above it the large-p one. Index N - 1, N = 1..6.
const TAU_MAX: Record<MacKinnonRegression, readonly number[]> = {
  n: [Infinity, 1.51, 0.86, 0.88, 1.05, 1.24],
  c: [2.74, 0.92, 0.55, 0.61, 0.79, 1],
  ct: [0.7, 0.63, 0.71, 0.93, 1.19, 1.42],
  ctt: [0.54, 0.79, 1.08, 1.43, 3.49, 1.92],
};
const TAU_MIN: Record<MacKinnonRegression, readonly number[]> = {
  n: [-19.04, -19.62, -21.21, -23.25, -21.63, -25.74],
  c: [-18.83, -18.86, -23.48, -28.07, -25.96, -23.27],
  ct: [-16.18, -21.15, -25.37, -26.63, -26.53, -26.18],
  ctt: [-17.17, -21.1, -24.33, -24.03, -24.33, -28.22],
};
const TAU_STAR: Record<MacKinnonRegression, readonly number[]> = {
  n: [-1.04, -1.53, -2.68, -3.09, -3.07, -3.77],
  c: [-1.61, -2.62, -3.13, -3.47, -3.78, -3.93],
  ct: [-2.89, -3.19, -3.50, -3.65, -3.80, -4.36],
  ctt: [-3.21, -3.51, -3.81, -3.83, -4.12, -4.63],
};

// p = Phi(g0 + g1 tau + g2 tau^2), printed with g2 scaled by 100 (applied below).
const SMALL_P_RAW: Record<MacKinnonRegression, readonly (readonly number[])[]> = {
  n: [
    [0.6344, 1.2378, 3.2496],
    [1.9129, 1.3857, 3.5322],
    [2.7648, 1.4502, 3.4186],
    [3.4336, 1.4835, 3.19],
    [4.0999, 1.5533, 3.59],
    [4.5388, 1.5344, 2.9807],
  ],
  c: [
    [2.1659, 1.4412, 3.8269],
    [2.92, 1.5012, 3.9796],
    [3.4699, 1.4856, 3.164],
    [3.9673, 1.4777, 2.6315],
    [4.5509, 1.5338, 2.9545],
    [5.1399, 1.6036, 3.4445],
  ],
  ct: [
    [3.2512, 1.6047, 4.9588],
    [3.6646, 1.5419, 3.6448],
    [4.0983, 1.5173, 2.9898],
    [4.5844, 1.5338, 2.8796],
    [5.0722, 1.5634, 2.9472],
    [5.53, 1.5914, 3.0392],
  ],
  ctt: [
    [4.0003, 1.658, 4.8288],
    [4.3534, 1.6016, 3.7947],
    [4.7343, 1.5768, 3.2396],
    [5.214, 1.6077, 3.3449],
    [5.6481, 1.6274, 3.3455],
    [5.9296, 1.5929, 2.8223],
  ],
};
const SMALL_SCALING = [1, 1, 1e-2];

// p = Phi(g0 + g1 tau + g2 tau^2 + g3 tau^3), printed scaled by (1, 10, 10, 100).
const LARGE_P_RAW: Record<MacKinnonRegression, readonly (readonly number[])[]> = {
  n: [
    [0.4797, 9.3557, -0.6999, 3.3066],
    [1.5578, 8.558, -2.083, -3.3549],
    [2.2268, 6.8093, -3.2362, -5.4448],
    [2.7654, 6.4502, -3.0811, -4.4946],
    [3.2684, 6.8051, -2.6778, -3.4972],
    [3.7268, 7.167, -2.3648, -2.8288],
  ],
  c: [
    [1.7339, 9.3202, -1.2745, -1.0368],
    [2.1945, 6.4695, -2.9198, -4.2377],
    [2.5893, 4.5168, -3.6529, -5.0074],
    [3.0387, 4.5452, -3.3666, -4.1921],
    [3.5049, 5.2098, -2.9158, -3.3468],
    [3.9489, 5.8933, -2.5359, -2.721],
  ],
  ct: [
    [2.5261, 6.1654, -3.7956, -6.0285],
    [2.85, 5.272, -3.6622, -5.1695],
    [3.221, 5.255, -3.2685, -4.1501],
    [3.652, 5.9758, -2.7483, -3.2081],
    [4.0712, 6.6428, -2.3464, -2.546],
    [4.4735, 7.1757, -2.0681, -2.1196],
  ],
  ctt: [
    [3.0778, 4.9529, -4.1477, -5.9359],
    [3.4713, 5.967, -3.2507, -4.2286],
    [3.8637, 6.7852, -2.6286, -3.1381],
    [4.2736, 7.6199, -2.1534, -2.4026],
    [4.6679, 8.2618, -1.822, -1.9147],
    [5.0009, 8.3735, -1.6994, -1.6928],
  ],
};
const LARGE_SCALING = [1, 1e-1, 1e-1, 1e-2];

function scaled(
  raw: Record<MacKinnonRegression, readonly (readonly number[])[]>,
  scaling: readonly number[],
): Record<MacKinnonRegression, readonly Float64Array[]> {
  const out = {} as Record<MacKinnonRegression, readonly Float64Array[]>;
  for (const reg of ["n", "c", "ct", "ctt"] as const) {
    out[reg] = raw[reg].map((row) => Float64Array.from(row, (v, i) => v * scaling[i]!));
  }
  return out;
}
const SMALL_P = scaled(SMALL_P_RAW, SMALL_SCALING);
const LARGE_P = scaled(LARGE_P_RAW, LARGE_SCALING);

// MacKinnon (2010) Table 2: critical value = b0 + b1/T + b2/T^2 + b3/T^3, by N (rows of 3 levels:
// 1%, 5%, 10%). "n" has N = 1 only (MacKinnon 1996).
const TAU_2010: Record<MacKinnonRegression, readonly (readonly (readonly number[])[])[]> = {
  n: [[
    [-2.56574, -2.2358, -3.627, 0],
    [-1.941, -0.2686, -3.365, 31.223],
    [-1.61682, 0.2656, -2.714, 25.364],
  ]],
  c: [
    [[-3.43035, -6.5393, -16.786, -79.433], [-2.86154, -2.8903, -4.234, -40.04], [
      -2.56677,
      -1.5384,
      -2.809,
      0,
    ]],
    [[-3.89644, -10.9519, -33.527, 0], [-3.33613, -6.1101, -6.823, 0], [
      -3.04445,
      -4.2412,
      -2.72,
      0,
    ]],
    [[-4.29374, -14.4354, -33.195, 47.433], [-3.74066, -8.5632, -10.852, 27.982], [
      -3.45218,
      -6.2143,
      -3.718,
      0,
    ]],
    [[-4.64332, -18.1031, -37.972, 0], [-4.096, -11.2349, -11.175, 0], [
      -3.8102,
      -8.3931,
      -4.137,
      0,
    ]],
    [[-4.95756, -21.8883, -45.142, 0], [-4.41519, -14.0405, -12.575, 0], [
      -4.13157,
      -10.7417,
      -3.784,
      0,
    ]],
    [[-5.24568, -25.6688, -57.737, 88.639], [-4.70693, -16.9178, -17.492, 60.007], [
      -4.42501,
      -13.1875,
      -5.104,
      27.877,
    ]],
    [[-5.51233, -29.576, -69.398, 164.295], [-4.97684, -19.9021, -22.045, 110.761], [
      -4.69648,
      -15.7315,
      -5.104,
      27.877,
    ]],
    [[-5.76202, -33.5258, -82.189, 256.289], [-5.22924, -23.0023, -24.646, 144.479], [
      -4.95007,
      -18.3959,
      -7.344,
      94.872,
    ]],
    [[-5.99742, -37.6572, -87.365, 248.316], [-5.46697, -26.2057, -26.627, 176.382], [
      -5.18897,
      -21.1377,
      -9.484,
      172.704,
    ]],
    [[-6.22103, -41.7154, -102.68, 389.33], [-5.69244, -29.4521, -30.994, 251.016], [
      -5.41533,
      -24.0006,
      -7.514,
      163.049,
    ]],
    [[-6.43377, -46.0084, -106.809, 352.752], [-5.90714, -32.8336, -30.275, 249.994], [
      -5.63086,
      -26.9693,
      -4.083,
      151.427,
    ]],
    [[-6.6379, -50.2095, -124.156, 579.622], [-6.11279, -36.2681, -32.505, 314.802], [
      -5.83724,
      -29.9864,
      -2.686,
      184.116,
    ]],
  ],
  ct: [
    [[-3.95877, -9.0531, -28.428, -134.155], [-3.41049, -4.3904, -9.036, -45.374], [
      -3.12705,
      -2.5856,
      -3.925,
      -22.38,
    ]],
    [[-4.32762, -15.4387, -35.679, 0], [-3.78057, -9.5106, -12.074, 0], [
      -3.49631,
      -7.0815,
      -7.538,
      21.892,
    ]],
    [[-4.66305, -18.7688, -49.793, 104.244], [-4.1189, -11.8922, -19.031, 77.332], [
      -3.83511,
      -9.0723,
      -8.504,
      35.403,
    ]],
    [[-4.9694, -22.4694, -52.599, 51.314], [-4.42871, -14.5876, -18.228, 39.647], [
      -4.14633,
      -11.25,
      -9.873,
      54.109,
    ]],
    [[-5.25276, -26.2183, -59.631, 50.646], [-4.71537, -17.3569, -22.66, 91.359], [
      -4.43422,
      -13.6078,
      -10.238,
      76.781,
    ]],
    [[-5.51727, -29.976, -75.222, 202.253], [-4.98228, -20.305, -25.224, 132.03], [
      -4.70233,
      -16.1253,
      -9.836,
      94.272,
    ]],
    [[-5.76537, -33.9165, -84.312, 245.394], [-5.23299, -23.3328, -28.955, 182.342], [
      -4.95405,
      -18.7352,
      -10.168,
      120.575,
    ]],
    [[-6.00003, -37.8892, -96.428, 335.92], [-5.46971, -26.4771, -31.034, 220.165], [
      -5.19183,
      -21.4328,
      -10.726,
      157.955,
    ]],
    [[-6.22288, -41.9496, -109.881, 466.068], [-5.69447, -29.7152, -33.784, 273.002], [
      -5.41738,
      -24.2882,
      -8.584,
      169.891,
    ]],
    [[-6.43551, -46.1151, -120.814, 566.823], [-5.90887, -33.0251, -37.208, 346.189], [
      -5.63255,
      -27.2042,
      -6.792,
      177.666,
    ]],
    [[-6.63894, -50.4287, -128.997, 642.781], [-6.11404, -36.461, -36.246, 348.554], [
      -5.8385,
      -30.1995,
      -5.163,
      210.338,
    ]],
    [[-6.83488, -54.7119, -139.8, 736.376], [-6.31127, -39.9676, -37.021, 406.051], [
      -6.0365,
      -33.2381,
      -6.606,
      317.776,
    ]],
  ],
  ctt: [
    [[-4.37113, -11.5882, -35.819, -334.047], [-3.83239, -5.9057, -12.49, -118.284], [
      -3.55326,
      -3.6596,
      -5.293,
      -63.559,
    ]],
    [[-4.69276, -20.2284, -64.919, 88.884], [-4.15387, -13.3114, -28.402, 72.741], [
      -3.87346,
      -10.4637,
      -17.408,
      66.313,
    ]],
    [[-4.99071, -23.5873, -76.924, 184.782], [-4.45311, -15.7732, -32.316, 122.705], [
      -4.1728,
      -12.4909,
      -17.912,
      83.285,
    ]],
    [[-5.2678, -27.2836, -78.971, 137.871], [-4.73244, -18.4833, -31.875, 111.817], [
      -4.45268,
      -14.7199,
      -17.969,
      101.92,
    ]],
    [[-5.52826, -30.9051, -92.49, 248.096], [-4.99491, -21.236, -37.685, 194.208], [
      -4.71587,
      -17.082,
      -18.631,
      136.672,
    ]],
    [[-5.77379, -34.701, -105.937, 393.991], [-5.24217, -24.2177, -39.153, 232.528], [
      -4.96397,
      -19.6064,
      -18.858,
      174.919,
    ]],
    [[-6.00609, -38.7383, -108.605, 365.208], [-5.47664, -27.3005, -39.498, 246.918], [
      -5.19921,
      -22.2617,
      -17.91,
      208.494,
    ]],
    [[-6.22758, -42.7154, -119.622, 421.395], [-5.69983, -30.4365, -44.3, 345.48], [
      -5.4232,
      -24.9686,
      -19.688,
      274.462,
    ]],
    [[-6.43933, -46.7581, -136.691, 651.38], [-5.91298, -33.7584, -42.686, 346.629], [
      -5.63704,
      -27.8965,
      -13.88,
      236.975,
    ]],
    [[-6.64235, -50.9783, -145.462, 752.228], [-6.11753, -37.056, -48.719, 473.905], [
      -5.84215,
      -30.8119,
      -14.938,
      316.006,
    ]],
    [[-6.83743, -55.2861, -152.651, 792.577], [-6.31396, -40.5507, -46.771, 487.185], [
      -6.03921,
      -33.895,
      -9.122,
      285.164,
    ]],
    [[-7.02582, -59.6037, -166.368, 989.879], [-6.50353, -44.0797, -47.242, 543.889], [
      -6.22941,
      -36.9673,
      -10.868,
      418.414,
    ]],
  ],
};

function checkRegression(
  regression: string,
  what: string,
): asserts regression is MacKinnonRegression {
  if (regression !== "n" && regression !== "c" && regression !== "ct" && regression !== "ctt") {
    throw new RangeError(
      `Cannot compute ${what}: regression must be "n", "c", "ct" or "ctt", got ${
        JSON.stringify(regression)
      }`,
    );
  }
}

/** Horner's rule over coefficients stored lowest power first (numpy `polyval(c[::-1], x)`). */
function horner(coef: ArrayLike<number>, x: number): number {
  let y = 0;
  for (let i = coef.length - 1; i >= 0; i--) y = y * x + coef[i]!;
  return y;
}

/**
 * MacKinnon's (1994) approximate p-value of a Dickey-Fuller tau statistic: the probability,
 * under the null of a unit root (N = 1) or of no cointegration among N series (N = 2..6), of a
 * statistic at or below `teststat`. Use it for the ADF statistic (`N = 1`, the regression of
 * the test) or the Engle-Granger statistic (`N` = number of series, `regression` = the trend of
 * the cointegrating regression). Equals statsmodels 0.13.5 `mackinnonp(teststat, regression, N)`.
 *
 * The surface is asymptotic (no sample-size correction); near a decision boundary compare the
 * statistic with {@link mackinnoncrit} instead, which is finite-sample. Cost: O(1).
 *
 * Reference: MacKinnon (1994), J. Business & Economic Statistics 12(2), 167-176.
 *
 * @param teststat the tau statistic (`-Infinity` gives 0, values above the table give 1)
 * @param regression deterministic terms of the test regression (default "c")
 * @param n number of I(1) series, 1..6 (default 1)
 *
 * @example p-values of ADF statistics
 * ```ts
 * import { mackinnonp } from "@lib/stats/mackinnon.ts";
 * import assert from "node:assert/strict";
 * // statsmodels 0.13.5: mackinnonp(-2.86, "c") = 0.0502...; far below the table: 0
 * assert.ok(Math.abs(mackinnonp(-2.86, "c") - 0.05) < 0.001);
 * assert.equal(mackinnonp(-30, "c"), 0);
 * assert.equal(mackinnonp(5, "ct", 2), 1);
 * ```
 */
export function mackinnonp(teststat: number, regression: MacKinnonRegression = "c", n = 1): number {
  checkRegression(regression, "MacKinnon p-value");
  if (!Number.isInteger(n) || n < 1 || n > 6) {
    throw new RangeError(
      `Cannot compute MacKinnon p-value: N (number of series) must be an integer in [1, 6], got ${n}`,
    );
  }
  if (Number.isNaN(teststat)) return NaN;
  if (teststat > TAU_MAX[regression][n - 1]!) return 1;
  if (teststat < TAU_MIN[regression][n - 1]!) return 0;
  const coef = teststat <= TAU_STAR[regression][n - 1]!
    ? SMALL_P[regression][n - 1]!
    : LARGE_P[regression][n - 1]!;
  return normalCdf(horner(coef, teststat));
}

/** Critical values at 1%, 5% and 10%, in that order. */
export type CriticalValueTriple = readonly [number, number, number];

/**
 * MacKinnon's (2010) critical values of the Dickey-Fuller tau statistic at 1%, 5% and 10% for a
 * sample of `nobs` observations (asymptotic when `nobs` is `Infinity`): `b0 + b1/T + b2/T^2 +
 * b3/T^3`. Reject the null (unit root; no cointegration) at a level when the statistic is below
 * its critical value. Equals statsmodels 0.13.5 `mackinnoncrit(N, regression, nobs)`. Cost: O(1).
 *
 * Reference: MacKinnon (2010), "Critical values for cointegration tests", Queen's Economics
 * Working Paper 1227, https://ideas.repec.org/p/qed/wpaper/1227.html (the "n" case: MacKinnon
 * 1996).
 *
 * @param n number of I(1) series, 1..12 (1 for ADF; only 1 for regression "n")
 * @param regression deterministic terms (default "c")
 * @param nobs sample size T (default `Infinity`: asymptotic values)
 *
 * @example ADF critical values for 1,000 observations
 * ```ts
 * import { mackinnoncrit } from "@lib/stats/mackinnon.ts";
 * import assert from "node:assert/strict";
 * const [c1, c5, c10] = mackinnoncrit(1, "c", 1000);
 * assert.ok(c1 < c5 && c5 < c10);
 * assert.deepEqual(mackinnoncrit(1, "c"), [-3.43035, -2.86154, -2.56677]); // asymptotic
 * ```
 */
export function mackinnoncrit(
  n = 1,
  regression: MacKinnonRegression = "c",
  nobs = Infinity,
): CriticalValueTriple {
  checkRegression(regression, "MacKinnon critical values");
  const table = TAU_2010[regression];
  if (!Number.isInteger(n) || n < 1 || n > table.length) {
    throw new RangeError(
      `Cannot compute MacKinnon critical values: N must be an integer in [1, ${table.length}] for ` +
        `regression "${regression}", got ${n}`,
    );
  }
  if (!(nobs > 0)) {
    throw new RangeError(`Cannot compute MacKinnon critical values: nobs must be > 0, got ${nobs}`);
  }
  const rows = table[n - 1]!;
  if (nobs === Infinity) return [rows[0]![0]!, rows[1]![0]!, rows[2]![0]!];
  const x = 1 / nobs;
  return [horner(rows[0]!, x), horner(rows[1]!, x), horner(rows[2]!, x)];
}
