/**
 * The training config in public, readable form, and the verifier's policy on it.
 *
 * Why public: every value that shapes training (learning rate, L2, initial weights, the test
 * set) enters `configHash` as a private circuit input. A verifier that only compares hashes
 * cannot tell an honest config from one whose "initial weights" were pre-trained on the records
 * it is later asked to forget, with a learning rate of 0 so that no retraining ever moves them.
 * So every SISA bundle carries its config in the clear; the verifier recomputes `configHash`
 * from it with its own Poseidon and checks it against a {@link TrainingPolicy}. Hyperparameters
 * are not secrets, and publishing them also ends a leak: the unsalted config hash let anyone
 * recover η and λ by grid search.
 *
 * Browser-safe: no node:*, the Poseidon is passed in.
 */
import { decodeFixed } from "../encoding/fixedPoint.ts";
import { SNARK_FIELD } from "../field.ts";
import { ALGORITHM_NAME, configHash, initialWeightsFromSeed, validateTrainingConfig, type TrainingConfig } from "./config.ts";
import type { PoseidonFn } from "./weights.ts";
import { SCALING_METHODS, type FeatureScaling, type ScalingMethod } from "./featureScaling.ts";

/**
 * A {@link TrainingConfig} as JSON: integers as decimal strings (fixed point, scale 2^16, for η,
 * λ and the weights), the test root as 0x-hex, and the public seed the initial weights were
 * derived from, when they were.
 */
export interface PublicTrainingConfig {
  /** Training algorithm name; must be this verifier's ALGORITHM_NAME. */
  algorithm: string;
  shardDepth: number;
  dataDepth: number;
  features: number;
  epochs: number;
  maxDeletions: number;
  /** η · 2^16, decimal. */
  learningRate: string;
  /** λ · 2^16, decimal. */
  l2: string;
  /** F + 1 signed fixed-point initial weights (bias last), decimal. */
  initialWeights: string[];
  /** The public seed the initial weights derive from (see initialWeightsFromSeed); absent for zeros or explicit weights. */
  initSeed?: string;
  /** 0x-hex root of the committed held-out test set; 0 when none. */
  testRoot: string;
  /**
   * The feature scaling fitted at commit (`--scale`), fixed point, decimal; absent when the
   * records were committed as given. Fitted on the training data, so public; it is part of the
   * config (fixed at commit, not re-fitted when records are deleted).
   */
  featureScaling?: { method: string; offsets: string[]; scales: string[] };
}

/** The readable form of a config. */
export function publicTrainingConfig(config: TrainingConfig): PublicTrainingConfig {
  return {
    algorithm: ALGORITHM_NAME,
    shardDepth: config.shardDepth,
    dataDepth: config.dataDepth,
    features: config.features,
    epochs: config.epochs,
    maxDeletions: config.maxDeletions,
    learningRate: config.learningRate.toString(),
    l2: config.l2.toString(),
    initialWeights: config.initialWeights.map(String),
    ...(config.initSeed !== undefined ? { initSeed: config.initSeed } : {}),
    testRoot: `0x${config.testRoot.toString(16).padStart(64, "0")}`,
    ...(config.featureScaling
      ? { featureScaling: { method: config.featureScaling.method, offsets: config.featureScaling.offsets.map(String), scales: config.featureScaling.scales.map(String) } }
      : {}),
  };
}

const SIGNED_DECIMAL = /^-?(0|[1-9][0-9]{0,30})$/;
const HEX32 = /^0x[0-9a-f]{64}$/;

/**
 * Parses untrusted JSON into a validated config. Returns the config, or the problems (each
 * naming the field under `where`). Never throws.
 */
export function parsePublicTrainingConfig(input: unknown, where = "config"): { config: TrainingConfig } | { problems: string[] } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { problems: [`${where} must be an object`] };
  const o = input as Record<string, unknown>;
  const problems: string[] = [];
  if (o.algorithm !== ALGORITHM_NAME) problems.push(`${where}.algorithm is ${JSON.stringify(o.algorithm)}, this verifier knows "${ALGORITHM_NAME}"`);
  const int = (name: string): number => {
    const v = o[name];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) problems.push(`${where}.${name} must be a non-negative integer`);
    return v as number;
  };
  const big = (value: unknown, name: string): bigint => {
    if (typeof value !== "string" || !SIGNED_DECIMAL.test(value)) {
      problems.push(`${where}.${name} must be a decimal integer string`);
      return 0n;
    }
    return BigInt(value);
  };
  const shardDepth = int("shardDepth"), dataDepth = int("dataDepth"), features = int("features"), epochs = int("epochs"), maxDeletions = int("maxDeletions");
  const learningRate = big(o.learningRate, "learningRate");
  const l2 = big(o.l2, "l2");
  const initialWeights = Array.isArray(o.initialWeights)
    ? o.initialWeights.map((w, j) => big(w, `initialWeights[${j}]`))
    : (problems.push(`${where}.initialWeights must be a list of decimal integer strings`), []);
  if (o.initSeed !== undefined && typeof o.initSeed !== "string") problems.push(`${where}.initSeed must be a string`);
  let testRoot = 0n;
  if (typeof o.testRoot !== "string" || !HEX32.test(o.testRoot) || BigInt(o.testRoot) >= SNARK_FIELD) {
    problems.push(`${where}.testRoot must be a 0x-prefixed 64-digit lowercase hex field element`);
  } else {
    testRoot = BigInt(o.testRoot);
  }
  let featureScaling: FeatureScaling | undefined;
  if (o.featureScaling !== undefined) {
    const f = o.featureScaling as Record<string, unknown> | null;
    if (typeof f !== "object" || f === null || !SCALING_METHODS.includes(f.method as ScalingMethod) || !Array.isArray(f.offsets) || !Array.isArray(f.scales)) {
      problems.push(`${where}.featureScaling must be {method: ${SCALING_METHODS.join(" | ")}, offsets: [decimal…], scales: [decimal…]}`);
    } else {
      featureScaling = {
        method: f.method as ScalingMethod,
        offsets: (f.offsets as unknown[]).map((x, j) => big(x, `featureScaling.offsets[${j}]`)),
        scales: (f.scales as unknown[]).map((x, j) => big(x, `featureScaling.scales[${j}]`)),
      };
    }
  }
  if (problems.length > 0) return { problems };
  const config: TrainingConfig = {
    shardDepth, dataDepth, features, epochs, maxDeletions, learningRate, l2, initialWeights, testRoot,
    ...(typeof o.initSeed === "string" ? { initSeed: o.initSeed } : {}),
    ...(featureScaling ? { featureScaling } : {}),
  };
  try {
    validateTrainingConfig(config);
  } catch (error) {
    return { problems: [`${where} is not a valid training config: ${(error as Error).message}`] };
  }
  return { config };
}

