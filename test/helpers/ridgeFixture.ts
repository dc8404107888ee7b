import { getPoseidon, type PoseidonHasher } from "../../src/crypto/poseidon.ts";
import { CommittedDataset } from "../../src/dataset/commitment.ts";
import { makeRidgeConfig, type RidgeConfig } from "../../src/methods/ridge/config.ts";
import { buildBatchWitness, buildGenesisWitness, type BatchWitness, type GenesisWitness } from "../../src/methods/ridge/genesis.ts";
import {
  buildClassForgetWitness, buildRidgeDeletionWitness, type ClassForgetWitness, type RidgeDeletionWitness,
} from "../../src/methods/ridge/statements.ts";
import { syntheticRidgeData } from "./ridgeData.ts";

/** The tiny ridge profiles: 16 slots in 4 batches of 4, 2 features, 3 classes, K = 2. */
export const RIDGE_TINY = {
  batch: "ridge-batch-d4-b2-f2-c3",
  genesis: "ridge-genesis-d4-b2-f2-c3",
  deletion: "ridge-deletion-d4-f2-c3-k2",
  forget: "ridge-forget-class-d4-f2-c3",
  accuracy: "ridge-accuracy-d4-f2-c3-t3",
  testDepth: 3,
  depth: 4,
  batchDepth: 2,
  features: 2,
  classes: 3,
  K: 2,
} as const;

/** A committed tiny ridge system and the witnesses of a whole history. */
export interface RidgeFixture {
  poseidon: PoseidonHasher;
  config: RidgeConfig;
  dataset: CommittedDataset;
  /** The committed test set: 7 records in 8 slots; its root is the config's testRoot. */
  testSet: CommittedDataset;
  batches: BatchWitness[];
  genesis: GenesisWitness;
  /** Records r4 (class 0) and r1 (class 1) deleted from the genesis state. */
  deletion: RidgeDeletionWitness;
  /** Class 2 forgotten after `deletion`. */
  forget: ClassForgetWitness;
  /** Record r3 (class 2, already forgotten) deleted after `forget`. */
  deletionAfterForget: RidgeDeletionWitness;
}

let cached: Promise<RidgeFixture> | undefined;

/** The fixture (built once per process). */
export function ridgeFixture(): Promise<RidgeFixture> {
  cached ??= build();
  return cached;
}

async function build(): Promise<RidgeFixture> {
  const poseidon = await getPoseidon();
  // 11 training records in slots 0..10 (batches 0 and 1 full, batch 2 with 3 records, batch 3
  // empty) and 7 test records, from the same clusters.
  const all = syntheticRidgeData(18, RIDGE_TINY.features, RIDGE_TINY.classes, 3);
  const records = all.slice(0, 11).map((r, i) => ({ id: `r${i}`, features: [...r.features], label: r.cls }));
  const tests = all.slice(11).map((r, i) => ({ id: `t${i}`, features: [...r.features], label: r.cls }));
  let salt = 1000n;
  const testSet = CommittedDataset.commit({ featureNames: ["f0", "f1"], records: tests }, RIDGE_TINY.testDepth, poseidon, () => salt++);
  const config = makeRidgeConfig({ depth: RIDGE_TINY.depth, features: RIDGE_TINY.features, classes: RIDGE_TINY.classes }, 0.5, testSet.root);
  const dataset = CommittedDataset.commit({ featureNames: ["f0", "f1"], records }, RIDGE_TINY.depth, poseidon, () => salt++);
  const genesis = buildGenesisWitness(config, dataset, RIDGE_TINY.batchDepth, { statsSalt: 11n, modelSalt: 12n, maskSeed: 13n }, poseidon);
  const batches = [0, 1, 2, 3].map((k) => buildBatchWitness(config, dataset, RIDGE_TINY.batchDepth, k, genesis.challenge, poseidon));
  const deletion = buildRidgeDeletionWitness(genesis.state, ["r4", "r1"], RIDGE_TINY.K, { statsSalt: 21n, modelSalt: 22n }, poseidon);
  const forget = buildClassForgetWitness(deletion.state, 2, { statsSalt: 31n, modelSalt: 32n }, poseidon);
  const deletionAfterForget = buildRidgeDeletionWitness(forget.state, ["r3"], RIDGE_TINY.K, { statsSalt: 41n, modelSalt: 42n }, poseidon);
  return { poseidon, config, dataset, testSet, batches, genesis, deletion, forget, deletionAfterForget };
}
