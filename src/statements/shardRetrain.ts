/**
 * TypeScript model of the `ShardRetrain(shardDepth, dataDepth, features, epochs, K)` circuit
 * (circuits/shardRetrain.circom): from the controller's private state it computes the circuit
 * input, the public signals the circuit must accept and the statement in readable form, and it
 * rejects every request the circuit would reject, with an error naming the slot or value.
 */
import type { LeafUpdate, SparseMerkleTree } from "../crypto/merkle.ts";
import type { PoseidonHasher } from "../crypto/poseidon.ts";
import { leafHash, recordHash } from "../dataset/leaf.ts";
import { toFieldSigned } from "../encoding/fixedPoint.ts";
import { configHash, validateTrainingConfig, type TrainingConfig } from "../ml/config.ts";
import { scalingHash } from "../ml/featureScaling.ts";
import { trainShard, type TrainingResult } from "../ml/trainer.ts";
import type { TrainingSlot } from "../ml/trainingInput.ts";
import { shardDeletionDigest, type DeletedShardSlot } from "../sisa/digest.ts";
import { stateHash, type ModelCommitment } from "../sisa/model.ts";
import { shardOfSlot, shardSlotRange } from "../sisa/shards.ts";
import { buildDeletionWitness, type CircuitInput } from "./deletion.ts";

/** A committed record with its slot (CommittedSlot from src/dataset/commitment.ts fits). */
export interface SlotRecord {
  /** Global slot index. */
  index: number;
  /** Fixed-point features (scale 2^16). */
  features: readonly bigint[];
  /** Fixed-point label: 0 or 2^16. */
  label: bigint;
  /** The salt of the record's leaf. */
  salt: bigint;
  /** For error messages. */
  id?: string;
}

/** What {@link buildShardRetrainWitness} needs: the controller's state and the request. */
export interface ShardRetrainRequest {
  /** Training config, profile parameters included; its configHash is in both states. */
  config: TrainingConfig;
  /** The committed dataset tree BEFORE the deletions (not modified). */
  dataTree: SparseMerkleTree;
  /** The private records; must include every live record of the shard (others are ignored). */
  records: Iterable<SlotRecord>;
  /** The model commitment before retraining (not modified). */
  models: ModelCommitment;
  /** Shard to (re)train. */
  shard: number;
  /** Global indices of the slots to delete (any order), all in `shard`; [] for genesis training. */
  deleteSlots: readonly number[];
  /** Salt of the new model leaf (use randomSalt()). */
  newModelSalt: bigint;
}

/** The statement a proof establishes, in readable form. */
export interface ShardRetrainStatement {
  shard: number;
  oldDataRoot: bigint;
  newDataRoot: bigint;
  oldModelRoot: bigint;
  newModelRoot: bigint;
  configHash: bigint;
  oldState: bigint;
  newState: bigint;
  deletionDigest: bigint;
  /** Deleted slots (global index, leaf before), increasing index order. */
  deleted: DeletedShardSlot[];
}

/** Public signals of a ShardRetrain proof, by name (proof order: oldState, newState, deletionDigest). */
export interface ShardRetrainPublicSignals {
  oldState: bigint;
  newState: bigint;
  deletionDigest: bigint;
}

/** Everything needed to prove one shard (re)training and to move the controller's state on. */
export interface ShardRetrainWitness {
  /** Input of the circuit (names as in circuits/shardRetrain.circom's header). */
  input: CircuitInput;
  publicSignals: ShardRetrainPublicSignals;
  statement: ShardRetrainStatement;
  /** The shard's new weights (F + 1, bias last). */
  newWeights: bigint[];
  /** Weights before every epoch and after the last (see TrainingResult). */
  training: TrainingResult;
  /** The model commitment after retraining. */
  newModels: ModelCommitment;
  /** Data-tree updates (deleted slots → 0); apply with `tree.setMany`. */
  dataUpdates: LeafUpdate[];
}

/**
 * Builds the circuit input and expected outputs of shard `shard`'s (re)training after deleting
 * `deleteSlots`. Does not modify any argument.
 *
 * @throws RangeError for a config or commitment that does not fit the profile, a shard that does
 *   not exist, a slot to delete that is outside the shard, empty, repeated, or beyond K; Error for
 *   a live slot without its record or whose record does not hash to the committed leaf;
 *   TrainingInputError for a record outside the training bounds (naming slot and feature)
 */
