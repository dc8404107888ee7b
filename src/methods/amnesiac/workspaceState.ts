import { companionProfile, type CircuitProfile } from "../../circuits/profiles.ts";
import type { CommittedDataset } from "../../dataset/commitment.ts";
import type { PoseidonFn } from "../../ml/weights.ts";
import { amnesiacConfigHash, batchesPerEpoch, type AmnesiacConfig } from "./config.ts";
import { amnesiacStateHash, modelCommitment } from "./state.ts";
import { repairStepOf } from "./repair.ts";
import type { AmnesiacSystem } from "./system.ts";
import type { UpdateLog } from "./updateLog.ts";

/**
 * The state of an amnesiac workspace and its system (shared by the workspace method and its
 * server job kind).
 */

/** The model part of an amnesiac workspace: the current weights, their commitment's salt and the update log. */
export interface AmnesiacModel {
  weights: bigint[];
  modelSalt: bigint;
  log: UpdateLog;
}

/**
 * An amnesiac workspace, committed under an AmnesiacUnlearn profile whose `train` companion
 * proves the training: the public config, the dataset, the committed test set, and the model
 * (the initial weights with salt 0 and the empty log until the first training proof).
 */
export interface AmnesiacWorkspace {
  kind: "amnesiac";
  profile: CircuitProfile;
  config: AmnesiacConfig;
  dataset: CommittedDataset;
  testSet?: CommittedDataset;
  model: AmnesiacModel;
}

/** The profile that proves the training of a workspace (its profile's `train` companion). */
export function trainProfileOf(ws: AmnesiacWorkspace): CircuitProfile {
  return companionProfile(ws.profile, "train");
}

/** The controller's system of a workspace: its data tree (a copy) and live records, weights and log. */
export function amnesiacSystem(ws: AmnesiacWorkspace): AmnesiacSystem {
  return {
    config: ws.config, dataTree: ws.dataset.tree(), records: new Map(ws.dataset.liveSlots().map((r) => [r.index, r])),
    weights: [...ws.model.weights], modelSalt: ws.model.modelSalt, log: ws.model.log,
  };
}

/** The state commitment of a workspace, from its roots alone (no tree is copied). */
export function amnesiacWorkspaceState(ws: AmnesiacWorkspace, hash: PoseidonFn): bigint {
  const parts = { dataRoot: ws.dataset.root, modelCommitment: modelCommitment(ws.model.weights, ws.model.modelSalt, hash), logRoot: ws.model.log.root, stepCount: ws.model.log.length };
  return amnesiacStateHash(parts, amnesiacConfigHash(ws.config, hash), hash);
}

/**
 * The workspace after a proved transition to `next`; `dataset` is the workspace's dataset with
 * the same deletions (its root must be the system's).
 * @throws Error when the dataset's root is not the system's data root
 */
export function withAmnesiacSystem(ws: AmnesiacWorkspace, next: AmnesiacSystem, dataset: CommittedDataset = ws.dataset): AmnesiacWorkspace {
  if (dataset.root !== next.dataTree.root) throw new Error("internal: the workspace's dataset does not have the unlearned system's data root");
  return { ...ws, dataset, model: { weights: [...next.weights], modelSalt: next.modelSalt, log: next.log } };
}

/**
 * The batches a repair would retrain now: those whose last-epoch update an unlearning subtracted
 * (and no repair has rewritten since) that still hold a live record, increasing.
 */
export function repairableBatches(ws: AmnesiacWorkspace): number[] {
  const B = 2 ** ws.config.batchLog2;
  const live = new Set(ws.dataset.liveSlots().map((s) => Math.floor(s.index / B)));
  return Array.from({ length: batchesPerEpoch(ws.config) }, (_, j) => j)
    .filter((j) => live.has(j) && ws.model.log.step(repairStepOf(j, ws.config)).subtracted);
}
