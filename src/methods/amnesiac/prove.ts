/**
 * Proving amnesiac transitions: a training proof (the next 2^p steps, logged) and an unlearning
 * proof (up to K records removed, the logged updates of their batches subtracted). Each builds
 * its witness with the TypeScript model (witness.ts), proves it under the given key and wraps it
 * in a bundle whose readable statement statements.ts checks. Salts may be given (the server
 * plans a step's new state before a worker proves it); by default they are fresh.
 */
import type { CircuitProfile } from "../../circuits/profiles.ts";
import { getPoseidon } from "../../crypto/poseidon.ts";
import { randomSalt } from "../../dataset/leaf.ts";
import type { ProvingKey } from "../../keys/devKeys.ts";
import { proveBundle, signalsInOrder, type ProveOptions } from "../../prover/groth16.ts";
import type { ProofBundle } from "../../verifier/types.ts";
import type { AmnesiacTrainStatement, AmnesiacUnlearnStatement } from "./statements.ts";
import type { AmnesiacSystem } from "./system.ts";
import {
  amnesiacTrainStatementOf, amnesiacUnlearnStatementOf, buildAmnesiacTrainWitness, buildAmnesiacUnlearnWitness, type TrainSalts,
} from "./witness.ts";

/** A proved amnesiac transition: the bundle, its statement and the system after it. */
export interface AmnesiacTransitionProof<S> {
  bundle: ProofBundle;
  statement: S;
  next: AmnesiacSystem;
  proveSeconds: number;
}

/** Fresh salts for a training proof of 2^stepsLog2 steps. */
export function freshTrainSalts(stepsLog2: number): TrainSalts {
  return { logSalts: Array.from({ length: 2 ** stepsLog2 }, () => randomSalt()), newModelSalt: randomSalt() };
}

/** @throws Error when `profile` is not a `template` profile of the system's shape (D, b, F, E) */
function checkShape(system: AmnesiacSystem, profile: CircuitProfile, template: string): void {
  const { dataDepth, batchLog2, features, epochs } = system.config;
  const want = [dataDepth, batchLog2, features, epochs];
  if (profile.template !== template || profile.params.slice(0, 4).join() !== want.join()) {
    throw new Error(`profile ${profile.name} (${profile.template} ${profile.params.join(", ")}) does not prove ${template} for this system (D, b, F, E = ${want.join(", ")})`);
  }
}

/**
 * Proves the next 2^p training steps of `before` under `key` (an AmnesiacTrain(D, b, F, E, p) key).
 * @throws RangeError when the training is complete; Error for a profile of another shape
 */
export async function proveAmnesiacTrain(
  before: AmnesiacSystem, profile: CircuitProfile, key: ProvingKey, salts?: TrainSalts, options: ProveOptions = {},
): Promise<AmnesiacTransitionProof<AmnesiacTrainStatement>> {
  checkShape(before, profile, "AmnesiacTrain");
  const stepsLog2 = profile.params[4]!;
  const poseidon = await getPoseidon();
  const w = buildAmnesiacTrainWitness(before, stepsLog2, salts ?? freshTrainSalts(stepsLog2), poseidon);
  const statement = amnesiacTrainStatementOf(before, w, poseidon);
  const signals = signalsInOrder(profile, { ...w.publicSignals, firstStep: BigInt(w.publicSignals.firstStep) });
  const { bundle, seconds } = await proveBundle(key, w.input, signals, statement, options);
  return { bundle, statement, next: w.next, proveSeconds: seconds };
}

/**
 * Proves the unlearning of `slots` (1..K live slot indices) from the completely trained `before`
 * under `key` (an AmnesiacUnlearn(D, b, F, E, K) key).
 * @throws RangeError when the training is incomplete or a slot is empty, repeated or beyond K
 */
export async function proveAmnesiacUnlearn(
  before: AmnesiacSystem, slots: readonly number[], profile: CircuitProfile, key: ProvingKey, newModelSalt: bigint = randomSalt(), options: ProveOptions = {},
): Promise<AmnesiacTransitionProof<AmnesiacUnlearnStatement>> {
  checkShape(before, profile, "AmnesiacUnlearn");
  const K = profile.params[4]!;
  if (slots.length === 0 || slots.length > K) throw new Error(`profile ${profile.name} proves the unlearning of 1 to ${K} records per proof; got ${slots.length}`);
  const poseidon = await getPoseidon();
  const w = buildAmnesiacUnlearnWitness(before, slots, K, newModelSalt, poseidon);
  const statement = amnesiacUnlearnStatementOf(before, w, poseidon);
  const { bundle, seconds } = await proveBundle(key, w.input, signalsInOrder(profile, { ...w.publicSignals }), statement, options);
  return { bundle, statement, next: w.next, proveSeconds: seconds };
}
