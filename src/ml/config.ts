/**
 * Training configuration of the SISA shard trainer and its commitment, `configHash`: the ONE
 * definition shared by the trainer, the statement oracle and (later) the verifier. Nothing here
 * depends on circomlibjs: the Poseidon is passed in, as in src/crypto/sponge.ts.
 *
 * configHash = PoseidonSponge([
 *   ALGORITHM_ID, FRACTION_BITS, FEATURE_BOUND_BITS, WEIGHT_BOUND_BITS,
 *   features, epochs, learningRate, l2, weightsHash(initialWeights),
 *   dataDepth, shardDepth, maxDeletions, testRoot, scalingHash(featureScaling),
 * ])
 * (14 values, so a single Poseidon(14)); scalingHash is src/ml/featureScaling.ts (0 without
 * scaling); learningRate and l2 are their fixed-point encodings
 * (scale 2^16, non-negative), weightsHash is src/ml/weights.ts. The circuit `ShardRetrain`
 * recomputes exactly this list from its template parameters, its constants and the private
 * config inputs, so a proof pins every value that defines training.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { FRACTION_BITS, SCALE, encodeFixed } from "../encoding/fixedPoint.ts";
import { spongeWith } from "../crypto/sponge.ts";
import { SNARK_FIELD, textAsField } from "../field.ts";
import {
  FEATURE_BOUND_BITS, FEATURE_LIMIT, L2_LIMIT, LEARNING_RATE_LIMIT, WEIGHT_BOUND_BITS, WEIGHT_LIMIT,
} from "./bounds.ts";
import { checkScaling, scalingHash, type FeatureScaling } from "./featureScaling.ts";
import { checkWeights, weightsHash, type PoseidonFn, type Weights } from "./weights.ts";

/** Human name of the training algorithm; its bytes are {@link ALGORITHM_ID}. Bump `v1` on any change. */
export const ALGORITHM_NAME = "zkforget/logreg-hsig-gd/v1";

/** ALGORITHM_NAME as a field element: its UTF-8 bytes read big-endian (26 bytes < 31). */
export const ALGORITHM_ID = textAsField(ALGORITHM_NAME);

/** Template name of the shard (re)training statement. */
export const SHARD_RETRAIN_TEMPLATE = "ShardRetrain";

/**
 * Parameters of a `ShardRetrain(shardDepth, dataDepth, features, epochs, K)` profile, in
 * template order. The dataset tree has 2^dataDepth slots in 2^shardDepth shards; shard k is the
 * subtree of depth dataDepth − shardDepth at position k (the top shardDepth bits of a slot index).
 */
export interface ShardProfileParams {
  /** S: bits of the shard index, the model tree's depth (2^S shards). At least 1. */
  shardDepth: number;
  /** D: depth of the dataset tree (2^D slots). */
  dataDepth: number;
  /** F: features per record. */
  features: number;
  /** E: full-batch epochs. */
  epochs: number;
  /** K: most deletions one proof carries. */
  maxDeletions: number;
}

/** Everything that defines training of one shard: the profile and the hyperparameters. */
export interface TrainingConfig extends ShardProfileParams {
  /** η in fixed point (scale 2^16), 0 ≤ η < 16. */
  learningRate: bigint;
  /** L2 coefficient λ in fixed point (scale 2^16), 0 ≤ λ < 1. The bias is not regularised. */
  l2: bigint;
  /** Starting weights, F + 1 fixed-point values (bias last); see {@link initialWeightsFromSeed}. */
  initialWeights: Weights;
  /**
   * Merkle root of the held-out test set, committed (like the dataset) before any training or
   * deletion; 0 when none is committed. Pinned here so that a later accuracy proof cannot be
   * made on a friendlier test set.
   */
  testRoot: bigint;
  /**
   * The public seed `initialWeights` were derived from (initialWeightsFromSeed), when they were.
   * Not hashed itself (the weights are); published so a verifier can check that the initial
   * weights are data-independent (see publicConfig.ts).
   */
  initSeed?: string;
  /**
   * The feature scaling applied to the records at commit (`--scale`), public and pinned through
   * scalingHash; absent when the records were committed as given.
   */
  featureScaling?: FeatureScaling;
}