export function buildShardRetrainWitness(request: ShardRetrainRequest, poseidon: PoseidonHasher): ShardRetrainWitness {
  const { config, dataTree, models, shard, newModelSalt } = request;
  validateTrainingConfig(config);
  const hash = poseidon.hash;
  if (dataTree.depth !== config.dataDepth) {
    throw new RangeError(`the dataset tree has depth ${dataTree.depth}, the profile ${config.dataDepth}`);
  }
  if (models.shardDepth !== config.shardDepth || models.features !== config.features) {
    throw new RangeError(
      `the model commitment has ${models.shardCount} shards of ${models.features} features; the profile has ` +
        `${2 ** config.shardDepth} of ${config.features}`,
    );
  }
  const { first, count } = shardSlotRange(shard, config);
  const c = config.dataDepth - config.shardDepth;
  const K = config.maxDeletions;

  for (const index of request.deleteSlots) {
    const owner = shardOfSlot(index, config);
    if (owner !== shard) throw new RangeError(`slot ${index} belongs to shard ${owner}, not to the retrained shard ${shard}`);
  }
  // Validates the indices (non-empty, distinct, at most K) and tracks the intermediate trees.
  const deletion = buildDeletionWitness(dataTree, request.deleteSlots, K, poseidon);
  const newTree = dataTree.clone();
  newTree.setMany(deletion.updates);

  // The live records of the new shard, each checked against its committed leaf.
  const byIndex = new Map<number, SlotRecord>();
  for (const record of request.records) byIndex.set(record.index, record);
  const slots: TrainingSlot[] = [];
  const salts: bigint[] = [];
  for (let index = first; index < first + count; index++) {
    const leaf = newTree.get(index);
    if (leaf === 0n) {
      slots.push(undefined);
      salts.push(0n);
      continue;
    }
    const record = byIndex.get(index);
    if (record === undefined) throw new Error(`slot ${index} holds a leaf but no record was given for it`);
    if (leafHash(recordHash({ features: [...record.features], label: record.label }, poseidon), record.salt, poseidon) !== leaf) {
      throw new Error(`the record given for slot ${index}${record.id === undefined ? "" : ` (${JSON.stringify(record.id)})`} does not hash to its committed leaf`);
    }
    slots.push({ id: record.id, features: [...record.features], label: record.label });
    salts.push(record.salt);
  }
  const training = trainShard(slots, config, first);
  const newWeights = training.weights;
  const newModels = models.withShard(shard, { weights: newWeights, salt: newModelSalt });

  const cfgHash = configHash(config, hash);
  const oldDataRoot = dataTree.root;
  const newDataRoot = newTree.root;
  const oldModelRoot = models.root;
  const newModelRoot = newModels.root;
  const deleted: DeletedShardSlot[] = deletion.deleted.map(({ index, leaf }) => ({ index, leaf }));
  const statement: ShardRetrainStatement = {
    shard,
    oldDataRoot,
    newDataRoot,
    oldModelRoot,
    newModelRoot,
    configHash: cfgHash,
    oldState: stateHash(oldDataRoot, oldModelRoot, cfgHash, hash),
    newState: stateHash(newDataRoot, newModelRoot, cfgHash, hash),
    deletionDigest: shardDeletionDigest(shard, deleted, K, hash),
    deleted,
  };

  const str = (v: bigint | number): string => v.toString();
  const signed = (v: bigint): string => toFieldSigned(v).toString();
  const entries = deletion.input;
  const input: CircuitInput = {
    oldState: str(statement.oldState),
    newState: str(statement.newState),
    deletionDigest: str(statement.deletionDigest),
    shard: str(shard),
    dataSiblings: newTree.proof(first).siblings.slice(c).map(str),
    oldModelLeaf: str(models.leaf(shard)),
    modelSiblings: models.siblings(shard).map(str),
    newModelSalt: str(newModelSalt),
    live: slots.map((s) => (s === undefined ? "0" : "1")),
    feature: slots.map((s) => (s === undefined ? new Array<string>(config.features).fill("0") : s.features.map(signed))),
    label: slots.map((s) => (s === undefined ? "0" : signed(s.label))),
    salt: salts.map(str),
    delActive: entries.active as string[],
    delIndex: entries.index as string[],
    delLeaf: entries.leaf as string[],
    delSiblings: (entries.siblings as string[][]).map((sibs) => sibs.slice(0, c)),
    learningRate: str(config.learningRate),
    l2: str(config.l2),
    initialWeights: config.initialWeights.map(signed),
    testRoot: str(config.testRoot),
    scalingHash: str(scalingHash(config.featureScaling, hash)),
  };
  return {
    input,
    publicSignals: { oldState: statement.oldState, newState: statement.newState, deletionDigest: statement.deletionDigest },
    statement,
    newWeights: [...newWeights],
    training,
    newModels,
    dataUpdates: deletion.updates,
  };
}

/** The public signals in proof order: [oldState, newState, deletionDigest]. */
export function shardRetrainSignalList(signals: ShardRetrainPublicSignals): bigint[] {
  return [signals.oldState, signals.newState, signals.deletionDigest];
}
