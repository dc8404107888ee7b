/**
 * Proving the ridge transitions that follow the genesis: a deletion by model shift (at most K
 * records) and a class forgetting. Each builds its witness with the TypeScript model
 * (statements.ts), proves it under the given key and wraps it in a bundle whose readable
 * statement kinds.ts checks. Salts may be given (the server plans a step's new state before a
 * worker proves it); by default they are fresh.
 */
import type { CircuitProfile } from "../../circuits/profiles.ts";
import { getPoseidon } from "../../crypto/poseidon.ts";
import { randomSalt } from "../../dataset/leaf.ts";
import type { ProvingKey } from "../../keys/devKeys.ts";
import { proveBundle, signalsInOrder, type ProveOptions } from "../../prover/groth16.ts";
import { toHex32 } from "../../verifier/fieldText.ts";
import type { ProofBundle } from "../../verifier/types.ts";
import { ridgePublicConfig } from "./kinds.ts";
import { ridgeCommitments, type RidgeSystemState } from "./state.ts";
import type { RidgeAccuracyStatement, RidgeClassForgetStatement, RidgeDeletionStatement } from "./statementTypes.ts";
import { buildClassForgetWitness, buildRidgeAccuracyWitness, buildRidgeDeletionWitness } from "./statements.ts";
import type { CommittedDataset } from "../../dataset/commitment.ts";

/** Salts of the new statistics and model commitments. */
export interface RidgeSalts {
  statsSalt: bigint;
  modelSalt: bigint;
}

/** Fresh salts. */
export function freshRidgeSalts(): RidgeSalts {
  return { statsSalt: randomSalt(), modelSalt: randomSalt() };
}

/** A proved ridge transition. */
export interface RidgeTransitionProof<S> {
  bundle: ProofBundle;
  statement: S;
  state: RidgeSystemState;
  proveSeconds: number;
}

/**
 * Proves the deletion of `ids` (at most K, live) from `before` under `key` (a RidgeDeletion key
 * of the system's shape).
 * @throws UnknownRecordError for an unknown or deleted id; Error for more than K ids or a key of another profile
 */
export async function proveRidgeDeletion(
  before: RidgeSystemState, ids: readonly string[], profile: CircuitProfile, key: ProvingKey, salts: RidgeSalts = freshRidgeSalts(), options: ProveOptions = {},
): Promise<RidgeTransitionProof<RidgeDeletionStatement>> {
  const K = profile.params[3]!;
  if (ids.length === 0 || ids.length > K) throw new Error(`profile ${profile.name} proves 1 to ${K} ridge deletions per proof; got ${ids.length}`);
  const poseidon = await getPoseidon();
  const w = buildRidgeDeletionWitness(before, ids, K, salts, poseidon);
  const old = ridgeCommitments(before, poseidon.hash);
  const next = ridgeCommitments(w.state, poseidon.hash);
  const statement: RidgeDeletionStatement = {
    type: "ridge-deletion",
    oldState: toHex32(old.state), newState: toHex32(next.state), deletionDigest: toHex32(w.publicSignals.deletionDigest),
    deleted: w.deleted.map((d) => ({ index: d.index, leaf: toHex32(d.leaf) })),
    oldDataRoot: toHex32(old.dataRoot), oldStatsCommitment: toHex32(old.statsCommitment), oldModelCommitment: toHex32(old.modelCommitment),
    newDataRoot: toHex32(next.dataRoot), newStatsCommitment: toHex32(next.statsCommitment), newModelCommitment: toHex32(next.modelCommitment),
    configHash: toHex32(old.configHash), config: ridgePublicConfig(before.config),
  };
  const { bundle, seconds } = await proveBundle(key, w.input, signalsInOrder(profile, { ...w.publicSignals }), statement, options);
  return { bundle, statement, state: w.state, proveSeconds: seconds };
}

/**
 * Proves forgetting class `cls` of `before` under `key` (a RidgeClassForget key of the system's shape).
 * @throws RangeError for a class outside 0..C−1 or one already forgotten
 */
export async function proveRidgeClassForget(
  before: RidgeSystemState, cls: number, profile: CircuitProfile, key: ProvingKey, salts: RidgeSalts = freshRidgeSalts(), options: ProveOptions = {},
): Promise<RidgeTransitionProof<RidgeClassForgetStatement>> {
  const poseidon = await getPoseidon();
  const w = buildClassForgetWitness(before, cls, salts, poseidon);
  const old = ridgeCommitments(before, poseidon.hash);
  const next = ridgeCommitments(w.state, poseidon.hash);
  const statement: RidgeClassForgetStatement = {
    type: "ridge-class-forget",
    oldState: toHex32(old.state), newState: toHex32(next.state), forgottenClass: cls, dataRoot: toHex32(old.dataRoot),
    oldStatsCommitment: toHex32(old.statsCommitment), oldModelCommitment: toHex32(old.modelCommitment),
    newStatsCommitment: toHex32(next.statsCommitment), newModelCommitment: toHex32(next.modelCommitment),
    configHash: toHex32(old.configHash), config: ridgePublicConfig(before.config),
  };
  const { bundle, seconds } = await proveBundle(key, w.input, signalsInOrder(profile, { ...w.publicSignals }), statement, options);
  return { bundle, statement, state: w.state, proveSeconds: seconds };
}

/**
 * Proves the accuracy of the model of `system` on the committed `testSet` under `key` (a
 * RidgeAccuracy(depth, d, C, testDepth) key).
 * @throws RangeError when the test set is not the committed one, or the profile does not fit it
 */
export async function proveRidgeAccuracy(
  system: RidgeSystemState, testSet: CommittedDataset, profile: CircuitProfile, key: ProvingKey, options: ProveOptions = {},
): Promise<{ bundle: ProofBundle; correct: number; total: number; proveSeconds: number }> {
  const { config } = system;
  const want = [config.depth, config.features, config.classes, testSet.depth];
  if (profile.params.join() !== want.join()) throw new RangeError(`profile ${profile.name} (${profile.params.join(", ")}) does not prove the accuracy of this model on its test set (${want.join(", ")})`);
  const poseidon = await getPoseidon();
  const w = buildRidgeAccuracyWitness(system, testSet, poseidon);
  const c = ridgeCommitments(system, poseidon.hash);
  const statement: RidgeAccuracyStatement = {
    type: "ridge-accuracy", state: toHex32(c.state), testRoot: toHex32(testSet.root), correct: Number(w.publicSignals.correct), total: Number(w.publicSignals.total),
    dataRoot: toHex32(c.dataRoot), statsCommitment: toHex32(c.statsCommitment), modelCommitment: toHex32(c.modelCommitment),
    configHash: toHex32(c.configHash), config: ridgePublicConfig(config),
  };
  const { bundle, seconds } = await proveBundle(key, w.input, signalsInOrder(profile, { ...w.publicSignals }), statement, options);
  return { bundle, correct: statement.correct, total: statement.total, proveSeconds: seconds };
}