/**
 * What a verifier accepts as a training config. The point is that nothing private can carry a
 * deleted record's influence into a "retrained" model: the initial weights must not depend on
 * the data, and training must actually move the weights.
 */
export interface TrainingPolicy {
  /**
   * Which initial weights are data-independent: "zeros" only, or also weights derived from a
   * public seed (`initSeed`). A seed is a public value, but the controller picks it: by trying
   * 2^k seeds it chooses k bits of weights that all lie in [−1/16, 1/16). Verifiers who fix the
   * seed themselves, or want no such freedom, use "zeros".
   */
  initialWeights: "zeros" | "zeros-or-seed";
  /** Smallest learning rate accepted (real value). */
  minLearningRate: number;
  /** Largest L2 coefficient accepted (real value). */
  maxL2: number;
  /** Smallest number of epochs accepted. */
  minEpochs: number;
}

/**
 * The default policy: zeros or seeded initial weights, η ≥ 1/16, λ ≤ 1/4, at least 1 epoch.
 * η = 1/16 is the smallest rate at which one epoch of the trainer moves a weight by more than
 * rounding for a typical gradient; λ above 1/4 shrinks every shard towards zero whatever the data.
 */
export const DEFAULT_TRAINING_POLICY: Readonly<TrainingPolicy> = Object.freeze({
  initialWeights: "zeros-or-seed",
  minLearningRate: 1 / 16,
  maxL2: 1 / 4,
  minEpochs: 1,
});

/** The problems of `config` under `policy` (empty when it is accepted). */
export function trainingPolicyProblems(config: TrainingConfig, policy: TrainingPolicy = DEFAULT_TRAINING_POLICY): string[] {
  const problems: string[] = [];
  const zeros = config.initialWeights.every((w) => w === 0n);
  if (!zeros) {
    if (config.initSeed === undefined) {
      problems.push("policy: the initial weights are explicit values, neither zeros nor derived from a public seed, so they may carry what was learned from the data (for example from a record later forgotten)");
    } else if (policy.initialWeights === "zeros") {
      problems.push(`policy: the initial weights derive from seed ${JSON.stringify(config.initSeed)}, but this verifier accepts only zero initial weights`);
    } else {
      const expected = initialWeightsFromSeed(config.initSeed, config.features);
      if (expected.some((w, j) => w !== config.initialWeights[j])) {
        problems.push(`policy: the initial weights are not the ones derived from the public seed ${JSON.stringify(config.initSeed)}`);
      }
    }
  }
  const eta = decodeFixed(config.learningRate);
  if (eta < policy.minLearningRate) {
    problems.push(`policy: learning rate ${eta} is below the floor ${policy.minLearningRate}: training would barely move the weights from their initial values`);
  }
  const lambda = decodeFixed(config.l2);
  if (lambda > policy.maxL2) problems.push(`policy: L2 coefficient ${lambda} is above the ceiling ${policy.maxL2}`);
  if (config.epochs < policy.minEpochs) problems.push(`policy: ${config.epochs} epochs is below the minimum ${policy.minEpochs}`);
  return problems;
}

/**
 * Checks a readable config against a claimed config hash: parses it, recomputes the hash with
 * the caller's Poseidon and applies the policy. Returns the problems (empty when all agree).
 */
export function publicConfigProblems(
  input: unknown,
  claimedHash: bigint | undefined,
  hash: PoseidonFn,
  policy: TrainingPolicy = DEFAULT_TRAINING_POLICY,
  where = "config",
): { config?: TrainingConfig; problems: string[] } {
  const parsed = parsePublicTrainingConfig(input, where);
  if ("problems" in parsed) return { problems: parsed.problems };
  const problems: string[] = [];
  if (claimedHash !== undefined && configHash(parsed.config, hash) !== claimedHash) {
    problems.push(`${where} does not hash to the configHash of the statement: the published config is not the one the proof used`);
  }
  problems.push(...trainingPolicyProblems(parsed.config, policy));
  return { config: parsed.config, problems };
}