/** Hyperparameters as real numbers, for {@link makeTrainingConfig}. */
export interface TrainingHyperparameters {
  /** Learning rate η (applied to the gradient sum divided by the shard capacity), 0 ≤ η < 16. */
  learningRate: number;
  /** L2 coefficient λ, 0 ≤ λ < 1. Default 0. */
  l2?: number;
  /** Starting weights: all zero (default) or derived from a public seed. */
  initialWeights?: "zeros" | { seed: string };
}

/** Slots per shard: 2^(dataDepth − shardDepth). */
export function shardCapacity(params: ShardProfileParams): number {
  return 2 ** (params.dataDepth - params.shardDepth);
}

/**
 * Reads the parameters of a ShardRetrain profile (`params` in template order) and checks them.
 * @throws RangeError naming the parameter
 */
export function shardProfileParams(params: readonly number[]): ShardProfileParams {
  if (params.length !== 5) throw new RangeError(`ShardRetrain takes 5 parameters (shardDepth, dataDepth, features, epochs, K), got ${params.length}`);
  const [shardDepth, dataDepth, features, epochs, maxDeletions] = params as [number, number, number, number, number];
  const p: ShardProfileParams = { shardDepth, dataDepth, features, epochs, maxDeletions };
  checkProfileParams(p);
  return p;
}

