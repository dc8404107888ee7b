/**
 * The ridge solution W = (G + λI)⁻¹B of committed statistics, in fixed point, and its exact
 * residual — what the solve check of every ridge statement verifies.
 *
 * Soundness approach (documented for the bundle): the prover's freedom over W' is BOUNDED, not
 * zero. The circuit takes W' (scale 2^40) and a residual R (scale 2^72) from the prover and
 * checks, in exact integer arithmetic,
 *   R = (G·2^0 + λ·2^16·I)·W' − B·2^56      with every |R_jc| < 2^RB (bounds.ts),
 * so (G + λI)(W' − W*) = R in real units and, since G + λI ⪰ λI, ‖W'_c − W*_c‖₂ ≤ ‖R_c‖₂/λ
 * (weightErrorBound). The matrix identity is checked Freivalds-style: rᵀ(A·W' − B·2^56 − R) = 0
 * for r = (1, ρ, ρ², …, ρ^d) with ρ = Poseidon(configHash, statsCommitment, modelCommitment,
 * residualHash) derived INSIDE the circuit, after every value in the identity is committed (the
 * residual too: a residual chosen after ρ could be fitted to ρ by lattice reduction). For a
 * wrong W' some column of the integer matrix A·W' − B·2^56 − R is non-zero, and its dot product
 * with r is a non-zero polynomial of degree ≤ d in ρ, zero with probability ≤ d/p per column.
 * Cost: (d+1)² + 2·(d+1)·C products instead of (d+1)²·C.
 *
 * How the honest W' is found: a float64 Cholesky solve, rounded to 2^-40, then exact iterative
 * refinement (the residual computed in bigint, a float correction solved, rounded, applied)
 * until the weights stop changing, which brings every weight within about half a unit of W*.
 */
import { RIDGE_WEIGHT_LIMIT, WEIGHT_FRACTION_BITS, FRACTION_BITS, residualBoundBits } from "./bounds.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import type { RidgeModel } from "./model.ts";
import { packedHash } from "./packing.ts";
import { totalGram, type RidgeStatistics } from "./statistics.ts";

/** Scale of B in the residual identity: 2^(16 + 40). */
export const MOMENT_SHIFT = BigInt(FRACTION_BITS + WEIGHT_FRACTION_BITS);

/** A solved model and the residual its proof carries. */
export interface RidgeSolution {
  model: RidgeModel;
  /** residual[c][j] = (A·W_c − b_c·2^56)_j (scale 2^72). */
  residual: bigint[][];
}

/** A = G + λ·2^16·I (scale 2^32), full m × m. */
export function regularisedGram(stats: RidgeStatistics, lambda: bigint): bigint[][] {
  const shift = 1n << BigInt(FRACTION_BITS);
  return totalGram(stats).map((row, j) => row.map((v, k) => (j === k ? v + lambda * shift : v)));
}

/** The exact residual of weights (scale 2^40) against the statistics. */
export function residualOf(stats: RidgeStatistics, lambda: bigint, weights: readonly (readonly bigint[])[]): bigint[][] {
  const A = regularisedGram(stats, lambda);
  return weights.map((w, c) =>
    A.map((row, j) => row.reduce((acc, a, k) => acc + a * w[k]!, 0n) - (stats.blocks[c]!.moments[j]! << MOMENT_SHIFT)));
}

/** Cholesky factor L (lower, A = LLᵀ) of a symmetric positive-definite matrix. @throws RangeError if not positive definite */
export function cholesky(A: readonly (readonly number[])[]): number[][] {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let s = A[j]![j]!;
    for (let k = 0; k < j; k++) s -= L[j]![k]! ** 2;
    if (!(s > 0)) throw new RangeError("the regularised Gram matrix is not positive definite");
    L[j]![j] = Math.sqrt(s);
    for (let i = j + 1; i < n; i++) {
      let t = A[i]![j]!;
      for (let k = 0; k < j; k++) t -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = t / L[j]![j]!;
    }
  }
  return L;
}

/** Solves LLᵀx = b. */
export function choleskySolve(L: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = L.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
    y[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

const REFINEMENT_ROUNDS = 8;

/**
 * The fixed-point ridge model of the statistics and its residual (see the module comment).
 * A forgotten class gets zero weights (its statistics are zero, so its residual is zero too).
 * @throws RangeError if a weight leaves ±2^16 (raise λ) or the residual leaves its bound
 */
export function solveRidge(stats: RidgeStatistics, lambda: bigint, depth: number): RidgeSolution {
  const A = regularisedGram(stats, lambda);
  const L = cholesky(A.map((row) => row.map((v) => Number(v) / 2 ** (2 * FRACTION_BITS))));
  const weightScale = 2 ** WEIGHT_FRACTION_BITS;
  const toUnits = (x: number): bigint => BigInt(Math.round(x * weightScale));
  const weights = stats.blocks.map((b, c) =>
    stats.forgotten[c] ? b.moments.map(() => 0n) : choleskySolve(L, b.moments.map((v) => Number(v) / 2 ** FRACTION_BITS)).map(toUnits));
  let residual = residualOf(stats, lambda, weights);
  const residualScale = 2 ** (2 * FRACTION_BITS + WEIGHT_FRACTION_BITS);
  for (let round = 0; round < REFINEMENT_ROUNDS; round++) {
    let changed = false;
    weights.forEach((w, c) => {
      if (stats.forgotten[c]) return;
      const delta = choleskySolve(L, residual[c]!.map((r) => Number(r) / residualScale)).map(toUnits);
      delta.forEach((dv, j) => {
        if (dv !== 0n) {
          w[j]! -= dv;
          changed = true;
        }
      });
    });
    if (!changed) break;
    residual = residualOf(stats, lambda, weights);
  }
  weights.forEach((w, c) => w.forEach((v, j) => {
    if (v >= RIDGE_WEIGHT_LIMIT || v < -RIDGE_WEIGHT_LIMIT) {
      throw new RangeError(`weight ${j} of class ${c} is ${Number(v) / weightScale}, beyond the bound ±2^16: use a larger λ`);
    }
  }));
  const bound = 1n << BigInt(residualBoundBits(depth, stats.features));
  residual.forEach((r, c) => r.forEach((v, j) => {
    if (v >= bound || v < -bound) throw new RangeError(`residual (${j}, ${c}) = ${v} exceeds the proof's bound 2^${residualBoundBits(depth, stats.features)}`);
  }));
  return { model: { weights, live: stats.forgotten.map((f) => !f) }, residual };
}

/** residualHash = PoseidonSponge(packed residual, class by class), the value the Freivalds challenge binds. */
export function residualHash(residual: readonly (readonly bigint[])[], depth: number, features: number, hash: PoseidonFn): bigint {
  return packedHash(residual.flat(), residualBoundBits(depth, features), hash, "residual");
}
