/**
 * TypeScript model of the `ModelAccuracy(shardDepth, features, testDepth)` circuit
 * (circuits/accuracy.circom): from the controller's SISA system and its committed held-out test
 * set it computes the circuit input, the public signals (state, testRoot, correct, total) and
 * the statement, and it rejects every request the circuit would reject, with an error naming
 * the record, the weight or the root at fault.
 *
 * The count is src/sisa/ensemble.ts's: a live test record counts as correct when
 * ensemblePredict over the TRAINED shards' weights gives its label.
 */
import { SparseMerkleTree } from "../crypto/merkle.ts";
import type { PoseidonHasher } from "../crypto/poseidon.ts";
import { spongeWith } from "../crypto/sponge.ts";
import type { CommittedDataset } from "../dataset/commitment.ts";
import { leafHash, recordHash } from "../dataset/leaf.ts";
import { FRACTION_BITS, SCALE, decodeFixed, toFieldSigned } from "../encoding/fixedPoint.ts";
import { FEATURE_BOUND_BITS } from "../ml/bounds.ts";
import { configHashInputs, type TrainingConfig } from "../ml/config.ts";
import { checkTrainingSlots, type TrainingSlot } from "../ml/trainingInput.ts";
import { describeWeight, type Weights } from "../ml/weights.ts";
import { ensemblePredict } from "../sisa/ensemble.ts";
import { stateHash, type ModelCommitment } from "../sisa/model.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import type { CircuitInput } from "./deletion.ts";

/** Template name of the accuracy statement. */
export const MODEL_ACCURACY_TEMPLATE = "ModelAccuracy";

/**
 * The ensemble's MEAN weights (summed over the trained shards, divided by 2^S) must lie in
 * [−2^1, 2^1) = [−2, 2) per coordinate for an accuracy proof; mirrored by
 * ENSEMBLE_MEAN_WEIGHT_BOUND_BITS in circuits/lib/accuracy_params.circom. Why: the bound on the
 * summed weights bounds every test logit, and the circuit's sign check costs one constraint per
 * bit of that bound (42 bits, 60 constraints per test record with 8 shards and 16 features).
 */
export const ENSEMBLE_MEAN_WEIGHT_BOUND_BITS = 1;

/** b such that the summed weights must lie in [−2^b, 2^b) (encoded): 16 + 1 + S. */
export function ensembleWeightSumBits(shardDepth: number): number {
  return FRACTION_BITS + ENSEMBLE_MEAN_WEIGHT_BOUND_BITS + shardDepth;
}

/**
 * L such that every ensemble logit z satisfies |z| < 2^L (scale 2^32), from the summed-weight
 * and feature bounds: |z| ≤ F·2^(b+17) + 2^(b+16) < (F + 1)·2^(b+17) ≤ 2^(b + 17 + ⌈log2(F+1)⌉).
 * The circuit decomposes z + 2^L into L + 1 bits (42 for 8 shards and 16 features).
 */
export function ensembleLogitBoundBits(shardDepth: number, features: number): number {
  return ensembleWeightSumBits(shardDepth) + FRACTION_BITS + FEATURE_BOUND_BITS + Math.ceil(Math.log2(features + 1));
}

/** Parameters of a `ModelAccuracy(shardDepth, features, testDepth)` profile, in template order. */
export interface AccuracyProfileParams {
  /** S: the model tree's depth (2^S shards). */
  shardDepth: number;
  /** F: features per record. */
  features: number;
  /** Depth of the test-set tree: 2^testDepth test slots. */
  testDepth: number;
}

/**
 * Reads and checks the parameters of a ModelAccuracy profile.
 * @throws RangeError naming the parameter
 */
