/**
 * Configuration of the ridge method and its commitment, configHash: the ONE definition shared by
 * the oracle, the witness builders and (later) the verifier. Poseidon is passed in, as in
 * src/ml/config.ts, so nothing here depends on circomlibjs.
 *
 * configHash = PoseidonSponge([
 *   RIDGE_METHOD_ID, FRACTION_BITS, RIDGE_FEATURE_BOUND_BITS, WEIGHT_FRACTION_BITS,
 *   RIDGE_WEIGHT_BOUND_BITS, residualBoundBits(D, d), D, d, C, λ, testRoot,
 * ])
 * Every ridge statement recomputes this list from its template parameters, its constants and the
 * private inputs λ and testRoot, so a proof pins every value that defines the model. Statement
 * parameters that do not change the model (K, the batch depth) are not part of it.
 */
import { spongeWith } from "../../crypto/sponge.ts";
import { encodeFixed } from "../../encoding/fixedPoint.ts";
import { SNARK_FIELD, textAsField } from "../../field.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import {
  FRACTION_BITS, LAMBDA_LIMIT, RIDGE_FEATURE_BOUND_BITS, RIDGE_WEIGHT_BOUND_BITS, WEIGHT_FRACTION_BITS, residualBoundBits,
} from "./bounds.ts";

/** Human name of the method; its bytes are {@link RIDGE_METHOD_ID}. Bump `v1` on any change. */
export const RIDGE_METHOD_NAME = "zkforget/ridge-stats/v1";

/** RIDGE_METHOD_NAME as a field element: its UTF-8 bytes read big-endian (23 bytes < 31). */
export const RIDGE_METHOD_ID = textAsField(RIDGE_METHOD_NAME);

/** What defines a ridge model: the data tree, the shape and λ. */
export interface RidgeConfig {
  /** D: depth of the data tree (2^D slots). */
  depth: number;
  /** d: features per record (the model adds a bias input). */
  features: number;
  /** C: classes; labels are 0 … C − 1. */
  classes: number;
  /** λ in fixed point (scale 2^16), 1 ≤ λ < 2^24. */
  lambda: bigint;
  /** Merkle root of the committed test set, 0 when none is committed. */
  testRoot: bigint;
}

/**
 * Builds and validates a config from a real λ.
 * @throws RangeError naming the offending value
 */
export function makeRidgeConfig(shape: Omit<RidgeConfig, "lambda" | "testRoot">, lambda: number, testRoot = 0n): RidgeConfig {
  const config: RidgeConfig = { ...shape, lambda: encodeFixed(lambda), testRoot };
  validateRidgeConfig(config);
  return config;
}

/**
 * Checks a config: 1 ≤ D ≤ 32, 1 ≤ d ≤ 64, 2 ≤ C ≤ 64, λ encoded in [1, 2^24), testRoot a field element.
 * @throws RangeError naming the offending value
 */
export function validateRidgeConfig(config: RidgeConfig): void {
  const int = (name: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`ridge ${name} must be an integer from ${lo} to ${hi}, got ${v}`);
  };
  int("depth", config.depth, 1, 32);
  int("features", config.features, 1, 64);
  int("classes", config.classes, 2, 64);
  if (typeof config.lambda !== "bigint" || config.lambda < 1n || config.lambda >= LAMBDA_LIMIT) {
    throw new RangeError(`ridge λ ${String(config.lambda)} (encoded) is outside [1, 2^24), i.e. real [2^-16, 256)`);
  }
  if (typeof config.testRoot !== "bigint" || config.testRoot < 0n || config.testRoot >= SNARK_FIELD) {
    throw new RangeError(`test-set root ${String(config.testRoot)} is not a field element`);
  }
}

/** The values configHash is taken over, in order (see the module comment). */
export function ridgeConfigHashInputs(config: RidgeConfig): bigint[] {
  validateRidgeConfig(config);
  return [
    RIDGE_METHOD_ID,
    BigInt(FRACTION_BITS),
    BigInt(RIDGE_FEATURE_BOUND_BITS),
    BigInt(WEIGHT_FRACTION_BITS),
    BigInt(RIDGE_WEIGHT_BOUND_BITS),
    BigInt(residualBoundBits(config.depth, config.features)),
    BigInt(config.depth),
    BigInt(config.features),
    BigInt(config.classes),
    config.lambda,
    config.testRoot,
  ];
}

/** configHash of a config; `hash` is Poseidon over 1..16 inputs. */
export function ridgeConfigHash(config: RidgeConfig, hash: PoseidonFn): bigint {
  return spongeWith(hash, ridgeConfigHashInputs(config));
}
