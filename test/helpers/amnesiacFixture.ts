import { getProfile } from "../../src/circuits/profiles.ts";
import { getPoseidon, type PoseidonHasher } from "../../src/crypto/poseidon.ts";
import { CommittedDataset } from "../../src/dataset/commitment.ts";
import type { Dataset } from "../../src/encoding/dataset.ts";
import { makeAmnesiacConfig, type AmnesiacConfig } from "../../src/methods/amnesiac/config.ts";
import { genesisSystem, type AmnesiacSystem } from "../../src/methods/amnesiac/system.ts";
import { buildAmnesiacTrainWitness, type AmnesiacTrainWitness } from "../../src/methods/amnesiac/witness.ts";
import { tinyDataset } from "./sisaFixture.ts";

/** The tiny amnesiac profiles: 16 slots, batches of 2, 2 features, 2 epochs (16 steps). */
export const AMNESIAC_TRAIN_PROFILE = "amnesiac-train-d4-b1-f2-e2-p1";
export const AMNESIAC_UNLEARN_PROFILE = "amnesiac-unlearn-d4-b1-f2-e2-k2";

/** The tiny dataset (13 records in slots 0..12) committed, the config, genesis and the proved training. */
export interface AmnesiacFixture {
  poseidon: PoseidonHasher;
  config: AmnesiacConfig;
  dataset: CommittedDataset;
  genesis: AmnesiacSystem;
  /** log2 of the steps per training proof (the train profile's last parameter). */
  stepsLog2: number;
  /** K of the unlearn profile. */
  maxDeletions: number;
  /** The training proofs' witnesses from genesis, in order (deterministic salts). */
  training: AmnesiacTrainWitness[];
  /** The system after the whole training. */
  trained: AmnesiacSystem;
}

/** The second pair of tiny profiles: 8 slots, batches of 2, 1 feature, 3 epochs (12 steps: not a power of two), 1 step per proof, K = 1. */
export const AMNESIAC_E3_PROFILES = { train: "amnesiac-train-d3-b1-f1-e3-p0", unlearn: "amnesiac-unlearn-d3-b1-f1-e3-k1" } as const;

/** The first 7 tiny records with their first feature only (for the 1-feature profiles). */
export function oneFeatureDataset(): Dataset {
  const d = tinyDataset();
  return { featureNames: ["a"], records: d.records.slice(0, 7).map((r) => ({ ...r, features: [r.features[0]!] })) };
}

/**
 * Builds the fixture (by default the d4 profiles and the tiny dataset); salts are deterministic
 * so that runs reproduce.
 */
export async function amnesiacFixture(
  profiles: { train: string; unlearn: string } = { train: AMNESIAC_TRAIN_PROFILE, unlearn: AMNESIAC_UNLEARN_PROFILE },
  data: Dataset = tinyDataset(),
): Promise<AmnesiacFixture> {
  const poseidon = await getPoseidon();
  const [D, b, F, E, p] = getProfile(profiles.train).params as [number, number, number, number, number];
  const maxDeletions = getProfile(profiles.unlearn).params[4]!;
  const config = makeAmnesiacConfig({ dataDepth: D, batchLog2: b, features: F, epochs: E }, { learningRate: 0.5, l2: 1 / 64, initialWeights: { seed: "tiny" } });
  let counter = 1000n;
  const dataset = CommittedDataset.commit(data, D, poseidon, () => (counter += 7919n));
  const genesis = genesisSystem(config, dataset.tree(), dataset.liveSlots(), poseidon);
  const training: AmnesiacTrainWitness[] = [];
  let system = genesis;
  let salt = 5000n;
  while (!system.log.complete) {
    const w = buildAmnesiacTrainWitness(system, p, { logSalts: Array.from({ length: 2 ** p }, () => (salt += 104729n)), newModelSalt: (salt += 3n) }, poseidon);
    training.push(w);
    system = w.next;
  }
  return { poseidon, config, dataset, genesis, stepsLog2: p, maxDeletions, training, trained: system };
}
