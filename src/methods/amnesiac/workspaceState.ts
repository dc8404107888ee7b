import { companionProfile, type CircuitProfile } from "../../circuits/profiles.ts";
import type { PoseidonHasher } from "../../crypto/poseidon.ts";
import type { CommittedDataset } from "../../dataset/commitment.ts";
import { batchesPerEpoch, type AmnesiacConfig } from "./config.ts";
import { repairStepOf } from "./repair.ts";
import { genesisSystem, type AmnesiacSystem } from "./system.ts";
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

/** The controller's system of a workspace: its data tree and live records, weights and log. */
export function amnesiacSystem(ws: AmnesiacWorkspace, poseidon: PoseidonHasher): AmnesiacSystem {
  const base = genesisSystem(ws.config, ws.dataset.tree(), ws.dataset.liveSlots(), poseidon);
  return { ...base, weights: [...ws.model.weights], modelSalt: ws.model.modelSalt, log: ws.model.log };
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
