import type { CircuitProfile } from "../../circuits/profiles.ts";
import type { CommittedDataset } from "../../dataset/commitment.ts";
import type { RidgeConfig } from "./config.ts";
import type { RidgeSystemState } from "./state.ts";
import { emptyStatistics, withRecord, type RidgeStatistics } from "./statistics.ts";

/**
 * The state of a ridge workspace and its trained system (shared by the workspace method and
 * its server job kind).
 */

/** The model part of a trained ridge workspace (the statistics follow from the dataset). */
export interface RidgeTrained {
  forgotten: boolean[];
  statsSalt: bigint;
  modelSalt: bigint;
  weights: bigint[][];
  residual: bigint[][];
}

/** A ridge workspace: the config, the dataset, the committed test set, and the model once trained. */
export interface RidgeWorkspace {
  kind: "ridge";
  profile: CircuitProfile;
  config: RidgeConfig;
  dataset: CommittedDataset;
  testSet?: CommittedDataset;
  trained?: RidgeTrained;
}

/** The statistics of the live records, with the forgotten classes' blocks empty. */
export function liveStatistics(config: RidgeConfig, dataset: CommittedDataset, forgotten: readonly boolean[]): RidgeStatistics {
  let stats: RidgeStatistics = { ...emptyStatistics(config.features, config.classes), forgotten: [...forgotten] };
  for (const slot of dataset.liveSlots()) stats = withRecord(stats, slot, 1);
  return stats;
}

/** The trained system of a workspace, or an Error saying to train it first. */
export function ridgeSystem(ws: RidgeWorkspace, what: string): RidgeSystemState {
  const t = ws.trained;
  if (!t) throw new Error(`the ridge model of this workspace is not trained yet: run \`zkforget train\` before ${what}`);
  return {
    config: ws.config, dataset: ws.dataset, stats: liveStatistics(ws.config, ws.dataset, t.forgotten),
    statsSalt: t.statsSalt, model: { weights: t.weights, live: t.forgotten.map((f) => !f) }, modelSalt: t.modelSalt, residual: t.residual,
  };
}

/** The workspace after a proved transition to `system`. */
export function withSystem(ws: RidgeWorkspace, system: RidgeSystemState): RidgeWorkspace {
  return {
    ...ws, dataset: system.dataset,
    trained: { forgotten: [...system.stats.forgotten], statsSalt: system.statsSalt, modelSalt: system.modelSalt, weights: system.model.weights, residual: system.residual },
  };
}

