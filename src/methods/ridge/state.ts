/**
 * The committed state of a ridge system and the controller's private view of it.
 *
 * state = Poseidon(dataRoot, statsCommitment, modelCommitment, configHash)
 *
 * Decision (issue §3): the four commitments are hashed flat, each opened whole by every statement
 * that changes it: a deletion changes the data root, the statistics and the model; a class
 * forgetting the statistics and the model; none changes the config. The statistics and model
 * commitments are salted (statistics.ts, model.ts), so the state hides G, B, the counts and the
 * weights; configHash is public and pinned.
 */
import type { CommittedDataset } from "../../dataset/commitment.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import { ridgeConfigHash, type RidgeConfig } from "./config.ts";
import { modelCommitment, type RidgeModel } from "./model.ts";
import { statisticsCommitment, type RidgeStatistics } from "./statistics.ts";
import { ridgeStateHash } from "./stateHash.ts";

export { ridgeStateHash, untrainedRidgeState } from "./stateHash.ts";

/** The controller's private view of one ridge state. */
export interface RidgeSystemState {
  config: RidgeConfig;
  dataset: CommittedDataset;
  stats: RidgeStatistics;
  statsSalt: bigint;
  model: RidgeModel;
  modelSalt: bigint;
  /** The residual the model's proof carried (solve.ts). */
  residual: bigint[][];
}

/** The commitments of a state and the state itself. */
export interface RidgeCommitments {
  dataRoot: bigint;
  statsCommitment: bigint;
  modelCommitment: bigint;
  configHash: bigint;
  state: bigint;
}


/** Every commitment of a state. */
export function ridgeCommitments(s: RidgeSystemState, hash: PoseidonFn): RidgeCommitments {
  const dataRoot = s.dataset.root;
  const statsC = statisticsCommitment(s.stats, s.statsSalt, hash);
  const modelC = modelCommitment(s.model, s.modelSalt, hash);
  const configHash = ridgeConfigHash(s.config, hash);
  return { dataRoot, statsCommitment: statsC, modelCommitment: modelC, configHash, state: ridgeStateHash(dataRoot, statsC, modelC, configHash, hash) };
}
