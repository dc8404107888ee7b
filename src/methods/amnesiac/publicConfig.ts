/**
 * The amnesiac config in public, readable form, and its check by a verifier. Every value that
 * shapes training is published and hashed (configHash), as for SISA (src/ml/publicConfig.ts):
 * a verifier recomputes the hash and applies its TrainingPolicy. The parsing and the policy are
 * the SISA ones, applied to the shard-trainer form of the config (config.ts:
 * stepTrainingConfig), so both methods accept exactly the same hyperparameters. Browser-safe.
 */
import { ALGORITHM_NAME } from "../../ml/config.ts";
import {
  parsePublicTrainingConfig, publicTrainingConfig, trainingPolicyProblems, type PublicTrainingConfig, type TrainingPolicy,
} from "../../ml/publicConfig.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import {
  AMNESIAC_ALGORITHM_NAME, amnesiacConfigHash, checkAmnesiacShape, stepTrainingConfig, totalSteps, validateAmnesiacConfig, type AmnesiacConfig,
} from "./config.ts";

/**
 * An AmnesiacConfig as JSON: the SISA config's readable fields (src/ml/publicConfig.ts) without
 * the shard depth and K, with the batch size; `algorithm` is AMNESIAC_ALGORITHM_NAME and
 * `epochs` the amnesiac epochs.
 */
export type PublicAmnesiacConfig = Omit<PublicTrainingConfig, "shardDepth" | "maxDeletions"> & { batchLog2: number };

/** The readable form of a config. */
export function publicAmnesiacConfig(config: AmnesiacConfig): PublicAmnesiacConfig {
  const { algorithm: _sisa, shardDepth: _s, epochs: _steps, maxDeletions: _k, ...rest } = publicTrainingConfig(stepTrainingConfig(config));
  return { ...rest, algorithm: AMNESIAC_ALGORITHM_NAME, batchLog2: config.batchLog2, epochs: config.epochs };
}

/**
 * Parses an untrusted readable config, checks it against `claimedHash` (with the caller's
 * Poseidon) and the policy (minEpochs applies to the epochs, not the steps). Never throws.
 */
export function amnesiacConfigProblems(
  input: unknown, claimedHash: bigint | undefined, hash: PoseidonFn, policy: TrainingPolicy, where = "bundle.statement.config",
): { config?: AmnesiacConfig; problems: string[] } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return { problems: [`${where} must be an object`] };
  const o = input as Record<string, unknown>;
  if (o.algorithm !== AMNESIAC_ALGORITHM_NAME) return { problems: [`${where}.algorithm is ${JSON.stringify(o.algorithm)}, this verifier knows "${AMNESIAC_ALGORITHM_NAME}"`] };
  const shape = { dataDepth: o.dataDepth as number, batchLog2: o.batchLog2 as number, features: o.features as number, epochs: o.epochs as number };
  try {
    checkAmnesiacShape(shape);
  } catch (error) {
    return { problems: [`${where}: ${(error as Error).message}`] };
  }
  const { batchLog2: _b, ...fields } = o;
  const parsed = parsePublicTrainingConfig(
    { ...fields, algorithm: ALGORITHM_NAME, shardDepth: shape.dataDepth - shape.batchLog2, epochs: totalSteps(shape), maxDeletions: 1 }, where,
  );
  if ("problems" in parsed) return { problems: parsed.problems };
  const c = parsed.config;
  const config: AmnesiacConfig = {
    ...shape, learningRate: c.learningRate, l2: c.l2, initialWeights: c.initialWeights, testRoot: c.testRoot,
    ...(c.initSeed !== undefined ? { initSeed: c.initSeed } : {}),
    ...(c.featureScaling ? { featureScaling: c.featureScaling } : {}),
  };
  try {
    validateAmnesiacConfig(config);
  } catch (error) {
    return { problems: [`${where} is not a valid amnesiac config: ${(error as Error).message}`] };
  }
  const problems: string[] = [];
  if (claimedHash !== undefined && amnesiacConfigHash(config, hash) !== claimedHash) {
    problems.push(`${where} does not hash to the configHash of the statement: the published config is not the one the proof used`);
  }
  problems.push(...trainingPolicyProblems({ ...stepTrainingConfig(config), epochs: config.epochs }, policy));
  return { config, problems };
}
