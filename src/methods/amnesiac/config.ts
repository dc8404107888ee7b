/**
 * Configuration of amnesiac training (mini-batch SGD with an update log) and its commitment.
 *
 * One model (not one per shard) over the whole dataset tree of 2^D slots. Training runs E epochs
 * of 2^(D−b) mini-batch steps each, batch size 2^b slots (schedule.ts says which slots). A step
 * is the shard trainer's gradient step (src/ml/trainer.ts: gradientStep) over the batch's 2^b
 * slots, i.e. exactly one epoch of the SISA trainer on a "shard" of capacity 2^b. So every bound
 * of the shard trainer applies per step, and {@link validateAmnesiacConfig} reuses its checks
 * (validateTrainingConfig) with the total number of steps in place of the epochs: no weight, and
 * no sum of a subset of the logged updates added to the initial weights, can leave [−128, 128).
 *
 * configHash = PoseidonSponge([
 *   AMNESIAC_ALGORITHM_ID, FRACTION_BITS, FEATURE_BOUND_BITS, WEIGHT_BOUND_BITS,
 *   features, epochs, learningRate, l2, weightsHash(initialWeights),
 *   dataDepth, batchLog2, testRoot, scalingHash(featureScaling),
 * ])   (13 values, one Poseidon(13); circuits/lib/amnesiac.circom: AmnesiacConfigHash)
 *
 * Dependency-free (the Poseidon is passed in), so a verifier can recompute it.
 */
import { textAsField } from "../../field.ts";
import { spongeWith } from "../../crypto/sponge.ts";
import { ceilLog2 } from "../../ml/bounds.ts";
import { hyperparameterHashInputs, makeTrainingConfig, validateTrainingConfig, type TrainingConfig, type TrainingHyperparameters } from "../../ml/config.ts";
import { scalingHash } from "../../ml/featureScaling.ts";
import type { PoseidonFn } from "../../ml/weights.ts";

/** Human name of the amnesiac training algorithm; its bytes are {@link AMNESIAC_ALGORITHM_ID}. */
export const AMNESIAC_ALGORITHM_NAME = "zkforget/logreg-hsig-sgd-log/v1";

/** AMNESIAC_ALGORITHM_NAME's UTF-8 bytes read big-endian (31 bytes fit a field element). */
export const AMNESIAC_ALGORITHM_ID = textAsField(AMNESIAC_ALGORITHM_NAME);

/** The template parameters that shape training: dataset depth, batch size, features, epochs. */
export interface AmnesiacShape {
  /** D: depth of the dataset tree (2^D slots). */
  dataDepth: number;
  /** b: log2 of the batch size (2^b slots per step), 1 ≤ b < D. */
  batchLog2: number;
  /** F: features per record. */
  features: number;
  /** E: epochs (passes over all 2^(D−b) batches). */
  epochs: number;
}

/**
 * Everything that defines amnesiac training: the shape and the SISA trainer's hyperparameter
 * fields (η applies to the batch's gradient sum divided by 2^b; the initial weights are public:
 * the genesis state commits them unsalted).
 */
export type AmnesiacConfig = AmnesiacShape &
  Pick<TrainingConfig, "learningRate" | "l2" | "initialWeights" | "testRoot" | "initSeed" | "featureScaling">;

/** Batches per epoch, 2^(D−b). */
export function batchesPerEpoch(shape: AmnesiacShape): number {
  return 2 ** (shape.dataDepth - shape.batchLog2);
}

/** Steps of a complete training, E · 2^(D−b). */
export function totalSteps(shape: AmnesiacShape): number {
  return shape.epochs * batchesPerEpoch(shape);
}

/** Depth of the update-log tree: (D − b) + ⌈log2 E⌉ bits address every step. */
export function logDepth(shape: AmnesiacShape): number {
  return shape.dataDepth - shape.batchLog2 + ceilLog2(shape.epochs);
}

/**
 * The shard-trainer config one amnesiac step is an epoch of: a "shard" of 2^b slots
 * (shardDepth = D − b) and epochs = the total number of steps, so validateTrainingConfig's
 * weight-growth bound covers the whole training. Used for validation and for the step's
 * hyperparameters only.
 */
export function stepTrainingConfig(config: AmnesiacConfig): TrainingConfig {
  return {
    dataDepth: config.dataDepth,
    shardDepth: config.dataDepth - config.batchLog2,
    features: config.features,
    epochs: totalSteps(config),
    maxDeletions: 1,
    learningRate: config.learningRate,
    l2: config.l2,
    initialWeights: config.initialWeights,
    testRoot: config.testRoot,
    ...(config.initSeed === undefined ? {} : { initSeed: config.initSeed }),
    ...(config.featureScaling === undefined ? {} : { featureScaling: config.featureScaling }),
  };
}

/**
 * Checks the shape (1 ≤ b < D ≤ 20, 1 ≤ F ≤ 64, 1 ≤ E ≤ 64, at most 1,000 steps) and the
 * hyperparameters with the shard trainer's rules over all steps (see the module comment).
 * @throws RangeError naming the offending value
 */
export function validateAmnesiacConfig(config: AmnesiacConfig): void {
  checkAmnesiacShape(config);
  validateTrainingConfig(stepTrainingConfig(config));
}

/** @throws RangeError naming the parameter when the shape is out of range */
export function checkAmnesiacShape(shape: AmnesiacShape): void {
  const int = (name: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name} must be an integer from ${lo} to ${hi}, got ${v}`);
  };
  int("dataDepth", shape.dataDepth, 2, 20);
  int("batchLog2", shape.batchLog2, 1, shape.dataDepth - 1);
  int("features", shape.features, 1, 64);
  int("epochs", shape.epochs, 1, 64);
  if (totalSteps(shape) > 1000) throw new RangeError(`${totalSteps(shape)} training steps (epochs × 2^(D−b)) exceed the limit of 1,000`);
}

/** Builds and validates a config from real-valued hyperparameters (as the SISA trainer takes them). */
export function makeAmnesiacConfig(shape: AmnesiacShape, hyper: TrainingHyperparameters, testRoot = 0n): AmnesiacConfig {
  checkAmnesiacShape(shape);
  const base = makeTrainingConfig(
    { dataDepth: shape.dataDepth, shardDepth: shape.dataDepth - shape.batchLog2, features: shape.features, epochs: 1, maxDeletions: 1 },
    hyper,
    testRoot,
  );
  const config: AmnesiacConfig = {
    ...shape,
    learningRate: base.learningRate,
    l2: base.l2,
    initialWeights: base.initialWeights,
    testRoot,
    ...(base.initSeed === undefined ? {} : { initSeed: base.initSeed }),
  };
  validateAmnesiacConfig(config);
  return config;
}

/** The 13 values configHash is taken over, in order (module comment). */
export function amnesiacConfigHashInputs(config: AmnesiacConfig, hash: PoseidonFn): bigint[] {
  validateAmnesiacConfig(config);
  return [
    AMNESIAC_ALGORITHM_ID,
    ...hyperparameterHashInputs(config, hash),
    BigInt(config.dataDepth),
    BigInt(config.batchLog2),
    config.testRoot,
    scalingHash(config.featureScaling, hash),
  ];
}

/** configHash of a (validated) amnesiac config. */
export function amnesiacConfigHash(config: AmnesiacConfig, hash: PoseidonFn): bigint {
  return spongeWith(hash, amnesiacConfigHashInputs(config, hash));
}
