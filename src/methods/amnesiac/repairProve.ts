/**
 * Proving a repair step (repair.ts) under an AmnesiacRepair key: the witness from the TypeScript
 * model, the Groth16 proof, and the bundle whose readable statement repairKind.ts checks. Salts
 * may be given (a caller that plans the new state before proving); by default they are fresh.
 */
import type { CircuitProfile } from "../../circuits/profiles.ts";
import { getPoseidon } from "../../crypto/poseidon.ts";
import { randomSalt } from "../../dataset/leaf.ts";
import type { ProvingKey } from "../../keys/devKeys.ts";
import { proveBundle, signalsInOrder, type ProveOptions } from "../../prover/groth16.ts";
import type { ProofBundle } from "../../verifier/types.ts";
import { amnesiacRepairStatementOf, repairBatch, type RepairSalts } from "./repair.ts";
import type { AmnesiacRepairStatement } from "./repairKind.ts";
import type { AmnesiacSystem } from "./system.ts";

/** Fresh salts for a repair step. */
export function freshRepairSalts(): RepairSalts {
  return { logSalt: randomSalt(), newModelSalt: randomSalt() };
}

/** A proved repair step. */
export interface AmnesiacRepairProof {
  bundle: ProofBundle<AmnesiacRepairStatement>;
  statement: AmnesiacRepairStatement;
  /** The system after the repair. */
  next: AmnesiacSystem;
  proveSeconds: number;
}

/**
 * Proves the repair step of `batch` from `system` under `key` (an AmnesiacRepair key of the
 * system's shape, `profile` its profile).
 * @throws RangeError for a profile of another template or shape, and as repairBatch does
 *   (training incomplete, batch outside the schedule, batch without a subtracted update)
 */
export async function proveAmnesiacRepair(
  system: AmnesiacSystem, batch: number, profile: CircuitProfile, key: ProvingKey, salts: RepairSalts = freshRepairSalts(), options: ProveOptions = {},
): Promise<AmnesiacRepairProof> {
  const { config } = system;
  const want = [config.dataDepth, config.batchLog2, config.features, config.epochs];
  if (profile.template !== "AmnesiacRepair" || profile.params.join() !== want.join()) {
    throw new RangeError(`profile ${profile.name} (${profile.template}(${profile.params.join(", ")})) does not prove repair steps of this system: AmnesiacRepair(${want.join(", ")}) is needed`);
  }
  if (key.manifest.profile !== profile.name) throw new RangeError(`the key is for profile ${key.manifest.profile}, not ${profile.name}`);
  const poseidon = await getPoseidon();
  const w = repairBatch(system, batch, salts, poseidon);
  const statement = amnesiacRepairStatementOf(system, w, poseidon);
  const { bundle, seconds } = await proveBundle(key, w.input, signalsInOrder(profile, { ...w.publicSignals, batch: BigInt(batch) }), statement, options);
  return { bundle, statement, next: w.next, proveSeconds: seconds };
}
