import { getProfile } from "../../src/circuits/profiles.ts";
import { getPoseidon, type PoseidonHasher } from "../../src/crypto/poseidon.ts";
import { CommittedDataset } from "../../src/dataset/commitment.ts";
import type { Dataset } from "../../src/encoding/dataset.ts";
import { makeTrainingConfig, shardProfileParams, type TrainingConfig, type TrainingHyperparameters } from "../../src/ml/config.ts";
import { ModelCommitment } from "../../src/sisa/model.ts";
import { buildShardRetrainWitness, type ShardRetrainRequest, type ShardRetrainWitness } from "../../src/statements/shardRetrain.ts";

/** The tiny SISA profile the tests prove under: 16 slots, 2 shards of 8, 2 features, 2 epochs, K = 2. */
export const SISA_TEST_PROFILE = "sisa-d4-s1-f2-e2-k2";

/** Hyperparameters of the tiny test systems (sisaFixture, accuracyFixture). */
export const TINY_HYPERPARAMETERS: TrainingHyperparameters = { learningRate: 2, l2: 1 / 64, initialWeights: { seed: "tiny" } };

/** 13 records in slots 0..12 (shard 1 has empty slots 13..15), features in [−1, 1), mixed labels. */
export function tinyDataset(): Dataset {
  return {
    featureNames: ["a", "b"],
    records: Array.from({ length: 13 }, (_, i) => ({
      id: `r${i}`,
      features: [((i * 37) % 100) / 50 - 1, ((i * 53 + 11) % 100) / 64 - 0.75],
      label: (i * 5) % 3 === 0 ? 1 : 0,
    })),
  };
}

/** The committed tiny dataset, the config, and a request builder with sane defaults. */
export interface SisaFixture {
  poseidon: PoseidonHasher;
  config: TrainingConfig;
  dataset: CommittedDataset;
  emptyModels: ModelCommitment;
  /** A request for shard 0, no deletions, empty models, salt 777; override any field. */
  request(over?: Partial<ShardRetrainRequest>): ShardRetrainRequest;
  /** buildShardRetrainWitness(request(over)). */
  witness(over?: Partial<ShardRetrainRequest>): ShardRetrainWitness;
}

/** Builds the fixture (deterministic salts, so runs reproduce). */
export async function sisaFixture(): Promise<SisaFixture> {
  const poseidon = await getPoseidon();
  const config = makeTrainingConfig(shardProfileParams(getProfile(SISA_TEST_PROFILE).params), TINY_HYPERPARAMETERS);
  let counter = 1000n;
  const dataset = CommittedDataset.commit(tinyDataset(), config.dataDepth, poseidon, () => (counter += 7919n));
  const emptyModels = ModelCommitment.empty(config.shardDepth, config.features, poseidon.hash);
  const request = (over: Partial<ShardRetrainRequest> = {}): ShardRetrainRequest => ({
    config,
    dataTree: dataset.tree(),
    records: dataset.liveSlots(),
    models: emptyModels,
    shard: 0,
    deleteSlots: [],
    newModelSalt: 777n,
    ...over,
  });
  return { poseidon, config, dataset, emptyModels, request, witness: (over) => buildShardRetrainWitness(request(over), poseidon) };
}
