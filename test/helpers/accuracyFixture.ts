import { getProfile } from "../../src/circuits/profiles.ts";
import { getPoseidon, type PoseidonHasher } from "../../src/crypto/poseidon.ts";
import { CommittedDataset } from "../../src/dataset/commitment.ts";
import type { Dataset } from "../../src/encoding/dataset.ts";
import { makeTrainingConfig, shardProfileParams, type TrainingConfig } from "../../src/ml/config.ts";
import { trainAllShards } from "../../src/evaluation/retrainAll.ts";
import type { SisaSystem } from "../../src/prover/shardRetrain.ts";
import { ModelCommitment } from "../../src/sisa/model.ts";
import {
  accuracyProfileParams, buildAccuracyWitness, type AccuracyProfileParams, type AccuracyRequest, type AccuracyWitness,
} from "../../src/statements/accuracy.ts";
import { SISA_TEST_PROFILE, TINY_HYPERPARAMETERS, tinyDataset } from "./sisaFixture.ts";

/** The tiny accuracy profile the tests prove under: 2 shards, 2 features, 16 test slots
 * (a sisa-d4-s1-f2-e2-k2 workspace commits its test set at the dataset's depth, 4). */
export const ACCURACY_TEST_PROFILE = "accuracy-s1-f2-t4";

/**
 * 6 held-out records in slots 0..5 of a depth-4 tree (slots 6..15 empty), features in
 * [−2, 2) (one exactly −2, the lower bound), mixed labels.
 */
export function tinyTestSet(): Dataset {
  return {
    featureNames: ["a", "b"],
    records: Array.from({ length: 6 }, (_, i) => ({
      id: `t${i}`,
      features: i === 5 ? [-2, 0.5] : [((i * 41 + 7) % 100) / 50 - 1, ((i * 29 + 3) % 100) / 64 - 0.75],
      label: i % 2,
    })),
  };
}

/** The tiny SISA system (both shards trained, config pinning the test set) and its test set. */
export interface AccuracyFixture {
  poseidon: PoseidonHasher;
  params: AccuracyProfileParams;
  config: TrainingConfig;
  testSet: CommittedDataset;
  system: SisaSystem;
  /** The system with only shard 0 trained. */
  halfTrained: SisaSystem;
  /** The oracle's request for `system` (override any field). */
  request(over?: Partial<AccuracyRequest>): AccuracyRequest;
  /** buildAccuracyWitness(request(over)). */
  witness(over?: Partial<AccuracyRequest>): AccuracyWitness;
}

/** Builds the fixture with deterministic salts, so runs reproduce. */
export async function accuracyFixture(): Promise<AccuracyFixture> {
  const poseidon = await getPoseidon();
  const params = accuracyProfileParams(getProfile(ACCURACY_TEST_PROFILE).params);
  let counter = 5000n;
  const salt = () => (counter += 104729n);
  const testSet = CommittedDataset.commit(tinyTestSet(), params.testDepth, poseidon, salt);
  const config = makeTrainingConfig(shardProfileParams(getProfile(SISA_TEST_PROFILE).params), TINY_HYPERPARAMETERS, testSet.root);
  const dataset = CommittedDataset.commit(tinyDataset(), config.dataDepth, poseidon, salt);
  let modelSalt = 899n;
  const models = trainAllShards(config, dataset, poseidon.hash, () => ++modelSalt);
  const system: SisaSystem = { config, dataset, models };
  const request = (over: Partial<AccuracyRequest> = {}): AccuracyRequest => ({ config, dataRoot: dataset.root, models, testSet, ...over });
  return {
    poseidon, params, config, testSet, system,
    halfTrained: { config, dataset, models: ModelCommitment.empty(config.shardDepth, config.features, poseidon.hash).withShard(0, models.shard(0)!) },
    request,
    witness: (over) => buildAccuracyWitness(request(over), params, poseidon),
  };
}
