/**
 * Weight vectors of the binary logistic-regression model and their hash.
 *
 * A model over F features has F + 1 fixed-point weights (scale 2^16): w[0..F−1] multiply the
 * features and w[F] is the bias, LAST. weightsHash = PoseidonSponge(w[0], …, w[F]) with each value
 * mapped to the field (negative v → p − |v|), the same sponge the circuit template
 * `PoseidonSponge(F + 1)` computes. Dependency-free (the Poseidon is passed in) so the verifier
 * can recompute it with its own Poseidon.
 */
import { spongeWith } from "../crypto/sponge.ts";
import { toFieldSigned } from "../encoding/fixedPoint.ts";
import { WEIGHT_LIMIT } from "./bounds.ts";

/** Poseidon over 1..16 field elements (circomlib parameters). */
export type PoseidonFn = (inputs: readonly bigint[]) => bigint;

/** F feature weights followed by the bias, signed fixed point (scale 2^16). */
export type Weights = readonly bigint[];

/**
 * Throws a RangeError naming the weight when one lies outside [−2^23, 2^23) (real [−128, 128)),
 * the range the circuit checks, or when the vector does not have `features + 1` entries.
 */
export function checkWeights(weights: Weights, features: number, what = "weight"): void {
  if (weights.length !== features + 1) {
    throw new RangeError(`${what} vector has ${weights.length} entries; ${features} features need ${features + 1} (bias last)`);
  }
  weights.forEach((w, j) => {
    if (typeof w !== "bigint" || w < -WEIGHT_LIMIT || w >= WEIGHT_LIMIT) {
      throw new RangeError(`${what} ${describeWeight(j, features)} = ${String(w)} is outside [−2^23, 2^23) (real [−128, 128))`);
    }
  });
}

/** "3" for a feature weight, "bias (8)" for the last entry. */
export function describeWeight(j: number, features: number): string {
  return j === features ? `bias (${j})` : String(j);
}

/** weightsHash = PoseidonSponge over the field-signed weights, bias last (see the module comment). */
export function weightsHash(weights: Weights, hash: PoseidonFn): bigint {
  if (weights.length === 0) throw new RangeError("weightsHash needs at least one weight");
  return spongeWith(hash, weights.map(toFieldSigned));
}
