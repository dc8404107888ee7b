/**
 * Value bounds of the SISA shard trainer: the single TypeScript definition of every range the
 * training circuit checks. `circuits/lib/training_params.circom` mirrors these constants (the
 * circuit cannot import TypeScript); test/trainer.test.ts checks that both agree.
 *
 * Every bound is a power of two, so a circuit checks it with one bit decomposition:
 *
 * | value                 | real range         | encoded (scale 2^16)      | circuit check       |
 * |-----------------------|--------------------|---------------------------|---------------------|
 * | feature x             | [−2, 2)            | [−2^17, 2^17)             | 18 bits of x + 2^17 |
 * | label y               | {0, 1}             | {0, 2^16}                 | y·(y − 2^16) = 0    |
 * | weight w (and bias)   | [−128, 128)        | [−2^23, 2^23)             | 24 bits, each epoch |
 * | learning rate η       | [0, 16)            | [0, 2^20)                 | 20 bits, once       |
 * | L2 coefficient λ      | [0, 1)             | [0, 2^16)                 | 16 bits, once       |
 *
 * Why these bounds: with features and weights bounded, every intermediate of an epoch is bounded
 * too (the logit |z| < 2^45 at scale 2^32 for 16 features, the update numerator < 2^66), far
 * below the field size, so nothing wraps modulo p and each range check has a unique witness.
 * The weight bound is the only one training itself can break; {@link maxWeightGrowth} in
 * config.ts turns it into a condition on the configuration, checked before training starts.
 */
import { FRACTION_BITS } from "../encoding/fixedPoint.ts";

/** Features lie in [−2^FEATURE_BOUND_BITS, 2^FEATURE_BOUND_BITS) = [−2, 2). */
export const FEATURE_BOUND_BITS = 1;

/** Weights (bias included) lie in [−2^WEIGHT_BOUND_BITS, 2^WEIGHT_BOUND_BITS) = [−128, 128). */
export const WEIGHT_BOUND_BITS = 7;

/** The learning rate lies in [0, 2^LEARNING_RATE_BOUND_BITS) = [0, 16). */
export const LEARNING_RATE_BOUND_BITS = 4;

/** The L2 coefficient lies in [0, 2^L2_BOUND_BITS) = [0, 1). */
export const L2_BOUND_BITS = 0;

/** Exclusive upper bound of an encoded feature; the inclusive lower bound is its negation. */
export const FEATURE_LIMIT = 1n << BigInt(FRACTION_BITS + FEATURE_BOUND_BITS);

/** Exclusive upper bound of an encoded weight; the inclusive lower bound is its negation. */
export const WEIGHT_LIMIT = 1n << BigInt(FRACTION_BITS + WEIGHT_BOUND_BITS);

/** Exclusive upper bound of the encoded learning rate (η · 2^16). */
export const LEARNING_RATE_LIMIT = 1n << BigInt(FRACTION_BITS + LEARNING_RATE_BOUND_BITS);

/** Exclusive upper bound of the encoded L2 coefficient (λ · 2^16). */
export const L2_LIMIT = 1n << BigInt(FRACTION_BITS + L2_BOUND_BITS);

/** The encoded label values: 0 and 1.0 (= 2^16). */
export const LABEL_ONE = 1n << BigInt(FRACTION_BITS);

/** ⌈log2(n)⌉ for a positive integer n. */
export function ceilLog2(n: number): number {
  let bits = 0;
  while (2 ** bits < n) bits++;
  return bits;
}

/**
 * Number of bits L such that every logit satisfies |z| < 2^L (z at scale 2^32), given the feature
 * and weight bounds: |z| ≤ F · 2^(16+7) · 2^(16+1) + 2^(16+7) · 2^16 < 2^(32+7+1) · (F + 1).
 * The circuit decomposes z + 2^L into L + 1 bits (46 for 16 features).
 */
export function logitBoundBits(features: number): number {
  return 2 * FRACTION_BITS + WEIGHT_BOUND_BITS + FEATURE_BOUND_BITS + ceilLog2(features + 1);
}