export function accuracyProfileParams(params: readonly number[]): AccuracyProfileParams {
  if (params.length !== 3) throw new RangeError(`ModelAccuracy takes 3 parameters (shardDepth, features, testDepth), got ${params.length}`);
  const [shardDepth, features, testDepth] = params as [number, number, number];
  const int = (name: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name} must be an integer from ${lo} to ${hi}, got ${v}`);
  };
  int("shardDepth", shardDepth, 1, 16);
  int("features", features, 1, 64);
  int("testDepth", testDepth, 1, 20);
  return { shardDepth, features, testDepth };
}

/** A test set whose root is not the one the config (and so the state) commits to. */
export class TestSetMismatchError extends Error {
  override name = "TestSetMismatchError";
}

/**
 * Checks that `testSet` is the test set `config` commits to (config.testRoot), so that an
 * accuracy proof cannot be made on a friendlier test set than the one fixed before training.
 * @throws TestSetMismatchError naming both roots
 */
export function checkCommittedTestSet(config: TrainingConfig, testSet: Pick<CommittedDataset, "root">): void {
  if (config.testRoot === 0n) {
    throw new TestSetMismatchError("the training config commits no test set (testRoot 0): commit the held-out test set before training and pass its root to makeTrainingConfig");
  }
  if (testSet.root !== config.testRoot) {
    throw new TestSetMismatchError(`the test set has root ${toHex32(testSet.root)}, but the config (and so the state) commits to test set ${toHex32(config.testRoot)}`);
  }
}

/** What {@link buildAccuracyWitness} needs: the controller's SISA system and its test set. */
export interface AccuracyRequest {
  /** Training config; its testRoot must be the test set's root. */
  config: TrainingConfig;
  /** The current dataset root (part of the state). */
  dataRoot: bigint;
  /** The committed shard models; at least one shard trained. */
  models: ModelCommitment;
  /** The committed held-out test set (CommittedDataset.commit(test, testDepth, poseidon)). */
  testSet: CommittedDataset;
}

/** The statement an accuracy proof establishes, in readable form. */
export interface AccuracyStatementValues {
  /** state = Poseidon(dataRoot, modelRoot, configHash). */
  state: bigint;
  dataRoot: bigint;
  modelRoot: bigint;
  configHash: bigint;
  testRoot: bigint;
  /** Live test records the ensemble classifies correctly. */
  correct: number;
  /** Live test records. */
  total: number;
}

/** Public signals of a ModelAccuracy proof, by name (proof order: state, testRoot, correct, total). */
export interface AccuracyPublicSignals {
  state: bigint;
  testRoot: bigint;
  correct: bigint;
  total: bigint;
}

/** Everything needed to prove the accuracy of a SISA ensemble on its committed test set. */
export interface AccuracyWitness {
  /** Input of the circuit (names as in circuits/accuracy.circom's header). */
  input: CircuitInput;
  publicSignals: AccuracyPublicSignals;
  statement: AccuracyStatementValues;
  /** The ensemble's prediction per test slot (undefined for an empty slot). */
  predictions: (0 | 1 | undefined)[];
}

/**
 * Builds the circuit input and the expected outputs of an accuracy proof. Does not modify any
 * argument.
 *
 * @throws TestSetMismatchError when the test set is not the config's; RangeError for a profile
 *   that does not fit the config, models or test set, an ensemble without trained shards, a
 *   test set without live records, or summed weights outside the ensemble bound (naming the
 *   weight); TrainingInputError for a test record outside the training bounds (naming the record
 *   and the feature); Error for a test record that does not hash to its committed leaf
 */
export function buildAccuracyWitness(request: AccuracyRequest, params: AccuracyProfileParams, poseidon: PoseidonHasher): AccuracyWitness {
  const { config, dataRoot, models, testSet } = request;
  const hash = poseidon.hash;
  const cfgInputs = configHashInputs(config, hash); // validates the config
  checkCommittedTestSet(config, testSet);
  if (config.shardDepth !== params.shardDepth || config.features !== params.features) {
    throw new RangeError(`the config has ${2 ** config.shardDepth} shards of ${config.features} features; the profile proves ${2 ** params.shardDepth} of ${params.features}`);
  }
  if (models.shardDepth !== params.shardDepth || models.features !== params.features) {
    throw new RangeError(`the model commitment has ${models.shardCount} shards of ${models.features} features; the profile proves ${2 ** params.shardDepth} of ${params.features}`);
  }
  if (testSet.depth !== params.testDepth) {
    throw new RangeError(`the test set is committed in a depth-${testSet.depth} tree; the profile proves depth ${params.testDepth} (${2 ** params.testDepth} test slots)`);
  }

  const trained = models.trained();
  if (trained.length === 0) throw new RangeError("no shard is trained: an ensemble without models has no accuracy");
  const ensemble: Weights[] = trained.map(([, m]) => m.weights);
  checkWeightSums(ensemble, params);

  // The test slots in slot order, each checked against the training bounds and its leaf.
  const n = 2 ** params.testDepth;
  const slots: TrainingSlot[] = new Array<TrainingSlot>(n).fill(undefined);
  const salts = new Array<bigint>(n).fill(0n);
  const tree = new SparseMerkleTree(params.testDepth, (l, r) => hash([l, r]));
  for (const slot of testSet.liveSlots()) {
    const record = { id: slot.id, features: slot.features, label: slot.label };
    if (leafHash(recordHash(record, poseidon), slot.salt, poseidon) !== slot.leaf) {
      throw new Error(`test record ${JSON.stringify(slot.id)} (slot ${slot.index}) does not hash to its committed leaf`);
    }
    slots[slot.index] = record;
    salts[slot.index] = slot.salt;
    tree.set(slot.index, slot.leaf);
  }
  checkTrainingSlots(slots, params.features);
  if (tree.root !== testSet.root) throw new Error("internal error: the test records do not rebuild the test set's root");

  const predictions = slots.map((s) => (s === undefined ? undefined : ensemblePredict(ensemble, s.features)));
  const total = slots.filter((s) => s !== undefined).length;
  if (total === 0) throw new RangeError("the test set has no live records: there is no accuracy to prove");
  const correct = slots.filter((s, i) => s !== undefined && BigInt(predictions[i]!) * SCALE === s.label).length;

  const cfgHash = spongeWith(hash, cfgInputs); // = configHash(config), without validating and hashing the config again
  const statement: AccuracyStatementValues = {
    state: stateHash(dataRoot, models.root, cfgHash, hash),
    dataRoot,
    modelRoot: models.root,
    configHash: cfgHash,
    testRoot: testSet.root,
    correct,
    total,
  };

  const str = (v: bigint | number): string => v.toString();
  const signed = (v: bigint): string => toFieldSigned(v).toString();
  const shardModels = Array.from({ length: 2 ** params.shardDepth }, (_, k) => models.shard(k));
  // configHashInputs order (src/ml/config.ts): 5 epochs, 6 learningRate, 7 l2,
  // 8 weightsHash(initialWeights), 9 dataDepth, 11 maxDeletions, 13 scalingHash.
  const input: CircuitInput = {
    state: str(statement.state),
    testRoot: str(statement.testRoot),
    correct: str(correct),
    total: str(total),
    dataRoot: str(dataRoot),
    trained: shardModels.map((m) => (m === undefined ? "0" : "1")),
    weights: shardModels.map((m) => (m === undefined ? new Array<string>(params.features + 1).fill("0") : m.weights.map(signed))),
    modelSalt: shardModels.map((m) => (m === undefined ? "0" : str(m.salt))),
    epochs: str(cfgInputs[5]!),
    learningRate: str(cfgInputs[6]!),
    l2: str(cfgInputs[7]!),
    initialWeightsHash: str(cfgInputs[8]!),
    dataDepth: str(cfgInputs[9]!),
    maxDeletions: str(cfgInputs[11]!),
    scalingHash: str(cfgInputs[13]!),
    live: slots.map((s) => (s === undefined ? "0" : "1")),
    feature: slots.map((s) => (s === undefined ? new Array<string>(params.features).fill("0") : s.features.map(signed))),
    label: slots.map((s) => (s === undefined ? "0" : str(s.label))),
    salt: salts.map(str),
  };
  return {
    input,
    publicSignals: { state: statement.state, testRoot: statement.testRoot, correct: BigInt(correct), total: BigInt(total) },
    statement,
    predictions,
  };
}

/** The public signals in proof order: [state, testRoot, correct, total]. */
export function accuracySignalList(signals: AccuracyPublicSignals): bigint[] {
  return [signals.state, signals.testRoot, signals.correct, signals.total];
}

/**
 * Checks the ensemble bound: every summed weight in [−2^b, 2^b), i.e. every mean weight in
 * [−2, 2). @throws RangeError naming the weight, its mean and the bound
 */
function checkWeightSums(ensemble: readonly Weights[], params: AccuracyProfileParams): void {
  const limit = 1n << BigInt(ensembleWeightSumBits(params.shardDepth));
  const shards = 2 ** params.shardDepth;
  for (let j = 0; j <= params.features; j++) {
    const sum = ensemble.reduce((acc, w) => acc + w[j]!, 0n);
    if (sum < -limit || sum >= limit) {
      const mean = decodeFixed(sum) / shards;
      throw new RangeError(
        `the ensemble's mean weight ${describeWeight(j, params.features)} is ${mean} (summed over the ${shards} shards), outside ` +
          `[−${2 ** ENSEMBLE_MEAN_WEIGHT_BOUND_BITS}, ${2 ** ENSEMBLE_MEAN_WEIGHT_BOUND_BITS}): the accuracy circuit bounds the mean weights to keep its sign checks short, so no accuracy proof exists for this model`,
      );
    }
  }
}
