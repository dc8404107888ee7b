import { getProfile, type CircuitProfile } from "../circuits/profiles.ts";
import { getPoseidon } from "../crypto/poseidon.ts";
import type { CommittedDataset } from "../dataset/commitment.ts";
import { randomSalt } from "../dataset/leaf.ts";
import type { TrainingConfig } from "../ml/config.ts";
import type { ModelCommitment } from "../sisa/model.ts";
import { shardOfSlot } from "../sisa/shards.ts";
import { buildShardRetrainWitness, shardRetrainSignalList } from "../statements/shardRetrain.ts";
import { ensureDevKey, type DevKeyOptions, type ProvingKey } from "../keys/devKeys.ts";
import { publicTrainingConfig } from "../ml/publicConfig.ts";
import { toHex32 } from "../verifier/fieldText.ts";
import { type ProofBundle, type ShardRetrainStatement } from "../verifier/types.ts";
import { proveBundle, type ProveOptions } from "./groth16.ts";

/**
 * A SISA system as the controller holds it: the committed dataset (records and salts), the
 * committed shard models (weights and salts), and the training config both are pinned to.
 */
export interface SisaSystem {
  config: TrainingConfig;
  dataset: CommittedDataset;
  models: ModelCommitment;
}

/** Options for {@link proveShardRetrain}. */
export interface ProveShardRetrainOptions extends DevKeyOptions, ProveOptions {
  /** ShardRetrain profile (name or object); its parameters must be the config's. */
  profile: string | CircuitProfile;
  /** Proving key; by default the profile's dev key (built and cached on demand). */
  key?: ProvingKey;
}

/** Result of {@link proveShardRetrain}. */
export interface ShardRetrainProof {
  bundle: ProofBundle<ShardRetrainStatement>;
  /** The system after the deletion and retraining (inputs are not changed). */
  system: SisaSystem;
  /** The shard's new weights (fixed point, bias last). */
  weights: bigint[];
  proveSeconds: number;
}

/**
 * Deletes `recordIds` (all in `shard`; none for genesis training), retrains the shard from the
 * committed initial weights over its remaining records, and proves it. The bundle's statement
 * names the shard, the old and new states and the deleted slots.
 *
 * @throws UnknownRecordError for an unknown or deleted id; RangeError for a record outside
 *   `shard`, more than K ids, or a profile that does not match the config.
 * @example
 * const { bundle, system: next } = await proveShardRetrain(system, 2, ["d1-17"], { profile: "sisa-d8-s3-f16-e10-k3" });
 */
export async function proveShardRetrain(
  system: SisaSystem,
  shard: number,
  recordIds: readonly string[],
  options: ProveShardRetrainOptions,
): Promise<ShardRetrainProof> {
  const profile = typeof options.profile === "string" ? getProfile(options.profile) : options.profile;
  const c = system.config;
  const expected = [c.shardDepth, c.dataDepth, c.features, c.epochs, c.maxDeletions];
  if (profile.template !== "ShardRetrain" || profile.params.join() !== expected.join()) {
    throw new RangeError(`profile ${profile.name} (${profile.template}(${profile.params.join(", ")})) does not prove this config (ShardRetrain(${expected.join(", ")}))`);
  }
  const slots = system.dataset.slotsOf(recordIds);
  for (const slot of slots) {
    const owner = shardOfSlot(slot.index, c);
    if (owner !== shard) throw new RangeError(`record ${JSON.stringify(slot.id)} is in shard ${owner}, not in shard ${shard}`);
  }
  const poseidon = await getPoseidon();
  const witness = buildShardRetrainWitness({
    config: c,
    dataTree: system.dataset.tree(),
    records: system.dataset.liveSlots(),
    models: system.models,
    shard,
    deleteSlots: slots.map((s) => s.index),
    newModelSalt: randomSalt(),
  }, poseidon);
  const dataset = system.dataset.withoutRecords(recordIds);
  if (dataset.root !== witness.statement.newDataRoot) throw new Error("internal error: the retrain model and the dataset disagree on the new data root");

  const key = options.key ?? (await ensureDevKey(profile, options));
  const s = witness.statement;
  const statement: ShardRetrainStatement = {
    type: "shard-retrain",
    shard,
    oldState: toHex32(s.oldState),
    newState: toHex32(s.newState),
    deletionDigest: toHex32(s.deletionDigest),
    oldDataRoot: toHex32(s.oldDataRoot),
    newDataRoot: toHex32(s.newDataRoot),
    oldModelRoot: toHex32(s.oldModelRoot),
    newModelRoot: toHex32(s.newModelRoot),
    configHash: toHex32(s.configHash),
    config: publicTrainingConfig(c),
    deleted: s.deleted.map((d) => ({ index: d.index, leaf: toHex32(d.leaf) })),
  };
  const { bundle, seconds } = await proveBundle(key, witness.input, shardRetrainSignalList(witness.publicSignals), statement, options);
  return { bundle, system: { config: c, dataset, models: witness.newModels }, weights: witness.newWeights, proveSeconds: seconds };
}
