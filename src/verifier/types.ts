import type { KeyManifest } from "../keys/manifest.ts";
import type { PublicTrainingConfig } from "../ml/publicConfig.ts";
import type { AmnesiacRepairStatement } from "../methods/amnesiac/repairKind.ts";
import type { AmnesiacTrainStatement, AmnesiacUnlearnStatement } from "../methods/amnesiac/statements.ts";
import type { RidgeStatement } from "../methods/ridge/statementTypes.ts";

export type { PublicTrainingConfig };

/** A Groth16 proof as snarkjs writes it: decimal strings, each point affine with z = 1 (the verifier accepts no other encoding). */
export interface Groth16Proof {
  pi_a: [string, string, string];
  pi_b: [[string, string], [string, string], [string, string]];
  pi_c: [string, string, string];
  protocol: "groth16";
  curve: "bn128";
}

/** A Groth16 verification key as `snarkjs zkey export verificationkey` writes it. */
export interface VerificationKey {
  protocol: "groth16";
  curve: "bn128";
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
  [extra: string]: unknown;
}

/** A verification key the verifier trusts, with the manifest that says where it came from. */
export interface TrustedKey {
  vkey: VerificationKey;
  manifest: KeyManifest;
}

/** Trusted keys by profile name. */
export type KeyRing = ReadonlyMap<string, TrustedKey>;

/** One deleted slot: its index in the dataset tree and the leaf it held. */
export interface DeletedSlot {
  index: number;
  /** The leaf as a 0x-prefixed 64-digit hex field element. */
  leaf: string;
}

/** Statement 1: `oldRoot → newRoot` by setting the listed non-empty slots to 0. */
export interface DeletionStatement {
  type: "dataset-deletion";
  /** 0x-hex dataset roots before and after. */
  oldRoot: string;
  newRoot: string;
  /** 0x-hex Poseidon sponge over the (index, leaf) pairs, padded with (0, 0) to K pairs. */
  deletionDigest: string;
  /** The deleted slots in increasing index order. */
  deleted: DeletedSlot[];
}

/**
 * Statement 2 (SISA): shard `shard` was retrained, from the committed initial weights, over
 * exactly its live records after deleting `deleted`; the state moves `oldState → newState`,
 * where state = Poseidon(dataRoot, modelRoot, configHash). With no deletions it is the
 * genesis training of the shard.
 */
export interface ShardRetrainStatement {
  type: "shard-retrain";
  shard: number;
  /** 0x-hex public signals. */
  oldState: string;
  newState: string;
  deletionDigest: string;
  /** 0x-hex parts of the states, checked against them by the verifier. */
  oldDataRoot: string;
  newDataRoot: string;
  oldModelRoot: string;
  newModelRoot: string;
  configHash: string;
  /**
   * The training config in the clear. The verifier recomputes configHash from it and checks it
   * against its policy (data-independent initial weights, a learning rate above a floor, …).
   */
  config: PublicTrainingConfig;
  /** Deleted slots (global indices, all in `shard`), increasing; empty for genesis. */
  deleted: DeletedSlot[];
}

/**
 * Statement 3 (proved accuracy): the SISA ensemble committed in `state` classifies exactly
 * `correct` of the `total` live records of the held-out test set `testRoot` correctly (class 1
 * iff the sum of the trained shards' logits is ≥ 0), and `state`'s config hash commits to that
 * test set (it was fixed before training). Public signals: state, testRoot, correct, total.
 */
export interface AccuracyStatement {
  type: "model-accuracy";
  /** 0x-hex public signals. */
  state: string;
  testRoot: string;
  /** Public signals, as integers: 0 ≤ correct ≤ total ≤ the profile's test slots. */
  correct: number;
  total: number;
  /** 0x-hex parts of the state, checked against it by the verifier. */
  dataRoot: string;
  modelRoot: string;
  configHash: string;
  /** The training config of the state in the clear, checked against configHash and the verifier's policy. */
  config: PublicTrainingConfig;
}

/** Every statement a bundle can carry. */
export type Statement = DeletionStatement | ShardRetrainStatement | AccuracyStatement | AmnesiacTrainStatement | AmnesiacUnlearnStatement | AmnesiacRepairStatement | RidgeStatement;

/** Format tag and version of a bundle. */
export const BUNDLE_FORMAT = "zkforget-bundle";
export const BUNDLE_VERSION = 1;

/**
 * What a verifier receives: the profile and the hash of the key the proof was made for, the
 * statement in readable form, the public signals it must match, and the proof.
 */
export interface ProofBundle<S extends Statement = Statement> {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  profile: string;
  /** sha256 hex of the canonical verification key (see `verificationKeyHash`). */
  vkeyHash: string;
  statement: S;
  /** Public signals as decimal strings, in circuit order. */
  publicSignals: string[];
  proof: Groth16Proof;
  /** ISO time the proof was made (informative, not proved). */
  createdAt: string;
}

/** Outcome of verifying a bundle: `valid` only if `reasons` is empty. */
export interface VerificationResult {
  valid: boolean;
  /** Every reason the bundle was rejected, each naming what is wrong. */
  reasons: string[];
  /** The bundle, when it parsed. */
  bundle?: ProofBundle;
  /** Trust level of the key it was checked against, when one was found. */
  security?: KeyManifest["security"];
}
