/**
 * Scales and bounds of the ridge (model-shifting) method: the single TypeScript definition of
 * every range its circuits check. `circuits/lib/ridge_params.circom` mirrors these constants (the
 * circuit cannot import TypeScript); test/ridgeModel.test.ts checks that both agree.
 *
 * Notation: d features, m = d + 1 (the features and a constant bias input), C classes, D the
 * data-tree depth (2^D slots).
 *
 * | value                      | real range              | encoded                    | check            |
 * |----------------------------|-------------------------|----------------------------|------------------|
 * | feature x                  | [−2, 2)                 | scale 2^16, [−2^17, 2^17)  | 18 bits, opening |
 * | bias input x̃_d             | 1                       | 2^16 (a constant)          | —                |
 * | class label y              | {0, …, C − 1}           | y · 2^16 in the record     | one-hot, opening |
 * | statistics G = Σ x̃x̃ᵀ       | —                       | scale 2^32, |G| < 2^GB     | GB + 1 bits, solve|
 * | statistics b_c = Σ_{y=c} x̃ | —                       | scale 2^16, |b| < 2^MB     | MB + 1 bits, solve|
 * | λ                          | [2^-16, 2^8)            | scale 2^16, [1, 2^24)      | 24 bits          |
 * | weight W                   | (−2^16, 2^16)           | scale 2^40, |W| < 2^56     | 57 bits          |
 * | residual R                 | see below               | scale 2^72, |R| < 2^RB     | RB + 1 bits      |
 *
 * Why these bounds: every statistic is a sum of at most 2^D products of range-checked inputs,
 * so |G| ≤ 2^(D+34) and |b| ≤ 2^(D+17); the solve check multiplies them with the weights, so
 * every integer in it stays below 2^(D+34+56+7) < 2^130 for D ≤ 32, far below the field
 * (2^253): the field identity the circuit checks is the integer identity.
 *
 * GB = D + 35 (gramBoundBits) and MB = D + 17 (momentBoundBits): |x̃_j x̃_k| ≤ 2^34 (the
 * maximum 2^34 is reached by x = −2 squared), so |G| ≤ 2^(D+34) < 2^(D+35), and
 * |b| ≤ 2^D · (2^17 − 1) < 2^(D+17). The solve check range-checks the total G and every b it
 * uses to these widths: that is what makes the packed statistics commitment binding (statistics.ts).
 * Both must fit a balanced lane of the packing, |v| < 2^62 (STATS_LANE_BITS − 1), so D ≤ 27.
 *
 * The residual bound RB (residualBoundBits): an honest prover rounds the exact solution W* to
 * the 2^-40 grid, so each weight moves by at most half a unit and each residual entry
 * R = (G + λI)·W − b·2^56 (integers at scale 2^72) by at most Σ_k |A_jk| / 2 ≤ (d + 1)·(2^(D'+34)
 * + 2^40) / 2 ≤ 2^(D' + 34 + ⌈log2(d + 1)⌉) with D' = max(D, 6). RB = D' + 36 + ⌈log2(d + 1)⌉
 * leaves two bits of headroom for what the float solver leaves over after exact iterative
 * refinement (solve.ts).
 */
import { FRACTION_BITS } from "../../encoding/fixedPoint.ts";
import { FEATURE_BOUND_BITS } from "../../ml/bounds.ts";

export { FRACTION_BITS };

/** Features lie in [−2^RIDGE_FEATURE_BOUND_BITS, 2^RIDGE_FEATURE_BOUND_BITS) = [−2, 2), as for SISA. */
export const RIDGE_FEATURE_BOUND_BITS = FEATURE_BOUND_BITS;

/** Fractional bits of a weight: an encoded weight w stands for w / 2^40. */
export const WEIGHT_FRACTION_BITS = 40;

/** Weights lie in (−2^16, 2^16) (real): |encoded| < 2^(40 + 16). */
export const RIDGE_WEIGHT_BOUND_BITS = 16;

/** λ (encoded at scale 2^16) lies in [1, 2^24), i.e. real [2^-16, 256). */
export const LAMBDA_BOUND_BITS = 24;

