/**
 * The readable statements of the ridge proofs, as bundles carry them (checked by kinds.ts).
 * Hex fields are 0x-prefixed 64-digit field elements.
 */
import type { Groth16Proof } from "../../verifier/types.ts";
import type { RidgePublicConfig } from "./kinds.ts";

/** One batch proof a genesis embeds. */
export interface RidgeEmbeddedBatch {
  /** Its position k: batch k opens slots k·2^batchDepth … (k + 1)·2^batchDepth − 1. */
  batch: number;
  profile: string;
  vkeyHash: string;
  publicSignals: string[];
  proof: Groth16Proof;
}

/** Genesis: from the untrained state Poseidon(dataRoot, 0, 0, configHash) to the first trained state. */
export interface RidgeGenesisStatement {
  type: "ridge-genesis";
  oldState: string;
  newState: string;
  dataRoot: string;
  statsCommitment: string;
  modelCommitment: string;
  configHash: string;
  config: RidgePublicConfig;
  batchesDigest: string;
  batches: RidgeEmbeddedBatch[];
}

/** Deletion by model shift. */
export interface RidgeDeletionStatement {
  type: "ridge-deletion";
  oldState: string;
  newState: string;
  deletionDigest: string;
  deleted: { index: number; leaf: string }[];
  oldDataRoot: string;
  oldStatsCommitment: string;
  oldModelCommitment: string;
  newDataRoot: string;
  newStatsCommitment: string;
  newModelCommitment: string;
  configHash: string;
  config: RidgePublicConfig;
}

/** Class forgetting. */
export interface RidgeClassForgetStatement {
  type: "ridge-class-forget";
  oldState: string;
  newState: string;
  forgottenClass: number;
  dataRoot: string;
  oldStatsCommitment: string;
  oldModelCommitment: string;
  newStatsCommitment: string;
  newModelCommitment: string;
  configHash: string;
  config: RidgePublicConfig;
}

/** Accuracy on the committed test set (an attestation). */
export interface RidgeAccuracyStatement {
  type: "ridge-accuracy";
  state: string;
  testRoot: string;
  correct: number;
  total: number;
  dataRoot: string;
  statsCommitment: string;
  modelCommitment: string;
  configHash: string;
  config: RidgePublicConfig;
}

/** Every ridge statement. */
export type RidgeStatement = RidgeGenesisStatement | RidgeDeletionStatement | RidgeClassForgetStatement | RidgeAccuracyStatement;
