import { getProfile, listProfiles, type CircuitProfile } from "../circuits/profiles.ts";
import { configEntryText, newAccuracyProfile } from "../circuits/suggestProfile.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import type { CommittedDataset } from "../dataset/commitment.ts";
import { ensureDevKey, type DevKeyOptions, type ProvingKey } from "../keys/devKeys.ts";
import {
  MODEL_ACCURACY_TEMPLATE, accuracyProfileParams, accuracySignalList, buildAccuracyWitness, checkCommittedTestSet,
} from "../statements/accuracy.ts";
import { publicTrainingConfig } from "../ml/publicConfig.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { type AccuracyStatement, type ProofBundle } from "../verifier/types.ts";
import { proveBundle, type ProveOptions } from "./groth16.ts";
import type { SisaSystem } from "./shardRetrain.ts";

/** Options for {@link proveAccuracy}. */
export interface ProveAccuracyOptions extends DevKeyOptions, ProveOptions {
  /**
   * ModelAccuracy profile (name or object) whose parameters are the system's shard depth and
   * features and the test set's depth; by default the one profiles.json lists for them.
   */
  profile?: string | CircuitProfile;
  /** Proving key; by default the profile's dev key (built and cached on demand). */
  key?: ProvingKey;
}

/** Result of {@link proveAccuracy}. */
export interface AccuracyProof {
  bundle: ProofBundle<AccuracyStatement>;
  /** Live test records the ensemble classifies correctly, and live test records. */
  correct: number;
  total: number;
  proveSeconds: number;
  /** The key it was proved with (a ledger verifies the bundle under it before appending). */
  key: ProvingKey;
}

/**
 * The ModelAccuracy profile listed for a system's shard depth and features and a test-set
 * depth, built-in or from the project's config. @throws RangeError when there is none (naming
 * the parameters needed and giving a config entry that would fit)
 */
export function accuracyProfileFor(system: SisaSystem, testSet: Pick<CommittedDataset, "depth">): CircuitProfile {
  const params = [system.config.shardDepth, system.config.features, testSet.depth];
  const found = listProfiles().find((p) => p.template === MODEL_ACCURACY_TEMPLATE && p.params.join() === params.join());
  if (found === undefined) {
    throw new RangeError(`no ${MODEL_ACCURACY_TEMPLATE} profile for ${2 ** params[0]!} shards, ${params[1]} features and a depth-${params[2]} test set (${MODEL_ACCURACY_TEMPLATE}(${params.join(", ")})) in circuits/profiles.json or the project's zkforget.config.json; add one there: ` +
      configEntryText([newAccuracyProfile(params, listProfiles())]));
  }
  return found;
}

/**
 * Proves how many records of the committed held-out test set the system's SISA ensemble
 * classifies correctly (src/sisa/ensemble.ts), for the system's current state. The test set
 * must be the one the config commits to (`testSet.root === system.config.testRoot`); any other
 * is refused before anything is proved. The bundle's statement names the state, the test root
 * and `correct` / `total`.
 *
 * @throws TestSetMismatchError for a test set the config does not commit to; RangeError for a
 *   profile that does not fit, an ensemble outside the accuracy bound or without a trained
 *   shard; TrainingInputError for a test record outside the training bounds
 * @example
 * const { bundle, correct, total } = await proveAccuracy(system, testSet, { profile: "accuracy-s3-f16-t8" });
 */
export async function proveAccuracy(system: SisaSystem, testSet: CommittedDataset, options: ProveAccuracyOptions = {}): Promise<AccuracyProof> {
  checkCommittedTestSet(system.config, testSet);
  const profile = options.profile === undefined
    ? accuracyProfileFor(system, testSet)
    : typeof options.profile === "string" ? getProfile(options.profile) : options.profile;
  if (profile.template !== MODEL_ACCURACY_TEMPLATE) {
    throw new RangeError(`profile ${profile.name} proves ${profile.template}, not ${MODEL_ACCURACY_TEMPLATE}`);
  }
  const witness = buildAccuracyWitness({
    config: system.config,
    dataRoot: system.dataset.root,
    models: system.models,
    testSet,
  }, accuracyProfileParams(profile.params), await getPoseidon());

  const key = options.key ?? (await ensureDevKey(profile, options));
  const s = witness.statement;
  const statement: AccuracyStatement = {
    type: "model-accuracy",
    state: toHex32(s.state),
    testRoot: toHex32(s.testRoot),
    correct: s.correct,
    total: s.total,
    dataRoot: toHex32(s.dataRoot),
    modelRoot: toHex32(s.modelRoot),
    configHash: toHex32(s.configHash),
    config: publicTrainingConfig(system.config),
  };
  const { bundle, seconds } = await proveBundle(key, witness.input, accuracySignalList(witness.publicSignals), statement, options);
  return { bundle, correct: s.correct, total: s.total, proveSeconds: seconds, key };
}
