/**
 * The float64 reference of the ridge classifier: the same model (one-hot targets, bias input,
 * W = (G + λI)⁻¹B with the bias regularised too) in floating point, without any rounding. It
 * measures the accuracy the fixed-point model gives up.
 */
import { cholesky, choleskySolve } from "./solve.ts";

/** A record in real units. */
export interface FloatRecord {
  features: readonly number[];
  cls: number;
}

/** weights[c][j] (j = d is the bias). */
export type FloatRidgeModel = number[][];

/** Trains the float64 ridge model on `records`. */
export function trainFloatRidge(records: readonly FloatRecord[], features: number, classes: number, lambda: number): FloatRidgeModel {
  const m = features + 1;
  const G = Array.from({ length: m }, (_, j) => Array.from({ length: m }, (_, k) => (j === k ? lambda : 0)));
  const B = Array.from({ length: classes }, () => new Array<number>(m).fill(0));
  for (const r of records) {
    const x = [...r.features, 1];
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < m; k++) G[j]![k]! += x[j]! * x[k]!;
      B[r.cls]![j]! += x[j]!;
    }
  }
  const L = cholesky(G);
  return B.map((b) => choleskySolve(L, b));
}

/** argmax_c x̃ᵀW_c (lowest class on a tie). */
export function predictFloat(model: FloatRidgeModel, features: readonly number[]): number {
  const x = [...features, 1];
  let best = 0;
  let bestScore = -Infinity;
  model.forEach((w, c) => {
    const s = w.reduce((acc, wj, j) => acc + wj * x[j]!, 0);
    if (s > bestScore) {
      best = c;
      bestScore = s;
    }
  });
  return best;
}