/** Exclusive bound of an encoded feature's magnitude (−FEATURE_LIMIT is allowed). */
export const RIDGE_FEATURE_LIMIT = 1n << BigInt(FRACTION_BITS + RIDGE_FEATURE_BOUND_BITS);

/** Exclusive bound of an encoded weight's magnitude: 2^56 (both signs). */
export const RIDGE_WEIGHT_LIMIT = 1n << BigInt(WEIGHT_FRACTION_BITS + RIDGE_WEIGHT_BOUND_BITS);

/** Exclusive upper bound of the encoded λ. */
export const LAMBDA_LIMIT = 1n << BigInt(LAMBDA_BOUND_BITS);

/** The encoded bias input x̃_d = 1.0 = 2^16. */
export const BIAS_INPUT = 1n << BigInt(FRACTION_BITS);

/** ⌈log2(n)⌉ for a positive integer n. */
export function ceilLog2(n: number): number {
  let bits = 0;
  while (2 ** bits < n) bits++;
  return bits;
}

/**
 * RB: every residual entry satisfies |R| < 2^RB (see the module comment): max(D, 6) + 36 +
 * ⌈log2(d + 1)⌉. 44 for the tiny profiles (D = 4, d = 2), 62 for D = 20, d = 32.
 */
export function residualBoundBits(depth: number, features: number): number {
  return Math.max(depth, 6) + 36 + ceilLog2(features + 1);
}

/**
 * The guarantee a ridge proof gives about the weights it commits, in real units: for every class
 * c, ‖W'_c − W*_c‖₂ ≤ √(d + 1) · 2^RB / 2^(32 + 40) / λ, where W* is the exact ridge solution of
 * the committed statistics. Why: (G + λI)(W' − W*) = R with G + λI ⪰ λI, so ‖W' − W*‖₂ ≤ ‖R‖₂/λ,
 * and each of the d + 1 entries of a residual column is below 2^RB at scale 2^72.
 *
 * @param lambda the encoded λ (scale 2^16)
 */
export function weightErrorBound(depth: number, features: number, lambda: bigint): number {
  const rb = residualBoundBits(depth, features);
  return (Math.sqrt(features + 1) * 2 ** (rb - 2 * FRACTION_BITS - WEIGHT_FRACTION_BITS)) / (Number(lambda) / 2 ** FRACTION_BITS);
}

/** Bits per lane of a packed statistics word: values |v| < 2^62 in balanced (signed) 63-bit lanes (statistics.ts). */
export const STATS_LANE_BITS = 63;

/** Lanes per packed statistics word: 4 × 63 = 252 bits, so |word| < 2^252 < p / 2. */
export const STATS_LANES = 4;

/** Deepest data tree whose statistics fit the lanes: GB = D + 35 ≤ 62. */
export const MAX_STATS_DEPTH = STATS_LANE_BITS - 1 - 35;

/** Checks `depth` against MAX_STATS_DEPTH. @throws RangeError */
function checkStatsDepth(depth: number): void {
  if (!Number.isInteger(depth) || depth < 0 || depth > MAX_STATS_DEPTH) {
    throw new RangeError(`data depth ${depth}: the packed ridge statistics support depths 0..${MAX_STATS_DEPTH}`);
  }
}

/**
 * GB: every entry of the total Gram matrix G of a tree of depth D satisfies |G| < 2^GB, GB = D + 35
 * (see the module comment); the solve check range-checks G to [−2^GB, 2^GB).
 * @throws RangeError for a depth above MAX_STATS_DEPTH (the lanes would not hold G)
 */
export function gramBoundBits(depth: number): number {
  checkStatsDepth(depth);
  return depth + 35;
}

/**
 * MB: every moment (and count entry 2^16 · n_c) satisfies |b| < 2^MB, MB = D + 17; the solve check
 * range-checks every b_c to [−2^MB, 2^MB).
 * @throws RangeError for a depth above MAX_STATS_DEPTH
 */
export function momentBoundBits(depth: number): number {
  checkStatsDepth(depth);
  return depth + 17;
}
