/**
 * The committed ridge model: one weight vector per class (d feature weights and a bias, scale
 * 2^40) and the classes it may predict, and its salted commitment.
 *
 * modelCommitment = PoseidonSponge([salt, live_0 … live_{C−1}, packed weights]), where live_c =
 * 1 − forgotten_c and the weights, class by class (W_c[0..d]), are packed as 57-bit signed values,
 * four to a field element (packing.ts).
 *
 * Prediction: argmax over the LIVE classes c of x̃ᵀW_c (exact integers; a tie goes to the lowest
 * class), so a forgotten class is never predicted.
 */
import { spongeWith } from "../../crypto/sponge.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import { BIAS_INPUT, RIDGE_WEIGHT_BOUND_BITS, WEIGHT_FRACTION_BITS } from "./bounds.ts";
import { packSigned } from "./packing.ts";

/** Bits of a signed weight: |w| < 2^56. */
export const WEIGHT_BITS = WEIGHT_FRACTION_BITS + RIDGE_WEIGHT_BOUND_BITS;

/** A ridge model in fixed point. */
export interface RidgeModel {
  /** weights[c][j]: class c, feature j (j = d is the bias), scale 2^40. */
  weights: bigint[][];
  /** live[c]: class c may be predicted (false once forgotten). */
  live: boolean[];
}

/** The values modelCommitment hashes after the salt. */
export function modelValues(model: RidgeModel): bigint[] {
  return [...model.live.map((l) => (l ? 1n : 0n)), ...packSigned(model.weights.flat(), WEIGHT_BITS, "weight")];
}

/** modelCommitment (see the module comment). */
export function modelCommitment(model: RidgeModel, salt: bigint, hash: PoseidonFn): bigint {
  return spongeWith(hash, [salt, ...modelValues(model)]);
}

/** Scores x̃ᵀW_c of every class for encoded features (scale 2^56). */
export function scores(model: RidgeModel, features: readonly bigint[]): bigint[] {
  const x = [...features, BIAS_INPUT];
  return model.weights.map((w) => w.reduce((acc, wj, j) => acc + wj * x[j]!, 0n));
}

/** The predicted class: argmax over live classes, lowest class on a tie. @throws RangeError when no class is live */
export function predict(model: RidgeModel, features: readonly bigint[]): number {
  const s = scores(model, features);
  let best = -1;
  s.forEach((v, c) => {
    if (model.live[c] && (best < 0 || v > s[best]!)) best = c;
  });
  if (best < 0) throw new RangeError("the model has no live class to predict");
  return best;
}
