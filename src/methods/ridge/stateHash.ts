/**
 * The ridge state hash, alone (browser-safe: the verifier's statement kinds import it without
 * the controller's dataset code). See state.ts for what the state binds.
 */
import type { PoseidonFn } from "../../ml/weights.ts";

/** state = Poseidon(dataRoot, statsCommitment, modelCommitment, configHash). */
export function ridgeStateHash(dataRoot: bigint, stats: bigint, model: bigint, configHash: bigint, hash: PoseidonFn): bigint {
  return hash([dataRoot, stats, model, configHash]);
}

/**
 * The state of a committed, untrained ridge workspace: Poseidon(dataRoot, 0, 0, configHash).
 * Public values only, so the verifier recomputes it from a genesis proof's dataRoot and configHash.
 */
export function untrainedRidgeState(dataRoot: bigint, configHash: bigint, hash: PoseidonFn): bigint {
  return ridgeStateHash(dataRoot, 0n, 0n, configHash, hash);
}