function checkProfileParams(p: ShardProfileParams): void {
  const int = (name: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name} must be an integer from ${lo} to ${hi}, got ${v}`);
  };
  int("shardDepth", p.shardDepth, 1, 16);
  int("dataDepth", p.dataDepth, p.shardDepth + 1, 32);
  int("features", p.features, 1, 64);
  int("epochs", p.epochs, 1, 1000);
  int("maxDeletions", p.maxDeletions, 1, 64);
}

/**
 * Builds and validates a config from real-valued hyperparameters (encoded with encodeFixed).
 * @throws RangeError when a value is out of range or the weights could leave their bound
 */
export function makeTrainingConfig(params: ShardProfileParams, hyper: TrainingHyperparameters, testRoot = 0n): TrainingConfig {
  const init = hyper.initialWeights ?? "zeros";
  const config: TrainingConfig = {
    ...params,
    learningRate: encodeFixed(hyper.learningRate),
    l2: encodeFixed(hyper.l2 ?? 0),
    initialWeights: init === "zeros" ? new Array<bigint>(params.features + 1).fill(0n) : initialWeightsFromSeed(init.seed, params.features),
    testRoot,
    ...(init === "zeros" ? {} : { initSeed: init.seed }),
  };
  validateTrainingConfig(config);
  return config;
}

/**
 * Initial weights derived from a public seed: weight j is uniform in [−2^12, 2^12) (real
 * [−1/16, 1/16)), taken from the first 4 bytes of sha256("zkforget/init-weights/v1:F:j:seed").
 * Anyone holding the seed recomputes them (and their hash in configHash).
 */
export function initialWeightsFromSeed(seed: string, features: number): bigint[] {
  return Array.from({ length: features + 1 }, (_, j) => {
    const digest = sha256(utf8ToBytes(`zkforget/init-weights/v1:${features}:${j}:${seed}`));
    const u32 = BigInt(((digest[0]! << 24) >>> 0) + (digest[1]! << 16) + (digest[2]! << 8) + digest[3]!);
    return (u32 % (1n << 13n)) - (1n << 12n);
  });
}

/**
 * Largest |weight| (encoded) training can reach under `config`, whatever the records: each epoch
 * moves a weight by at most η·(2 + λ·128) (|error| ≤ 1, |feature| < 2, the gradient sum is divided
 * by the shard capacity, |weight| < 128 for the L2 term) plus half a unit of rounding, so after E
 * epochs |w| ≤ max|w0| + E·(⌈η·(2^17 + λ·2^23) / 2^16⌉ + 1) in units of 2^−16.
 */
export function maxWeightGrowth(config: TrainingConfig): bigint {
  const perEpoch = ceilDiv(config.learningRate * (FEATURE_LIMIT * SCALE + config.l2 * WEIGHT_LIMIT), SCALE * SCALE) + 1n;
  const start = config.initialWeights.reduce((m, w) => (w < 0n ? (-w > m ? -w : m) : w > m ? w : m), 0n);
  return start + BigInt(config.epochs) * perEpoch;
}

/**
 * Checks a config: profile parameters, 0 ≤ η < 16, 0 ≤ λ < 1, F + 1 initial weights in range,
 * and that no weight can leave [−128, 128) during training ({@link maxWeightGrowth}) — which,
 * with the input bounds of src/ml/trainingInput.ts, guarantees that every intermediate of the
 * training fits the circuit's range checks.
 * @throws RangeError naming the offending value
 */
export function validateTrainingConfig(config: TrainingConfig): void {
  checkProfileParams(config);
  if (typeof config.learningRate !== "bigint" || config.learningRate < 0n || config.learningRate >= LEARNING_RATE_LIMIT) {
    throw new RangeError(`learning rate ${String(config.learningRate)} (encoded) is outside [0, 2^20), i.e. real [0, 16)`);
  }
  if (typeof config.l2 !== "bigint" || config.l2 < 0n || config.l2 >= L2_LIMIT) {
    throw new RangeError(`L2 coefficient ${String(config.l2)} (encoded) is outside [0, 2^16), i.e. real [0, 1)`);
  }
  checkWeights(config.initialWeights, config.features, "initial weight");
  if (typeof config.testRoot !== "bigint" || config.testRoot < 0n || config.testRoot >= SNARK_FIELD) {
    throw new RangeError(`test-set root ${String(config.testRoot)} is not a field element`);
  }
  if (config.featureScaling !== undefined) checkScaling(config.featureScaling, config.features);
  const reach = maxWeightGrowth(config);
  if (reach >= WEIGHT_LIMIT) {
    throw new RangeError(
      `weights could reach ±${Number(reach) / Number(SCALE)} after ${config.epochs} epochs, beyond the bound 128 the circuit checks; ` +
        "lower the learning rate, the L2 coefficient or the epochs (each epoch can move a weight by η·(2 + 128·λ))",
    );
  }
}

/** The values configHash is taken over, in order (see the module comment). */
export function configHashInputs(config: TrainingConfig, hash: PoseidonFn): bigint[] {
  validateTrainingConfig(config);
  return [
    ALGORITHM_ID,
    ...hyperparameterHashInputs(config, hash),
    BigInt(config.dataDepth),
    BigInt(config.shardDepth),
    BigInt(config.maxDeletions),
    config.testRoot,
    scalingHash(config.featureScaling, hash),
  ];
}

/**
 * The values after the algorithm id that every trainer's config hash starts with: the
 * fixed-point format and bounds, features, epochs, η, λ and weightsHash(initialWeights). Shared
 * by this config hash and the amnesiac one (src/methods/amnesiac/config.ts).
 */
export function hyperparameterHashInputs(
  config: Pick<TrainingConfig, "features" | "epochs" | "learningRate" | "l2" | "initialWeights">, hash: PoseidonFn,
): bigint[] {
  return [
    BigInt(FRACTION_BITS),
    BigInt(FEATURE_BOUND_BITS),
    BigInt(WEIGHT_BOUND_BITS),
    BigInt(config.features),
    BigInt(config.epochs),
    config.learningRate,
    config.l2,
    weightsHash(config.initialWeights, hash),
  ];
}

/** configHash of a (validated) config; `hash` is Poseidon over 1..16 inputs. */
export function configHash(config: TrainingConfig, hash: PoseidonFn): bigint {
  return spongeWith(hash, configHashInputs(config, hash));
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
