/**
 * Training every shard of a SISA system from its committed initial weights: the reference an
 * exact unlearning is judged against (retraining everything without the forgotten records), and
 * an unproved genesis for experiments that only need a trained system.
 */
import type { CommittedDataset } from "../dataset/commitment.ts";
import { randomSalt } from "../dataset/leaf.ts";
import type { TrainingConfig } from "../ml/config.ts";
import { trainShard } from "../ml/trainer.ts";
import type { TrainingSlot } from "../ml/trainingInput.ts";
import type { PoseidonFn } from "../ml/weights.ts";
import { ModelCommitment } from "../sisa/model.ts";
import { shardCount, shardSlotRange } from "../sisa/shards.ts";
import { proveShardRetrain, type ProveShardRetrainOptions, type SisaSystem } from "../prover/shardRetrain.ts";

/** Shard `shard`'s slots in slot order, as the trainer takes them (undefined = empty or deleted). */
export function shardTrainingSlots(dataset: CommittedDataset, shard: number, config: TrainingConfig): TrainingSlot[] {
  const { first, count } = shardSlotRange(shard, config);
  const slots = new Array<TrainingSlot>(count).fill(undefined);
  for (const s of dataset.liveSlots()) {
    if (s.index >= first && s.index < first + count) slots[s.index - first] = { id: s.id, features: s.features, label: s.label };
  }
  return slots;
}

/**
 * Trains every shard on `dataset` WITHOUT proofs and commits the models (fresh random salts
 * unless `salt` is given). Bit-exact with what {@link proveShardRetrain} would commit.
 * @throws as trainShard does, for a record outside the training bounds
 */
export function trainAllShards(config: TrainingConfig, dataset: CommittedDataset, hash: PoseidonFn, salt: () => bigint = randomSalt): ModelCommitment {
  let models = ModelCommitment.empty(config.shardDepth, config.features, hash);
  for (let k = 0; k < shardCount(config); k++) {
    const { first } = shardSlotRange(k, config);
    models = models.withShard(k, { weights: trainShard(shardTrainingSlots(dataset, k, config), config, first).weights, salt: salt() });
  }
  return models;
}

/** Result of {@link proveAllShards}. */
export interface ProvedFullTraining {
  /** The system with every shard trained. */
  system: SisaSystem;
  /** Proving seconds of each shard, in shard order. */
  proveSeconds: number[];
}

/**
 * Trains AND proves every shard of `dataset` from an empty model commitment, as genesis
 * training does: one ShardRetrain proof without deletions per shard.
 */
export async function proveAllShards(config: TrainingConfig, dataset: CommittedDataset, hash: PoseidonFn, options: ProveShardRetrainOptions): Promise<ProvedFullTraining> {
  let system: SisaSystem = { config, dataset, models: ModelCommitment.empty(config.shardDepth, config.features, hash) };
  const proveSeconds: number[] = [];
  for (let k = 0; k < shardCount(config); k++) {
    const r = await proveShardRetrain(system, k, [], options);
    system = r.system;
    proveSeconds.push(r.proveSeconds);
  }
  return { system, proveSeconds };
}
